package sdpcompact_test

import (
	"fmt"
	"strings"

	"github.com/qrtc/qrtc/sdpcompact"
)

// An offer as pion prints it, with credentials from NewICECredentials and one
// host candidate.
const pionOffer = "v=0\r\no=- 2860660891476437236 1795565763 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n" +
	"a=msid-semantic:WMS *\r\n" +
	"a=fingerprint:sha-256 66:11:B3:4B:66:51:2C:82:77:E3:7C:B5:09:9E:78:75:CC:D9:D2:50:B8:36:FC:B9:9E:AE:E8:D2:09:09:57:C3\r\n" +
	"a=extmap-allow-mixed\r\na=group:BUNDLE 0\r\n" +
	"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n" +
	"a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=sctp-port:5000\r\na=max-message-size:1073741823\r\n" +
	"a=ice-ufrag:rFj5\r\na=ice-pwd:lwS8oz5tDDGDedYMUWAttA\r\n" +
	"a=candidate:2878742611 1 udp 2130706431 127.0.0.1 58299 typ host ufrag rFj5 generation 0\r\n" +
	"a=candidate:2878742611 2 udp 2130706431 127.0.0.1 58299 typ host ufrag rFj5 generation 0\r\n" +
	"a=end-of-candidates\r\n"

func Example() {
	token, err := sdpcompact.Encode(sdpcompact.Description{Type: sdpcompact.Offer, SDP: pionOffer})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(pionOffer), "bytes of SDP became a token of", len(token), "characters:")
	fmt.Println(token)

	// The other side pastes it, perhaps lower-cased and wrapped.
	d, err := sdpcompact.Decode(strings.ToLower(token[:50]) + "\n" + token[50:])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Type)
	for _, line := range strings.Split(d.SDP, "\r\n") {
		if strings.HasPrefix(line, "a=ice-") || strings.HasPrefix(line, "a=candidate") {
			fmt.Println(line)
		}
	}
	// Output:
	// 658 bytes of SDP became a token of 95 characters:
	// QRTC1ONS8ECKOSSV0QU6PWDI8RCBGQ5MN10B16BQIC90ONLA4P460CC86625WKK2AQNKZ5QZYJKU8UIQDIO5C000BXZC5Q0
	// offer
	// a=ice-ufrag:rFj5
	// a=ice-pwd:lwS8oz5tDDGDedYMUWAttA
	// a=candidate:1 1 udp 2130706431 127.0.0.1 58299 typ host
}

func ExampleDecode_errors() {
	_, err := sdpcompact.Decode("QRTC1ONS8ECKOSSV0QU6PWDI8RCBGQ5MN10B16BQIC90ONLA4P460CC8")
	fmt.Println(err)
	_, err = sdpcompact.Decode("QRTC1ONS8ECKOSSV0QU6PWDI8RCBGQ5MN10B16BQIC90ONLA4P460CC86625WKK2AQNKZ5QZYJKU8UIQDIO5C000BXZC5QO")
	fmt.Println(err)
	// Output:
	// sdpcompact: token is truncated: got 56 of at least 59 characters; copy the whole token
	// sdpcompact: token checksum mismatch: character 95 'O' is probably mistyped ('0' fits); compare the token character by character or scan its QR code
}

func ExampleParse() {
	s, err := sdpcompact.Parse(pionOffer)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Setup, s.MID, s.SCTPPort, s.MaxMessageSize, len(s.Candidates), s.Candidates[0].Address)
	// Output:
	// actpass 0 5000 1073741823 1 127.0.0.1
}
