package peer

// Test hooks: what the tests of package peer_test may look at inside a Peer.

// HighWater is how many bytes Send lets pion queue before it waits.
const HighWater = highWater

// MaxQueuedBytes is how many received bytes may wait for Receive before
// pion is no longer read.
const MaxQueuedBytes = maxQueuedBytes

// QueueFull returns a channel that is closed the first time p's receive
// queue reached its byte cap and pion's read loop began to wait for
// Receive.
func QueueFull(p *Peer) <-chan struct{} { return p.queueFull }

// QueuedBytes returns how many received bytes wait for Receive.
func QueuedBytes(p *Peer) int64 { return p.queued.Load() }

// BufferedAmount returns how many bytes p has handed to pion that pion has
// not yet delivered, the amount Send's flow control looks at; 0 without a
// channel.
func BufferedAmount(p *Peer) uint64 {
	p.mu.Lock()
	dc := p.dc
	p.mu.Unlock()
	if dc == nil {
		return 0
	}
	return dc.BufferedAmount()
}
