//! `podsmith new`: dates, audio, and never overwriting.

use crate::common;

use common::{FixtureSite, SAMPLE_MP3};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn date_and_audio_fill_in_the_episode() {
    let site = FixtureSite::basic();
    site.write_bytes("incoming/Final Mix.MP3", SAMPLE_MP3);
    let out = site.run(&[
        "new",
        "Second show",
        "--date",
        "2026-01-15",
        "--audio",
        "incoming/Final Mix.MP3",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.path("content/episodes/002-second-show.md")).unwrap();
    assert!(text.contains("date = 2026-01-15\n"), "{text}");
    assert!(text.contains("\naudio = \"002-second-show.mp3\""), "{text}");
    assert_eq!(
        std::fs::read(site.path("static/media/002-second-show.mp3")).unwrap(),
        SAMPLE_MP3
    );
    // The original stays where it was.
    assert!(site.path("incoming/Final Mix.MP3").exists());
    site.build_ok();
    let feed = site.read_out("feed.xml");
    assert!(feed.contains("media/002-second-show.mp3"), "{feed}");
}

#[test]
fn rfc3339_dates_keep_their_offset() {
    let site = FixtureSite::basic();
    let out = site.run(&["new", "Later", "--date", "2026-01-20T08:30:00+01:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.path("content/episodes/002-later.md")).unwrap();
    assert!(
        text.contains("date = 2026-01-20T08:30:00+01:00\n"),
        "{text}"
    );
    assert!(text.contains("# audio = \"002-later.mp3\""), "{text}");
}

#[test]
fn a_bad_date_or_missing_audio_writes_nothing() {
    let site = FixtureSite::basic();
    let out = site.run(&["new", "X", "--date", "15.01.2026"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is not a date"), "{}", stderr(&out));
    let out = site.run(&["new", "X", "--audio", "nowhere.mp3"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no such audio file"));
    // Audio podsmith cannot measure is refused, whatever its case.
    site.write_bytes("incoming/master.WAV", b"RIFF\0\0\0\0WAVE");
    let out = site.run(&["new", "X", "--audio", "incoming/master.WAV"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not an audio file podsmith can measure"),
        "{}",
        stderr(&out)
    );
    assert!(!site.path("content/episodes/002-x.md").exists());
}

#[test]
fn never_overwrites_an_episode_or_an_audio_file() {
    let site = FixtureSite::basic();
    // A file named 002-hello.md whose front matter says episode 1: the next
    // number is 2 again, and the file is there.
    let existing = common::episode("Hello", 1, "one.mp3")
        .replace("guid-1", "guid-x")
        .replace("episode = 1", "episode = 1\nslug = \"other\"");
    site.write("content/episodes/002-hello.md", &existing);
    let out = site.run(&["new", "Hello"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(site.path("content/episodes/002-hello.md")).unwrap(),
        existing
    );

    // An audio file already at the destination: refused before anything is written.
    let site = FixtureSite::basic();
    site.write_bytes("static/media/002-again.mp3", b"keep me");
    site.write_bytes("new.mp3", SAMPLE_MP3);
    let out = site.run(&["new", "Again", "--audio", "new.mp3"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(site.path("static/media/002-again.mp3")).unwrap(),
        b"keep me"
    );
    assert!(!site.path("content/episodes/002-again.md").exists());
}
