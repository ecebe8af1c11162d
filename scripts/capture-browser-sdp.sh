#!/usr/bin/env bash
# Regenerates the browser fixtures sdpcompact/testdata/corpus/{chromium,firefox}-*.json
# by connecting real headless browsers in a network-namespace lab
# (internal/browser/capture). Needs root, iproute2, iptables, chromium and
# firefox-esr.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/browser/capture -dir sdpcompact/testdata/corpus "$@"
