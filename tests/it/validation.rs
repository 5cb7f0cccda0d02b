//! Settings that would break the feed in podcast apps are errors; the rest
//! of `check`'s feed rules are warnings in every build; links that run
//! script and control characters never reach the pages or the feed
//! (issue 15, "Never lose or leak a file", observations 8 and 9).

use crate::common;

use common::{episode, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The basic fixture: settings, cover art, one episode.
fn site() -> FixtureSite {
    FixtureSite::basic()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs the binary with `args` in `dir`; `None` when it was still running
/// after `limit` (it is then killed).
fn run_for(dir: &std::path::Path, args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = Command::new(common::bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run podsmith");
    let started = Instant::now();
    loop {
        if let Some(_status) = child.try_wait().expect("wait") {
            return Some(child.wait_with_output().expect("output"));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How often `needle` occurs in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

// ---------------------------------------------------------------------------
// Observation 8: settings that break the feed

#[test]
fn base_url_with_query_or_fragment_is_an_error_at_its_line() {
    let site = site();
    site.write(
        "podcast.toml",
        &BASIC_CONFIG.replace(
            "base_url = \"https://example.org/show/\"",
            "base_url = \"https://example.org/?a=1#x\"",
        ),
    );
    let err = site.build_err();
    // base_url is on line 3; its value starts in column 12.
    assert!(err.contains("podcast.toml:3:12: "), "{err}");
    assert!(err.contains("`base_url`"), "{err}");
    assert!(err.contains("query"), "{err}");
    assert!(
        !site.path("public").exists(),
        "a failed build writes nothing"
    );

    for (bad, why) in [
        ("https://example.org/show/#top", "fragment"),
        ("https://user:secret@example.org/", "user name"),
        ("ftp://example.org/", "http"),
        ("https:///show/", "host"),
    ] {
        site.write(
            "podcast.toml",
            &BASIC_CONFIG.replace("https://example.org/show/", bad),
        );
        let err = site.build_err();
        assert!(err.contains("podcast.toml:3:12: "), "{bad}: {err}");
        assert!(err.contains(why), "{bad}: {err}");
    }
}

#[test]
fn media_base_url_with_a_query_is_an_error_at_its_line() {
    let site = site();
    site.write(
        "podcast.toml",
        &format!("{BASIC_CONFIG}[media]\nbase_url = \"https://media.example.org/a?token=1\"\n"),
    );
    let err = site.build_err();
    let line = BASIC_CONFIG.lines().count() + 2;
    assert!(err.contains(&format!("podcast.toml:{line}:12: ")), "{err}");
    assert!(err.contains("`[media] base_url`"), "{err}");
    assert!(err.contains("query"), "{err}");
}

#[test]
fn a_plain_base_url_still_builds_and_gets_its_slash() {
    let site = site();
    site.write(
        "podcast.toml",
        &BASIC_CONFIG.replace("https://example.org/show/", "https://example.org:8443/show"),
    );
    site.build_ok();
    let feed = site.read_out("feed.xml");
    assert!(
        feed.contains("https://example.org:8443/show/media/one.mp3"),
        "{feed}"
    );
}

#[test]
fn missing_cover_art_is_an_error_at_the_image_line() {
    let site = site();
    std::fs::remove_file(site.path("static/cover.png")).unwrap();
    let err = site.build_err();
    let line = 1 + BASIC_CONFIG
        .lines()
        .position(|l| l.starts_with("image"))
        .unwrap();
    assert!(
        err.contains(&format!("podcast.toml:{line}:9: ")),
        "names the `image` value: {err}"
    );
    assert!(
        err.contains("cover art not found: static/cover.png"),
        "{err}"
    );
    assert!(!site.path("public").exists());

    // A cover that cannot be read (here: a folder) is an error too.
    std::fs::create_dir_all(site.path("static/cover.png")).unwrap();
    let err = site.build_err();
    assert!(err.contains(&format!("podcast.toml:{line}:9: ")), "{err}");
    assert!(err.contains("static/cover.png"), "{err}");

    // `check` says the same, once, among every other problem.
    site.write(
        "podcast.toml",
        &BASIC_CONFIG.replace("language = \"en\"", "language = \"english\""),
    );
    let out = site.run(&["check"]);
    let all = text(&out);
    assert!(!out.status.success());
    assert_eq!(count(&all, "static/cover.png"), 1, "{all}");
    assert!(all.contains("is not an ISO 639 code"), "{all}");
}

#[test]
fn serve_refuses_a_base_url_that_runs_script() {
    let site = site();
    for bad in ["javascript:alert(1)//", "https://example.org/?a=1"] {
        let out = run_for(
            site.root(),
            &["serve", "--port", "0", "--base-url", bad],
            Duration::from_secs(20),
        )
        .unwrap_or_else(|| panic!("serve started with --base-url {bad:?}"));
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--base-url"), "names the flag: {err}");
    }
}

/// A site whose settings break several of `check`'s rules, none of them
/// one that breaks apps.
fn site_with_rule_problems() -> FixtureSite {
    let site = site();
    site.write(
        "podcast.toml",
        &BASIC_CONFIG
            .replace("language = \"en\"", "language = \"english\"")
            .replace("[\"Technology\"]", "[\"Tecnology\"]")
            .replace("host@example.org", "host at example.org"),
    );
    site
}

#[test]
fn feed_rules_are_warnings_in_build_each_printed_once() {
    let site = site_with_rule_problems();
    let out = site.build_ok();
    for (what, needle) in [
        (
            "language",
            "`language` = \"english\" is not an ISO 639 code",
        ),
        ("category", "did you mean \"Technology\"?"),
        ("email", "is not an email address"),
    ] {
        assert_eq!(count(&out, needle), 1, "{what} once:\n{out}");
        let line = out.lines().find(|l| l.contains(needle)).unwrap();
        assert!(line.starts_with("warning: "), "{what}: {line}");
    }
    // `check` keeps them as errors, each once.
    let out = site.run(&["check"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("3 errors"), "{all}");
    for needle in ["is not an ISO 639 code", "did you mean \"Technology\"?"] {
        assert_eq!(count(&all, needle), 1, "{all}");
        let line = all.lines().find(|l| l.contains(needle)).unwrap();
        assert!(line.starts_with("error: "), "{line}");
    }
}

#[test]
fn feed_rules_are_warnings_in_serve() {
    let site = site_with_rule_problems();
    let mut child = Command::new(common::bin())
        .args(["serve", "--port", "0"])
        .current_dir(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    // The first build's warnings come before "Serving", which goes to stdout;
    // read stderr until the language warning shows or a while passes.
    let mut stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(bytes) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.extend(bytes);
        }
        if String::from_utf8_lossy(&seen).contains("is not an ISO 639 code") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let seen = String::from_utf8_lossy(&seen);
    assert!(
        seen.contains("warning: podcast.toml") && seen.contains("is not an ISO 639 code"),
        "{seen}"
    );
}

#[test]
fn the_starter_site_builds_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(common::bin())
        .args(["init", "show"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = Command::new(common::bin())
        .args(["build"])
        .current_dir(dir.path().join("show"))
        .output()
        .unwrap();
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(!all.contains("warning"), "{all}");
}

// ---------------------------------------------------------------------------
// Observation 9: links that run script, control characters

const SCRIPT_NOTES: &str = "+++
title = \"Links\"
date = 2026-01-05T08:00:00Z
episode = 2
audio = \"two.mp3\"
guid = \"guid-links\"
summary = \"Links.\"
+++

Good: [site](https://example.org/x), [pdf](notes.pdf), [mail](mailto:a@example.org).

[plain](javascript:alert(1))
[cased](JaVaScRiPt:alert(2))
[entity](java&#x09;script:alert(3))
[newline](java&#10;script:alert(4))
[vb](vbscript:msgbox(5))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==)
[percent](%6Aavascript:alert(7))
[spaced](<  javascript:alert(8)>)
![pic](javascript:alert(9))
<javascript:alert(10)>
[ref][r]

[r]: javascript:alert(11)

<a href=\"jav&#x61;script:alert(12)\" title=\"kept\">raw</a> and <a href='javascript:alert(13)'>single</a>.

<div>
<a
  href=\"javascript:alert(14)\">block</a>
</div>
";

#[test]
fn script_links_in_notes_are_kept_as_text_with_a_warning() {
    let site = site();
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write("content/episodes/002-links.md", SCRIPT_NOTES);
    let out = site.build_ok();
    let page = site.read_out("episodes/002-links/index.html");
    let feed = site.read_out("feed.xml");
    for (name, html) in [("page", &page), ("feed", &feed)] {
        // The autolink's text is its address: it stays, as text.
        assert!(html.contains("\njavascript:alert(10)\n"), "{name}:\n{html}");
        let lower = html
            .to_ascii_lowercase()
            .replace("\njavascript:alert(10)\n", "");
        for bad in [
            "javascript:",
            "vbscript:",
            "data:text",
            "alert(",
            "msgbox",
            "script:alert",
            "%6aavascript",
        ] {
            assert!(!lower.contains(bad), "{name} has {bad:?}:\n{html}");
        }
        // The links' words stay, as text.
        for word in [
            "plain", "cased", "entity", "newline", "vb", "data", "percent", "spaced", "pic", "ref",
            "raw", "single", "block",
        ] {
            assert!(html.contains(word), "{name} lost {word:?}");
        }
        // Good links are untouched.
        assert!(html.contains("href=\"https://example.org/x\""), "{name}");
        assert!(
            html.contains("href=\"https://example.org/show/episodes/002-links/notes.pdf\""),
            "{name}"
        );
        assert!(html.contains("href=\"mailto:a@example.org\""), "{name}");
        // The raw HTML tag stays, without its address.
        assert!(html.contains("<a title=\"kept\">raw</a>"), "{name}");
    }
    // One warning per link, naming the file and the link's line.
    let file = "content/episodes/002-links.md";
    for line in (12..=22).chain([26, 30]) {
        assert!(
            out.contains(&format!("warning: {file}:{line}:")),
            "no warning for line {line}:\n{out}"
        );
    }
    assert_eq!(count(&out, &format!("warning: {file}:26:")), 2, "{out}");
    assert_eq!(count(&out, &format!("warning: {file}:")), 14, "{out}");
}

#[test]
fn script_links_in_listener_feedback_are_text_with_a_warning() {
    let site = site();
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace(
            "+++\n\n",
            "[[feedback]]\nfrom = \"Eve\"\nquote = \"Click [here](javascript:alert(1)) or <a href=x>there</a>\"\n+++\n\n",
        ),
    );
    let out = site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(!page.contains("javascript:"), "{page}");
    assert!(page.contains("Click here or"), "{page}");
    assert!(
        out.contains("warning: content/episodes/001-one.md:11:"),
        "names the quote's line:\n{out}"
    );
}

#[test]
fn kept_notes_follow_edits_and_warnings_come_back() {
    // Show notes rendered once are kept in .podsmith-cache/notes/ for the
    // next build: an edit must show, and a warning must be given again.
    let site = site();
    let notes = |text: &str| format!("{}{text}\n", episode("One", 1, "one.mp3"));
    site.write(
        "content/episodes/001-one.md",
        &notes("First [bad](javascript:alert(1)) notes."),
    );
    for _ in 0..2 {
        let out = site.build_ok();
        assert!(
            out.contains("warning: content/episodes/001-one.md:"),
            "{out}"
        );
    }
    site.write("content/episodes/001-one.md", &notes("Plain *old* notes."));
    site.build_ok();
    let cache = site.path(".podsmith-cache/notes");
    let count = || std::fs::read_dir(&cache).unwrap().count();
    let kept = count();
    assert!(kept >= 1, "the build keeps the notes it rendered");
    let first = site.read_out("episodes/001-one/index.html");
    assert!(first.contains("Plain <em>old</em> notes."), "{first}");
    site.build_ok();
    assert_eq!(site.read_out("episodes/001-one/index.html"), first);
    site.write("content/episodes/001-one.md", &notes("Plain *new* notes."));
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains("Plain <em>new</em> notes."), "{page}");
    assert_eq!(count(), kept, "notes no build uses are removed");
    // Another address for the site renders the notes again (links in them
    // are absolute).
    site.write(
        "content/episodes/001-one.md",
        &notes("A [relative](../two/) link."),
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(
        page.contains("https://example.org/show/episodes/two/"),
        "{page}"
    );
    site.write(
        "podcast.toml",
        &std::fs::read_to_string(site.path("podcast.toml"))
            .unwrap()
            .replace("https://example.org/show/", "https://moved.example/"),
    );
    assert!(site
        .run(&["build", "--accept-feed-changes"])
        .status
        .success());
    let page = site.read_out("episodes/001-one/index.html");
    assert!(
        page.contains("https://moved.example/episodes/two/"),
        "{page}"
    );
}

#[test]
fn control_characters_never_reach_pages_or_feed() {
    let site = site();
    site.write(
        "podcast.toml",
        &BASIC_CONFIG.replace(
            "title = \"Fixture Show\"",
            "title = \"Fixture\\u0007 Show\"",
        ),
    );
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    // Escapes in front matter (TOML allows any character written as an
    // escape), a raw C1 character (TOML allows those raw), raw controls in
    // the notes, and a lone carriage return.
    let episode_text = "+++
title = \"Bell\\u0007 and NUL\\u0000\"
date = 2026-01-05T08:00:00Z
episode = 2
audio = \"two.mp3\"
guid = \"guid-ctl\"
summary = \"Sum\u{85}mary \\u009b here\"
supporters = [\"Ad\\u001ba\"]

[[credits]]
name = \"Cred\\u007fit\"
role = \"Audio editing\"

[[feedback]]
from = \"Fr\\u0000om\"
quote = \"Quo\\u0080te\"
+++

Notes with NUL \u{0} and ESC \u{1b} and DEL \u{7f} and C1 \u{9b} here.\rNext line.

```
code \u{8} with backspace
```
";
    site.write("content/episodes/002-ctl.md", episode_text);
    let out = site.build_ok();
    let is_bad =
        |c: char| (c < ' ' && c != '\t' && c != '\n') || ('\u{7f}'..='\u{9f}').contains(&c);
    for (rel, bytes) in site.snapshot_out() {
        if !(rel.ends_with(".html") || rel.ends_with(".xml") || rel.ends_with(".json")) {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        if let Some(c) = text.chars().find(|&c| is_bad(c)) {
            panic!("{rel} has U+{:04X}", c as u32);
        }
    }
    let page = site.read_out("episodes/002-ctl/index.html");
    for kept in [
        "Bell and NUL",
        "Summary  here",
        "Ada",
        "Credit",
        "From",
        "Quote",
        "C1  here.",
        "Next line.",
        "code  with backspace",
    ] {
        assert!(page.contains(kept), "{kept:?} not in the page:\n{page}");
    }
    let feed = site.read_out("feed.xml");
    assert!(feed.contains("<title>Fixture Show</title>"), "{feed}");
    rss::Channel::read_from(feed.as_bytes()).expect("the feed is well-formed");
    // Warnings name the file and the line of each control character.
    let file = "content/episodes/002-ctl.md";
    for line in [2, 7, 8, 11, 15, 16, 19, 23] {
        assert!(
            out.contains(&format!("warning: {file}:{line}:")),
            "no warning for line {line}:\n{out}"
        );
    }
    assert!(out.contains("warning: podcast.toml:1:"), "{out}");
}

/// `check` renders into a scratch folder in the temporary folder and
/// removes it whether the check passes or a template fails to render.
#[test]
fn check_removes_its_scratch_folder_on_every_path() {
    let site = site();
    let tmp = tempfile::tempdir().unwrap();
    let check = |site: &FixtureSite| {
        Command::new(common::bin())
            .arg("check")
            .env("TMPDIR", tmp.path())
            .current_dir(site.root())
            .output()
            .unwrap()
    };
    let leftovers = || std::fs::read_dir(tmp.path()).unwrap().count();

    let out = check(&site);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(leftovers(), 0, "a passing check left its scratch folder");

    site.write(
        "templates/episode.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ episode.titel }}</h1>\n{% endblock content %}\n",
    );
    let out = check(&site);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("`titel` is not defined"),
        "{}",
        text(&out)
    );
    assert_eq!(
        leftovers(),
        0,
        "a failed render left check's scratch folder"
    );
}
