package onescan_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/onescan"
)

// A qrtc offer (one-scan flag) and a Chromium answer to it, as the page
// gets them; fp's hex form is the answer's fingerprint.
const (
	testOffer = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
		"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n" +
		"a=ice-ufrag:rFj5\r\na=ice-pwd:lwS8oz5tDDGDedYMUWAttA\r\n" +
		"a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n" +
		"a=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\na=qrtc-one-scan\r\n"
	testAnswer = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
		"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n" +
		"a=ice-ufrag:Xy7q\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=ice-options:trickle\r\n" +
		"a=fingerprint:sha-256 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\r\n" +
		"a=setup:active\r\na=mid:0\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n"
)

func TestAnswerSDP(t *testing.T) {
	for _, tc := range []struct {
		name, answer string
		size         uint64
	}{
		{"chromium", testAnswer, 262144},
		{"firefox", strings.Replace(testAnswer, "262144", "1073741823", 1), 1073741823},
		{"no max-message-size", strings.Replace(testAnswer, "a=max-message-size:262144\r\n", "", 1), 65536},
		{"lf endings", strings.ReplaceAll(testAnswer, "\r\n", "\n"), 262144},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := onescan.AnswerSDP(testOffer, tc.answer)
			if err != nil {
				t.Fatal(err)
			}
			ufrag, _ := onescan.Ufrag(fp, tc.size)
			pwd := onescan.Password("rFj5", "lwS8oz5tDDGDedYMUWAttA", ufrag)
			want := strings.Replace(strings.Replace(tc.answer, "a=ice-ufrag:Xy7q", "a=ice-ufrag:"+ufrag, 1),
				"a=ice-pwd:abcdefghijklmnopqrstuvwx", "a=ice-pwd:"+pwd, 1)
			if got != want {
				t.Fatalf("AnswerSDP gave\n%q\nwant\n%q", got, want)
			}
			// What the offerer reads from the answerer's check.
			_, a, err := onescan.ParseUsername("rFj5:"+ufrag, "rFj5")
			if err != nil || a.MaxMessageSize != tc.size || string(a.Fingerprint) != string(fp) {
				t.Errorf("ParseUsername of the answer's ufrag: %+v, %v", a, err)
			}
		})
	}
}

func TestAnswerSDPRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, offer, answer string
		want                error
	}{
		{"no flag", strings.Replace(testOffer, "a=qrtc-one-scan\r\n", "", 1), testAnswer, onescan.ErrNotOneScan},
		{"longer attribute", strings.Replace(testOffer, "a=qrtc-one-scan", "a=qrtc-one-scan-v9", 1), testAnswer, onescan.ErrNotOneScan},
		{"no offer pwd", strings.Replace(testOffer, "a=ice-pwd:lwS8oz5tDDGDedYMUWAttA\r\n", "", 1), testAnswer, onescan.ErrNotOneScan},
		{"sha-1 only", testOffer, strings.Replace(testAnswer, "sha-256 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F", "sha-1 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13", 1), onescan.ErrNotDescribable},
		{"small messages", testOffer, strings.Replace(testAnswer, "262144", "16384", 1), onescan.ErrNotDescribable},
		{"bad size", testOffer, strings.Replace(testAnswer, "262144", "lots", 1), onescan.ErrNotDescribable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := onescan.AnswerSDP(tc.offer, tc.answer)
			if !errors.Is(err, tc.want) || got != "" {
				t.Errorf("AnswerSDP = %q, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func FuzzAnswerSDP(f *testing.F) {
	f.Add(testOffer, testAnswer)
	f.Add("a=qrtc-one-scan\na=ice-ufrag:x\na=ice-pwd:y", "a=fingerprint:sha-256 00\na=ice-ufrag:z")
	f.Fuzz(func(t *testing.T, offer, answer string) {
		got, err := onescan.AnswerSDP(offer, answer)
		if err != nil {
			if !errors.Is(err, onescan.ErrNotOneScan) && !errors.Is(err, onescan.ErrNotDescribable) {
				t.Fatalf("AnswerSDP: %v, not a sentinel", err)
			}
			return
		}
		if strings.Count(got, "\n") != strings.Count(answer, "\n") {
			t.Fatalf("AnswerSDP changed the number of lines: %q -> %q", answer, got)
		}
	})
}
