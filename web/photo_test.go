package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/qr"
)

// photoOf returns a JPEG "photo" of a QR code holding text, as a data URL:
// the code small in a noisy 1600x1200 picture, at JPEG quality 40.
func photoOf(t *testing.T, text string) string {
	t.Helper()
	code, err := qr.Image(text, qr.PNGOptions{ModuleSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	photo := image.NewGray(image.Rect(0, 0, 1600, 1200))
	rng := rand.New(rand.NewPCG(10, 2))
	for i := range photo.Pix {
		photo.Pix[i] = uint8(110 + rng.IntN(60))
	}
	at := image.Pt(530, 310)
	draw.Draw(photo, code.Bounds().Add(at), code, image.Point{}, draw.Src)
	for y := at.Y; y < at.Y+code.Bounds().Dy(); y++ {
		for x := at.X; x < at.X+code.Bounds().Dx(); x++ {
			v := int(photo.GrayAt(x, y).Y) + rng.IntN(50) - 25
			photo.SetGray(x, y, color.Gray{uint8(min(255, max(0, v)))})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, photo, &jpeg.Options{Quality: 40}); err != nil {
		t.Fatal(err)
	}
	return "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

// TestPagePhoto: the page reads "qrtc offer"'s code from a photo chosen in
// its file input (a JPEG of the code in a noisy picture), answers and
// connects; a picture with no code gets an error that says so.
func TestPagePhoto(t *testing.T) {
	blank, err := os.ReadFile("../qr/testdata/images/blank.png")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []browser.Kind{browser.Chromium, browser.Firefox} {
		t.Run(kind.String(), func(t *testing.T) {
			require(t, kind)
			nsA, nsB := twoClients(t)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			h, _ := openPage(t, ctx, nsA, kind, kind.String(), pageOptions{})

			h.do(map[string]any{"photo": "data:image/png;base64," + base64.StdEncoding.EncodeToString(blank)})
			var msg string
			if err := h.next(ctx, "error", &msg); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(msg, "Photo: ") {
				t.Errorf("a photo with no code: the page shows %q, want an error beginning \"Photo: \"", msg)
			}
			t.Logf("%v, a photo with no code: %s", kind, msg)

			q, offer := qrtcOffers(t, ctx, nsB)
			h.do(map[string]any{"photo": photoOf(t, offer)})
			var read struct{ Source, Type string }
			if err := h.next(ctx, "read", &read); err != nil {
				t.Fatal(err)
			}
			if read.Source != "photo" || read.Type != "offer" {
				t.Errorf("the page read %+v, want an offer from the photo", read)
			}
			chatCLI(t, ctx, h, q)
		})
	}
}
