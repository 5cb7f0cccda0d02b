#!/usr/bin/env bash
# Build-speed benchmark: podsmith vs. an equivalent minimal Hugo site.
#
#   bash benches/synth.sh [N...]          (default: 100 1000 10000)
#
# For each N: generates a synthetic show (benches/synth/synth.py) and measures,
# with /usr/bin/time -v (peak RSS) and date +%s%N (wall time, ms resolution):
#   cold  - `podsmith build` after deleting .podsmith-cache and the output
#   warm  - the same with the cache present: WARM_RUNS runs, median
#   edit  - a build right after appending a line to one episode's Markdown
#           (`serve` rebuilds the whole site on a change, so a plain second
#           build is the measure): EDIT_RUNS runs, median
#   hugo  - `hugo --quiet` on the same show: HUGO_RUNS runs, median
# Each build is killed after BUILD_TIMEOUT seconds (default 300).
# Needs: cargo, python3, espeak-ng + lame (once, for the MP3), hugo, GNU time.
# Env: CARGO_TARGET_DIR, SYNTH_DIR (default $CARGO_TARGET_DIR/synth).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
work="${SYNTH_DIR:-$CARGO_TARGET_DIR/synth}"
warm_runs="${WARM_RUNS:-3}"
edit_runs="${EDIT_RUNS:-3}"
hugo_runs="${HUGO_RUNS:-3}"
timeout_s="${BUILD_TIMEOUT:-300}"
[ $# -gt 0 ] || set -- 100 1000 10000

(cd "$root" && cargo build --release --quiet)
bin="$CARGO_TARGET_DIR/release/podsmith"
mkdir -p "$work"

# One ~20 s MP3, made once and copied per episode by synth.py.
mp3="$work/episode.mp3"
if [ ! -s "$mp3" ]; then
    text="This is a synthetic episode of a podcast made for measuring how fast the site builds."
    espeak-ng -v en-us -s 120 -w "$work/speech.wav" "$text $text $text"
    lame --quiet -m m -b 32 --resample 22.05 --tt "Synth" --ta "Bench" "$work/speech.wav" "$mp3"
    rm -f "$work/speech.wav"
fi

# measure CMD... -> prints "<wall ms> <peak RSS KiB> <user+sys CPU ms>"; fails on failure.
measure() {
    local tf="$work/time.txt" t0 t1
    t0=$(date +%s%N)
    if ! timeout "$timeout_s" /usr/bin/time -v -o "$tf" "$@" >"$work/out.txt" 2>"$work/err.txt"; then
        echo "FAILED ($*):" >&2; tail -20 "$work/err.txt" >&2; tail -5 "$tf" >&2 || true
        return 1
    fi
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 )) $(awk -F': ' '/Maximum resident set size/ {r = $2}
        /User time|System time/ {c += $2} END {printf "%d %d", r, c * 1000}' "$tf")"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
max() { sort -n | tail -1; }
load() { awk '{print $1}' /proc/loadavg; }
sec() { awk -v ms="$1" 'BEGIN {printf "%.3f", ms / 1000}'; }

rows=()
for n in "$@"; do
    dir="$work/n$n"
    echo "== N=$n: generating" >&2
    python3 "$root/benches/synth/synth.py" "$n" "$dir" "$mp3"
    site="$dir/podsmith" hugo_site="$dir/hugo"
    loads=("$(load)")

    rm -rf "$site/.podsmith-cache" "$site/public"
    read -r cold_ms cold_rss _ < <(measure "$bin" build --root "$site" --out "$site/public")
    echo "   cold: ${cold_ms} ms, ${cold_rss} KiB (load $(load))" >&2

    warm=() rss=("$cold_rss") cpu=()
    for _ in $(seq "$warm_runs"); do
        read -r ms kb cms < <(measure "$bin" build --root "$site" --out "$site/public")
        warm+=("$ms"); rss+=("$kb"); cpu+=("$cms")
    done
    warm_ms=$(printf '%s\n' "${warm[@]}" | median)
    cpu_ms=$(printf '%s\n' "${cpu[@]}" | median)
    echo "   warm: ${warm[*]} ms (load $(load))" >&2
    loads+=("$(load)")

    victim="$(ls "$site/content/episodes" | sed -n "$(( (n + 1) / 2 ))p")"
    edits=()
    for k in $(seq "$edit_runs"); do
        printf '\nEdited for the rebuild benchmark, run %s.\n' "$k" >>"$site/content/episodes/$victim"
        read -r ms kb _ < <(measure "$bin" build --root "$site" --out "$site/public")
        edits+=("$ms"); rss+=("$kb")
    done
    edit_ms=$(printf '%s\n' "${edits[@]}" | median)
    echo "   edit: ${edits[*]} ms (load $(load))" >&2
    peak_kb=$(printf '%s\n' "${rss[@]}" | max)

    hugos=() hrss=() hcpu=()
    for _ in $(seq "$hugo_runs"); do
        rm -rf "$hugo_site/public"
        read -r ms kb cms < <(measure hugo --quiet --source "$hugo_site")
        hugos+=("$ms"); hrss+=("$kb"); hcpu+=("$cms")
    done
    hugo_cpu_ms=$(printf '%s\n' "${hcpu[@]}" | median)
    hugo_ms=$(printf '%s\n' "${hugos[@]}" | median)
    hugo_kb=$(printf '%s\n' "${hrss[@]}" | max)
    echo "   hugo: ${hugos[*]} ms (load $(load))" >&2
    loads+=("$(load)")

    per_ep=$(awk -v ms="$warm_ms" -v n="$n" 'BEGIN {printf "%.2f", ms / n}')
    ratio=$(awk -v a="$warm_ms" -v b="$hugo_ms" 'BEGIN {printf "%.2f", a / b}')
    rows+=("| $n | $(sec "$cold_ms") | $(sec "$warm_ms") | $(sec "$cpu_ms") | $per_ep | $(sec "$edit_ms") | $(( peak_kb / 1024 )) | $(sec "$hugo_ms") | $(sec "$hugo_cpu_ms") | $(( hugo_kb / 1024 )) | $ratio | ${loads[*]} |")
done

echo
echo "podsmith $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $(hugo version | awk '{print $1, $2}')"
echo
echo "| N | cold s | warm s (median of $warm_runs) | warm CPU s (user+sys) | warm ms/episode | rebuild after 1 edit s (median of $edit_runs) | podsmith peak RSS MB | Hugo s (median of $hugo_runs) | Hugo CPU s | Hugo peak RSS MB | podsmith warm / Hugo | 1-min load (start, after warm, after Hugo) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
