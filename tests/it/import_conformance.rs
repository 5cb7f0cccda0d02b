//! The promise of `podsmith import`, as real podcast apps' parsers see it:
//! feedparser and podcastparser (gPodder's) read each real feed of
//! tests/fixtures/feeds/ and the feed podsmith builds from its import, and
//! must see the same episodes: the same GUIDs, and for each the same
//! enclosure URL, length and type, publication instant, title and duration.
//! Ignored by a plain `cargo test`; run with `cargo test --
//! --include-ignored` after `bash tests/conformance/setup.sh`, where a
//! missing venv is a failure, never a skip.

use crate::common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SETUP: &str = "run `bash tests/conformance/setup.sh` to create tests/conformance/.venv with feedparser and podcastparser";

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

fn parse(python: &Path, feeds: &[PathBuf]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/parse_feed.py");
    let out = Command::new(python)
        .arg(&script)
        .args(feeds)
        .output()
        .expect("run parse_feed.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).expect("JSON") {
        Value::Array(v) => v,
        other => panic!("unexpected output {other}"),
    }
}

fn squash(v: &Value) -> Option<String> {
    v.as_str()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
}

/// One parser's episodes (items with an enclosure) by GUID, the first of
/// items repeating one kept: (url, length, type, published, title, duration).
/// podcastparser resolves a GUID marked as a permalink against the feed's
/// own address, as a link (`file:///…/feeds/<guid>` here); `base` is that
/// address's folder, taken off again so that feeds in different places
/// compare (on the web the old and the new feed's addresses differ too,
/// which is why gPodder also matches episodes by enclosure URL).
fn episodes(items: &Value, base: &str) -> BTreeMap<String, [Value; 6]> {
    let mut out = BTreeMap::new();
    for item in items.as_array().unwrap() {
        let Some(e) = item["enclosures"].as_array().and_then(|e| e.first()) else {
            continue;
        };
        let url = e["url"].as_str().unwrap_or("").to_string();
        let guid = item["guid"]
            .as_str()
            .filter(|g| !g.trim().is_empty())
            .map(|g| g.trim().strip_prefix(base).unwrap_or(g.trim()).to_string())
            .unwrap_or_else(|| url.clone());
        let length = e["length"]
            .as_u64()
            .or_else(|| e["length"].as_str().and_then(|s| s.trim().parse().ok()))
            .unwrap_or(0);
        out.entry(guid).or_insert([
            Value::from(url),
            Value::from(length),
            e["type"].clone(),
            item["published"].clone(),
            squash(&item["title"]).map_or(Value::Null, Value::from),
            // feedparser gives itunes:duration as written, podcastparser
            // in seconds: both compared in whole seconds.
            item["duration"]
                .as_u64()
                .or_else(|| {
                    item["duration"]
                        .as_str()
                        .and_then(podsmith::import::dates::parse_duration)
                        .map(|d| d.round() as u64)
                })
                .map_or(Value::Null, Value::from),
        ]);
    }
    out
}

#[test]
#[ignore = "conformance: needs the tools of tests/conformance/setup.sh; run with --include-ignored"]
fn apps_see_the_same_episodes_after_import_and_build() {
    let python = python();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let mut feeds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    feeds.sort();
    let tmp = tempfile::tempdir().unwrap();
    let mut pairs = Vec::new();
    for (i, feed) in feeds.iter().enumerate() {
        let site = tmp.path().join(format!("site{i}"));
        for args in [
            vec![
                "import",
                feed.to_str().unwrap(),
                site.to_str().unwrap(),
                "--offline",
            ],
            vec!["build", "--root", site.to_str().unwrap()],
        ] {
            let out = Command::new(common::bin()).args(&args).output().unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        pairs.push(feed.clone());
        pairs.push(site.join("public/feed.xml"));
    }
    let seen = parse(&python, &pairs);
    let mut failures = Vec::new();
    for (pair, feed) in seen.chunks(2).zip(&feeds) {
        let name = feed.file_name().unwrap().to_string_lossy();
        // Items the old feed gave no title (podcastparser makes one up from
        // the file name; the import titles them from their text).
        let untitled: Vec<String> = episodes(&pair[0]["feedparser"]["items"], "")
            .into_iter()
            .filter(|(_, o)| o[4].is_null())
            .map(|(guid, _)| guid)
            .collect();
        for who in ["feedparser", "podcastparser"] {
            let (old, new) = (&pair[0][who], &pair[1][who]);
            assert!(new.get("error").is_none(), "{name}: {who}: {new}");
            if who == "feedparser" {
                assert_eq!(
                    new["bozo"], 0,
                    "{name}: the new feed is broken XML: {}",
                    new["bozo_exception"]
                );
            }
            if old.get("error").is_some() {
                // The new feed reads where the old one did not (podcastparser
                // refuses a blank line before `<?xml`): nothing to compare.
                eprintln!("{name}: {who} cannot read the original: {old}");
                continue;
            }
            let base = |path: &Value| {
                let path = Path::new(path.as_str().unwrap_or(""));
                format!("file://{}/", path.parent().unwrap().display())
            };
            let (old, new) = (
                episodes(&old["items"], &base(&pair[0]["path"])),
                episodes(&new["items"], &base(&pair[1]["path"])),
            );
            if old.keys().collect::<Vec<_>>() != new.keys().collect::<Vec<_>>() {
                failures.push(format!(
                    "{name}: {who}: GUIDs differ: {:?} / {:?}",
                    old.keys(),
                    new.keys()
                ));
                continue;
            }
            for (guid, o) in &old {
                let n = &new[guid];
                let labels = ["url", "length", "type", "published", "title", "duration"];
                for (k, label) in labels.iter().enumerate() {
                    // What the old feed did not say is the import's to choose.
                    let unsaid = o[k].is_null()
                        || o[k] == ""
                        || o[k] == 0
                        || (*label == "title" && untitled.contains(guid));
                    if !unsaid && o[k] != n[k] {
                        failures.push(format!(
                            "{name}: {who}: {guid}: {label} {} became {}",
                            o[k], n[k]
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
