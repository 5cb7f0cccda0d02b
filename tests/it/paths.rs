//! Paths from user input never lead outside the site or the output folder.

use crate::common;

use common::{episode, FixtureSite};

#[test]
fn symlinks_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "top secret").unwrap();
    std::fs::write(
        outside.path().join("evil.md"),
        "+++\ntitle = \"Evil\"\ndate = 2026-01-02\n+++\n",
    )
    .unwrap();
    let site = FixtureSite::basic();
    std::fs::create_dir_all(site.path("static")).unwrap();
    common::symlink(
        outside.path().join("secret.txt"),
        site.path("static/secret.txt"),
    )
    .unwrap();
    common::symlink(outside.path(), site.path("static/elsewhere")).unwrap();
    common::symlink(
        outside.path().join("secret.txt"),
        site.path("static/media/leak.mp3"),
    )
    .unwrap();
    // Links in static/ that lead outside are errors that name them.
    let stderr = site.build_err();
    for link in ["static/secret.txt", "static/elsewhere"] {
        assert!(
            stderr.contains(&format!(
                "{link}: a symbolic link that points outside the site"
            )),
            "{stderr}"
        );
    }
    assert!(
        !site.path("public").exists(),
        "a failed build wrote public/"
    );
    std::fs::remove_file(site.path("static/secret.txt")).unwrap();
    std::fs::remove_file(site.path("static/elsewhere")).unwrap();
    // An audio file that no episode uses is not published, wherever it leads.
    site.build_ok();
    for (path, bytes) in site.snapshot_out() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("top secret"),
            "{path} leaks a file from outside"
        );
    }
    // A content file that links outside is refused with its name.
    common::symlink(
        outside.path().join("evil.md"),
        site.path("content/episodes/002-evil.md"),
    )
    .unwrap();
    let stderr = site.build_err();
    assert!(
        stderr.contains("002-evil.md") && stderr.contains("points outside the site"),
        "{stderr}"
    );
}

#[test]
fn image_paths_that_climb_out_are_refused() {
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace("+++\n\n", "image = \"../../etc/passwd\"\n+++\n\n"),
    );
    let stderr = site.build_err();
    assert!(
        stderr.contains("001-one.md:") && stderr.contains("climbs out of its folder"),
        "{stderr}"
    );
}

#[test]
fn odd_tag_names_become_safe_unique_urls() {
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace(
            "tags = [\"common\"]",
            "tags = [\"../../etc\", \"a/b c\", \"Ünïcode Straße\", \"日本語\", \"...\"]",
        ),
    );
    site.build_ok();
    let files: Vec<String> = site.snapshot_out().into_iter().map(|(p, _)| p).collect();
    for expected in [
        "tags/etc/index.html",
        "tags/a-b-c/index.html",
        "tags/ünïcode-straße/index.html",
        "tags/日本語/index.html",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "missing {expected}: {files:?}"
        );
    }
    assert!(files.iter().all(|f| !f.contains("..")), "{files:?}");
    let page = site.read_out("episodes/001-one/index.html");
    assert!(
        page.contains("tags/%C3%BCn%C3%AFcode-stra%C3%9Fe/"),
        "tag links are percent-encoded"
    );
}
