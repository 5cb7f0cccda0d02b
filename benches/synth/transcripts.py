#!/usr/bin/env python3
"""Adds a WebVTT transcript beside every MP3 of a synthetic site made by
synth.py, to measure what transcripts cost (the search index's size above
all):

    python3 benches/synth/transcripts.py SITE_DIR [WORDS]

Each transcript has WORDS words (default 4,500: about 30 minutes of
speech) in cues of 12 words from two speakers, drawn from a vocabulary of
20,000 made-up words by a Zipf law (s = 1.1), so that a transcript has
about as many distinct words as an English one of its length (measured:
~1,400). Standard library only; seeded, so two runs give the same bytes.
"""

import os
import random
import sys

def vocabulary(rng, size=20000):
    syllables = [c + v for c in "bcdfghklmnprstvwz" for v in "aeiou"] + ["qu", "th", "sh", "ch", "ing", "er", "an"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words)

def main():
    site = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 4500
    rng = random.Random(20)
    vocab = vocabulary(rng)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(vocab))]
    media = os.path.join(site, "static/media")
    for name in sorted(os.listdir(media)):
        if not name.endswith(".mp3"):
            continue
        words = rng.choices(vocab, weights, k=count)
        lines = ["WEBVTT", ""]
        for i in range(0, count, 12):
            start, end = i // 12 * 4, i // 12 * 4 + 4
            speaker = ("Noor Halvorsen", "A Guest")[(i // 120) % 2]
            stamp = lambda s: f"{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}.000"
            lines += [f"{stamp(start)} --> {stamp(end)}", f"<v {speaker}>" + " ".join(words[i:i + 12]) + ".", ""]
        with open(os.path.join(media, name[:-4] + ".vtt"), "w") as f:
            f.write("\n".join(lines))

if __name__ == "__main__":
    main()
