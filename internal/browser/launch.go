package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
)

// Kind names a browser.
type Kind int

// The browsers Launch can start.
const (
	// Chromium is Debian's chromium package.
	Chromium Kind = iota + 1
	// Firefox is Debian's firefox-esr package.
	Firefox
)

// String returns "chromium" or "firefox", the names fixtures and test names
// use.
func (k Kind) String() string {
	switch k {
	case Chromium:
		return "chromium"
	case Firefox:
		return "firefox"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// binary is the program Launch runs for the kind.
func (k Kind) binary() string {
	if k == Firefox {
		return "firefox-esr"
	}
	return "chromium"
}

// Options configures Launch.
type Options struct {
	// URL is the page to open, normally Page.URL.
	URL string
	// MDNS keeps the browser's default of hiding host addresses behind
	// random "<uuid>.local" mDNS names (RFC 8839 section 5.1, and
	// draft-ietf-mmusic-mdns-ice-candidates). When false the browser lists
	// raw host IP addresses.
	MDNS bool
	// Camera, for Chromium, is a .y4m video file the browser shows as its
	// camera (granted without asking). Firefox has no file camera: its
	// pages get frames another way (package web's test hook).
	Camera string
	// Args are more command-line arguments, given before the URL (for
	// example Chromium's --screenshot=FILE --window-size=W,H).
	Args []string
}

// Available reports, as an error wrapping ErrNoBrowser, whether kind is
// missing, or nil when it is installed.
func Available(kind Kind) error {
	if _, err := exec.LookPath(kind.binary()); err != nil {
		return fmt.Errorf("%w: %q not found in PATH: apt-get install chromium firefox-esr", ErrNoBrowser, kind.binary())
	}
	return nil
}

// Require skips the test when the lab (netns.Require) or the browser is
// missing, and fails it instead when QRTC_REQUIRE_LAB=1.
func Require(t testing.TB, kind Kind) {
	t.Helper()
	netns.Require(t)
	if err := Available(kind); err != nil {
		netns.SkipUnlessRequired(t, err)
	}
}

// Browser is a running headless browser.
type Browser struct {
	// Kind is which browser this is.
	Kind Kind

	cmd    *exec.Cmd
	dir    string
	out    *output
	exited chan struct{}
	once   sync.Once
	err    error
}

// Launch starts a headless browser of the given kind inside ns with a fresh
// profile, opening opts.URL. The browser runs until Close or until ctx is
// done, whichever comes first; always call Close (it also removes the
// profile).
func Launch(ctx context.Context, ns *netns.Namespace, kind Kind, opts Options) (*Browser, error) {
	if err := Available(kind); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "qrtc-"+kind.String()+"-")
	if err != nil {
		return nil, fmt.Errorf("browser: profile directory: %w", err)
	}
	profile := filepath.Join(dir, "profile")
	if err := os.Mkdir(profile, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("browser: profile directory: %w", err)
	}
	var args []string
	switch kind {
	case Chromium:
		args = chromiumArgs(profile, opts)
	case Firefox:
		if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(firefoxPrefs(opts)), 0o600); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("browser: firefox prefs: %w", err)
		}
		args = append(append([]string{"--headless", "--no-remote", "--profile", profile}, opts.Args...), opts.URL)
	default:
		os.RemoveAll(dir)
		return nil, fmt.Errorf("browser: unknown kind %q", kind)
	}
	cmd := ns.Command(context.Background(), kind.binary(), args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"TMPDIR=" + dir,
		"MOZ_HEADLESS=1",
		"MOZ_CRASHREPORTER_DISABLE=1",
		"LANG=C.UTF-8",
	}
	out := &output{}
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Dir = dir
	// Wait gives up on the output pipes this long after the browser died,
	// in case a helper process escaped the group and holds them open.
	cmd.WaitDelay = 2 * time.Second
	// Its own process group, so Close can kill the browser's helper
	// processes too; and killed with the test process if that dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("browser: start %s in %q: %w", kind, ns.Name, err)
	}
	b := &Browser{Kind: kind, cmd: cmd, dir: dir, out: out, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(b.exited)
	}()
	go func() {
		select {
		case <-ctx.Done():
			b.Close()
		case <-b.exited:
		}
	}()
	return b, nil
}

// Open serves a page configured by cfg in ns (NewPage) and opens it in a
// new browser of the given kind (Launch, with opts.URL set to the page's
// URL). Close both when done, the browser first.
func Open(ctx context.Context, ns *netns.Namespace, kind Kind, cfg PageConfig, opts Options) (*Page, *Browser, error) {
	page, err := NewPage(ns, cfg)
	if err != nil {
		return nil, nil, err
	}
	opts.URL = page.URL()
	b, err := Launch(ctx, ns, kind, opts)
	if err != nil {
		page.Close()
		return nil, nil, err
	}
	return page, b, nil
}

func chromiumArgs(profile string, opts Options) []string {
	args := []string{
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-breakpad",
		"--disable-dev-shm-usage",
		"--password-store=basic",
		"--user-data-dir=" + profile,
	}
	if !opts.MDNS {
		args = append(args, "--disable-features=WebRtcHideLocalIpsWithMdns")
	}
	if opts.Camera != "" {
		args = append(args, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--use-file-for-fake-video-capture="+opts.Camera)
	}
	args = append(args, opts.Args...)
	return append(args, opts.URL)
}

// firefoxPrefs returns a user.js that keeps Firefox off the network except
// for the test page and WebRTC.
func firefoxPrefs(opts Options) string {
	prefs := []struct {
		name  string
		value string
	}{
		{"app.update.enabled", "false"},
		{"app.update.auto", "false"},
		{"app.normandy.enabled", "false"},
		{"browser.shell.checkDefaultBrowser", "false"},
		{"browser.startup.homepage_override.mstone", `"ignore"`},
		{"browser.aboutwelcome.enabled", "false"},
		{"browser.safebrowsing.malware.enabled", "false"},
		{"browser.safebrowsing.phishing.enabled", "false"},
		{"browser.safebrowsing.downloads.enabled", "false"},
		{"browser.safebrowsing.blockedURIs.enabled", "false"},
		{"browser.newtabpage.enabled", "false"},
		{"browser.ping-centre.telemetry", "false"},
		{"datareporting.healthreport.uploadEnabled", "false"},
		{"datareporting.policy.dataSubmissionEnabled", "false"},
		{"datareporting.policy.firstRunURL", `""`},
		{"toolkit.telemetry.enabled", "false"},
		{"toolkit.telemetry.unified", "false"},
		{"toolkit.telemetry.archive.enabled", "false"},
		{"extensions.update.enabled", "false"},
		{"extensions.getAddons.cache.enabled", "false"},
		{"extensions.blocklist.enabled", "false"},
		{"network.captive-portal-service.enabled", "false"},
		{"network.connectivity-service.enabled", "false"},
		{"network.dns.disablePrefetch", "true"},
		{"network.prefetch-next", "false"},
		{"network.http.speculative-parallel-limit", "0"},
		{"services.settings.server", `"http://127.0.0.1:9/"`},
		{"media.navigator.permission.disabled", "true"},
		{"media.peerconnection.ice.obfuscate_host_addresses", fmt.Sprint(opts.MDNS)},
	}
	var b strings.Builder
	for _, p := range prefs {
		fmt.Fprintf(&b, "user_pref(%q, %s);\n", p.name, p.value)
	}
	return b.String()
}

// Output returns the last 8 KiB of what the browser printed, for failure
// messages.
func (b *Browser) Output() string { return b.out.String() }

// Close kills the browser and every process of its process group, waits
// for it, and removes its profile. It is idempotent.
func (b *Browser) Close() error {
	b.once.Do(func() {
		pid := b.cmd.Process.Pid
		if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			b.err = fmt.Errorf("browser: kill %s process group %d: %w", b.Kind, pid, err)
		}
		<-b.exited
		if err := os.RemoveAll(b.dir); err != nil && b.err == nil {
			b.err = fmt.Errorf("browser: remove profile: %w", err)
		}
	})
	return b.err
}

// output keeps the last 8 KiB written to it.
type output struct {
	mu  sync.Mutex
	buf []byte
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf = append(o.buf, p...)
	if len(o.buf) > 8<<10 {
		o.buf = append([]byte(nil), o.buf[len(o.buf)-8<<10:]...)
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}
