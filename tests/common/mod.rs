//! Shared helpers for integration tests: fixture sites in temporary folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A small real MP3 (espeak-ng speech, lame, 22.05 kHz mono, about 6.4 s).
pub const SAMPLE_MP3: &[u8] = include_bytes!("../../src/starter/001-welcome.mp3");

/// Cover art that meets Apple's rules (the starter's: 1400×1400 RGB PNG).
pub const COVER_PNG: &[u8] = include_bytes!("../../src/starter/cover.png");

/// `audio` behind an ID3v2.3 tag whose second frame (APIC) claims 2.7 GB,
/// more than the tag holds (the damage fuzzing found). The first frame is a
/// sound TIT2 "Kept.".
pub fn mp3_with_oversized_id3_frame(audio: &[u8]) -> Vec<u8> {
    let mut frames = b"TIT2\0\0\0\x06\0\0\0Kept.".to_vec();
    frames.extend_from_slice(b"APIC\xA0\0\0\0\0\0");
    frames.extend_from_slice(&[0u8; 64]);
    let size = frames.len() as u32;
    let mut file = b"ID3\x03\0\0".to_vec();
    file.extend([21, 14, 7, 0].map(|s| ((size >> s) & 0x7F) as u8));
    file.extend(frames);
    file.extend_from_slice(audio);
    file
}

/// The podsmith binary under test: this build's, or the one named by
/// `PODSMITH_TEST_BIN` (to show that a new test fails on an older build).
pub fn bin() -> PathBuf {
    std::env::var_os("PODSMITH_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_podsmith")))
}

/// A fixture site in a temporary folder.
pub struct FixtureSite {
    pub dir: tempfile::TempDir,
}

impl FixtureSite {
    /// A site with `podcast.toml` and nothing else but, when the settings
    /// name `image = "cover.png"` (as [`BASIC_CONFIG`] does), that cover
    /// art: a build refuses a missing cover.
    pub fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = FixtureSite { dir };
        site.write("podcast.toml", config);
        if config.lines().any(|l| l.trim() == "image = \"cover.png\"") {
            site.write_bytes("static/cover.png", COVER_PNG);
        }
        site
    }

    /// A site with the default settings (and cover art) and one episode
    /// with audio.
    pub fn basic() -> Self {
        let site = FixtureSite::new(BASIC_CONFIG);
        site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
        site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a text file (creating folders).
    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Reads an output file under `public/` as text.
    pub fn read_out(&self, rel: &str) -> String {
        let path = self.path("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Runs the real binary in this site's folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(bin())
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run podsmith")
    }

    /// Runs `podsmith build` and asserts success; returns stdout + stderr.
    pub fn build_ok(&self) -> String {
        let out = self.run(&["build"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "build failed:\n{text}");
        text
    }

    /// Runs `podsmith build`, asserts failure; returns stderr.
    pub fn build_err(&self) -> String {
        let out = self.run(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !out.status.success(),
            "build should have failed; stdout:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        stderr
    }

    /// Every file under `public/` with its bytes, sorted by path.
    pub fn snapshot_out(&self) -> Vec<(String, Vec<u8>)> {
        snapshot_dir(&self.path("public"))
    }
}

/// Every file under `dir` with its bytes, sorted by relative path.
pub fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

pub const BASIC_CONFIG: &str = r#"title = "Fixture Show"
description = "A show for tests."
base_url = "https://example.org/show/"
language = "en"
author = "Test Host"
image = "cover.png"
explicit = false
categories = ["Technology"]
[owner]
name = "Test Host"
email = "host@example.org"
[[funding]]
url = "https://example.org/patreon"
text = "Support us on Patreon"
[[credits]]
name = "Theme Composer"
role = "Theme music"
work = "The Theme"
url = "https://example.org/composer"
"#;

/// An episode file with the given title, number and audio.
pub fn episode(title: &str, number: u32, audio: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-01-{day:02}T08:00:00Z\nepisode = {number}\naudio = \"{audio}\"\nguid = \"guid-{number}\"\nsummary = \"Summary of {title}.\"\ntags = [\"common\"]\n+++\n\nNotes for {title}.\n",
        day = number.min(28)
    )
}

/// Makes a symbolic link at `link` that points to `target` (relative to the
/// link's folder, as the OS reads it). On Windows a link to a folder is a
/// folder link, and making links needs Developer Mode or the privilege.
pub fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(target, link)
    }
    #[cfg(windows)]
    {
        let (target, link) = (target.as_ref(), link.as_ref());
        let resolved = link.parent().unwrap_or(Path::new(".")).join(target);
        if resolved.is_dir() {
            std::os::windows::fs::symlink_dir(target, link)
        } else {
            std::os::windows::fs::symlink_file(target, link)
        }
    }
}
