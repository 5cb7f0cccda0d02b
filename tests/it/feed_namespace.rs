//! The rest of the Podcasting 2.0 namespace (issue 19): medium, license,
//! location, updateFrequency, txt, block, podroll, trailer, soundbites,
//! socialInteract, and Apple's itunes:block and itunes:complete; each from
//! its setting, each checked with an error at its place.

use crate::p20_fixture;

use p20_fixture::*;

#[test]
fn every_channel_tag_is_written_from_its_setting() {
    let site = value_show();
    site.build_ok();
    let xml = site.read_out("feed.xml");
    for tag in [
        "<podcast:medium>podcast</podcast:medium>",
        "<podcast:license>cc-by-4.0</podcast:license>",
        r#"<podcast:location geo="geo:30.2672,-97.7431" osm="R113314">Austin, TX</podcast:location>"#,
        r#"<podcast:updateFrequency complete="true" rrule="FREQ=WEEKLY">Weekly</podcast:updateFrequency>"#,
        r#"<podcast:txt purpose="verify">naj3eEZaWVVY9a38uhX8FekACyhtqP4JN</podcast:txt>"#,
        r#"<podcast:block id="google">yes</podcast:block><podcast:block id="amazon">yes</podcast:block>"#,
        r#"<podcast:podroll><podcast:remoteItem feedGuid="917393e3-1b1e-5cef-ace4-edaa54e1f810" feedUrl="https://example.com/other/feed.xml"></podcast:remoteItem><podcast:remoteItem feedGuid="9b024349-ccf0-5f69-a609-6b82873eab3c"></podcast:remoteItem></podcast:podroll>"#,
        r#"<podcast:trailer length="25903" pubdate="Thu, 1 Jan 2026 08:00:00 +0000" season="1" type="audio/mpeg" url="https://example.org/show/media/trailer.mp3">Trailer</podcast:trailer>"#,
        "<itunes:complete>Yes</itunes:complete>",
    ] {
        assert!(xml.contains(tag), "missing {tag}\n{xml}");
    }
    assert!(!xml.contains("<itunes:block>"), "{xml}");
    // The item tags.
    for tag in [
        r#"<podcast:soundbite duration="3" startTime="1.5">The best bit</podcast:soundbite><podcast:soundbite duration="1.25" startTime="0.5"></podcast:soundbite>"#,
        r#"<podcast:license url="https://example.org/license.pdf">my-license-v1</podcast:license>"#,
        r#"<podcast:location geo="geo:38.7223,-9.1393">Lisbon</podcast:location>"#,
        r#"<podcast:socialInteract priority="1" protocol="activitypub" uri="https://mastodon.social/@testhost/112233445566"></podcast:socialInteract>"#,
    ] {
        assert!(xml.contains(tag), "missing {tag}\n{xml}");
    }
}

#[test]
fn block_everyone_and_itunes_block() {
    let site = value_show();
    site.write(
        "podcast.toml",
        &value_config()
            .replace("block = [\"google\", \"amazon\"]", "block = true")
            .replace("itunes_block = false", "itunes_block = true"),
    );
    site.build_ok();
    let xml = site.read_out("feed.xml");
    assert!(xml.contains("<podcast:block>yes</podcast:block>"), "{xml}");
    assert!(xml.contains("<itunes:block>Yes</itunes:block>"), "{xml}");
}

#[test]
fn bad_show_settings_are_errors_at_their_line() {
    for (from, to, what) in [
        (
            "medium = \"podcast\"",
            "medium = \"radio\"",
            "is not a Podcasting 2.0 medium",
        ),
        (
            "license = \"cc-by-4.0\"",
            "license = \"All rights reserved\"",
            "is not a license identifier",
        ),
        (
            "geo = \"geo:30.2672,-97.7431\"",
            "geo = \"30.2672,-97.7431\"",
            "is not a geo: URI",
        ),
        (
            "rrule = \"FREQ=WEEKLY\"",
            "rrule = \"every week\"",
            "is not an iCalendar rule",
        ),
        (
            "\"google\", \"amazon\"",
            "\"Google Podcasts\"",
            "is not a platform slug",
        ),
        (
            "feed_guid = \"9b024349-ccf0-5f69-a609-6b82873eab3c\"",
            "feed_guid = \"not-a-guid\"",
            "is not a podcast:guid",
        ),
    ] {
        let site = value_show();
        let config = value_config().replace(from, to);
        assert_ne!(config, value_config(), "{from}");
        site.write("podcast.toml", &config);
        let err = site.build_err();
        let line = config.lines().position(|l| l.contains(to)).unwrap() + 1;
        assert!(
            err.contains(&format!("podcast.toml:{line}:")),
            "{to}: {err}"
        );
        assert!(err.contains(what), "{to}: {err}");
    }
}

#[test]
fn bad_episode_settings_are_errors_at_their_line() {
    for (from, to, what) in [
        ("start = 1.5", "start = 5.5", "past the end of the audio"),
        ("duration = 1.25", "duration = 0", "must be positive"),
        (
            "comments_url = \"https://mastodon.social/@testhost/112233445566\"",
            "comments_url = \"https://example.org/comments\"",
            "is not a post podsmith knows",
        ),
        (
            "geo = \"geo:38.7223,-9.1393\"",
            "geo = \"geo:138.7,-9.1\"",
            "is not a geo: URI",
        ),
    ] {
        let site = value_show();
        let text = EPISODE_EXTRAS.replace(from, to);
        assert_ne!(text, EPISODE_EXTRAS, "{from}");
        site.write("content/episodes/001-first.md", &text);
        let err = site.build_err();
        let line = text.lines().position(|l| l.contains(to)).unwrap() + 1;
        assert!(
            err.contains(&format!("001-first.md:{line}:")),
            "{to}: {err}"
        );
        assert!(err.contains(what), "{to}: {err}");
    }
}

#[test]
fn an_unknown_key_in_an_episode_location_is_an_error_at_its_place() {
    let site = value_show();
    let text = EPISODE_EXTRAS.replace(
        "location = { name = \"Lisbon\"",
        "location = { place = \"x\", name = \"Lisbon\"",
    );
    site.write("content/episodes/001-first.md", &text);
    let err = site.build_err();
    let line = text
        .lines()
        .position(|l| l.starts_with("location"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("001-first.md:{line}:")), "{err}");
    assert!(err.contains("place"), "{err}");
}
