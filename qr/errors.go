package qr

import "errors"

// ErrEmptyText is returned when asked to encode an empty string: a QR code
// with no content cannot be told apart from a damaged one, so there is
// nothing useful to show.
var ErrEmptyText = errors.New("qr: empty text: give some text to encode")

// ErrTextTooLong is returned when the text does not fit in the largest QR
// code (version 40) at the chosen error-correction level. A lower level
// (LevelL) or a shorter text helps.
var ErrTextTooLong = errors.New("qr: text too long for a QR code")

// ErrInvalidOption is returned for an option value outside its range, such
// as an unknown Level or Style or a negative module size.
var ErrInvalidOption = errors.New("qr: invalid option")

// ErrNotImage is returned when the bytes to decode are not an image in any
// format this package knows (PNG, JPEG, GIF, WebP, BMP, TIFF).
var ErrNotImage = errors.New("qr: not an image: expected a PNG, JPEG, GIF, WebP, BMP or TIFF file")

// ErrUnsupportedFormat is returned for an image format that is recognised
// but cannot be read, such as HEIC or AVIF from a phone camera. Converting
// the picture to PNG or JPEG, or taking a screenshot of it, helps.
var ErrUnsupportedFormat = errors.New("qr: unsupported image format: convert it to PNG or JPEG")

// ErrBadImage is returned when an image file is truncated or corrupt.
var ErrBadImage = errors.New("qr: damaged image file: the file is truncated or corrupt, copy or capture it again")

// ErrImageTooLarge is returned when an image's header claims more pixels
// than MaxPixels or pixels that would take more than MaxImageBytes to
// decode, or a file is larger than MaxFileSize. The check happens
// before any pixel is decoded, so a decompression bomb cannot exhaust
// memory. Scaling the picture down helps.
var ErrImageTooLarge = errors.New("qr: image too large")

// ErrNoCode is returned when no QR code could be read from an image. The
// text carries a hint at what helps.
var ErrNoCode = errors.New("qr: no QR code found in the image: " +
	"try more light, holding the camera closer and straighter, keeping the code in focus, " +
	"or pasting the text token instead")

// ErrBadFrame is returned when the sizes given with a raw frame
// (DecodeFrameRGBA, DecodeFrameGray) do not describe pixels the buffer
// holds: a width or height that is not positive, a stride shorter than a
// row, or a buffer too short for the last row.
var ErrBadFrame = errors.New("qr: bad frame")
