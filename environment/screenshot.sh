#!/usr/bin/env bash
# Renders an HTML file to a PNG with headless Chromium, to look at reports and galleries as a user would.
# Usage: environment/screenshot.sh PAGE.html OUT.png [WIDTHxHEIGHT]
set -euo pipefail
page=$(readlink -f "$1"); out=$2; size=${3:-1400x2000}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium not found: install Debian's chromium (sudo apt-get install chromium)" >&2
  exit 1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size="${size/x/,}" \
  --virtual-time-budget=5000 --screenshot="$(readlink -f "$(dirname "$out")")/$(basename "$out")" "file://$page" 2>/dev/null
