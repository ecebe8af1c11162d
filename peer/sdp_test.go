package peer

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/pion-*.sdp from live pion peers")

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return string(b)
}

func TestParseDescription(t *testing.T) {
	for _, tc := range []struct {
		file       string
		setup      string
		maxMessage int
		candidates int
	}{
		{"chromium-offer-raw.sdp", "actpass", 262144, 1},
		{"chromium-offer-mdns.sdp", "actpass", 262144, 1},
		{"chromium-answer-raw.sdp", "active", 262144, 1},
		{"chromium-answer-mdns.sdp", "active", 262144, 1},
		{"firefox-offer-raw.sdp", "actpass", 1073741823, 2},
		{"firefox-offer-mdns.sdp", "actpass", 1073741823, 2},
		{"firefox-answer-raw.sdp", "active", 1073741823, 2},
		{"firefox-answer-mdns.sdp", "active", 1073741823, 2},
		{"pion-offer.sdp", "actpass", 262144, 2},
		{"pion-answer.sdp", "active", 262144, 2},
	} {
		t.Run(tc.file, func(t *testing.T) {
			text := readFixture(t, tc.file)
			d, err := parseDescription(text)
			if err != nil {
				t.Fatalf("parseDescription() = %v, want nil", err)
			}
			if d.setup != tc.setup || !d.hasDataChannel || d.maxMessageSize != tc.maxMessage || len(d.candidates) != tc.candidates {
				t.Errorf("parseDescription() = setup %q, data channel %v, max-message-size %d, %d candidates; want %q, true, %d, %d",
					d.setup, d.hasDataChannel, d.maxMessageSize, len(d.candidates), tc.setup, tc.maxMessage, tc.candidates)
			}
			if !strings.HasPrefix(d.fingerprint, "sha-256 ") || len(d.fingerprint) != len("sha-256 ")+32*3-1 {
				t.Errorf("fingerprint = %q, want \"sha-256 \" and 32 hex bytes", d.fingerprint)
			}
			check, wrong := checkOffer, checkAnswer
			if tc.setup != "actpass" {
				check, wrong = checkAnswer, checkOffer
			}
			if _, err := check(text); err != nil {
				t.Errorf("check = %v, want nil", err)
			}
			if _, err := wrong(text); err == nil {
				t.Errorf("the check for the other type = nil, want an error")
			}
		})
	}
}

func TestMaxMessageSizeAttribute(t *testing.T) {
	base := readFixture(t, "chromium-offer-raw.sdp")
	for _, tc := range []struct {
		name, attr string
		want       int
	}{
		{"absent", "", defaultRemoteMaxMessageSize},
		{"zero means no limit", "a=max-message-size:0\r\n", unlimitedMessageSize},
		{"huge", "a=max-message-size:99999999999\r\n", unlimitedMessageSize},
		{"small", "a=max-message-size:1200\r\n", 1200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.Replace(base, "a=max-message-size:262144\r\n", tc.attr, 1)
			d, err := parseDescription(s)
			if err != nil || d.maxMessageSize != tc.want {
				t.Errorf("parseDescription() = max %d, %v; want %d, nil", d.maxMessageSize, err, tc.want)
			}
		})
	}
	s := strings.Replace(base, "a=max-message-size:262144", "a=max-message-size:lots", 1)
	if _, err := parseDescription(s); err == nil {
		t.Errorf("parseDescription(max-message-size:lots) = nil error, want ErrBadDescription")
	}
}

func TestCandidateTypes(t *testing.T) {
	got := candidateTypes([]string{
		"candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host",
		"candidate:2 1 udp 1694498815 203.0.113.5 6000 typ srflx raddr 0.0.0.0 rport 5000",
		"candidate:3 1 udp 2130706431 ::1 5001 typ host",
		"candidate:4 1 udp 16777215 198.51.100.1 7000 typ relay raddr 203.0.113.5 rport 6000",
	})
	if strings.Join(got, ",") != "host,relay,srflx" {
		t.Errorf("candidateTypes() = %q, want host, relay, srflx", got)
	}
}

// FuzzParseDescription feeds SDP text from the other side (pasted, decoded
// from a token) to the parser that runs before pion sees it.
func FuzzParseDescription(f *testing.F) {
	files, err := filepath.Glob("testdata/*.sdp")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed fixtures: %v", err)
	}
	for _, file := range files {
		f.Add(readFixture(f, filepath.Base(file)))
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDescription(s)
		if err != nil {
			if d.hasDataChannel || d.fingerprint != "" {
				t.Fatalf("parseDescription() failed with %v but returned facts %+v", err, d)
			}
			return
		}
		if d.maxMessageSize < 1 || d.maxMessageSize > unlimitedMessageSize {
			t.Errorf("maxMessageSize = %d, want 1 to %d", d.maxMessageSize, unlimitedMessageSize)
		}
		if normalizeFingerprint(d.fingerprint) != d.fingerprint {
			t.Errorf("fingerprint %q is not normalized", d.fingerprint)
		}
		for _, c := range d.candidates {
			if !strings.HasPrefix(c, "candidate:") {
				t.Errorf("candidate %q lacks its prefix", c)
			}
		}
		_, errOffer := checkOffer(s)
		_, errAnswer := checkAnswer(s)
		if errOffer == nil && errAnswer == nil && d.setup != "" {
			t.Errorf("a description with a=setup:%s passes as offer and answer", d.setup)
		}
	})
}
