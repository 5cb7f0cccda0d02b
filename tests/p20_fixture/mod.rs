//! A show using the Podcasting 2.0 settings of issue 19 (value for value,
//! and what later steps add), on top of the feed tests' fixture show.
#![allow(dead_code)]

use crate::common::FixtureSite;
use crate::feed_fixture::{show, SHOW_CONFIG};

pub const NODE: &str = "02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52";
pub const NODE2: &str = "03ae9f91a0cb8ff43840e3c322c4c61f019d8c1c3cea15a25cfc425ac605e61a4a";

pub fn value_config() -> String {
    format!(
        r#"{SHOW_CONFIG}
[value]
type = "lightning"
method = "keysend"
suggested = "0.00000005000"

[[value.recipients]]
name = "Host"
type = "node"
address = "{NODE}"
split = 90

[[value.recipients]]
name = "Hosting"
type = "lnaddress"
address = "show@getalby.com"
split = 10
fee = true
custom_key = "696969"
custom_value = "abc"

[feed]
medium = "podcast"
license = "cc-by-4.0"
location = {{ name = "Austin, TX", geo = "geo:30.2672,-97.7431", osm = "R113314" }}
update_frequency = {{ text = "Weekly", rrule = "FREQ=WEEKLY" }}
block = ["google", "amazon"]
itunes_block = false
complete = true
integrity = true
txt = [{{ text = "naj3eEZaWVVY9a38uhX8FekACyhtqP4JN", purpose = "verify" }}]

[[podroll]]
feed_guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
feed_url = "https://example.com/other/feed.xml"

[[podroll]]
feed_guid = "9b024349-ccf0-5f69-a609-6b82873eab3c"
"#
    )
}

pub const EPISODE_VALUE: &str = r#"+++
title = "Second"
date = 2026-02-01T09:30:00+01:00
season = 2
episode = 2
audio = "two.mp3"
alternate_audio = ["two.opus", "two.m4a"]
guid = "guid-2"
summary = "The second episode."

[value]
[[value.recipients]]
name = "Host"
type = "node"
address = "NODE"
split = 80

[[value.recipients]]
name = "Guest"
type = "node"
address = "NODE2"
split = 20

[[value.time_splits]]
start = 1
duration = 2.5
remote_percentage = 95
remote_item = { feed_guid = "a94f5cc9-8c58-55fc-91fe-a324087a655b", item_guid = "https://podcastindex.org/podcast/4148683#1" }

[[value.time_splits]]
start = 4
duration = 1

[[value.time_splits.recipients]]
name = "Musician"
type = "lnaddress"
address = "band@example.org"
split = 1
+++

Notes.
"#;

pub fn value_show() -> FixtureSite {
    let site = show();
    site.write("podcast.toml", &value_config());
    site.write(
        "content/episodes/002-second.md",
        &EPISODE_VALUE.replace("NODE2", NODE2).replace("NODE", NODE),
    );
    site.write(
        "static/media/one.json",
        r#"{"version": "1.0.0", "segments": [{"speaker": "Host", "startTime": 0, "endTime": 2, "body": "Hello."}]}"#,
    );
    site.write("static/media/one.html", "<p>Host: Hello.</p>\n");
    site.write("content/episodes/001-first.md", EPISODE_EXTRAS);
    site.write_bytes(
        "static/media/two.opus",
        include_bytes!("../fixtures/audio/opus.opus"),
    );
    site.write_bytes(
        "static/media/two.m4a",
        include_bytes!("../fixtures/audio/aac.m4a"),
    );
    site
}

/// The first episode, with soundbites, its own license and location, and a
/// Mastodon post for comments.
pub const EPISODE_EXTRAS: &str = r#"+++
title = "First"
date = 2026-01-05T08:00:00Z
season = 1
episode = 1
audio = "one.mp3"
guid = "guid-1"
summary = "The first episode."
license = { name = "my-license-v1", url = "https://example.org/license.pdf" }
location = { name = "Lisbon", geo = "geo:38.7223,-9.1393" }
comments_url = "https://mastodon.social/@testhost/112233445566"

[[soundbites]]
start = 1.5
duration = 3
title = "The best bit"

[[soundbites]]
start = 0.5                     # not 0: podcast-partytime drops a soundbite at 0 s
duration = 1.25

[[chapters]]
start = "00:00"
title = "Welcome"
+++

Notes for the first episode.
"#;
