//! The output folder never loses or leaks a file (issue 15, observations
//! 1, 2, 5 and 6): a deploy checkout's `.git` survives every build, files
//! podsmith did not write stop the build instead of vanishing, the output
//! shares no storage with the sources, one output path has one source, and
//! builds of one folder run one at a time.
//!
//! `PODSMITH_TEST_BIN=/path/to/old/podsmith cargo test --test output_safety`
//! runs these against another build (they fail on podsmith 0.2).

use crate::common;

use common::{bin, snapshot_dir, FixtureSite};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .output()
        .expect("git must be installed to run these tests");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every file under `dir/.git` with its bytes.
fn git_state(dir: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot_dir(&dir.join(".git"))
}

#[cfg(unix)]
fn inode(path: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).unwrap();
    (meta.dev(), meta.ino())
}

/// Observation 1: a deploy checkout in public/ (the GitHub Pages way).
#[test]
fn a_git_checkout_in_the_output_survives_every_build() {
    let site = FixtureSite::basic();
    site.build_ok();
    let public = site.path("public");
    git(&public, &["init", "-q", "-b", "pages"]);
    git(&public, &["add", "-A"]);
    git(&public, &["commit", "-q", "-m", "first deploy"]);
    let before = git_state(&public);
    #[cfg(unix)]
    let git_inode = inode(&public.join(".git"));
    for _ in 0..3 {
        site.build_ok();
        assert_eq!(git_state(&public), before, ".git changed");
        #[cfg(unix)]
        assert_eq!(inode(&public.join(".git")), git_inode);
    }
    // git still sees a clean work tree: the site is the same.
    let status = git(&public, &["status", "--porcelain"]);
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.lines().all(|l| l.contains(".podsmith-output")),
        "{status}"
    );
    // No empty .git skeleton anywhere beside the output.
    for entry in std::fs::read_dir(site.root()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(".podsmith-build") && !name.starts_with(".podsmith-old"),
            "left behind: {name}"
        );
    }
}

/// A `.git` file (a worktree's pointer) is kept just the same, and a
/// folder that holds nothing but a fresh clone's `.git` may be built into.
#[test]
fn a_git_file_and_a_fresh_clone_are_kept() {
    let site = FixtureSite::basic();
    let public = site.path("public");
    std::fs::create_dir_all(public.join(".git/refs")).unwrap();
    std::fs::write(public.join(".git/HEAD"), b"ref: refs/heads/pages\n").unwrap();
    site.build_ok();
    site.build_ok();
    assert_eq!(
        std::fs::read(public.join(".git/HEAD")).unwrap(),
        b"ref: refs/heads/pages\n"
    );
    assert!(public.join("index.html").is_file());

    let other = FixtureSite::basic();
    std::fs::create_dir_all(other.path("public")).unwrap();
    std::fs::write(
        other.path("public/.git"),
        b"gitdir: /elsewhere/.git/worktrees/p\n",
    )
    .unwrap();
    other.build_ok();
    other.build_ok();
    assert_eq!(
        std::fs::read(other.path("public/.git")).unwrap(),
        b"gitdir: /elsewhere/.git/worktrees/p\n"
    );
}

/// Observation 1: a file podsmith did not write (a CNAME put into public/
/// by hand) is never deleted: the build stops, names it and says where it
/// belongs, and leaves everything as it was.
#[test]
fn a_file_podsmith_did_not_write_stops_the_build_by_name() {
    let site = FixtureSite::basic();
    site.build_ok();
    site.write("public/CNAME", "podcast.example.org\n");
    site.write("public/notes/todo.txt", "mine\n");
    let before = site.snapshot_out();
    for _ in 0..2 {
        let stderr = site.build_err();
        assert!(stderr.contains("CNAME"), "{stderr}");
        assert!(stderr.contains("notes/todo.txt"), "{stderr}");
        assert!(stderr.contains("static/"), "{stderr}");
        assert_eq!(site.snapshot_out(), before);
    }
    // Where it belongs, it is published.
    std::fs::remove_file(site.path("public/CNAME")).unwrap();
    std::fs::remove_dir_all(site.path("public/notes")).unwrap();
    site.write("static/CNAME", "podcast.example.org\n");
    site.build_ok();
    site.build_ok();
    assert_eq!(site.read_out("CNAME"), "podcast.example.org\n");
}

/// A folder podsmith never built into, holding other files, is refused by
/// name, and nothing in it changes.
#[test]
fn a_folder_of_someone_elses_files_is_refused() {
    let site = FixtureSite::basic();
    site.write("public/index.html", "my old site");
    site.write("public/CNAME", "example.org");
    let stderr = site.build_err();
    assert!(stderr.contains("CNAME"), "{stderr}");
    assert!(stderr.contains("index.html"), "{stderr}");
    assert_eq!(site.read_out("index.html"), "my old site");
}

/// Observation 1: with public/ a symbolic link, nothing is moved where the
/// link points (outside the site).
#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_link_is_refused() {
    let site = FixtureSite::basic();
    let deploy = tempfile::tempdir().unwrap();
    std::fs::write(deploy.path().join("keep.txt"), b"mine").unwrap();
    common::symlink(deploy.path(), site.path("public")).unwrap();
    let stderr = site.build_err();
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(stderr.contains("--out"), "{stderr}");
    let parent = deploy.path().parent().unwrap();
    let name = deploy.path().file_name().unwrap().to_string_lossy();
    for entry in std::fs::read_dir(parent).unwrap().flatten() {
        let other = entry.file_name().to_string_lossy().into_owned();
        assert!(
            !other.contains(&format!("podsmith-build-{name}")),
            "{other}"
        );
        assert!(!other.contains(&format!("podsmith-old-{name}")), "{other}");
    }
    assert_eq!(
        std::fs::read(deploy.path().join("keep.txt")).unwrap(),
        b"mine"
    );
    assert!(std::fs::symlink_metadata(site.path("public"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// Observation 2: no output file is the same file as a source, so editing
/// the output in place (an optimiser, a tagger run on public/media/) never
/// edits the sources, and the next build puts the copy right again.
#[cfg(unix)]
#[test]
fn the_output_shares_no_file_with_the_sources() {
    let site = FixtureSite::basic();
    site.write_bytes("static/cover.png", b"\x89PNG pretend cover");
    site.build_ok();
    site.build_ok();
    for (source, output) in [
        ("static/cover.png", "public/cover.png"),
        ("static/media/one.mp3", "public/media/one.mp3"),
    ] {
        assert_ne!(
            inode(&site.path(source)),
            inode(&site.path(output)),
            "{output}"
        );
        // Linked, if at all, only with podsmith's own previous output.
        let previous = site.path(&output.replace("public/", ".podsmith-previous-public/"));
        use std::os::unix::fs::MetadataExt;
        let links = std::fs::metadata(site.path(output)).unwrap().nlink();
        let with_previous = previous.exists() && inode(&previous) == inode(&site.path(output));
        assert_eq!(
            links,
            1 + with_previous as u64,
            "{output} is linked elsewhere"
        );
    }
    let source = std::fs::read(site.path("static/media/one.mp3")).unwrap();
    std::fs::write(site.path("public/media/one.mp3"), b"edited in place").unwrap();
    assert_eq!(
        std::fs::read(site.path("static/media/one.mp3")).unwrap(),
        source
    );
    site.build_ok();
    assert_eq!(
        std::fs::read(site.path("public/media/one.mp3")).unwrap(),
        source
    );
    // A source replaced in place does not change the published site.
    std::fs::write(site.path("static/cover.png"), b"new cover").unwrap();
    assert_eq!(
        std::fs::read(site.path("public/cover.png")).unwrap(),
        b"\x89PNG pretend cover"
    );
    site.build_ok();
    assert_eq!(
        std::fs::read(site.path("public/cover.png")).unwrap(),
        b"new cover"
    );
}

/// `[output] hard_links = true` is the documented opt-in to shared files.
#[cfg(unix)]
#[test]
fn hard_links_are_used_only_when_asked_for() {
    let site = FixtureSite::basic();
    let config = std::fs::read_to_string(site.path("podcast.toml")).unwrap();
    site.write(
        "podcast.toml",
        &format!("{config}[output]\nhard_links = true\n"),
    );
    site.build_ok();
    assert_eq!(
        inode(&site.path("static/media/one.mp3")),
        inode(&site.path("public/media/one.mp3"))
    );
}

/// Observation 5: a static file whose output path a generated page also
/// uses is an error naming both, on every build (never a race).
#[test]
fn a_static_file_and_a_page_at_one_path_is_an_error_every_time() {
    let site = FixtureSite::basic();
    site.build_ok();
    let before = site.snapshot_out();
    site.write("static/index.html", "<p>static home</p>");
    site.write("static/episodes/one/index.html", "<p>static episode</p>");
    for _ in 0..8 {
        let stderr = site.build_err();
        assert!(stderr.contains("static/index.html"), "{stderr}");
        assert!(stderr.contains("a page podsmith generates"), "{stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
        assert_eq!(site.snapshot_out(), before);
    }
}

/// A site's own file replaces the built-in theme's file of the same path.
#[test]
fn a_static_file_replaces_the_theme_file() {
    let site = FixtureSite::basic();
    site.write("static/assets/style.css", "body { color: teal }");
    for _ in 0..3 {
        site.build_ok();
        assert_eq!(site.read_out("assets/style.css"), "body { color: teal }");
    }
}

/// Observation 6: builds of one output folder started together both end
/// with a clear result (here both succeed, one after the other) and a
/// complete output, the same as a single build's.
#[test]
fn builds_started_together_both_finish() {
    let site = FixtureSite::basic();
    site.build_ok();
    let expected = site.snapshot_out();
    for _ in 0..3 {
        let children: Vec<_> = (0..3)
            .map(|_| {
                Command::new(bin())
                    .arg("build")
                    .current_dir(site.root())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(site.snapshot_out(), expected);
    }
}

/// A build waits for the lock of its output folder, then names the
/// process that holds it; a lock whose process died is free at once.
#[test]
fn a_held_lock_is_waited_for_then_named() {
    let site = FixtureSite::basic();
    site.build_ok();
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(site.path(".podsmith-lock-public"))
        .unwrap();
    lock.lock().unwrap();
    std::fs::write(site.path(".podsmith-lock-public"), "4242\n").unwrap();
    let out = Command::new(bin())
        .arg("build")
        .env("PODSMITH_LOCK_WAIT_MS", "300")
        .current_dir(site.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("another podsmith"), "{stderr}");
    assert!(stderr.contains("process 4242"), "{stderr}");
    lock.unlock().unwrap();
    drop(lock);
    site.build_ok();
}

/// Observation 6: only folders that carry podsmith's marker are removed
/// beside the output; a look-alike folder of the user's stays.
#[test]
fn only_marked_leftovers_are_removed() {
    let site = FixtureSite::basic();
    site.build_ok();
    let lookalike = site.path(".podsmith-build-public-4000000");
    std::fs::create_dir(&lookalike).unwrap();
    std::fs::write(lookalike.join("mine.txt"), b"mine").unwrap();
    let leftover = site.path(".podsmith-build-public-4000001");
    std::fs::create_dir(&leftover).unwrap();
    std::fs::write(leftover.join(".podsmith-staging"), b"").unwrap();
    std::fs::write(leftover.join("index.html"), b"half a build").unwrap();
    site.build_ok();
    assert_eq!(std::fs::read(lookalike.join("mine.txt")).unwrap(), b"mine");
    assert!(!leftover.exists());
}

/// A build killed at each step of the swap (by a failpoint, not by timing)
/// leaves a complete output with its `.git`, and the next build finishes
/// the job: the new site, the same `.git`, nothing left beside it.
#[test]
fn a_build_killed_in_the_swap_loses_nothing() {
    for point in ["before-carry", "after-carry", "after-swap"] {
        let site = FixtureSite::basic();
        site.build_ok();
        let public = site.path("public");
        git(&public, &["init", "-q"]);
        let git_before = git_state(&public);
        let site_files = |site: &FixtureSite| -> Vec<(String, Vec<u8>)> {
            let mut files = site.snapshot_out();
            files.retain(|(rel, _)| !rel.starts_with(".git/"));
            files
        };
        let old = site_files(&site);
        site.write(
            "content/episodes/002-two.md",
            &common::episode("Two", 2, "one.mp3"),
        );
        let killed = Command::new(bin())
            .arg("build")
            .env("PODSMITH_FAILPOINT", point)
            .current_dir(site.root())
            .output()
            .unwrap();
        assert!(
            !killed.status.success(),
            "{point}: the failpoint did not fire"
        );
        // The site is complete; `.git` may be in the staging folder for the
        // moment (the journal there says so), until the next build.
        let now = site_files(&site);
        let complete = now == old
            || now
                .iter()
                .any(|(rel, _)| rel == "episodes/002-two/index.html");
        assert!(
            complete,
            "{point}: the output is neither the old nor the new site"
        );
        site.build_ok();
        assert_eq!(git_state(&public), git_before, "{point}: .git changed");
        assert!(
            site.path("public/episodes/002-two/index.html").is_file(),
            "{point}"
        );
        for entry in std::fs::read_dir(site.root()).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with(".podsmith-build") && !name.starts_with(".podsmith-old"),
                "{point}: left behind: {name}"
            );
        }
    }
}

/// An output folder written by podsmith 0.2 (a marker, no list of files):
/// the files this build writes are replaced, and any other stops the build
/// with a message that says why podsmith cannot tell, and what to do.
#[test]
fn an_output_of_podsmith_0_2_is_upgraded_without_losing_a_file() {
    let site = FixtureSite::basic();
    site.write(
        "public/.podsmith-output",
        "This folder is written by `podsmith build` and replaced as a whole on every build.\n",
    );
    site.write("public/index.html", "old home");
    site.write("public/media/notes.txt", "published by 0.2");
    let stderr = site.build_err();
    assert!(stderr.contains("media/notes.txt"), "{stderr}");
    assert!(stderr.contains("podsmith 0.2"), "{stderr}");
    assert_eq!(site.read_out("media/notes.txt"), "published by 0.2");
    std::fs::remove_file(site.path("public/media/notes.txt")).unwrap();
    site.build_ok();
    assert!(site.read_out("index.html").contains("<!DOCTYPE html>"));
    site.build_ok();
}

/// The portable code paths (two renames instead of Linux's atomic
/// exchange, plain copies instead of clones), which other systems take,
/// keep the same promises: `.git` survives builds and a kill at each step
/// of the swap, and the site is complete.
#[test]
fn the_portable_swap_keeps_the_same_promises() {
    let build = |site: &FixtureSite, failpoint: Option<&str>| {
        let mut command = Command::new(bin());
        command
            .arg("build")
            .env("PODSMITH_PORTABLE_FS", "1")
            .current_dir(site.root());
        if let Some(point) = failpoint {
            command.env("PODSMITH_FAILPOINT", point);
        }
        command.output().unwrap()
    };
    for point in ["after-carry", "portable-mid-swap", "after-swap"] {
        let site = FixtureSite::basic();
        assert!(build(&site, None).status.success());
        let public = site.path("public");
        git(&public, &["init", "-q"]);
        let git_before = git_state(&public);
        site.write(
            "content/episodes/002-two.md",
            &common::episode("Two", 2, "one.mp3"),
        );
        assert!(!build(&site, Some(point)).status.success(), "{point}");
        // Between the two renames there is no output folder for a moment
        // (the old one is beside it); everywhere else the site is whole.
        let whole = site.path("public/index.html").is_file();
        assert_eq!(whole, point != "portable-mid-swap", "{point}");
        let out = build(&site, None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(site.path("public/episodes/002-two/index.html").is_file());
        assert_eq!(git_state(&public), git_before, "{point}");
        assert!(build(&site, None).status.success());
        assert_eq!(git_state(&public), git_before, "{point}");
        #[cfg(unix)]
        assert_ne!(
            inode(&site.path("static/media/one.mp3")),
            inode(&site.path("public/media/one.mp3"))
        );
    }
}
