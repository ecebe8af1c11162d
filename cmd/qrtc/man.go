package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

const manHelp = `
Usage: qrtc man

Prints qrtc's manual page in roff, made from the same text as "qrtc --help"
and "qrtc COMMAND --help", so that the two never disagree.

Example:
  qrtc man | man -l -
  qrtc man > /usr/local/share/man/man1/qrtc.1
`

// runMan is "qrtc man".
func runMan(_ context.Context, st *stdio, args []string) error {
	fs := newFlagSet("man")
	pos, err := parseFlags(st, fs, manHelp, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return failf(exitBadInput, "run \"qrtc man\" alone", "qrtc man: unexpected argument %q", pos[0])
	}
	var b strings.Builder
	writeManPage(&b)
	_, err = io.WriteString(st.out, b.String())
	return stdoutError(err)
}

// roff escapes text for roff: backslashes, minus signs (so that flags copy
// as typed), and lines that would start with a control character.
func roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// writeManPage writes the manual page: the main help, then every command's
// help and flags, each kept as the help lays it out.
func writeManPage(b *strings.Builder) {
	v := buildVersion()
	fmt.Fprintf(b, ".TH QRTC 1 \"\" %q \"User Commands\"\n", "qrtc "+v.Version)
	b.WriteString(".SH NAME\nqrtc \\- connect two computers with WebRTC without a signaling server\n")
	b.WriteString(".SH SYNOPSIS\n.B qrtc\n.I COMMAND\n[\\fIflags\\fR] [\\fIarguments\\fR]\n")
	head := strings.TrimSpace(mainHelpHead)
	if i := strings.Index(head, "\nUsage:"); i > 0 {
		head = strings.TrimSpace(head[:i])
	}
	b.WriteString(".SH DESCRIPTION\n" + roff(head) + "\n")
	b.WriteString(".SH COMMANDS\n")
	for _, c := range listCommands() {
		fmt.Fprintf(b, ".TP\n.B %s\n%s\n", roff(c.name), roff(c.summary))
	}
	b.WriteString(".PP\n.nf\n" + roff(strings.Trim(mainHelpTail, "\n")) + "\n.fi\n")
	for _, c := range listCommands() {
		fmt.Fprintf(b, ".SH %s\n", roff(strings.ToUpper("qrtc "+c.name)))
		b.WriteString(".nf\n" + roff(strings.Trim(c.help, "\n")) + "\n.fi\n")
		flags := commandFlags(c)
		if len(flags) == 0 {
			continue
		}
		b.WriteString(".PP\nFlags:\n")
		for _, f := range flags {
			arg, usage := flag.UnquoteUsage(f)
			b.WriteString(".TP\n.B " + roff(flagName(f.Name)))
			if arg != "" {
				b.WriteString(" \\fI" + roff(arg) + "\\fR")
			}
			b.WriteString("\n" + roff(usage) + "\n")
		}
	}
	b.WriteString(".SH SEE ALSO\nThe README at https://github.com/qrtc/qrtc\n")
}
