package main

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "corpus")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	var out bytes.Buffer
	if err := run(dir, &out); err != nil {
		t.Fatalf("run = %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(files)+2 {
		t.Fatalf("report has %d lines, want a header, a rule and %d rows:\n%s", len(lines), len(files), out.String())
	}
	for _, row := range lines[2:] {
		cells := strings.Split(strings.Trim(row, "| "), " | ")
		if len(cells) != 6 {
			t.Fatalf("row %q has %d cells, want 6", row, len(cells))
		}
		n := make([]int, 5)
		for i := range n {
			if n[i], err = strconv.Atoi(cells[i+1]); err != nil || n[i] <= 0 {
				t.Fatalf("row %q: cell %d is not a positive number", row, i+2)
			}
		}
		sdp, b64, deflated, token, version := n[0], n[1], n[2], n[3], n[4]
		if b64 <= sdp || token > deflated || version < 1 || version > 40 {
			t.Errorf("row %q: want base64 > SDP, token <= deflate+base64, QR version 1 to 40", row)
		}
	}
	if err := run(t.TempDir(), &out); err == nil {
		t.Error("run(empty directory) = nil, want an error")
	}
}
