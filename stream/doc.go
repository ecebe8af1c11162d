// Package stream is the protocol between two qrtc peers that carries a byte
// stream each way over one data channel, with an end mark and an
// acknowledgement, so that a sender knows what was written on the other
// side: nothing piped through qrtc is lost, cut or reported as delivered
// when it was not.
//
// It runs over any reliable, ordered channel of text and binary messages
// (Conn); package peer provides one, a browser page another. It knows
// nothing of SDP, tokens or terminals.
//
// # Learning whether the other side speaks it
//
// Browser pages and older qrtc versions send and expect plain text
// messages, one per line. The offerer that speaks this protocol creates its
// data channel with the subprotocol "qrtc-stream/1" (Protocol; RFC 8832
// section 5.1 carries it in DATA_CHANNEL_OPEN), which a plain peer ignores.
//
//   - The answerer reads the channel's subprotocol. "qrtc-stream/1": it
//     sends HELLO as its first message and speaks the protocol. Any other
//     "qrtc-stream/N": ErrVersion. Anything else: the offerer is a plain
//     peer; nothing of the protocol is sent.
//   - The offerer sends nothing until it knows. It waits for the first
//     message, up to HelloWait (5 s): a HELLO means the protocol; any other
//     message means a plain peer (that message is its first line); no
//     message at all means a plain peer that waits to be spoken to.
//
// A qrtc answerer sends its HELLO as soon as its channel is open, which is
// before the offerer's channel opens (the answerer opens on
// DATA_CHANNEL_OPEN, the offerer on the DATA_CHANNEL_ACK sent on the same
// ordered stream), so the offerer waits one message, not HelloWait.
//
// # Messages
//
// Every protocol message is one binary data channel message (SCTP payload
// protocol identifier 53, "WebRTC Binary", RFC 8831 section 8). Its first
// byte is the type; numbers are unsigned, big-endian.
//
//		HELLO  0x01 'q' 'r' 't' 'c' VERSION            6 bytes or more
//		DATA   0x02 DATA...                            2 bytes or more
//		END    0x03 BYTES(8) LINES(8)                  17 bytes
//		ACK    0x04 BYTES(8) LINES(8)                  17 bytes
//		DONE   0x05 BYTES(8) LINES(8)                  17 bytes
//
//	  - HELLO: the answerer's first message. VERSION is 1 (Version). Bytes
//	    after VERSION are reserved for later versions and ignored.
//	  - DATA: the next bytes of the sender's stream, at least one, at most
//	    the other side's a=max-message-size minus one, and at most 65,535
//	    (64 KiB messages in all). Any bytes: NUL, CR, invalid UTF-8, no
//	    final newline; a line longer than a message is simply cut across
//	    several DATA and joined again, since the stream is bytes, not lines.
//	  - END: the sender's stream has ended ("I have nothing more to send": a
//	    half-close, as TCP's FIN). BYTES is the number of stream bytes it
//	    sent, LINES the number of newline bytes (0x0a) among them. No DATA
//	    may follow. The receiver checks both counts against what arrived.
//	  - ACK: progress. The receiver has written BYTES stream bytes (LINES
//	    newlines) to its output and flushed it. It sends ACKs as it writes;
//	    they coalesce (the latest count wins), so they may skip counts.
//	  - DONE: the receiver has taken END and written and flushed everything
//	    before it; BYTES and LINES repeat END's. It is the last message the
//	    receiver sends about that direction. The sender's stream is
//	    delivered when DONE arrives, not before.
//
// Counts in ACK and DONE never decrease and never exceed what was sent; a
// DONE before END was sent, or with other counts than END's, is an error.
// In END, ACK and DONE, LINES may not exceed BYTES. A type from 0x80 to 0xff is an
// optional extension that a receiver ignores; any other unknown type, an
// empty or short message, a text message, a second HELLO or END, or DATA
// after END is a protocol error (ErrProtocol) that ends the stream.
//
// Example: "hi\n" and the end, from the offerer, after the answerer's HELLO:
//
//	answerer: 01 71 72 74 63 01                       HELLO version 1
//	offerer:  02 68 69 0a                             DATA "hi\n"
//	offerer:  03 00..00 03 00..00 01                  END 3 bytes, 1 line
//	answerer: 05 00..00 03 00..00 01                  DONE 3 bytes, 1 line
//	answerer: 03 00..00 00 00..00 00                  END of its own empty stream
//	offerer:  05 00..00 00 00..00 00                  DONE 0 bytes, 0 lines
//
// # Ending
//
// Each direction ends on its own. A side is finished when it has received
// DONE for its own stream and has sent DONE for the other side's; then it
// closes the channel gracefully (for package peer: Shutdown). A side never
// has to send anything after the other side is finished: the other side
// waited for this side's DONE, and sent its own DONE before it was
// finished, so the close never cuts a message either side still needs. When the channel closes or the connection fails
// before that, Run returns ErrLeft (the other side closed the channel:
// Ctrl-C, or a page that closed) or ErrGone (it vanished), and its Report
// says how much of this side's stream the other side had written (from
// which line on nothing is confirmed) and whether the other side's stream
// had ended.
//
// # Plain peers
//
// With a plain peer there is no end mark and no acknowledgement: each line
// of the input (without "\n" or "\r\n") is one text message, a line longer
// than the other side's limit is skipped and counted (Report.SkippedLines),
// and each message received is one line of output (PlainLine). The end of
// the input ends the session (closing the channel is the only end a plain
// peer understands), and a plain peer that closes its channel has ended its
// side.
package stream
