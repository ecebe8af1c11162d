package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestVersion(t *testing.T) {
	for _, argv := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		out, errOut, code := runInProcess(t, "", argv...)
		want := regexp.MustCompile(`^qrtc \S+.*, built with ` + regexp.QuoteMeta(runtime.Version()) + ` for ` + runtime.GOOS + "/" + runtime.GOARCH + "\n$")
		if code != 0 || !want.MatchString(out) {
			t.Errorf("qrtc %q: exit %d, stdout %q, stderr %q; want 0 and a line matching %s", argv, code, out, errOut, want)
		}
	}
	out, errOut, code := runInProcess(t, "", "version", "--json")
	var v versionInfo
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != 0 {
		t.Fatalf("qrtc version --json: exit %d, stdout %q (%v), stderr %q", code, out, err, errOut)
	}
	if v.Version == "" || v.Go != runtime.Version() || v.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("qrtc version --json = %+v; want a version, Go %s, platform %s/%s", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
}

// TestVersionOfAnInstalledBuild builds qrtc with version control
// information, as go install does from a checkout, and reads the revision
// back.
func TestVersionOfAnInstalledBuild(t *testing.T) {
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout (git rev-parse HEAD: %v)", err)
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if fi, serr := os.Stat(strings.TrimSpace(string(top)) + "/.git"); err != nil || serr != nil || !fi.IsDir() {
		t.Skip("a git worktree (.git is a file): the go command records version control information only for a .git directory")
	}
	bin := t.TempDir() + "/qrtc"
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -buildvcs=true: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	var v versionInfo
	if err != nil || json.Unmarshal(out, &v) != nil {
		t.Fatalf("qrtc version --json: %v, %q", err, out)
	}
	if v.Revision != strings.TrimSpace(string(rev)) {
		t.Errorf("qrtc version --json revision %q, want %q (git rev-parse HEAD)", v.Revision, strings.TrimSpace(string(rev)))
	}
}

// TestBashCompletion loads the bash script into a real bash and asks it to
// complete, as the shell does on Tab.
func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	script, errOut, code := runInProcess(t, "", "completion", "bash")
	if code != 0 {
		t.Fatalf("qrtc completion bash: exit %d, %s", code, errOut)
	}
	for _, c := range []struct {
		words []string // COMP_WORDS; the last is being completed
		want  string   // one of the candidates
	}{
		{[]string{"qrtc", "of"}, "offer"},
		{[]string{"qrtc", "comp"}, "completion"},
		{[]string{"qrtc", "offer", "--ti"}, "--timeout"},
		{[]string{"qrtc", "answer", "--gather"}, "--gather-timeout"},
		{[]string{"qrtc", "relay", "--allow-l"}, "--allow-loopback-peers"},
		{[]string{"qrtc", "version", "--j"}, "--json"},
	} {
		prog := script + "\nCOMP_WORDS=(" + strings.Join(c.words, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(c.words)-1) + "\n_qrtc\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
		out, err := exec.Command("bash", "--norc", "--noprofile", "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		if !strings.Contains("\n"+string(out), "\n"+c.want+"\n") {
			t.Errorf("completing %q offered %q, want %q among them", c.words, out, c.want)
		}
	}
}

// TestCompletionScripts checks that the zsh and fish scripts name every
// command and flag (zsh and fish are not installed here to run them).
func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		out, errOut, code := runInProcess(t, "", "completion", sh)
		if code != 0 {
			t.Fatalf("qrtc completion %s: exit %d, %s", sh, code, errOut)
		}
		for _, c := range commands {
			if !strings.Contains(out, c.name) {
				t.Errorf("qrtc completion %s does not name the command %q", sh, c.name)
			}
			for _, f := range commandFlags(c) {
				if !strings.Contains(out, f.Name) {
					t.Errorf("qrtc completion %s does not name %s's flag %s", sh, c.name, flagName(f.Name))
				}
			}
		}
		if path, err := exec.LookPath(sh); err == nil && sh != "bash" {
			if out, err := exec.Command(path, "-n", "/dev/stdin").CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", sh, err, out)
			}
		}
	}
}

// TestManPage renders "qrtc man" with groff, which must not warn, and
// finds every command and flag in it.
func TestManPage(t *testing.T) {
	page, errOut, code := runInProcess(t, "", "man")
	if code != 0 {
		t.Fatalf("qrtc man: exit %d, %s", code, errOut)
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("groff is not installed")
	}
	cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", "-rLL=80n")
	cmd.Stdin = strings.NewReader(page)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("groff -man -ww: %v\n%s", err, stderr.String())
	}
	text := regexp.MustCompile(".\b").ReplaceAllString(string(out), "") // overstrike bold
	text = strings.NewReplacer("‐", "-", "−", "-").Replace(text)
	for _, c := range commands {
		if !strings.Contains(text, "QRTC "+strings.ToUpper(c.name)) {
			t.Errorf("the man page has no section for %q", c.name)
		}
		for _, f := range commandFlags(c) {
			if !strings.Contains(text, flagName(f.Name)) {
				t.Errorf("the man page does not name %s's flag %s", c.name, flagName(f.Name))
			}
		}
	}
}

// TestHelpSpellsFlagsWithTwoDashes: help shows flags as people type them.
func TestHelpSpellsFlagsWithTwoDashes(t *testing.T) {
	out, _, _ := runInProcess(t, "", "offer", "--help")
	for _, want := range []string{"\n  --png FILE\n", "\n  --timeout duration\n", "(default 15m)", "\n  -v\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("qrtc offer --help does not show %q:\n%s", want, out)
		}
	}
	if m := regexp.MustCompile(`\n  -[a-uw-z][a-z-]+`).FindString(out); m != "" {
		t.Errorf("qrtc offer --help spells a flag with one dash: %q", m)
	}
}

// TestSIGTERM: SIGTERM ends qrtc with 143 (128 + 15), Ctrl-C with 130.
func TestSIGTERM(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, exitTerminated}, {syscall.SIGINT, exitInterrupted}} {
		p := startQRTC(t, "offer", nil, sessionCmd("offer")...)
		p.token()
		if err := p.cmd.Process.Signal(c.sig); err != nil {
			t.Fatal(err)
		}
		if got := p.wait(waitLimit); got != c.code {
			t.Errorf("qrtc offer after %v: exit code %d, want %d", c.sig, got, c.code)
		}
	}
}

// TestHelperWaitsOnTerminal: a helper without an argument, its standard
// input a terminal, says what it reads and gives up on the first Ctrl-C.
func TestHelperWaitsOnTerminal(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"decode", "encode", "qr"} {
		t.Run(cmd, func(t *testing.T) {
			t.Parallel()
			master, terminal := openPTY(t)
			p := startProc(t, cmd, nil, terminal, master, cmd)
			p.waitStderr(regexp.MustCompile(`^qrtc ` + cmd + `: reading .* from the terminal: .*Ctrl-D`))
			if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			if got := p.wait(10 * time.Second); got != exitInterrupted {
				t.Errorf("qrtc %s after one Ctrl-C: exit code %d, want %d", cmd, got, exitInterrupted)
			}
		})
	}
}
