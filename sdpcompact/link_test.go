package sdpcompact

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLink(t *testing.T) {
	raw, err := os.ReadFile("../cmd/qrtc/testdata/offer.token")
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(raw))
	want, err := Decode(tok)
	if err != nil {
		t.Fatalf("Decode(testdata offer) = %v", err)
	}
	tests := []struct{ base, want string }{
		{"https://qrtc.github.io/qrtc/", "https://qrtc.github.io/qrtc/#" + tok},
		{"HTTPS://QRTC.Example/Page", "https://qrtc.example/Page#" + tok},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/#" + tok},
		{"https://example.org/?x=1#old", "https://example.org/?x=1#" + tok},
	}
	for _, tc := range tests {
		t.Run(tc.base, func(t *testing.T) {
			got, err := Link(tc.base, strings.ToLower(tok))
			if err != nil || got != tc.want {
				t.Fatalf("Link(%q, token) = %q, %v; want %q", tc.base, got, err, tc.want)
			}
			for _, in := range []string{got, "<" + got + ">", strings.ToUpper(got), " " + got[:20] + "\n" + got[20:]} {
				if !LooksLikeToken(in) {
					t.Errorf("LooksLikeToken(%q) = false, want true", in)
				}
				d, err := Decode(in)
				if err != nil || d != want {
					t.Errorf("Decode(%q) = %v, %v; want the token's description", in, d.Type, err)
				}
			}
		})
	}
	for _, bad := range []string{"", "qrtc.github.io/qrtc/", "ftp://example.org/", "https:///path", "mailto:x@example.org"} {
		if _, err := Link(bad, tok); !errors.Is(err, ErrInvalidLink) {
			t.Errorf("Link(%q, token) = %v, want ErrInvalidLink", bad, err)
		}
	}
	if _, err := Link("https://example.org/", "hello"); !errors.Is(err, ErrNotToken) {
		t.Errorf("Link(base, \"hello\") = %v, want ErrNotToken", err)
	}
	// A file name with a '#' is not a link.
	if LooksLikeToken("photo#" + tok) {
		t.Errorf("LooksLikeToken(\"photo#TOKEN\") = true, want false")
	}
}
