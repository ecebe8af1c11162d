package transfer_test

import (
	"fmt"

	"github.com/qrtc/qrtc/transfer"
)

// The receiver checks every name a sender announces before it writes.
func ExampleCheckName() {
	for _, name := range []string{"photos/2026/beach.jpg", "../x", "/etc/x", "a/../../x", "CON.txt"} {
		if err := transfer.CheckName(name); err != nil {
			fmt.Printf("%s: refused: %v\n", name, err)
			continue
		}
		fmt.Printf("%s: fine\n", name)
	}
	// Output:
	// photos/2026/beach.jpg: fine
	// ../x: refused: ".." component leads out of place
	// /etc/x: refused: absolute path
	// a/../../x: refused: ".." component leads out of place
	// CON.txt: refused: component "CON.txt" is a device name on Windows
}
