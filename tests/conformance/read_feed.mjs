#!/usr/bin/env node
// Parses podcast feeds with two JavaScript consumers, podcast-partytime (the
// Podcasting 2.0 parser of Podcast Index and several apps) and feedsmith,
// and prints what they saw as JSON (one object per feed path given), for
// tests/it/feed_p20_conformance.rs to compare with what podsmith wrote.
//
// Usage: node read_feed.mjs FEED.xml [FEED.xml ...]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const here = new URL(".", import.meta.url).pathname;
const partytime = require(here + "node_modules/podcast-partytime");
const feedsmith = require(here + "node_modules/feedsmith");

const out = [];
for (const path of process.argv.slice(2)) {
  const xml = readFileSync(path, "utf8");
  const seen = {};
  try {
    seen.partytime = partytime.parseFeed(xml);
  } catch (e) {
    seen.partytime = { error: String(e && e.stack || e) };
  }
  try {
    seen.feedsmith = feedsmith.parseRssFeed(xml);
  } catch (e) {
    seen.feedsmith = { error: String(e && e.stack || e) };
  }
  out.push(seen);
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
