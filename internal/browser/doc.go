// Package browser runs real headless browsers (Debian's chromium and
// firefox-esr) inside lab network namespaces (internal/netns) and drives a
// WebRTC data channel in them from a Go test, without WebDriver.
//
// A Page is the test's end of one browser tab: a small HTTP server, listening
// inside the browser's namespace, that serves an embedded page. The page
// creates an RTCPeerConnection (no ICE servers, or the STUN URLs the test
// gives), and as offerer creates the data channel "qrtc". It waits until ICE
// gathering is complete, POSTs its local description (the W3C JSON form,
// {"type":"offer","sdp":"..."}, exactly as the browser prints it) and
// long-polls for the remote description, which the test supplies with
// SetRemoteDescription. Once the channel opens, the page reports it, sends
// every message the test passes to Send and reports every message it
// receives, which the test reads with Receive. Leave ends the session the
// way a web app would: Polite calls dc.close() and pc.close() only after the
// channel's close event; Abrupt calls dc.close() and pc.close() at once.
// WaitClosed waits for the channel's close event, whichever side closed it.
//
// Launch starts a browser on a Page's URL with a fresh profile in a temporary
// directory, inside a namespace; Close kills it (its whole process group) and
// removes the profile.
package browser
