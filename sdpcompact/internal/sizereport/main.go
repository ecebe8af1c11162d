// Command sizereport prints, for every description in sdpcompact's test
// corpus, how long each way of passing it along is, as a Markdown table for
// the README: raw SDP bytes, base64 of the W3C JSON, deflate+base64 of the
// SDP, the qrtc token, and the QR code version of the token at error
// correction level M.
//
//	go run ./sdpcompact/internal/sizereport [-dir sdpcompact/testdata/corpus]
package main

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/flate"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/sdpcompact"
)

func main() {
	dir := flag.String("dir", filepath.Join("sdpcompact", "testdata", "corpus"), "directory of corpus *.json files")
	flag.Parse()
	if err := run(*dir, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sizereport:", err)
		os.Exit(1)
	}
}

func run(dir string, out io.Writer) error {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("no *.json files in %s; run from the repository root or pass -dir", dir)
	}
	fmt.Fprintln(out, "| description | SDP bytes | base64 JSON | deflate+base64 | token | QR version (M) |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|")
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		d, err := sdpcompact.ParseDescription(string(text))
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		tok, err := sdpcompact.Encode(d)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		json, err := d.MarshalJSON()
		if err != nil {
			return err
		}
		deflated, err := deflate(d.SDP)
		if err != nil {
			return err
		}
		version, err := qr.Version(tok, qr.LevelM)
		if err != nil {
			return fmt.Errorf("%s: QR code: %w", p, err)
		}
		fmt.Fprintf(out, "| %s | %d | %d | %d | %d | %d |\n", strings.TrimSuffix(filepath.Base(p), ".json"),
			len(d.SDP), base64.StdEncoding.EncodedLen(len(json)), base64.StdEncoding.EncodedLen(len(deflated)), len(tok), version)
	}
	return nil
}

// deflate compresses s with raw deflate at the best level.
func deflate(s string) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, s); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
