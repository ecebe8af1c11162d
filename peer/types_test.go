package peer_test

import "github.com/pion/webrtc/v4"

type webrtcICEServer = webrtc.ICEServer
