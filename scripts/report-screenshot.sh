#!/usr/bin/env bash
# Renders a ReefCluster HTML report in headless Chromium (Debian's package; scripts/services.sh installs it) and
# saves a screenshot of its first screen: the run's metadata and the registry heatmap.
#   scripts/report-screenshot.sh REPORT.html OUT.png [WIDTH,HEIGHT]
# The flags keep Chromium off the network (this report needs none) and out of the user's profile.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2; exit 2; fi
report="$(realpath "$1")"
out="$(realpath -m "$2")"
size="${3:-1280,1400}"
[ -f "$report" ] || { echo "$report: not found" >&2; exit 3; }
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "chromium not found: run scripts/services.sh" >&2; exit 1; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
sandbox=()
[ "$(id -u)" -ne 0 ] || sandbox=(--no-sandbox)   # Chromium refuses to run its sandbox as root
timeout 120 "$browser" --headless "${sandbox[@]}" --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$size" --screenshot="$out" "file://$report" >/dev/null 2>&1
[ -s "$out" ] || { echo "chromium wrote no screenshot to $out" >&2; exit 1; }
echo "$out"
