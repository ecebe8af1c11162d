package relay

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/pion/turn/v5"
)

// Server is a running STUN and TURN server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg  settings
	udp  net.PacketConn
	port int       // of udp, and of tcp
	tcp  *listener // nil without Config.TCP
	turn *turn.Server

	mu       sync.Mutex
	closed   bool
	live     map[*allocation]struct{}
	byRelay  map[string]*allocation
	byClient map[string]*allocation // UDP client address -> its allocation
	users    map[string]*UserStats  // allocations that ended, and Allocations/Total of live ones
	ending   sync.WaitGroup         // one per live allocation, done once ended has logged it
	tcpConns map[net.Conn]struct{}

	logMu     sync.Mutex
	logClosed bool

	limitMu       sync.Mutex           // guards the fields of logLimited
	logEvery      time.Duration        // zero means logInterval; tests change it
	logNext       map[string]time.Time // per kind: when the next line may be logged
	logSuppressed map[string]int       // per kind: lines suppressed since the last one

	closeOnce sync.Once
	closeErr  error
}

// New starts a STUN and TURN server as cfg says and returns once it is
// listening. It serves from background goroutines until Close.
func New(cfg Config) (*Server, error) {
	checked, err := cfg.check()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      checked,
		live:     make(map[*allocation]struct{}),
		byRelay:  make(map[string]*allocation),
		byClient: make(map[string]*allocation),
		users:    make(map[string]*UserStats),
		tcpConns: make(map[net.Conn]struct{}),
	}

	host := checked.listenHost()
	udp, err := checked.ListenPacket("udp4", net.JoinHostPort(host, strconv.Itoa(checked.listen.Port)))
	if err != nil {
		return nil, fmt.Errorf("%w on UDP %q: %v", ErrListen, checked.ListenAddr, err)
	}
	udpAddr, ok := udp.LocalAddr().(*net.UDPAddr)
	if !ok {
		_ = udp.Close() // Unusable; the type error is what matters.
		return nil, fmt.Errorf("%w on UDP %q: Config.ListenPacket returned a %T address", ErrListen, checked.ListenAddr, udp.LocalAddr())
	}
	s.udp, s.port = udp, udpAddr.Port
	gen := &generator{srv: s}
	turnCfg := turn.ServerConfig{
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: &mismatchConn{PacketConn: udp, srv: s}, RelayAddressGenerator: gen, PermissionHandler: s.permit}},
		LoggerFactory:     loggerFactory{s},
		Realm:             checked.Realm,
		AuthHandler:       s.authenticate,
		QuotaHandler:      s.quota,
		EventHandler: turn.EventHandler{
			OnAuth:              s.onAuth,
			OnAllocationCreated: s.onAllocationCreated,
		},
	}
	if checked.TCP {
		ln, err := checked.Listen("tcp4", net.JoinHostPort(host, strconv.Itoa(s.port)))
		if err != nil {
			_ = udp.Close() // The listen failure is the error to report.
			return nil, fmt.Errorf("%w on TCP port %d: %v", ErrListen, s.port, err)
		}
		s.tcp = &listener{Listener: ln, srv: s}
		turnCfg.ListenerConfigs = []turn.ListenerConfig{{Listener: s.tcp, RelayAddressGenerator: gen, PermissionHandler: s.permit}}
	}
	server, err := turn.NewServer(turnCfg)
	if err != nil {
		_ = udp.Close() // pion's refusal is the error to report.
		if s.tcp != nil {
			_ = s.tcp.Close()
		}
		return nil, fmt.Errorf("%w: %v", ErrStart, err)
	}
	s.turn = server

	mode := "STUN only (no users, no secret: every allocation is refused)"
	if len(checked.Users) > 0 || checked.Secret != "" {
		mode = fmt.Sprintf("STUN and TURN, realm %q, %d static users, time-limited credentials %s",
			checked.Realm, len(checked.Users), map[bool]string{true: "on", false: "off"}[checked.Secret != ""])
	}
	allocs, bandwidth := "unlimited", "unlimited"
	if n := checked.MaxAllocationsPerUser; n > 0 {
		allocs = strconv.Itoa(n)
	}
	if bps := checked.BandwidthPerAllocation; bps > 0 {
		bandwidth = FormatBandwidth(bps)
	}
	s.logf("relay: listening on %s, relayed addresses on %s; %s; quota %s allocations per user, %s per allocation each way",
		s.describeListen(), checked.publicIP, mode, allocs, bandwidth)
	return s, nil
}

// describeListen names the listening sockets for the log.
func (s *Server) describeListen() string {
	text := "udp " + s.udp.LocalAddr().String()
	if s.tcp != nil {
		text += " and tcp " + s.tcp.Addr().String()
	}
	return text
}

// Addr returns the UDP address the server listens on, with the real port
// when Config.ListenAddr asked for port 0.
func (s *Server) Addr() net.Addr { return s.udp.LocalAddr() }

// TCPAddr returns the TCP address the server listens on, or nil without
// Config.TCP.
func (s *Server) TCPAddr() net.Addr {
	if s.tcp == nil {
		return nil
	}
	return s.tcp.Addr()
}

// URLs returns the ICE server URLs (RFC 7064, RFC 7065) that clients use to
// reach this server at its public IP: the STUN URL, then, when the server
// has credentials to check, the TURN URL over UDP and, with Config.TCP, over
// TCP.
func (s *Server) URLs() []string {
	hostPort := net.JoinHostPort(s.cfg.publicIP.String(), strconv.Itoa(s.port))
	urls := []string{"stun:" + hostPort}
	if len(s.cfg.Users) > 0 || s.cfg.Secret != "" {
		urls = append(urls, "turn:"+hostPort+"?transport=udp")
		if s.tcp != nil {
			urls = append(urls, "turn:"+hostPort+"?transport=tcp")
		}
	}
	return urls
}

// UserStats is what one user has relayed through the server since it
// started. Users are the static user names, and for time-limited
// credentials the part after the colon. The server keeps one UserStats per
// user who ever made an allocation, until it is closed.
type UserStats struct {
	// User is the user name.
	User string
	// Allocations is the number of allocations the user holds now.
	Allocations int
	// TotalAllocations counts every allocation the user has made.
	TotalAllocations int
	// BytesToPeers counts the UDP payload bytes relayed from the user's
	// clients to peers.
	BytesToPeers uint64
	// BytesFromPeers counts the UDP payload bytes that peers sent to the
	// user's relayed addresses, including datagrams from peers without a
	// permission, which pion/turn then drops (RFC 8656 section 9).
	BytesFromPeers uint64
	// DroppedToPeers and DroppedFromPeers count the payload bytes dropped
	// because an allocation was over Config.BandwidthPerAllocation.
	DroppedToPeers, DroppedFromPeers uint64
}

// Stats returns every user's statistics, sorted by user name, including
// the bytes of allocations that are still open.
func (s *Server) Stats() []UserStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]UserStats, 0, len(s.users))
	for _, st := range s.users {
		out = append(out, *st)
	}
	index := make(map[string]int, len(out))
	sort.Slice(out, func(i, j int) bool { return out[i].User < out[j].User })
	for i := range out {
		index[out[i].User] = i
	}
	for a := range s.live {
		st := &out[index[a.user]]
		st.BytesToPeers += a.toPeers.Load()
		st.BytesFromPeers += a.fromPeers.Load()
		st.DroppedToPeers += a.droppedTo.Load()
		st.DroppedFromPeers += a.droppedFrom.Load()
	}
	return out
}

// Close stops the server: it closes the listening sockets, every TCP
// client connection and every allocation (logging what each relayed), and
// returns once they are closed. No Logf call happens after Close returns.
// Close is idempotent; later calls return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if err := s.turn.Close(); err != nil {
			errs = append(errs, err)
		}
		s.mu.Lock()
		s.closed = true
		conns := make([]net.Conn, 0, len(s.tcpConns))
		for c := range s.tcpConns {
			conns = append(conns, c)
		}
		allocs := make([]*allocation, 0, len(s.live))
		for a := range s.live {
			allocs = append(allocs, a)
		}
		s.mu.Unlock()
		for _, c := range conns {
			if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		for _, a := range allocs {
			if err := a.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		// pion/turn may be ending allocations that left s.live before the
		// snapshot: wait until they are logged.
		s.ending.Wait()
		s.flushSuppressed()
		s.logf("relay: stopped")
		s.logMu.Lock()
		s.logClosed = true
		s.logMu.Unlock()
		if len(errs) > 0 {
			s.closeErr = fmt.Errorf("%w: %v", ErrClose, errors.Join(errs...))
		}
	})
	return s.closeErr
}

// logf passes a line to Config.Logf until Close returns.
func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if !s.logClosed {
		s.cfg.Logf(format, args...)
	}
}

// userLocked returns the statistics of user, creating them. s.mu is held.
func (s *Server) userLocked(user string) *UserStats {
	st := s.users[user]
	if st == nil {
		st = &UserStats{User: user}
		s.users[user] = st
	}
	return st
}

// quota is the pion/turn QuotaHandler: it refuses an allocation when the
// user already holds MaxAllocationsPerUser.
func (s *Server) quota(user, _ string, client net.Addr) bool {
	max := s.cfg.MaxAllocationsPerUser
	if max == 0 {
		return true
	}
	s.mu.Lock()
	held := 0
	if st := s.users[user]; st != nil {
		held = st.Allocations
	}
	s.mu.Unlock()
	if held >= max {
		s.logf("relay: refused allocation for user %q client %v: quota of %d allocations reached", user, client, max)
		return false
	}
	return true
}

// register records a new allocation, enforcing the quota once more now that
// the count is taken under the lock.
func (s *Server) register(a *allocation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errRefused
	}
	st := s.userLocked(a.user)
	if max := s.cfg.MaxAllocationsPerUser; max > 0 && st.Allocations >= max {
		return errRefused
	}
	st.Allocations++
	st.TotalAllocations++
	s.live[a] = struct{}{}
	s.ending.Add(1)
	s.byRelay[a.relay.String()] = a
	return nil
}

// ended moves a closed allocation's bytes into its user's totals and logs
// them.
func (s *Server) ended(a *allocation) {
	to, from := a.toPeers.Load(), a.fromPeers.Load()
	droppedTo, droppedFrom := a.droppedTo.Load(), a.droppedFrom.Load()
	s.mu.Lock()
	_, live := s.live[a]
	if live {
		delete(s.live, a)
		if s.byRelay[a.relay.String()] == a {
			delete(s.byRelay, a.relay.String())
		}
		if client, ok := a.clientAddr().(*net.UDPAddr); ok && s.byClient[client.String()] == a {
			delete(s.byClient, client.String())
		}
		st := s.userLocked(a.user)
		st.Allocations--
		st.BytesToPeers += to
		st.BytesFromPeers += from
		st.DroppedToPeers += droppedTo
		st.DroppedFromPeers += droppedFrom
	}
	s.mu.Unlock()
	s.logf("relay: allocation ended: %s after %s: relayed %d bytes to peers and %d bytes from peers; dropped %d and %d over the bandwidth cap",
		a.describe(), time.Since(a.created).Round(time.Millisecond), to, from, droppedTo, droppedFrom)
	if live {
		s.ending.Done()
	}
}

// onAllocationCreated learns the client address of a new allocation and
// logs it.
func (s *Server) onAllocationCreated(client, _ net.Addr, _, _, _ string, relay net.Addr, _ int) {
	s.mu.Lock()
	a := s.byRelay[relay.String()]
	if a != nil {
		a.client.Store(client)
		if udp, ok := client.(*net.UDPAddr); ok {
			s.byClient[udp.String()] = a
		}
	}
	s.mu.Unlock()
	if a == nil {
		return
	}
	s.logf("relay: allocation created: %s", a.describe())
}

// hasAllocation reports whether the UDP client address holds an allocation,
// or may be about to: pion/turn reports an allocation before it answers the
// Allocate request, so a client never sends a request that relies on its
// allocation before hasAllocation knows of it.
func (s *Server) hasAllocation(client net.Addr) bool {
	udp, ok := client.(*net.UDPAddr)
	if !ok {
		return true // not ours to judge
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byClient[udp.String()] != nil
}

// onAuth logs requests whose password did not match. Unknown and expired
// users are logged by authenticate, which pion/turn calls first.
func (s *Server) onAuth(client, _ net.Addr, _, username, _, method string, verdict bool) {
	if !verdict {
		s.logf("relay: refused %q from %v: wrong password (%s request)", username, client, method)
	}
}

// listener tracks the TCP connections it accepts so that Close can end
// them: pion/turn leaves them open when its listener closes.
type listener struct {
	net.Listener
	srv *Server
}

// Accept waits for the next TCP client.
func (l *listener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &trackedConn{Conn: conn, srv: l.srv}
	l.srv.mu.Lock()
	closed := l.srv.closed
	if !closed {
		l.srv.tcpConns[c] = struct{}{}
	}
	l.srv.mu.Unlock()
	if closed {
		_ = conn.Close() // The server is stopping; the client sees the connection end.
		return nil, net.ErrClosed
	}
	return c, nil
}

// trackedConn forgets itself when closed.
type trackedConn struct {
	net.Conn
	srv *Server
}

// Close closes the connection and forgets it.
func (c *trackedConn) Close() error {
	c.srv.mu.Lock()
	delete(c.srv.tcpConns, c)
	c.srv.mu.Unlock()
	return c.Conn.Close()
}
