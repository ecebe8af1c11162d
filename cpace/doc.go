// Package cpace implements CPace, the balanced password-authenticated key
// exchange of draft-irtf-cfrg-cpace-21, with the cipher suite
// CPACE-RISTR255-SHA512 (section 8.3): the ristretto255 group of RFC 9496
// and SHA-512.
//
// Two parties that share a low-entropy password (PRS) each send one 32-byte
// public share and derive the same 64-byte intermediate session key (ISK)
// if and only if they used the same password, channel identifier (CI) and
// session id (sid). Someone who sees or changes the messages learns nothing
// that lets them test passwords offline: every guess needs a run of the
// protocol with one of the parties.
//
// The package implements the initiator-responder setting of section 7
// (transcript_ir): A is the initiator, B the responder.
//
//	a, _ := cpace.Start(rand.Reader, cpace.Initiator, prs, ci, sid, adA)
//	b, _ := cpace.Start(rand.Reader, cpace.Responder, prs, ci, sid, adB)
//	iskB, _ := b.Finish(a.Share(), adA) // B received Ya and ADa
//	iskA, _ := a.Finish(b.Share(), adB) // A received Yb and ADb
//
// # The computation, as in the draft
//
//   - generator_string(DSI, PRS, CI, sid, 128) = lv_cat(DSI, PRS,
//     zero_bytes(len_zpad), CI, sid) with DSI = "CPaceRistretto255",
//     len_zpad = max(0, 128 - len(prepend_len(PRS)) -
//     len(prepend_len(DSI)) - 1) and lengths in LEB128 (sections 6.3, 8.1);
//   - g = element_derivation(SHA-512(generator_string)) (RFC 9496 section
//     4.3.4, "one-way map");
//   - y = 32 random bytes with the bits above bit 251 cleared, read little
//     endian (section 8.3, sample_scalar); Y = encode(y*g);
//   - K = encode(y*decode(Y_peer)); the run is aborted if Y_peer does not
//     decode or K is the identity (scalar_mult_vfy, section 8.3);
//   - ISK = SHA-512(lv_cat(DSI || "_ISK", sid, K) || lv_cat(Ya, ADa) ||
//     lv_cat(Yb, ADb)) (section 7.2, transcript_ir).
//
// The draft's test vectors of appendix B.3 (generator, shares, K, ISK,
// valid and invalid inputs of scalar_mult_vfy) are golden tests of this
// package. The ristretto255 arithmetic is github.com/gtank/ristretto255.
package cpace
