package rendezvous

import "github.com/qrtc/qrtc/phrase"

// words are the 256 words of a code: each stands for 8 secret bits. They
// are the words of the verification phrase (phrase.Words): short and common
// English words that are easy to say and hear, and no word is the start of
// another, so the first letters that tell a word apart are enough to type.
// The phrase's list never changes order, so a code keeps its bits between
// versions.
var words = phrase.Words()
