package netns

import "errors"

// ErrNoLab means the lab cannot be built on this machine: the process is not
// root, or the ip or iptables command is missing. Run the tests as root with
// iproute2 and iptables installed.
var ErrNoLab = errors.New("netns: network lab unavailable")

// ErrClosed means a Lab was used after Close. Build a new Lab.
var ErrClosed = errors.New("netns: lab already closed")

// ErrBadConfig means a Topology configuration asks for something the lab
// cannot build; the wrapped text names the offending field and value.
var ErrBadConfig = errors.New("netns: invalid topology configuration")
