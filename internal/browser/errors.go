package browser

import "errors"

// ErrNoBrowser means the browser binary is not installed. Install the Debian
// packages chromium and firefox-esr.
var ErrNoBrowser = errors.New("browser: browser not installed")

// ErrExited means the browser process ended before the test was done with
// it; the wrapped text carries the end of its output.
var ErrExited = errors.New("browser: browser exited")

// ErrPage means the test page reported a JavaScript error; the wrapped text
// carries it.
var ErrPage = errors.New("browser: test page failed")

// ErrClosed means a Page was used after Close.
var ErrClosed = errors.New("browser: page closed")
