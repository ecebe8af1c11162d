#!/usr/bin/env bash
# The project's test command (README.md, "Development"): formatting, vet, the
# whole test suite under the race detector, then every fuzz target briefly.
#
# Tests that need root, network namespaces or the Debian browsers skip with a
# message when those are missing; .ci/run installs them and sets
# QRTC_REQUIRE_LAB=1 so that nothing is skipped in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-8s}"

echo "== gofmt"
unformatted="$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:" >&2
	echo "$unformatted" >&2
	exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 -timeout 18m ./...

echo "== fuzz (${FUZZTIME} each)"
# Every func FuzzXxx(f *testing.F) in a _test.go file, run one at a time.
grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | sort | while read -r file; do
	pkg="./$(dirname "${file#./}")"
	for name in $(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
		echo "-- $pkg $name"
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg"
	done
done
echo "== all tests passed"
