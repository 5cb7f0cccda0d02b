//! `podsmith theme eject`: copying the built-in theme into a site.

use crate::common;

use common::{bin, snapshot_dir};
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run podsmith")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A new site from `podsmith init`, in a temporary folder.
fn init_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["init", "show"]);
    assert!(out.status.success(), "{}", text(&out));
    let site = tmp.path().join("show");
    (tmp, site)
}

fn build(site: &Path, out: &str) -> Vec<(String, Vec<u8>)> {
    let result = run(site, &["build", "--out", out]);
    assert!(result.status.success(), "{}", text(&result));
    snapshot_dir(&site.join(out))
}

#[test]
fn ejecting_everything_builds_the_same_site() {
    let (_tmp, site) = init_site();
    let before = build(&site, "out-a");
    let out = run(&site, &["theme", "eject"]);
    assert!(out.status.success(), "{}", text(&out));
    let printed = text(&out);
    for file in [
        "templates/base.html",
        "templates/episode.html",
        "templates/feed_item.html",
        "templates/components/player.html",
        "templates/components/feedback.html",
        "static/assets/style.css",
        "static/assets/podsmith.js",
        "static/favicon.svg",
        "i18n/en.toml",
        "i18n/de.toml",
    ] {
        assert!(site.join(file).is_file(), "{file} not written");
        assert!(printed.contains(file), "{file} not named in:\n{printed}");
    }
    let after = build(&site, "out-b");
    assert_eq!(
        before.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        after.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{path} differs after ejecting the theme");
    }
}

#[test]
fn ejecting_one_file_writes_only_it() {
    let (_tmp, site) = init_site();
    let out = run(&site, &["theme", "eject", "components/player.html"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("templates/components/player.html"));
    let files: Vec<String> = snapshot_dir(&site.join("templates"))
        .into_iter()
        .map(|(p, _)| p.replace('\\', "/"))
        .collect();
    assert_eq!(files, ["components/player.html"]);
    let written = std::fs::read_to_string(site.join("templates/components/player.html")).unwrap();
    assert!(
        written.contains("{% component player(episode, @t) %}"),
        "{written}"
    );

    let out = run(&site, &["theme", "eject", "style.css"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(site.join("static/assets/style.css").is_file());
    assert!(!site.join("static/assets/podsmith.js").exists());
    build(&site, "public");

    let out = run(&site, &["theme", "eject", "i18n/de.toml"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(std::fs::read_to_string(site.join("i18n/de.toml"))
        .unwrap()
        .contains("Feedback"));
    assert!(!site.join("i18n/en.toml").exists());
}

#[test]
fn an_existing_file_is_not_overwritten() {
    let (_tmp, site) = init_site();
    let mine = "{% extends \"base.html\" %}{% block content %}mine{% endblock content %}";
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(site.join("templates/episode.html"), mine).unwrap();

    for args in [&["theme", "eject", "episode.html"][..], &["theme", "eject"]] {
        let out = run(&site, args);
        assert!(!out.status.success(), "{args:?} must fail");
        let message = text(&out);
        assert!(message.contains("templates/episode.html"), "{message}");
        assert!(message.contains("already exist"), "{message}");
        assert_eq!(
            std::fs::read_to_string(site.join("templates/episode.html")).unwrap(),
            mine
        );
        // Nothing else was written either.
        assert!(!site.join("templates/base.html").exists());
        assert!(!site.join("static/assets").exists());
    }
}

#[test]
fn an_unknown_name_lists_the_valid_ones() {
    let (_tmp, site) = init_site();
    let out = run(&site, &["theme", "eject", "episodes.html"]);
    assert!(!out.status.success());
    let message = text(&out);
    assert!(
        message.contains("no file named `episodes.html`"),
        "{message}"
    );
    for name in [
        "episode.html",
        "components/player.html",
        "style.css",
        "favicon.svg",
    ] {
        assert!(message.contains(name), "{name} not listed: {message}");
    }
    assert!(!site.join("templates").exists());
}

#[test]
fn eject_outside_a_site_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["theme", "eject"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("podcast.toml"), "{}", text(&out));
    assert!(!tmp.path().join("templates").exists());
}
