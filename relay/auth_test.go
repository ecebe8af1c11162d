package relay

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTURNRESTCredentials checks our credentials against ones OpenSSL
// computed (testdata/rest_credentials.txt).
func TestTURNRESTCredentials(t *testing.T) {
	f, err := os.Open("testdata/rest_credentials.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := 0
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "|")
		if len(fields) != 6 {
			t.Fatalf("testdata line %q: want 6 fields", line)
		}
		secret, user, nowText, ttlText, wantUser, wantPass := fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]
		rows++
		t.Run(wantUser, func(t *testing.T) {
			secs, err := strconv.ParseInt(nowText, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			ttl, err := time.ParseDuration(ttlText)
			if err != nil {
				t.Fatal(err)
			}
			gotUser, gotPass := TURNRESTCredentials(secret, user, ttl, time.Unix(secs, 0))
			if gotUser != wantUser || gotPass != wantPass {
				t.Errorf("TURNRESTCredentials(%q, %q, %v, %d) = %q, %q; want %q, %q",
					secret, user, ttl, secs, gotUser, gotPass, wantUser, wantPass)
			}
		})
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	if rows == 0 {
		t.Fatal("no rows in testdata/rest_credentials.txt")
	}
}

func TestParseRESTUsername(t *testing.T) {
	tests := []struct {
		name     string
		username string
		ok       bool
		expiry   int64
		user     string
	}{
		{"with user", "1700000000:alice", true, 1700000000, "alice"},
		{"expiry only", "1700000000", true, 1700000000, "1700000000"},
		{"colons in user", "5:a:b", true, 5, "a:b"},
		{"empty user", "5:", true, 5, ""},
		{"static name", "alice", false, 0, ""},
		{"signed", "+1700000000:alice", false, 0, ""},
		{"negative", "-1:alice", false, 0, ""},
		{"empty", "", false, 0, ""},
		{"colon first", ":alice", false, 0, ""},
		{"too long", "12345678901234567890:x", false, 0, ""},
		{"overflow", "9999999999999999999:x", false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expiry, user, ok := parseRESTUsername(tt.username)
			if ok != tt.ok || (ok && (expiry.Unix() != tt.expiry || user != tt.user)) {
				t.Errorf("parseRESTUsername(%q) = %v, %q, %v; want %v, %q, %v",
					tt.username, expiry.Unix(), user, ok, tt.expiry, tt.user, tt.ok)
			}
		})
	}
}

// FuzzParseRESTUsername checks that a TURN username from the network is
// either refused or split into parts that rebuild it.
func FuzzParseRESTUsername(f *testing.F) {
	for _, seed := range []string{"1700000000:alice", "1700000000", "5:a:b", "alice", "", ":", "0:", "99999999999999999999:x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, username string) {
		expiry, user, ok := parseRESTUsername(username)
		if !ok {
			return
		}
		head, rest, hasUser := strings.Cut(username, ":")
		if strings.Trim(head, "0123456789") != "" {
			t.Fatalf("parseRESTUsername(%q) accepted a stamp %q that is not all digits", username, head)
		}
		if n, err := strconv.ParseInt(head, 10, 64); err != nil || n != expiry.Unix() {
			t.Fatalf("parseRESTUsername(%q) expiry = %d; want %s", username, expiry.Unix(), head)
		}
		want := username
		if hasUser {
			want = rest
		}
		if user != want {
			t.Fatalf("parseRESTUsername(%q) user = %q; want %q", username, user, want)
		}
	})
}
