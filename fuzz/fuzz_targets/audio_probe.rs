//! Arbitrary bytes as an audio file: the first byte picks the extension
//! (.mp3, .m4a, .ogg), the rest is the file given to `audio::probe`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let ext = ["mp3", "m4a", "ogg"][usize::from(pick % 3)];
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    let path: PathBuf = dir.path().join(format!("input.{ext}"));
    std::fs::write(&path, bytes).expect("write input");
    let _ = podsmith::audio::probe(&path);
});
