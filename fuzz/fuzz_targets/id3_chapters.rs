//! The ID3v2 tag / chapter reader, reached through `audio::probe` on an .mp3
//! file. The first byte chooses the mode:
//! * even: a valid ID3v2.3/2.4 header (size = the rest) is put in front of the
//!   bytes, followed by a few real MPEG frames so the probe gets to the tags;
//! * odd: the bytes are the whole file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
const MP3: &[u8] = include_bytes!("../../src/starter/001-welcome.mp3");

fn syncsafe(n: usize) -> [u8; 4] {
    let n = n.min(0x0FFF_FFFF) as u32;
    [
        ((n >> 21) & 0x7F) as u8,
        ((n >> 14) & 0x7F) as u8,
        ((n >> 7) & 0x7F) as u8,
        (n & 0x7F) as u8,
    ]
}

/// The MPEG audio of the sample (after its own ID3 tag, if any).
fn audio() -> &'static [u8] {
    static AUDIO: OnceLock<Vec<u8>> = OnceLock::new();
    AUDIO.get_or_init(|| {
        let start = if MP3.starts_with(b"ID3") {
            let s = &MP3[6..10];
            10 + ((usize::from(s[0]) << 21)
                | (usize::from(s[1]) << 14)
                | (usize::from(s[2]) << 7)
                | usize::from(s[3]))
        } else {
            0
        };
        MP3[start..].to_vec()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut file = Vec::with_capacity(rest.len() + 10 + audio().len());
    if mode % 2 == 0 {
        // ID3v2.3 or v2.4, flags from the input's mode byte (unsync, ext header...).
        let version = if mode & 2 == 0 { 3 } else { 4 };
        let flags = mode & 0xF0;
        file.extend_from_slice(b"ID3");
        file.extend_from_slice(&[version, 0, flags]);
        file.extend_from_slice(&syncsafe(rest.len()));
        file.extend_from_slice(rest);
        file.extend_from_slice(audio());
    } else {
        file.extend_from_slice(rest);
    }
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    let path = dir.path().join("input.mp3");
    std::fs::write(&path, &file).expect("write input");
    let _ = podsmith::audio::probe(&path);
});
