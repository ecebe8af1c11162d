// Package netns builds throw-away network labs out of Linux network
// namespaces for qrtc's tests: namespaces joined by veth pairs, routers that
// forward (and optionally masquerade, like a home NAT), commands run inside a
// namespace with "ip netns exec", and sockets opened inside a namespace by the
// test process itself.
//
// A Lab owns every namespace it creates and deletes them all in Close, so a
// test calls Close from t.Cleanup and nothing outlives it. Names carry the
// test process id, so parallel test processes never collide and
// RemoveStale can find what a killed test left behind.
//
// NewTopology builds the usual shape on top of a Lab: one "public"
// namespace holding a bridge that stands for the internet (203.0.113.0/24,
// TEST-NET-3 of RFC 5737), and per side a router namespace with one leg on
// that bridge and one on a private LAN (10.0.N.0/24, RFC 1918) with its
// client namespaces behind it. Each router can masquerade (endpoint-
// independent mapping in practice: a cone NAT), masquerade with
// --random-fully (a fresh port per destination: a symmetric NAT), or just
// route. Every namespace gets a default route: a namespace without one makes
// WebRTC stacks gather no candidate at all.
//
// The package needs root, the ip command (iproute2) and, for NAT, iptables;
// Require skips a test when they are missing unless QRTC_REQUIRE_LAB=1 is set,
// in which case it fails the test.
package netns
