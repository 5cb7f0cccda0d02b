#!/usr/bin/env bash
# Remakes the demo show's episode audio: a few seconds of synthetic speech per
# episode (espeak-ng), encoded by lame as small mono MP3s with ID3 tags.
# Needs espeak-ng and lame (Debian: apt-get install espeak-ng lame).
# Run from anywhere: bash static/media/make-demo-audio.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

show="Quiet Circuit"
host="Noor Halvorsen"

# make FILE TITLE VOICE TEXT
make() {
    local file="$1" title="$2" voice="$3" text="$4"
    espeak-ng -v "$voice" -s 165 -w "$tmp/speech.wav" "$text"
    lame --quiet -m m -b 32 --resample 22.05 \
        --tt "$title" --ta "$host" --tl "$show" --ty 2026 \
        "$tmp/speech.wav" "$file"
    echo "$file: $(wc -c <"$file") bytes"
}

make 001-the-envelope-problem.mp3 "The envelope problem" en-gb \
    "Welcome to Quiet Circuit, episode one. This week: the envelope problem, or why metadata says more than the letter inside."

make 002-your-browser-has-a-face.mp3 "Your browser has a face" en-us \
    "This is Quiet Circuit, episode two. Your browser has a face, and websites are very good at recognising it."

make 003-passkeys-without-panic.mp3 "Passkeys without panic" en-gb \
    "Quiet Circuit, episode three. Passkeys without panic: what replaces the password, and what to do when you lose your phone."

make 004-mailbag-smart-doorbells.mp3 "Mailbag: smart doorbells and shared streets" en-us \
    "A bonus Quiet Circuit. Your letters about smart doorbells, shared streets, and the neighbours who never agreed to be filmed."
