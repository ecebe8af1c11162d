package peer_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/peer"
)

// The test binary doubles as a peer in a child process (see runHelper), so
// that tests can kill a real peer or run one inside a network namespace.
const (
	helperEnv         = "QRTC_PEER_TEST_HELPER"          // "offer" or "answer"
	helperLoopbackEnv = "QRTC_PEER_TEST_LOOPBACK"        // "1": loopback candidates only
	helperSTUNEnv     = "QRTC_PEER_TEST_STUN"            // a STUN URL
	helperTimeoutEnv  = "QRTC_PEER_TEST_CONNECT_TIMEOUT" // ConnectTimeout, e.g. "5s"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		if err := runHelper(mode); err != nil {
			fmt.Printf("fail %q\n", err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runHelper is a peer driven over stdin and stdout, one line each:
//
//	out: desc "SDP"       its offer or answer
//	in:  desc "SDP"       the other side's answer or offer
//	out: open "PHRASE"    the channel is open
//	out: error "TEXT"     WaitOpen failed
//	in:  send "MESSAGE"   send a message
//	in:  shutdown         Shutdown, then out: closed
//	out: recv "MESSAGE"   a message arrived
//	out: end "ERROR"      Receive returned an error
//
// Quoting is strconv.Quote's.
func runHelper(mode string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	var cfg peer.Config
	if os.Getenv(helperLoopbackEnv) == "1" {
		cfg = loopback()
	}
	if u := os.Getenv(helperSTUNEnv); u != "" {
		cfg.ICEServers = []webrtc.ICEServer{{URLs: []string{u}}}
	}
	if s := os.Getenv(helperTimeoutEnv); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		cfg.ConnectTimeout = d
	}
	p, err := peer.New(cfg)
	if err != nil {
		return err
	}
	defer p.Close()
	var mu sync.Mutex
	say := func(verb, arg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Printf("%s %s\n", verb, strconv.Quote(arg))
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(nil, 1<<20)
	readDesc := func() (string, error) {
		if !in.Scan() {
			return "", fmt.Errorf("stdin ended before a description: %v", in.Err())
		}
		arg, ok := strings.CutPrefix(in.Text(), "desc ")
		if !ok {
			return "", fmt.Errorf("want a desc line, got %q", in.Text())
		}
		return strconv.Unquote(arg)
	}
	switch mode {
	case "offer":
		offer, err := p.Offer(ctx)
		if err != nil {
			return err
		}
		say("desc", offer)
		answer, err := readDesc()
		if err != nil {
			return err
		}
		if err := p.Accept(ctx, answer); err != nil {
			return err
		}
	case "answer":
		offer, err := readDesc()
		if err != nil {
			return err
		}
		answer, err := p.Answer(ctx, offer)
		if err != nil {
			return err
		}
		say("desc", answer)
	default:
		return fmt.Errorf("unknown helper mode %q", mode)
	}
	if err := p.WaitOpen(ctx); err != nil {
		say("error", err.Error())
		return nil
	}
	say("open", p.Phrase())
	go func() {
		for in.Scan() {
			line := in.Text()
			if line == "shutdown" {
				err := p.Shutdown(ctx)
				say("closed", fmt.Sprint(err))
				continue
			}
			arg, ok := strings.CutPrefix(line, "send ")
			if !ok {
				continue
			}
			if m, err := strconv.Unquote(arg); err == nil {
				if err := p.Send(ctx, m); err != nil {
					say("end", err.Error())
				}
			}
		}
	}()
	for {
		m, err := p.Receive(ctx)
		if err != nil {
			say("end", err.Error())
			<-ctx.Done()
			return nil
		}
		say("recv", m)
	}
}
