// Package peer is the WebRTC side of qrtc, built on pion/webrtc: it gathers
// every ICE candidate before it hands out a session description, applies the
// other side's description, and carries chat messages over a data channel.
//
// # The exchange
//
// There is no signaling server and no trickle ICE (RFC 8838): each side's
// description is complete when it is handed out, so that it can travel once,
// by hand, as a QR code or pasted text.
//
//	alice, _ := peer.New(peer.Config{})
//	offer, _ := alice.Offer(ctx)         // -> Bob
//	bob, _ := peer.New(peer.Config{})
//	answer, _ := bob.Answer(ctx, offer)  // -> Alice
//	_ = alice.Accept(ctx, answer)
//	_ = alice.WaitOpen(ctx)              // Bob calls WaitOpen too
//	_ = alice.Send(ctx, "hi")            // Bob: msg, _ := bob.Receive(ctx)
//	_ = alice.Shutdown(ctx)              // Bob's Receive returns io.EOF
//
// The descriptions are SDP text (RFC 8866); package peer knows nothing of
// tokens or QR codes. Answer refuses a description that is not an offer
// (its a=setup is not "actpass", RFC 8842) with ErrNotOffer, Accept one that
// is not an answer with ErrNotAnswer, and both refuse a description without
// a data channel (RFC 8841) with ErrNoDataChannel.
//
// # Waiting for people
//
// An answer may be applied minutes after it was made. pion's own ICE
// failure timeout is turned off, so the answerer's ICE agent keeps its
// candidates and keeps answering connectivity checks; the Peer's own timers
// decide instead: AnswerWait (default 30 minutes) for the answerer,
// ConnectTimeout (default 30 s) for the offerer after Accept. When they run
// out, WaitOpen returns a *ConnectError (errors.Is ErrICEFailed) that lists
// the candidate types of both sides and the pairs ICE tried, and suggests
// what to add (a STUN server, a TURN relay).
//
// Meanwhile NAT routers forget idle UDP mappings, often after 30 s. Every
// socket that has talked to a STUN or TURN server sends that server a STUN
// Binding indication (RFC 8489 section 3) after 15 s of silence, so that
// the server reflexive address in the description stays true and a TURN
// allocation, which is tied to the client's public address and port, stays
// reachable.
//
// Gathering waits at most GatherTimeout (default 1.5 s) for STUN and TURN
// servers; one that does not answer in time is left out and named by
// GatherWarnings. With no ICE servers a description is ready in a few
// milliseconds.
//
// Host candidates are plain addresses: the Peer resolves the other side's
// mDNS names (<uuid>.local, which browsers send) but announces none of its
// own (pion's MulticastDNSModeQueryOnly).
//
// # Early checks and one scan
//
// pion's agent reads its sockets only once it has the remote description,
// so an offerer built on it leaves the answerer's first checks unanswered,
// although RFC 8445 section 7.3 says to answer them with the local password
// alone (a Firefox answerer gives up about 11 s after its answer when they
// go unanswered). The offerer's Peer reads its sockets itself until pion
// starts, answers fitting checks with a signed Binding success response,
// and hands their sources to pion as peer-reflexive candidates once the
// answer is applied.
//
// With Config.OneScan those checks also carry the answer (package onescan):
// the offer is marked a=qrtc-one-scan, an answering Peer puts its
// fingerprint in its ufrag and derives its password from the offer, and the
// offerer applies the answer a fitting check describes by itself
// (OneScanAnswered). Accept still works, whichever comes first; a second
// answerer's checks get a signed 403 error response, and an answering Peer
// that receives one ends with ErrAnswered.
//
// # Messages
//
// One data channel (RFC 8831), ordered and reliable, carries text messages
// (Send) and binary messages (SendBinary); the kind travels as the SCTP
// payload protocol identifier (RFC 8831 section 6.6). Both block while too
// much is queued (flow control on the channel's buffered amount) and never
// drop a message; a message longer than the other side's a=max-message-size
// fails with ErrMessageTooLarge and nothing of it is sent. ReceiveMessage
// returns the messages in order with their kind (Message.Binary); Receive
// returns the same messages as strings, whatever their kind. After the last
// message both return:
//
//   - io.EOF when the other side ended the chat gracefully (Shutdown, or a
//     browser closing its channel);
//   - ErrPeerGone when it vanished: its process died or its network went
//     away (nothing heard for PeerGoneTimeout, default 20 s), or it closed its
//     connection without closing the channel first (Close, an SCTP abort);
//   - ErrClosed after this side's Shutdown or Close.
//
// The difference between the first two is decided when the channel closes,
// from the state of the SCTP association under it: a stream reset (RFC 8831
// section 6.7) on an established association is a graceful end; a channel
// that closed because the association ended (an ABORT, which Close sends,
// RFC 9260 section 9.1; a DTLS close; a transport error) is a vanished
// peer. Shutdown therefore keeps the association up until the other side
// has answered the reset, and a little longer. A browser page that calls
// dc.close() and then pc.close() at once may be seen as gone; one that
// waits for its channel's close event is seen as having left.
//
// # Verification phrase
//
// Phrase returns four words (32 bits) derived from both sides' DTLS
// certificate fingerprints (RFC 8122), in an order that does not depend on
// the role, so both sides show the same words. DTLS checks the certificate
// against the fingerprint in the description, so people who read the same
// phrase to each other know that nobody swapped a QR code or sat in the
// middle.
//
// Four words are short enough to read aloud, but 32 bits alone would be
// weak: an attacker who swaps both tokens sees both fingerprints before he
// picks the certificate he shows one side, and can try certificates
// (varying the serial number is enough, as WebRTC checks only the
// fingerprint) until one gives the same phrase, about 2^32 tries. With
// SHA-256 that is 2^32 hashes: minutes on one CPU core. The phrase is
// therefore derived with argon2id (RFC 9106) over the two fingerprints with
// 64 MiB of memory, one pass and the fixed salt "qrtc phrase v1". One
// derivation takes about 40 ms on one core of a 2025 server CPU
// (BenchmarkDerive in package phrase), so the search takes 2^32 x 40 ms, about 5 CPU-years,
// and 64 MiB per parallel try: far more than the few minutes a person
// waits between scanning a code and reading the phrase. Phrase derives the
// words on its first call and caches them.
//
// # Goroutines
//
// pion runs the connection on its own goroutines and calls the Peer's
// callbacks from them; the Peer adds timers. Close stops the timers, waits
// for every callback that runs Peer code to return, and closes pion's
// PeerConnection, whose goroutines then wind down. Calls that wait (Offer,
// Answer, WaitOpen, Send, Receive, Shutdown) take a context and return when
// it ends or when the Peer is closed.
package peer
