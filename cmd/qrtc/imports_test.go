package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/qrtc/qrtc"

// TestImportRules keeps the architecture: sdpcompact is pure (no WebRTC, no
// QR, no peer), qr knows nothing of SDP or WebRTC, peer nothing of tokens or
// QR codes, relay (a STUN and TURN server) nothing of the other three, and
// only cmd/qrtc wires all three together (and may import relay).
func TestImportRules(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not installed")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list -deps %s/...: %v", module, err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.HasPrefix(f[0], module) {
			deps[f[0]] = f[1:]
		}
	}
	forbidden := map[string][]string{
		module + "/sdpcompact": {"github.com/pion/webrtc", "github.com/pion/ice", "github.com/pion/dtls", module + "/qr", module + "/peer", "github.com/skip2", "github.com/makiuchi-d"},
		module + "/qr":         {"github.com/pion/", module + "/sdpcompact", module + "/peer"},
		module + "/peer":       {module + "/qr", module + "/sdpcompact", "github.com/skip2", "github.com/makiuchi-d"},
		module + "/relay":      {module + "/peer", module + "/qr", module + "/sdpcompact", "github.com/skip2", "github.com/makiuchi-d"},
		// transfer runs over any message channel: it knows nothing of
		// WebRTC, tokens or QR codes.
		module + "/transfer": {module + "/peer", module + "/qr", module + "/sdpcompact", "github.com/pion/", "github.com/skip2", "github.com/makiuchi-d"},
		// stream runs over any message channel (a Peer, a browser's
		// data channel): nothing of WebRTC, tokens, QR codes or files.
		module + "/stream": {module + "/peer", module + "/qr", module + "/sdpcompact", module + "/transfer", "github.com/pion/", "github.com/skip2", "github.com/makiuchi-d"},
		// cpace is a published PAKE on ristretto255: nothing of qrtc, no network.
		module + "/cpace": {module + "/", "github.com/pion/", "github.com/anacrolix/", "net"},
		// rendezvous carries tokens as opaque strings: it knows nothing of
		// SDP, QR codes or WebRTC.
		module + "/rendezvous": {module + "/sdpcompact", module + "/qr", module + "/peer", "github.com/pion/", "github.com/skip2", "github.com/makiuchi-d"},
		// phrase derives the verification words: nothing of qrtc, no network.
		module + "/phrase": {module + "/", "github.com/pion/", "net"},
		// web serves and inlines the page's files: it holds no protocol.
		module + "/web": {module + "/sdpcompact", module + "/qr", module + "/peer", module + "/phrase", "github.com/pion/"},
		// onescan defines the one-scan credentials: standard library only.
		module + "/onescan": {"github.com/", "golang.org/", module + "/"},
	}
	for pkg, bad := range forbidden {
		list, ok := deps[pkg]
		if !ok {
			t.Errorf("go list did not report %s", pkg)
			continue
		}
		for _, d := range list {
			for _, b := range bad {
				if strings.HasPrefix(d, b) {
					t.Errorf("%s imports %s (directly or not): it must not depend on %s", pkg, d, b)
				}
			}
		}
	}
	three := []string{module + "/sdpcompact", module + "/qr", module + "/peer"}
	for pkg, list := range deps {
		n := 0
		for _, d := range list {
			for _, p := range three {
				if d == p {
					n++
				}
			}
		}
		if n == len(three) && pkg != module+"/cmd/qrtc" {
			t.Errorf("%s imports sdpcompact, qr and peer: only cmd/qrtc may wire all three", pkg)
		}
	}
	if n := len(deps[module+"/cmd/qrtc"]); n == 0 {
		t.Errorf("go list did not report the dependencies of cmd/qrtc")
	}
}

// TestWasmImports keeps the page's WebAssembly modules (built for js/wasm,
// so go list must be asked for that platform) on the same packages as the
// command, and small: the codec loaded with the page has no QR code package
// and no WebRTC, the scanner nothing but package qr.
func TestWasmImports(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not installed")
	}
	rules := []struct {
		pkg       string
		must, bad []string
	}{
		{module + "/web/wasm/codec", []string{module + "/sdpcompact", module + "/phrase"}, []string{module + "/qr", module + "/peer", "github.com/makiuchi-d/", "github.com/skip2/", "github.com/pion/"}},
		{module + "/web/wasm/scan", []string{module + "/qr"}, []string{module + "/sdpcompact", module + "/peer", module + "/phrase", "github.com/pion/"}},
	}
	for _, r := range rules {
		cmd := exec.Command("go", "list", "-deps", r.pkg)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GOOS=js GOARCH=wasm go list -deps %s: %v", r.pkg, err)
		}
		deps := strings.Fields(string(out))
		for _, m := range r.must {
			if !slices.Contains(deps, m) {
				t.Errorf("%s does not import %s: the page must use the command's own code", r.pkg, m)
			}
		}
		for _, d := range deps {
			for _, b := range r.bad {
				if strings.HasPrefix(d, b) {
					t.Errorf("%s imports %s (directly or not): it must not depend on %s", r.pkg, d, b)
				}
			}
		}
	}
}

// libraryPackages are the public library packages, relative to the module
// root: they never print, log, exit or panic.
var libraryPackages = []string{"sdpcompact", "qr", "peer", "relay", "cpace", "transfer", "stream", "rendezvous", "phrase", "web", "onescan"}

// TestLibrariesDoNotPrint reads the non-test Go files of the library
// packages and fails on what only cmd/qrtc may do: import "log" (or
// log/slog), call fmt.Print*, print or println, os.Exit or panic, or touch
// os.Stdout and os.Stderr.
func TestLibrariesDoNotPrint(t *testing.T) {
	for _, pkg := range libraryPackages {
		t.Run(pkg, func(t *testing.T) {
			files, err := filepath.Glob(filepath.Join("..", "..", pkg, "*.go"))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, path := range files {
				if strings.HasSuffix(path, "_test.go") {
					continue
				}
				n++
				for _, v := range libraryViolations(t, path) {
					t.Errorf("%s: %s: library code must return errors and leave printing, logging and exiting to cmd/qrtc", v.pos, v.what)
				}
			}
			if n == 0 {
				t.Errorf("no Go files found in %s", pkg)
			}
		})
	}
}

// violation is one thing library code must not do, and where.
type violation struct {
	pos  token.Position
	what string
}

// libraryViolations parses one file and lists its violations.
func libraryViolations(t *testing.T, path string) []violation {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	var out []violation
	names := map[string]string{} // local name -> import path, for fmt and os
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			t.Fatalf("%s: import %s: %v", path, imp.Path.Value, err)
		}
		if p == "log" || p == "log/slog" {
			out = append(out, violation{fset.Position(imp.Pos()), fmt.Sprintf("imports %q", p)})
		}
		local := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if p == "fmt" || p == "os" {
			names[local] = p
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "panic" || id.Name == "print" || id.Name == "println") {
				out = append(out, violation{fset.Position(n.Pos()), "calls " + id.Name})
			}
		case *ast.SelectorExpr:
			x, ok := n.X.(*ast.Ident)
			if !ok {
				return true
			}
			switch pkg, name := names[x.Name], n.Sel.Name; {
			case pkg == "fmt" && strings.HasPrefix(name, "Print"):
				out = append(out, violation{fset.Position(n.Pos()), "uses fmt." + name})
			case pkg == "os" && (name == "Exit" || name == "Stdout" || name == "Stderr"):
				out = append(out, violation{fset.Position(n.Pos()), "uses os." + name})
			}
		}
		return true
	})
	return out
}

// TestLibraryViolationsFound: the checker finds each thing it looks for, so
// that TestLibrariesDoNotPrint cannot pass by finding nothing.
func TestLibraryViolationsFound(t *testing.T) {
	src := `package bad

import (
	"log"
	f "fmt"
	stdos "os"
)

func bad() {
	log.Print("x")
	f.Println("x")
	f.Fprintln(stdos.Stderr, "x")
	stdos.Stdout.Write(nil)
	println("x")
	stdos.Exit(1)
	panic("x")
	_ = f.Sprintf("fine")
}
`
	path := filepath.Join(t.TempDir(), "bad.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range libraryViolations(t, path) {
		got = append(got, v.what)
	}
	want := []string{`imports "log"`, "uses fmt.Println", "uses os.Stderr", "uses os.Stdout", "calls println", "uses os.Exit", "calls panic"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("libraryViolations(bad.go) = %q, want %q", got, want)
	}
}
