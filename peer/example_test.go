package peer_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qrtc/qrtc/peer"
)

// Two peers in one process: the offer and the answer travel as plain
// strings (qrtc carries them as tokens and QR codes), then a message flows.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Loopback candidates keep the example's traffic on this machine.
	cfg := peer.Config{IncludeLoopback: true, InterfaceFilter: func(name string) bool { return name == "lo" }}
	alice, err := peer.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer alice.Close()
	bob, err := peer.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer bob.Close()

	offer, err := alice.Offer(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	answer, err := bob.Answer(ctx, offer)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := alice.Accept(ctx, answer); err != nil {
		fmt.Println(err)
		return
	}
	if err := alice.WaitOpen(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("same phrase:", alice.Phrase() == bob.Phrase())

	if err := alice.Send(ctx, "hello"); err != nil {
		fmt.Println(err)
		return
	}
	msg, err := bob.Receive(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(msg)
	// Output:
	// same phrase: true
	// hello
}
