package stream_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/qrtc/qrtc/stream"
)

// Two sides each send a stream, over an in-memory channel standing in for
// a data channel (package peer's Peer, through a small adapter, in qrtc).
func Example() {
	ctx := context.Background()
	offererConn, answererConn := pipe()
	offerer, _ := stream.New(offererConn, stream.Config{})
	answerer, _ := stream.New(answererConn, stream.Config{Answerer: true, ChannelProtocol: stream.Protocol})

	var wg sync.WaitGroup
	var got strings.Builder
	wg.Add(1)
	go func() {
		defer wg.Done()
		r, err := answerer.Run(ctx, strings.NewReader("pong, no final newline"), &got)
		fmt.Printf("answerer: %v, received everything: %v\n", err, r.ReceivedAll)
		answererConn.close(io.EOF)
	}()
	var back strings.Builder
	r, err := offerer.Run(ctx, strings.NewReader("ping\x00\xff\n"), &back)
	wg.Wait()
	fmt.Printf("offerer: %v, delivered %d of %d bytes\n", err, r.DeliveredBytes, r.ReadBytes)
	fmt.Printf("%q\n%q\n", got.String(), back.String())
	// Output:
	// answerer: <nil>, received everything: true
	// offerer: <nil>, delivered 7 of 7 bytes
	// "ping\x00\xff\n"
	// "pong, no final newline"
}
