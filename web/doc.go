// Package web is the qrtc page: a browser joins a qrtc session with nothing
// installed. It scans the other side's QR code with the camera (or reads a
// photo, pasted text or a link), shows its own code, connects over WebRTC
// and chats, showing the same verification phrase as the qrtc command.
//
// # One codec
//
// The page is a thin layer of plain JavaScript (static/app.js, no framework,
// nothing fetched from another host) around two Go programs compiled to
// WebAssembly from this module's own packages, so the page and the command
// share one implementation of every format:
//
//   - codec.wasm (web/wasm/codec), loaded with the page: sdpcompact (tokens
//     and links) and phrase (the verification phrase);
//   - scan.wasm (web/wasm/scan), loaded in a Web Worker as soon as a session
//     starts or a scan begins: package qr, which draws the page's own code
//     (qr.Image, as SVG) and reads the other side's from camera frames
//     (qr.DecodeFrameRGBA, with qr.Decode on every 8th frame) and photos
//     (qr.DecodeBytes). Where the browser has a BarcodeDetector that reads
//     QR codes (Chrome on Android, macOS and ChromeOS), the page asks it
//     first.
//
// Both are committed gzip-compressed in static/ with the Go toolchain's
// wasm_exec.js, so go install builds the qrtc command from the module as
// committed; go generate ./web rebuilds them and TestGeneratedFiles fails
// when they are stale. The page decompresses them with DecompressionStream.
//
// The codec's calls, on globalThis.qrtcCodec, each return {value} or
// {error}: encode(type, sdp), encodeAnswer(answerSDP, offerSDP) (tagged with
// its offer), decode(tokenOrLink), checkAnswer(token, offerSDP),
// phrase(localSDP, remoteSDP), link(baseURL, token),
// oneScanAnswer(offerSDP, answerSDP). The scanner's, on
// globalThis.qrtcScan in the worker: frame(rgba, width, height, thorough),
// file(bytes) and svg(text).
//
// After a change to sdpcompact, phrase or qr, run go generate ./web: the
// committed modules are built from them.
//
// # How people get it
//
// FS is the static build: any https host serves it as it is (the GitHub
// Pages workflow publishes it at DefaultURL). Handler serves it (qrtc web
// serves it on loopback, where browsers give a page the camera). SingleFile
// is the whole page in one HTML file (qrtc web --write FILE) that works from
// file://. Once loaded over http(s), a service worker (static/sw.js) keeps
// a copy, so the page opens and works offline, and the manifest makes it
// installable as an app (where the browser says so, with beforeinstallprompt,
// the page shows an "Install as an app" button).
//
// # Sessions
//
// "Start a session" makes an offer; reading an offer (camera, photo, paste
// or a link's fragment) answers it and shows the answer; reading the answer
// to the page's own offer connects. When the offer carries the one-scan
// flag (package onescan), the page's answer takes one-scan ICE credentials
// (codec call oneScanAnswer, onescan.AnswerSDP, before setLocalDescription),
// so that qrtc offer connects from the page's first connectivity check,
// with no answer carried back; the answer code is shown all the same. A page opened at a link
// "https://.../#QRTC1O..." (sdpcompact.Link, what qrtc offer --link draws)
// goes straight to answering. The page waits for the other side as long as it
// stays open: it never gives up on a "failed" connection state, which
// browsers report early and recover from. Messages are plain text, one per
// data channel message, as the qrtc command sends them.
//
// URL parameters: stun=URL (repeatable; "none" for host candidates only;
// the default is the qrtc command's two public STUN servers), nodetector
// (never use BarcodeDetector), and hook=URL for tests.
//
// # Test hook
//
// With hook=URL, an http URL on loopback (127.0.0.1, localhost or [::1];
// any other hook is ignored, so a crafted link cannot read a page's codes or
// drive it), the page POSTs every event to URL+"event" as JSON
// {"kind": ..., "value": ...} (kinds: loaded, state, status, token, read,
// onescan, camera, scanner, scan, connection, ice, open, phrase, message,
// closed, error, offline, installable) and long-polls URL+"command" for
// commands, each JSON with one field: {"paste": text}, {"send": text},
// {"click": element id}, {"frames": [image data URLs]} (what the camera
// shows from then on, ten a second, for browsers without a file camera),
// {"photo": image data URL} (the file chosen in the photo input),
// {"hash": fragment}, {"reload": true}.
// A command does what a person would: paste fills the text box and submits
// it, send types a message and submits it.
package web
