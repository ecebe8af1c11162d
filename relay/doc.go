// Package relay runs a STUN and TURN server, built on pion/turn, so that
// anyone with a public address can help their friends' qrtc peers (or any
// WebRTC stack) across NATs that defeat direct connections.
//
// A Server answers STUN binding requests (RFC 8489) so that clients learn
// their server-reflexive address, and, for clients that authenticate, makes
// TURN allocations (RFC 8656): a UDP relayed address on the server through
// which the client exchanges datagrams with its peers.
//
// A request that needs an allocation (Refresh, CreatePermission,
// ChannelBind) and comes, with valid credentials, from an address that holds
// none gets 437 Allocation Mismatch (RFC 8656 section 5), signed with the
// requester's key, as coturn answers; pion/turn alone would drop it. That
// happens when a client's NAT forgot its idle mapping and gave it a new
// port: the answer lets the client give up on the lost allocation at once
// instead of retransmitting for half a minute.
//
// # Credentials
//
// Clients authenticate with TURN long-term credentials (RFC 8489 section
// 9.2), in one of two ways:
//
//   - static users: Config.Users maps names to passwords;
//   - time-limited credentials, as coturn's use-auth-secret option and
//     draft-uberti-behave-turn-rest-00 define them: the server knows a
//     Secret, and a username "<expiry unix time>:<user>" is valid until
//     its expiry with the password base64(HMAC-SHA1(Secret, username)).
//     TURNRESTCredentials makes such a pair; whoever holds the secret can
//     hand out credentials without touching the server.
//
// # Quotas and logs
//
// Config.MaxAllocationsPerUser caps the allocations a user holds at once
// (the next one gets 486 Allocation Quota Reached), and
// Config.BandwidthPerAllocation caps the bytes per second each allocation
// relays in each direction: datagrams over the rate are dropped. The server
// counts the bytes it relays per user (Server.Stats) and logs, through
// Config.Logf, one line per allocation created, one per allocation ended
// with the bytes it relayed, one per refusal (unknown user, expired
// credentials, wrong password, quota), and 437 answers and peer refusals
// at most once per second each (see Peers).
//
// # Limits
//
// IPv4 only; TURN over UDP and TCP (no TLS or DTLS); relayed addresses are
// UDP only (no RFC 6062 TCP allocations).
//
// # Peers
//
// Whoever holds credentials can send UDP through the relay, so the server
// refuses peers it has no business reaching (answering 403 Forbidden, RFC
// 8656 section 9.2): private networks, carrier-grade NAT space, link-local
// addresses (cloud metadata services), loopback unless
// Config.AllowLoopbackPeers, and its own public and listening addresses
// except for relayed addresses, so that two peers can both relay through
// it. Config.AllowPeers and Config.DenyPeers adjust this, as coturn's
// allowed-peer-ip and denied-peer-ip do. Refusals and 437 answers, which
// a client can cause at will, are logged at most once per second each,
// with a count of the lines left out. Other public addresses of the
// relay's machine are not known to the server: list them in DenyPeers or
// firewall them, and prefer short-lived credentials.
package relay
