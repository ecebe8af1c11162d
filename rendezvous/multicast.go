package rendezvous

import (
	"encoding/binary"
	"errors"
	"net"
	"sync"
	"time"

	"golang.org/x/net/ipv4"
)

// DefaultMulticast is the group and port of the local-network path: an
// administratively scoped IPv4 group (RFC 2365) sent with TTL 1, so that
// packets never leave the link.
const DefaultMulticast = "239.255.48.21:48211"

// multicastMagic starts every multicast packet.
const multicastMagic = "QRTCRV1"

// multicastTransport carries the same messages over link-local multicast:
// a packet is the magic, the slot's 20-byte target, the 8-byte sequence
// number and the message. Each published item is sent every poll interval
// on every multicast interface; everything received for a watched slot is
// delivered.
type multicastTransport struct {
	r      *Rendezvous
	conn   *net.UDPConn
	pc     *ipv4.PacketConn
	group  *net.UDPAddr
	ifaces []net.Interface
	mu     sync.Mutex
	items  map[[20]byte][]byte // packets to keep sending
	seqs   map[[20]byte]int64
	last   time.Time // the last publish: send fast for a while after it
	done   chan struct{}
	wg     sync.WaitGroup
}

// newMulticast joins the group on every up, multicast-capable interface.
func newMulticast(r *Rendezvous, groupAddr string) (*multicastTransport, error) {
	group, err := net.ResolveUDPAddr("udp4", groupAddr)
	if err != nil {
		return nil, err
	}
	all, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var ifaces []net.Interface
	for _, ifi := range all {
		if ifi.Flags&net.FlagUp != 0 && ifi.Flags&net.FlagMulticast != 0 && ifi.Flags&net.FlagLoopback == 0 {
			if addrs, err := ifi.Addrs(); err == nil && hasIPv4(addrs) {
				ifaces = append(ifaces, ifi)
			}
		}
	}
	if len(ifaces) == 0 {
		return nil, errors.New("no network interface with multicast and an IPv4 address")
	}
	// ListenMulticastUDP sets SO_REUSEADDR, so that two qrtc on one host
	// both hear the group.
	conn, err := net.ListenMulticastUDP("udp4", &ifaces[0], group)
	if err != nil {
		return nil, err
	}
	pc := ipv4.NewPacketConn(conn)
	for _, ifi := range ifaces[1:] {
		_ = pc.JoinGroup(&ifi, group) // best effort: the others still work
	}
	_ = pc.SetMulticastTTL(1)
	_ = pc.SetMulticastLoopback(true)
	m := &multicastTransport{r: r, conn: conn, pc: pc, group: group, ifaces: ifaces,
		items: map[[20]byte][]byte{}, seqs: map[[20]byte]int64{}, done: make(chan struct{})}
	m.wg.Add(2)
	go m.receive() // exits when conn is closed
	go m.send()    // exits when done is closed
	return m, nil
}

func hasIPv4(addrs []net.Addr) bool {
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
			return true
		}
	}
	return false
}

// publish makes msg the item this side sends for slot s.
func (m *multicastTransport) publish(s *slot, msg []byte) {
	m.mu.Lock()
	seq := max(time.Now().UnixMilli(), m.seqs[s.target]+1)
	m.seqs[s.target] = seq
	m.items[s.target] = packet(s.target, seq, msg)
	m.last = time.Now()
	m.mu.Unlock()
	m.sendAll()
}

// watch needs nothing: every packet is read, and deliver keeps the ones of
// watched slots.
func (m *multicastTransport) watch(*slot) {}

func (m *multicastTransport) sendAll() {
	m.mu.Lock()
	var packets [][]byte
	for _, p := range m.items {
		packets = append(packets, p)
	}
	m.mu.Unlock()
	for _, p := range packets {
		for _, ifi := range m.ifaces {
			cm := &ipv4.ControlMessage{IfIndex: ifi.Index}
			_, _ = m.pc.WriteTo(p, cm, m.group) // lost packets are sent again
		}
	}
}

func (m *multicastTransport) send() {
	defer m.wg.Done()
	t := time.NewTimer(m.r.cfg.pollInterval())
	defer t.Stop()
	for {
		select {
		case <-m.done:
			return
		case <-t.C:
			m.sendAll()
			m.mu.Lock()
			last := m.last
			m.mu.Unlock()
			t.Reset(m.r.cfg.pollAfter(last))
		}
	}
}

func (m *multicastTransport) receive() {
	defer m.wg.Done()
	buf := make([]byte, 2048)
	for {
		n, _, err := m.conn.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if target, seq, msg, ok := parsePacket(buf[:n]); ok {
			m.r.deliverTarget(target, seq, msg, "lan")
		}
	}
}

// parsePacket reads a multicast packet: magic, target, seq, message. The
// message is a copy; ok is false for anything else on the group.
func parsePacket(p []byte) (target [20]byte, seq int64, msg []byte, ok bool) {
	if len(p) < len(multicastMagic)+20+8 || string(p[:len(multicastMagic)]) != multicastMagic {
		return target, 0, nil, false
	}
	p = p[len(multicastMagic):]
	copy(target[:], p)
	seq = int64(binary.BigEndian.Uint64(p[20:]))
	return target, seq, append([]byte(nil), p[28:]...), true
}

// packet writes a multicast packet.
func packet(target [20]byte, seq int64, msg []byte) []byte {
	p := append([]byte(multicastMagic), target[:]...)
	p = binary.BigEndian.AppendUint64(p, uint64(seq))
	return append(p, msg...)
}

func (m *multicastTransport) close() {
	close(m.done)
	m.conn.Close()
	m.wg.Wait()
}
