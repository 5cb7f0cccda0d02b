//! A small fixture site shared by the site-level targets (see tests/common/mod.rs).

use std::path::Path;

pub const MP3: &[u8] = include_bytes!("../../src/starter/001-welcome.mp3");

pub const CONFIG: &str = r#"title = "Fuzz Show"
description = "A show for fuzzing."
base_url = "https://example.org/show/"
language = "en"
author = "Fuzz Host"
explicit = false
categories = ["Technology"]
[owner]
name = "Fuzz Host"
email = "host@example.org"
[[funding]]
url = "https://example.org/patreon"
text = "Support us"
[[credits]]
name = "Theme Composer"
role = "Theme music"
work = "The Theme"
url = "https://example.org/composer"
"#;

/// A valid front matter, used when the input has none of its own.
pub const FRONT: &str = "+++\ntitle = \"One\"\ndate = 2026-01-01T08:00:00Z\nepisode = 1\naudio = \"one.mp3\"\nguid = \"guid-1\"\nsummary = \"Summary.\"\ntags = [\"common\"]\n[[chapters]]\nstart = \"0:00\"\ntitle = \"Start\"\n[[chapters]]\nstart = \"0:03\"\ntitle = \"Middle\"\nurl = \"https://example.org/x\"\n[[credits]]\nname = \"Guest\"\nrole = \"Guest\"\n+++\n";

pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Creates the fixture (config + audio) in `root`.
pub fn fixture(root: &Path) {
    write(root, "podcast.toml", CONFIG.as_bytes());
    write(root, "static/media/one.mp3", MP3);
}
