package peer

import (
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// TestTURNRefusals reads pion/ice's log lines for refused allocations (the
// texts pion v4.4.8 writes) and turns them into a warning that names the
// rejection instead of a time out.
func TestTURNRefusals(t *testing.T) {
	var r turnRefusals
	for _, line := range []string{
		"failed to allocate on TURN client 127.0.0.1:3478 Allocate error response (error 401: Unauthorized)",
		"failed to allocate on TURN client 198.51.100.7:3478 Allocate error response (error 403: )",
		"failed to allocate on TURN client 192.0.2.9:3478 all retransmissions failed",
		"Failed to listen udp4: address in use",
	} {
		r.note(line)
	}
	for addr, want := range map[string]string{
		"127.0.0.1:3478": "401 Unauthorized", "198.51.100.7:3478": "403 Forbidden", "192.0.2.9:3478": "", "203.0.113.1:3478": "",
	} {
		if got := r.refusal(addr); got != want {
			t.Errorf("refusal(%q) = %q, want %q", addr, got, want)
		}
	}
	servers := []webrtc.ICEServer{
		{URLs: []string{"turn:127.0.0.1?transport=udp"}, Username: "a", Credential: "b"},
		{URLs: []string{"turn:192.0.2.9:3478"}, Username: "a", Credential: "b"},
	}
	w := gatherWarnings(servers, nil, time.Second, true, r.refusal)
	want := []string{
		`TURN server "turn:127.0.0.1?transport=udp" rejected the request (401 Unauthorized): check the user name and password`,
		`TURN server "turn:192.0.2.9:3478" gave no relay address within 1s; check its address and credentials`,
	}
	if len(w) != len(want) || w[0] != want[0] || w[1] != want[1] {
		t.Errorf("gatherWarnings = %q, want %q", w, want)
	}
}
