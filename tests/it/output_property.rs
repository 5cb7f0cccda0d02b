//! Property: any sequence of edits, renames, deletions and additions in
//! `static/`, `content/` and the media folder, each followed by a build
//! into the same `public/`, leaves exactly the output that a fresh build of
//! the same sources (in a new folder, without the audio cache) gives.

use crate::common;

use common::{episode, snapshot_dir, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};
use proptest::prelude::*;
use std::path::Path;

/// A second real MP3 of another length and duration.
const OTHER_MP3: &[u8] = include_bytes!("../fixtures/audio/cbr64-mono.mp3");

#[derive(Debug, Clone)]
enum Step {
    /// Writes `static/<name>` with one of a few contents.
    WriteStatic(usize, usize),
    DeleteStatic(usize),
    RenameStatic(usize, usize),
    /// Writes episode `n` (its Markdown) with audio `a`.
    WriteEpisode(u32, usize),
    DeleteEpisode(u32),
    /// Renames episode `n`'s file (its slug and page move).
    RenameEpisode(u32),
    /// Replaces the audio file `a` with the other recording.
    ReplaceAudio(usize),
}

const STATIC_NAMES: [&str; 4] = ["robots.txt", "img/logo.svg", "img/deep/x.css", "about.txt"];
const CONTENTS: [&str; 3] = ["one", "two, longer", "three!"];
const AUDIO: [&str; 2] = ["a.mp3", "b.mp3"];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..STATIC_NAMES.len(), 0..CONTENTS.len()).prop_map(|(n, c)| Step::WriteStatic(n, c)),
        (0..STATIC_NAMES.len()).prop_map(Step::DeleteStatic),
        (0..STATIC_NAMES.len(), 0..STATIC_NAMES.len()).prop_map(|(a, b)| Step::RenameStatic(a, b)),
        (1..4u32, 0..AUDIO.len()).prop_map(|(n, a)| Step::WriteEpisode(n, a)),
        (1..4u32).prop_map(Step::DeleteEpisode),
        (1..4u32).prop_map(Step::RenameEpisode),
        (0..AUDIO.len()).prop_map(Step::ReplaceAudio),
    ]
}

/// The episode file of number `n`, whichever name it has now.
fn episode_file(site: &FixtureSite, n: u32) -> Option<std::path::PathBuf> {
    let dir = site.path("content/episodes");
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with(&format!("{n:03}-")))
        })
}

fn apply(site: &FixtureSite, step: &Step) {
    match *step {
        Step::WriteStatic(n, c) => site.write(&format!("static/{}", STATIC_NAMES[n]), CONTENTS[c]),
        Step::DeleteStatic(n) => {
            let _ = std::fs::remove_file(site.path(&format!("static/{}", STATIC_NAMES[n])));
        }
        Step::RenameStatic(a, b) => {
            let from = site.path(&format!("static/{}", STATIC_NAMES[a]));
            let to = site.path(&format!("static/{}", STATIC_NAMES[b]));
            if from.is_file() && a != b {
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::rename(from, to).unwrap();
            }
        }
        Step::WriteEpisode(n, a) => {
            let path = episode_file(site, n)
                .unwrap_or_else(|| site.path(&format!("content/episodes/{n:03}-ep.md")));
            let text = episode(&format!("Ep {n}"), n, AUDIO[a]);
            std::fs::write(path, text).unwrap();
        }
        Step::DeleteEpisode(n) => {
            if let Some(path) = episode_file(site, n) {
                std::fs::remove_file(path).unwrap();
            }
        }
        Step::RenameEpisode(n) => {
            if let Some(path) = episode_file(site, n) {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let renamed = if name.ends_with("-ep.md") {
                    format!("{n:03}-renamed.md")
                } else {
                    format!("{n:03}-ep.md")
                };
                std::fs::rename(&path, path.with_file_name(renamed)).unwrap();
            }
        }
        Step::ReplaceAudio(a) => {
            let path = site.path(&format!("static/media/{}", AUDIO[a]));
            let now = std::fs::read(&path).unwrap();
            let other = if now == SAMPLE_MP3 {
                OTHER_MP3
            } else {
                SAMPLE_MP3
            };
            std::fs::write(path, other).unwrap();
        }
    }
}

/// Copies the site's sources (not its output or cache) into `to`.
fn copy_sources(from: &Path, to: &Path) {
    for top in ["podcast.toml", "content", "static"] {
        let src = from.join(top);
        for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
            let rel = entry.path().strip_prefix(from).unwrap();
            let dest = to.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_rebuilt_output_equals_a_fresh_build(steps in prop::collection::vec(step(), 1..7)) {
        let site = FixtureSite::new(BASIC_CONFIG);
        site.write_bytes("static/media/a.mp3", SAMPLE_MP3);
        site.write_bytes("static/media/b.mp3", OTHER_MP3);
        site.write("content/episodes/001-ep.md", &episode("Ep 1", 1, "a.mp3"));
        site.build_ok();
        for step in &steps {
            apply(&site, step);
            // Removing or renaming a published episode is refused without
            // this (the feed's stability check), which a fresh build cannot know.
            let rebuilt = site.run(&["build", "--accept-feed-changes"]);
            let fresh_site = tempfile::tempdir().unwrap();
            copy_sources(site.root(), fresh_site.path());
            let fresh = std::process::Command::new(common::bin())
                .arg("build")
                .current_dir(fresh_site.path())
                .output()
                .unwrap();
            // The same verdict, and on success the same files.
            prop_assert_eq!(rebuilt.status.success(), fresh.status.success(), "after {:?}", step);
            if rebuilt.status.success() {
                let got = snapshot_dir(&site.path("public"));
                let want = snapshot_dir(&fresh_site.path().join("public"));
                let names = |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
                prop_assert_eq!(names(&got), names(&want), "after {:?}", step);
                prop_assert!(got == want, "after {:?}: same files, different bytes", step);
            }
        }
    }
}
