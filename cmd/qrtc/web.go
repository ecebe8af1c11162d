package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"time"

	"github.com/qrtc/qrtc/web"
)

// defaultWebListen is where qrtc web serves the page: loopback, where
// browsers give an http page the camera, on a fixed port, so the page keeps
// its origin (and the offline copy its service worker keeps) from one run to
// the next.
const defaultWebListen = "127.0.0.1:8478"

const webHelp = `
Usage: qrtc web [--listen ADDR] [--no-open]
       qrtc web --write FILE

Serves the qrtc page (the same codec, compiled to WebAssembly, in a browser
page: scan codes with the webcam, show your own, chat) on loopback, prints
its URL on stdout and opens it in the default browser. The page works like
qrtc offer and qrtc answer and connects to them. Ctrl-C stops the server; a
page already open keeps working (it also works offline once loaded).

With --write, writes the whole page as one self-contained HTML file instead
(everything inlined; open it from disk, file:// gives it the camera too).
The published copy is at ` + web.DefaultURL + `.

Example:
  qrtc web
  qrtc web --listen 127.0.0.1:9000 --no-open
  qrtc web --write qrtc.html
`

// runWeb is "qrtc web".
func runWeb(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("web")
	listen := fs.String("listen", defaultWebListen, "serve on `ADDR` (host:port; a browser gives the camera only to loopback or https)")
	noOpen := fs.Bool("no-open", false, "do not open the page in the default browser")
	write := fs.String("write", "", "write the page as one self-contained HTML `FILE` and exit")
	pos, err := parseFlags(st, fs, webHelp, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return failf(exitBadInput, "run \"qrtc web\" alone, or with --write FILE", "qrtc web: unexpected argument %q", pos[0])
	}
	if *write != "" {
		page, err := web.SingleFile()
		if err != nil {
			return libraryError(exitNoConnect, "qrtc web: cannot build the page", "report it with the output of qrtc version", err)
		}
		if err := writeFileAtomic(*write, page); err != nil {
			return inCommand("web", fileError("--write", *write, err))
		}
		st.say("wrote the page to %s (%d bytes); open it in a browser", *write, len(page))
		return nil
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return failf(exitBadInput, "choose another with --listen 127.0.0.1:PORT", "qrtc web: cannot listen on %q: %v", *listen, netCause(err))
	}
	addr := ln.Addr().(*net.TCPAddr)
	if !addr.IP.IsLoopback() {
		st.say("warning: %s is not a loopback address: browsers on other machines get no camera over http (use the published page, %s)", addr, web.DefaultURL)
	}
	url := "http://" + addr.String() + "/"
	srv := &http.Server{Handler: web.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if _, err := fmt.Fprintln(st.out, url); err != nil {
		srv.Close()
		return stdoutError(err)
	}
	st.say("serving the qrtc page at %s; Ctrl-C stops it", url)
	if !*noOpen {
		if err := openBrowser(url); err != nil {
			st.say("could not open a browser (%v): open %s yourself", err, url)
		}
	}
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(shut)
		return context.Cause(ctx)
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return failf(exitNoConnect, "start qrtc web again", "qrtc web: serving stopped: %w", err)
	}
}

// openBrowser asks the desktop to open url in the default browser, without
// waiting for it.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reaps the opener; it exits on its own
	return nil
}
