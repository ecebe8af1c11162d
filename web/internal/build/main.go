// Command build regenerates the page's generated files in web/static: the two
// WebAssembly modules (codec.wasm.gz, scan.wasm.gz, built from web/wasm with
// GOOS=js GOARCH=wasm and gzip-compressed) and wasm_exec.js (the Go
// toolchain's loader). Run it with go generate ./web from the module root;
// TestGeneratedFiles fails when the committed files are stale.
//
//	go run ./web/internal/build [-out DIR]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/qrtc/qrtc/web/internal/wasmbuild"
)

func main() {
	out := flag.String("out", "", "directory to write to (default: web/static of this module)")
	flag.Parse()
	dir := *out
	if dir == "" {
		root, err := wasmbuild.ModuleRoot()
		if err != nil {
			fmt.Fprintln(os.Stderr, "build:", err)
			os.Exit(1)
		}
		dir = filepath.Join(root, "web", "static")
	}
	files, err := wasmbuild.Build()
	if err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "build:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "%s: %d bytes\n", name, len(data))
	}
}
