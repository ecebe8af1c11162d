package relay

import "errors"

// ErrListenAddr means Config.ListenAddr is not a "host:port" address this
// machine can listen on. Use a form like ":3478" or "192.0.2.10:3478".
var ErrListenAddr = errors.New("relay: bad listen address")

// ErrPublicIP means the server has no usable address to advertise as the
// relayed address: Config.PublicIP is empty while the server listens on every
// interface, or it is not an IPv4 address. Set it to the address other
// machines reach this one at.
var ErrPublicIP = errors.New("relay: no usable public IP")

// ErrUser means a static user in Config.Users has an empty name or an empty
// password.
var ErrUser = errors.New("relay: bad static user")

// ErrPortRange means Config.RelayPortMin and Config.RelayPortMax do not form
// a range: set both (min <= max) or neither.
var ErrPortRange = errors.New("relay: bad relay port range")

// ErrQuota means a negative allocation quota or bandwidth was configured.
var ErrQuota = errors.New("relay: bad quota")

// ErrBandwidth means a bandwidth text given to ParseBandwidth is not a
// number of bytes per second such as "1MB/s", "500kB/s" or "20000".
var ErrBandwidth = errors.New("relay: bad bandwidth")

// ErrListen means the server could not open its listening socket; the
// wrapped text says why (address in use, permission denied...).
var ErrListen = errors.New("relay: cannot listen")

// ErrStart means pion/turn refused the server configuration; the wrapped
// text says why.
var ErrStart = errors.New("relay: cannot start TURN server")

// ErrClose means a socket failed to close cleanly; the server is stopped
// anyway.
var ErrClose = errors.New("relay: close failed")

// ErrPeers means Config.AllowPeers or Config.DenyPeers holds an invalid
// prefix (the zero netip.Prefix). Parse them with netip.ParsePrefix.
var ErrPeers = errors.New("relay: bad peer prefix")
