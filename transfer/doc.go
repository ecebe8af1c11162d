// Package transfer moves files and folders between two qrtc peers over one
// reliable, ordered channel of binary messages (a WebRTC data channel,
// RFC 8831), with the receiver in control of what is written where.
//
// The sender describes everything first (names, kinds, sizes, the
// executable bit); the receiver checks every name, decides (a person
// answers [Y/n]), says what it already has, and then the data flows without
// a round trip per file: chunks, then each file's SHA-256, answered by an
// acknowledgement that the file was verified and renamed into place.
// Package transfer knows nothing of WebRTC, tokens or QR codes: it needs
// only a Conn. A browser page can speak the protocol below.
//
// # Safety on the receiving side
//
// Receive writes only beneath its folder, through an os.Root, so that no
// name and no symbolic link (old or new) can lead outside it, and it checks
// every name of the manifest before a byte is written:
//
//   - a name is relative, uses "/" between non-empty components, and has no
//     "." or ".." component, no backslash, no control character, no invalid
//     UTF-8, no component longer than 200 bytes, at most 4096 bytes in all;
//   - no component is a Windows device name (CON, PRN, AUX, NUL, COM0-9,
//     LPT0-9, also with an extension), nor ends with a dot or a space; on
//     a Windows receiver, no component holds one of < > : " | ? *, which
//     Windows forbids (other systems write such names as they are);
//   - no two names are equal once case-folded and NFC-normalised (they
//     would be the same file on macOS and Windows file systems); the later
//     one is refused;
//   - a symbolic link's target is relative, stays inside the folder and
//     passes through no other link, of the same transfer or already in the
//     folder (which the system would follow before a later ".."); a link
//     does not lie beneath a link already in the folder, and no entry lies
//     beneath a symbolic link of the same transfer;
//   - no name ends in ".qrtc-part", the suffix of the temporary files.
//
// A refused name is skipped and reported; the rest of the transfer goes on.
// An existing file is never replaced unless ReceiveOptions.Overwrite is
// set. The free space of the folder's file system is checked against the
// bytes still to come before the transfer is accepted. Each file is written
// to a temporary name beside its final one (".NAME.qrtc-part") and renamed
// into place only after its size and SHA-256 match what the sender
// announced; its permissions are 0644, or 0755 when the sender marked it
// executable, whatever the umask. A file whose size or hash is wrong is
// removed. An interrupted transfer keeps its temporary files, so that
// ReceiveOptions.Resume can continue them; nothing else is left behind.
//
// # Wire format, version 1
//
// An offering qrtc creates its data channel with the subprotocol
// "qrtc-files/1" (Protocol; RFC 8832 section 5.1), so that a qrtc chat
// answering it can say that the other side moves files. An answerer that
// speaks this protocol may ignore the subprotocol, as browser pages do.
//
// Every message is one binary data-channel message. Its first byte is its
// type. Integers are unsigned LEB128 varints (1 to 10 bytes, 7 bits per
// byte, least significant group first, high bit set on every byte but the
// last, as Go's encoding/binary.AppendUvarint writes them); a varint whose
// value does not fit in 63 bits, or that is not in its shortest form, is
// an error. A string is a varint byte length followed by that many bytes
// of UTF-8. A hash is 32 bytes of SHA-256 (FIPS 180-4). No message is
// longer than 65536 bytes except DATA, which is at most the channel's
// max-message-size. A message with bytes left over after its last field,
// or of an unknown type, is a protocol error.
//
// The sender S opens with HELLO and the manifest; the receiver R answers
// with its plan and decision; S then sends every file's data; both end with
// END:
//
//	S -> R  HELLO     0x01 | version (1 byte, 1) | entries (varint) | total file bytes (varint)
//	S -> R  MANIFEST  0x02 | first index (varint) | n (varint) | n x entry
//	R -> S  PLAN      0x03 | n (varint) | n x plan item
//	R -> S  DECISION  0x04 | verdict (1 byte: 0 declined, 1 accepted) | reason (string)
//	S -> R  DATA      0x05 | index (varint) | offset (varint) | bytes (the rest of the message)
//	S -> R  FILEEND   0x06 | index (varint) | hash of the whole file
//	S -> R  FILESKIP  0x07 | index (varint) | reason (string)
//	R -> S  ACK       0x08 | index (varint) | status (1 byte: 0 done, 1 failed) | reason (string)
//	S <-> R END       0x09
//	S <-> R ERROR     0x0a | reason (string)
//
// HELLO carries the protocol version; a receiver that does not speak it
// answers ERROR. The entries are numbered from 0 in manifest order; the
// MANIFEST messages carry them in order (first index = the number of
// entries sent before), until all "entries" have come. An entry is
//
//	kind (1 byte: 0 file, 1 folder, 2 symbolic link) | flags (1 byte: bit 0 executable,
//	other bits 0) | size (varint; files only) | name (string) | target (string; links only)
//
// with names relative to the receiving folder, components separated by
// "/", in UTF-8 as the sender's file system has them. "total file bytes" is
// the sum of the file sizes. A folder comes before the entries beneath it.
// A receiver answers ERROR to a manifest of more than 10,000,000 entries,
// or whose names and link targets take more than 256 MiB together.
//
// R then sends zero or more PLAN messages and one DECISION. A plan item
// says what R wants of one file or entry; entries without an item are
// wanted whole:
//
//	index (varint) | what (1 byte) | ...
//	  0 SKIP    | reason (string)   R will not take it (bad name, exists, ...); S sends nothing for it
//	  1 RESUME  | offset (varint) | hash of the first offset bytes
//	            R holds that prefix in its temporary file: S sends from offset if
//	            its own prefix has this hash, otherwise from 0
//	  2 HAVE    | replace (1 byte, 0 or 1) | hash of the whole file
//	            a file of the announced size exists at the name: if it has this hash,
//	            S sends only FILEEND; otherwise S sends FILESKIP unless replace is 1,
//	            in which case it sends the whole file
//
// A declined DECISION ends the transfer: both sides close, nothing was
// written. After an accepted DECISION, R creates the folders at once and
// ACKs each; it creates the links after END, once no file can be written
// through them. S sends the wanted files in index order: for each,
// DATA messages with consecutive offsets (none for an empty file, or for a
// file R already has), then FILEEND with the hash of the whole file, or
// FILESKIP when S cannot send it (unreadable, changed while being sent).
// DATA for a file starts at 0 or at the offset of its RESUME item; R
// refuses (ACK failed) a file whose data goes past its announced size,
// falls short of it, or whose hash differs, and removes its temporary
// file. Every file, folder and link that R did not SKIP in its plan gets
// exactly one ACK, also a file S skipped: "done" means verified and in
// place. ACKs flow while data flows; folders are ACKed right after the
// DECISION, links after END.
//
// After the last file S sends END; R answers END once it has sent every
// ACK. Either side may send ERROR instead of any message and stop: R when
// the disk is full, S when it is interrupted. A side that sees the channel
// end without END knows the transfer was cut; R then keeps its temporary
// files for a later resume.
//
// # Resume
//
// With ReceiveOptions.Resume, R looks for the temporary file of each
// wanted file and sends RESUME with its length and hash, and for each
// existing file of the announced size sends HAVE with its hash. S checks
// both against its own files, so a resumed transfer moves only the bytes
// still missing and still ends with each whole file's SHA-256 checked.
// No state is kept apart from the temporary files.
package transfer
