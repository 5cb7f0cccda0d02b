//! Which files of the site a build publishes: only the audio of the
//! episodes in the build, never the sources, and no hidden files or links
//! out of static/ (issue 15, observations 3, 4 and 7).

use crate::common;

use common::symlink;
use common::{episode, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};

/// The settings with a `[media]` table; returns them and the line of `dir`.
fn config_with_media_dir(dir: &str) -> (String, usize) {
    let config = format!("{BASIC_CONFIG}[media]\ndir = \"{dir}\"\n");
    let line = BASIC_CONFIG.lines().count() + 2;
    (config, line)
}

/// Every file under `public/`.
fn published(site: &FixtureSite) -> Vec<String> {
    site.snapshot_out().into_iter().map(|(p, _)| p).collect()
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Observation 3: `dir = "."` would publish podcast.toml (the owner's
/// email), content/ (drafts included) and the cache. It is refused, with
/// the place in podcast.toml, by build and check, and nothing is written.
#[test]
fn media_dir_at_the_site_root_is_refused() {
    let (config, line) = config_with_media_dir(".");
    let site = FixtureSite::new(&config);
    site.write_bytes("one.mp3", SAMPLE_MP3);
    site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    let draft = episode("Secret draft", 2, "one.mp3").replace("+++\n\n", "draft = true\n+++\n\n");
    site.write("content/episodes/002-draft.md", &draft);

    let stderr = site.build_err();
    let place = format!("podcast.toml:{line}:7: `[media] dir` = \".\" is the site's own folder");
    assert!(stderr.contains(&place), "{stderr}");
    assert!(
        stderr.contains("help: keep the audio in a folder of its own"),
        "{stderr}"
    );
    assert!(
        !site.path("public").exists(),
        "a failed build wrote public/"
    );
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".podsmith-build") || n.starts_with(".podsmith-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let check = site.run(&["check"]);
    assert!(!check.status.success());
    assert!(text(&check).contains(&place), "{}", text(&check));
}

/// Observation 3: audio beside the Markdown (`dir = "content/episodes"`)
/// is allowed; only the published episodes' audio and transcripts come out.
#[test]
fn audio_beside_the_markdown_publishes_only_the_audio() {
    let (config, _) = config_with_media_dir("content/episodes");
    let site = FixtureSite::new(&config);
    site.write_bytes("content/episodes/one.mp3", SAMPLE_MP3);
    site.write(
        "content/episodes/one.vtt",
        "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n",
    );
    site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    site.write_bytes("content/episodes/two.mp3", SAMPLE_MP3);
    let draft = episode("Secret draft", 2, "two.mp3").replace("+++\n\n", "draft = true\n+++\n\n");
    site.write("content/episodes/002-draft.md", &draft);
    site.write("content/episodes/notes.txt", "private notes");
    site.write("content/about.md", "+++\ntitle = \"About\"\n+++\nUs.\n");
    site.build_ok();

    let files = published(&site);
    let media: Vec<&String> = files.iter().filter(|f| f.starts_with("media/")).collect();
    assert_eq!(media, ["media/one.mp3", "media/one.vtt"], "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| !f.ends_with(".md") && !f.contains("podcast.toml")),
        "{files:?}"
    );
    assert!(site.read_out("feed.xml").contains("media/one.vtt"));
}

/// Observation 4: a draft's and a scheduled episode's audio are not
/// published (nor audio that no episode uses); `--drafts` includes them.
#[test]
fn held_back_episodes_audio_is_not_published() {
    let site = FixtureSite::basic();
    site.write_bytes("static/media/draft.mp3", SAMPLE_MP3);
    site.write_bytes("static/media/future.mp3", SAMPLE_MP3);
    site.write_bytes("static/media/unused.mp3", SAMPLE_MP3);
    let draft = episode("Secret draft", 2, "draft.mp3").replace("+++\n\n", "draft = true\n+++\n\n");
    site.write("content/episodes/002-draft.md", &draft);
    let future =
        episode("Future", 3, "future.mp3").replace("2026-01-03T08:00:00Z", "2030-01-01T08:00:00Z");
    site.write("content/episodes/003-future.md", &future);

    site.build_ok();
    let files = published(&site);
    let media: Vec<&String> = files.iter().filter(|f| f.starts_with("media/")).collect();
    assert_eq!(media, ["media/one.mp3"], "{files:?}");

    let out = site.run(&["build", "--drafts"]);
    assert!(out.status.success(), "{}", text(&out));
    let files = published(&site);
    let media: Vec<&String> = files.iter().filter(|f| f.starts_with("media/")).collect();
    assert_eq!(
        media,
        ["media/draft.mp3", "media/future.mp3", "media/one.mp3"],
        "{files:?}"
    );
}

/// Observation 7: hidden and temporary files of static/ are not
/// published, except `.well-known/` and the hosts' own files at the top
/// (`.nojekyll`, `.domains`, `.htaccess`).
#[test]
fn hidden_and_temporary_files_are_not_published() {
    let site = FixtureSite::basic();
    for rel in [
        ".env",
        ".git/config",
        ".DS_Store",
        "css/.DS_Store",
        "css/site.css~",
        "css/#site.css#",
        "css/.#site.css",
        "css/site.css.swp",
        "upload.tmp",
        "media/.DS_Store",
    ] {
        site.write(&format!("static/{rel}"), "SECRET");
    }
    site.write("static/css/site.css", "body {}");
    site.write("static/robots.txt", "User-agent: *");
    site.write("static/.well-known/security.txt", "Contact: x");
    site.write("static/.well-known/acme-challenge/token", "proof");
    site.write("static/.nojekyll", "");
    site.write("static/.domains", "podcast.example.org");
    site.write("static/.htaccess", "AddType text/vtt .vtt");
    site.write("static/css/.htaccess", "SECRET");
    site.build_ok();

    let files = published(&site);
    for present in [
        "css/site.css",
        "robots.txt",
        ".well-known/security.txt",
        ".well-known/acme-challenge/token",
        ".nojekyll",
        ".domains",
        ".htaccess",
        "media/one.mp3",
    ] {
        assert!(files.iter().any(|f| f == present), "{present}: {files:?}");
    }
    for (path, bytes) in site.snapshot_out() {
        assert!(bytes != b"SECRET", "{path} was published");
    }
}

/// Observation 7: a link in static/ that leads outside the site, or to its
/// settings, is an error naming it; a link to a public file of the site is
/// followed, and its target's bytes are published.
#[test]
fn links_out_of_static_are_errors_and_links_inside_are_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "top secret").unwrap();
    let site = FixtureSite::basic();
    site.write("static/robots.txt", "User-agent: *");
    symlink("../podcast.toml", site.path("static/settings.txt")).unwrap();
    symlink(
        outside.path().join("secret.txt"),
        site.path("static/secret.txt"),
    )
    .unwrap();
    let stderr = site.build_err();
    assert!(
        stderr.contains("static/settings.txt: a symbolic link to the settings file podcast.toml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("static/secret.txt: a symbolic link that points outside the site"),
        "{stderr}"
    );
    assert!(
        !site.path("public").exists(),
        "a failed build wrote public/"
    );

    std::fs::remove_file(site.path("static/settings.txt")).unwrap();
    std::fs::remove_file(site.path("static/secret.txt")).unwrap();
    site.write("artwork/logo.svg", "<svg/>");
    site.write("artwork/banner.svg", "<svg>banner</svg>");
    symlink("../artwork/logo.svg", site.path("static/logo.svg")).unwrap();
    symlink("robots.txt", site.path("static/robots-copy.txt")).unwrap();
    symlink("../artwork", site.path("static/art")).unwrap();
    site.build_ok();
    for (rel, bytes) in [
        ("logo.svg", "<svg/>"),
        ("robots-copy.txt", "User-agent: *"),
        ("art/banner.svg", "<svg>banner</svg>"),
    ] {
        let path = site.path("public").join(rel);
        let meta = std::fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(meta.is_file(), "{rel} is not a plain file");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), bytes, "{rel}");
    }
}

/// A media folder inside the output folder, which every build replaces,
/// is refused with its place in podcast.toml; the old output stays.
#[test]
fn media_dir_inside_the_output_folder_is_refused() {
    let site = FixtureSite::basic();
    site.build_ok();
    assert!(site.path("public/media/one.mp3").is_file());
    let (config, line) = config_with_media_dir("public/media");
    site.write("podcast.toml", &config);
    let before = site.snapshot_out();
    let stderr = site.build_err();
    assert!(
        stderr.contains(&format!(
            "podcast.toml:{line}:7: `[media] dir` = \"public/media\" is inside the output folder"
        )),
        "{stderr}"
    );
    assert_eq!(site.snapshot_out(), before, "the old output changed");
}
