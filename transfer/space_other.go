//go:build !unix

package transfer

// freeSpace returns -1: this system's free space is not checked.
func freeSpace(string) (int64, error) { return -1, nil }
