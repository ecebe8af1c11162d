package rendezvous_test

import (
	"fmt"

	"github.com/qrtc/qrtc/rendezvous"
)

func ExampleParseCode() {
	// As a person may type it: spaces, capitals, words cut short.
	c, err := rendezvous.ParseCode("4821 GUIT oran")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c, c.SecretBits())
	_, err = rendezvous.ParseCode("4821-ca-orange")
	fmt.Println(err)
	// Output:
	// 4821-guitar-orange 16
	// rendezvous: bad code: "ca" could be cabin, cactus, camel, camera, candle, canoe, ...: type more letters
}
