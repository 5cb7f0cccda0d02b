//! The feed as real consumers read it: feedparser and podcastparser (the
//! parser of gPodder), run from the venv `bash tests/conformance/setup.sh`
//! creates. Ignored by a plain `cargo test`; run with `cargo test --
//! --include-ignored`, where a missing venv is a failure, never a skip.

use crate::common;
use crate::feed_fixture;
use crate::p20_fixture;

use common::FixtureSite;
use feed_fixture::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const SETUP: &str = "run `bash tests/conformance/setup.sh` to create tests/conformance/.venv with feedparser and podcastparser";

/// The venv's python; panics when it is missing.
fn python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/.venv/bin/python");
    assert!(python.exists(), "{} is missing: {SETUP}", python.display());
    let ok = Command::new(&python)
        .args(["-c", "import feedparser, podcastparser"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "the venv lacks feedparser or podcastparser: {SETUP}");
    python
}

/// What both parsers saw in each feed.
fn parse(python: &Path, feeds: &[&Path]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/parse_feed.py");
    let out = Command::new(python)
        .arg(&script)
        .args(feeds)
        .output()
        .expect("run parse_feed.py");
    assert!(
        out.status.success(),
        "parse_feed.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).expect("parse_feed.py prints JSON") {
        Value::Array(v) => v,
        other => panic!("unexpected output {other}"),
    }
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compares what the parsers saw with what podsmith wrote (read back with
/// the rss crate).
fn compare(feed: &Path, seen: &Value) {
    let xml = std::fs::read(feed).unwrap();
    let channel = rss::Channel::read_from(&xml[..]).unwrap();
    let fp = &seen["feedparser"];
    let pp = &seen["podcastparser"];
    assert!(fp.get("error").is_none(), "feedparser: {fp}");
    assert!(pp.get("error").is_none(), "podcastparser: {pp}");
    assert_eq!(
        fp["bozo"], 0,
        "feedparser reports broken XML: {}",
        fp["bozo_exception"]
    );
    assert_eq!(fp["version"], "rss20");
    assert_eq!(fp["title"], channel.title.as_str());
    assert_eq!(pp["title"], squash(&channel.title).as_str());
    assert_eq!(pp["link"], channel.link.as_str());
    let fp_items = fp["items"].as_array().unwrap();
    let pp_items = pp["items"].as_array().unwrap();
    assert_eq!(fp_items.len(), channel.items.len(), "feedparser item count");
    assert_eq!(
        pp_items.len(),
        channel.items.len(),
        "podcastparser item count"
    );
    for (i, item) in channel.items.iter().enumerate() {
        let (f, p) = (&fp_items[i], &pp_items[i]);
        let guid = item.guid.as_ref().unwrap().value.as_str();
        let ctx = format!("item {guid:?} in {}", feed.display());
        assert_eq!(f["guid"], guid, "{ctx}");
        assert_eq!(p["guid"], guid, "{ctx}");
        let title = item.title.as_deref().unwrap();
        assert_eq!(f["title"], title, "{ctx}");
        assert_eq!(p["title"], squash(title).as_str(), "{ctx}");
        assert_eq!(f["link"], item.link.as_deref().unwrap(), "{ctx}");
        let date = chrono::DateTime::parse_from_rfc2822(item.pub_date.as_deref().unwrap())
            .unwrap()
            .timestamp();
        assert_eq!(f["published"], date, "{ctx}");
        assert_eq!(p["published"], date, "{ctx}");
        let enc = item.enclosure.as_ref().unwrap();
        let length: u64 = enc.length.parse().unwrap();
        for (who, e) in [
            ("feedparser", &f["enclosures"]),
            ("podcastparser", &p["enclosures"]),
        ] {
            let e = &e[0];
            assert_eq!(e["url"], enc.url.as_str(), "{who} {ctx}");
            assert_eq!(e["type"], enc.mime_type.as_str(), "{who} {ctx}");
            let seen_len = e["length"]
                .as_u64()
                .or_else(|| e["length"].as_str().and_then(|s| s.parse().ok()));
            assert_eq!(seen_len, Some(length), "{who} {ctx}");
        }
        let duration = item
            .itunes_ext
            .as_ref()
            .unwrap()
            .duration
            .as_deref()
            .unwrap();
        assert_eq!(f["duration"], duration, "{ctx}");
        assert_eq!(p["duration"].as_u64(), duration.parse().ok(), "{ctx}");
        let it = item.itunes_ext.as_ref().unwrap();
        assert_eq!(
            f["episode_type"],
            it.episode_type.as_deref().unwrap(),
            "{ctx}"
        );
        assert_eq!(
            p["episode_type"],
            it.episode_type.as_deref().unwrap(),
            "{ctx}"
        );
        let description = item.description.as_deref().unwrap();
        assert_eq!(f["summary"], description, "{ctx}");
        let chapters = item
            .extensions
            .get("podcast")
            .and_then(|m| m.get("chapters"))
            .and_then(|v| v.first())
            .and_then(|e| e.attrs.get("url"));
        match chapters {
            Some(url) => {
                assert_eq!(f["chapters"]["url"], url.as_str(), "{ctx}");
                assert_eq!(f["chapters"]["type"], "application/json+chapters", "{ctx}");
                // podcastparser 0.6 only knows the namespace by its old GitHub
                // address, so it does not see podcast:* tags under the
                // spec's https://podcastindex.org/namespace/1.0. It must not
                // misread them either.
                assert!(
                    p["chapters"].is_null() || p["chapters"] == url.as_str(),
                    "{ctx}: {}",
                    p["chapters"]
                );
            }
            None => assert!(f["chapters"].is_null(), "{ctx}"),
        }
        // gPodder reads the inline Podlove Simple Chapters.
        let psc = item
            .extensions
            .get("psc")
            .and_then(|m| m.get("chapters"))
            .and_then(|v| v.first())
            .map(|c| c.children["chapter"].clone())
            .unwrap_or_default();
        let seen = p["psc_chapters"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            seen.len(),
            psc.len(),
            "{ctx}: podcastparser's chapters {seen:?}"
        );
        for (w, s) in psc.iter().zip(&seen) {
            assert_eq!(s["title"], w.attrs["title"].as_str(), "{ctx}");
            // podcastparser gives the start in whole seconds (it drops
            // the milliseconds).
            let npt: Vec<f64> = w.attrs["start"]
                .split(':')
                .map(|p| p.parse().unwrap())
                .collect();
            let seconds = npt[0] * 3600.0 + npt[1] * 60.0 + npt[2];
            assert_eq!(s["start"].as_f64(), Some(seconds.floor()), "{ctx}");
        }
        let content = item.content.as_deref().unwrap();
        assert_eq!(f["content"][0], content, "{ctx}");
        assert_eq!(p["description_html"], content, "{ctx}");
    }
}

#[test]
#[ignore = "conformance: needs the tools of tests/conformance/setup.sh; run with --include-ignored"]
fn fixture_feeds_read_the_same_in_real_apps() {
    let python = python();
    let show = show();
    show.build_ok();
    let basic = FixtureSite::basic();
    basic.build_ok();
    // Every Podcasting 2.0 setting of issue 19 (value, [feed], podroll,
    // soundbites, transcripts, Podlove chapters…): still valid RSS for both.
    let p20 = p20_fixture::value_show();
    p20.build_ok();
    let feeds = [
        show.path("public/feed.xml"),
        basic.path("public/feed.xml"),
        p20.path("public/feed.xml"),
    ];
    let paths: Vec<&Path> = feeds.iter().map(PathBuf::as_path).collect();
    let seen = parse(&python, &paths);
    for (feed, seen) in feeds.iter().zip(&seen) {
        compare(feed, seen);
    }
}

#[test]
#[ignore = "conformance: needs the tools of tests/conformance/setup.sh; run with --include-ignored"]
fn demo_site_feed_reads_the_same_in_real_apps() {
    let python = python();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("podcast.toml").is_file(),
        "the demo site (podcast.toml) is missing from the repository root"
    );
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new(common::bin())
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out_dir.path().join("public"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let feed = out_dir.path().join("public/feed.xml");
    let seen = parse(&python, &[&feed]);
    compare(&feed, &seen[0]);
}

#[test]
#[ignore = "conformance: needs the tools of tests/conformance/setup.sh; run with --include-ignored"]
fn hostile_strings_reach_apps_intact() {
    let python = python();
    let site = show();
    add_nasty_episode(&site);
    site.build_ok();
    let feed = site.path("public/feed.xml");
    let seen = parse(&python, &[&feed]);
    compare(&feed, &seen[0]);
    let find = |who: &str| {
        seen[0][who]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["guid"] == NASTY_GUID)
            .unwrap_or_else(|| panic!("{who} lost the item with GUID {NASTY_GUID:?}"))
            .clone()
    };
    let (f, p) = (find("feedparser"), find("podcastparser"));
    assert_eq!(f["title"], NASTY_TITLE);
    assert_eq!(p["title"], squash(NASTY_TITLE).as_str());
    assert_eq!(f["summary"], NASTY_SUMMARY);
    let content = f["content"][0].as_str().unwrap();
    assert!(content.contains("Notes with ]]&gt; inside"), "{content}");
    assert!(!content.contains('\u{1}'));
    assert_eq!(p["description_html"].as_str(), Some(content));
}
