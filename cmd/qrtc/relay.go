package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/qrtc/qrtc/relay"
)

const relayHelp = `
Usage: qrtc relay [flags]

Runs a STUN and TURN server on this computer, so that friends whose NATs
defeat a direct connection can connect through it: each side of a session adds
--turn URL --turn-user NAME --turn-pass PASSWORD to "qrtc offer" or "qrtc
answer" (any other WebRTC program takes the same URL and credentials). Run it
on a computer others can reach, with its public address in --public-ip, and
open the listening port (UDP, and TCP with --tcp) and the relay ports
(--relay-ports, UDP) in its firewall.

Users are static (--user NAME=PASSWORD, repeatable) or time-limited: with
--secret S, the username "<expiry unix time>:<name>" and the password
base64(HMAC-SHA1(S, username)) work until that time, as with coturn's
use-auth-secret. "qrtc relay --secret S --make-credentials NAME" prints such a
pair and exits; the secret can also come from the environment variable
QRTC_RELAY_SECRET, which keeps it out of the process list. Without any user or
secret the server answers STUN only.

Since credentials are handed out, the relay refuses to send to private
networks (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT space
(100.64/10), link-local addresses (169.254/16: cloud metadata), loopback and
its own addresses, as coturn's denied-peer-ip would. --allow-peer CIDR lifts
that for a range (a relay for peers on its own LAN); --deny-peer CIDR refuses
more.

stdout gets the STUN and TURN URLs to use, one per line. stderr gets a log
line per allocation created and ended (user, client address, bytes relayed),
per refusal (bad credentials, quota), and, on Ctrl-C, the totals per user.

Example:
  qrtc relay --public-ip 203.0.113.7 --user alice=wonderland --max-allocs 4 --bandwidth 1MB/s
  qrtc offer --turn "turn:203.0.113.7:3478?transport=udp" --turn-user alice --turn-pass wonderland
  qrtc relay --secret "$SECRET" --make-credentials bob --ttl 24h
`

// relaySecretEnv names the environment variable that may hold --secret.
const relaySecretEnv = "QRTC_RELAY_SECRET"

// userFlags collects --user NAME=PASSWORD flags.
type userFlags map[string]string

// String returns the user names.
func (u userFlags) String() string {
	names := make([]string, 0, len(u))
	for name := range u {
		names = append(names, name)
	}
	return strings.Join(names, ",")
}

// Set adds one user.
func (u userFlags) Set(v string) error {
	name, password, ok := strings.Cut(v, "=")
	if !ok || name == "" || password == "" {
		return fmt.Errorf("want NAME=PASSWORD, got %q", v)
	}
	u[name] = password
	return nil
}

// prefixFlags collects repeatable CIDR flags such as --allow-peer; a bare
// address stands for itself alone.
type prefixFlags []netip.Prefix

// String returns the prefixes, comma-separated.
func (p *prefixFlags) String() string {
	texts := make([]string, 0, len(*p))
	for _, prefix := range *p {
		texts = append(texts, prefix.String())
	}
	return strings.Join(texts, ",")
}

// Set adds one prefix.
func (p *prefixFlags) Set(v string) error {
	prefix, err := netip.ParsePrefix(v)
	if err != nil {
		addr, addrErr := netip.ParseAddr(v)
		if addrErr != nil {
			return fmt.Errorf("want a CIDR prefix such as 192.168.1.0/24 or an address, got %q", v)
		}
		prefix = netip.PrefixFrom(addr, addr.BitLen())
	}
	*p = append(*p, prefix)
	return nil
}

// runRelay is "qrtc relay": it serves until ctx is cancelled (Ctrl-C).
func runRelay(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("relay")
	users := userFlags{}
	listen := fs.String("listen", relay.DefaultListenAddr, "UDP `address` to listen on, host:port (host an IPv4 address or empty for all)")
	publicIP := fs.String("public-ip", "", "the IPv4 `address` other computers reach this one at; needed when listening on all interfaces")
	realm := fs.String("realm", relay.DefaultRealm, "TURN `realm`")
	fs.Var(users, "user", "static user `NAME=PASSWORD`, repeatable")
	secret := fs.String("secret", "", "shared `secret` for time-limited credentials (or $"+relaySecretEnv+")")
	maxAllocs := fs.Int("max-allocs", 0, "most allocations a user may hold at once (`N`, 0 for no cap)")
	bandwidth := fs.String("bandwidth", "0", "cap on each allocation's relayed traffic, each way (`RATE` such as 1MB/s, 500kB/s, 8Mbit/s; 0 for no cap)")
	tcp := fs.Bool("tcp", false, "also accept STUN and TURN over TCP on the same port")
	ports := fs.String("relay-ports", "", "UDP port `range` MIN-MAX for relayed addresses (default any free port)")
	loopback := fs.Bool("allow-loopback-peers", false, "let clients relay to loopback addresses: for a relay and its peers on one computer")
	var allowPeers, denyPeers prefixFlags
	fs.Var(&allowPeers, "allow-peer", "let clients relay to the peers in `CIDR` even if private (such as 192.168.1.0/24 for the relay's own LAN), repeatable")
	fs.Var(&denyPeers, "deny-peer", "refuse peers in `CIDR` (such as the relay machine's other public addresses), repeatable")
	makeCreds := fs.String("make-credentials", "", "print a time-limited username and password for user `NAME` (needs --secret) and exit")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long --make-credentials credentials are valid")
	pos, err := parseFlags(st, fs, relayHelp, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return failf(exitBadInput, "run \"qrtc relay --help\" for the flags", "qrtc relay: unexpected argument %q", pos[0])
	}
	if *secret == "" {
		*secret = st.getenv(relaySecretEnv)
	}

	if *makeCreds != "" {
		if *secret == "" {
			return failf(exitBadInput, fmt.Sprintf("give the relay's --secret (or set $%s)", relaySecretEnv), "qrtc relay: --make-credentials %q needs the relay's secret", *makeCreds)
		}
		if *ttl <= 0 {
			return failf(exitBadInput, "give a positive duration such as --ttl 24h", "qrtc relay: --ttl %s is not positive", shortDuration(*ttl))
		}
		username, password := relay.TURNRESTCredentials(*secret, *makeCreds, *ttl, time.Now())
		fmt.Fprintf(st.err, "valid until %s:\n", time.Now().Add(*ttl).UTC().Format(time.RFC3339))
		_, err := fmt.Fprintf(st.out, "%s\n%s\n", username, password)
		return err
	}

	rate, err := relay.ParseBandwidth(*bandwidth)
	if err != nil {
		return libraryError(exitBadInput, "qrtc relay: --bandwidth", "write a rate such as 1MB/s, 500kB/s or 8Mbit/s", err)
	}
	cfg := relay.Config{
		ListenAddr:             *listen,
		TCP:                    *tcp,
		PublicIP:               *publicIP,
		Realm:                  *realm,
		Users:                  users,
		Secret:                 *secret,
		MaxAllocationsPerUser:  *maxAllocs,
		BandwidthPerAllocation: rate,
		AllowLoopbackPeers:     *loopback,
		AllowPeers:             allowPeers,
		DenyPeers:              denyPeers,
		Logf: func(format string, args ...any) {
			fmt.Fprintf(st.err, "%s %s\n", time.Now().UTC().Format("2006-01-02T15:04:05Z"), relayWords(fmt.Sprintf(format, args...)))
		},
	}
	if *ports != "" {
		if _, err := fmt.Sscanf(*ports, "%d-%d", &cfg.RelayPortMin, &cfg.RelayPortMax); err != nil ||
			fmt.Sprintf("%d-%d", cfg.RelayPortMin, cfg.RelayPortMax) != *ports {
			return failf(exitBadInput, "write MIN-MAX, such as --relay-ports 49152-65535", "qrtc relay: --relay-ports %q is not a port range", *ports)
		}
	}
	srv, err := relay.New(cfg)
	switch {
	case errors.Is(err, relay.ErrPublicIP):
		return withTodo(exitBadInput, "pass --public-ip, or --listen with this computer's address", reword(err, "qrtc relay: listening on every interface needs the address others reach this computer at"))
	case errors.Is(err, relay.ErrListenAddr):
		return libraryError(exitBadInput, "qrtc relay: --listen", "write --listen HOST:PORT with an IPv4 address, such as --listen :3478", err)
	case errors.Is(err, relay.ErrListen):
		return libraryError(exitNoConnect, "qrtc relay", "pick another port with --listen, or stop the program using it", reword(err, "%s", relayWords(err.Error())))
	case err != nil:
		return libraryError(exitBadInput, "qrtc relay", "run \"qrtc relay --help\" for the flags", reword(err, "%s", relayWords(err.Error())))
	}
	for _, url := range srv.URLs() {
		if _, err := fmt.Fprintln(st.out, url); err != nil {
			_ = srv.Close() // The write failure is what the user must hear about.
			return stdoutError(err)
		}
	}
	if urls := srv.URLs(); len(urls) > 1 {
		fmt.Fprintf(st.err, "relay: running; peers add --turn %q --turn-user NAME --turn-pass PASSWORD to qrtc offer and qrtc answer; Ctrl-C stops it\n", urls[1])
	} else {
		fmt.Fprintf(st.err, "relay: running, STUN only; peers add --stun %q; Ctrl-C stops it\n", urls[0])
	}

	<-ctx.Done()
	closeErr := srv.Close()
	for _, u := range srv.Stats() {
		fmt.Fprintf(st.err, "relay: total for user %q: %d allocations, %d bytes to peers, %d bytes from peers, %d bytes dropped over the bandwidth cap\n",
			u.User, u.TotalAllocations, u.BytesToPeers, u.BytesFromPeers, u.DroppedToPeers+u.DroppedFromPeers)
	}
	if closeErr != nil {
		return libraryError(exitNoConnect, "qrtc relay: stopping", "check the log above; the relay has stopped", closeErr)
	}
	return nil
}

// relayFlagNames maps the relay.Config fields that the relay's errors and
// log lines name to the flags of "qrtc relay" that set them.
var relayFlagNames = strings.NewReplacer(
	"Config.AllowLoopbackPeers", "--allow-loopback-peers",
	"Config.AllowPeers", "--allow-peer",
	"Config.DenyPeers", "--deny-peer",
	"Config.PublicIP", "--public-ip",
	"Config.ListenAddr", "--listen",
	"Config.Users", "--user",
	"Config.RelayPortMin", "--relay-ports",
	"Config.RelayPortMax", "--relay-ports",
	"Config.MaxAllocationsPerUser", "--max-allocs",
	"Config.BandwidthPerAllocation", "--bandwidth",
	"MaxAllocationsPerUser", "--max-allocs",
	"BandwidthPerAllocation", "--bandwidth",
	"AllowLoopbackPeers", "--allow-loopback-peers",
	"PublicIP", "--public-ip",
)

// relayWords rewrites a relay error or log line for people: flags instead
// of Config fields.
func relayWords(s string) string { return relayFlagNames.Replace(s) }
