package peer_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/qrtc/qrtc/peer"
)

// helperEnv makes the test binary act as an answering peer in a child
// process (see runAnswerHelper), so that a test can kill a real peer.
const helperEnv = "QRTC_PEER_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "answer" {
		if err := runAnswerHelper(); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runAnswerHelper reads a quoted offer line from stdin, writes a quoted
// answer line to stdout, writes "open" when the channel opens, echoes one
// message, and then waits to be killed.
func runAnswerHelper() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	in := bufio.NewReader(os.Stdin)
	line, err := in.ReadString('\n')
	if err != nil {
		return err
	}
	offer, err := strconv.Unquote(line[:len(line)-1])
	if err != nil {
		return err
	}
	p, err := peer.New(loopback())
	if err != nil {
		return err
	}
	answer, err := p.Answer(ctx, offer)
	if err != nil {
		return err
	}
	fmt.Println(strconv.Quote(answer))
	if err := p.WaitOpen(ctx); err != nil {
		return err
	}
	fmt.Println("open")
	m, err := p.Receive(ctx)
	if err != nil {
		return err
	}
	if err := p.Send(ctx, m); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}
