package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

const versionHelp = `
Usage: qrtc version [--json]
       qrtc --version

Prints the version of qrtc: the module version ("(devel)" for a build from a
checkout without a tag), the version control revision it was built from (with
"modified" when the checkout had changes), and the Go version and platform.
With --json, the same as one JSON object on stdout.

Example:
  qrtc version
  qrtc version --json | jq -r .revision
`

// versionInfo is what "qrtc version --json" prints.
type versionInfo struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// buildVersion reads the version of this binary from its build information.
func buildVersion() versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// runVersion is "qrtc version" and "qrtc --version".
func runVersion(_ context.Context, st *stdio, args []string) error {
	fs := newFlagSet("version")
	asJSON := fs.Bool("json", false, "print the version as a JSON object")
	pos, err := parseFlags(st, fs, versionHelp, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return failf(exitBadInput, "run \"qrtc version\" alone", "qrtc version: unexpected argument %q", pos[0])
	}
	v := buildVersion()
	if *asJSON {
		return stdoutError(json.NewEncoder(st.out).Encode(v))
	}
	line := "qrtc " + v.Version
	var detail []string
	if v.Revision != "" {
		detail = append(detail, "revision "+v.Revision)
	}
	if v.Time != "" {
		detail = append(detail, v.Time)
	}
	if v.Modified {
		detail = append(detail, "modified")
	}
	if len(detail) > 0 {
		line += " (" + strings.Join(detail, ", ") + ")"
	}
	_, err = fmt.Fprintf(st.out, "%s, built with %s for %s\n", line, v.Go, v.Platform)
	return stdoutError(err)
}

const completionHelp = `
Usage: qrtc completion bash|zsh|fish

Prints a script that completes qrtc's commands and flags (and file names
where a flag or argument takes a file) in the given shell.

Example:
  source <(qrtc completion bash)              # in ~/.bashrc
  qrtc completion zsh > "${fpath[1]}/_qrtc"   # then start a new zsh
  qrtc completion fish > ~/.config/fish/completions/qrtc.fish
`

// listCommands returns the commands table. The table holds the completion
// and man commands, which list the table: set in init, this indirection
// breaks that initialisation cycle.
var listCommands func() []command

func init() { listCommands = func() []command { return commands } }

// commandFlags returns the flags of command c, which its FlagSet holds: the
// command is run with --help to a discarded output.
func commandFlags(c command) []*flag.Flag {
	st := &stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard, getenv: func(string) string { return "" }}
	_ = c.run(context.Background(), st, []string{"--help"}) // errHelpShown
	var flags []*flag.Flag
	if st.flagSet != nil {
		st.flagSet.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	}
	return flags
}

// flagTakesFile reports whether a flag's value is a file name.
func flagTakesFile(f *flag.Flag) bool {
	arg, _ := flag.UnquoteUsage(f)
	return arg == "FILE"
}

// flagTakesValue reports whether a flag needs a value (it is not a switch).
func flagTakesValue(f *flag.Flag) bool {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return false
	}
	return true
}

// shortUsage is the first clause of a flag's usage, for completion menus.
func shortUsage(f *flag.Flag) string {
	_, u := flag.UnquoteUsage(f)
	if i := strings.IndexAny(u, ";("); i > 0 {
		u = u[:i]
	}
	return strings.TrimSpace(u)
}

// runCompletion is "qrtc completion SHELL".
func runCompletion(_ context.Context, st *stdio, args []string) error {
	fs := newFlagSet("completion")
	pos, err := parseFlags(st, fs, completionHelp, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return failf(exitBadInput, "run \"qrtc completion bash\", \"qrtc completion zsh\" or \"qrtc completion fish\"", "qrtc completion: give one shell")
	}
	var b strings.Builder
	switch pos[0] {
	case "bash":
		writeBashCompletion(&b)
	case "zsh":
		writeZshCompletion(&b)
	case "fish":
		writeFishCompletion(&b)
	default:
		return failf(exitBadInput, "give bash, zsh or fish", "qrtc completion: no completion for the shell %q", pos[0])
	}
	_, err = io.WriteString(st.out, b.String())
	return stdoutError(err)
}

func writeBashCompletion(b *strings.Builder) {
	b.WriteString("# bash completion for qrtc; load it with: source <(qrtc completion bash)\n")
	b.WriteString("_qrtc() {\n")
	b.WriteString("\tlocal cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" flags= valued=\n")
	b.WriteString("\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n")
	var names []string
	for _, c := range listCommands() {
		names = append(names, c.name)
	}
	fmt.Fprintf(b, "\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n\t\treturn\n\tfi\n", strings.Join(names, " ")+" --help --version")
	b.WriteString("\tcase \"${COMP_WORDS[1]}\" in\n")
	for _, c := range listCommands() {
		var all, valued []string
		for _, f := range commandFlags(c) {
			all = append(all, flagName(f.Name))
			if flagTakesValue(f) {
				valued = append(valued, flagName(f.Name))
			}
		}
		all = append(all, "--help")
		fmt.Fprintf(b, "\t%s) flags=%q valued=%q ;;\n", c.name, strings.Join(all, " "), strings.Join(valued, " "))
	}
	b.WriteString("\tesac\n")
	b.WriteString("\tif [[ \" $valued \" == *\" $prev \"* ]]; then\n\t\tCOMPREPLY=()\n\t\treturn # a value: files, as -o default gives\n\tfi\n")
	b.WriteString("\tif [[ \"$cur\" == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n\t\treturn\n\tfi\n")
	b.WriteString("\tCOMPREPLY=()\n}\ncomplete -o default -F _qrtc qrtc\n")
}

// zshQuote escapes text for the inside of a single-quoted _arguments spec.
func zshQuote(s string) string {
	r := strings.NewReplacer("'", "'\\''", "[", "\\[", "]", "\\]", ":", "\\:")
	return r.Replace(s)
}

func writeZshCompletion(b *strings.Builder) {
	b.WriteString("#compdef qrtc\n# zsh completion for qrtc: save as _qrtc in a directory of $fpath\n")
	b.WriteString("_qrtc() {\n\tlocal -a cmds\n\tcmds=(\n")
	for _, c := range listCommands() {
		fmt.Fprintf(b, "\t\t'%s:%s'\n", c.name, zshQuote(c.summary))
	}
	b.WriteString("\t)\n\tif (( CURRENT == 2 )); then\n\t\t_describe command cmds\n\t\treturn\n\tfi\n")
	b.WriteString("\tlocal cmd=$words[2]\n\tshift words\n\t(( CURRENT-- ))\n\tcase $cmd in\n")
	for _, c := range listCommands() {
		fmt.Fprintf(b, "\t%s)\n\t\t_arguments -S", c.name)
		for _, f := range commandFlags(c) {
			spec := flagName(f.Name) + "[" + zshQuote(shortUsage(f)) + "]"
			if flagTakesValue(f) {
				arg, _ := flag.UnquoteUsage(f)
				action := " "
				if flagTakesFile(f) {
					action = "_files"
				}
				spec += ":" + zshQuote(arg) + ":" + action
			}
			fmt.Fprintf(b, " \\\n\t\t\t'%s'", spec)
		}
		b.WriteString(" \\\n\t\t\t'*:file:_files'\n\t\t;;\n")
	}
	b.WriteString("\tesac\n}\nif [ \"$funcstack[1]\" = _qrtc ]; then\n\t_qrtc \"$@\"\nelse\n\tcompdef _qrtc qrtc\nfi\n")
}

// fishQuote single-quotes s for fish.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func writeFishCompletion(b *strings.Builder) {
	b.WriteString("# fish completion for qrtc: save as ~/.config/fish/completions/qrtc.fish\n")
	var names []string
	for _, c := range listCommands() {
		names = append(names, c.name)
	}
	b.WriteString("complete -c qrtc -f\n")
	for _, c := range listCommands() {
		fmt.Fprintf(b, "complete -c qrtc -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range listCommands() {
		cond := fishQuote("__fish_seen_subcommand_from " + c.name)
		for _, f := range commandFlags(c) {
			opt := "-l " + f.Name
			if flagName(f.Name)[1] != '-' {
				opt = "-o " + f.Name
			}
			if flagTakesFile(f) {
				opt += " -r -F"
			} else if flagTakesValue(f) {
				opt += " -r"
			}
			fmt.Fprintf(b, "complete -c qrtc -n %s %s -d %s\n", cond, opt, fishQuote(shortUsage(f)))
		}
		switch c.name {
		case "answer", "decode", "scan", "encode":
			fmt.Fprintf(b, "complete -c qrtc -n %s -F\n", cond) // image and token files
		}
	}
}
