package transfer

import (
	"fmt"
	"path"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// partSuffix ends the name of a file being received: ".NAME.qrtc-part".
const partSuffix = ".qrtc-part"

// Limits on names (doc.go, "Safety on the receiving side").
const (
	maxComponent = 200
	maxName      = 4096
)

// windowsChars are the characters Windows forbids in a name (and ":"
// would open an alternate data stream there); other systems allow them.
const windowsChars = `<>:"|?*`

// refuseWindowsChars tells whether CheckName refuses windowsChars: only on
// Windows, where such a name cannot be written as it is.
var refuseWindowsChars = runtime.GOOS == "windows"

// CheckName reports why name cannot be written beneath a receiving folder,
// or nil when it can. The rules (see the package documentation) hold for
// every common file system, so that a folder received here can go on to
// any other computer, except that the characters Windows forbids in names
// are refused only on Windows.
func CheckName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty name")
	case len(name) > maxName:
		return fmt.Errorf("name longer than %d bytes", maxName)
	case !utf8.ValidString(name):
		return fmt.Errorf("not valid UTF-8")
	case strings.HasPrefix(name, "/"):
		return fmt.Errorf("absolute path")
	case strings.Contains(name, `\`):
		return fmt.Errorf("backslash in the name")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("control character %U in the name", r)
		}
	}
	for _, c := range strings.Split(name, "/") {
		switch {
		case c == "":
			return fmt.Errorf("empty path component")
		case c == "." || c == "..":
			return fmt.Errorf("%q component leads out of place", c)
		case len(c) > maxComponent:
			return fmt.Errorf("a component longer than %d bytes", maxComponent)
		case strings.HasSuffix(c, ".") || strings.HasSuffix(c, " "):
			return fmt.Errorf("component %q ends with a dot or a space", c)
		case isDeviceName(c):
			return fmt.Errorf("component %q is a device name on Windows", c)
		case refuseWindowsChars && strings.ContainsAny(c, windowsChars):
			return fmt.Errorf("component %q has a character Windows forbids", c)
		}
	}
	if strings.HasSuffix(name, partSuffix) {
		return fmt.Errorf("ends in %q, which qrtc keeps for unfinished files", partSuffix)
	}
	return nil
}

// isDeviceName reports whether a path component names a Windows device:
// CON, PRN, AUX, NUL, COM0-9, LPT0-9 (also with superscript digits), in any
// case, with or without an extension.
func isDeviceName(c string) bool {
	base, _, _ := strings.Cut(c, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) >= 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		switch base[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// checkLinkTarget reports why a symbolic link called name with this target
// could lead outside the receiving folder, or nil. isLink tells whether a
// path beneath the folder is another link (of the same transfer, or one
// already in the folder): a target that passes through one is refused,
// since the operating system follows that link before it applies a later
// "..", which a purely textual check would cancel ("deep/b/.." is not
// "deep" when deep/b is a link to "..").
func checkLinkTarget(name, target string, isLink func(p string) bool) error {
	switch {
	case target == "":
		return fmt.Errorf("empty link target")
	case strings.HasPrefix(target, "/"):
		return fmt.Errorf("link to an absolute path %q", target)
	case strings.Contains(target, `\`):
		return fmt.Errorf("backslash in the link target %q", target)
	}
	for _, r := range target {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("control character %U in the link target", r)
		}
	}
	var at []string // where the target leads, component by component
	if dir := path.Dir(name); dir != "." {
		at = strings.Split(dir, "/")
	}
	for _, c := range strings.Split(target, "/") {
		switch c {
		case "", ".":
		case "..":
			if len(at) == 0 {
				return fmt.Errorf("link %q leads outside the folder", target)
			}
			at = at[:len(at)-1]
		default:
			at = append(at, c)
			if isLink(strings.Join(at, "/")) {
				return fmt.Errorf("link %q goes through another link (of this transfer, or already in the folder), which the system would follow first", target)
			}
		}
	}
	return nil
}

// collisionKey is the name as case-insensitive and normalisation-
// insensitive file systems (macOS, Windows) see it: two names with the same
// key would be one file there.
func collisionKey(name string) string {
	return norm.NFC.String(cases.Fold().String(norm.NFD.String(name))) // a Caser is not safe for concurrent use
}

// tempName is the temporary name of a file being received: ".NAME.qrtc-part"
// beside it.
func tempName(name string) string {
	dir, base := path.Split(name)
	return dir + "." + base + partSuffix
}
