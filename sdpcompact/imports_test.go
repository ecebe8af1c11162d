package sdpcompact_test

import (
	"os/exec"
	"strings"
	"testing"
)

// sdpcompact is pure: the standard library and nothing of qrtc's other
// packages or pion/webrtc (STYLE.md rule 2), except onescan, which defines
// the one-scan credentials a token stores and is standard library only.
func TestImports(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "github.com/qrtc/qrtc/sdpcompact").Output()
	if err != nil {
		t.Fatalf("go list -deps = %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "github.com/qrtc/qrtc/sdpcompact" && dep != "github.com/qrtc/qrtc/onescan" {
			t.Errorf("sdpcompact depends on %s; it may use the standard library only", dep)
		}
	}
}
