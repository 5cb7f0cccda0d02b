//! Paged feeds (RFC 5005) with `feed_limit`, the complete `feed-all.xml`,
//! and `[[feeds]]` in other formats (issue 19).

use crate::common;
use crate::feed_fixture;

use common::FixtureSite;
use feed_fixture::{show, SHOW_CONFIG};
use rss::Channel;
use std::collections::BTreeSet;

fn read(site: &FixtureSite, file: &str) -> Channel {
    let text = site.read_out(file);
    Channel::read_from(text.as_bytes()).unwrap_or_else(|e| panic!("{file}: {e}\n{text}"))
}

fn link<'a>(c: &'a Channel, rel: &str) -> Option<&'a str> {
    c.atom_ext
        .as_ref()
        .and_then(|a| a.links.iter().find(|l| l.rel == rel))
        .map(|l| l.href.as_str())
}

fn guids(c: &Channel) -> Vec<String> {
    c.items
        .iter()
        .map(|i| i.guid.as_ref().unwrap().value.clone())
        .collect()
}

/// The fixture show (four episodes with audio) plus `n` more, paged by 2.
fn paged_show(extra: usize) -> FixtureSite {
    let site = show();
    site.write(
        "podcast.toml",
        &SHOW_CONFIG.replace("locked = true", "locked = true\nfeed_limit = 2"),
    );
    for i in 0..extra {
        site.write(
            &format!("content/episodes/05{i}-more.md"),
            &format!(
                "+++\ntitle = \"More {i}\"\ndate = 2025-06-0{}T08:00:00Z\naudio = \"one.mp3\"\nguid = \"guid-more-{i}\"\nsummary = \"s\"\n+++\n\nMore.\n",
                i + 1
            ),
        );
    }
    site
}

#[test]
fn following_next_reaches_every_episode_exactly_once() {
    let site = paged_show(3); // 7 episodes with audio: pages of 2, 2, 2, 1
    site.build_ok();
    let base = "https://example.org/show/";
    let mut seen = Vec::new();
    let mut file = "feed.xml".to_string();
    let mut pages = 0;
    let mut previous: Option<String> = None;
    loop {
        let c = read(&site, &file);
        pages += 1;
        assert!(c.items.len() <= 2, "{file}");
        assert_eq!(link(&c, "self"), Some(format!("{base}{file}").as_str()));
        assert_eq!(link(&c, "first"), Some(format!("{base}feed.xml").as_str()));
        assert_eq!(
            link(&c, "last"),
            Some(format!("{base}feed-page-4.xml").as_str())
        );
        assert_eq!(link(&c, "previous").map(str::to_string), previous);
        seen.extend(guids(&c));
        previous = Some(format!("{base}{file}"));
        match link(&c, "next") {
            Some(next) => file = next.strip_prefix(base).unwrap().to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    let all = read(&site, "feed-all.xml");
    assert_eq!(guids(&all), seen, "pages in order = the archive");
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 7, "{seen:?}");
    assert_eq!(
        link(&all, "self"),
        Some(format!("{base}feed-all.xml").as_str())
    );
    assert_eq!(link(&all, "next"), None);
    // Newest first across pages.
    assert_eq!(seen[0], "guid-bonus");
}

#[test]
fn a_feed_that_fits_on_one_page_has_no_paging_links() {
    let site = show();
    site.write(
        "podcast.toml",
        &SHOW_CONFIG.replace("locked = true", "locked = true\nfeed_limit = 10"),
    );
    site.build_ok();
    let c = read(&site, "feed.xml");
    assert_eq!(c.items.len(), 4);
    for rel in ["first", "last", "next", "previous"] {
        assert_eq!(link(&c, rel), None);
    }
    assert_eq!(guids(&read(&site, "feed-all.xml")), guids(&c));
    assert!(!site.path("public/feed-page-2.xml").exists());
}

#[test]
fn a_feed_in_another_format_prefers_it_where_it_exists() {
    let site = show();
    site.write(
        "podcast.toml",
        &format!("{SHOW_CONFIG}\n[[feeds]]\nname = \"opus\"\nprefer = \"opus\"\n"),
    );
    site.write_bytes(
        "static/media/two.opus",
        include_bytes!("../fixtures/audio/opus.opus"),
    );
    let path = site.path("content/episodes/002-second.md");
    let text = std::fs::read_to_string(path).unwrap();
    site.write(
        "content/episodes/002-second.md",
        &text.replace(
            "audio = \"two.mp3\"",
            "audio = \"two.mp3\"\nalternate_audio = [\"two.opus\"]",
        ),
    );
    site.build_ok();
    let main = read(&site, "feed.xml");
    let opus = read(&site, "feed-opus.xml");
    assert_eq!(
        guids(&main),
        guids(&opus),
        "the same episodes, the same GUIDs"
    );
    assert_eq!(
        link(&opus, "self"),
        Some("https://example.org/show/feed-opus.xml")
    );
    for (m, o) in main.items.iter().zip(&opus.items) {
        let (me, oe) = (m.enclosure.as_ref().unwrap(), o.enclosure.as_ref().unwrap());
        if m.guid.as_ref().unwrap().value == "guid-2" {
            assert_eq!(oe.url, "https://example.org/show/media/two.opus");
            assert_eq!(oe.mime_type, "audio/opus");
            assert_eq!(
                oe.length,
                include_bytes!("../fixtures/audio/opus.opus")
                    .len()
                    .to_string()
            );
            assert_eq!(me.url, "https://example.org/show/media/two.mp3");
        } else {
            assert_eq!(oe.url, me.url, "no opus: the main audio");
        }
    }
}

#[test]
fn a_feed_variant_no_episode_has_is_a_warning() {
    let site = show();
    let config = format!("{SHOW_CONFIG}\n[[feeds]]\nname = \"opus\"\nprefer = \"opus\"\n");
    site.write("podcast.toml", &config);
    let out = site.run(&["check"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let line = config
        .lines()
        .position(|l| l == "prefer = \"opus\"")
        .unwrap()
        + 1;
    assert!(text.contains(&format!("podcast.toml:{line}:")), "{text}");
    assert!(
        text.contains("feed-opus.xml is the same as feed.xml"),
        "{text}"
    );
}

#[test]
fn a_bad_feed_variant_is_an_error_at_its_line() {
    let site = show();
    let config = format!("{SHOW_CONFIG}\n[[feeds]]\nname = \"all\"\nprefer = \"ogv\"\n");
    site.write("podcast.toml", &config);
    let err = site.build_err();
    let line = config.lines().position(|l| l == "name = \"all\"").unwrap() + 1;
    assert!(err.contains(&format!("podcast.toml:{line}:")), "{err}");
    assert!(
        err.contains(&format!("podcast.toml:{}:", line + 1)),
        "{err}"
    );
    assert!(err.contains("is not an audio file extension"), "{err}");
}
