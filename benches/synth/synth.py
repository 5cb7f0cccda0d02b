#!/usr/bin/env python3
"""Makes a synthetic podcast of N episodes, twice: as a podsmith site and as
an equivalent minimal Hugo site (same episodes, same sections).

    python3 benches/synth/synth.py N OUT_DIR MP3

writes OUT_DIR/podsmith/ and OUT_DIR/hugo/. Standard library only;
deterministic (seeded), so two runs give the same bytes.

Each episode: ~1,500 words of notes (headings, paragraphs with links,
bulleted and numbered lists), 5 [[feedback]], 4 [[credits]], 30 supporters,
10 [[chapters]] within the audio's length, 3 tags, and its own MP3 file: a
byte-for-byte copy of MP3 under its own name (podsmith's audio cache keys
on path, size and mtime, so every copy is a separate cache entry and a
separate probe on a cold build).

Hugo cannot read audio files, so its front matter carries the enclosure's
length, type and duration typed in (what a Hugo podcast theme asks of its
users), and the MP3s are not copied into its static/ (Hugo would copy them
byte by byte into public/, while podsmith hard-links them).
"""

import os
import random
import shutil
import sys
import uuid

WORDS = (
    "privacy browser cookie tracker metadata network server signal message "
    "encryption password passkey login device phone doorbell camera router "
    "packet address vendor policy consent banner profile fingerprint storage "
    "account backup cloud update firmware setting permission location contact "
    "the a of to and in that is for it with as was on be at by this from or "
    "quietly simply every small ordinary careful honest clear quick useful "
    "learns reads keeps sends stores shares blocks hides shows asks checks"
).split()

FIRST = ("Aino Bram Carmen Dev Edwin Fatima Gideon Hana Ilse Jonas Kemi Lior "
         "Marguerite Nils Olga Pablo Quinn Rosa Sione Tamsin Ulrich Vera Wen "
         "Xiomara Yusuf Zofia").split()
LAST = ("Virtanen Wit Ruiz Patel Okafor Zahra Marsh Kobayashi Brandt Weber "
        "Adeyemi Ben-David Lamy Ek Petrova Esteban Harper Delgado").split()
TAGS = [f"topic-{i}" for i in range(20)]
AUDIO_SECONDS = 20  # the chapters start at 0, 2, ..., 18 s


def sentence(rng, n=None):
    n = n or rng.randint(8, 18)
    ws = [rng.choice(WORDS) for _ in range(n)]
    ws[0] = ws[0].capitalize()
    return " ".join(ws) + "."


def link(rng, i):
    w = rng.choice(WORDS)
    if rng.random() < 0.3:
        return f"[{w} notes](/episodes/{i:05d}-episode-{i}/)"
    return f"[{w} guide](https://example.org/{w}/{rng.randint(1, 999)})"


def paragraph(rng, i, sentences=5):
    parts = []
    for _ in range(sentences):
        s = sentence(rng)
        if rng.random() < 0.4:
            s = s[:-1] + " (see " + link(rng, rng.randint(1, max(i, 1))) + ")."
        if rng.random() < 0.2:
            s = "*" + s[:-1] + "*."
        parts.append(s)
    return " ".join(parts)


def notes(rng, i):
    """About 1,500 words of Markdown."""
    out = [paragraph(rng, i, 4)]
    for section in range(6):
        out.append(f"## {sentence(rng, 4)[:-1]}")
        out.append(paragraph(rng, i, 6))
        out.append("\n".join(f"- {sentence(rng, 8)[:-1]}, with {link(rng, i)}" for _ in range(4)))
        out.append(paragraph(rng, i, 5))
        out.append("\n".join(f"{k}. {sentence(rng, 10)}" for k in range(1, 4)))
    return "\n\n".join(out) + "\n"


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def people(rng, n):
    return [f"{rng.choice(FIRST)} {rng.choice(LAST)} {k}" for k in range(n)]


def episode_data(i):
    rng = random.Random(i)
    day = i - 1
    return {
        "i": i,
        "stem": f"{i:05d}-episode-{i}",
        "title": f"Episode {i}: {sentence(rng, 4)[:-1]}",
        "date": f"{2000 + day // 336:04d}-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}T08:00:00Z",
        "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"synth-{i}")),
        "summary": sentence(rng, 20),
        "tags": rng.sample(TAGS, 3),
        "supporters": people(rng, 30),
        "chapters": [(2 * k, f"Part {k + 1}: {sentence(rng, 3)[:-1]}",
                      f"https://example.org/ch/{i}/{k}" if k % 3 == 0 else None) for k in range(10)],
        "feedback": [(f, "email" if k % 2 else "Patreon", f"{f} wrote about *{rng.choice(WORDS)}*:",
                      paragraph(rng, i, 3)) for k, f in enumerate(people(rng, 5))],
        "credits": [(n, r, f"https://example.org/people/{k}") for k, (n, r) in
                    enumerate(zip(people(rng, 4), ["Audio editing", "Theme music", "Research", "Audio hosting"]))],
        "notes": notes(rng, i),
    }


def front_common(e):
    lines = [
        f"title = {q(e['title'])}",
        f"date = {e['date']}",
        f"summary = {q(e['summary'])}",
        "tags = [" + ", ".join(q(t) for t in e["tags"]) + "]",
        "supporters = [" + ", ".join(q(s) for s in e["supporters"]) + "]",
    ]
    return lines


def tables(e):
    lines = []
    for start, title, url in e["chapters"]:
        lines += ["", "[[chapters]]", f"start = {start}", f"title = {q(title)}"]
        if url:
            lines.append(f"url = {q(url)}")
    for frm, via, intro, quote in e["feedback"]:
        lines += ["", "[[feedback]]", f"from = {q(frm)}", f"via = {q(via)}",
                  f"intro = {q(intro)}", f"quote = {q(quote)}"]
    for name, role, url in e["credits"]:
        lines += ["", "[[credits]]", f"name = {q(name)}", f"role = {q(role)}", f"url = {q(url)}"]
    return lines


PODCAST_TOML = """title = "Synthetic Show"
description = "A generated show for build benchmarks."
base_url = "https://synth.example.org/"
language = "en"
author = "Bench Host"
explicit = false
categories = ["Technology"]
episodes_per_page = 10

[owner]
name = "Bench Host"
email = "host@synth.example.org"

[[funding]]
url = "https://example.org/support"
text = "Support the show"
"""

HUGO_CONFIG = """baseURL = "https://synth.example.org/"
title = "Synthetic Show"
languageCode = "en"
paginate = 10
disableKinds = ["section"]
[taxonomies]
tag = "tags"
[outputs]
home = ["HTML", "RSS"]
page = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]
[markup.goldmark.extensions]
footnote = true
table = true
strikethrough = true
taskList = true
typographer = true
[params]
author = "Bench Host"
"""

HUGO_SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
<meta name="description" content="{{ .Params.summary }}"></head><body>
<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }} · {{ .Params.duration }}</p>
<p>{{ .Params.summary }}</p>
<audio controls preload="none" src="{{ .Params.audio_url }}"></audio>
<p><a href="{{ .Params.audio_url }}">Download ({{ .Params.audio_length }} bytes)</a></p>
<section><h2>Chapters</h2><ol>{{ range .Params.chapters }}<li><a href="{{ $.Params.audio_url }}#t={{ .start }}">{{ .start }} {{ .title }}</a>{{ with .url }} <a href="{{ . }}">link</a>{{ end }}</li>{{ end }}</ol></section>
<section>{{ .Content }}</section>
<section><h2>Feedback</h2>{{ range .Params.feedback }}<figure><figcaption>{{ .from }} via {{ .via }}: {{ .intro | markdownify }}</figcaption><blockquote>{{ .quote | markdownify }}</blockquote></figure>{{ end }}</section>
<section><h2>Support the show</h2><ul><li><a href="https://example.org/support">Support the show</a></li></ul></section>
<section><h2>Credits</h2><ul>{{ range .Params.credits }}<li>{{ .role }}: <a href="{{ .url }}">{{ .name }}</a></li>{{ end }}</ul></section>
<section><h2>Supporters</h2><ul>{{ range .Params.supporters }}<li>{{ . }}</li>{{ end }}</ul></section>
{{ with .Params.tags }}<p>{{ range . }}<a href="{{ ("tags/" | relURL) }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>{{ end }}
</article></body></html>
"""

HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head><body>
<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="{{ .Permalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}<p>{{ .Params.summary }}</p></li>{{ end }}</ul>
{{ with .Paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
</body></html>
"""

HUGO_RSS = """{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{{ site.Title }}</title><link>{{ site.BaseURL }}</link><description>A generated show for build benchmarks.</description>
<language>en</language><itunes:author>{{ site.Params.author }}</itunes:author>
{{- range where site.RegularPages "Section" "episodes" }}
<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid isPermaLink="false">{{ .Params.guid }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<description>{{ .Params.summary }}</description>
<enclosure url="{{ .Params.audio_url }}" length="{{ .Params.audio_length }}" type="audio/mpeg"/>
<itunes:duration>{{ .Params.duration }}</itunes:duration><itunes:episode>{{ .Params.episode }}</itunes:episode>
<content:encoded>{{ printf "<![CDATA[%s]]>" .Content | safeHTML }}</content:encoded></item>
{{- end }}
</channel></rss>
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    n, out, mp3 = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    mp3_len = os.path.getsize(mp3)
    ps, hu = os.path.join(out, "podsmith"), os.path.join(out, "hugo")
    for d in (ps, hu):
        shutil.rmtree(d, ignore_errors=True)
    write(os.path.join(ps, "podcast.toml"), PODCAST_TOML)
    write(os.path.join(hu, "config.toml"), HUGO_CONFIG)
    write(os.path.join(hu, "layouts/_default/single.html"), HUGO_SINGLE)
    write(os.path.join(hu, "layouts/_default/list.html"), HUGO_LIST)
    write(os.path.join(hu, "layouts/index.html"), HUGO_LIST)
    write(os.path.join(hu, "layouts/_default/rss.xml"), HUGO_RSS)
    write(os.path.join(hu, "content/episodes/_index.md"), "+++\ntitle = \"Episodes\"\n+++\n")
    media = os.path.join(ps, "static/media")
    os.makedirs(media)
    for i in range(1, n + 1):
        e = episode_data(i)
        audio = e["stem"] + ".mp3"
        shutil.copyfile(mp3, os.path.join(media, audio))
        front = [f"episode = {i}", f"guid = {q(e['guid'])}", f"audio = {q(audio)}"] + front_common(e)
        write(os.path.join(ps, "content/episodes", e["stem"] + ".md"),
              "+++\n" + "\n".join(front + tables(e)) + "\n+++\n\n" + e["notes"])
        hfront = [f"episode = {i}", f"guid = {q(e['guid'])}",
                  f"audio_url = {q('https://synth.example.org/media/' + audio)}",
                  f"audio_length = {mp3_len}", f"duration = \"00:00:{AUDIO_SECONDS}\"",
                  f"slug = {q(e['stem'])}"] + front_common(e)
        write(os.path.join(hu, "content/episodes", e["stem"] + ".md"),
              "+++\n" + "\n".join(hfront + tables(e)) + "\n+++\n\n" + e["notes"])


if __name__ == "__main__":
    main()
