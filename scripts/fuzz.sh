#!/usr/bin/env bash
# Runs every fuzz target of the module for a short while (FUZZTIME, default
# 8s each), one at a time: `go test -fuzz` takes one target per run. The last
# step of the test command in README.md, after gofmt, go vet and go test -race.
#
# A run that ends with a bare "context deadline exceeded" and wrote no failing
# input is the Go fuzz coordinator's own race at the -fuzztime boundary
# (go.dev/issue/75804, fixed in Go 1.27; this module is on 1.26), not a
# finding: that target is replayed over its corpus and fuzzed once more. Any
# other failure, and a second such run, fail the script.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-8s}"

# fuzz runs one target, printing its output; it returns go test's exit code,
# or 75 when the run failed only by the coordinator's deadline race.
fuzz() {
	local pkg="$1" name="$2" out status=0
	out="$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1)" || status=$?
	printf '%s\n' "$out"
	if [ "$status" -ne 0 ] &&
		grep -q 'context deadline exceeded' <<<"$out" &&
		! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' <<<"$out"; then
		return 75
	fi
	return "$status"
}

# Every func FuzzXxx(f *testing.F) in a _test.go file.
grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | sort | while read -r file; do
	pkg="./$(dirname "${file#./}")"
	for name in $(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
		echo "-- $pkg $name"
		status=0
		fuzz "$pkg" "$name" || status=$?
		if [ "$status" -eq 75 ]; then
			echo "-- $pkg $name: the fuzz engine's deadline race (go.dev/issue/75804), no input failed; replaying the corpus and fuzzing once more"
			go test -count=1 -run "^${name}\$" "$pkg"
			fuzz "$pkg" "$name"
		elif [ "$status" -ne 0 ]; then
			exit "$status"
		fi
	done
done
