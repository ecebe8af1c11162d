package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
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
			writeFlagsHelp(st.out, fs, help)
			return nil, errHelpShown
		}
		if err != nil {
			return nil, usageErrorf("%s: %v: run \"%s --help\" for the flags", fs.Name(), err, fs.Name())
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

// writeFlagsHelp prints a command's help text followed by its flags.
func writeFlagsHelp(w io.Writer, fs *flag.FlagSet, help string) {
	fmt.Fprint(w, strings.TrimLeft(help, "\n"))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
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
	noQR     bool
	ascii    bool
	timeout  time.Duration
	// gatherTimeout is how long to wait for the STUN and TURN servers'
	// candidates before the token is shown (peer.Config.GatherTimeout).
	gatherTimeout time.Duration
	verbose       bool
	loopback      bool
	ifaces        stringList
	ipv4          bool
	ipv6          bool
}

// register adds the session flags to fs.
func (f *sessionFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.stun, "stun", "STUN server `URL` (stun:host:port), repeatable; \"none\" for host candidates only (default "+strings.Join(defaultSTUN, ", ")+")")
	fs.Var(&f.turn, "turn", "TURN server `URL` (turn:host:port?transport=udp), repeatable; needs --turn-user and --turn-pass")
	fs.StringVar(&f.turnUser, "turn-user", "", "user `name` for the TURN servers")
	fs.StringVar(&f.turnPass, "turn-pass", "", "`password` for the TURN servers; without it, the environment variable "+turnPassEnv+" (which, unlike a flag, other users cannot see in ps)")
	fs.StringVar(&f.png, "png", "", "also write the QR code as a PNG image to `FILE`")
	fs.StringVar(&f.tokenOut, "token-out", "", "also write the token to `FILE` (atomically)")
	fs.BoolVar(&f.noQR, "no-qr", false, "do not draw the QR code on the terminal")
	fs.BoolVar(&f.ascii, "ascii", false, "draw the QR code with ASCII characters (for terminals without Unicode)")
	fs.DurationVar(&f.timeout, "timeout", defaultTimeout, "how long to wait for the other side to connect")
	fs.DurationVar(&f.gatherTimeout, "gather-timeout", peer.DefaultGatherTimeout, "how long to wait for STUN/TURN servers before showing the token; raise it on slow links, where a TURN server's relay address may come late")
	fs.BoolVar(&f.loopback, "loopback", false, "also offer loopback addresses (127.0.0.1, ::1): for two qrtc on the same computer")
	fs.Var(&f.ifaces, "interface", "offer only the addresses of network interface `NAME` (e.g. eth0, wlan0), repeatable; for computers with many addresses (Docker bridges, VPNs)")
	fs.BoolVar(&f.ipv4, "ipv4", false, "offer only IPv4 addresses")
	fs.BoolVar(&f.ipv6, "ipv6", false, "offer only IPv6 addresses (for computers with many IPv6 privacy addresses, prefer --ipv4)")
	fs.BoolVar(&f.verbose, "v", false, "show the gathered candidates and the progress of ICE on stderr")
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
		return nil, nil, usageErrorf("qrtc: --ipv4 and --ipv6 exclude each other: give one of them, or neither for both families")
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
			return nil, nil, usageErrorf("qrtc: --interface %q: no such network interface on this computer: list them with \"ip link\" (Linux) or \"ifconfig\"", name)
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
			return nil, usageErrorf("qrtc: --stun none cannot be combined with other --stun servers: give either \"none\" or server URLs")
		}
		if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "stuns:") {
			return nil, usageErrorf("qrtc: --stun %q is not a STUN URL: write it as stun:HOST:PORT, e.g. stun:stun.l.google.com:19302", u)
		}
		servers = append(servers, webrtc.ICEServer{URLs: []string{u}})
	}
	if len(f.turn) > 0 && (f.turnUser == "" || turnPass == "") {
		return nil, usageErrorf("qrtc: --turn needs --turn-user and a password (--turn-pass, or the environment variable %s, which ps does not show): give the credentials of the TURN server", turnPassEnv)
	}
	if len(f.turn) == 0 && (f.turnUser != "" || f.turnPass != "") {
		return nil, usageErrorf("qrtc: --turn-user and --turn-pass need --turn URL: give the TURN server too")
	}
	for _, u := range f.turn {
		if !strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
			return nil, usageErrorf("qrtc: --turn %q is not a TURN URL: write it as turn:HOST:PORT or turns:HOST:PORT", u)
		}
		servers = append(servers, webrtc.ICEServer{URLs: []string{u}, Username: f.turnUser, Credential: turnPass})
	}
	if f.timeout <= 0 {
		return nil, usageErrorf("qrtc: --timeout %q must be positive, e.g. --timeout 10m", f.timeout)
	}
	return servers, nil
}
