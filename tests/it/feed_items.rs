//! Per-item tags of issue 19: `itunes:image` on every item, `itunes:title`
//! without the number prefix, `itunes:author`, `podcast:person` with `img`
//! and `href`, and Podlove Simple Chapters inline.

use crate::common;
use crate::feed_fixture;

use common::FixtureSite;
use feed_fixture::show;
use rss::Channel;

fn read_feed(site: &FixtureSite) -> Channel {
    let text = site.read_out("feed.xml");
    Channel::read_from(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn item<'a>(channel: &'a Channel, guid: &str) -> &'a rss::Item {
    channel
        .items
        .iter()
        .find(|i| i.guid.as_ref().map(|g| g.value.as_str()) == Some(guid))
        .unwrap_or_else(|| panic!("no item with GUID {guid}"))
}

fn numbered_show() -> FixtureSite {
    let site = show();
    site.write(
        "content/episodes/001-first.md",
        r#"+++
title = "001: First Things"
date = 2026-01-05T08:00:00Z
season = 1
episode = 1
audio = "one.mp3"
guid = "guid-1"
summary = "The first episode."

[[chapters]]
start = "00:00"
title = "Welcome & hello"

[[chapters]]
start = "00:03.5"
title = "The topic"
url = "https://example.org/topic"

[[credits]]
name = "Guest Person"
role = "Guest"
url = "https://example.org/guest"
image = "https://example.org/guest.jpg"
+++

Notes.
"#,
    );
    site
}

#[test]
fn every_item_has_art_an_itunes_title_and_author() {
    let site = numbered_show();
    site.build_ok();
    let c = read_feed(&site);
    assert_eq!(c.items.len(), 4);
    for i in &c.items {
        let it = i.itunes_ext.as_ref().unwrap();
        let want = if i.guid.as_ref().unwrap().value == "guid-2" {
            "https://example.org/show/art/ep2.png"
        } else {
            "https://example.org/show/cover.png"
        };
        assert_eq!(it.image.as_deref(), Some(want));
        assert_eq!(it.author.as_deref(), Some("Test Host"));
    }
    let xml = site.read_out("feed.xml");
    assert!(
        xml.contains("<itunes:title>First Things</itunes:title>"),
        "{xml}"
    );
    assert!(xml.contains("<title>001: First Things</title>"), "{xml}");
    assert!(xml.contains("<itunes:title>Second</itunes:title>"), "{xml}");
}

#[test]
fn persons_carry_img_and_href() {
    let site = numbered_show();
    site.build_ok();
    let c = read_feed(&site);
    let first = item(&c, "guid-1");
    let persons = &first.extensions["podcast"]["person"];
    let guest = persons
        .iter()
        .find(|p| p.value.as_deref() == Some("Guest Person"))
        .unwrap();
    assert_eq!(guest.attrs["role"], "guest");
    assert_eq!(guest.attrs["group"], "cast");
    assert_eq!(guest.attrs["href"], "https://example.org/guest");
    assert_eq!(guest.attrs["img"], "https://example.org/guest.jpg");
}

#[test]
fn a_credit_image_that_is_no_address_is_an_error_at_its_place() {
    let site = numbered_show();
    let text = std::fs::read_to_string(site.path("content/episodes/001-first.md")).unwrap();
    site.write(
        "content/episodes/001-first.md",
        &text.replace("https://example.org/guest.jpg", "guest.jpg"),
    );
    let err = site.build_err();
    assert!(err.contains("001-first.md:"), "{err}");
    assert!(err.contains("credit image \"guest.jpg\""), "{err}");
}

#[test]
fn podlove_simple_chapters_are_inline() {
    let site = numbered_show();
    site.build_ok();
    let xml = site.read_out("feed.xml");
    assert!(
        xml.contains("xmlns:psc=\"http://podlove.org/simple-chapters\""),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<psc:chapters version=\"1.2\"><psc:chapter start=\"00:00:00.000\" title=\"Welcome &amp; hello\"></psc:chapter><psc:chapter href=\"https://example.org/topic\" start=\"00:00:03.500\" title=\"The topic\"></psc:chapter></psc:chapters>"
        ),
        "{xml}"
    );
    // Only the episode with chapters has them.
    assert_eq!(xml.matches("<psc:chapters").count(), 1);
}
