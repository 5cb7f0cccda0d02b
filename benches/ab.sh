#!/bin/bash
# Times two podsmith binaries on the same site, alternating, warm:
# each builds into its own output folder (outside the site), which it
# recycles from run to run, as `podsmith build` does for public/.
#
# usage: benches/ab.sh BEFORE_BINARY AFTER_BINARY SITE_DIR [RUNS]
# prints each run (wall s, user s, sys s, peak RSS KB) and the medians.
set -euo pipefail
before=$1 after=$2 site=$3 runs=${4:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$site"
for b in before after; do "${!b}" build --out "$out/$b" >/dev/null; done # warm up
for _ in $(seq "$runs"); do
    for b in before after; do
        /usr/bin/time -f "$b %e %U %S %M" "${!b}" build --out "$out/$b" 2>&1 >/dev/null | tail -1
    done
done | tee "$out/runs"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for b in before after; do
    wall=$(awk -v b="$b" '$1 == b { print $2 }' "$out/runs" | median)
    cpu=$(awk -v b="$b" '$1 == b { print $3 + $4 }' "$out/runs" | median)
    rss=$(awk -v b="$b" '$1 == b { print $5 }' "$out/runs" | sort -n | tail -1)
    echo "$b: median wall $wall s, median CPU $cpu s, peak RSS $((rss / 1024)) MB ($runs runs)"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
