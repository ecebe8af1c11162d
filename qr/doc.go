// Package qr renders text as QR codes (terminal and PNG) and reads QR codes
// back from images. It knows nothing of what the text means.
package qr
