package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/qrtc/qrtc/web"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/peer"
)

// defaultSTUN are the public STUN servers used when no --stun is given. They
// let a computer behind a NAT learn its public address. Tests never use them:
// they pass --stun none.
var defaultSTUN = []string{
	"stun:stun.l.google.com:19302",
	"stun:stun.cloudflare.com:3478",
}

// defaultTimeout is how long a session waits for the other side by default:
// long enough for a person to carry a photo or a pasted token across.
const defaultTimeout = 15 * time.Minute

// newFlagSet returns a silent FlagSet: parseFlags prints help and errors itself.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("qrtc "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args with fs and returns the positional arguments. Flags
// may come after positional arguments ("qrtc answer TOKEN --stun none"); "--"
// ends the flags. On -h/--help it prints help and the flags to st.out and
// returns errHelpShown.
func parseFlags(st *stdio, fs *flag.FlagSet, help string, args []string) ([]string, error) {
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			st.flagSet = fs
			writeFlagsHelp(st.out, fs, help)
			return nil, errHelpShown
		}
		if err != nil {
			return nil, flagError(fs, err)
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// The texts of the flag package's errors, which flagError rewrites.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]*): (.*)$`)
)

// flagError rewrites an error of fs.Parse for people: the flag as typed
// ("--png"), what is wrong with it, and what to do.
func flagError(fs *flag.FlagSet, err error) error {
	cmd := fs.Name()
	helpTodo := fmt.Sprintf("run \"%s --help\" for the flags", cmd)
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if mean := didYouMean(m[1], names); mean != "" {
			helpTodo = fmt.Sprintf("did you mean %s? Run \"%s --help\" for the flags", flagName(mean), cmd)
		}
		return failf(exitBadInput, helpTodo, "%s: unknown flag %s", cmd, flagName(m[1]))
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		if f := fs.Lookup(m[1]); f != nil {
			arg, _ := flag.UnquoteUsage(f)
			return failf(exitBadInput, fmt.Sprintf("write %s %s", flagName(f.Name), arg), "%s: %s needs a value", cmd, flagName(m[1]))
		}
		return failf(exitBadInput, helpTodo, "%s: %s needs a value", cmd, flagName(m[1]))
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		value, name, why := m[1], m[2], m[3]
		if f := fs.Lookup(name); f != nil {
			if g, ok := f.Value.(flag.Getter); ok {
				switch g.Get().(type) {
				case time.Duration:
					return durationError(cmd, name, value)
				case bool:
					return failf(exitBadInput, fmt.Sprintf("write %s alone, or %s=false", flagName(name), flagName(name)), "%s: %s=%s is not true or false", cmd, flagName(name), value)
				case int, int64, uint, uint64:
					return failf(exitBadInput, fmt.Sprintf("write a whole number, e.g. %s 4", flagName(name)), "%s: %s %q is not a whole number", cmd, flagName(name), value)
				}
			}
		}
		return failf(exitBadInput, helpTodo, "%s: %s %q: %s", cmd, flagName(name), value, why)
	}
	return failf(exitBadInput, helpTodo, "%s: %s", cmd, msg)
}

// durationError explains a value of a duration flag that does not parse.
func durationError(cmd, name, value string) error {
	todo := fmt.Sprintf("write a number with its unit: %s 30s, 5m or 1h30m (s seconds, m minutes, h hours)", flagName(name))
	if _, err := strconv.ParseFloat(value, 64); err == nil {
		return failf(exitBadInput, todo, "%s: %s %s has no unit", cmd, flagName(name), value)
	}
	return failf(exitBadInput, todo, "%s: %s %q is not a duration", cmd, flagName(name), value)
}

// flagName spells a flag as help shows it and people type it: "-v" and
// "-vv" for the one-letter verbosity flags, "--png" for the others.
func flagName(name string) string {
	if len(name) == 1 || strings.Trim(name, "v") == "" {
		return "-" + name
	}
	return "--" + name
}

// writeFlagsHelp prints a command's help text followed by its flags, each
// spelled as people type it (see flagName).
func writeFlagsHelp(w io.Writer, fs *flag.FlagSet, help string) {
	fmt.Fprint(w, strings.TrimLeft(help, "\n"))
	var b strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		b.WriteString("  " + flagName(f.Name))
		if arg != "" {
			b.WriteString(" " + arg)
		}
		b.WriteString("\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t"))
		if !isZeroDefault(f) {
			g, _ := f.Value.(flag.Getter)
			var v any
			if g != nil {
				v = g.Get()
			}
			if d, ok := v.(time.Duration); ok {
				fmt.Fprintf(&b, " (default %s)", shortDuration(d))
			} else if isString(v) {
				fmt.Fprintf(&b, " (default %q)", f.DefValue)
			} else {
				fmt.Fprintf(&b, " (default %v)", f.DefValue)
			}
		}
		b.WriteString("\n")
	})
	if b.Len() > 0 {
		fmt.Fprint(w, "\nFlags:\n"+b.String())
	}
}

// shortDuration writes d as people write it: "15m" rather than "15m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// inWords writes d for a sentence: "15 minutes", "30 s", "1 hour",
// "1m30s" when it is no whole number of one unit.
func inWords(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return count(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return count(int64(d/time.Minute), "minute")
	case d >= time.Second && d%time.Second == 0 && d < 2*time.Minute:
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return shortDuration(d)
}

// isString reports whether v, a flag's value, is a string.
func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// isZeroDefault reports whether a flag's default is its type's zero value,
// which help leaves out.
func isZeroDefault(f *flag.Flag) bool {
	switch f.DefValue {
	case "", "false", "0", "0s", "[]":
		return true
	}
	return false
}

// stringList is a flag that may be given several times.
type stringList []string

// String returns the values joined by commas.
func (s *stringList) String() string { return strings.Join(*s, ",") }

// Set adds one value.
func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// sessionFlags are the flags that offer and answer share.
type sessionFlags struct {
	stun     stringList
	turn     stringList
	turnUser string
	turnPass string
	png      string
	tokenOut string
	// dataOnly keeps the own token (or code) off stdout, which then
	// carries the other side's stream alone.
	dataOnly bool
	noQR     bool
	// noOneScan: the answer only as a token (onescan.go).
	noOneScan bool
	copy      bool
	ascii     bool
	timeout   time.Duration
	// gatherTimeout is how long to wait for the STUN and TURN servers'
	// candidates before the token is shown (peer.Config.GatherTimeout).
	gatherTimeout time.Duration
	verbose       bool
	veryVerbose   bool // -vv: also pion's own log lines
	loopback      bool
	ifaces        stringList
	ipv4          bool
	ipv6          bool
	code          codeFlags // short codes instead of tokens (code.go)
	link          string    // --link: the offer's code is a link to the page (link.go)
	// verify asks, once connected, whether both screens show the same
	// verification phrase before anything is sent or shown.
	verify bool
}

// register adds the session flags to fs.
func (f *sessionFlags) register(fs *flag.FlagSet) {
	f.code.register(fs)
	fs.Var(&f.stun, "stun", "STUN server `URL` (stun:host:port), repeatable; \"none\" for host candidates only (default "+strings.Join(defaultSTUN, ", ")+")")
	fs.Var(&f.turn, "turn", "TURN server `URL` (turn:host:port?transport=udp), repeatable; needs --turn-user and --turn-pass")
	fs.StringVar(&f.turnUser, "turn-user", "", "user `name` for the TURN servers")
	fs.StringVar(&f.turnPass, "turn-pass", "", "`password` for the TURN servers; without it, the environment variable "+turnPassEnv+" (which, unlike a flag, other users cannot see in ps)")
	fs.StringVar(&f.png, "png", "", "also write the QR code as a PNG image to `FILE`")
	fs.StringVar(&f.link, "link", "", "draw the offer's QR code as a link `URL#TOKEN` that opens the qrtc page, so a phone's camera app joins (\""+linkDefault+"\": "+web.DefaultURL+")")
	fs.StringVar(&f.tokenOut, "token-out", "", "also write the token to `FILE` (atomically)")
	fs.BoolVar(&f.dataOnly, "data-only", false, "stdout: only what the other side sends, without this side's token (or code) as its first line, for pipes such as | tar x (the token still shows on stderr and goes to --token-out)")
	fs.BoolVar(&f.noQR, "no-qr", false, "do not draw the QR code on the terminal")
	fs.BoolVar(&f.noOneScan, "no-one-scan", false, "offer: take the answer only as a token or photo, not from inside the other side's first connectivity check; answer: answer the ordinary way")
	fs.BoolVar(&f.copy, "copy", false, "also copy the line for the other computer to the clipboard, with the OSC 52 sequence that kitty, iTerm2, WezTerm, foot, Windows Terminal, xterm (with allowWindowOps) and tmux (with set-clipboard on) understand")
	fs.BoolVar(&f.ascii, "ascii", false, "draw the QR code with ASCII characters (for terminals without Unicode)")
	fs.DurationVar(&f.timeout, "timeout", defaultTimeout, "how long to wait for the other side to connect")
	fs.DurationVar(&f.gatherTimeout, "gather-timeout", peer.DefaultGatherTimeout, "how long to wait for STUN/TURN servers before showing the token; raise it on slow links, where a TURN server's relay address may come late")
	fs.BoolVar(&f.loopback, "loopback", false, "also offer loopback addresses (127.0.0.1, ::1): for two qrtc on the same computer")
	fs.Var(&f.ifaces, "interface", "offer only the addresses of network interface `NAME` (e.g. eth0, wlan0), repeatable; for computers with many addresses (Docker bridges, VPNs)")
	fs.BoolVar(&f.ipv4, "ipv4", false, "offer only IPv4 addresses")
	fs.BoolVar(&f.ipv6, "ipv6", false, "offer only IPv6 addresses (for computers with many IPv6 privacy addresses, prefer --ipv4)")
	fs.BoolVar(&f.verify, "verify", false, "once connected, ask whether both screens show the same verification phrase before anything is sent or shown (needs a terminal)")
	fs.BoolVar(&f.verbose, "v", false, "show the gathered candidates and the progress of ICE on stderr")
	fs.BoolVar(&f.veryVerbose, "vv", false, "like -v, and also the internal log lines of the WebRTC library (pion), for bug reports")
}

// turnPassEnv is the environment variable that holds the TURN password when
// --turn-pass is not given.
const turnPassEnv = "QRTC_TURN_PASS"

// candidateLimits turns --interface, --ipv4 and --ipv6 into peer.Config's
// InterfaceFilter and NetworkTypes; nil and nil mean no limit.
func (f *sessionFlags) candidateLimits() (func(string) bool, []webrtc.NetworkType, error) {
	var types []webrtc.NetworkType
	switch {
	case f.ipv4 && f.ipv6:
		return nil, nil, failf(exitBadInput, "give one of them, or neither for both families", "qrtc: --ipv4 and --ipv6 exclude each other")
	case f.ipv4:
		types = []webrtc.NetworkType{webrtc.NetworkTypeUDP4}
	case f.ipv6:
		types = []webrtc.NetworkType{webrtc.NetworkTypeUDP6}
	}
	if len(f.ifaces) == 0 {
		return nil, types, nil
	}
	keep := map[string]bool{}
	for _, name := range f.ifaces {
		if _, err := net.InterfaceByName(name); err != nil {
			return nil, nil, failf(exitBadInput, "list them with \"ip link\" (Linux) or \"ifconfig\"", "qrtc: --interface %q: no such network interface on this computer", name)
		}
		keep[name] = true
	}
	if f.loopback {
		keep["lo"], keep["lo0"] = true, true // --loopback adds them on purpose
	}
	return func(name string) bool { return keep[name] }, types, nil
}

// iceServers turns --stun and --turn into pion's ICE server list. getenv
// supplies QRTC_TURN_PASS when --turn-pass is not given.
func (f *sessionFlags) iceServers(getenv func(string) string) ([]webrtc.ICEServer, error) {
	turnPass := f.turnPass
	if turnPass == "" && len(f.turn) > 0 && getenv != nil {
		turnPass = getenv(turnPassEnv)
	}
	var servers []webrtc.ICEServer
	stun := []string(f.stun)
	if len(stun) == 0 {
		stun = defaultSTUN
	}
	if len(stun) == 1 && strings.EqualFold(stun[0], "none") {
		stun = nil
	}
	for _, u := range stun {
		if strings.EqualFold(u, "none") {
			return nil, failf(exitBadInput, "give either \"none\" or server URLs", "qrtc: --stun none cannot be combined with other --stun servers")
		}
		if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "stuns:") {
			return nil, failf(exitBadInput, "write it as stun:HOST:PORT, e.g. stun:stun.l.google.com:19302", "qrtc: --stun %q is not a STUN URL", u)
		}
		servers = append(servers, webrtc.ICEServer{URLs: []string{u}})
	}
	if len(f.turn) > 0 && (f.turnUser == "" || turnPass == "") {
		return nil, failf(exitBadInput, fmt.Sprintf("add --turn-user NAME and --turn-pass PASS (or %s=PASS)", turnPassEnv), "qrtc: --turn needs --turn-user and a password")
	}
	if len(f.turn) == 0 && (f.turnUser != "" || f.turnPass != "") {
		return nil, failf(exitBadInput, "give the TURN server too: --turn turn:HOST:PORT", "qrtc: --turn-user and --turn-pass need --turn")
	}
	for _, u := range f.turn {
		if !strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
			return nil, failf(exitBadInput, "write it as turn:HOST:PORT or turns:HOST:PORT", "qrtc: --turn %q is not a TURN URL", u)
		}
		servers = append(servers, webrtc.ICEServer{URLs: []string{u}, Username: f.turnUser, Credential: turnPass})
	}
	if f.timeout <= 0 {
		return nil, failf(exitBadInput, "give a positive duration, e.g. --timeout 10m", "qrtc: --timeout %s is not positive", shortDuration(f.timeout))
	}
	return servers, nil
}
