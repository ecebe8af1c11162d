package phrase

// wordList holds 256 short, common English words that are easy to read
// aloud and tell apart; a byte of hash picks one. Never reorder it: the
// phrase of a connection would change between versions.
var wordList = [256]string{
	"acid", "acorn", "actor", "adobe", "agent", "alarm", "album", "alley",
	"amber", "anchor", "angle", "ankle", "apple", "apron", "arena", "arrow",
	"aspen", "atlas", "attic", "audio", "autumn", "avocado", "award", "bacon",
	"badge", "bagel", "baker", "bamboo", "banana", "banjo", "barrel", "basil",
	"basket", "beach", "beacon", "beaver", "bell", "bench", "berry", "bicycle",
	"bison", "blanket", "blossom", "board", "bonfire", "border", "bottle", "brick",
	"bridge", "broom", "bubble", "bucket", "buffalo", "butter", "cabin", "cactus",
	"camel", "camera", "candle", "canoe", "canyon", "carpet", "carrot", "castle",
	"cedar", "cello", "chair", "cheese", "cherry", "chess", "circle", "citrus",
	"cliff", "clock", "cloud", "clover", "cobalt", "cocoa", "coffee", "comet",
	"copper", "coral", "cotton", "cougar", "crane", "crayon", "cricket", "crown",
	"crystal", "cup", "daisy", "dancer", "delta", "desert", "diamond", "dolphin",
	"donkey", "dragon", "drum", "eagle", "echo", "elbow", "elephant", "ember",
	"engine", "falcon", "feather", "fence", "fern", "ferry", "fiddle", "flame",
	"flute", "forest", "fossil", "fountain", "fox", "galaxy", "garden", "garlic",
	"geyser", "ginger", "glacier", "globe", "goose", "granite", "grape", "guitar",
	"hammer", "harbor", "harp", "hazel", "helmet", "heron", "honey", "horizon",
	"iceberg", "igloo", "island", "ivory", "jacket", "jaguar", "jasmine", "jelly",
	"jungle", "kayak", "kettle", "kitten", "koala", "ladder", "lagoon", "lantern",
	"lemon", "leopard", "lily", "lizard", "lobster", "magnet", "mango", "maple",
	"marble", "meadow", "melon", "meteor", "mirror", "mitten", "monkey", "moose",
	"mosaic", "motor", "mountain", "muffin", "napkin", "nectar", "needle", "nest",
	"noodle", "nutmeg", "oasis", "ocean", "olive", "onion", "orange", "orbit",
	"orchid", "otter", "owl", "oyster", "paddle", "palace", "panda", "paper",
	"parrot", "peach", "pebble", "pelican", "pencil", "pepper", "piano", "pillow",
	"pine", "planet", "plum", "pony", "poppy", "prism", "pumpkin", "puzzle",
	"quartz", "quilt", "rabbit", "radar", "radish", "rainbow", "raven", "reef",
	"ribbon", "river", "robin", "rocket", "saddle", "salmon", "sandal", "saturn",
	"shadow", "shell", "silver", "sketch", "sled", "snail", "spider", "spoon",
	"squirrel", "stone", "sugar", "summit", "sunset", "swan", "table", "tiger",
	"tomato", "tractor", "trumpet", "tulip", "turtle", "umbrella", "valley", "velvet",
	"violin", "volcano", "wagon", "walnut", "whale", "willow", "window", "zebra",
}

// Words returns the 256 words of the phrase in their fixed order: word i
// stands for the byte value i. Other formats that spell bytes as words for
// people (the short codes of package rendezvous) use the same list, so a
// person meets one vocabulary. The list never changes order.
func Words() [256]string {
	return wordList
}
