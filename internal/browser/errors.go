package browser

import "errors"

// ErrNoBrowser means the browser binary is not installed. Install the Debian
// packages chromium and firefox-esr.
var ErrNoBrowser = errors.New("browser: browser not installed")

// ErrPage means the test page reported a JavaScript error; the wrapped text
// carries it.
var ErrPage = errors.New("browser: test page failed")

// ErrClosed means a Page was used after Close.
var ErrClosed = errors.New("browser: page closed")
