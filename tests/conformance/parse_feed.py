#!/usr/bin/env python3
"""Parses podcast feeds with two real consumers, feedparser and podcastparser,
and prints what they saw as JSON (one object per feed path given), for
tests/it/feed_conformance.rs to compare with what podsmith meant to write.

Usage: parse_feed.py FEED.xml [FEED.xml ...]
"""
import calendar
import json
import sys

import feedparser
import podcastparser


def with_feedparser(path):
    with open(path, "rb") as f:
        data = f.read()
    parsed = feedparser.parse(data)
    feed = parsed.feed
    items = []
    for e in parsed.entries:
        published = e.get("published_parsed")
        items.append({
            "title": e.get("title"),
            "guid": e.get("id"),
            "link": e.get("link"),
            "pubdate_raw": e.get("published"),
            "published": calendar.timegm(published) if published else None,
            "summary": e.get("summary"),
            "content": [c.get("value") for c in e.get("content", [])],
            "enclosures": [
                {"url": x.get("href"), "length": x.get("length"), "type": x.get("type")}
                for x in e.get("enclosures", [])
            ],
            "duration": e.get("itunes_duration"),
            "episode": e.get("itunes_episode"),
            "season": e.get("itunes_season"),
            "episode_type": e.get("itunes_episodetype"),
            "chapters": e.get("podcast_chapters"),
        })
    return {
        "bozo": int(parsed.get("bozo", 0)),
        "bozo_exception": str(parsed.get("bozo_exception", "")),
        "version": parsed.get("version"),
        "title": feed.get("title"),
        "link": feed.get("link"),
        "language": feed.get("language"),
        "image": (feed.get("image") or {}).get("href"),
        "author": feed.get("author"),
        "items": items,
    }


def with_podcastparser(path):
    with open(path, "rb") as f:
        parsed = podcastparser.parse("file://" + path, f)
    items = []
    for e in parsed.get("episodes", []):
        items.append({
            "title": e.get("title"),
            "guid": e.get("guid"),
            "link": e.get("link"),
            "published": e.get("published"),
            "description": e.get("description"),
            "description_html": e.get("description_html"),
            "enclosures": [
                {"url": x.get("url"), "length": x.get("file_size"), "type": x.get("mime_type")}
                for x in e.get("enclosures", [])
            ],
            "duration": e.get("total_time"),
            "number": e.get("number"),
            "season": e.get("season"),
            "episode_type": e.get("type"),
            "chapters": e.get("chapters_json_url"),
            # Podlove Simple Chapters (psc:chapters), which gPodder shows.
            "psc_chapters": e.get("chapters"),
            "transcript": e.get("transcript_url"),
            "persons": e.get("persons"),
        })
    return {
        "title": parsed.get("title"),
        "link": parsed.get("link"),
        "cover_url": parsed.get("cover_url"),
        "items": items,
    }


def main(paths):
    out = []
    for path in paths:
        result = {"path": path}
        for name, fn in (("feedparser", with_feedparser), ("podcastparser", with_podcastparser)):
            try:
                result[name] = fn(path)
            except Exception as exc:  # report, do not crash: the test decides
                result[name] = {"error": "%s: %s" % (type(exc).__name__, exc)}
        out.append(result)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
