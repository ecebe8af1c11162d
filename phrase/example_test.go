package phrase_test

import (
	"fmt"

	"github.com/qrtc/qrtc/phrase"
)

func Example() {
	offer := "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" +
		"a=fingerprint:sha-256 D9:7F:E5:99:31:64:63:D0:75:98:7B:6F:12:11:86:D3:BB:89:16:21:46:4F:9F:EF:B9:7F:51:79:31:04:5F:AE\r\n"
	answer := "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" +
		"a=fingerprint:sha-256 A4:56:FC:1F:35:AF:69:80:02:F3:94:F3:18:FD:A0:E5:76:4F:3F:42:F2:DE:33:2C:47:37:50:38:94:9E:C0:48\r\n"
	fmt.Println(phrase.Derive(phrase.Fingerprint(offer), phrase.Fingerprint(answer)))
	// Output: pencil blossom engine panda
}
