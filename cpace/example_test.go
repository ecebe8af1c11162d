package cpace_test

import (
	"bytes"
	"crypto/rand"
	"fmt"

	"github.com/qrtc/qrtc/cpace"
)

func Example() {
	password := []byte("4821-guitar-orange")
	sid := []byte("a fresh session!")
	a, _ := cpace.Start(rand.Reader, cpace.Initiator, password, nil, sid, nil)
	b, _ := cpace.Start(rand.Reader, cpace.Responder, password, nil, sid, nil)
	// A sends a.Share() to B, and B sends b.Share() to A.
	keyB, _ := b.Finish(a.Share(), nil)
	keyA, _ := a.Finish(b.Share(), nil)
	fmt.Println(len(keyA), bytes.Equal(keyA, keyB))
	// Output: 64 true
}
