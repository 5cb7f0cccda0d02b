//! `podsmith tag`: ID3 tags written from front matter, audio untouched.

use crate::common;

use common::{episode, FixtureSite, SAMPLE_MP3};
use id3::{Tag, TagLike};
use std::io::{Read, Seek};
use std::path::Path;

const CHAPTERS: &str = "\n[[chapters]]\nstart = \"00:00\"\ntitle = \"Intro\"\n\n[[chapters]]\nstart = 3\ntitle = \"Main part\"\nurl = \"https://example.org/main\"\n";

/// The bytes after the ID3v2 tag (the audio, and any ID3v1 tag at the end).
fn audio_bytes(path: &Path) -> Vec<u8> {
    let mut file = std::fs::File::open(path).unwrap();
    Tag::skip(&mut file).unwrap();
    let start = file.stream_position().unwrap();
    let mut rest = Vec::new();
    file.read_to_end(&mut rest).unwrap();
    assert!(start > 0 || rest.len() == std::fs::metadata(path).unwrap().len() as usize);
    rest
}

/// A site whose episode 1 has chapters; the MP3 carries a frame podsmith
/// does not manage (TCOM).
fn site() -> FixtureSite {
    let site = FixtureSite::basic();
    site.write_bytes("static/cover.png", b"\x89PNG\r\n\x1a\nfixture cover");
    let text = episode("One", 1, "one.mp3").replacen(
        "+++\n\nNotes",
        &format!("{CHAPTERS}+++\n\nNotes"),
        1,
    );
    site.write("content/episodes/001-one.md", &text);
    let mp3 = site.path("static/media/one.mp3");
    let mut tag = Tag::read_from_path(&mp3).unwrap_or_default();
    tag.set_text("TCOM", "Someone Else");
    tag.write_to_path(&mp3, id3::Version::Id3v23).unwrap();
    site
}

fn run_ok(site: &FixtureSite, args: &[&str]) -> String {
    let out = site.run(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?} failed:\n{text}");
    text
}

#[test]
fn writes_the_managed_frames_and_keeps_the_audio() {
    let site = site();
    let mp3 = site.path("static/media/one.mp3");
    let audio_before = audio_bytes(&mp3);
    assert_eq!(audio_before, audio_bytes_of_sample());

    let out = run_ok(&site, &["tag"]);
    assert!(out.contains("Tagged static/media/one.mp3"), "{out}");

    assert_eq!(audio_bytes(&mp3), audio_before, "the audio changed");
    let tag = Tag::read_from_path(&mp3).unwrap();
    assert_eq!(tag.version(), id3::Version::Id3v24);
    assert_eq!(tag.title(), Some("One"));
    assert_eq!(tag.artist(), Some("Test Host"));
    assert_eq!(tag.album(), Some("Fixture Show"));
    assert_eq!(tag.track(), Some(1));
    assert_eq!(tag.genre(), Some("Podcast"));
    assert_eq!(
        tag.date_recorded().map(|d| d.to_string()).as_deref(),
        Some("2026-01-01T08:00:00")
    );
    let comments: Vec<_> = tag.comments().collect();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].text, "Summary of One.");
    assert_eq!(comments[0].lang, "eng");
    let woas = tag.get("WOAS").and_then(|f| f.content().link()).unwrap();
    assert_eq!(woas, "https://example.org/show/episodes/001-one/");
    let picture = tag.pictures().next().expect("a cover");
    assert_eq!(picture.mime_type, "image/png");
    assert_eq!(picture.data, b"\x89PNG\r\n\x1a\nfixture cover");
    // Kept: a frame podsmith does not manage.
    assert_eq!(
        tag.get("TCOM").and_then(|f| f.content().text()),
        Some("Someone Else")
    );

    let chapters: Vec<_> = tag.chapters().collect();
    assert_eq!(chapters.len(), 2);
    assert_eq!(chapters[0].start_time, 0);
    assert_eq!(chapters[0].end_time, 3000);
    assert_eq!(chapters[1].start_time, 3000);
    let title = |c: &id3::frame::Chapter| {
        c.frames
            .iter()
            .find(|f| f.id() == "TIT2")
            .and_then(|f| f.content().text())
            .map(str::to_string)
    };
    assert_eq!(title(chapters[0]).as_deref(), Some("Intro"));
    assert_eq!(title(chapters[1]).as_deref(), Some("Main part"));
    let url = chapters[1]
        .frames
        .iter()
        .find_map(|f| f.content().extended_link())
        .map(|l| l.link.clone());
    assert_eq!(url.as_deref(), Some("https://example.org/main"));
    let toc: Vec<_> = tag.tables_of_contents().collect();
    assert_eq!(toc.len(), 1);
    assert!(toc[0].top_level && toc[0].ordered);
    assert_eq!(toc[0].elements, ["chp0", "chp1"]);
}

fn audio_bytes_of_sample() -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(SAMPLE_MP3);
    Tag::skip(&mut cursor).unwrap();
    SAMPLE_MP3[cursor.position() as usize..].to_vec()
}

#[test]
fn a_second_run_changes_nothing() {
    let site = site();
    let mp3 = site.path("static/media/one.mp3");
    run_ok(&site, &["tag"]);
    let bytes = std::fs::read(&mp3).unwrap();
    let modified = std::fs::metadata(&mp3).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = run_ok(&site, &["tag"]);
    assert!(out.contains("Unchanged static/media/one.mp3"), "{out}");
    assert!(out.contains("0 files changed, 1 unchanged"), "{out}");
    assert_eq!(std::fs::read(&mp3).unwrap(), bytes);
    assert_eq!(
        std::fs::metadata(&mp3).unwrap().modified().unwrap(),
        modified
    );
    // A real change is written again, and only then.
    site.write(
        "content/episodes/001-one.md",
        &episode("One, renamed", 1, "one.mp3").replacen(
            "+++\n\nNotes",
            &format!("{CHAPTERS}+++\n\nNotes"),
            1,
        ),
    );
    let out = run_ok(&site, &["tag", "--dry-run"]);
    assert!(out.contains("~ TIT2: \"One\" -> \"One, renamed\""), "{out}");
    assert!(!out.contains("TALB"), "only the title changes:\n{out}");
    assert_eq!(std::fs::read(&mp3).unwrap(), bytes, "--dry-run wrote");
    run_ok(&site, &["tag"]);
    assert_eq!(
        Tag::read_from_path(&mp3).unwrap().title(),
        Some("One, renamed")
    );
}

#[test]
fn dry_run_lists_changes_and_writes_nothing() {
    let site = site();
    let mp3 = site.path("static/media/one.mp3");
    let before = std::fs::read(&mp3).unwrap();
    let out = run_ok(&site, &["tag", "--dry-run"]);
    assert!(out.contains("Would tag static/media/one.mp3"), "{out}");
    assert!(out.contains("~ version: ID3v2.3 -> ID3v2.4"), "{out}");
    assert!(
        out.contains("~ TALB: \"My New Show\" -> \"Fixture Show\""),
        "{out}"
    );
    assert!(out.contains("+ TRCK: \"1\""), "{out}");
    assert!(out.contains("+ CHAP chp1: 3000-"), "{out}");
    assert!(out.contains("+ CTOC toc: chp0, chp1"), "{out}");
    assert!(out.contains("1 file would change"), "{out}");
    assert_eq!(std::fs::read(&mp3).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.path("static/media"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn episodes_are_chosen_by_slug_or_number() {
    let site = site();
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write("content/episodes/002-two.md", &episode("Two", 2, "two.mp3"));
    let two = site.path("static/media/two.mp3");
    let out = run_ok(&site, &["tag", "001-one"]);
    assert!(out.contains("one.mp3") && !out.contains("two.mp3"), "{out}");
    assert_eq!(std::fs::read(&two).unwrap(), SAMPLE_MP3);
    let out = run_ok(&site, &["tag", "2"]);
    assert!(out.contains("Tagged static/media/two.mp3"), "{out}");
    assert_eq!(Tag::read_from_path(&two).unwrap().title(), Some("Two"));

    let out = site.run(&["tag", "999"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no episode with the slug or number \"999\"")
    );
}

#[test]
fn drafts_can_be_tagged_before_they_are_published() {
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace("+++\n\n", "draft = true\n+++\n\n"),
    );
    run_ok(&site, &["tag"]);
    let tag = Tag::read_from_path(site.path("static/media/one.mp3")).unwrap();
    assert_eq!(tag.title(), Some("One"));
}

/// A tag with a frame that claims more bytes than the tag holds (as found by
/// fuzzing) is not rewritten: the frames after it would be lost. The error
/// names the file and the frame, and the file stays as it was.
#[test]
fn a_damaged_tag_is_refused_and_left_alone() {
    let site = FixtureSite::basic();
    let file = common::mp3_with_oversized_id3_frame(SAMPLE_MP3);
    site.write_bytes("static/media/one.mp3", &file);
    let out = site.run(&["tag"]);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(text.contains("one.mp3"), "{text}");
    assert!(text.contains("frame `APIC` claims"), "{text}");
    assert_eq!(
        std::fs::read(site.path("static/media/one.mp3")).unwrap(),
        file
    );
}
