//! End-to-end builds of fixture sites with the real binary: what each page
//! shows, the file set, and one test per bad input (message + old output kept).

use crate::common;

use common::{episode, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};

const FULL_EPISODE: &str = r#"+++
title = "Cookies & <Consent>"
date = 2026-02-03T08:00:00Z
episode = 2
season = 1
audio = "two.mp3"
summary = "Why cookie banners fail."
tags = ["Privacy", "Web Browsers"]
guid = "guid-two"
supporters = ["Ada", "Grace", "Linus <script>"]

[[feedback]]
from = "Maya"
via = "email"
intro = "Maya wrote about *banners*:"
quote = """I click "reject" and they <b>still</b> track me."""

[[feedback]]
from = "Tom"
via = "Patreon"
intro = "Tom just said thanks. Thank you, Tom!"

[[credits]]
name = "Sam Editor"
role = "Audio editing"
url = "https://example.org/sam"
+++

## The topic

Read [the report](https://example.org/report) and [our about page](/about/).

| Site | Trackers |
|------|----------|
| A    | 12       |

- first
- second

A claim.[^1]

[^1]: The source.
"#;

fn full_site() -> FixtureSite {
    let site = FixtureSite::basic();
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write("content/episodes/002-two.md", FULL_EPISODE);
    site.write(
        "content/about.md",
        "+++\ntitle = \"About us\"\n+++\nWe talk.\n",
    );
    site.write_bytes(
        "static/cover.png",
        include_bytes!("../../src/starter/cover.png"),
    );
    site
}

#[test]
fn builds_every_expected_file() {
    let site = full_site();
    let out = site.build_ok();
    assert!(out.contains("Built 2 episodes and 1 page"), "{out}");
    let files: Vec<String> = site.snapshot_out().into_iter().map(|(p, _)| p).collect();
    for expected in [
        "index.html",
        "episodes/001-one/index.html",
        "episodes/002-two/index.html",
        "about/index.html",
        "tags/index.html",
        "tags/privacy/index.html",
        "tags/web-browsers/index.html",
        "tags/common/index.html",
        "archive/index.html",
        "supporters/index.html",
        "sitemap.xml",
        "404.html",
        "feed.xml",
        "cover.png",
        "media/one.mp3",
        "media/two.mp3",
        "assets/style.css",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "missing {expected} in {files:?}"
        );
    }
    // The media folder is served under media/, not copied twice.
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("media/") && f.contains("static")),
        "{files:?}"
    );
    assert_eq!(
        std::fs::read(site.path("public/media/two.mp3")).unwrap(),
        SAMPLE_MP3
    );
}

#[test]
fn episode_page_shows_every_section() {
    let site = full_site();
    site.build_ok();
    let page = site.read_out("episodes/002-two/index.html");
    // Title, number, date, player.
    assert!(
        page.contains("<h1>Cookies &amp; &lt;Consent&gt;</h1>"),
        "{page}"
    );
    assert!(page.contains("Episode 2"));
    assert!(page.contains("Season 1"));
    assert!(page.contains("3 February 2026"));
    assert!(page.contains(
        r#"<audio controls preload="metadata" src="https://example.org/show/media/two.mp3""#
    ));
    // Notes: Markdown extensions and absolute links.
    assert!(page.contains(r#"<h2 id="the-topic">The topic</h2>"#));
    assert!(page.contains("<table>"));
    assert!(page.contains("footnote-definition"));
    assert!(page.contains(r#"href="https://example.org/show/about/""#));
    // Feedback: who, via what, intro, quote as a blockquote; listener HTML escaped.
    assert!(page.contains("Maya"));
    assert!(page.contains("via email"));
    assert!(page.contains("<em>banners</em>"));
    assert!(page.contains("<blockquote>"));
    assert!(
        page.contains("&lt;b&gt;still&lt;/b&gt;"),
        "listener HTML must be escaped"
    );
    assert!(page.contains("via Patreon"));
    // Support, credits (show-wide + episode + feedback line), supporters.
    assert!(page.contains("Support the show"));
    assert!(page.contains(r#"<a href="https://example.org/patreon">Support us on Patreon</a>"#));
    assert!(page.contains("Theme Composer"));
    assert!(page.contains("<cite>The Theme</cite>"));
    assert!(page.contains("Sam Editor"));
    assert!(page.contains("thanks to Maya, Tom"));
    assert!(page.contains("<li>Grace</li>"));
    assert!(page.contains("<li>Linus &lt;script&gt;</li>"));
    assert!(
        !page.contains("<script>"),
        "front matter must never inject markup"
    );
}

#[test]
fn empty_sections_are_left_out() {
    let site = FixtureSite::new("title = \"Bare\"\nbase_url = \"https://example.org/\"\n");
    site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    for section in [
        "Feedback",
        "Support the show",
        "Credits",
        "Supporters</h2>",
        "Chapters",
    ] {
        assert!(
            !page.contains(section),
            "{section} should be left out:\n{page}"
        );
    }
}

#[test]
fn home_page_is_newest_first_and_paginated() {
    let site = FixtureSite::new(&format!("episodes_per_page = 2\n{BASIC_CONFIG}"));
    site.write_bytes("static/media/a.mp3", SAMPLE_MP3);
    for n in 1..=5 {
        site.write(
            &format!("content/episodes/{n:03}-ep.md"),
            &episode(&format!("Episode title {n}"), n, "a.mp3"),
        );
    }
    site.build_ok();
    let home = site.read_out("index.html");
    let five = home.find("Episode title 5").unwrap();
    let four = home.find("Episode title 4").unwrap();
    assert!(five < four, "newest first");
    assert!(!home.contains("Episode title 3"));
    assert!(home.contains("page/2/"));
    assert!(site
        .read_out("page/2/index.html")
        .contains("Episode title 3"));
    assert!(site
        .read_out("page/3/index.html")
        .contains("Episode title 1"));
}

/// Builds give the same bytes: a rebuild over the previous output, and a
/// build on another day (years later, in another time zone's evening), since
/// nothing in the output depends on the clock, which only decides what is
/// still scheduled. A 2099 episode stays out of both.
#[test]
fn builds_are_byte_identical() {
    let site = full_site();
    site.write(
        "content/episodes/003-future.md",
        &episode("Future one", 3, "one.mp3").replace("2026-01-03", "2099-01-03"),
    );
    let build_on = |now: &str, out: &str| {
        let options = podsmith::BuildOptions {
            root: site.root().to_path_buf(),
            out: site.path(out),
            load: podsmith::site::LoadOptions {
                include_drafts: false,
                now: now.parse().unwrap(),
            },
            render: Default::default(),
            base_url: None,
            accept_feed_changes: false,
        };
        podsmith::build(&options).unwrap_or_else(|e| panic!("{e}"));
        common::snapshot_dir(&site.path(out))
    };
    let today = build_on("2026-11-24T09:00:00Z", "out-today");
    assert_eq!(
        today,
        build_on("2026-11-24T09:00:00Z", "out-today"),
        "a rebuild over the previous output differs"
    );
    let later = build_on("2031-02-28T23:59:59Z", "out-later");
    assert!(today.iter().any(|(name, _)| name == "feed.xml"));
    assert!(!today.iter().any(|(name, _)| name.contains("future")));
    let names = |snapshot: &[(String, Vec<u8>)]| -> Vec<String> {
        snapshot.iter().map(|(n, _)| n.clone()).collect()
    };
    assert_eq!(names(&today), names(&later));
    for ((name, a), (_, b)) in today.iter().zip(&later) {
        assert!(a == b, "{name} differs between the two days");
    }
}

/// A build keeps the template values of its newest episodes and makes the
/// others again at each use (to bound memory on long shows): both ways give
/// the same bytes.
#[test]
fn kept_and_remade_episode_values_give_the_same_output() {
    let site = full_site();
    let build_with = |kept: &str, out: &str| {
        let result = std::process::Command::new(common::bin())
            .args(["build", "--out", out])
            .env("PODSMITH_KEPT_VALUES", kept)
            .current_dir(site.root())
            .output()
            .expect("run podsmith");
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        common::snapshot_dir(&site.path(out))
    };
    // All kept (half of them with their notes), one kept without its
    // notes, none kept.
    let kept = build_with("4096", "out-kept");
    assert!(kept.iter().any(|(name, _)| name.starts_with("tags/")));
    for (kept_values, out) in [("1", "out-one"), ("0", "out-remade")] {
        let other = build_with(kept_values, out);
        assert_eq!(kept.len(), other.len());
        for ((name, a), (other_name, b)) in kept.iter().zip(&other) {
            assert_eq!(name, other_name);
            assert!(
                a == b,
                "{name} differs with PODSMITH_KEPT_VALUES={kept_values}"
            );
        }
    }
}

/// The same, end to end: the real binary under libfaketime (the whole
/// process's clock moved), so no clock read anywhere, in podsmith or its
/// crates, can reach the output. Needs faketime (tests/conformance/setup.sh).
#[test]
#[ignore = "conformance: needs the tools of tests/conformance/setup.sh; run with --include-ignored"]
fn binary_under_faketime_gives_the_same_bytes() {
    let site = full_site();
    site.build_ok();
    let today = site.snapshot_out();
    let faked = std::process::Command::new("faketime")
        .args([
            "2031-02-28 23:59:30",
            env!("CARGO_BIN_EXE_podsmith"),
            "build",
        ])
        .current_dir(site.root())
        .output()
        .expect("faketime is installed (bash tests/conformance/setup.sh)");
    assert!(
        faked.status.success(),
        "{}",
        String::from_utf8_lossy(&faked.stderr)
    );
    assert_eq!(today, site.snapshot_out());
}

#[test]
fn init_new_build_gives_a_browsable_site() {
    let parent = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_podsmith");
    let run = |args: &[&str], dir: &std::path::Path| {
        let out = std::process::Command::new(bin)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["init", "show"], parent.path());
    let show = parent.path().join("show");
    let created = run(&["new", "Second"], &show);
    assert!(
        created.contains("content/episodes/002-second.md"),
        "{created}"
    );
    run(&["build"], &show);
    let home = std::fs::read_to_string(show.join("public/index.html")).unwrap();
    assert!(home.contains("Second"));
    assert!(home.contains("Welcome to the show"));
    let new_file = std::fs::read_to_string(show.join("content/episodes/002-second.md")).unwrap();
    assert!(new_file.contains("episode = 2"));
    assert!(new_file.contains("guid = \""));
    // Init refuses a folder that is not empty; new refuses to overwrite.
    let again = std::process::Command::new(bin)
        .args(["init", "show"])
        .current_dir(parent.path())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

/// Builds twice, breaks the site with `break_it`, and checks the error
/// message contains every `expected` piece, and the old output survived
/// with nothing left beside it.
fn assert_bad_input(break_it: impl FnOnce(&FixtureSite), expected: &[&str]) {
    let site = FixtureSite::basic();
    site.build_ok();
    site.build_ok();
    let before = site.snapshot_out();
    break_it(&site);
    let stderr = site.build_err();
    for piece in expected {
        assert!(stderr.contains(piece), "expected {piece:?} in:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        before,
        site.snapshot_out(),
        "the previous output must survive a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".podsmith-build") || name.starts_with(".podsmith-old")
        })
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind");
}

/// A build that fails to load creates no folder: not even the parent of a
/// new `--out`.
#[test]
fn a_failed_build_into_a_new_folder_creates_nothing() {
    let site = FixtureSite::basic();
    site.write("content/episodes/002-bad.md", "+++\ntitle = \"Bad\"\n+++\n");
    let out = site.run(&["build", "--out", "deep/new/public"]);
    assert!(!out.status.success());
    assert!(!site.path("deep").exists());
}

#[test]
fn malformed_front_matter() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/001-one.md",
                "+++\ntitle = \"One\ndate = 2026-01-01\n+++\n",
            )
        },
        &["content/episodes/001-one.md:2:", "error"],
    );
}

#[test]
fn missing_opening_fence() {
    assert_bad_input(
        |s| s.write("content/episodes/001-one.md", "title = \"One\"\n"),
        &[
            "content/episodes/001-one.md:1:1",
            "does not start with a `+++` line",
        ],
    );
}

#[test]
fn missing_closing_fence() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/001-one.md",
                "+++\ntitle = \"One\"\ndate = 2026-01-01\n",
            )
        },
        &["content/episodes/001-one.md", "no closing `+++`"],
    );
}

#[test]
fn wrong_type() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/001-one.md",
                "+++\ntitle = \"One\"\ndate = 2026-01-01\nepisode = \"five\"\n+++\n",
            )
        },
        &["content/episodes/001-one.md:4:11", "invalid type", "help:"],
    );
}

#[test]
fn missing_title() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/001-one.md",
                "+++\ndate = 2026-01-01\n+++\n",
            )
        },
        &[
            "content/episodes/001-one.md",
            "missing front matter key `title`",
        ],
    );
}

#[test]
fn missing_date() {
    assert_bad_input(
        |s| s.write("content/episodes/001-one.md", "+++\ntitle = \"One\"\n+++\n"),
        &[
            "content/episodes/001-one.md",
            "missing front matter key `date`",
        ],
    );
}

#[test]
fn unknown_key_suggests_the_nearest() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/001-one.md",
                "+++\ntitle = \"One\"\ndate = 2026-01-01\nsupporter = [\"Ada\"]\n+++\n",
            )
        },
        &[
            "content/episodes/001-one.md:4:1",
            "unknown front matter key `supporter`",
            "did you mean `supporters`?",
        ],
    );
}

#[test]
fn unknown_key_in_a_feedback_table() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/001-one.md",
                "+++\ntitle = \"One\"\ndate = 2026-01-01\n[[feedback]]\nfrom = \"A\"\nqoute = \"x\"\n+++\n",
            )
        },
        &[
            "001-one.md:6:1",
            "unknown front matter key `qoute`",
            "did you mean `quote`?",
        ],
    );
}

#[test]
fn duplicate_slug_names_both_files() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/002-two.md",
                &episode("Two", 2, "one.mp3").replace("+++\n\n", "slug = \"001-one\"\n+++\n\n"),
            )
        },
        &[
            "slug \"001-one\" is also used by",
            "001-one.md",
            "002-two.md",
        ],
    );
}

#[test]
fn duplicate_guid_names_both_files() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/002-two.md",
                &episode("Two", 2, "one.mp3").replace("guid-2", "guid-1"),
            )
        },
        &[
            "guid \"guid-1\" is also used by",
            "001-one.md",
            "002-two.md",
        ],
    );
}

#[test]
fn duplicate_episode_number_names_both_files() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/002-two.md",
                &episode("Two", 2, "one.mp3").replace("episode = 2", "episode = 1"),
            )
        },
        &[
            "episode number \"1\" is also used by",
            "001-one.md",
            "002-two.md",
        ],
    );
}

#[test]
fn missing_audio_names_episode_and_path() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/001-one.md",
                &episode("One", 1, "nope.mp3"),
            )
        },
        &[
            "content/episodes/001-one.md:5:9",
            "audio file not found",
            "static/media/nope.mp3",
        ],
    );
}

#[test]
fn audio_path_may_not_climb_out() {
    assert_bad_input(
        |s| {
            s.write(
                "content/episodes/001-one.md",
                &episode("One", 1, "../../podcast.toml"),
            )
        },
        &["001-one.md", "climbs out of its folder"],
    );
}

#[test]
fn template_error_names_template_and_line() {
    assert_bad_input(
        |s| {
            s.write("templates/episode.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ episode.title \n{% endblock content %}\n")
        },
        &[
            "templates/episode.html:4:1",
            "template error",
            "expected }}",
        ],
    );
}

/// A recycled output folder keeps static files that are links of their
/// sources; a source replaced by a new file (a new inode, as editors save)
/// is copied again, also when the recycled folder holds an older one.
#[test]
fn a_replaced_static_file_is_copied_again() {
    let site = FixtureSite::basic();
    let replace = |text: &str| {
        site.write("static/notes.new", text);
        std::fs::rename(site.path("static/notes.new"), site.path("static/notes.txt")).unwrap();
    };
    let built = || std::fs::read_to_string(site.path("public/notes.txt")).unwrap();
    replace("first");
    site.build_ok();
    site.build_ok();
    assert_eq!(built(), "first");
    replace("second");
    site.build_ok();
    assert_eq!(built(), "second");
    replace("third");
    site.build_ok();
    assert_eq!(built(), "third");
    site.build_ok();
    assert_eq!(built(), "third");
}

#[test]
fn template_render_error_names_template_line_and_column() {
    assert_bad_input(
        |s| {
            s.write(
                "templates/episode.html",
                "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ episode.titel }}</h1>\n{% endblock content %}\n",
            )
        },
        &[
            "templates/episode.html:3:16",
            "template error",
            "`titel` is not defined",
        ],
    );
}

#[test]
fn template_error_inside_a_component_says_where_it_was_called() {
    assert_bad_input(
        |s| {
            s.write(
                "templates/episode.html",
                "{% extends \"base.html\" %}\n{% block content %}\n{{ <show_title episode={episode} /> }}\n{% endblock content %}\n\
                 {% component show_title(episode) %}<h1>{{ episode.nmber }}</h1>{% endcomponent show_title %}\n",
            )
        },
        &[
            "templates/episode.html:5:",
            "`nmber` is not defined",
            "called from",
            "episode.html:3:",
        ],
    );
}

/// A `macros.html` override written for podsmith 0.1 (Tera 1) is named in
/// a clear error, not ignored.
#[test]
fn a_tera_1_macros_override_is_reported() {
    assert_bad_input(
        |s| {
            s.write(
                "templates/macros.html",
                "{% macro episode_card(episode, level=2) %}<p>{{ episode.title }}</p>{% endmacro episode_card %}\n",
            )
        },
        &[
            "templates/macros.html:1:",
            "template error",
            "Upgrading templates written for Tera 1",
        ],
    );
}

/// Maps keep one order (Tera's `preserve_order`): a loop over `[extra]`
/// gives the same text on every build.
#[test]
fn a_loop_over_a_table_is_in_a_fixed_order() {
    let site = FixtureSite::basic();
    let config = std::fs::read_to_string(site.path("podcast.toml")).unwrap();
    site.write(
        "podcast.toml",
        &format!("{config}\n[extra]\nzulu = 1\nalpha = 2\nmike = 3\nbravo = 4\n"),
    );
    site.write(
        "templates/404.html",
        "{% for key, value in site.extra %}{{ key }}={{ value }};{% endfor %}",
    );
    site.build_ok();
    let first = std::fs::read_to_string(site.path("public/404.html")).unwrap();
    assert_eq!(first, "alpha=2;bravo=4;mike=3;zulu=1;");
    for _ in 0..3 {
        site.build_ok();
        assert_eq!(
            std::fs::read_to_string(site.path("public/404.html")).unwrap(),
            first
        );
    }
}

#[test]
fn bad_config_is_located() {
    assert_bad_input(
        |s| s.write("podcast.toml", &format!("feed_limt = 3\n{BASIC_CONFIG}")),
        &[
            "podcast.toml:1:1",
            "unknown setting `feed_limt`",
            "did you mean `feed_limit`?",
        ],
    );
}

#[test]
fn refuses_dangerous_output_folders() {
    let site = FixtureSite::basic();
    for out in [".", "..", "/", "content"] {
        let result = site.run(&["build", "--out", out]);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(!result.status.success(), "--out {out} must be refused");
        assert!(stderr.contains("as the output folder"), "{stderr}");
    }
    assert!(site.path("podcast.toml").exists());
    assert!(site.path("content/episodes/001-one.md").exists());
}

#[test]
fn a_top_level_key_under_a_table_gets_a_hint() {
    assert_bad_input(
        |s| s.write("podcast.toml", &format!("{BASIC_CONFIG}\nfeed_limit = 3\n")),
        &[
            "unknown setting `feed_limit`",
            "move it above the first `[table]` header",
        ],
    );
}

#[test]
fn errors_are_all_listed_at_once() {
    let site = FixtureSite::basic();
    site.write("content/episodes/002-a.md", "+++\ntitle = \"A\"\n+++\n");
    site.write("content/episodes/003-b.md", "+++\ndate = 2026-01-01\n+++\n");
    let stderr = site.build_err();
    assert!(stderr.contains("002-a.md"), "{stderr}");
    assert!(stderr.contains("003-b.md"), "{stderr}");
}

/// `--out` pointing at a folder of the user's own (say `--out ~/Documents`
/// by mistake) is refused, and nothing in it is touched. An empty folder,
/// or one podsmith built (it holds the marker), is fine.
#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let site = FixtureSite::basic();
    site.write("mine/letter.txt", "Dear listener");
    let out = site.run(&["build", "--out", "mine"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("mine") && err.contains("podsmith did not write"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(site.path("mine/letter.txt")).unwrap(),
        "Dear listener"
    );
    assert_eq!(std::fs::read_dir(site.path("mine")).unwrap().count(), 1);

    std::fs::create_dir(site.path("empty")).unwrap();
    assert!(site.run(&["build", "--out", "empty"]).status.success());
    assert!(site.path("empty/.podsmith-output").is_file());
    assert!(site.run(&["build", "--out", "empty"]).status.success());
    site.build_ok();
    assert!(site.path("public/.podsmith-output").is_file());
    site.build_ok();
}

/// The audio cache forgets a file that is gone: after the episode and its
/// audio are removed, the next build's cache file no longer lists it.
#[test]
fn audio_cache_forgets_removed_audio() {
    let site = FixtureSite::basic();
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write("content/episodes/002-two.md", &episode("Two", 2, "two.mp3"));
    site.build_ok();
    let cached = || -> Vec<String> {
        let text = std::fs::read_to_string(site.path(".podsmith-cache/audio.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut keys: Vec<String> = json["entries"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.rsplit(['/', '\\']).next().unwrap().to_string())
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(cached(), ["one.mp3", "two.mp3"]);

    std::fs::remove_file(site.path("content/episodes/002-two.md")).unwrap();
    std::fs::remove_file(site.path("static/media/two.mp3")).unwrap();
    let out = site.run(&["build", "--accept-feed-changes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(cached(), ["one.mp3"]);
}

/// A site's `templates/components/player.html` replaces that one
/// component; the other built-in components stay.
#[test]
fn one_component_is_overridden_by_its_own_file() {
    let site = FixtureSite::basic();
    site.build_ok();
    let before = site.read_out("episodes/001-one/index.html");
    site.write(
        "templates/components/player.html",
        "{% component player(episode) %}<p class=\"my-player\">{{ episode.title }}</p>{% endcomponent player %}",
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains("<p class=\"my-player\">One</p>"), "{page}");
    assert!(!page.contains("data-episode-player"), "{page}");
    // The built-in download link and episode meta are still there.
    assert!(page.contains("class=\"download\""), "{page}");
    assert!(page.contains("class=\"episode-meta\""), "{page}");
    assert_ne!(before, page);
}

/// The funding component is shared by the episode page and the feed.
#[test]
fn a_shared_component_changes_page_and_feed() {
    let site = FixtureSite::basic();
    site.write(
        "templates/components/funding.html",
        "{% component funding(site, feed=false) %}{% if feed %}<p>feed-funding</p>{% else %}<p>page-funding</p>{% endif %}{% endcomponent funding %}",
    );
    site.build_ok();
    assert!(site
        .read_out("episodes/001-one/index.html")
        .contains("<p>page-funding</p>"));
    let feed = site.read_out("feed.xml");
    assert!(feed.contains("<p>feed-funding</p>"), "{feed}");
    assert!(!feed.contains("Support the show"), "{feed}");
}

/// An override of the whole `components.html` written before the
/// components had files of their own still works: its definitions replace
/// the built-in files of the same components.
#[test]
fn an_old_components_html_override_still_works() {
    let site = FixtureSite::basic();
    site.write(
        "templates/components.html",
        "{% component episode_meta(episode) %}<p>meta {{ episode.title }}</p>{% endcomponent episode_meta %}\n\
         {% component player(episode) %}<p>old player</p>{% endcomponent player %}\n",
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains("<p>meta One</p>"), "{page}");
    assert!(page.contains("<p>old player</p>"), "{page}");
    assert!(page.contains("class=\"download\""), "{page}");
}

/// An episode's tags carry each tag's number of episodes, as the tag's
/// page counts them.
#[test]
fn episode_tags_count_their_episodes() {
    let site = FixtureSite::basic();
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write(
        "content/episodes/002-two.md",
        &episode("Two", 2, "two.mp3")
            .replace("tags = [\"common\"]", "tags = [\"common\", \"Only Two\"]"),
    );
    site.write(
        "templates/episode.html",
        "{% for t in episode.tags %}{{ t.name }}={{ t.count }};{% endfor %}",
    );
    site.build_ok();
    assert_eq!(site.read_out("episodes/001-one/index.html"), "common=2;");
    assert_eq!(
        site.read_out("episodes/002-two/index.html"),
        "common=2;Only Two=1;"
    );
    assert!(site
        .read_out("tags/common/index.html")
        .contains("2 episodes"));
}
