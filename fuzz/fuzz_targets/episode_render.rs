//! An arbitrary string as the text of the only episode file of a fixture
//! site, then `load_site` + `render_site` (Markdown, templates, feed) into a
//! staging folder. Input that does not start with `+++` gets a fixed valid
//! front matter in front, so the body's Markdown is reached too.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use podsmith::output::Staging;
use podsmith::site::LoadOptions;
use std::sync::OnceLock;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = DIR.get_or_init(|| {
        let d = tempfile::tempdir().expect("temp dir");
        common::fixture(d.path());
        d
    });
    let root = dir.path();
    let text = if text.trim_start_matches('\u{feff}').starts_with("+++") {
        text.to_string()
    } else {
        format!("{}{text}", common::FRONT)
    };
    common::write(root, "content/episodes/001-fuzz.md", text.as_bytes());
    let load = LoadOptions {
        include_drafts: true,
        ..LoadOptions::default()
    };
    let Ok(site) = podsmith::load_site(root, &load, None) else {
        return;
    };
    let staging = Staging::begin(&root.join("public"), root).expect("staging");
    let _ = podsmith::render_site(&site, &staging, &Default::default());
});
