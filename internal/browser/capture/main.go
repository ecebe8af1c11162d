// Command capture regenerates the browser fixtures of the sdpcompact corpus:
// the session descriptions Chromium and Firefox ESR emit for a data-channel
// session, as offerer and as answerer, with mDNS host names and with raw
// addresses, with and without a server-reflexive candidate.
//
// Each pair of browsers runs in a lab (internal/netns) and connects for real
// before its descriptions are kept. For the srflx variants the two browsers
// sit behind different masquerading routers and use a STUN server in the
// lab's public namespace, so their srflx addresses differ from their host
// addresses. It needs root, iproute2, iptables, chromium and firefox-esr:
//
//	go run ./internal/browser/capture -dir sdpcompact/testdata/corpus
//
// With -dualstack it also captures the dualstack variants, in a dual-stack
// lab (IPv4 and IPv6 host addresses). -only regenerates the fixtures whose
// name contains a string.
//
// sdpcompact's golden tokens follow the corpus: after a capture, run
// go test ./sdpcompact -run TestGolden -update (the script does).
//
// Files are named <browser>-<offer|answer>-<mdns|raw>[-srflx|-dualstack].json and hold
// the browser's localDescription once gathering completed, exactly as
// JSON.stringify printed it: {"type":"...","sdp":"..."}.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
)

func main() {
	dir := flag.String("dir", "sdpcompact/testdata/corpus", "directory to write the fixtures to")
	only := flag.String("only", "", "capture only the fixtures whose file name contains this")
	dual := flag.Bool("dualstack", false, "also capture the dualstack variants")
	flag.Parse()
	if err := run(context.Background(), *dir, *only, *dual); err != nil {
		fmt.Fprintln(os.Stderr, "capture:", err)
		os.Exit(1)
	}
}

// variant is one lab set-up the fixtures are captured in.
type variant struct {
	mdns  bool // browsers hide host addresses behind mDNS names
	srflx bool // browsers behind two NATs, with a STUN server
	dual  bool // dual-stack lab
}

// suffix is the variant's part of the fixture names.
func (v variant) suffix() string {
	s := "-raw"
	if v.mdns {
		s = "-mdns"
	}
	if v.srflx {
		s += "-srflx"
	}
	if v.dual {
		s += "-dualstack"
	}
	return s
}

var variants = []variant{
	{mdns: true}, {mdns: false},
	{mdns: true, srflx: true}, {mdns: false, srflx: true},
	{mdns: true, dual: true}, {mdns: false, dual: true},
}

func run(ctx context.Context, dir, only string, dual bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := netns.RemoveStale(ctx); err != nil {
		return err
	}
	for _, v := range variants {
		if v.dual && !dual {
			continue
		}
		for _, pair := range [][2]browser.Kind{{browser.Chromium, browser.Firefox}, {browser.Firefox, browser.Chromium}} {
			offerName := pair[0].String() + "-offer" + v.suffix()
			answerName := pair[1].String() + "-answer" + v.suffix()
			if !strings.Contains(offerName, only) && !strings.Contains(answerName, only) {
				continue
			}
			var offer, answer string
			var err error
			for try := 1; try <= 3; try++ {
				offer, answer, err = capture(ctx, pair[0], pair[1], v)
				if err == nil {
					break
				}
				fmt.Fprintf(os.Stderr, "capture: %s and %s, try %d: %v\n", offerName, answerName, try, err)
			}
			if err != nil {
				return err
			}
			if err := write(dir, offerName, offer); err != nil {
				return err
			}
			if err := write(dir, answerName, answer); err != nil {
				return err
			}
		}
	}
	return nil
}

func write(dir, name, desc string) error {
	path := filepath.Join(dir, name+".json")
	if err := os.WriteFile(path, []byte(desc), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s\t%d bytes of SDP\n", path, sdpLen(desc))
	return nil
}

func sdpLen(desc string) int {
	var d struct{ SDP string }
	json.Unmarshal([]byte(desc), &d)
	return len(d.SDP)
}

// capture connects an offering and an answering browser and returns their
// descriptions.
func capture(ctx context.Context, offerer, answerer browser.Kind, v variant) (offer, answer string, err error) {
	mdns, srflx := v.mdns, v.srflx
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cfg := netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}, IPv6: v.dual}
	if srflx {
		cfg = netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade}, {NAT: netns.Masquerade}}}
	}
	top, err := netns.NewTopology(ctx, cfg)
	if err != nil {
		return "", "", err
	}
	defer top.Close()
	var ice []string
	var offNS, ansNS *netns.Namespace
	if !srflx {
		offNS, ansNS = top.Sides[0].Clients[0], top.Sides[0].Clients[1]
	} else {
		offNS, ansNS = top.Sides[0].Clients[0], top.Sides[1].Clients[0]
		stun, err := top.Public.StartSTUN(3478)
		if err != nil {
			return "", "", err
		}
		defer stun.Close()
		ice = []string{stun.URL()}
	}
	off, offB, err := browser.Open(ctx, offNS, offerer, browser.PageConfig{Role: browser.Offerer, ICEServers: ice}, browser.Options{MDNS: mdns})
	if err != nil {
		return "", "", err
	}
	defer off.Close()
	defer offB.Close()
	ans, ansB, err := browser.Open(ctx, ansNS, answerer, browser.PageConfig{Role: browser.Answerer, ICEServers: ice}, browser.Options{MDNS: mdns})
	if err != nil {
		return "", "", err
	}
	defer ans.Close()
	defer ansB.Close()

	if offer, err = off.LocalDescription(ctx); err != nil {
		return "", "", err
	}
	ans.SetRemoteDescription(offer)
	if answer, err = ans.LocalDescription(ctx); err != nil {
		return "", "", err
	}
	off.SetRemoteDescription(answer)
	for _, p := range []*browser.Page{off, ans} {
		if err := p.WaitOpen(ctx); err != nil {
			return "", "", err
		}
	}
	for _, d := range []string{offer, answer} {
		if err := check(d, v); err != nil {
			return "", "", err
		}
	}
	return offer, answer, nil
}

// check makes sure a description shows what its fixture name promises.
func check(desc string, v variant) error {
	mdns, srflx := v.mdns, v.srflx
	var d struct{ SDP string }
	if err := json.Unmarshal([]byte(desc), &d); err != nil {
		return err
	}
	hasLocal := strings.Contains(d.SDP, ".local ")
	hasSrflx := strings.Contains(d.SDP, " typ srflx")
	hosts := map[string]bool{}
	for _, line := range strings.Split(d.SDP, "\r\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "a=candidate:") && len(f) >= 8 && f[7] == "host" {
			hosts[f[4]] = true
		}
	}
	switch {
	case v.dual && !mdns && !strings.Contains(d.SDP, " fd00:10:"):
		return fmt.Errorf("dual-stack description has no IPv6 host candidate:\n%s", d.SDP)
	case v.dual && len(hosts) < 2:
		return fmt.Errorf("dual-stack description has %d host addresses, want 2:\n%s", len(hosts), d.SDP)
	case mdns != hasLocal:
		return fmt.Errorf("mdns=%v but .local candidates present=%v:\n%s", mdns, hasLocal, d.SDP)
	case srflx != hasSrflx:
		return fmt.Errorf("srflx=%v but srflx candidate present=%v:\n%s", srflx, hasSrflx, d.SDP)
	case !strings.Contains(d.SDP, "a=candidate:"):
		return errors.New("no candidates")
	}
	return nil
}
