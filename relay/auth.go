package relay

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // RFC 5389 and the TURN REST scheme mandate HMAC-SHA1.
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pion/turn/v5"
)

// TURNRESTCredentials returns a TURN username and password that a server
// configured with the same Secret accepts until now+ttl. This is the
// time-limited credential scheme of coturn's use-auth-secret option
// (draft-uberti-behave-turn-rest-00, section 2.2): the username is
// "<expiry unix time>:<user>" and the password is the standard base64 of
// HMAC-SHA1(secret, username). With an empty user the username is the expiry
// time alone.
//
// The pair is what a person gives to `qrtc offer --turn URL --turn-user
// USERNAME --turn-pass PASSWORD`, or to any WebRTC stack as an ICE server
// username and credential. The secret itself never leaves the server's owner.
func TURNRESTCredentials(secret, user string, ttl time.Duration, now time.Time) (username, password string) {
	username = strconv.FormatInt(now.Add(ttl).Unix(), 10)
	if user != "" {
		username += ":" + user
	}
	return username, restPassword(secret, username)
}

// restPassword is base64(HMAC-SHA1(secret, username)).
func restPassword(secret, username string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	// A hash.Hash never returns an error from Write (its documentation says so).
	_, _ = mac.Write([]byte(username))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// parseRESTUsername splits a TURN REST username into its expiry time and
// user. The user is the text after the first colon, or the whole username
// when there is none. ok is false when the username does not start with a
// plain decimal unix time.
func parseRESTUsername(username string) (expiry time.Time, user string, ok bool) {
	stamp, rest, hasUser := strings.Cut(username, ":")
	if stamp == "" || len(stamp) > 19 {
		return time.Time{}, "", false
	}
	for i := 0; i < len(stamp); i++ {
		if stamp[i] < '0' || stamp[i] > '9' {
			return time.Time{}, "", false
		}
	}
	secs, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return time.Time{}, "", false
	}
	user = username
	if hasUser {
		user = rest
	}
	return time.Unix(secs, 0), user, true
}

// authenticate is the pion/turn AuthHandler: it returns the user a TURN
// username stands for and the long-term key (RFC 5389 section 15.4,
// MD5(username:realm:password)) that its MESSAGE-INTEGRITY must match.
// Static users win over TURN REST usernames of the same spelling.
func (s *Server) authenticate(ra *turn.RequestAttributes) (userID string, key []byte, ok bool) {
	userID, key, why := s.longTermKey(ra.Username)
	if why != "" {
		s.logf("relay: refused %q from %s: %s", ra.Username, ra.SrcAddr, why)
		return "", nil, false
	}
	return userID, key, true
}

// longTermKey returns the user and long-term key of a TURN username, or why
// there is none.
func (s *Server) longTermKey(name string) (userID string, key []byte, why string) {
	if password, found := s.cfg.Users[name]; found {
		return name, turn.GenerateAuthKey(name, s.cfg.Realm, password), ""
	}
	if s.cfg.Secret == "" {
		return "", nil, "no such user"
	}
	expiry, user, isREST := parseRESTUsername(name)
	if !isREST {
		return "", nil, "no such user, and not a time-limited username \"<expiry>:<user>\""
	}
	if now := time.Now(); !now.Before(expiry) {
		return "", nil, fmt.Sprintf("credentials expired %s ago", now.Sub(expiry).Round(time.Second))
	}
	return user, turn.GenerateAuthKey(name, s.cfg.Realm, restPassword(s.cfg.Secret, name)), ""
}
