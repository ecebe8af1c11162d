package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/sdpcompact"
)

// TestExitCodes: errors that carry no code of their own are classified by
// kind, and say what to do.
func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		name      string
		err       error
		want      int
		fragments []string
	}{
		{"too many candidates", encodeOwnError("offer", fmt.Errorf("%w: 40 of at most 32", sdpcompact.ErrTooManyCandidates)), exitBadInput, []string{"--interface", "--ipv4", "--ipv6", "offer"}},
		{"too many candidates, bare", fmt.Errorf("x: %w", sdpcompact.ErrTooManyCandidates), exitBadInput, nil},
		{"other encoding failure", encodeOwnError("answer", sdpcompact.ErrNoCandidates), exitBadInput, []string{"answer", "-v"}},
		{"stdout write failure", stdoutError(&os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}), exitNoConnect, []string{"could not write to standard output", "broken pipe"}},
		{"bare EPIPE", fmt.Errorf("write: %w", syscall.EPIPE), exitNoConnect, nil},
		{"unclassified", errors.New("qrtc: something else"), exitNoConnect, nil},
		{"usage", usageErrorf("qrtc: bad flag"), exitBadInput, nil},
		{"interrupted", errInterrupted, exitInterrupted, nil},
		{"nil", nil, exitOK, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := exitCode(c.err); got != c.want {
				t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
			}
			for _, f := range c.fragments {
				if !strings.Contains(c.err.Error(), f) {
					t.Errorf("error %q does not mention %q", c.err, f)
				}
			}
		})
	}
	if stdoutError(nil) != nil {
		t.Errorf("stdoutError(nil) != nil")
	}
}

// TestStdoutClosed: when the program reading qrtc's stdout has gone, qrtc
// says so on stderr and exits with 1 instead of dying silently of SIGPIPE.
func TestStdoutClosed(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"decode", "testdata/offer.token"},
		{"encode", "testdata/offer.json"},
		{"qr", "hello"},
		{"version"},
	} {
		t.Run(args[0], func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			r.Close() // nobody reads: every write is EPIPE
			defer w.Close()
			cmd := exec.Command(qrtcBin, args...)
			cmd.Stdout = w
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err = cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitNoConnect {
				t.Fatalf("qrtc %q with a closed stdout: %v, want exit code %d; stderr: %s", args, err, exitNoConnect, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 2 || !strings.Contains(lines[0], "could not write to standard output") {
				t.Errorf("qrtc %q with a closed stdout: stderr %q, want one error saying it could not write to standard output", args, stderr.String())
			}
		})
	}
}

// TestTURNPassFromEnv: QRTC_TURN_PASS stands in for --turn-pass, which
// other users could read in ps; the flag wins when both are given.
func TestTURNPassFromEnv(t *testing.T) {
	env := func(pass string) func(string) string {
		return func(name string) string {
			if name == turnPassEnv {
				return pass
			}
			return ""
		}
	}
	for _, c := range []struct {
		name     string
		flagPass string
		envPass  string
		want     string // the credential; "" for a usage error
	}{
		{"flag", "fromflag", "", "fromflag"},
		{"environment", "", "fromenv", "fromenv"},
		{"flag wins", "fromflag", "fromenv", "fromflag"},
		{"neither", "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := sessionFlags{stun: stringList{"none"}, turn: stringList{"turn:127.0.0.1:3478"}, turnUser: "alice", turnPass: c.flagPass, timeout: defaultTimeout}
			servers, err := f.iceServers(env(c.envPass))
			if c.want == "" {
				if exitCode(err) != exitBadInput || !strings.Contains(fmt.Sprint(err), turnPassEnv) {
					t.Errorf("iceServers() = %v, %v; want a usage error that names %s", servers, err, turnPassEnv)
				}
				return
			}
			if err != nil || len(servers) != 1 || servers[0].Credential != c.want || servers[0].Username != "alice" {
				t.Fatalf("iceServers() = %+v, %v; want one TURN server with user alice and password %q", servers, err, c.want)
			}
		})
	}
	// QRTC_TURN_PASS alone, without --turn, is not an error: it may be set
	// for every run.
	f := sessionFlags{stun: stringList{"none"}, timeout: defaultTimeout}
	if servers, err := f.iceServers(env("fromenv")); err != nil || len(servers) != 0 {
		t.Errorf("iceServers() without --turn, with %s set = %v, %v; want no servers and no error", turnPassEnv, servers, err)
	}
}

// TestCandidateFlags: --ipv4, --ipv6 and --interface limit the candidates
// in the offer token, as sdpcompact.Parse reads them back.
func TestCandidateFlags(t *testing.T) {
	t.Parallel()
	var v4, v6 bool
	ifaceName, ifaceAddrs := "", map[string]bool{}
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			if ipn.IP.To4() != nil {
				v4 = true
			} else if !ipn.IP.IsLinkLocalUnicast() {
				v6 = true
			}
			if ifaceName == "" || ifaceName == ifc.Name {
				ifaceName = ifc.Name
				ifaceAddrs[ipn.IP.String()] = true
			}
		}
	}
	if !v4 || !v6 {
		t.Skipf("this computer needs an up interface with an IPv4 and a global IPv6 address (IPv4 %v, IPv6 %v)", v4, v6)
	}
	base := []string{"offer", "--stun", "none", "--no-qr"}
	for _, c := range []struct {
		name  string
		flags []string
		check func(a net.IP) string // "" if the candidate address is allowed
		need  string                // "4", "6" or "46": families that must appear
	}{
		{"no limit", nil, func(net.IP) string { return "" }, "46"},
		{"ipv4", []string{"--ipv4"}, func(a net.IP) string {
			if a.To4() == nil {
				return "IPv6 address with --ipv4"
			}
			return ""
		}, "4"},
		{"ipv6", []string{"--ipv6"}, func(a net.IP) string {
			if a.To4() != nil {
				return "IPv4 address with --ipv6"
			}
			return ""
		}, "6"},
		{"loopback interface only", []string{"--loopback", "--interface", "lo"}, func(a net.IP) string {
			if !a.IsLoopback() {
				return "not a loopback address with --interface lo"
			}
			return ""
		}, "4"},
		{"one interface", []string{"--interface", ifaceName}, func(a net.IP) string {
			if !ifaceAddrs[a.String()] {
				return "not an address of " + ifaceName
			}
			return ""
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := startQRTC(t, "offer", nil, append(base, c.flags...)...)
			tok := p.token()
			p.kill()
			d, err := sdpcompact.Decode(tok)
			if err != nil {
				t.Fatalf("sdpcompact.Decode(offer token) = %v", err)
			}
			s, err := sdpcompact.Parse(d.SDP)
			if err != nil {
				t.Fatalf("sdpcompact.Parse(offer SDP) = %v", err)
			}
			seen := ""
			for _, cand := range s.Candidates {
				a := net.ParseIP(cand.Address)
				if a == nil {
					t.Errorf("candidate address %q is not an IP address", cand.Address)
					continue
				}
				if why := c.check(a); why != "" {
					t.Errorf("qrtc %q: candidate %s: %s", c.flags, cand.Address, why)
				}
				if a.To4() != nil {
					seen += "4"
				} else {
					seen += "6"
				}
			}
			if len(s.Candidates) == 0 {
				t.Errorf("qrtc %q: the offer has no candidate", c.flags)
			}
			for _, fam := range c.need {
				if !strings.ContainsRune(seen, fam) {
					t.Errorf("qrtc %q: no IPv%c candidate among %d", c.flags, fam, len(s.Candidates))
				}
			}
		})
	}
}

// TestGatherTimeoutFlag: offer and answer take --gather-timeout, document it
// with peer's default, and refuse a negative or unparsable value as bad
// usage that names the flag.
func TestGatherTimeoutFlag(t *testing.T) {
	for _, cmd := range []string{"offer", "answer"} {
		t.Run(cmd+" --help", func(t *testing.T) {
			out, errOut, code := runInProcess(t, "", cmd, "--help")
			if code != 0 {
				t.Fatalf("qrtc %s --help: exit %d, stderr %q; want 0", cmd, code, errOut)
			}
			for _, want := range []string{"-gather-timeout", "how long to wait for STUN/TURN servers before showing the token", "(default " + shortDuration(peer.DefaultGatherTimeout) + ")"} {
				if !strings.Contains(out, want) {
					t.Errorf("qrtc %s --help printed\n%s\nwithout %q", cmd, out, want)
				}
			}
		})
		for _, c := range []struct {
			name, value, want string
		}{
			{"negative", "-1s", "is negative"},
			{"not a duration", "soon", "is not a duration"},
		} {
			t.Run(cmd+" "+c.name, func(t *testing.T) {
				_, errOut, code := runInProcess(t, "", cmd, "--stun", "none", "--no-qr", "--gather-timeout", c.value)
				if code != exitBadInput || !strings.Contains(errOut, "gather-timeout") || !strings.Contains(errOut, c.want) {
					t.Errorf("qrtc %s --gather-timeout %s: exit %d, stderr %q; want exit %d and an error about --gather-timeout saying %q", cmd, c.value, code, errOut, exitBadInput, c.want)
				}
			})
		}
	}
	t.Run("parsed", func(t *testing.T) {
		fs := newFlagSet("offer")
		var f sessionFlags
		f.register(fs)
		if f.gatherTimeout != peer.DefaultGatherTimeout {
			t.Errorf("--gather-timeout default = %v, want peer.DefaultGatherTimeout %v", f.gatherTimeout, peer.DefaultGatherTimeout)
		}
		if _, err := parseFlags(&stdio{}, fs, "", []string{"--gather-timeout", "10s"}); err != nil || f.gatherTimeout != 10*time.Second {
			t.Errorf("parseFlags(--gather-timeout 10s): err %v, gatherTimeout %v; want nil and 10s", err, f.gatherTimeout)
		}
	})
}
