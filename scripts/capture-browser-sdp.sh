#!/usr/bin/env bash
# Regenerates the browser fixtures sdpcompact/testdata/corpus/{chromium,firefox}-*.json
# by connecting real headless browsers in a network-namespace lab
# (internal/browser/capture), then refreshes sdpcompact's golden tokens so
# that they match the new fixtures. Needs root, iproute2, iptables, chromium
# and firefox-esr. Extra arguments go to the capture tool, e.g.
#   scripts/capture-browser-sdp.sh -only firefox-answer
#   scripts/capture-browser-sdp.sh -only dualstack -dualstack
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./internal/browser/capture -dir sdpcompact/testdata/corpus "$@"
go test ./sdpcompact -run TestGolden -update >/dev/null
echo "fixtures and golden tokens regenerated; review with git diff and commit both"
