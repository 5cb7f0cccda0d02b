//! Settings that would break the feed in podcast apps are errors; the rest
//! of `check`'s feed rules are warnings in every build; links that run
//! script and control characters never reach the pages or the feed
//! (issue 15, "Never lose or leak a file", observations 8 and 9).

mod common;

use common::{FixtureSite, BASIC_CONFIG};
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsmith"))
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

    // `check` says the same, once.
    let out = site.run(&["check"]);
    assert!(!out.status.success());
    assert_eq!(count(&text(&out), "static/cover.png"), 1, "{}", text(&out));
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsmith"))
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
    let out = Command::new(env!("CARGO_BIN_EXE_podsmith"))
        .args(["init", "show"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = Command::new(env!("CARGO_BIN_EXE_podsmith"))
        .args(["build"])
        .current_dir(dir.path().join("show"))
        .output()
        .unwrap();
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(!all.contains("warning"), "{all}");
}
