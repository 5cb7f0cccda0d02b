//! Settings that would break the feed in podcast apps are errors; the rest
//! of `check`'s feed rules are warnings in every build; links that run
//! script and control characters never reach the pages or the feed
//! (issue 15, "Never lose or leak a file", observations 8 and 9).

mod common;

use common::{FixtureSite, BASIC_CONFIG};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const COVER_PNG: &[u8] = include_bytes!("../src/starter/cover.png");

/// The basic fixture with its cover art in place.
fn site() -> FixtureSite {
    let site = FixtureSite::basic();
    site.write_bytes("static/cover.png", COVER_PNG);
    site
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
