#!/bin/bash
# Times fresh builds (no output folder, no kept previous output) of one
# site: with the default copies of static files and audio, and with
# `[output] hard_links = true`. Each run builds into a new folder outside
# the site, after `sync`, so the copies of the run before do not weigh on it.
# The site is copied with its audio cache and times kept (`cp -a`): a fresh
# output, not a cold cache.
#
# usage: benches/fresh.sh BINARY SITE_DIR [RUNS]
# prints each run (wall s, user s, sys s, peak RSS KB) and the medians.
# Rebuilds (the everyday case) are timed by benches/ab.sh; serve's edits by
# benches/serve-rebuild.py.
set -euo pipefail
bin=$1 site=$2 runs=${3:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$site" "$work/site"
linked="$work/linked"
cp -a "$site" "$linked"
printf '\n[output]\nhard_links = true\n' >>"$linked/podcast.toml"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for kind in copies links; do
    src="$work/site"
    [ "$kind" = links ] && src="$linked"
    for n in $(seq "$runs"); do
        out="$work/out-$kind-$n"
        sync
        /usr/bin/time -f "$kind %e %U %S %M" "$bin" build --root "$src" --out "$out" 2>&1 >/dev/null | tail -1
        rm -rf "$out" "$work/.podsmith-previous-out-$kind-$n"
    done
done | tee "$work/runs"
for kind in copies links; do
    wall=$(awk -v k="$kind" '$1 == k { print $2 }' "$work/runs" | median)
    rss=$(awk -v k="$kind" '$1 == k { print $5 }' "$work/runs" | sort -n | tail -1)
    echo "fresh, $kind: median wall $wall s, peak RSS $((rss / 1024)) MB ($runs runs)"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
