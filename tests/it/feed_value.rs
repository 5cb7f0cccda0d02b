//! Value for value (issue 19): `[value]` in podcast.toml and episodes,
//! written as `podcast:value`, `podcast:valueRecipient` and
//! `podcast:valueTimeSplit`, and checked with errors at their place.

use crate::common;
use crate::p20_fixture;

use common::FixtureSite;
use p20_fixture::*;
use rss::extension::Extension;
use rss::Channel;

fn read_feed(site: &FixtureSite) -> Channel {
    let text = site.read_out("feed.xml");
    Channel::read_from(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn values(ext: &rss::extension::ExtensionMap) -> &[Extension] {
    ext.get("podcast")
        .and_then(|m| m.get("value"))
        .map(Vec::as_slice)
        .unwrap_or_default()
}

#[test]
fn show_and_episode_value_blocks_are_written() {
    let site = value_show();
    site.build_ok();
    let c = read_feed(&site);
    let v = &values(&c.extensions)[0];
    assert_eq!(v.attrs["type"], "lightning");
    assert_eq!(v.attrs["method"], "keysend");
    assert_eq!(v.attrs["suggested"], "0.00000005000");
    let r = &v.children["valueRecipient"];
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].attrs["address"], NODE);
    assert_eq!(r[0].attrs["split"], "90");
    assert!(!r[0].attrs.contains_key("fee"));
    assert_eq!(r[1].attrs["type"], "lnaddress");
    assert_eq!(r[1].attrs["fee"], "true");
    assert_eq!(r[1].attrs["customKey"], "696969");
    assert_eq!(r[1].attrs["customValue"], "abc");

    // The episode's own block replaces the show's; others inherit it.
    let second = c
        .items
        .iter()
        .find(|i| i.guid.as_ref().unwrap().value == "guid-2")
        .unwrap();
    let ev = &values(&second.extensions)[0];
    assert_eq!(ev.attrs["type"], "lightning");
    assert_eq!(ev.children["valueRecipient"][1].attrs["address"], NODE2);
    let splits = &ev.children["valueTimeSplit"];
    assert_eq!(splits.len(), 2);
    assert_eq!(splits[0].attrs["startTime"], "1");
    assert_eq!(splits[0].attrs["duration"], "2.5");
    assert_eq!(splits[0].attrs["remotePercentage"], "95");
    let remote = &splits[0].children["remoteItem"][0];
    assert_eq!(
        remote.attrs["feedGuid"],
        "a94f5cc9-8c58-55fc-91fe-a324087a655b"
    );
    assert_eq!(
        remote.attrs["itemGuid"],
        "https://podcastindex.org/podcast/4148683#1"
    );
    assert_eq!(
        splits[1].children["valueRecipient"][0].attrs["address"],
        "band@example.org"
    );
    for other in c
        .items
        .iter()
        .filter(|i| i.guid.as_ref().unwrap().value != "guid-2")
    {
        assert!(values(&other.extensions).is_empty());
    }
}

#[test]
fn a_bad_node_address_in_podcast_toml_is_an_error_at_its_line() {
    let site = value_show();
    site.write("podcast.toml", &value_config().replace(NODE, &NODE[..64]));
    let err = site.build_err();
    let line = value_config()
        .lines()
        .position(|l| l.contains(NODE))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("podcast.toml:{line}:")), "{err}");
    assert!(err.contains("not a Lightning node address"), "{err}");
    let out = site.run(&["check"]);
    assert!(!out.status.success());
}

#[test]
fn bad_splits_and_lightning_addresses_in_an_episode_are_errors_at_their_lines() {
    let site = value_show();
    let text = EPISODE_VALUE
        .replace("NODE2", NODE2)
        .replace("NODE", NODE)
        .replace("split = 20", "split = -3")
        .replace("band@example.org", "band at example");
    site.write("content/episodes/002-second.md", &text);
    let err = site.build_err();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        err.contains(&format!("002-second.md:{}:", line_of("split = -3"))),
        "{err}"
    );
    assert!(err.contains("must be a positive whole number"), "{err}");
    assert!(
        err.contains(&format!("002-second.md:{}:", line_of("band at example"))),
        "{err}"
    );
    assert!(err.contains("not a Lightning address"), "{err}");
}

#[test]
fn a_time_split_past_the_end_of_the_audio_is_an_error() {
    let site = value_show();
    let text = EPISODE_VALUE
        .replace("NODE2", NODE2)
        .replace("NODE", NODE)
        .replace("start = 4", "start = 400");
    site.write("content/episodes/002-second.md", &text);
    let err = site.build_err();
    assert!(err.contains("past the end of the audio"), "{err}");
}

#[test]
fn the_tip_line_shows_only_when_the_show_opts_in_and_only_on_value_episodes() {
    let site = value_show();
    site.build_ok();
    let page = site.read_out("episodes/002-second/index.html");
    assert!(!page.contains("value-tip"), "not opted in: {page}");

    site.write(
        "podcast.toml",
        &value_config().replace("suggested = ", "tip_line = true\nsuggested = "),
    );
    site.build_ok();
    for slug in ["001-first", "002-second", "003-bonus"] {
        let page = site.read_out(&format!("episodes/{slug}/index.html"));
        assert!(
            page.contains("<p class=\"value-tip\">Support with a tip:"),
            "{slug}: {page}"
        );
    }
    // Not in the feed, so nothing to pay through an app.
    let text_only = site.read_out("episodes/004-no-audio/index.html");
    assert!(!text_only.contains("value-tip"), "{text_only}");
}
