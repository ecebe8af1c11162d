package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/sdpcompact"
	"github.com/qrtc/qrtc/stream"
)

// shutdownTimeout bounds the graceful end of a session: delivering what is
// still buffered and closing the data channel.
const shutdownTimeout = time.Minute

// runOffer is "qrtc offer": make an offer, show it, read the answer, chat.
func runOffer(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("offer")
	var f sessionFlags
	f.register(fs)
	pos, err := parseFlags(st, fs, offerHelp, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return failf(exitBadInput, "to answer an offer, run \"qrtc answer OFFER\"; qrtc offer reads the answer at its prompt", "qrtc offer: unexpected argument %q", clip(pos[0], 24))
	}
	cfg, err := f.peerConfig(st)
	if err != nil {
		return err
	}
	cfg.Protocol = stream.Protocol // tells a qrtc answerer that this side speaks it
	s, err := newSession(ctx, st, &f, cfg)
	if err != nil {
		return err
	}
	defer s.close()

	if err := s.offerAndAccept(fmt.Sprintf("On the other computer, run qrtc answer TOKEN, or qrtc answer PHOTO with a photo of this code. Then paste the answer it shows here, within %s.", inWords(f.timeout))); err != nil {
		return err
	}
	return s.connectAndChat()
}

// offerAndAccept makes the offer, shows it with instructions for the other
// side, reads the answer and applies it.
func (s *session) offerAndAccept(instructions string) error {
	st := s.st
	sdp, err := s.p.Offer(s.waitCtx)
	if err != nil {
		return s.connectError("could not make the offer", err)
	}
	offer := sdpcompact.Description{Type: sdpcompact.Offer, SDP: sdp}
	token, err := sdpcompact.Encode(offer)
	if err != nil {
		return encodeOwnError("offer", err)
	}
	if s.f.code.code {
		return s.acceptByCode(offer, token)
	}
	if err := s.show(token, "offer", instructions); err != nil {
		return err
	}

	tr := &tokenReader{lines: s.lines, st: st, interactive: st.inTTY}
	notAnswer := failf(exitBadInput, "run \"qrtc answer\" with it on the other computer; paste its answer here", "%w: this is an offer, not an answer", errWrongType)
	check := func(tok string, d sdpcompact.Description) error {
		if d.Type != sdpcompact.Answer {
			return notAnswer
		}
		if err := sdpcompact.CheckAnswer(tok, offer); err != nil {
			if errors.Is(err, sdpcompact.ErrWrongType) {
				return notAnswer
			}
			if errors.Is(err, sdpcompact.ErrWrongOffer) {
				return failf(exitBadInput, "paste the answer that the other side made for this offer", "qrtc: wrong answer: %w", err)
			}
			return tokenError(err)
		}
		return nil
	}
	answer, oneScan, err := s.awaitAnswer(offer, tr, "Paste the answer (or a photo's path), then press Enter:", check)
	if err != nil {
		return s.waitError(err, "no answer")
	}
	if !oneScan {
		if err := s.accept(answer); err != nil {
			return err
		}
	}
	s.showPhrase()
	return nil
}

// accept applies the answer read at the prompt.
func (s *session) accept(answer sdpcompact.Description) error {
	s.remoteSDP = answer.SDP
	err := s.p.Accept(s.waitCtx, answer.SDP)
	switch {
	case err == nil:
		return nil
	case s.waitCtx.Err() != nil:
		return s.waitError(s.waitCtx.Err(), "could not apply the answer")
	case errors.Is(err, peer.ErrAnswered):
		// Another answer came in a check meanwhile: connect with it.
		s.st.say("The pasted answer is not used: %v.", err)
		return nil
	}
	return failf(exitBadInput, "ask the other side to answer again", "qrtc: cannot use this answer: %w", err)
}

// runAnswer is "qrtc answer": read an offer, answer it, show the answer, chat.
func runAnswer(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("answer")
	var f sessionFlags
	f.register(fs)
	pos, err := parseFlags(st, fs, answerHelp, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return failf(exitBadInput, "give one offer token or image path, or none to paste it at the prompt", "qrtc answer: too many arguments (%d)", len(pos))
	}
	s, err := startAnswer(ctx, st, &f, pos, "Paste the line below into the other side's qrtc offer, or give it the path of a photo of this code.")
	if err != nil {
		return err
	}
	defer s.close()
	return s.connectAndChat()
}

// startAnswer reads the offer (pos[0], a token or image, or standard input
// when pos is empty), answers it and shows the answer with instructions for
// the other side. The caller closes the session.
func startAnswer(ctx context.Context, st *stdio, f *sessionFlags, pos []string, instructions string) (*session, error) {
	// The flags are checked before the offer is read.
	cfg, err := f.peerConfig(st)
	if err != nil {
		return nil, err
	}
	if f.code.code || (len(pos) == 1 && looksLikeCode(pos[0])) {
		return startAnswerByCode(ctx, st, f, cfg, pos)
	}
	var offer sdpcompact.Description
	check := func(_ string, d sdpcompact.Description) error {
		if d.Type != sdpcompact.Offer {
			return failf(exitBadInput, "give it to the \"qrtc offer\" that made the offer", "%w: this is an %s, not an offer", errWrongType, d.Type)
		}
		return nil
	}
	if len(pos) == 1 {
		tok, d, err := tokenFromArg(pos[0])
		if err == nil {
			err = check(tok, d)
		}
		if err != nil {
			return nil, err
		}
		offer = d
	}
	s, err := newSession(ctx, st, f, cfg)
	if err != nil {
		return nil, err
	}
	if err := s.answerOffer(pos, offer, check, instructions); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// answerOffer reads the offer from standard input unless pos gave it,
// answers it and shows the answer with instructions for the other side.
func (s *session) answerOffer(pos []string, offer sdpcompact.Description, check func(string, sdpcompact.Description) error, instructions string) error {
	st := s.st
	if len(pos) == 0 {
		tr := &tokenReader{lines: s.lines, st: st, interactive: st.inTTY}
		_, d, err := tr.read(s.waitCtx, "Paste the offer (or a photo's path), then press Enter:", check)
		if err != nil {
			return s.waitError(err, "no offer")
		}
		offer = d
	}
	s.remoteSDP, s.answering = offer.SDP, true
	sdp, err := s.p.Answer(s.waitCtx, offer.SDP)
	if err != nil {
		if s.waitCtx.Err() != nil {
			return s.waitError(s.waitCtx.Err(), "could not answer")
		}
		return failf(exitBadInput, "ask the other side to make a new offer", "qrtc: cannot answer this offer: %w", err)
	}
	token, err := sdpcompact.EncodeAnswer(sdpcompact.Description{Type: sdpcompact.Answer, SDP: sdp}, offer)
	if err != nil {
		return encodeOwnError("answer", err)
	}
	if err := s.show(token, "answer", instructions+s.oneScanNote(offer)); err != nil {
		return err
	}
	return nil
}

// session is one offer or answer run: the peer, standard input and the clock.
type session struct {
	st        *stdio
	f         *sessionFlags
	p         *peer.Peer
	lines     *lineReader
	ctx       context.Context // cancelled by Ctrl-C
	waitCtx   context.Context // also ends after --timeout: bounds everything before "connected"
	cancel    context.CancelFunc
	remoteSDP string
	answering bool // this side answers: the other side must still apply the answer
	// skipLine, when set, picks chat lines that are not sent: the answer
	// token pasted after a one-scan connection.
	skipLine func(text string) bool
}

// peerConfig checks the session flags and turns them into the peer's
// configuration, without the ICE credentials (newSession makes those).
func (f *sessionFlags) peerConfig(st *stdio) (peer.Config, error) {
	if err := f.code.check(); err != nil {
		return peer.Config{}, err
	}
	servers, err := f.iceServers(st.getenv)
	if err != nil {
		return peer.Config{}, err
	}
	filter, types, err := f.candidateLimits()
	if err != nil {
		return peer.Config{}, err
	}
	if _, err := f.linkBase(); err != nil {
		return peer.Config{}, err
	}
	if f.verify && !st.inTTY {
		return peer.Config{}, failf(exitBadInput, "run qrtc at a terminal to answer the question, or leave out --verify", "qrtc: --verify asks at the terminal whether the phrases match, but standard input is not a terminal")
	}
	if f.gatherTimeout < 0 {
		return peer.Config{}, failf(exitBadInput, "give a positive duration, e.g. --gather-timeout 10s", "qrtc: --gather-timeout %s is negative", shortDuration(f.gatherTimeout))
	}
	cfg := peer.Config{ICEServers: servers, IncludeLoopback: f.loopback,
		InterfaceFilter: filter, NetworkTypes: types, GatherTimeout: f.gatherTimeout, OneScan: !f.noOneScan}
	if f.veryVerbose {
		f.verbose = true
	}
	if f.verbose {
		cfg.Logf = func(format string, args ...any) {
			if strings.HasPrefix(format, "pion ") && !f.veryVerbose {
				return // the WebRTC library's own lines: -vv
			}
			st.say("qrtc -v: "+format, args...)
		}
	}
	return cfg, nil
}

// newSession makes the peer from cfg (see peerConfig) and starts reading
// standard input.
func newSession(ctx context.Context, st *stdio, f *sessionFlags, cfg peer.Config) (*session, error) {
	var err error
	cfg.ICEUfrag, cfg.ICEPwd, err = sdpcompact.NewICECredentials()
	if err != nil {
		return nil, failf(exitNoConnect, "try again; if it persists, the system's random source is broken", "qrtc: cannot make ICE credentials: %w", err)
	}
	p, err := peer.New(cfg)
	if err != nil {
		return nil, failf(exitNoConnect, "try again; if it persists, report it with the output of qrtc -vv", "qrtc: cannot start WebRTC: %w", err)
	}
	lines := newLineReader(st.in)
	waitCtx, cancel := context.WithTimeout(ctx, f.timeout)
	return &session{st: st, f: f, p: p, lines: lines, ctx: ctx, waitCtx: waitCtx, cancel: cancel}, nil
}

// close releases the peer and stops reading standard input.
func (s *session) close() {
	s.cancel()
	s.p.Close()
	s.lines.close()
}

// show hands out the own token: one line on stdout (data; not with
// --data-only), the optional
// files, and on stderr (people) the QR code, what it is, the instructions
// and, under them, the line the other side copies: when instructions name
// "qrtc CMD TOKEN", that command with the token, else the token alone (see
// copyLine). On a terminal it all fits the screen (see showCode).
func (s *session) show(token, kind, instructions string) error {
	if s.f.verbose {
		for _, c := range sdpCandidates(strings.Join(s.p.LocalCandidates(), "\n")) {
			s.st.say("qrtc -v: this side's candidate: %s", c)
		}
		for _, c := range sdpCandidates(s.remoteSDP) {
			s.st.say("qrtc -v: the other side's candidate: %s", c)
		}
	}
	for _, w := range s.p.GatherWarnings() {
		s.st.say("qrtc: warning: %s", w)
	}
	if s.f.tokenOut != "" {
		if err := writeFileAtomic(s.f.tokenOut, []byte(token+"\n")); err != nil {
			return fileError("--token-out", s.f.tokenOut, err)
		}
	}
	code, err := s.f.codeText(kind, token)
	if err != nil {
		return err
	}
	if s.f.png != "" {
		if err := qr.WritePNGFile(s.f.png, code, qr.PNGOptions{}); err != nil {
			return fileError("--png", s.f.png, err)
		}
	}
	if !s.f.dataOnly {
		if _, err := fmt.Fprintln(s.st.out, token); err != nil {
			return stdoutError(err)
		}
	}
	line := copyLine(instructions, token)
	caption := fmt.Sprintf("This is your %s (%d characters). %s", kind, len(token), captionText(instructions))
	if phrase := s.p.Phrase(); phrase != "" {
		// The answerer knows both descriptions now: the phrase goes beside
		// the code, where it costs no row of the screen.
		caption += " Verification phrase: " + phrase + " (the other side must show the same words)."
	}
	s.st.showCode(code, caption, line, s.f.noQR, s.f.ascii, 1)
	if s.f.copy {
		s.st.copyToClipboard(line)
	}
	return nil
}

// connectAndChat waits for the data channel, prints the verification phrase
// and then chats until one side leaves.
func (s *session) connectAndChat() error {
	if err := s.connect(); err != nil {
		return err
	}
	if err := s.notFiles(); err != nil {
		return err
	}
	return s.chat()
}

// connect waits for the data channel and prints the verification phrase.
func (s *session) connect() error {
	what, limit := "Connecting to the other side", peer.DefaultConnectTimeout
	if s.answering {
		what, limit = "Waiting for the other side to connect", peer.DefaultAnswerWait
	}
	if dl, ok := s.waitCtx.Deadline(); ok {
		left := time.Until(dl).Round(time.Second)
		if left > s.f.timeout-5*time.Second {
			// Drawing the code and deriving the phrase took a moment:
			// say "15 minutes", not "14m58s".
			left = s.f.timeout
		}
		limit = min(limit, left)
	}
	// A channel that opened already (a code's answerer waits for it
	// itself) gets no waiting line.
	already, cancel := context.WithCancel(s.waitCtx)
	cancel() // WaitOpen with a done context only looks
	err := s.p.WaitOpen(already)
	if err != nil {
		stop := s.st.waiting(what, limit, !s.f.verbose)
		err = s.p.WaitOpen(s.waitCtx)
		stop()
	}
	if err != nil {
		return s.connectError("could not connect", err)
	}
	s.cancel() // --timeout no longer applies once connected
	s.st.say("connected; verification phrase: %s", s.p.Phrase())
	if r, ok := s.p.Route(); ok {
		s.st.say("%s", routeText(r, s.f.turn))
	}
	return nil
}

// interrupted returns why the session was interrupted: the signal, when
// main recorded it, or errInterrupted.
func (s *session) interrupted() error {
	if cause := context.Cause(s.ctx); errors.Is(cause, errInterrupted) {
		return cause
	}
	return errInterrupted
}

// sessionError explains a failure after the connection was made.
func (s *session) sessionError(err error) error {
	if s.ctx.Err() != nil {
		return s.interrupted()
	}
	if errors.Is(err, peer.ErrPeerGone) || errors.Is(err, peer.ErrICEFailed) {
		return failf(exitNoConnect, "its network was lost or its program killed: start a new session", "%w without closing the session (%v)", errPeerVanished, err)
	}
	return failf(exitNoConnect, "start a new session", "qrtc: session failed: %w", err)
}

// goodbye closes the session after Ctrl-C, telling the other side if it can
// within a short time.
func (s *session) goodbye() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.p.Shutdown(ctx) // best effort: the process is ending on the user's request
}

// waitError explains why the wait before the connection ended.
func (s *session) waitError(err error, what string) error {
	switch {
	case s.ctx.Err() != nil:
		return s.interrupted()
	case errors.Is(err, context.DeadlineExceeded) && s.waitCtx.Err() != nil:
		return failf(exitNoConnect, "start again, and bring the token over sooner or give a longer --timeout", "%w: %s within %s (--timeout)", errTimeout, what, inWords(s.f.timeout))
	case errors.Is(err, errNoInput):
		return failf(exitBadInput, "give the token on standard input, or the path of a photo of its QR code", "%w: %s", err, what)
	}
	return err
}

// connectError explains a failed connection: what happened, and what may
// help given the candidates each side offered. With -v it lists what was
// tried first.
func (s *session) connectError(what string, err error) error {
	if s.ctx.Err() != nil {
		return s.interrupted()
	}
	if errors.Is(err, peer.ErrAnswered) {
		return s.answeredError(what, err)
	}
	var ce *peer.ConnectError
	if errors.As(err, &ce) {
		if s.f.verbose {
			for _, pair := range ce.Pairs {
				s.st.say("qrtc -v: candidate pair tried: %s", pair)
			}
		}
		return withTodo(exitNoConnect, connectAdvice(ce.LocalTypes, ce.RemoteTypes), reword(err,
			"qrtc: %s: %s (this side offered %s candidates, the other side %s; %d pairs tried%s)",
			what, ce.Reason, typesOrNo(ce.LocalTypes), typesOrNo(ce.RemoteTypes), len(ce.Pairs), verboseHint(s.f.verbose)))
	}
	local, remote := sdpCandidates(strings.Join(s.p.LocalCandidates(), "\n")), sdpCandidates(s.remoteSDP)
	if s.f.verbose {
		s.st.say("qrtc -v: candidates: this side [%s], the other side [%s]", listOrNone(local), listOrNone(remote))
	}
	advice := connectAdvice(nil, nil)
	if s.waitCtx.Err() != nil {
		if s.answering {
			advice = "check that the other side pasted this answer; " + advice
		}
		return withTodo(exitNoConnect, advice, reword(err, "qrtc: %s: timed out: no connection within %s (--timeout; %d candidates here, %d there%s)",
			what, inWords(s.f.timeout), len(local), len(remote), verboseHint(s.f.verbose)))
	}
	return withTodo(exitNoConnect, advice, reword(err, "qrtc: %s: %s (%d candidates here, %d there%s)", what, forPeople(err.Error()), len(local), len(remote), verboseHint(s.f.verbose)))
}

// verboseHint points at -v in a list of what was tried, unless -v is on.
func verboseHint(verbose bool) string {
	if verbose {
		return ", listed above"
	}
	return "; -v lists them"
}

// typesOrNo joins candidate types ("host+srflx"), or says "no".
func typesOrNo(types []string) string {
	if len(types) == 0 {
		return "no"
	}
	return strings.Join(types, "+")
}

// connectAdvice says what may connect two sides that offered these
// candidate types (nil when unknown).
func connectAdvice(local, remote []string) string {
	switch {
	case slices.Contains(local, "relay") || slices.Contains(remote, "relay"):
		return "even the relay was not reachable: check that both sides reach the TURN server with the right credentials"
	case slices.Contains(local, "srflx") && slices.Contains(remote, "srflx"):
		return "a NAT or firewall blocks direct traffic: use a TURN relay on both sides (--turn turn:HOST:PORT --turn-user NAME)"
	}
	return "if the computers are on different networks, add --stun stun:HOST:PORT or a TURN relay (--turn) on both sides"
}

// listOrNone joins a list with commas, or says "none".
func listOrNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// sdpCandidates lists the candidates of an SDP (or of candidate lines) as "address:port type".
func sdpCandidates(sdp string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(sdp, "\n") {
		l = strings.TrimPrefix(strings.TrimSpace(l), "a=")
		v, ok := strings.CutPrefix(l, "candidate:")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) < 8 {
			continue
		}
		c := fmt.Sprintf("%s %s %s", strings.ToLower(f[2]), net.JoinHostPort(f[4], f[5]), f[7])
		if !seen[c] { // the same address for RTP and RTCP components
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// writeFileAtomic writes data to a temporary file beside path, flushes it to
// disk, renames it into place and flushes the directory, so that a reader
// never sees half a file, even after a crash.
func writeFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(0o600)
	}
	if werr == nil {
		werr = f.Sync() // the data is on disk before the name points to it
	}
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return werr
	}
	return syncDir(dir)
}

// syncDir flushes a directory, so that a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	serr := d.Sync()
	cerr := d.Close()
	if serr != nil {
		return serr
	}
	return cerr
}
