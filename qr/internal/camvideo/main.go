// Command camvideo writes a camera video of a QR code for the page's camera
// tests (package web): a YUV4MPEG2 (.y4m) file that headless Chromium plays
// as its camera (--use-file-for-fake-video-capture), and the same frames as
// PNG files for browsers without a file camera. The video starts with frames
// of a busy scene without a code, then shows the code through the
// distortions of qr's test set (qr/internal/distort): rotated, tilted,
// blurred, noisy, unevenly lit, JPEG-compressed, each in a busy scene.
//
//	go run ./qr/internal/camvideo -text TEXT -o camera.y4m [-png DIR] [-w 1280 -h 720]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/qrtc/qrtc/qr/internal/distort"
)

func main() {
	text := flag.String("text", "", "what the code holds")
	out := flag.String("o", "camera.y4m", "the .y4m `FILE` to write")
	pngDir := flag.String("png", "", "also write every distinct frame as a PNG into `DIR`")
	w := flag.Int("w", 1280, "frame width")
	h := flag.Int("h", 720, "frame height")
	seed := flag.Uint64("seed", 1, "seed of the distortions")
	flag.Parse()
	if *text == "" || *w%2 != 0 || *h%2 != 0 {
		fmt.Fprintln(os.Stderr, "camvideo: give -text, and an even -w and -h")
		os.Exit(2)
	}
	frames, err := makeFrames(*text, *w, *h, *seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "camvideo:", err)
		os.Exit(1)
	}
	if err := writeY4M(*out, frames, *w, *h); err != nil {
		fmt.Fprintln(os.Stderr, "camvideo:", err)
		os.Exit(1)
	}
	if *pngDir != "" {
		for i, f := range frames {
			if i > 0 && frames[i-1] == f {
				continue
			}
			if err := writePNG(filepath.Join(*pngDir, fmt.Sprintf("frame-%03d.png", i)), f); err != nil {
				fmt.Fprintln(os.Stderr, "camvideo:", err)
				os.Exit(1)
			}
		}
	}
}

// makeFrames returns the video's frames at 10 frames a second: a second
// without a code, then each distortion for 0.4 s.
func makeFrames(text string, w, h int, seed uint64) ([]*image.Gray, error) {
	rng := rand.New(rand.NewPCG(seed, 2))
	// Modules of about 6 px at 720p: a version 6 code (41 modules and the
	// quiet zone) is about 300 px, 40 % of the frame's height.
	m := max(2, h/120)
	src, err := distort.QR.Image(text, m)
	if err != nil {
		return nil, err
	}
	code := distort.Gray(src)
	sigma := float64(m)
	looks := []func() *image.Gray{
		func() *image.Gray { return distort.Embed(code, w, h, 1, 20, rng) },
		func() *image.Gray {
			return distort.Embed(distort.Perspective(code, 0.15, rng, 255), w, h, 1, 0, rng)
		},
		func() *image.Gray { return distort.Embed(distort.Blur(code, 0.3*sigma), w, h, 1, 5, rng) },
		func() *image.Gray { return distort.Noise(distort.Embed(code, w, h, 1, -10, rng), 30, rng) },
		func() *image.Gray { return distort.Uneven(distort.Embed(code, w, h, 1, 0, rng), 0.5, rng) },
		func() *image.Gray {
			_, img, err := distort.JPEG(distort.Embed(code, w, h, 1, 30, rng), 30)
			if err != nil {
				return distort.Embed(code, w, h, 1, 30, rng)
			}
			return distort.Gray(img)
		},
	}
	var frames []*image.Gray
	empty := distort.Busy(w, h, rng)
	for range 10 {
		frames = append(frames, empty)
	}
	for _, look := range looks {
		f := look()
		for range 4 {
			frames = append(frames, f)
		}
	}
	return frames, nil
}

// writeY4M writes grey frames as 4:2:0 YUV with neutral chroma.
func writeY4M(path string, frames []*image.Gray, w, h int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	chroma := make([]byte, w/2*h/2)
	for i := range chroma {
		chroma[i] = 128
	}
	for _, fr := range frames {
		bw.WriteString("FRAME\n")
		for y := range h {
			bw.Write(fr.Pix[y*fr.Stride : y*fr.Stride+w])
		}
		bw.Write(chroma)
		bw.Write(chroma)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
