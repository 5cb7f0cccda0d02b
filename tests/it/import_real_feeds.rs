//! The promise of `podsmith import`, checked on real published feeds
//! (tests/fixtures/feeds/, see its SOURCES.md): after `import` then
//! `build`, the new feed gives apps the same episodes (the same GUIDs, and
//! for each the same enclosure URL, length and type, publication instant,
//! title and duration), and `check --against` the original finds no GUID
//! or enclosure change.

use crate::common;

use podsmith::import::dates::{parse_date, parse_duration};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What apps see of one episode.
#[derive(Debug, PartialEq)]
struct Seen {
    url: String,
    length: u64,
    mime: String,
    instant: Option<i64>,
    title: Option<String>,
    duration: Option<u64>,
    /// `isPermaLink` of the GUID (true when left out, as RSS says).
    permalink: Option<bool>,
}

/// The episodes (items with an enclosure) of a feed by GUID (the
/// enclosure URL when there is none), read with the `rss` crate after
/// podsmith's cleaning pass (the originals need it: BOMs, `&nbsp;`...).
fn episodes(bytes: &[u8]) -> BTreeMap<String, Seen> {
    let text = podsmith::import::clean::clean(bytes, &mut Vec::new());
    let channel = rss::Channel::read_from(text.as_bytes()).expect("readable feed");
    let mut out = BTreeMap::new();
    for item in channel.items() {
        let Some(e) = item.enclosure().filter(|e| !e.url().trim().is_empty()) else {
            continue;
        };
        let guid = item
            .guid()
            .map(|g| g.value().trim().to_string())
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| e.url().trim().to_string());
        let seen = Seen {
            url: e.url().trim().to_string(),
            length: e.length().trim().parse().unwrap_or(0),
            mime: e.mime_type().trim().to_string(),
            instant: item
                .pub_date()
                .and_then(parse_date)
                .map(|(d, _)| d.timestamp()),
            title: item
                .title()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            duration: item
                .itunes_ext()
                .and_then(|i| i.duration())
                .and_then(parse_duration)
                .map(|d| d.round() as u64)
                .filter(|d| *d > 0),
            permalink: item
                .guid()
                .filter(|g| !g.value().trim().is_empty())
                .map(|g| g.is_permalink()),
        };
        // Duplicate GUIDs: the first is kept (as the import does).
        out.entry(guid).or_insert(seen);
    }
    out
}

/// An extension element as text: its name, attributes (sorted) and
/// children, so that two feeds' blocks compare whatever their order.
fn canonical(e: &rss::extension::Extension) -> String {
    let attrs: BTreeMap<&String, &String> = e.attrs().iter().collect();
    let mut children: Vec<String> = e.children().values().flatten().map(canonical).collect();
    children.sort();
    format!("<{} {attrs:?}>{}</>", e.name(), children.join(""))
}

/// Every `podcast:value` block of a feed: the channel's (key `""`) and
/// each item's, by GUID.
fn values(bytes: &[u8]) -> BTreeMap<String, String> {
    let text = podsmith::import::clean::clean(bytes, &mut Vec::new());
    let channel = rss::Channel::read_from(text.as_bytes()).expect("readable feed");
    let of = |ext: &rss::extension::ExtensionMap| {
        ext.get("podcast")
            .and_then(|m| m.get("value"))
            .and_then(|v| v.first())
            .map(canonical)
    };
    let mut out = BTreeMap::new();
    if let Some(v) = of(channel.extensions()) {
        out.insert(String::new(), v);
    }
    for item in channel.items() {
        if let (Some(v), Some(g)) = (of(item.extensions()), item.guid()) {
            out.insert(g.value().trim().to_string(), v);
        }
    }
    out
}

/// Every item's `podcast:transcript` elements, by GUID.
fn transcripts(bytes: &[u8]) -> BTreeMap<String, Vec<String>> {
    let text = podsmith::import::clean::clean(bytes, &mut Vec::new());
    let channel = rss::Channel::read_from(text.as_bytes()).expect("readable feed");
    let mut out = BTreeMap::new();
    for item in channel.items() {
        let list: Vec<String> = item
            .extensions()
            .get("podcast")
            .and_then(|m| m.get("transcript"))
            .into_iter()
            .flatten()
            .map(canonical)
            .collect();
        if let (false, Some(g)) = (list.is_empty(), item.guid()) {
            out.insert(g.value().trim().to_string(), list);
        }
    }
    out
}

/// The channel's `itunes:image` (key `""`) and each item's own, by GUID.
fn images(bytes: &[u8]) -> BTreeMap<String, String> {
    let text = podsmith::import::clean::clean(bytes, &mut Vec::new());
    let channel = rss::Channel::read_from(text.as_bytes()).expect("readable feed");
    let mut out = BTreeMap::new();
    if let Some(i) = channel.itunes_ext().and_then(|i| i.image()) {
        out.insert(String::new(), i.trim().to_string());
    }
    for item in channel.items() {
        if let (Some(i), Some(g)) = (item.itunes_ext().and_then(|i| i.image()), item.guid()) {
            out.insert(g.value().trim().to_string(), i.trim().to_string());
        }
    }
    out
}

fn run(args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new(common::bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run podsmith");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn feeds() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let mut feeds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    feeds.sort();
    feeds
}

#[test]
fn every_real_feed_keeps_its_episodes_through_import_and_build() {
    let feeds = feeds();
    assert!(feeds.len() >= 15, "only {} real feeds", feeds.len());
    let mut failures = Vec::new();
    let mut value_feeds = 0;
    let mut transcribed = 0;
    for feed in &feeds {
        let name = feed.file_stem().unwrap().to_string_lossy().into_owned();
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let (ok, text) = run(
            &[
                "import",
                feed.to_str().unwrap(),
                site.to_str().unwrap(),
                "--offline",
            ],
            tmp.path(),
        );
        if !ok {
            failures.push(format!("{name}: import failed:\n{text}"));
            continue;
        }
        let (ok, text) = run(&["build", "--root", site.to_str().unwrap()], tmp.path());
        if !ok {
            failures.push(format!("{name}: build failed:\n{text}"));
            continue;
        }
        let old = episodes(&std::fs::read(feed).unwrap());
        let new = episodes(&std::fs::read(site.join("public/feed.xml")).unwrap());
        assert!(!old.is_empty(), "{name}: no episodes in the fixture");
        let old_guids: Vec<&String> = old.keys().collect();
        let new_guids: Vec<&String> = new.keys().collect();
        if old_guids != new_guids {
            failures.push(format!(
                "{name}: GUIDs differ:\n old {old_guids:?}\n new {new_guids:?}"
            ));
            continue;
        }
        for (guid, o) in &old {
            let n = &new[guid];
            // A feed without `type` gets one from the file name.
            let same_type = o.mime.is_empty() || o.mime == n.mime;
            // An item without a title is titled from its text.
            let same_title = o.title.is_none() || o.title == n.title;
            // An item without a GUID is known by its enclosure URL.
            let same_permalink = o.permalink.is_none() || o.permalink == n.permalink;
            // An item without a date is dated from the channel's.
            let same_instant = o.instant.is_none() || o.instant == n.instant;
            if o.url != n.url
                || o.length != n.length
                || !same_type
                || !same_instant
                || !same_permalink
                || !same_title
                || o.duration != n.duration
            {
                failures.push(format!("{name}: {guid}:\n old {o:?}\n new {n:?}"));
            }
        }
        // The value-for-value blocks are the same (channel and items).
        let old_values = values(&std::fs::read(feed).unwrap());
        let new_values = values(&std::fs::read(site.join("public/feed.xml")).unwrap());
        if old_values != new_values {
            failures.push(format!(
                "{name}: podcast:value differs:\n old {old_values:#?}\n new {new_values:#?}"
            ));
        }
        // So are the transcripts (remote audio: recorded, published as is).
        let old_transcripts = transcripts(&std::fs::read(feed).unwrap());
        let new_transcripts = transcripts(&std::fs::read(site.join("public/feed.xml")).unwrap());
        if old_transcripts != new_transcripts {
            failures.push(format!(
                "{name}: podcast:transcript differs:\n old {old_transcripts:#?}\n new {new_transcripts:#?}"
            ));
        }
        transcribed += old_transcripts.len();
        // The cover and each item's own art (offline: remote images, the
        // same addresses; an item without art gets the show's).
        let new_images = images(&std::fs::read(site.join("public/feed.xml")).unwrap());
        for (key, url) in images(&std::fs::read(feed).unwrap()) {
            if new_images.get(&key) != Some(&url) {
                failures.push(format!(
                    "{name}: itunes:image of {key:?}: old {url:?}, new {:?}",
                    new_images.get(&key)
                ));
            }
        }
        if name.starts_with("sovereign") {
            value_feeds += 1;
            assert!(old_values.len() > 1, "{name}: {old_values:?}");
        }
        let (_, text) = run(
            &[
                "check",
                "--root",
                site.to_str().unwrap(),
                "--against",
                feed.to_str().unwrap(),
            ],
            tmp.path(),
        );
        for line in text.lines() {
            let broken = [
                "GUID",
                "enclosure URL",
                "no longer in the feed",
                "changed",
                "not in the published feed",
            ];
            if broken.iter().any(|b| line.contains(b)) {
                failures.push(format!("{name}: check --against: {line}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(
        value_feeds, 1,
        "the fixture with podcast:value was not checked"
    );
    assert!(
        transcribed >= 2,
        "only {transcribed} items with transcripts checked"
    );
}
