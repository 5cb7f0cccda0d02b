//! The podcast feed: every tag, determinism, GUID stability, `check`.

use crate::common;
use crate::feed_fixture;

use common::FixtureSite;
use feed_fixture::*;
use podsmith::feed::{derived_podcast_guid, PODCAST_NS};
use rss::extension::Extension;
use rss::{Channel, Item};

fn read_feed(site: &FixtureSite) -> Channel {
    let text = site.read_out("feed.xml");
    Channel::read_from(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn item<'a>(channel: &'a Channel, guid: &str) -> &'a Item {
    channel
        .items
        .iter()
        .find(|i| i.guid.as_ref().map(|g| g.value.as_str()) == Some(guid))
        .unwrap_or_else(|| panic!("no item with GUID {guid}"))
}

fn podcast<'a>(ext: &'a rss::extension::ExtensionMap, name: &str) -> Vec<&'a Extension> {
    ext.get("podcast")
        .and_then(|m| m.get(name))
        .map(|v| v.iter().collect())
        .unwrap_or_default()
}

fn attr<'a>(e: &'a Extension, name: &str) -> Option<&'a str> {
    e.attrs.get(name).map(String::as_str)
}

fn run_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn channel_has_every_tag() {
    let site = show();
    site.build_ok();
    let xml = site.read_out("feed.xml");
    for ns in [
        "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"",
        "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"",
        "xmlns:atom=\"http://www.w3.org/2005/Atom\"",
        "xmlns:podcast=\"https://podcastindex.org/namespace/1.0\"",
        "<rss version=\"2.0\"",
    ] {
        assert!(xml.contains(ns), "missing {ns}");
    }
    assert_eq!(PODCAST_NS, "https://podcastindex.org/namespace/1.0");
    let c = read_feed(&site);
    assert_eq!(c.title, "Feed Show");
    assert_eq!(c.link, "https://example.org/show/");
    assert_eq!(c.description, "A show for feed tests.");
    assert_eq!(c.language.as_deref(), Some("en"));
    assert_eq!(c.copyright.as_deref(), Some("© 2026 Test Host"));
    assert_eq!(c.generator.as_deref(), Some(podsmith::feed::GENERATOR));
    // Newest feed episode (the bonus; the text-only one is not in the feed).
    assert_eq!(
        c.pub_date.as_deref(),
        Some("Tue, 10 Feb 2026 08:00:00 +0000")
    );
    assert_eq!(c.last_build_date, c.pub_date);
    let atom = c.atom_ext.as_ref().expect("atom:link");
    assert_eq!(atom.links[0].href, "https://example.org/show/feed.xml");
    assert_eq!(atom.links[0].rel, "self");

    let it = c.itunes_ext.as_ref().expect("itunes");
    assert_eq!(it.author.as_deref(), Some("Test Host"));
    let owner = it.owner.as_ref().unwrap();
    assert_eq!(owner.name.as_deref(), Some("Test Host"));
    assert_eq!(owner.email.as_deref(), Some("host@example.org"));
    assert_eq!(
        it.image.as_deref(),
        Some("https://example.org/show/cover.png")
    );
    assert_eq!(it.categories.len(), 2);
    assert_eq!(it.categories[0].text, "Society & Culture");
    assert_eq!(
        it.categories[0].subcategory.as_ref().unwrap().text,
        "Documentary"
    );
    assert_eq!(it.categories[1].text, "Technology");
    assert!(it.categories[1].subcategory.is_none());
    assert_eq!(it.explicit.as_deref(), Some("false"));
    assert_eq!(it.r#type.as_deref(), Some("episodic"));

    let guid = podcast(&c.extensions, "guid");
    assert_eq!(
        guid[0].value.as_deref(),
        Some(derived_podcast_guid("https://example.org/show/feed.xml").as_str())
    );
    assert_eq!(
        derived_podcast_guid("https://example.org/show/feed.xml"),
        uuid::Uuid::new_v5(
            &uuid::uuid!("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"),
            b"example.org/show/feed.xml"
        )
        .to_string()
    );
    let locked = podcast(&c.extensions, "locked");
    assert_eq!(locked[0].value.as_deref(), Some("yes"));
    assert_eq!(attr(locked[0], "owner"), Some("host@example.org"));
    let funding = podcast(&c.extensions, "funding");
    assert_eq!(funding.len(), 1);
    assert_eq!(funding[0].value.as_deref(), Some("Support us on Patreon"));
    assert_eq!(attr(funding[0], "url"), Some("https://example.org/patreon"));
    let persons = podcast(&c.extensions, "person");
    let names: Vec<_> = persons
        .iter()
        .map(|p| p.value.as_deref().unwrap())
        .collect();
    // "Audio hosting" is no taxonomy role: no person for it.
    assert_eq!(names, ["Test Host", "Theme Composer"]);
    assert_eq!(attr(persons[0], "role"), Some("host"));
    assert_eq!(attr(persons[0], "group"), Some("cast"));
    assert_eq!(attr(persons[1], "role"), Some("theme music"));
    assert_eq!(attr(persons[1], "group"), Some("audio post-production"));
    assert_eq!(
        attr(persons[1], "href"),
        Some("https://example.org/composer")
    );
}

#[test]
fn items_have_every_tag() {
    let site = show();
    site.build_ok();
    let c = read_feed(&site);
    let guids: Vec<_> = c
        .items
        .iter()
        .map(|i| i.guid.as_ref().unwrap().value.as_str())
        .collect();
    // Newest first; the episode without audio is left out.
    assert_eq!(guids, ["guid-bonus", "guid-2", "guid-1", "guid-trailer"]);
    let mp3_len = common::SAMPLE_MP3.len().to_string();

    let first = item(&c, "guid-1");
    assert_eq!(first.title.as_deref(), Some("First"));
    assert_eq!(
        first.link.as_deref(),
        Some("https://example.org/show/episodes/001-first/")
    );
    assert!(!first.guid.as_ref().unwrap().permalink);
    assert_eq!(
        first.pub_date.as_deref(),
        Some("Mon, 5 Jan 2026 08:00:00 +0000")
    );
    assert_eq!(first.description.as_deref(), Some("The first episode."));
    let enc = first.enclosure.as_ref().unwrap();
    assert_eq!(enc.url, "https://example.org/show/media/one.mp3");
    assert_eq!(enc.length, mp3_len);
    assert_eq!(enc.mime_type, "audio/mpeg");
    let it = first.itunes_ext.as_ref().unwrap();
    assert!(it.duration.as_deref().unwrap().parse::<u64>().is_ok());
    assert_eq!(it.episode.as_deref(), Some("1"));
    assert_eq!(it.season.as_deref(), Some("1"));
    assert_eq!(it.episode_type.as_deref(), Some("full"));
    assert_eq!(it.explicit.as_deref(), Some("false"));
    // No art of its own: the show's cover (issue 19: art on every item).
    assert_eq!(
        it.image.as_deref(),
        Some("https://example.org/show/cover.png")
    );
    assert_eq!(
        podcast(&first.extensions, "season")[0].value.as_deref(),
        Some("1")
    );
    assert_eq!(
        podcast(&first.extensions, "episode")[0].value.as_deref(),
        Some("1")
    );
    let chapters = podcast(&first.extensions, "chapters");
    assert_eq!(
        attr(chapters[0], "url"),
        Some("https://example.org/show/episodes/001-first/chapters.json")
    );
    assert_eq!(attr(chapters[0], "type"), Some("application/json+chapters"));
    let transcript = podcast(&first.extensions, "transcript");
    assert_eq!(
        attr(transcript[0], "url"),
        Some("https://example.org/show/media/one.vtt")
    );
    assert_eq!(attr(transcript[0], "type"), Some("text/vtt"));
    assert_eq!(attr(transcript[0], "rel"), Some("captions"));
    // Item persons replace the channel's: the host comes again.
    let persons = podcast(&first.extensions, "person");
    let people: Vec<_> = persons
        .iter()
        .map(|p| {
            (
                p.value.as_deref().unwrap(),
                attr(p, "role").unwrap(),
                attr(p, "group").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        people,
        [
            ("Test Host", "host", "cast"),
            ("Theme Composer", "theme music", "audio post-production"),
            ("Guest Person", "guest", "cast"),
        ]
    );
    // content:encoded: the whole episode, absolute links.
    // (Tera escapes `/` in attributes as `&#x2F;`, which HTML reads as `/`.)
    let content = first.content.as_deref().unwrap().replace("&#x2F;", "/");
    for part in [
        "href=\"https://example.org/show/about/\"",
        "<h2>Feedback</h2>",
        "A Listener",
        "<blockquote><p>I <em>loved</em> it.</p>",
        "href=\"https://example.org/patreon\"",
        "Support us on Patreon",
        "Theme music: <a href=\"https://example.org/composer\">Theme Composer</a>, <cite>The Theme</cite>",
        "Guest: <a href=\"https://example.org/guest\">Guest Person</a>",
        "Ada, Grace",
    ] {
        assert!(content.contains(part), "content:encoded lacks {part:?}:\n{content}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&site.read_out("episodes/001-first/chapters.json")).unwrap();
    assert_eq!(json["version"], "1.2.0");
    assert_eq!(json["chapters"][0]["startTime"], 0.0);
    assert_eq!(json["chapters"][0]["title"], "Welcome");
    assert_eq!(json["chapters"][1]["startTime"], 3.0);
    assert_eq!(json["chapters"][1]["url"], "https://example.org/topic");

    let second = item(&c, "guid-2");
    assert_eq!(
        second.pub_date.as_deref(),
        Some("Sun, 1 Feb 2026 09:30:00 +0100")
    );
    let it = second.itunes_ext.as_ref().unwrap();
    assert_eq!(it.season.as_deref(), Some("2"));
    assert_eq!(it.explicit.as_deref(), Some("true"));
    assert_eq!(
        it.image.as_deref(),
        Some("https://example.org/show/art/ep2.png")
    );
    assert!(podcast(&second.extensions, "chapters").is_empty());
    assert!(podcast(&second.extensions, "transcript").is_empty());

    let trailer = item(&c, "guid-trailer");
    let it = trailer.itunes_ext.as_ref().unwrap();
    assert_eq!(it.episode_type.as_deref(), Some("trailer"));
    assert_eq!(it.episode, None);
    assert_eq!(it.season.as_deref(), Some("1"));
    assert!(podcast(&trailer.extensions, "episode").is_empty());

    let bonus = item(&c, "guid-bonus");
    assert_eq!(
        bonus.itunes_ext.as_ref().unwrap().episode_type.as_deref(),
        Some("bonus")
    );
}

#[test]
fn feed_limit_caps_items() {
    let site = show();
    let config = format!("feed_limit = 2\n{SHOW_CONFIG}");
    site.write("podcast.toml", &config);
    site.build_ok();
    let c = read_feed(&site);
    let guids: Vec<_> = c
        .items
        .iter()
        .map(|i| i.guid.as_ref().unwrap().value.as_str())
        .collect();
    assert_eq!(guids, ["guid-bonus", "guid-2"]);
}

#[test]
fn builds_are_byte_identical() {
    let a = show();
    let b = show();
    a.build_ok();
    b.build_ok();
    let first = a.read_out("feed.xml");
    assert_eq!(first, b.read_out("feed.xml"));
    a.build_ok();
    assert_eq!(first, a.read_out("feed.xml"));
    assert_eq!(
        a.read_out("episodes/001-first/chapters.json"),
        b.read_out("episodes/001-first/chapters.json")
    );
    assert!(!first.contains("lastBuildDate>") || first.contains("<lastBuildDate>Tue, 10 Feb 2026"));
}

#[test]
fn base_url_change_keeps_guids_but_needs_acceptance() {
    let site = show();
    site.build_ok();
    let before = read_feed(&site);
    let old_xml = site.read_out("feed.xml");
    site.write(
        "podcast.toml",
        &SHOW_CONFIG.replace("https://example.org/show/", "https://podcast.example.net/"),
    );
    let err = site.build_err();
    assert!(err.contains("changed its enclosure URL"), "{err}");
    assert!(
        err.contains("https://example.org/show/media/one.mp3"),
        "{err}"
    );
    assert!(
        err.contains("https://podcast.example.net/media/one.mp3"),
        "{err}"
    );
    assert!(err.contains("--accept-feed-changes"), "{err}");
    // The derived podcast:guid follows the feed URL: pinning it is advised.
    let old_show_guid = derived_podcast_guid("https://example.org/show/feed.xml");
    assert!(err.contains("podcast:guid changed"), "{err}");
    assert!(
        err.contains(&format!("podcast_guid = \"{old_show_guid}\"")),
        "{err}"
    );
    assert_eq!(
        site.read_out("feed.xml"),
        old_xml,
        "the old output must survive"
    );

    let out = site.run(&["build", "--accept-feed-changes"]);
    assert!(out.status.success(), "{}", run_text(&out));
    assert!(run_text(&out).contains("accepted:"));
    let after = read_feed(&site);
    let guids = |c: &Channel| {
        c.items
            .iter()
            .map(|i| i.guid.clone().unwrap().value)
            .collect::<Vec<_>>()
    };
    assert_eq!(guids(&before), guids(&after));
    assert_eq!(
        item(&after, "guid-1").enclosure.as_ref().unwrap().url,
        "https://podcast.example.net/media/one.mp3"
    );
    site.build_ok();
    // Pinning podcast_guid keeps the show's identity across a move.
    let pinned = format!("podcast_guid = \"{old_show_guid}\"\n{SHOW_CONFIG}");
    site.write("podcast.toml", &pinned);
    let out = site.run(&["build", "--accept-feed-changes"]);
    assert!(out.status.success(), "{}", run_text(&out));
    site.write(
        "podcast.toml",
        &pinned.replace("https://example.org/show/", "https://podcast.example.net/"),
    );
    let err = site.build_err();
    assert!(!err.contains("podcast:guid changed"), "{err}");
}

#[test]
fn changed_guid_is_caught_by_build_and_check() {
    let site = show();
    site.build_ok();
    let old_xml = site.read_out("feed.xml");
    site.write("published.xml", &old_xml);
    let path = "content/episodes/002-second.md";
    let text = std::fs::read_to_string(site.path(path)).unwrap();
    site.write(
        path,
        &text.replace("guid = \"guid-2\"", "guid = \"guid-2-new\""),
    );

    let err = site.build_err();
    assert!(err.contains("\"Second\""), "{err}");
    assert!(
        err.contains("changed its GUID from \"guid-2\" to \"guid-2-new\""),
        "{err}"
    );
    assert!(err.contains("002-second.md"), "{err}");
    assert_eq!(site.read_out("feed.xml"), old_xml);

    let out = site.run(&["check", "--against", "published.xml"]);
    let text = run_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("changed its GUID from \"guid-2\" to \"guid-2-new\""),
        "{text}"
    );

    let out = site.run(&["build", "--accept-feed-changes"]);
    assert!(out.status.success(), "{}", run_text(&out));
    item(&read_feed(&site), "guid-2-new");
}

#[test]
fn removed_episode_is_caught_by_build_and_check() {
    let site = show();
    site.build_ok();
    let old_xml = site.read_out("feed.xml");
    site.write("published.xml", &old_xml);
    std::fs::remove_file(site.path("content/episodes/002-second.md")).unwrap();

    let err = site.build_err();
    assert!(
        err.contains("\"Second\" (GUID \"guid-2\") is no longer in the feed"),
        "{err}"
    );
    assert_eq!(site.read_out("feed.xml"), old_xml);

    let out = site.run(&["check", "--against", "published.xml"]);
    assert!(!out.status.success());
    assert!(run_text(&out).contains("is no longer in the feed"));

    let out = site.run(&["build", "--accept-feed-changes"]);
    assert!(out.status.success(), "{}", run_text(&out));
    assert_eq!(read_feed(&site).items.len(), 3);
}

#[test]
fn feed_limit_pushing_out_old_items_is_fine() {
    let site = show();
    site.build_ok();
    site.write("podcast.toml", &format!("feed_limit = 1\n{SHOW_CONFIG}"));
    site.build_ok();
    assert_eq!(read_feed(&site).items.len(), 1);
}

#[test]
fn unchanged_site_passes_check_against_its_feed() {
    let site = show();
    site.build_ok();
    site.write("published.xml", &site.read_out("feed.xml"));
    let out = site.run(&["check", "--against", "published.xml"]);
    assert!(out.status.success(), "{}", run_text(&out));
    site.write("garbage.xml", "<html>not a feed");
    let out = site.run(&["check", "--against", "garbage.xml"]);
    assert!(!out.status.success());
    assert!(run_text(&out).contains("not a readable RSS feed"));
}

#[test]
fn check_accepts_the_fixture_show() {
    let site = show();
    let out = site.run(&["check"]);
    let text = run_text(&out);
    assert!(out.status.success(), "{text}");
    // Warnings: the unmatched credit role.
    assert!(text.contains("\"Audio hosting\""), "{text}");
}

#[test]
fn check_lists_every_problem_at_once() {
    let config = r#"title = "Bad Show"
description = ""
base_url = "https://example.org/"
language = "english"
image = "cover.png"
categories = ["Technology > Tech News", "Tecnology", "Society & Culture > Documentary > More"]
podcast_guid = "not-a-uuid"
[[funding]]
url = "https://example.org/f"
text = "LONG"
[[credits]]
name = "Someone"
role = "Catering"
"#
    .replace("LONG", &"x".repeat(129));
    let site = FixtureSite::new(&config);
    site.write_bytes(
        "static/cover.png",
        &podsmith::feed::image::png_header(1000, 900, 6),
    );
    site.write_bytes("static/media/one.mp3", common::SAMPLE_MP3);
    site.write(
        "content/episodes/001-one.md",
        &common::episode("One", 1, "one.mp3"),
    );
    let out = site.run(&["check"]);
    let text = run_text(&out);
    assert!(!out.status.success(), "{text}");
    for expected in [
        "cover.png: the cover art is 1000×900 px, not square",
        "1400×1400 to 3000×3000",
        "alpha channel",
        "belongs under \"News\"",
        "did you mean \"Technology\"",
        "more than two levels",
        "no `[owner]`",
        "`explicit` is not set",
        "`language` = \"english\"",
        "`description` is empty",
        "`podcast_guid` = \"not-a-uuid\" is not a UUID",
        "podcast:funding allows 128",
        "\"Catering\"",
        "podcast.toml",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Each with a fix.
    assert!(text.matches("help:").count() >= 14, "{text}");
}

#[test]
fn check_reads_jpeg_colour_and_size() {
    let site = show();
    site.write(
        "podcast.toml",
        &SHOW_CONFIG.replace("cover.png", "cover.jpg"),
    );
    site.write_bytes(
        "static/cover.jpg",
        &podsmith::feed::image::jpeg_header(3000, 3000, 4),
    );
    let out = site.run(&["check"]);
    let text = run_text(&out);
    assert!(!out.status.success());
    assert!(text.contains("CMYK"), "{text}");
    site.write_bytes(
        "static/cover.jpg",
        &podsmith::feed::image::jpeg_header(3000, 3000, 3),
    );
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", run_text(&out));
    // A PNG named .jpg.
    site.write_bytes("static/cover.jpg", COVER_PNG);
    let out = site.run(&["check"]);
    assert!(run_text(&out).contains("named .jpg"), "{}", run_text(&out));
}

#[test]
fn pinned_podcast_guid_is_used() {
    let site = show();
    site.write(
        "podcast.toml",
        &format!("podcast_guid = \"917393e3-1b1e-5cef-ace4-edaa54e1f810\"\n{SHOW_CONFIG}"),
    );
    site.build_ok();
    let c = read_feed(&site);
    assert_eq!(
        podcast(&c.extensions, "guid")[0].value.as_deref(),
        Some("917393e3-1b1e-5cef-ace4-edaa54e1f810")
    );
    // The spec's worked examples.
    assert_eq!(
        derived_podcast_guid("https://podnews.net/rss"),
        "9b024349-ccf0-5f69-a609-6b82873eab3c"
    );
    assert_eq!(
        derived_podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml"),
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    );
}

#[test]
fn hostile_strings_survive_as_valid_xml() {
    let site = show();
    add_nasty_episode(&site);
    site.build_ok();
    let xml = site.read_out("feed.xml");
    assert!(!xml.contains('\u{1}') && !xml.contains('\u{b}'));
    let c = read_feed(&site);
    let nasty = item(&c, NASTY_GUID);
    assert_eq!(nasty.title.as_deref(), Some(NASTY_TITLE));
    assert_eq!(nasty.description.as_deref(), Some(NASTY_SUMMARY));
    let content = nasty.content.as_deref().unwrap();
    assert!(
        content.contains("Notes with ]]&gt; inside") || content.contains("Notes with ]]> inside"),
        "{content}"
    );
    assert!(content.contains("Zoë &amp; &lt;Co&gt;"), "{content}");
    let persons = podcast(&nasty.extensions, "person");
    assert_eq!(persons[2].value.as_deref(), Some("Name & <Co> \"Q\""));
    let json: serde_json::Value =
        serde_json::from_str(&site.read_out("episodes/005-nasty/chapters.json")).unwrap();
    // The control character is removed when the file is read, so the
    // title's trailing space is trimmed like any other.
    assert_eq!(json["chapters"][0]["title"], "Chapter ]]> & <i>");
}
