//! podsmith against the Podcasting 2.0 namespace's own examples (copies in
//! tests/fixtures/podcast-namespace/, see SOURCES.md there): its transcript
//! checks accept the example transcripts of every format, and the
//! chapters.json it writes has only keys the namespace's example has, with
//! the same JSON types.

use crate::feed_fixture;

use feed_fixture::show;
use serde_json::Value;
use std::collections::BTreeMap;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/podcast-namespace"
);

#[test]
fn the_namespace_example_transcripts_pass_the_checks_and_reach_the_feed() {
    let site = show();
    for ext in ["vtt", "srt", "json", "html"] {
        let text = std::fs::read_to_string(format!("{DIR}/transcripts/example.{ext}")).unwrap();
        site.write(&format!("static/media/one.{ext}"), &text);
    }
    site.build_ok();
    let xml = site.read_out("feed.xml");
    for ty in [
        "text/vtt",
        "application/x-subrip",
        "application/json",
        "text/html",
    ] {
        assert!(
            xml.contains(&format!(
                "type=\"{ty}\" url=\"https://example.org/show/media/one."
            )),
            "{ty}\n{xml}"
        );
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `objects` with the JSON type it has.
fn keys<'a>(objects: impl Iterator<Item = &'a Value>) -> BTreeMap<String, &'static str> {
    objects
        .flat_map(|o| o.as_object().unwrap().iter())
        .map(|(k, v)| (k.clone(), kind(v)))
        .collect()
}

#[test]
fn chapters_json_uses_the_namespace_example_keys_and_types() {
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DIR}/chapters/exampleComplex.json")).unwrap(),
    )
    .unwrap();
    let site = show();
    site.build_ok();
    let ours: Value =
        serde_json::from_str(&site.read_out("episodes/001-first/chapters.json")).unwrap();
    assert_eq!(ours["version"], example["version"]);
    let (top_ours, top_example) = (keys([&ours].into_iter()), keys([&example].into_iter()));
    for (key, ty) in &top_ours {
        assert_eq!(top_example.get(key), Some(ty), "top-level {key}");
    }
    let chapter_keys = keys(example["chapters"].as_array().unwrap().iter());
    let ours_chapters = ours["chapters"].as_array().unwrap();
    assert!(ours_chapters.len() >= 2);
    for (key, ty) in keys(ours_chapters.iter()) {
        // endTime is in the spec (jsonChapters.md: "endTime (optional)"),
        // though the example does not use it.
        let want = if key == "endTime" {
            Some(&"number")
        } else {
            chapter_keys.get(&key)
        };
        assert_eq!(want, Some(&ty), "chapter key {key}");
    }
    // Chapters in order of start time, as the spec asks.
    let starts: Vec<f64> = ours_chapters
        .iter()
        .map(|c| c["startTime"].as_f64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
}
