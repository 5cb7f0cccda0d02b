#!/usr/bin/env bash
# Import-speed benchmark: `podsmith import` of a synthetic daily show.
#
#   bash benches/import.sh [N]            (default: 3000 items)
#
# Generates a feed of N items (benches/import/feed.py), then RUNS times
# (default 5): imports it into a fresh folder with --offline (no downloads)
# and times it, then builds the imported site once. Prints every import
# time and the median, and the build time.
# Env: CARGO_TARGET_DIR; PODSMITH_BIN to time another binary (default: a
# release build); RUNS; WORK_DIR, the folder to work in (default: a new
# temporary folder; /dev/shm takes the disk out of the measure: creating
# 3,000 files is most of the time on a slow or busy disk).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
n="${1:-3000}"
runs="${RUNS:-5}"
if [ -z "${PODSMITH_BIN:-}" ]; then
    (cd "$root" && cargo build --release --quiet)
    PODSMITH_BIN="$CARGO_TARGET_DIR/release/podsmith"
fi
work="$(mktemp -d "${WORK_DIR:-${TMPDIR:-/tmp}}/podsmith-import-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 "$root/benches/import/feed.py" "$n" > "$work/feed.xml"
echo "feed: $n items, $(wc -c < "$work/feed.xml") bytes"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
times=()
for i in $(seq "$runs"); do
    rm -rf "$work/site"
    t0=$(date +%s%N)
    "$PODSMITH_BIN" import "$work/feed.xml" "$work/site" --offline > /dev/null 2>&1
    t=$(ms "$t0")
    times+=("$t")
    echo "import run $i: $t ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "import median: $median ms ($runs runs)"
t0=$(date +%s%N)
"$PODSMITH_BIN" build --root "$work/site" > /dev/null
echo "build of the imported site: $(ms "$t0") ms ($(ls "$work/site/content/episodes" | wc -l) episodes)"
