package rendezvous

import (
	"context"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/dhtswarm"
)

// wideArea imitates the internet on every socket of the benchmark: 40 to
// 100 ms one way, 2 % of the datagrams lost.
var wideArea = dhtswarm.Impair{MinDelay: 40 * time.Millisecond, MaxDelay: 100 * time.Millisecond, Loss: 0.02}

// BenchmarkExchange measures the exchange as a person sees it: from the
// moment the joiner presses Enter (its qrtc starts cold, without a cached
// routing table) until both sides have each other's token, on a private
// swarm of 50 nodes with wide-area delay and loss, a quarter of the nodes
// dead. It reports the median, the 90th percentile and the worst run. The
// offering side has waited 3 s ("soon") or 40 s ("later": it polls once a
// second by then) when the joiner comes.
func BenchmarkExchange(b *testing.B) {
	b.Run("soon", func(b *testing.B) { benchmarkExchange(b, 3*time.Second) })
	b.Run("later", func(b *testing.B) { benchmarkExchange(b, fastFor+10*time.Second) })
}

func benchmarkExchange(b *testing.B, wait time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	t0 := time.Now()
	sw, err := dhtswarm.Start(ctx, dhtswarm.Options{Nodes: 50, Dead: 0.25, Net: wideArea})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("swarm up in %v", time.Since(t0))
	defer sw.Close()
	client := func() *Rendezvous {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		r, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true, DHTConn: dhtswarm.Wrap(c, wideArea)})
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		off := client()
		code, err := NewCode(nil, 0)
		if err != nil {
			b.Fatal(err)
		}
		code.Number = 1000 + i
		got := make(chan error, 1)
		go func() {
			answer, err := off.Offer(ctx, code, "OFFER")
			if err == nil && answer != "ANSWER" {
				err = fmt.Errorf("answer %q", answer)
			}
			got <- err
		}()
		time.Sleep(wait) // the offering side has published, and waits
		b.StartTimer()
		start := time.Now()
		join := client()
		s, err := join.Join(ctx, code)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Answer("ANSWER"); err != nil {
			b.Fatal(err)
		}
		if err := <-got; err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		b.StopTimer()
		join.Close()
		off.Close()
	}
	slices.Sort(times)
	b.ReportMetric(times[len(times)/2].Seconds(), "s-median")
	b.ReportMetric(times[len(times)*9/10].Seconds(), "s-p90")
	b.ReportMetric(times[len(times)-1].Seconds(), "s-max")
	b.ReportMetric(0, "ns/op")
}
