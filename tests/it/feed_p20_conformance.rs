//! The Podcasting 2.0 tags as real consumers read them: podcast-partytime
//! (Podcast Index's parser, used by several apps) and feedsmith, run with
//! Node from tests/conformance/node_modules (`bash tests/conformance/setup.sh`
//! installs them). Ignored by a plain `cargo test`; with `--include-ignored`
//! a missing tool is a failure, never a skip. `PODSMITH_DUMP=DIR` writes
//! what each parser saw to DIR/pt.json and DIR/fs.json, for looking into a
//! failure.

use crate::common;
use crate::p20_fixture;

use common::FixtureSite;
use p20_fixture::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const SETUP: &str = "run `bash tests/conformance/setup.sh` to install podcast-partytime and feedsmith under tests/conformance/node_modules";

/// What podcast-partytime and feedsmith saw in the site's feed.
fn read(site: &FixtureSite) -> (Value, Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    for package in ["podcast-partytime", "feedsmith"] {
        let manifest = dir.join("node_modules").join(package).join("package.json");
        assert!(
            manifest.exists(),
            "{} is missing: {SETUP}",
            manifest.display()
        );
    }
    let feed = site.path("public/feed.xml");
    let out = Command::new("node")
        .arg(dir.join("read_feed.mjs"))
        .arg(&feed)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): {SETUP}"));
    assert!(
        out.status.success(),
        "read_feed.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut all: Vec<Value> =
        serde_json::from_slice(&out.stdout).expect("read_feed.mjs prints JSON");
    let mut seen = all.remove(0);
    let (pt, fs) = (seen["partytime"].take(), seen["feedsmith"].take());
    assert!(pt.get("error").is_none(), "partytime: {}", pt["error"]);
    assert!(fs.get("error").is_none(), "feedsmith: {}", fs["error"]);
    (pt, fs)
}

fn item<'a>(feed: &'a Value, guid: &str) -> &'a Value {
    feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["guid"] == guid)
        .unwrap_or_else(|| panic!("no item {guid} in {feed:#}"))
}

/// The `podcast:<name>` elements of an extension map.
fn tags<'a>(
    ext: &'a rss::extension::ExtensionMap,
    name: &str,
) -> Vec<&'a rss::extension::Extension> {
    ext.get("podcast")
        .and_then(|m| m.get(name))
        .map(|v| v.iter().collect())
        .unwrap_or_default()
}

/// Compares a `podcast:value` as written with what partytime (`pt`) and
/// feedsmith (`fs`, one of `podcast.values`) read.
fn same_value(written: &rss::extension::Extension, pt: &Value, fs: &Value) {
    assert_eq!(pt["type"], written.attrs["type"].as_str());
    assert_eq!(pt["method"], written.attrs["method"].as_str());
    assert_eq!(fs["type"], written.attrs["type"].as_str());
    if let Some(s) = written.attrs.get("suggested") {
        let want: f64 = s.parse().unwrap();
        assert_eq!(pt["suggested"].as_f64(), Some(want));
        assert_eq!(fs["suggested"].as_f64(), Some(want));
    }
    let same_recipients = |ours: &[rss::extension::Extension], pt: &Value, fs: &Value| {
        let (pt, fs) = (pt.as_array().unwrap(), fs.as_array().unwrap());
        assert_eq!(pt.len(), ours.len(), "{pt:?}");
        assert_eq!(fs.len(), ours.len(), "{fs:?}");
        for ((r, p), f) in ours.iter().zip(pt).zip(fs) {
            for v in [p, f] {
                assert_eq!(v["address"], r.attrs["address"].as_str());
                assert_eq!(v["type"], r.attrs["type"].as_str());
                assert_eq!(v["split"].as_i64().unwrap().to_string(), r.attrs["split"]);
                assert_eq!(v["name"].as_str(), r.attrs.get("name").map(String::as_str));
                assert_eq!(
                    v["customKey"].as_str(),
                    r.attrs.get("customKey").map(String::as_str)
                );
            }
            assert_eq!(p["fee"], r.attrs.get("fee").is_some_and(|f| f == "true"));
        }
    };
    let none = Vec::new();
    same_recipients(
        written.children.get("valueRecipient").unwrap_or(&none),
        &pt["recipients"],
        &fs["valueRecipients"],
    );
    let splits = written.children.get("valueTimeSplit").unwrap_or(&none);
    if splits.is_empty() {
        return;
    }
    let (pts, fss) = (
        pt["valueTimeSplits"].as_array().unwrap(),
        fs["valueTimeSplits"].as_array().unwrap(),
    );
    assert_eq!(pts.len(), splits.len());
    assert_eq!(fss.len(), splits.len());
    for ((t, p), f) in splits.iter().zip(pts).zip(fss) {
        for v in [p, f] {
            assert_eq!(
                v["startTime"].as_f64().unwrap(),
                t.attrs["startTime"].parse::<f64>().unwrap()
            );
            assert_eq!(
                v["duration"].as_f64().unwrap(),
                t.attrs["duration"].parse::<f64>().unwrap()
            );
        }
        match t.children.get("remoteItem") {
            Some(remote) => {
                for v in [p, f] {
                    assert_eq!(
                        v["remoteItem"]["feedGuid"],
                        remote[0].attrs["feedGuid"].as_str()
                    );
                    assert_eq!(
                        v["remoteItem"]["itemGuid"],
                        remote[0].attrs["itemGuid"].as_str()
                    );
                    assert_eq!(
                        v["remotePercentage"]
                            .as_i64()
                            .map(|n| n.to_string())
                            .as_deref(),
                        t.attrs.get("remotePercentage").map(String::as_str)
                    );
                }
            }
            None => same_recipients(
                &t.children["valueRecipient"],
                &p["recipients"],
                &f["valueRecipients"],
            ),
        }
    }
}

#[test]
#[ignore = "conformance: needs node with podcast-partytime and feedsmith (tests/conformance/setup.sh)"]
fn partytime_and_feedsmith_read_the_podcasting_2_tags() {
    let site = value_show();
    site.build_ok();
    let (pt, fs) = read(&site);
    if let Ok(dir) = std::env::var("PODSMITH_DUMP") {
        std::fs::write(
            format!("{dir}/pt.json"),
            serde_json::to_string_pretty(&pt).unwrap(),
        )
        .ok();
        std::fs::write(
            format!("{dir}/fs.json"),
            serde_json::to_string_pretty(&fs).unwrap(),
        )
        .ok();
    }
    let xml = site.read_out("feed.xml");
    let channel = rss::Channel::read_from(xml.as_bytes()).unwrap();

    // The show's value block, and each item's (its own, else the show's).
    let show_value = tags(&channel.extensions, "value")[0];
    same_value(show_value, &pt["value"], &fs["podcast"]["values"][0]);
    assert_eq!(channel.items.len(), pt["items"].as_array().unwrap().len());
    let mut own_values = 0;
    for it in &channel.items {
        let guid = it.guid.as_ref().unwrap().value.as_str();
        let (p, f) = (item(&pt, guid), item_fs(&fs, guid));
        match tags(&it.extensions, "value").first() {
            Some(own) => {
                own_values += 1;
                same_value(own, &p["value"], &f["podcast"]["values"][0]);
            }
            // partytime hands the show's block down to items without one.
            None => same_value(show_value, &p["value"], &fs["podcast"]["values"][0]),
        }

        // Persons, with the roles and groups as written.
        let persons = tags(&it.extensions, "person");
        let (pp, fp) = (
            p["podcastPeople"].as_array().cloned().unwrap_or_default(),
            f["podcast"]["persons"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        assert_eq!(pp.len(), persons.len(), "{guid}: {pp:?}");
        assert_eq!(fp.len(), persons.len(), "{guid}: {fp:?}");
        for ((w, p), f) in persons.iter().zip(&pp).zip(&fp) {
            assert_eq!(p["name"].as_str(), w.value.as_deref());
            assert_eq!(f["display"].as_str(), w.value.as_deref());
            for (key, ours) in [("role", &w.attrs["role"]), ("group", &w.attrs["group"])] {
                assert_eq!(
                    p[key].as_str().unwrap().to_lowercase(),
                    *ours,
                    "partytime {key}"
                );
                assert_eq!(
                    f[key].as_str().unwrap().to_lowercase(),
                    *ours,
                    "feedsmith {key}"
                );
            }
            for key in ["href", "img"] {
                assert_eq!(
                    p[key].as_str(),
                    w.attrs.get(key).map(String::as_str),
                    "{key}"
                );
                assert_eq!(
                    f[key].as_str(),
                    w.attrs.get(key).map(String::as_str),
                    "{key}"
                );
            }
        }

        // Alternate enclosures with their sources and integrity.
        let alts = tags(&it.extensions, "alternateEnclosure");
        let pa = p["alternativeEnclosures"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let fa = f["podcast"]["alternateEnclosures"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(pa.len(), alts.len(), "{guid}: {pa:?}");
        assert_eq!(fa.len(), alts.len(), "{guid}: {fa:?}");
        for ((w, p), f) in alts.iter().zip(&pa).zip(&fa) {
            let source = &w.children["source"][0].attrs["uri"];
            assert_eq!(p["source"][0]["uri"], source.as_str());
            assert_eq!(f["sources"][0]["uri"], source.as_str());
            for v in [p, f] {
                assert_eq!(v["type"], w.attrs["type"].as_str());
                assert_eq!(v["length"].as_u64().unwrap().to_string(), w.attrs["length"]);
                assert_eq!(
                    v["bitrate"].as_u64().unwrap().to_string(),
                    w.attrs["bitrate"]
                );
                let integrity = &w.children["integrity"][0].attrs["value"];
                assert_eq!(v["integrity"]["value"], integrity.as_str());
                assert_eq!(v["integrity"]["type"], "sri");
            }
            assert_eq!(p["default"], w.attrs.contains_key("default"));
        }
        if guid == "guid-2" {
            assert_eq!(alts.len(), 3);
        }

        // Transcripts, with their type, language and rel.
        let transcripts = tags(&it.extensions, "transcript");
        let pts = p["podcastTranscripts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let fts = f["podcast"]["transcripts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(pts.len(), transcripts.len(), "{guid}: {pts:?}");
        assert_eq!(fts.len(), transcripts.len(), "{guid}: {fts:?}");
        for ((w, p), f) in transcripts.iter().zip(&pts).zip(&fts) {
            assert_eq!(p["url"], w.attrs["url"].as_str());
            assert_eq!(p["type"], w.attrs["type"].as_str());
            assert_eq!(f["url"], w.attrs["url"].as_str());
            assert_eq!(f["type"], w.attrs["type"].as_str());
            assert_eq!(f["rel"].as_str(), w.attrs.get("rel").map(String::as_str));
            assert_eq!(
                p["language"].as_str(),
                w.attrs.get("language").map(String::as_str)
            );
        }
    }
    assert_eq!(own_values, 1);

    // The rest of the namespace, as both read it.
    let podcast = &fs["podcast"];
    assert_eq!(pt["medium"], "podcast");
    assert_eq!(podcast["medium"], "podcast");
    assert_eq!(pt["license"]["identifier"], "cc-by-4.0");
    assert_eq!(podcast["license"]["display"], "cc-by-4.0");
    for (p, f) in [(&pt["podcastLocation"], &podcast["locations"][0])] {
        assert_eq!(p["name"], "Austin, TX");
        assert_eq!(f["display"], "Austin, TX");
        for v in [p, f] {
            assert_eq!(v["geo"], "geo:30.2672,-97.7431");
            assert_eq!(v["osm"], "R113314");
        }
    }
    let podroll = tags(&channel.extensions, "podroll")[0].children["remoteItem"].clone();
    let (pr, fr) = (
        pt["podroll"].as_array().unwrap(),
        podcast["podroll"]["remoteItems"].as_array().unwrap(),
    );
    assert_eq!(pr.len(), podroll.len());
    assert_eq!(fr.len(), podroll.len());
    for ((w, p), f) in podroll.iter().zip(pr).zip(fr) {
        for v in [p, f] {
            assert_eq!(v["feedGuid"], w.attrs["feedGuid"].as_str());
            assert_eq!(
                v["feedUrl"].as_str(),
                w.attrs.get("feedUrl").map(String::as_str)
            );
        }
    }
    assert_eq!(
        pt["trailers"][0]["url"],
        "https://example.org/show/media/trailer.mp3"
    );
    assert_eq!(pt["trailers"][0]["title"], "Trailer");
    assert_eq!(podcast["trailers"][0]["length"], 25903);
    assert_eq!(pt["podcastTxt"][0]["purpose"], "verify");
    assert_eq!(podcast["txts"][0]["purpose"], "verify");
    assert_eq!(pt["podcastBlocked"], "no");
    assert_eq!(pt["podcastBlockedPlatforms"]["google"], true);
    assert_eq!(pt["podcastBlockedPlatforms"]["amazon"], true);
    assert_eq!(podcast["blocks"].as_array().unwrap().len(), 2);
    assert_eq!(podcast["updateFrequency"]["rrule"], "FREQ=WEEKLY");

    let first = channel
        .items
        .iter()
        .find(|i| i.guid.as_ref().unwrap().value == "guid-1")
        .unwrap();
    let (p, f) = (item(&pt, "guid-1"), &item_fs(&fs, "guid-1")["podcast"]);
    let bites = tags(&first.extensions, "soundbite");
    let (pb, fb) = (
        p["podcastSoundbites"].as_array().unwrap(),
        f["soundbites"].as_array().unwrap(),
    );
    assert_eq!(bites.len(), 2);
    assert_eq!(pb.len(), bites.len(), "{pb:?}");
    assert_eq!(fb.len(), bites.len(), "{fb:?}");
    for ((w, p), f) in bites.iter().zip(pb).zip(fb) {
        for v in [p, f] {
            assert_eq!(
                v["startTime"].as_f64().unwrap(),
                w.attrs["startTime"].parse::<f64>().unwrap()
            );
            assert_eq!(
                v["duration"].as_f64().unwrap(),
                w.attrs["duration"].parse::<f64>().unwrap()
            );
        }
        // partytime gives an untitled soundbite the show's title.
        assert_eq!(
            p["title"].as_str(),
            Some(w.value.as_deref().unwrap_or("Feed Show"))
        );
        assert_eq!(f["display"].as_str(), w.value.as_deref());
    }
    assert_eq!(p["podcastLocation"]["name"], "Lisbon");
    assert_eq!(f["locations"][0]["geo"], "geo:38.7223,-9.1393");
    assert_eq!(p["license"]["url"], "https://example.org/license.pdf");
    assert_eq!(f["license"]["display"], "my-license-v1");
    assert_eq!(p["podcastSocialInteraction"][0]["platform"], "activitypub");
    assert_eq!(f["socialInteracts"][0]["protocol"], "activitypub");
    assert_eq!(
        f["socialInteracts"][0]["uri"],
        "https://mastodon.social/@testhost/112233445566"
    );
}

fn item_fs<'a>(feed: &'a Value, guid: &str) -> &'a Value {
    feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["guid"]["value"] == guid)
        .unwrap_or_else(|| panic!("no item {guid} in {feed:#}"))
}
