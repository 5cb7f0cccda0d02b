#!/usr/bin/env bash
# Remakes the screenshots in docs/screenshots/: every page type of the demo
# show at 1280 and 390 px (light), in headless Chromium driven by
# playwright-core (tests/browser/axe.cjs, which checks them with axe-core too),
# and the player bar playing on the archive (tests/browser/playing.cjs).
# Needs the tools of tests/conformance/setup.sh and a built podsmith:
#   cargo build && bash docs/screenshots/make.sh [PATH_TO_PODSMITH]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${1:-${CARGO_TARGET_DIR:-$root/target}/debug/podsmith}"
log="$(mktemp)"
"$bin" serve --port 0 --root "$root" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
    base="$(sed -n 's/^Serving \([^ ]*\).*/\1/p' "$log")"
    [ -n "$base" ] && break
    sleep 0.1
done
[ -n "$base" ] || { cat "$log" >&2; exit 1; }
pages='{"home":"","episode":"episodes/001-the-envelope-problem/","transcript":"episodes/001-the-envelope-problem/transcript/","archive":"archive/","tags":"tags/","tag":"tags/encryption/","supporters":"supporters/","page":"about/","search":"search/?q=metadata","404":"404.html"}'
node "$root/tests/browser/axe.cjs" "$base" "$pages" "$root/docs/screenshots" >/dev/null
node "$root/tests/browser/playing.cjs" "$base" "$root/docs/screenshots"
ls "$root/docs/screenshots"/*.png | wc -l
