// Package phrase derives qrtc's verification phrase: four words that both
// sides of a session show, computed from the two DTLS certificate
// fingerprints (RFC 8122 section 5) of the session's descriptions. People
// read them to each other to notice a swapped QR code or a man in the middle.
// The package peer (the command line) and the page in web (compiled to
// WebAssembly) both call Derive, so every qrtc peer shows the same words.
//
// # Derivation, byte by byte
//
// Each fingerprint is normalized to its text form "sha-256 AB:CD:...": the
// hash function's name in lower case, one space, the bytes in upper-case hex
// separated by colons, as the a=fingerprint attribute writes them (surrounding
// spaces dropped). The two normalized fingerprints a and b are sorted as
// strings (so the offerer and the answerer derive the same words) and joined
// as
//
//	min(a,b) LF max(a,b) LF
//
// which is argon2id's password (RFC 9106 section 3.1) with the salt
// "qrtc phrase v1" (14 bytes), 1 pass, 64 MiB of memory (65536 KiB), 1 lane,
// and a 4-byte tag. Byte i of the tag picks word i from a fixed list of 256
// words (words.go); the words are joined with single spaces. The list and every
// parameter are part of the format: changing any of them changes every
// phrase, so a new version needs a new salt.
//
// # Why argon2id
//
// Four words carry 32 bits. An attacker who swaps both tokens sees both
// fingerprints before he picks the certificate he shows one side, and can try
// certificates until one gives the same phrase: about 2^32 tries. With a plain
// hash that is minutes of work; with argon2id at 64 MiB each try takes about
// 40 ms on one core of a 2025 server CPU (BenchmarkDerive), so the search
// takes about five CPU-years, far more than the minutes a person waits between
// scanning a code and reading the phrase.
package phrase
