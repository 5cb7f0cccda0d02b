//! Several formats of one episode (issue 19): `alternate_audio` files are
//! measured like the main audio and written as `podcast:alternateEnclosure`
//! with `podcast:source`, and `podcast:integrity` with `[feed] integrity`.

use crate::common;
use crate::feed_fixture;

use common::FixtureSite;
use feed_fixture::{show, SHOW_CONFIG};
use std::process::Command;

const OPUS: &[u8] = include_bytes!("../fixtures/audio/opus.opus");
const M4A: &[u8] = include_bytes!("../fixtures/audio/aac.m4a");

fn alternates_show(config_extra: &str) -> FixtureSite {
    let site = show();
    site.write(
        "podcast.toml",
        &format!("{SHOW_CONFIG}\n[feed]\n{config_extra}\n"),
    );
    site.write_bytes("static/media/two.opus", OPUS);
    site.write_bytes("static/media/two.m4a", M4A);
    let path = site.path("content/episodes/002-second.md");
    let text = std::fs::read_to_string(path).unwrap();
    site.write(
        "content/episodes/002-second.md",
        &text.replace(
            "audio = \"two.mp3\"",
            "audio = \"two.mp3\"\nalternate_audio = [\"two.opus\", \"two.m4a\"]",
        ),
    );
    site
}

/// The SRI value of a file by OpenSSL, independently of podsmith.
fn openssl_sri(path: &std::path::Path) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl dgst -sha384 -binary '{}' | openssl base64 -A",
            path.display()
        ))
        .output()
        .expect("openssl");
    assert!(out.status.success());
    format!("sha384-{}", String::from_utf8(out.stdout).unwrap().trim())
}

#[test]
fn alternate_formats_are_measured_and_written() {
    let site = alternates_show("integrity = false");
    site.build_ok();
    let xml = site.read_out("feed.xml");
    let mp3_len = common::SAMPLE_MP3.len();
    let main = format!(
        r#"default="true" length="{mp3_len}" title="MP3" type="audio/mpeg"><podcast:source uri="https://example.org/show/media/two.mp3">"#
    );
    assert!(xml.contains(&main), "{xml}");
    // Opus: its own type; length exact; bitrate from size and duration
    // (12.438 s, by ffmpeg: tests/fixtures/audio/expected.tsv).
    let opus_bitrate = (OPUS.len() as f64 * 8.0 / 12.438375).round() as u64;
    let opus = format!(
        r#"<podcast:alternateEnclosure bitrate="{opus_bitrate}" length="{}" title="OPUS" type="audio/opus"><podcast:source uri="https://example.org/show/media/two.opus"></podcast:source></podcast:alternateEnclosure>"#,
        OPUS.len()
    );
    assert!(xml.contains(&opus), "{xml}");
    let m4a = format!(
        r#"length="{}" title="M4A" type="audio/mp4"><podcast:source uri="https://example.org/show/media/two.m4a"></podcast:source></podcast:alternateEnclosure>"#,
        M4A.len()
    );
    assert!(xml.contains(&m4a), "{xml}");
    assert!(!xml.contains("podcast:integrity"));
    // Only the episode with alternates has them; the files are published.
    assert_eq!(xml.matches("<podcast:alternateEnclosure").count(), 3);
    for (file, bytes) in [("two.opus", OPUS), ("two.m4a", M4A)] {
        let published = std::fs::read(site.path(&format!("public/media/{file}"))).unwrap();
        assert!(published == bytes, "{file} is published as it is");
    }
    // check does not call them unused.
    let check = site.run(&["check"]);
    let text = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(!text.contains("two.opus: no episode uses"), "{text}");
}

#[test]
fn integrity_hashes_match_openssl() {
    let site = alternates_show("integrity = true");
    site.build_ok();
    let xml = site.read_out("feed.xml");
    for file in ["two.mp3", "two.opus", "two.m4a"] {
        let sri = openssl_sri(&site.path(&format!("static/media/{file}")));
        let tag = format!(
            r#"<podcast:integrity type="sri" value="{sri}"></podcast:integrity><podcast:source uri="https://example.org/show/media/{file}">"#
        );
        assert!(xml.contains(&tag), "missing {tag}\n{xml}");
    }
}

#[test]
fn a_missing_alternate_file_is_an_error_at_its_line() {
    let site = alternates_show("");
    std::fs::remove_file(site.path("static/media/two.m4a")).unwrap();
    let err = site.build_err();
    let text = std::fs::read_to_string(site.path("content/episodes/002-second.md")).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("alternate_audio"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("002-second.md:{line}:")), "{err}");
    assert!(err.contains("two.m4a"), "{err}");
}
