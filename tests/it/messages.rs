//! Clear messages (issue 15): each error names its file (with line and
//! column where the input comes from a file), says what to do, and the
//! command exits non-zero.

use crate::common;

use common::{episode, FixtureSite, SAMPLE_MP3};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `args`, asserts failure without a panic; returns stderr.
fn run_err(site: &FixtureSite, args: &[&str]) -> String {
    let out = site.run(args);
    let err = stderr(&out);
    assert!(
        !out.status.success(),
        "{args:?} should have failed; stdout:\n{}\nstderr:\n{err}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn assert_has(text: &str, pieces: &[&str]) {
    for piece in pieces {
        assert!(text.contains(piece), "expected {piece:?} in:\n{text}");
    }
}

/// The basic fixture's episode with `extra` lines added to its front matter.
fn episode_with(extra: &str) -> String {
    episode("One", 1, "one.mp3").replacen("+++\n\nNotes", &format!("{extra}+++\n\nNotes"), 1)
}

// 1. A slug too long to be a folder name names the file and the limit.
#[test]
fn a_too_long_slug_names_the_file_and_the_limit() {
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/001-one.md",
        &episode_with(&format!("slug = \"{}\"\n", "x".repeat(300))),
    );
    let err = site.build_err();
    assert_has(
        &err,
        &[
            "content/episodes/001-one.md:9:8",
            "300 bytes",
            "200 bytes",
            "shorten",
        ],
    );
    assert!(!err.contains("os error"), "{err}");

    // A long file name makes a long slug too.
    let site = FixtureSite::basic();
    std::fs::remove_file(site.path("content/episodes/001-one.md")).unwrap();
    let name = format!("content/episodes/001-{}.md", "y".repeat(240));
    site.write(&name, &episode("One", 1, "one.mp3"));
    let err = site.build_err();
    assert_has(&err, &[&format!("{name}: "), "200 bytes", "slug"]);
    assert!(!err.contains("os error"), "{err}");

    // So does a long tag (its page is tags/SLUG/).
    let site = FixtureSite::basic();
    let text = episode("One", 1, "one.mp3").replace(
        "tags = [\"common\"]",
        &format!("tags = [\"{}\"]", "t".repeat(300)),
    );
    site.write("content/episodes/001-one.md", &text);
    let err = site.build_err();
    assert_has(
        &err,
        &["content/episodes/001-one.md:8:", "tag", "200 bytes"],
    );
    assert!(!err.contains("os error"), "{err}");
}
// 2. A component that calls itself forever names the template and the call site.
#[test]
fn runaway_component_recursion_names_the_call_site() {
    let site = FixtureSite::basic();
    site.write(
        "templates/episode.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ <forever n={1} /> }}\n{% endblock content %}\n\
         {% component forever(n) %}<p>{{ n }}</p>\n  {{ <forever n={n + 1} /> }}{% endcomponent forever %}\n",
    );
    let err = site.build_err();
    assert_has(
        &err,
        &[
            "templates/episode.html:6:6",
            "component `forever` calls itself",
            "20",
            "episode.html",
        ],
    );
    assert!(!err.contains("overflow"), "{err}");

    // Two components that call each other, in two files.
    let site = FixtureSite::basic();
    site.write(
        "templates/partials/ping.html",
        "{% component ping() %}{{ <pong /> }}{% endcomponent ping %}\n",
    );
    site.write(
        "templates/partials/pong.html",
        "{% component pong() %}\n<b>{{ <ping /> }}</b>{% endcomponent pong %}\n",
    );
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{{ <ping /> }}{% endblock content %}",
    );
    let err = site.build_err();
    assert_has(
        &err,
        &["templates/partials/", "`ping`", "`pong`", "404.html"],
    );
    assert!(
        err.contains("templates/partials/pong.html:2:7")
            || err.contains("templates/partials/ping.html:1:26"),
        "{err}"
    );
}
// 3. I/O errors are sentences that name the path.
#[test]
fn io_errors_are_sentences_with_the_path() {
    let site = FixtureSite::basic();
    site.write("notes.txt", "a file, not a folder");
    let err = run_err(&site, &["build", "--out", "notes.txt/public"]);
    let folder = site.root().canonicalize().unwrap().join("notes.txt");
    assert_has(
        &err,
        &[&format!("cannot create the folder {}: ", folder.display())],
    );
    assert!(!err.contains("this:"), "{err}");

    // `new` where content/episodes is a file.
    let site = FixtureSite::new(common::BASIC_CONFIG);
    site.write("content/episodes", "a file, not a folder");
    let err = run_err(&site, &["new", "Hello"]);
    assert_has(&err, &["cannot create the folder content/episodes: "]);
    assert!(!err.contains("this:"), "{err}");
}
// 4. `--out .` names the folder, not ".".
#[test]
fn out_dot_names_the_folder() {
    let site = FixtureSite::basic();
    let root = site.root().canonicalize().unwrap();
    let err = run_err(&site, &["build", "--out", "."]);
    // The folder by its absolute path (however the message puts it).
    let shown = root.display().to_string();
    assert_has(&err, &[&shown, "site's own folder"]);
    assert!(!err.contains("error: : "), "{err}");

    std::fs::create_dir(site.path("sub")).unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["build", "--root", "..", "--out", ".."])
        .current_dir(site.path("sub"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_has(&stderr(&out), &[&shown, "site's own folder"]);
}
// 5. `check` prints each error once.
#[test]
fn check_prints_each_error_once() {
    let config = common::BASIC_CONFIG.replace("categories = [\"Technology\"]\n", "");
    let site = FixtureSite::new(&config);
    std::fs::remove_file(site.path("static/cover.png")).unwrap();
    site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    let out = site.run(&["check"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    // The fixture has no cover either: two errors, each printed once.
    assert_eq!(err.matches("no `categories`").count(), 1, "{err}");
    assert_eq!(err.matches("cover art not found").count(), 1, "{err}");
    assert_eq!(err.matches("error: ").count(), 2, "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(": 2 errors,"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
// 6. A duplicate key names the key and both places.
#[test]
fn duplicate_keys_name_the_key_and_both_places() {
    let site = FixtureSite::basic();
    site.write(
        "podcast.toml",
        &common::BASIC_CONFIG.replacen(
            "language = \"en\"\n",
            "language = \"en\"\ntitle = \"Again\"\n",
            1,
        ),
    );
    let err = site.build_err();
    assert_has(&err, &["podcast.toml:5:1: ", "`title`", "line 1, column 1"]);

    let site = FixtureSite::basic();
    site.write(
        "content/episodes/001-one.md",
        &episode_with("  summary = \"Twice.\"\n"),
    );
    let err = site.build_err();
    assert_has(
        &err,
        &[
            "content/episodes/001-one.md:9:3: ",
            "`summary`",
            "line 7, column 1",
        ],
    );

    // A table header given twice.
    let site = FixtureSite::basic();
    site.write(
        "podcast.toml",
        &format!(
            "{}[owner]\nname = \"X\"\nemail = \"x@example.org\"\n",
            common::BASIC_CONFIG
        ),
    );
    let err = site.build_err();
    assert_has(&err, &["podcast.toml:", "`owner`", "line 9, column 2"]);
}
// 7. Audio given as a URL says what to do instead.
#[test]
fn audio_url_explains_the_media_folder_and_base_url() {
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "https://cdn.example.org/one.mp3"),
    );
    let err = site.build_err();
    assert_has(
        &err,
        &[
            "content/episodes/001-one.md:5:9: ",
            "must be a file in the media folder",
            "[media] base_url",
        ],
    );
    assert!(!err.contains("not found"), "{err}");
}
// 8. `new` refuses an empty title and escapes any other.
#[test]
fn new_refuses_an_empty_title() {
    let site = FixtureSite::basic();
    for title in ["", "   ", "\t\n"] {
        let err = run_err(&site, &["new", title]);
        assert_has(&err, &["title is empty", "podsmith new \""]);
    }
    let files = std::fs::read_dir(site.path("content/episodes"))
        .unwrap()
        .count();
    assert_eq!(files, 1, "nothing is written");
}

#[test]
fn new_escapes_any_title_so_it_round_trips() {
    let titles = [
        "+++",
        "Before\n+++\nAfter",
        "She said \"hi\" \\ and 'bye' \"\"\"",
        "Tab\there, CR\r, bell \u{7}, é and 日本",
    ];
    for title in titles {
        let site = FixtureSite::basic();
        let out = site.run(&["new", title, "--date", "2026-01-15"]);
        assert!(out.status.success(), "{title:?}: {}", stderr(&out));
        let path = std::fs::read_dir(site.path("content/episodes"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| !p.ends_with("001-one.md"))
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let src = podsmith::content::parse_source::<podsmith::content::EpisodeFront>(
            &text,
            &path,
            "front matter key",
        )
        .unwrap_or_else(|e| panic!("{title:?}: {e}\n{text}"));
        // Control characters are removed when a file is read (issue 15).
        let expected = podsmith::content::strip_controls(title).0;
        assert_eq!(src.front.title, expected, "{text}");
        site.build_ok();
    }
}
// 9. `tag` on a symbolic link tags the file it points to.
#[cfg(unix)]
#[test]
fn tag_writes_through_a_symlink() {
    let site = FixtureSite::basic();
    std::fs::remove_file(site.path("static/media/one.mp3")).unwrap();
    site.write_bytes("audio-store/one.mp3", SAMPLE_MP3);
    let link = site.path("static/media/one.mp3");
    common::symlink("../../audio-store/one.mp3", &link).unwrap();
    let out = site.run(&["tag"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        std::path::Path::new("../../audio-store/one.mp3")
    );
    let tag = id3::Tag::read_from_path(site.path("audio-store/one.mp3")).unwrap();
    assert_eq!(id3::TagLike::title(&tag), Some("One"));
    let leftovers: Vec<_> = std::fs::read_dir(site.path("audio-store"))
        .unwrap()
        .chain(std::fs::read_dir(site.path("static/media")).unwrap())
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
// 10. Chapter times with minutes or seconds over 59 are refused.
#[test]
fn chapter_times_over_59_are_refused_with_the_expected_form() {
    for (start, column) in [("0:61:00", 9), ("1:75", 9), ("75:00", 9)] {
        let site = FixtureSite::basic();
        site.write(
            "content/episodes/001-one.md",
            &episode_with(&format!(
                "[[chapters]]\nstart = \"{start}\"\ntitle = \"Intro\"\n"
            )),
        );
        let err = site.build_err();
        assert_has(
            &err,
            &[
                &format!("content/episodes/001-one.md:10:{column}: "),
                &format!("{start:?}"),
                "59",
                "H:MM:SS",
                ".mmm",
            ],
        );
    }
    // Good ones still work.
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/001-one.md",
        &episode_with("[[chapters]]\nstart = \"0:00\"\ntitle = \"A\"\n[[chapters]]\nstart = \"0:00:05.250\"\ntitle = \"B\"\n"),
    );
    site.build_ok();
}
