// Package dhtswarm runs a private BitTorrent mainline DHT for tests: dozens
// of anacrolix/dht nodes on loopback that bootstrap only from each other,
// optionally behind a PacketConn that imitates wide-area delay and loss,
// with a share of nodes that die after joining. It never contacts the real
// DHT.
package dhtswarm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/anacrolix/dht/v2"
	"github.com/anacrolix/dht/v2/bep44"
	alog "github.com/anacrolix/log"
	"golang.org/x/time/rate"
)

// Options shape a swarm.
type Options struct {
	Nodes int     // how many nodes (default 40)
	Dead  float64 // share of nodes that stop answering once the swarm is up
	Net   Impair  // imitated delay and loss on every node's socket
	Host  string  // address to listen on (default 127.0.0.1)
	// ListenPacket opens the nodes' sockets (default net.ListenPacket);
	// a namespace's ListenPacket puts the swarm inside a lab.
	ListenPacket func(network, address string) (net.PacketConn, error)
}

// Impair imitates a wide-area network on a PacketConn: every datagram sent
// is delayed by a random time in [MinDelay, MaxDelay] and lost with
// probability Loss.
type Impair struct {
	MinDelay, MaxDelay time.Duration
	Loss               float64
}

// Swarm is a running private DHT.
type Swarm struct {
	servers []*dht.Server
	addrs   []string
	live    []string
}

// Start runs a swarm and waits until every node has bootstrapped.
func Start(ctx context.Context, o Options) (*Swarm, error) {
	if o.Nodes == 0 {
		o.Nodes = 40
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.ListenPacket == nil {
		o.ListenPacket = net.ListenPacket
	}
	logger := alog.NewLogger("swarm")
	logger.SetHandlers(alog.DiscardHandler)
	sw := &Swarm{}
	for range o.Nodes {
		c, err := o.ListenPacket("udp4", net.JoinHostPort(o.Host, "0"))
		if err != nil {
			sw.Close()
			return nil, err
		}
		conn := Wrap(c, o.Net)
		first := append([]string(nil), sw.addrs[:min(len(sw.addrs), 4)]...)
		s, err := dht.NewServer(&dht.ServerConfig{
			Conn:       conn,
			NoSecurity: true,
			StartingNodes: func() ([]dht.Addr, error) {
				if len(first) == 0 {
					return nil, fmt.Errorf("first node")
				}
				return dht.ResolveHostPorts(first)
			},
			Store:            bep44.NewMemory(),
			Exp:              2 * time.Hour,
			Logger:           logger,
			SendLimiter:      rate.NewLimiter(rate.Inf, 0),
			QueryResendDelay: func() time.Duration { return 500 * time.Millisecond },
		})
		if err != nil {
			conn.Close()
			sw.Close()
			return nil, err
		}
		sw.servers = append(sw.servers, s)
		sw.addrs = append(sw.addrs, c.LocalAddr().String())
	}
	// Every node looks itself up twice, so that the tables fill.
	for round := range 2 {
		var wg sync.WaitGroup
		for i, s := range sw.servers {
			if i == 0 && round == 0 {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				_, _ = s.BootstrapContext(bctx)
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			sw.Close()
			return nil, err
		}
	}
	dead := int(o.Dead * float64(o.Nodes))
	for i, s := range sw.servers {
		if i >= len(sw.servers)-dead {
			s.Close()
			continue
		}
		sw.live = append(sw.live, sw.addrs[i])
	}
	return sw, nil
}

// Bootstrap returns a few live nodes' addresses as host:port, for
// rendezvous.Config.Bootstrap and --dht-bootstrap.
func (sw *Swarm) Bootstrap() []string { return sw.live[:min(3, len(sw.live))] }

// Close stops every node.
func (sw *Swarm) Close() {
	for _, s := range sw.servers {
		s.Close()
	}
}

// Wrap returns c with the impairments of im applied to what it sends.
func Wrap(c net.PacketConn, im Impair) net.PacketConn {
	if im == (Impair{}) {
		return c
	}
	return &impaired{PacketConn: c, im: im}
}

type impaired struct {
	net.PacketConn
	im Impair
}

func (c *impaired) WriteTo(b []byte, addr net.Addr) (int, error) {
	if rand.Float64() < c.im.Loss {
		return len(b), nil
	}
	d := c.im.MinDelay
	if c.im.MaxDelay > d {
		d += rand.N(c.im.MaxDelay - d)
	}
	p := append([]byte(nil), b...)
	time.AfterFunc(d, func() { _, _ = c.PacketConn.WriteTo(p, addr) })
	return len(b), nil
}
