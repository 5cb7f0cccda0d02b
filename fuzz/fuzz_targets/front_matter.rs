//! Arbitrary bytes (UTF-8 lossy) as an episode file: front matter split + TOML parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podsmith::content::{parse_source, EpisodeFront};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_source::<EpisodeFront>(
        &text,
        Path::new("content/episodes/001-fuzz.md"),
        "front matter key",
    );
});
