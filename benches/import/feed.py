#!/usr/bin/env python3
"""A synthetic feed of N items (a daily show), for timing `podsmith import`.

    python3 benches/import/feed.py N > feed.xml

Each item has what real hosts write: a GUID, an RFC 822 date, an HTML
`content:encoded` with a link, a list and an entity, `itunes:duration`
(alternating H:MM:SS and seconds), an episode number, and an enclosure.
"""
import sys
from datetime import datetime, timedelta, timezone

n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
start = datetime(2016, 1, 1, 6, 0, tzinfo=timezone(timedelta(hours=-5)))
out = sys.stdout
out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
out.write('<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
          'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:podcast="https://podcastindex.org/namespace/1.0">\n<channel>\n')
out.write('<title>Daily Synthetic</title><link>https://daily.example.org/</link>\n')
out.write('<description>A daily show for measuring imports.</description><language>en</language>\n')
out.write('<itunes:author>Bench</itunes:author><itunes:category text="News"/>\n')
out.write('<itunes:owner><itunes:name>Bench</itunes:name><itunes:email>bench@example.org</itunes:email></itunes:owner>\n')
out.write('<podcast:guid>2f1c6c86-6d8e-5a3f-9d39-0d8a3c1e4a11</podcast:guid>\n')
for i in range(n, 0, -1):
    day = start + timedelta(days=i - 1)
    date = day.strftime('%a, %d %b %Y %H:%M:%S -0500')
    seconds = 600 + (i * 37) % 3000
    duration = str(seconds) if i % 2 else '%d:%02d:%02d' % (seconds // 3600, seconds // 60 % 60, seconds % 60)
    out.write(
        f'<item><title>Day {i}: the news &amp; more</title>'
        f'<guid isPermaLink="false">daily-{i:05d}</guid><pubDate>{date}</pubDate>'
        f'<itunes:episode>{i}</itunes:episode><itunes:duration>{duration}</itunes:duration>'
        f'<description>Summary of day {i}.</description>'
        f'<content:encoded><![CDATA[<p>Today&nbsp;on <em>Daily</em>: '
        f'<a href="https://example.org/{i}">story {i}</a>.</p>'
        f'<ul><li>First</li><li>Second</li></ul><p>Line one<br>line two</p>]]></content:encoded>'
        f'<enclosure url="https://cdn.example.org/daily/{i:05d}.mp3" length="{1000000 + i}" type="audio/mpeg"/>'
        f'</item>\n')
out.write('</channel>\n</rss>\n')
