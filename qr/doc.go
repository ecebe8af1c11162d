// Package qr renders text as QR codes (terminal and PNG) and reads QR codes
// back from images. It knows nothing of what the text means: the payload is
// an opaque string.
//
// # Rendering
//
// WriteTerminal draws a code with Unicode half blocks (two modules per
// character cell: a version-5 code with its 4-module quiet zone is 45
// columns by 23 rows) or, with StyleASCII, with "##" pairs for terminals
// without Unicode. With TerminalOptions.Color it sets explicit black and
// white ANSI colours, so the code is right on dark and light themes alike;
// the caller decides (NO_COLOR, not a terminal), never this package.
// TerminalOptions.BasicColors uses the eight basic ANSI colours instead of
// the 256-colour palette, for terminals such as the Linux console. PNG
// and WritePNGFile draw black-on-white images with a 4-module quiet zone and
// exact module edges; WritePNGFile replaces its file atomically and
// durably, readable by its owner only (mode 0600: the text may be secret).
// All use the smallest QR version that holds the text, alphanumeric mode
// when the text allows it (upper-case letters, digits, " $%*+-./:"), and
// error correction level M unless told otherwise.
//
// # Decoding
//
// Decode, DecodeBytes and DecodeFile read a code from a screenshot or a
// photo: PNG, JPEG, GIF, WebP, BMP or TIFF, at most MaxPixels and at most
// MaxImageBytes of decoded pixels, both checked from the file's header
// before any pixel is decoded. Reading is built on
// gozxing, which it hides. The picture becomes grey levels, and attempts
// run from the cheap and likely to the costly and rare, stopping at the
// first success:
//
//  1. A copy area-averaged down to about 1000 pixels on its longest side
//     (a phone photo is mostly fast to read there), thresholded per block
//     (uneven light), read as dark-on-light and, flipped, light-on-dark (a
//     code on a dark-theme terminal). Finder patterns are located once;
//     neighbouring symbol sizes are tried, and when gozxing rejects the
//     finder patterns because their sizes differ, the most square triple of
//     its candidates is used instead: both rescue strong perspective. The
//     module size measured along pixel rows is corrected for a symbol
//     turned against them (a dense code turned 45 degrees), and the two
//     alignment patterns nearest to where a parallelogram puts the
//     bottom-right one are each tried (under strong perspective the
//     nearest is often a look-alike in the data). Then
//     the whole picture is read as a pure symbol (a clean image the
//     finder-pattern detector misses). When finder patterns are found
//     but no symbol is read, the part of the picture they bound, and the
//     surroundings of other confirmed finder patterns, are read alone,
//     thresholded per block, by Otsu's method and by a histogram (a soft,
//     noisy code in a busy picture; a small code whose finder patterns
//     gozxing skipped after confirming look-alikes). Faint pictures are
//     contrast-stretched and read again, also with one Otsu threshold.
//  2. Finer copies of a large picture, down to full resolution, with the
//     same second looks: a small code in a big picture.
//  3. Terminal screenshots: first the rows and columns without any dark
//     pixel are removed (the gaps a font's line spacing and cell width
//     leave between half blocks; no row or column inside a QR code is all
//     light); then the ink of each glyph grown right and down by a few
//     pixels (gaps in tilted screenshots), morphological closings (ASCII
//     "#" characters) and coarser copies (noise, blur).
//  4. A single global threshold (heavy blur); averages over windows of
//     about a module thresholded by Otsu's method (the texture of ASCII
//     drawings); small soft pictures enlarged twice.
//
// Mirrored codes (selfie cameras) are read by gozxing's decoder directly.
// Byte-mode data comes back as the stored bytes, unless the symbol declares
// a character set (ECI).
//
// # Video frames
//
// DecodeFrame makes only the first of those attempts (and its second
// looks around finder patterns it could not read), on a copy of at most
// 1280 pixels on its longest side, once: 2 to 16 ms a frame, with or
// without a code, where Decode spends up to half a second on a picture
// without one. A camera scanner calls it on every frame and Decode on a
// photo, or on every Nth frame, for the codes the one attempt misses (it
// reads about three quarters of what Decode reads in the distortion set,
// all of the clean, turned, mirrored and unevenly lit codes among them).
// DecodeFrameRGBA and DecodeFrameGray take raw pixels as a browser's
// canvas or a camera's Y plane holds them, so a WebAssembly page hands
// over its buffer without building an image.Image.
//
// On the shared 2-core machine this was written on, Decode takes about
// 20 ms for a 1000x1000 terminal screenshot and about 20 ms for a
// 12-megapixel photo holding a code (135 ms with JPEG decoding, in
// DecodeBytes); a 12-megapixel picture with no code takes about 0.5 s, as
// every attempt runs. See the benchmarks.
package qr
