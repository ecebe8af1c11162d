package main

import (
	"errors"
	"fmt"

	"github.com/qrtc/qrtc/sdpcompact"
	"github.com/qrtc/qrtc/web"
)

// linkDefault is the --link value that stands for the published page.
const linkDefault = "default"

// linkBase returns the page address --link names, or an error for people
// when it is not an http or https URL; "" without --link.
func (f *sessionFlags) linkBase() (string, error) {
	base := f.link
	if base == linkDefault {
		base = web.DefaultURL
	}
	if base == "" {
		return "", nil
	}
	// Link checks the base before the token.
	if _, err := sdpcompact.Link(base, ""); errors.Is(err, sdpcompact.ErrInvalidLink) {
		return "", failf(exitBadInput, fmt.Sprintf("give the page's address, such as --link %s, or --link default", web.DefaultURL), "qrtc: --link %q is not an http or https URL", f.link)
	}
	return base, nil
}

// codeText returns what the QR code of the own token holds: with --link on
// an offer, the link that opens the page with the token in its fragment
// (sdpcompact.Link: "https://host/path/#QRTC1O...", scheme and host in lower
// case), so a phone's camera app opens the page and joins; otherwise the
// token. Everything that reads a token also reads such a link.
func (f *sessionFlags) codeText(kind, token string) (string, error) {
	base, err := f.linkBase()
	if err != nil || base == "" || kind != "offer" {
		return token, err
	}
	return sdpcompact.Link(base, token)
}
