//! Incremental rebuilds (what `serve` does after an edit, through its
//! [`Rebuilder`]): episodes kept between loads and unchanged files kept
//! from the live output must give exactly the files a full build gives.

use crate::common;

use common::{episode, snapshot_dir, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};
use podsmith::render::RenderOptions;
use podsmith::serve::Rebuilder;
use podsmith::site::LoadOptions;
use podsmith::{build, BuildOptions};
use std::path::Path;

const BASE_URL: &str = "http://127.0.0.1:1111/";

/// What serve keeps between rebuilds.
struct Incremental {
    rebuilder: Rebuilder,
    load: LoadOptions,
}

impl Incremental {
    fn new() -> Incremental {
        Incremental {
            rebuilder: Rebuilder::default(),
            load: LoadOptions {
                include_drafts: false,
                now: "2026-06-01T00:00:00Z".parse().unwrap(),
            },
        }
    }

    fn options(&self, root: &Path, out: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            load: self.load.clone(),
            render: RenderOptions::default(),
            base_url: Some(BASE_URL.to_string()),
            accept_feed_changes: true,
        }
    }

    /// Rebuilds into `out`; returns how many files were kept unrendered.
    fn rebuild(&mut self, root: &Path, out: &Path) -> usize {
        let options = self.options(root, out);
        let (site, staging) = self.rebuilder.load(&options).expect("load");
        let rendered = self
            .rebuilder
            .render(&site, staging, &options)
            .expect("render");
        let kept = rendered.kept();
        self.rebuilder.commit(rendered).expect("commit");
        kept
    }

    /// A full build of the same sources into a fresh folder, compared file
    /// by file with `out`.
    fn assert_same_as_full(&self, root: &Path, out: &Path, step: &str) {
        let full = tempfile::tempdir().unwrap();
        let full_out = full.path().join("public");
        build(&BuildOptions {
            root: root.to_path_buf(),
            out: full_out.clone(),
            load: self.load.clone(),
            render: RenderOptions::default(),
            base_url: Some(BASE_URL.to_string()),
            accept_feed_changes: true,
        })
        .expect("full build");
        // The manifests differ in one flag: serve links its audio.
        let site_files = |dir: &Path| {
            let mut files = snapshot_dir(dir);
            files.retain(|(rel, _)| rel != ".podsmith-output");
            files
        };
        let (incremental, full) = (site_files(out), site_files(&full_out));
        let names = |s: &[(String, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&incremental),
            names(&full),
            "{step}: file lists differ"
        );
        for ((rel, a), (_, b)) in incremental.iter().zip(&full) {
            assert!(
                a == b,
                "{step}: {rel} differs:\n--- incremental\n{}\n--- full\n{}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
        }
    }
}

/// Writes `bytes` to a new file and renames it over `path`: a new inode
/// with the old name.
fn replace_file(path: &Path, bytes: &[u8]) {
    let new = path.with_extension("new");
    std::fs::write(&new, bytes).unwrap();
    std::fs::rename(&new, path).unwrap();
}

/// A named edit of the site.
type Step<'a> = (&'static str, Box<dyn Fn() + 'a>);

fn numbered(title: &str, n: u32, tags: &str, supporters: &str) -> String {
    episode(title, n, &format!("{n}.mp3")).replace(
        "tags = [\"common\"]",
        &format!("tags = [{tags}]\nsupporters = [{supporters}]"),
    )
}

#[test]
fn incremental_rebuilds_match_full_builds() {
    let site = FixtureSite::new(&format!("episodes_per_page = 2\n{BASIC_CONFIG}"));
    site.write_bytes("static/cover.png", b"\x89PNG\r\n\x1a\nnot really");
    for n in 1..=6 {
        site.write_bytes(&format!("static/media/{n}.mp3"), SAMPLE_MP3);
        let tags = if n % 2 == 0 {
            "\"even\", \"all\""
        } else {
            "\"odd\", \"all\""
        };
        site.write(
            &format!("content/episodes/{n:03}-ep.md"),
            &numbered(&format!("Episode {n}"), n, tags, "\"Ann\", \"Bo\""),
        );
    }
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nAbout us.\n",
    );
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    let root = site.root();
    let ep = |n: u32| format!("content/episodes/{n:03}-ep.md");
    let read = |rel: &str| std::fs::read_to_string(site.path(rel)).unwrap();

    let mut inc = Incremental::new();
    assert_eq!(
        inc.rebuild(root, &out),
        0,
        "a first build renders everything"
    );
    inc.assert_same_as_full(root, &out, "first build");
    // As serve does after its first build.
    inc.rebuilder.prepare_spare(&out);

    // Notes of one episode: most files are kept, the result is exact.
    site.write(
        &ep(3),
        &format!("{}\nA line added to the notes.\n", read(&ep(3))),
    );
    let kept = inc.rebuild(root, &out);
    assert!(
        kept > 5,
        "only a few files should be rendered again, kept {kept}"
    );
    inc.assert_same_as_full(root, &out, "notes edited");
    assert!(
        std::fs::read_to_string(out.join("episodes/003-ep/index.html"))
            .unwrap()
            .contains("A line added to the notes.")
    );

    let steps: Vec<Step<'_>> = vec![
        (
            "title changed (neighbours, lists, feed)",
            Box::new(|| {
                site.write(
                    &ep(2),
                    &read(&ep(2)).replace("Episode 2", "Second, renamed"),
                )
            }),
        ),
        (
            "date changed (order)",
            Box::new(|| {
                site.write(
                    &ep(1),
                    &read(&ep(1)).replace("2026-01-01T08", "2026-02-01T08"),
                )
            }),
        ),
        (
            "tags and supporters changed",
            Box::new(|| {
                site.write(
                    &ep(4),
                    &read(&ep(4))
                        .replace("\"even\", \"all\"", "\"even\", \"new tag\"")
                        .replace("\"Ann\", \"Bo\"", "\"Ann\", \"Cy\", \"Dee\""),
                )
            }),
        ),
        (
            "summary changed",
            Box::new(|| {
                site.write(
                    &ep(5),
                    &read(&ep(5)).replace("Summary of", "Another summary of"),
                )
            }),
        ),
        (
            "episode added",
            Box::new(|| {
                site.write_bytes("static/media/7.mp3", SAMPLE_MP3);
                site.write(&ep(7), &numbered("Episode 7", 7, "\"odd\"", "\"Eve\""));
            }),
        ),
        (
            "episode removed",
            Box::new(|| std::fs::remove_file(site.path(&ep(6))).unwrap()),
        ),
        (
            "static file replaced by a new file, as editors save",
            Box::new(|| replace_file(&site.path("static/cover.png"), b"\x89PNG\r\n\x1a\nanother")),
        ),
        (
            "static file replaced again (the spare holds the first one)",
            Box::new(|| replace_file(&site.path("static/cover.png"), b"\x89PNG\r\n\x1a\nthird")),
        ),
        (
            "transcript added (episode page, its transcript page, search index)",
            Box::new(|| {
                site.write(
                    "static/media/3.vtt",
                    "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ann>First words.\n",
                )
            }),
        ),
        (
            "transcript edited",
            Box::new(|| {
                replace_file(
                    &site.path("static/media/3.vtt"),
                    b"WEBVTT\n\n00:00.000 --> 00:02.000\n<v Bo>Other words.\n",
                )
            }),
        ),
        (
            "a real cover (small copies made)",
            Box::new(|| replace_file(&site.path("static/cover.png"), common::COVER_PNG)),
        ),
        (
            "settings changed",
            Box::new(|| {
                site.write(
                    "podcast.toml",
                    &read("podcast.toml").replace("Fixture Show", "Renamed Show"),
                )
            }),
        ),
        (
            "template overridden",
            Box::new(|| {
                site.write(
                    "templates/404.html",
                    "{% extends \"base.html\" %}{% block content %}<p>Lost.</p>{% endblock content %}",
                )
            }),
        ),
        (
            "page changed",
            Box::new(|| {
                site.write(
                    "content/about.md",
                    "+++\ntitle = \"About the show\"\n+++\n\nHi.\n",
                )
            }),
        ),
        (
            "draft hidden",
            Box::new(|| {
                site.write(
                    &ep(5),
                    &read(&ep(5)).replace("+++\n\n", "draft = true\n+++\n\n"),
                )
            }),
        ),
    ];
    for (step, edit) in steps {
        edit();
        if step.starts_with("transcript") || step.starts_with("a real cover") {
            // As serve does after a change to a file that is not an
            // episode's own (serve/watch.rs).
            inc.rebuilder.forget_episodes();
        }
        inc.rebuild(root, &out);
        inc.assert_same_as_full(root, &out, step);
    }
}

/// serve's spare folder after the first build is made of hard links to the
/// live output: the rebuild that recycles it must replace those files, never
/// write through them.
#[test]
fn a_prepared_spare_never_writes_through_to_the_live_output() {
    let site = FixtureSite::basic();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    let root = site.root();
    let mut inc = Incremental::new();
    inc.rebuild(root, &out);
    inc.rebuilder.prepare_spare(&out);
    let live = snapshot_dir(&out);
    let first = "content/episodes/001-one.md";
    let text = std::fs::read_to_string(site.path(first)).unwrap();
    site.write(first, &format!("{text}\nA new paragraph.\n"));
    let options = inc.options(root, &out);
    let (loaded, staging) = inc.rebuilder.load(&options).expect("load");
    let rendered = inc
        .rebuilder
        .render(&loaded, staging, &options)
        .expect("render");
    assert!(rendered.kept() > 0, "the spare's files were recycled");
    assert!(
        snapshot_dir(&out) == live,
        "rendering into the recycled spare changed the live output"
    );
    inc.rebuilder.commit(rendered).expect("commit");
    inc.assert_same_as_full(root, &out, "after recycling the prepared spare");
}

#[test]
fn a_failed_rebuild_leaves_the_next_one_exact() {
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/002-two.md",
        &episode("Two", 2, "one.mp3").replace("guid-2", "guid-two"),
    );
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    let root = site.root();
    let mut inc = Incremental::new();
    inc.rebuild(root, &out);
    site.write("content/episodes/002-two.md", "+++\ntitle = \n+++\n");
    let options = inc.options(root, &out);
    assert!(inc.rebuilder.load(&options).is_err());
    site.write(
        "content/episodes/002-two.md",
        &episode("Two again", 2, "one.mp3").replace("guid-2", "guid-two"),
    );
    inc.rebuild(root, &out);
    inc.assert_same_as_full(root, &out, "after a failed load");
}

#[test]
fn a_site_loaded_without_fingerprints_is_always_rendered() {
    let site = FixtureSite::basic();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    let root = site.root();
    let loaded = podsmith::load_site(root, &LoadOptions::default(), Some(BASE_URL)).unwrap();
    assert!(loaded.episodes.iter().all(|e| e.fingerprint == 0));
    let mut inc = Incremental::new();
    let options = inc.options(root, &out);
    for _ in 0..2 {
        let serve_output = podsmith::output::OutputOptions {
            hard_links: true,
            private: true,
        };
        let staging = podsmith::output::Staging::begin_with(&out, root, serve_output).unwrap();
        let rendered = inc.rebuilder.render(&loaded, staging, &options).unwrap();
        assert_eq!(rendered.kept(), 0);
        inc.rebuilder.commit(rendered).unwrap();
    }
}
