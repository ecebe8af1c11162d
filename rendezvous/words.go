package rendezvous

// words are the 256 words of a code: each stands for 8 secret bits. They
// are the words of the verification phrase (package peer), short and common
// English words that are easy to say and hear, and no word is the start of
// another, so the first letters that tell a word apart are enough to type.
// Never reorder the list: a code would mean other bits between versions.
var words = [256]string{
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
