// Package interop holds the tests that prove qrtc works with real browsers:
// Chromium and Firefox ESR, each as offerer and as answerer, against the qrtc
// binary and against each other, with every description carried through an
// sdpcompact token (Encode, then Decode) on its way, as a QR code or pasted
// line would carry it. The browsers and qrtc run in network-namespace labs
// (internal/netns, internal/browser); the tests skip without root, iproute2,
// iptables or the browsers unless QRTC_REQUIRE_LAB=1.
package interop
