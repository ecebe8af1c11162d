// Command qrrates generates package qr's distortion set from a seed,
// decodes every image with qr.Decode and, when it is installed, with
// zbarimg (Debian zbar-tools), and prints a Markdown table of decode rates
// per distortion class. scripts/qr-vs-zbar.sh runs it.
//
//	go run ./qr/internal/qrrates -n 20 -seed 1 [-out dir] [-zbar=false]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/qr/internal/distort"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "qrrates:", err)
		os.Exit(1)
	}
}

type result struct {
	ours, zbar bool
	dur        time.Duration
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("qrrates", flag.ContinueOnError)
	seed := fs.Uint64("seed", 1, "random seed of the set")
	n := fs.Int("n", 20, "images per distortion class and strength")
	minLen := fs.Int("min", 60, "shortest payload")
	maxLen := fs.Int("max", 220, "longest payload")
	out := fs.String("out", "", "directory to write the images into (kept); a temporary one otherwise")
	useZbar := fs.Bool("zbar", true, "also run zbarimg, if installed")
	workers := fs.Int("j", 2, "parallel decodes")
	verbose := fs.Bool("v", false, "list the images zbarimg reads and qr.Decode does not")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cases, err := distort.Generate(distort.QR, *seed, *n, *minLen, *maxLen)
	if err != nil {
		return err
	}
	zbar := ""
	if *useZbar {
		if p, err := exec.LookPath("zbarimg"); err == nil {
			zbar = p
		}
	}
	dir := *out
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if dir == "" && zbar != "" {
		d, err := os.MkdirTemp("", "qrrates")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	results := make([]result, len(cases))
	var wg sync.WaitGroup
	next := make(chan int)
	var firstErr error
	var mu sync.Mutex
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := check(cases[i], dir, zbar)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				results[i] = r
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	report(stdout, cases, results, zbar != "", *seed, *n)
	if *verbose {
		for i, r := range results {
			if r.zbar && !r.ours {
				fmt.Fprintln(stdout, "zbarimg only:", cases[i].Name)
			}
		}
	}
	return nil
}

func check(c distort.Case, dir, zbar string) (result, error) {
	var r result
	start := time.Now()
	var got string
	var err error
	data := c.JPEG
	ext := ".jpg"
	if data == nil {
		var b bytes.Buffer
		if err := png.Encode(&b, c.Image); err != nil {
			return r, err
		}
		data, ext = b.Bytes(), ".png"
	}
	got, err = qr.DecodeBytes(data)
	r.dur = time.Since(start)
	r.ours = err == nil && got == c.Text
	if err != nil && !errors.Is(err, qr.ErrNoCode) {
		return r, fmt.Errorf("%s: %w", c.Name, err)
	}
	if dir == "" {
		return r, nil
	}
	path := filepath.Join(dir, c.Name+ext)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return r, err
	}
	if zbar != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, zbar, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", path)
		outb, _ := cmd.Output() // exit status 4 means "no code found"
		for _, line := range strings.Split(string(outb), "\n") {
			if line == c.Text {
				r.zbar = true
			}
		}
	}
	return r, nil
}

func report(w io.Writer, cases []distort.Case, results []result, withZbar bool, seed uint64, n int) {
	type key struct{ class, strength string }
	type row struct {
		key
		n, ours, zbar, zbarOnly int
		durs                    []time.Duration
	}
	var order []key
	rows := map[key]*row{}
	for i, c := range cases {
		k := key{c.Class, c.Strength}
		rw := rows[k]
		if rw == nil {
			rw = &row{key: k}
			rows[k] = rw
			order = append(order, k)
		}
		rw.n++
		r := results[i]
		if r.ours {
			rw.ours++
		}
		if r.zbar {
			rw.zbar++
			if !r.ours {
				rw.zbarOnly++
			}
		}
		rw.durs = append(rw.durs, r.dur)
	}
	fmt.Fprintf(w, "Decode rates on the generated distortion set (seed %d, %d images per row; `go run ./qr/internal/qrrates -seed %d -n %d`).\n\n", seed, n, seed, n)
	if withZbar {
		fmt.Fprintln(w, "| class | strength | qr.Decode | zbarimg | zbarimg only | median ms |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
	} else {
		fmt.Fprintln(w, "| class | strength | qr.Decode | median ms |")
		fmt.Fprintln(w, "|---|---|---|---|")
	}
	var tot, ours, zb int
	for _, k := range order {
		rw := rows[k]
		sort.Slice(rw.durs, func(i, j int) bool { return rw.durs[i] < rw.durs[j] })
		med := rw.durs[len(rw.durs)/2].Milliseconds()
		tot += rw.n
		ours += rw.ours
		zb += rw.zbar
		if withZbar {
			fmt.Fprintf(w, "| %s | %s | %d/%d | %d/%d | %d | %d |\n", k.class, k.strength, rw.ours, rw.n, rw.zbar, rw.n, rw.zbarOnly, med)
		} else {
			fmt.Fprintf(w, "| %s | %s | %d/%d | %d |\n", k.class, k.strength, rw.ours, rw.n, med)
		}
	}
	if withZbar {
		fmt.Fprintf(w, "| **all** | | **%d/%d** | **%d/%d** | | |\n", ours, tot, zb, tot)
	} else {
		fmt.Fprintf(w, "| **all** | | **%d/%d** | |\n", ours, tot)
	}
}
