// Command capture writes the pion fixtures of sdpcompact's test corpus:
// offers and answers from pion/webrtc v4 as it prints them, host candidates
// on the loopback interface, server-reflexive and relay candidates from a
// pion/turn server it starts on 127.0.0.1, ICE-TCP candidates, qrtc's own
// credentials and pion's default ones. All traffic stays on loopback.
//
//	go run ./sdpcompact/internal/capture [-dir sdpcompact/testdata/corpus]
//
// The fixtures are committed; run this again only to refresh them after a
// pion upgrade.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/turn/v5"
	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/sdpcompact"
)

func main() {
	dir := flag.String("dir", filepath.Join("sdpcompact", "testdata", "corpus"), "directory to write the fixtures to")
	flag.Parse()
	if err := run(context.Background(), *dir); err != nil {
		fmt.Fprintln(os.Stderr, "capture:", err)
		os.Exit(1)
	}
}

// options describe one pion peer.
type options struct {
	qrtcCredentials bool
	networks        []webrtc.NetworkType
	iceServers      []webrtc.ICEServer
	tcp             bool
	lite            bool
}

// pair is one captured offer and the answer to it.
type pair struct {
	name          string
	offer, answer options
}

func run(ctx context.Context, dir string) error {
	turnAddr, stop, err := startTURN()
	if err != nil {
		return err
	}
	defer stop()
	udp4 := []webrtc.NetworkType{webrtc.NetworkTypeUDP4}
	servers := []webrtc.ICEServer{
		{URLs: []string{"stun:" + turnAddr}},
		{URLs: []string{"turn:" + turnAddr + "?transport=udp"}, Username: "qrtc", Credential: "capture"},
	}
	pairs := []pair{
		{name: "host", offer: options{qrtcCredentials: true, networks: udp4}, answer: options{qrtcCredentials: true, networks: udp4}},
		{name: "default-credentials", offer: options{networks: udp4}, answer: options{networks: udp4}},
		{name: "relay", offer: options{qrtcCredentials: true, networks: udp4, iceServers: servers}, answer: options{networks: udp4, iceServers: servers}},
		{name: "tcp", offer: options{qrtcCredentials: true, networks: []webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4}, tcp: true}, answer: options{networks: []webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4}, tcp: true}},
		{name: "lite", offer: options{networks: udp4}, answer: options{qrtcCredentials: true, networks: udp4, lite: true}},
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, p := range pairs {
		offer, answer, err := capturePair(ctx, p)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		for _, f := range []struct {
			kind string
			d    *webrtc.SessionDescription
		}{{"offer", offer}, {"answer", answer}} {
			b, err := json.Marshal(f.d)
			if err != nil {
				return err
			}
			name := filepath.Join(dir, "pion-"+p.name+"-"+f.kind+".json")
			if err := os.WriteFile(name, append(b, '\n'), 0o644); err != nil {
				return err
			}
			fmt.Fprintln(os.Stderr, "wrote", name)
		}
	}
	return nil
}

// startTURN starts a pion TURN (and STUN) server on 127.0.0.1.
func startTURN() (string, func(), error) {
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	server, err := turn.NewServer(turn.ServerConfig{
		Realm: "qrtc.test",
		AuthHandler: func(ra *turn.RequestAttributes) (string, []byte, bool) {
			return ra.Username, turn.GenerateAuthKey(ra.Username, ra.Realm, "capture"), ra.Username == "qrtc"
		},
		PacketConnConfigs: []turn.PacketConnConfig{{
			PacketConn:            conn,
			RelayAddressGenerator: &turn.RelayAddressGeneratorStatic{RelayAddress: net.ParseIP("127.0.0.1"), Address: "127.0.0.1"},
		}},
	})
	if err != nil {
		conn.Close()
		return "", nil, err
	}
	return conn.LocalAddr().String(), func() { server.Close() }, nil
}

// newPeer makes a pion peer with a data channel setup as o says; close
// releases it.
func newPeer(o options) (*webrtc.PeerConnection, func(), error) {
	var s webrtc.SettingEngine
	s.SetIncludeLoopbackCandidate(true)
	s.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	s.SetNetworkTypes(o.networks)
	// No multicast on the real network: no mDNS queries or names, and no
	// connectivity checks to the made-up addresses of remote candidates.
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetRemoteIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	s.SetLite(o.lite)
	s.SetSTUNGatherTimeout(2 * time.Second)
	closers := []func(){}
	if o.qrtcCredentials {
		ufrag, pwd, err := sdpcompact.NewICECredentials()
		if err != nil {
			return nil, nil, err
		}
		s.SetICECredentials(ufrag, pwd)
	}
	if o.tcp {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		mux := ice.NewTCPMuxDefault(ice.TCPMuxParams{Listener: l, ReadBufferSize: 8})
		s.SetICETCPMux(mux)
		closers = append(closers, func() { mux.Close(); l.Close() })
	}
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(s)).NewPeerConnection(webrtc.Configuration{ICEServers: o.iceServers})
	if err != nil {
		return nil, nil, err
	}
	closeAll := func() {
		pc.Close()
		for _, c := range closers {
			c()
		}
	}
	return pc, closeAll, nil
}

// capturePair makes an offer, answers it and returns both descriptions
// with all candidates gathered.
func capturePair(ctx context.Context, p pair) (*webrtc.SessionDescription, *webrtc.SessionDescription, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	offerer, closeOfferer, err := newPeer(p.offer)
	if err != nil {
		return nil, nil, err
	}
	defer closeOfferer()
	answerer, closeAnswerer, err := newPeer(p.answer)
	if err != nil {
		return nil, nil, err
	}
	defer closeAnswerer()
	if _, err := offerer.CreateDataChannel("qrtc", nil); err != nil {
		return nil, nil, err
	}
	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		return nil, nil, err
	}
	if err := setLocal(ctx, offerer, offer); err != nil {
		return nil, nil, err
	}
	full := offerer.LocalDescription()
	if err := answerer.SetRemoteDescription(*full); err != nil {
		return nil, nil, err
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		return nil, nil, err
	}
	if err := setLocal(ctx, answerer, answer); err != nil {
		return nil, nil, err
	}
	return full, answerer.LocalDescription(), nil
}

// setLocal applies a local description and waits until gathering is done.
func setLocal(ctx context.Context, pc *webrtc.PeerConnection, d webrtc.SessionDescription) error {
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(d); err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.New("ICE gathering did not complete")
	}
}
