//go:build unix

package transfer

import "golang.org/x/sys/unix"

// freeSpace returns the bytes an unprivileged user may still write on the
// file system that holds dir, or -1 when that cannot be known.
func freeSpace(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return -1, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
