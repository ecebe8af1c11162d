package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/rendezvous"
	"github.com/qrtc/qrtc/sdpcompact"
)

// codeFlags are the flags of short codes, part of every session command's
// flags: the offering side hands out a code ("qrtc offer --code"), the
// answering side takes it ("qrtc answer CODE", or --code for a prompt).
type codeFlags struct {
	code      bool   // offering side: hand out a code; answering side: prompt for one
	words     int    // secret words of a new code
	number    int    // --code-number: the code's number, 0 for random
	bootstrap string // --dht-bootstrap: host:port,... or "none"
	noLAN     bool
	command   string // the command, "qrtc offer", to tell what the other side runs
}

// otherSide returns what the other person runs with code, for the command
// that made it.
func (c *codeFlags) otherSide(code string) string {
	switch c.command {
	case "qrtc send":
		return "qrtc receive " + code
	case "qrtc receive":
		return "qrtc send --to " + code + " PATH..."
	}
	return "qrtc answer " + code
}

// paths says how the two sides look for each other, for people: "over the
// BitTorrent DHT and the local network", or what the flags leave of it.
func (c *codeFlags) paths() string {
	nodes, off := c.dht()
	if off {
		return "over the local network"
	}
	dht := "the BitTorrent DHT"
	if nodes != nil {
		dht = "the DHT of --dht-bootstrap"
	}
	if c.noLAN {
		return "over " + dht
	}
	return "over " + dht + " and the local network"
}

// dht reads --dht-bootstrap: off for "none" (the local network only),
// else the bootstrap nodes, nil for the public BitTorrent DHT's.
func (c *codeFlags) dht() (nodes []string, off bool) {
	switch b := strings.TrimSpace(c.bootstrap); b {
	case "":
		return nil, false
	case "none":
		return nil, true
	default:
		return strings.Split(b, ","), false
	}
}

// register adds the code flags to fs.
func (c *codeFlags) register(fs *flag.FlagSet) {
	c.command = fs.Name()
	fs.BoolVar(&c.code, "code", false, "exchange by a short code (4821-guitar-orange) instead of tokens: the offering side prints the code, the answering side reads it at a prompt (or takes it as its argument); the tokens travel over the BitTorrent DHT or the local network, sealed with the code")
	fs.IntVar(&c.words, "code-words", rendezvous.DefaultWords, "with --code, offering side: secret words of the code, 2 (16 bits) or 3 (24 bits)")
	fs.IntVar(&c.number, "code-number", 0, "with --code, offering side: the code's `number` (1-9999; default random), refused while another waiting session uses it")
	fs.StringVar(&c.bootstrap, "dht-bootstrap", "", "with a code: DHT bootstrap nodes as `host:port,...` instead of the public BitTorrent DHT's; \"none\" for the local network only")
	fs.BoolVar(&c.noLAN, "no-lan", false, "with a code: do not look for the other side on the local network (multicast)")
}

// check refuses code flags that cannot work, before anything starts (the
// DHT client among them).
func (c *codeFlags) check() error {
	if c.words < rendezvous.MinWords || c.words > rendezvous.MaxWords {
		return failf(exitBadInput, "use --code-words 2 (16 secret bits) or 3 (24 bits)", "--code-words %d is not 2 or 3", c.words)
	}
	if c.number < 0 || c.number > 9999 {
		return failf(exitBadInput, "use a number from 1 to 9999, or leave --code-number out", "--code-number %d is out of range", c.number)
	}
	nodes, off := c.dht()
	if off && c.noLAN {
		return failf(exitBadInput, "drop one of them", "--dht-bootstrap none with --no-lan leaves no way to find the other side")
	}
	for _, hp := range nodes {
		if _, port, err := net.SplitHostPort(hp); err != nil || strings.Trim(port, "0123456789") != "" || port == "" {
			return failf(exitBadInput, "give DHT nodes as host:port, separated by commas, e.g. --dht-bootstrap 192.0.2.7:6881,dht.example.org:6881", "--dht-bootstrap %q is not host:port", hp)
		}
	}
	return nil
}

// looksLikeCode tells a short code from a token or a file name: a number,
// then words.
func looksLikeCode(s string) bool {
	if _, err := os.Stat(s); err == nil {
		return false // a file of that name: an image
	}
	if _, err := rendezvous.ParseCode(s); err == nil {
		return true
	}
	// A mistyped code still goes to the code path, for its error; a name
	// like 2024-05-photo.jpg goes to the file path, for its own.
	head, _, ok := strings.Cut(strings.TrimSpace(s), "-")
	return ok && head != "" && strings.Trim(head, "0123456789") == "" && !strings.ContainsAny(s, "./\\")
}

// open starts the rendezvous transports; verbose reports their progress.
func (c *codeFlags) open(st *stdio, verbose bool) (*rendezvous.Rendezvous, error) {
	nodes, off := c.dht()
	cfg := rendezvous.Config{NoMulticast: c.noLAN, NoDHT: off, Bootstrap: nodes}
	if !cfg.NoDHT {
		cfg.CacheFile = dhtCacheFile(cfg.Bootstrap)
	}
	if verbose {
		cfg.Logf = func(format string, args ...any) { st.say("qrtc -v: "+format, args...) }
	}
	r, err := rendezvous.New(cfg)
	if err != nil {
		return nil, failf(exitNoConnect, "check the network, or exchange tokens instead of a code", "cannot start the rendezvous: %w", err)
	}
	for _, w := range r.Warnings() {
		st.say("qrtc: warning: %s", w)
	}
	if !cfg.NoDHT {
		go warnUnreached(st, r) // exits when the DHT answers, after the warning, or at Close
	}
	return r, nil
}

// dhtWarnAfter is how long a DHT that reached no node goes unmentioned.
const dhtWarnAfter = 10 * time.Second

// warnUnreached says so when no DHT node has answered after a while: then
// only the local network can bring the two sides together.
func warnUnreached(st *stdio, r *rendezvous.Rendezvous) {
	t := time.NewTimer(dhtWarnAfter)
	defer t.Stop()
	select {
	case <-r.DHTReached():
	case <-r.Closed():
	case <-t.C:
		st.say("qrtc: warning: no BitTorrent DHT node has answered in %s (a firewall, or no internet): only the local network is searched; check --dht-bootstrap, or exchange tokens instead", dhtWarnAfter)
	}
}

// dhtCacheFile is where the DHT routing table is kept between runs: one
// file per bootstrap list, so that a private DHT's nodes never mix with the
// public one's. "" when there is no cache directory.
func dhtCacheFile(bootstrap []string) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	name := "dht-nodes"
	if bootstrap != nil {
		h := sha256.Sum256([]byte(strings.Join(bootstrap, ",")))
		name = fmt.Sprintf("dht-nodes-%x", h[:6])
	}
	return filepath.Join(dir, "qrtc", name)
}

// offerByCode makes a code, shows it (stdout, as the token would be,
// unless dataOnly; and stderr) and
// returns the token the other side sends back for token, which is this
// side's own. rv must be closed by the caller once the connection is up.
func offerByCode(ctx context.Context, st *stdio, c *codeFlags, dataOnly bool, rv *rendezvous.Rendezvous, token string) (string, error) {
	var code rendezvous.Code
	var err error
	if c.number != 0 {
		if code, err = rendezvous.NewCode(nil, c.words); err == nil {
			code.Number = c.number
			err = rv.CheckFree(ctx, c.number)
		}
	} else {
		code, err = rv.NewCode(ctx, c.words)
	}
	if err != nil {
		return "", codeError(err)
	}
	if !dataOnly {
		if _, err := fmt.Fprintln(st.out, code); err != nil {
			return "", stdoutError(err)
		}
	}
	st.say("Your code is %s. Tell it to the other side; they run: %s", code, c.otherSide(code.String()))
	st.say("Waiting for the other side (%s)...", c.paths())
	answer, err := rv.Offer(ctx, code, token)
	if err != nil {
		return "", codeError(err)
	}
	return answer, nil
}

// joinByCode finds the other side of text (a code typed on the command line
// or, when text is "", at a prompt on lines) and returns its token and the
// session to send this side's token with.
func joinByCode(ctx context.Context, st *stdio, c *codeFlags, rv *rendezvous.Rendezvous, text string, lines *lineReader) (string, *rendezvous.Session, error) {
	code, err := readCode(ctx, st, text, lines)
	if err != nil {
		return "", nil, err
	}
	st.say("Looking for the other side of %s (%s)...", code, c.paths())
	s, err := rv.Join(ctx, code)
	if err != nil {
		return "", nil, codeError(err)
	}
	return s.Offer(), s, nil
}

// readCode parses text, or prompts for a code until one parses. Words may
// be shortened to any start only one word has.
func readCode(ctx context.Context, st *stdio, text string, lines *lineReader) (rendezvous.Code, error) {
	if text != "" {
		code, err := rendezvous.ParseCode(text)
		if err != nil {
			return rendezvous.Code{}, failf(exitBadInput, "type the code as the other side's qrtc shows it, like 4821-guitar-orange", "%w", err)
		}
		return code, nil
	}
	for {
		st.say("Type the code the other side gave you (like 4821-guitar-orange; Tab completes a word, and its first letters are enough), then press Enter:")
		text, edited, err := promptCodeLine(ctx, st, lines, "code: ")
		if !edited {
			var l line
			l, err = lines.line(ctx)
			if err == nil && l.err != nil {
				err = l.err
			}
			text = l.text
		}
		if ctx.Err() != nil {
			return rendezvous.Code{}, ctx.Err()
		}
		if err != nil {
			return rendezvous.Code{}, failf(exitBadInput, "type the code the other side's qrtc shows", "%w: no code was typed", errNoInput)
		}
		code, err := rendezvous.ParseCode(text)
		if err == nil {
			return code, nil
		}
		st.say("qrtc: %v", err)
		if !st.inTTY {
			return rendezvous.Code{}, failf(exitBadInput, "type the code as the other side's qrtc shows it, like 4821-guitar-orange", "%w", err)
		}
	}
}

// codeError turns a rendezvous error into words and an exit code.
func codeError(err error) error {
	switch {
	case errors.Is(err, rendezvous.ErrBurned):
		return withTodo(exitBadInput, "start again with a new code (qrtc offer --code)", reword(err, "wrong code, or someone tried to guess it; nothing was connected"))
	case errors.Is(err, rendezvous.ErrContested):
		return withTodo(exitNoConnect, "start again with a new code (qrtc offer --code)", reword(err, "another session showed up on the code's number and this one got no offer (someone may be trying to guess the code); nothing was connected"))
	case errors.Is(err, rendezvous.ErrNumberBusy):
		return failf(exitNoConnect, "pick another --code-number, or leave it out for a random one (a number is free again 2 minutes after a session on it stopped unfinished)", "%w", err)
	case errors.Is(err, rendezvous.ErrTokenTooLong):
		return failf(exitNoConnect, candidateFlagsHint, "%w", err)
	}
	return err
}

// acceptByCode is the rest of the offering side with --code once the offer
// is made: the answer comes over the rendezvous instead of standard input,
// and is applied.
func (s *session) acceptByCode(offer sdpcompact.Description, token string) error {
	rv, err := s.f.code.open(s.st, s.f.verbose)
	if err != nil {
		return err
	}
	defer rv.Close()
	for _, w := range s.p.GatherWarnings() {
		s.st.say("qrtc: warning: %s", w)
	}
	answerTok, err := offerByCode(s.waitCtx, s.st, &s.f.code, s.f.dataOnly, rv, token)
	if err != nil {
		return s.waitError(err, "no answer")
	}
	answer, err := sdpcompact.Decode(answerTok)
	if err == nil {
		err = sdpcompact.CheckAnswer(answerTok, offer)
	}
	if err != nil {
		// It opened with the code, so the other side's qrtc sent it.
		return failf(exitBadInput, "check that both sides run the same qrtc version", "the other side sent an answer this qrtc cannot use: %w", err)
	}
	s.remoteSDP = answer.SDP
	if err := s.p.Accept(s.waitCtx, answer.SDP); err != nil {
		if s.waitCtx.Err() != nil {
			return s.waitError(s.waitCtx.Err(), "could not apply the answer")
		}
		return failf(exitBadInput, "start again with a new code", "cannot use the other side's answer: %w", err)
	}
	return nil
}

// startAnswerByCode is the answering side with a code (pos[0], or a prompt
// when pos is empty): the offer comes over the rendezvous, the answer goes
// back the same way and stays published until the channel opens, so it
// returns a connected session (or an error).
func startAnswerByCode(ctx context.Context, st *stdio, f *sessionFlags, cfg peer.Config, pos []string) (*session, error) {
	text := ""
	if len(pos) == 1 {
		text = pos[0]
		if _, err := readCode(ctx, st, text, nil); err != nil {
			return nil, err
		}
	}
	rv, err := f.code.open(st, f.verbose)
	if err != nil {
		return nil, err
	}
	defer rv.Close()
	s, err := newSession(ctx, st, f, cfg)
	if err != nil {
		return nil, err
	}
	if err := s.answerByCode(rv, text); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// answerByCode gets the offer by code, answers it, sends the answer back
// and waits until the channel opens or the other side refuses the answer.
func (s *session) answerByCode(rv *rendezvous.Rendezvous, text string) error {
	offerTok, js, err := joinByCode(s.waitCtx, s.st, &s.f.code, rv, text, s.lines)
	if err != nil {
		return s.waitError(err, "no offer")
	}
	offer, err := sdpcompact.Decode(offerTok)
	if err == nil && offer.Type != sdpcompact.Offer {
		err = fmt.Errorf("%w: got an %s", errWrongType, offer.Type)
	}
	if err != nil {
		return failf(exitBadInput, "check that both sides run the same qrtc version", "the other side sent an offer this qrtc cannot use: %w", err)
	}
	s.remoteSDP, s.answering = offer.SDP, true
	sdp, err := s.p.Answer(s.waitCtx, offer.SDP)
	if err != nil {
		if s.waitCtx.Err() != nil {
			return s.waitError(s.waitCtx.Err(), "could not answer")
		}
		return failf(exitBadInput, "start again with a new code", "cannot answer the other side's offer: %w", err)
	}
	token, err := sdpcompact.EncodeAnswer(sdpcompact.Description{Type: sdpcompact.Answer, SDP: sdp}, offer)
	if err != nil {
		return encodeOwnError("answer", err)
	}
	if err := js.Answer(token); err != nil {
		return codeError(err)
	}
	s.st.say("Got the offer; the answer is on its way.")
	ctx, stop := context.WithCancel(s.waitCtx)
	defer stop()
	burned := make(chan error, 1)
	go func() { burned <- js.WaitBurned(ctx) }() // exits when ctx ends
	opened := make(chan error, 1)
	go func() { opened <- s.p.WaitOpen(ctx) }() // exits when ctx ends
	select {
	case err := <-burned:
		if err != nil {
			return codeError(err)
		}
		return s.connectError("could not connect", <-opened)
	case err := <-opened:
		if err != nil {
			return s.connectError("could not connect", err)
		}
	}
	return nil
}
