package sdpcompact

import (
	"fmt"
	"net/url"
	"strings"
)

// Link returns a URL that opens a page with the token: base with its
// fragment replaced by the token, "https://host/path/#QRTC1O...". The scheme
// and host are written in lower case (several phone camera apps open only a
// lower-case "https://" as a link) and the token in upper case, so the whole
// link still fits QR alphanumeric mode except for the path. The fragment
// never reaches the server. Decode and LooksLikeToken accept the link in
// place of the token. base must be an absolute http or https URL, else the
// error wraps ErrInvalidLink.
func Link(base, token string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrInvalidLink, base, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%w: %q is not an absolute http or https URL; write it as https://host/path/", ErrInvalidLink, base)
	}
	if !LooksLikeToken(token) {
		return "", fmt.Errorf("%w: %q is not a token", ErrNotToken, clip(token, 12))
	}
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String() + "#" + normalize(token), nil
}
