//! The fixture show for the feed tests: seasons, chapters, a transcript, a
//! trailer, a bonus episode, an episode image, credits, feedback,
//! supporters, and an episode without audio.
#![allow(dead_code)]

use crate::common::{FixtureSite, SAMPLE_MP3};

pub const COVER_PNG: &[u8] = include_bytes!("../../src/starter/cover.png");

pub const SHOW_CONFIG: &str = r#"title = "Feed Show"
description = "A show for feed tests."
base_url = "https://example.org/show/"
language = "en"
author = "Test Host"
image = "cover.png"
explicit = false
categories = ["Society & Culture > Documentary", "Technology"]
copyright = "© 2026 Test Host"
locked = true
[owner]
name = "Test Host"
email = "host@example.org"
[[funding]]
url = "https://example.org/patreon"
text = "Support us on Patreon"
[[credits]]
name = "Theme Composer"
role = "Theme music"
work = "The Theme"
url = "https://example.org/composer"
[[credits]]
name = "Hosting Co"
role = "Audio hosting"
"#;

/// The fixture show, in a temporary folder.
pub fn show() -> FixtureSite {
    let site = FixtureSite::new(SHOW_CONFIG);
    site.write_bytes("static/cover.png", COVER_PNG);
    site.write_bytes("static/art/ep2.png", COVER_PNG);
    for name in ["one", "two", "trailer", "bonus"] {
        site.write_bytes(&format!("static/media/{name}.mp3"), SAMPLE_MP3);
    }
    site.write(
        "static/media/one.vtt",
        "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n",
    );
    site.write(
        "content/episodes/000-trailer.md",
        r#"+++
title = "Trailer"
date = 2026-01-01T08:00:00Z
season = 1
episode_type = "trailer"
audio = "trailer.mp3"
guid = "guid-trailer"
summary = "What the show is."
+++

The trailer.
"#,
    );
    site.write(
        "content/episodes/001-first.md",
        r#"+++
title = "First"
date = 2026-01-05T08:00:00Z
season = 1
episode = 1
audio = "one.mp3"
guid = "guid-1"
summary = "The first episode."
supporters = ["Ada", "Grace"]

[[chapters]]
start = "00:00"
title = "Welcome"

[[chapters]]
start = "00:03"
title = "The topic"
url = "https://example.org/topic"

[[feedback]]
from = "A Listener"
via = "email"
intro = "Kind words about [the show](https://example.org/x)."
quote = "I *loved* it."

[[credits]]
name = "Guest Person"
role = "Guest"
url = "https://example.org/guest"
+++

Notes for the [first](/about/) episode.
"#,
    );
    site.write(
        "content/episodes/002-second.md",
        r#"+++
title = "Second"
date = 2026-02-01T09:30:00+01:00
season = 2
episode = 2
audio = "two.mp3"
guid = "guid-2"
image = "art/ep2.png"
explicit = true
summary = "The second episode."
+++

Notes for the second episode.
"#,
    );
    site.write(
        "content/episodes/003-bonus.md",
        r#"+++
title = "Bonus"
date = 2026-02-10T08:00:00Z
season = 2
episode_type = "bonus"
audio = "bonus.mp3"
guid = "guid-bonus"
summary = "A bonus."
+++

Bonus notes.
"#,
    );
    site.write(
        "content/episodes/004-no-audio.md",
        r#"+++
title = "No audio"
date = 2026-02-11T08:00:00Z
guid = "guid-no-audio"
summary = "Not in the feed."
+++

Text only.
"#,
    );
    site
}

/// Writes an episode with a title and summary full of characters that XML
/// must escape or cannot carry.
pub fn add_nasty_episode(site: &FixtureSite) {
    site.write_bytes("static/media/nasty.mp3", SAMPLE_MP3);
    site.write(
        "content/episodes/005-nasty.md",
        &r#"+++
title = "Quotes \" ' & <tags> ]]> 🎙️ עברית \u0001\u000b end"
date = 2026-02-12T08:00:00Z
audio = "nasty.mp3"
guid = "guid-nasty-&-<x>"
summary = "Summary ]]> & <b>not bold</b> \u0001 \"quoted\" مرحبا 🎧"
supporters = ["Zoë & <Co>", "\u000bCtrl"]

[[chapters]]
start = 0
title = "Chapter ]]> & <i> \u0001"

[[credits]]
name = "Name & <Co> \"Q\" \u0001"
role = "Guest"
+++

Notes with ]]> inside, & an <em>emphasis</em>, and a control char: CTRL.
"#
        .replace("CTRL", "\u{1}"),
    );
}

/// The nasty strings as they must come out (control characters removed).
pub const NASTY_TITLE: &str = "Quotes \" ' & <tags> ]]> 🎙️ עברית  end";
pub const NASTY_SUMMARY: &str = "Summary ]]> & <b>not bold</b>  \"quoted\" مرحبا 🎧";
pub const NASTY_GUID: &str = "guid-nasty-&-<x>";
