package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/qrtc/qrtc"

// TestImportRules keeps the architecture: sdpcompact is pure (no WebRTC, no
// QR, no peer), qr knows nothing of SDP or WebRTC, peer nothing of tokens or
// QR codes, and only cmd/qrtc wires all three together.
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
