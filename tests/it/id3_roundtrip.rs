//! ID3 chapters written into an MP3 reach the site model and the episode
//! page; `podsmith tag` then `podsmith build` reads back what tag wrote.

use crate::common;

use common::{episode, FixtureSite};
use id3::frame::{Chapter, TableOfContents};
use id3::{Frame, Tag, TagLike, Version};
use podsmith::site::LoadOptions;

fn write_chapters(path: &std::path::Path, chapters: &[(u32, &str)]) {
    let mut tag = Tag::new();
    let ids: Vec<String> = (0..chapters.len()).map(|i| format!("chp{i}")).collect();
    for (i, (start_ms, title)) in chapters.iter().enumerate() {
        let end = chapters.get(i + 1).map_or(start_ms + 1000, |c| c.0);
        tag.add_frame(Chapter {
            element_id: ids[i].clone(),
            start_time: *start_ms,
            end_time: end,
            start_offset: u32::MAX,
            end_offset: u32::MAX,
            frames: vec![Frame::text("TIT2", *title)],
        });
    }
    tag.add_frame(TableOfContents {
        element_id: "toc".into(),
        top_level: true,
        ordered: true,
        elements: ids,
        frames: Vec::new(),
    });
    tag.write_to_path(path, Version::Id3v24).unwrap();
}

#[test]
fn id3_chapters_reach_the_model_and_the_page() {
    let site = FixtureSite::basic();
    write_chapters(
        &site.path("static/media/one.mp3"),
        &[(0, "Cold open"), (2500, "The news"), (4000, "Mailbag")],
    );
    let model = podsmith::load_site(site.root(), &LoadOptions::default(), None).unwrap();
    let ep = &model.episodes[0];
    assert!(ep.chapters_from_file);
    let titles: Vec<&str> = ep.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["Cold open", "The news", "Mailbag"]);
    assert_eq!(ep.chapters[1].start, 2.5);

    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(
        page.contains("The news") && page.contains("Mailbag"),
        "{page}"
    );
    assert!(page.contains("#t=2.5"), "chapter links seek: {page}");
    let json: serde_json::Value =
        serde_json::from_str(&site.read_out("episodes/001-one/chapters.json")).unwrap();
    assert_eq!(json["chapters"][2]["title"], "Mailbag");
    assert_eq!(json["chapters"][2]["startTime"], 4.0);
}

#[test]
fn tag_then_build_round_trips_chapters_and_titles() {
    let site = FixtureSite::basic();
    let with_chapters = episode("Round trip", 1, "one.mp3")
        .replace("+++\n\n", "[[chapters]]\nstart = 0\ntitle = \"Start here\"\n[[chapters]]\nstart = \"00:03\"\ntitle = \"Then this\"\nurl = \"https://example.org/then\"\n+++\n\n");
    site.write("content/episodes/001-one.md", &with_chapters);
    let out = site.run(&["tag"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Take the chapters out of the front matter: the build must read them from the file.
    site.write(
        "content/episodes/001-one.md",
        &episode("Round trip", 1, "one.mp3"),
    );
    let model = podsmith::load_site(site.root(), &LoadOptions::default(), None).unwrap();
    let ep = &model.episodes[0];
    let info = &ep.audio.as_ref().unwrap().info;
    assert_eq!(info.tags.title.as_deref(), Some("Round trip"));
    assert_eq!(info.tags.album.as_deref(), Some("Fixture Show"));
    assert!(ep.chapters_from_file);
    let chapters: Vec<(f64, &str, Option<&str>)> = ep
        .chapters
        .iter()
        .map(|c| (c.start, c.title.as_str(), c.url.as_deref()))
        .collect();
    assert_eq!(
        chapters,
        [
            (0.0, "Start here", None),
            (3.0, "Then this", Some("https://example.org/then"))
        ]
    );
    site.build_ok();
    assert!(site
        .read_out("episodes/001-one/index.html")
        .contains("Then this"));
}
