package main

import (
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	t.Run("qrtc --help", func(t *testing.T) {
		out, errOut, code := runInProcess(t, "", "--help")
		if code != 0 || !strings.Contains(out, "Example:") {
			t.Fatalf("qrtc --help: exit %d, stdout %q, stderr %q; want exit 0 and an example", code, out, errOut)
		}
		for _, c := range commands {
			if !strings.Contains(out, "  "+c.name+" ") {
				t.Errorf("qrtc --help does not list %q:\n%s", c.name, out)
			}
		}
	})
	for _, c := range commands {
		for _, argv := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			t.Run(strings.Join(argv, " "), func(t *testing.T) {
				out, errOut, code := runInProcess(t, "", argv...)
				if code != 0 {
					t.Fatalf("qrtc %q: exit code %d, stderr %q", argv, code, errOut)
				}
				for _, want := range []string{"Usage: qrtc " + c.name, "Example:", "\n  qrtc " + c.name} {
					if !strings.Contains(out, want) {
						t.Errorf("qrtc %q printed\n%s\nwithout %q", argv, out, want)
					}
				}
			})
		}
	}
	t.Run("no command", func(t *testing.T) {
		_, errOut, code := runInProcess(t, "")
		if code != 2 || !strings.Contains(errOut, "qrtc offer") {
			t.Errorf("qrtc without arguments: exit %d, stderr %q; want 2 and a hint", code, errOut)
		}
	})
}

func TestParseFlagsInterspersed(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantPos []string
		wantV   bool
	}{
		{"flags first", []string{"-v", "a"}, []string{"a"}, true},
		{"flags after", []string{"a", "--v"}, []string{"a"}, true},
		{"between", []string{"a", "-v", "b"}, []string{"a", "b"}, true},
		{"double dash", []string{"--", "-v"}, []string{"-v"}, false},
		{"dash for stdin", []string{"-"}, []string{"-"}, false},
		{"none", nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFlagSet("test")
			v := fs.Bool("v", false, "")
			pos, err := parseFlags(&stdio{}, fs, "", tc.args)
			if err != nil {
				t.Fatalf("parseFlags(%q): %v", tc.args, err)
			}
			if strings.Join(pos, "|") != strings.Join(tc.wantPos, "|") || *v != tc.wantV {
				t.Errorf("parseFlags(%q) = %q, -v %v; want %q, -v %v", tc.args, pos, *v, tc.wantPos, tc.wantV)
			}
		})
	}
}
