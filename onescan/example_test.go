package onescan_test

import (
	"fmt"

	"github.com/qrtc/qrtc/onescan"
)

func Example() {
	// The answerer: its certificate's SHA-256 fingerprint and its
	// a=max-message-size give its ufrag; the offer's credentials and that
	// ufrag give its password.
	ufrag, _ := onescan.Ufrag(fp, 262144)
	pwd := onescan.Password("rFj5", "lwS8oz5tDDGDedYMUWAttA", ufrag)
	fmt.Println(ufrag, pwd)

	// The offerer, when a check with USERNAME "rFj5:<ufrag>" arrives whose
	// MESSAGE-INTEGRITY fits its own password:
	_, a, err := onescan.ParseUsername("rFj5:"+ufrag, "rFj5")
	fmt.Println(a.MaxMessageSize, len(a.Fingerprint), err)
	// Output:
	// QS1BAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8 3kbF/cvKlRw3GCt42BoDsA
	// 262144 32 <nil>
}
