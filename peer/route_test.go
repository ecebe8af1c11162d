package peer_test

import (
	"testing"
	"time"
)

// TestRelayed: no route before the channel opens; a direct one between two
// loopback peers. (A relayed route needs peers that reach each other only
// through TURN, as in internal/natlab; it is not checked here.)
func TestRelayed(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	p := newPeer(t, loopback())
	if relayed, ok := p.Relayed(); relayed || ok {
		t.Errorf("before connecting: Relayed() = %v, %v; want false, false", relayed, ok)
	}
	a, b := connected(t, ctx, loopback(), loopback())
	for _, x := range []interface{ Relayed() (bool, bool) }{a, b} {
		if relayed, ok := x.Relayed(); relayed || !ok {
			t.Errorf("on loopback: Relayed() = %v, %v; want false, true", relayed, ok)
		}
	}
}

// TestRoute: no route before the channel opens; host to host between two
// loopback peers, each end's address the other's remote one.
func TestRoute(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	if r, ok := newPeer(t, loopback()).Route(); ok {
		t.Errorf("before connecting: Route() = %+v, true; want false", r)
	}
	a, b := connected(t, ctx, loopback(), loopback())
	ra, oka := a.Route()
	rb, okb := b.Route()
	if !oka || !okb || ra.LocalType != "host" || ra.RemoteType != "host" ||
		ra.LocalAddress != rb.RemoteAddress || ra.RemoteAddress != rb.LocalAddress {
		t.Errorf("on loopback: Route() = %+v, %v and %+v, %v; want host to host, each the mirror of the other", ra, oka, rb, okb)
	}
}
