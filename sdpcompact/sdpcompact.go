package sdpcompact

import "errors"

// Type says whether a description is an offer or an answer.
type Type int

// The two types of session description qrtc carries.
const (
	Offer Type = iota + 1
	Answer
)

// String returns "offer" or "answer".
func (t Type) String() string {
	switch t {
	case Offer:
		return "offer"
	case Answer:
		return "answer"
	}
	return "unknown"
}

// Description is a session description: its type and its SDP text.
type Description struct {
	Type Type
	SDP  string
}

var errTODO = errors.New("sdpcompact: not implemented yet")

// ParseDescription reads the JSON form {"type":"offer","sdp":"..."} or raw SDP.
func ParseDescription(text string) (Description, error) { return Description{}, errTODO }

// Encode turns a description into a token.
func Encode(d Description) (string, error) { return "", errTODO }

// Decode turns a token back into a description.
func Decode(token string) (Description, error) { return Description{}, errTODO }

// LooksLikeToken reports whether s starts like a qrtc token.
func LooksLikeToken(s string) bool { return false }

// NewICECredentials returns an ICE ufrag and password that pack into 128 bits.
func NewICECredentials() (ufrag, pwd string, err error) { return "", "", errTODO }
