// Package natlab holds qrtc's NAT lab tests: whole qrtc sessions ("qrtc
// offer" on one computer, "qrtc answer" on another) run across the network
// namespaces of internal/netns, each computer behind its own router (no NAT,
// a port-restricted cone NAT, or a symmetric NAT), with a STUN and TURN
// server in the lab's public namespace: the project's own relay package, or
// coturn, the standard TURN server (Debian package coturn).
//
// The tests cover the matrix of issue 5 (every NAT pairing, with STUN only
// and with STUN and TURN), answers applied minutes after they were shown, and
// a benchmark of the time to connect per NAT pairing. They need root, iproute2
// and iptables (and coturn's turnserver for the coturn cases); without them
// they skip, unless QRTC_REQUIRE_LAB=1 is set, as in CI, where they fail.
// Every packet stays inside the lab's namespaces.
//
// The package has no API: everything is in its tests.
package natlab
