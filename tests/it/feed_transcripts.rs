//! Transcripts in every format apps take (issue 19): WebVTT, SubRip, the
//! Podcasting 2.0 JSON transcript and HTML, each a `podcast:transcript`
//! with its type, language and `rel="captions"` when timed; malformed
//! files are errors naming their line.

use crate::feed_fixture;

use feed_fixture::show;

const SRT: &str = "1\n00:00:00,000 --> 00:00:02,000\nHello.\n";
const JSON: &str = r#"{
  "version": "1.0.0",
  "segments": [
    { "speaker": "Host", "startTime": 0.0, "endTime": 2.0, "body": "Hello." }
  ]
}
"#;
const HTML: &str = "<p><b>Host:</b> Hello.</p>\n";

#[test]
fn every_format_is_a_transcript_tag_and_is_published() {
    let site = show();
    site.write("static/media/one.srt", SRT);
    site.write("static/media/one.json", JSON);
    site.write("static/media/one.html", HTML);
    site.build_ok();
    let xml = site.read_out("feed.xml");
    let base = "https://example.org/show/media/one";
    for (ext, ty, rel) in [
        ("vtt", "text/vtt", " rel=\"captions\""),
        ("srt", "application/x-subrip", " rel=\"captions\""),
        ("json", "application/json", " rel=\"captions\""),
        ("html", "text/html", ""),
    ] {
        let tag = format!(
            "<podcast:transcript language=\"en\"{rel} type=\"{ty}\" url=\"{base}.{ext}\"></podcast:transcript>"
        );
        assert!(xml.contains(&tag), "missing {tag}\n{xml}");
        // The file itself is published beside the audio.
        let published = site.read_out(&format!("media/one.{ext}"));
        assert!(!published.is_empty());
    }
    // The episode page still links one transcript: the first format found.
    let page = site.read_out("episodes/001-first/index.html");
    assert!(page.contains(&format!("{base}.vtt")), "{page}");
}

#[test]
fn malformed_transcripts_are_errors_with_file_and_line() {
    for (name, text, line, what) in [
        ("one.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nHi.\n\n00:02.000 -> 00:03.000\nYo.\n\n00:0x.000 --> 00:04.000\n", 9, "is not a cue timing"),
        ("one.srt", "1\n00:00:00,000 --> 00:00:02,000\nHi.\n\nsecond\n00:00:02,000 --> 00:00:03,000\n", 5, "is not a cue number"),
        ("one.json", "{\n  \"version\": \"1.0.0\",\n  \"segments\": [\n    { \"startTime\": 0, \"body\": \"Hi\" }\n  ]\n}\n", 4, "not a Podcasting 2.0 JSON transcript"),
    ] {
        let site = show();
        site.write(&format!("static/media/{name}"), text);
        let err = site.build_err();
        assert!(
            err.contains(&format!("static/media/{name}:{line}:")),
            "{name}: {err}"
        );
        assert!(err.contains(what), "{name}: {err}");
        assert!(err.contains("help:"), "{name}: {err}");
    }
}
