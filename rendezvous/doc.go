// Package rendezvous lets two people exchange qrtc tokens by a short code
// such as 4821-guitar-orange, read aloud over the phone, with no server of
// its own: the messages travel through the BitTorrent mainline DHT (BEP 5,
// BEP 44 mutable items) and, raced with it, by link-local multicast on the
// local network. A PAKE (CPace, package cpace) turns the short code into a
// strong key that seals the tokens, so the strangers' nodes that store the
// messages learn nothing they could use, and a guesser gets one try per
// session.
//
// Tokens are opaque strings here: the package knows nothing of SDP, QR codes
// or WebRTC.
//
//	r, _ := rendezvous.New(rendezvous.Config{})
//	defer r.Close()
//	// offering side
//	code, _ := r.NewCode(ctx, 0)            // show code.String()
//	answer, err := r.Offer(ctx, code, offerToken)
//	// joining side
//	s, err := r.Join(ctx, code)             // s.Offer() is the offer token
//	err = s.Answer(answerToken)             // keep r open until connected
//
// # The code
//
// A code is a number and 2 or 3 words, joined by "-": 4821-guitar-orange.
// The number (1 to 9999; new codes use 1000 to 9999) only picks the slots
// of the session: it is public, every node that stores or forwards the
// messages sees it. The words are the secret: each is one of the 256 words
// of the list (the words of qrtc's verification phrase), so each carries 8
// bits; 2 words (the default) are 16 bits, 3 words 24 bits. No word of the
// list starts another, so a person may type any start that only one word
// has ("gui" for guitar). ParseCode accepts spaces, dots, commas or "_" for
// "-" and any case; Code.String is the canonical form, which is the password.
//
// # Slots: where the messages are
//
// Each number has two slots, one per role, as BEP 44 mutable items:
//
//	seed   = SHA-256("qrtc rendezvous v1 key " || decimal number)
//	key    = the ed25519 key pair of seed (RFC 8032 section 5.1.5)
//	salt   = "qrtc1o" for the offering side, "qrtc1j" for the joining side
//	target = SHA-1(public key || salt)                 (BEP 44)
//	v      = the message as a bencoded byte string (at most 996 bytes)
//	seq    = the time of the put in Unix milliseconds (and always one more
//	         than the side's previous put), so that a later session's items
//	         replace an earlier one's; cas is never set
//
// Only the number and the role go into a slot. Nothing derived from the
// secret words is ever published, or a storing node could test every word
// pair offline. Since the key is public, anybody can write a slot: the
// protocol below makes that an annoyance (a failed session), never a way
// in.
//
// # Messages
//
// Every message starts with a version byte (1) and a type byte. sidA is 16
// random bytes chosen by the offering side for the session, sidB 16 random
// bytes chosen by the joining side. Sizes for a 95-character offer token and
// a 98-character answer token are given.
//
//	hello  (type 1, offering slot, 50 bytes):  1 | 1 | sidA | Ya (32)
//	join   (type 2, joining slot, 82 bytes):   1 | 2 | sidA | sidB | Yb (32) | tag (16)
//	offer  (type 3, offering slot, 145 bytes): 1 | 3 | sidA | sidB | AES-GCM(offer token) + tag
//	answer (type 4, joining slot, 148 bytes):  1 | 4 | sidA | sidB | AES-GCM(answer token) + tag
//	burned (type 5, either slot, 34 bytes):    1 | 5 | sidA | sidB
//
// A message of another version, an unknown type or a wrong length is
// skipped (ErrBadMessage); it burns nothing.
//
// # The exchange
//
//  1. The offering side publishes hello: its CPace share Ya, computed with
//     PRS = the code's canonical form, CI = "qrtc rendezvous v1", sid =
//     sidA, ADa empty (draft-irtf-cfrg-cpace-21 section 7, initiator).
//  2. The joining side reads the offering slot and gathers hellos until its
//     first DHT lookup of the slot has ended (the nodes closest to it have
//     answered), but at most 1 s after the first hello came (at once when
//     the DHT is off). It takes the hello with the highest seq, draws sidB,
//     computes Yb with ADb = sidB (responder) and the key ISK, and
//     publishes join. Its tag is the AES-GCM seal of the empty string under
//     the join key with the associated data 1 | 2 | sidA | sidB | Yb: key
//     confirmation, so the offering side learns whether the code matched
//     before it sends anything. The joining side answers one hello per
//     session and never another: see the burn rule.
//  3. The offering side reads the joining slot. A join for its sidA whose
//     share is invalid or whose tag does not open burns the code. A good
//     one fixes sidB; the offering side replaces hello with offer.
//  4. The joining side opens offer (a failure burns the code), hands the
//     offer token to its caller, and publishes answer with the caller's
//     answer token. The offering side opens it (a failure burns the code)
//     and is done.
//
// Keys: ISK (64 bytes, CPace) is expanded with HKDF-SHA512 (RFC 5869),
// salt sidA || sidB, info "qrtc rendezvous v1 join", "... offer" and
// "... answer", into three AES-256-GCM keys (NIST SP 800-38D). Each key
// seals exactly one plaintext, so the nonce is 12 zero bytes; the
// associated data of a seal is the message's bytes before the sealed part.
//
// # The burn rule
//
// The first message of this session that fails to open burns the code: the
// side publishes burned in its slot (so that the other side stops too,
// within a poll or two) and fails with ErrBurned: "wrong code, or someone
// tried to guess it: start again". So an attacker gets one online guess per
// side per session. What burns nothing: messages with another sidA or sidB
// (another session on the same number, or items left by an earlier one),
// malformed messages, and a hello with an invalid share. A burned notice is
// not authenticated: forging one ends a session, which anybody who can
// write a slot can do anyway. A joining side that finds, when it has
// gathered (step 2), a burned notice in the offering slot newer than every
// hello stops with ErrBurned too: the session on the number was refused and
// no new one waits (this is what the right code finds after a wrong one).
//
// The join is the joining side's one guess to give: its tag lets whoever
// wrote the hello test one code offline. So the joining side answers one
// hello only, the newest when it has gathered (step 2); that is how a stale
// hello from an earlier session gives way to the live one, which is newer.
// A hello that comes later with another sidA and a higher seq is not
// answered (answering it would give its author a second guess, and a
// third: as many as an attacker who keeps writing the slot has time for);
// it burns nothing either. If the offer of the answered hello has not come
// 15 s after such a hello, the joining side publishes burned for its
// session and fails with ErrContested: the hello it answered was stale or
// an attacker's. An offering side that calls Offer right after NewCode or
// CheckFree (which have looked its slots up, so the hello is put at once)
// has its hello out before a person who heard the code can join.
//
// # Numbers in use
//
// Before it shows a code, the offering side checks that no waiting session
// uses the number (CheckFree): it listens on both slots for at least a
// second and until their DHT lookups end, and the number is busy if the
// newest item of the offering slot is a hello of the last two minutes, or
// an offer of the last two minutes whose answer or burned notice is not in
// the joining slot. A new code then gets another number.
//
// # Transports
//
// DHT: anacrolix/dht/v2 as a passive client (it asks and answers nobody)
// with its own send limiter (the library's default one is shared by every
// server of a process), an empty local BEP 44 store (the library stores a
// put locally first and does not send it when that fails), item expiry of
// two hours (zero would expire at once) and a query timeout of 600 ms. For
// each slot a lookup walks towards the target (alpha 8, k 8, at most 5 s),
// handing over any item met on the way; then the 8 closest nodes with write
// tokens are kept ("sticky"): they are polled every 300 ms for 30 s after
// the side began to watch the slot or a new item came, then every second
// (libtorrent's nodes ban an address that sends them more than 5 packets a
// second over 10 s, dht_block_ratelimit; fast polling sends 3.3); the
// side's own item is put to them at once when it changes and again every
// 20 s while the side waits; the slot is looked up again every minute, and
// a lookup that reached no node is retried after 1 s, doubling up to 30 s.
// The bootstrap
// nodes are DefaultBootstrap unless Config.Bootstrap names others; the
// routing table is kept in Config.CacheFile for a fast next start.
//
// Local network: every published item is also sent to the multicast group
// 239.255.48.21 port 48211 (administratively scoped, RFC 2365) with TTL 1,
// on every interface with multicast and an IPv4 address, every 300 ms for
// 30 s after the side last published, then every second, as "QRTCRV1" |
// target (20) | seq (8, big endian) | message. Whatever arrives first is
// used: the two paths race.
//
// # What others see
//
// DHT nodes near a slot (and anyone on the local network) see the number,
// the addresses of both sides' DHT clients, and the messages: CPace shares,
// which tell nothing about the words, and sealed tokens. They can delete,
// replace or replay items and so make a session fail, but without the code
// they cannot open a token or get between the two sides: the CPace key
// depends on the code, and a wrong one burns it. With the 16 bits of a
// 2-word code a guesser succeeds once in 65,536 sessions (24 bits: once in
// 16.7 million) per side it attacks; comparing the verification phrase after
// connecting catches even that.
package rendezvous
