package browser_test

import (
	"context"
	"fmt"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
)

// A Firefox offer against a Chromium answer on one LAN, messages each way.
// (Needs root and the browsers; not run as a test.)
func ExampleLaunch() {
	ctx := context.Background()
	top, err := netns.NewTopology(ctx, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer top.Close()
	var pages [2]*browser.Page
	for i, kind := range []browser.Kind{browser.Firefox, browser.Chromium} {
		ns, role := top.Sides[0].Clients[i], []browser.Role{browser.Offerer, browser.Answerer}[i]
		page, err := browser.NewPage(ns, browser.PageConfig{Role: role})
		if err != nil {
			fmt.Println(err)
			return
		}
		defer page.Close()
		b, err := browser.Launch(ctx, ns, kind, browser.Options{URL: page.URL(), MDNS: true})
		if err != nil {
			fmt.Println(err)
			return
		}
		defer b.Close() // runs before top.Close
		pages[i] = page
	}
	offerer, answerer := pages[0], pages[1]

	offer, _ := offerer.LocalDescription(ctx) // {"type":"offer","sdp":"..."}
	answerer.SetRemoteDescription(offer)
	answer, _ := answerer.LocalDescription(ctx)
	offerer.SetRemoteDescription(answer)
	answerer.WaitOpen(ctx)
	offerer.Send(ctx, "hello")
	msg, _ := answerer.Receive(ctx)
	fmt.Println(msg)
}

func ExampleKind_String() {
	fmt.Println(browser.Chromium, browser.Firefox, browser.Offerer, browser.Answerer)
	// Output: chromium firefox offer answer
}
