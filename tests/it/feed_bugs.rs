//! The feed bugs of issue 19, each shown by a test that failed before its
//! fix (run them against an older binary with `PODSMITH_TEST_BIN=/path`).

use crate::common;
use crate::feed_fixture;

use common::{FixtureSite, SAMPLE_MP3};
use feed_fixture::show;
use rss::Channel;
use std::collections::BTreeSet;

fn read_feed(site: &FixtureSite) -> Channel {
    let text = site.read_out("feed.xml");
    Channel::read_from(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The (group, role) pairs of the namespace's current taxonomy.json
/// (tests/fixtures/podcast-namespace/taxonomy.json, see SOURCES.md there).
fn taxonomy() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/podcast-namespace/taxonomy.json"
    ))
    .unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    entries
        .iter()
        .map(|e| {
            (
                e["group"].as_str().unwrap().to_lowercase(),
                e["role"].as_str().unwrap().to_lowercase(),
            )
        })
        .collect()
}

#[test]
fn every_role_in_the_table_is_spelled_as_the_taxonomy_spells_it() {
    let official = taxonomy();
    let ours: BTreeSet<(String, String)> = podsmith::feed::persons::TAXONOMY
        .iter()
        .flat_map(|(group, roles)| roles.iter().map(|r| (group.to_string(), r.to_string())))
        .collect();
    let missing: Vec<_> = official.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&official).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not in podsmith's table: {missing:?}; not in taxonomy.json: {extra:?}"
    );
}

#[test]
fn a_translation_credit_becomes_the_translator_role() {
    let site = show();
    site.write(
        "content/episodes/001-first.md",
        &site_episode_with_credit("Translation", "Trans Later"),
    );
    site.build_ok();
    let xml = site.read_out("feed.xml");
    assert!(
        xml.contains(
            r#"<podcast:person group="writing" role="translator">Trans Later</podcast:person>"#
        ),
        "{xml}"
    );
    assert!(!xml.contains("translater"), "{xml}");
    // Every person's role and group in the feed is one of the taxonomy's.
    let official = taxonomy();
    let channel = read_feed(&site);
    let persons = channel
        .items
        .iter()
        .flat_map(|i| i.extensions.get("podcast").and_then(|p| p.get("person")))
        .flatten()
        .chain(
            channel
                .extensions
                .get("podcast")
                .and_then(|p| p.get("person"))
                .into_iter()
                .flatten(),
        );
    for p in persons {
        let pair = (p.attrs["group"].clone(), p.attrs["role"].clone());
        assert!(official.contains(&pair), "{pair:?} is not in the taxonomy");
    }
}

fn site_episode_with_credit(role: &str, name: &str) -> String {
    format!(
        r#"+++
title = "First"
date = 2026-01-05T08:00:00Z
season = 1
episode = 1
audio = "one.mp3"
guid = "guid-1"
summary = "The first episode."

[[credits]]
name = "{name}"
role = "{role}"
+++

Notes.
"#
    )
}

#[test]
fn check_warns_about_a_credit_role_that_maps_to_nothing() {
    let site = show();
    site.write(
        "content/episodes/001-first.md",
        &site_episode_with_credit("Snack wrangler", "Crumbs"),
    );
    let out = site.run(&["check"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("\"Snack wrangler\"")
            && text.contains("not in the Podcasting 2.0 person taxonomy"),
        "{text}"
    );
    assert!(text.contains("001-first.md"), "{text}");
}

#[test]
fn footnote_links_in_the_feed_are_absolute_and_unique_per_episode() {
    let site = show();
    let notes = |slug: &str| {
        format!(
            r#"+++
title = "{slug}"
date = 2026-01-0{n}T08:00:00Z
audio = "one.mp3"
guid = "guid-{slug}"
summary = "s"
+++

A claim.[^1] See [the part below](#below).

## Below {{#below}}

[^1]: The source.
"#,
            n = if slug == "fa" { 6 } else { 7 }
        )
    };
    site.write("content/episodes/010-fa.md", &notes("fa"));
    site.write("content/episodes/011-fb.md", &notes("fb"));
    site.build_ok();
    let channel = read_feed(&site);
    for item in &channel.items {
        let html = item.content.as_deref().unwrap_or_default();
        assert!(!html.contains("href=\"#"), "a relative link in {html}");
    }
    let fa = channel
        .items
        .iter()
        .find(|i| i.guid.as_ref().unwrap().value == "guid-fa")
        .unwrap();
    let html = fa.content.as_deref().unwrap();
    assert!(
        html.contains("href=\"https://example.org/show/episodes/010-fa/#below\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://example.org/show/episodes/010-fa/#fn-010-fa-1\""),
        "{html}"
    );
    assert!(html.contains("id=\"fn-010-fa-1\""), "{html}");
    // Each episode's footnote has its own id.
    let fb = site.read_out("episodes/011-fb/index.html");
    assert!(fb.contains("id=\"fn-011-fb-1\""), "{fb}");
    // Both episodes use `[^1]`; their ids differ, so a theme showing both
    // notes on one page has no duplicate id.
    assert!(!fb.contains("id=\"fn-010-fa-1\""), "{fb}");
}

#[test]
fn check_counts_the_audio_of_draft_and_scheduled_episodes_as_used() {
    let site = FixtureSite::basic();
    site.write_bytes("static/media/draft.mp3", SAMPLE_MP3);
    site.write_bytes("static/media/later.mp3", SAMPLE_MP3);
    site.write_bytes("static/media/stray.mp3", SAMPLE_MP3);
    site.write_bytes(
        "static/media/draft.m4a",
        include_bytes!("../fixtures/audio/aac.m4a"),
    );
    site.write(
        "content/episodes/090-draft.md",
        "+++\ntitle = \"Draft\"\ndate = 2026-01-01\naudio = \"draft.mp3\"\nalternate_audio = [\"draft.m4a\"]\ndraft = true\n+++\n\nSoon.\n",
    );
    site.write(
        "content/episodes/091-later.md",
        "+++\ntitle = \"Later\"\ndate = 2999-01-01\naudio = \"later.mp3\"\n+++\n\nMuch later.\n",
    );
    let out = site.run(&["check"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let unused: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("no episode uses this audio file"))
        .collect();
    assert!(
        unused.iter().any(|l| l.contains("stray.mp3")),
        "the stray file is unused: {text}"
    );
    assert!(
        !unused
            .iter()
            .any(|l| l.contains("draft.mp3") || l.contains("later.mp3")),
        "{unused:?}"
    );
}
