//! Drafts and scheduled episodes stay out of everything published.

use crate::common;

use common::{episode, FixtureSite};

/// A site with a published episode, a draft and one dated in the future,
/// each with a tag of its own.
fn site() -> FixtureSite {
    let site = FixtureSite::basic();
    let draft = episode("Secret draft", 2, "one.mp3").replace(
        "tags = [\"common\"]",
        "tags = [\"common\", \"draft-only\"]\ndraft = true",
    );
    site.write("content/episodes/002-draft.md", &draft);
    let scheduled = episode("Future episode", 3, "one.mp3")
        .replace("2026-01-03T08:00:00Z", "2999-01-01T08:00:00Z")
        .replace(
            "tags = [\"common\"]",
            "tags = [\"common\", \"future-only\"]",
        );
    assert!(scheduled.contains("2999"));
    site.write("content/episodes/003-future.md", &scheduled);
    site
}

#[test]
fn held_back_episodes_are_in_no_published_file() {
    let site = site();
    let out = site.build_ok();
    assert!(out.contains("2 draft or scheduled left out"), "{out}");
    for rel in [
        "feed.xml",
        "sitemap.xml",
        "index.html",
        "archive/index.html",
        "tags/index.html",
        "tags/common/index.html",
    ] {
        let text = site.read_out(rel);
        for hidden in [
            "Secret draft",
            "Future episode",
            "002-draft",
            "003-future",
            "guid-2",
            "guid-3",
            "draft-only",
            "future-only",
        ] {
            assert!(!text.contains(hidden), "{rel} mentions {hidden}");
        }
    }
    assert!(site.read_out("feed.xml").contains("guid-1"));
    for gone in [
        "episodes/002-draft",
        "episodes/003-future",
        "tags/draft-only",
        "tags/future-only",
    ] {
        assert!(
            !site.path("public").join(gone).exists(),
            "{gone} was written"
        );
    }
}

#[test]
fn drafts_flag_shows_them_with_a_badge() {
    let site = site();
    let out = site.run(&["build", "--drafts"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let draft = site.read_out("episodes/002-draft/index.html");
    assert!(draft.contains("badge draft"), "{draft}");
    let scheduled = site.read_out("episodes/003-future/index.html");
    assert!(scheduled.contains(">Scheduled<"), "{scheduled}");
    let home = site.read_out("index.html");
    assert!(home.contains("Secret draft") && home.contains("Future episode"));
    assert!(
        home.contains(">Draft<") && home.contains(">Scheduled<"),
        "{home}"
    );
    assert!(site.path("public/tags/draft-only/index.html").exists());
}

#[test]
fn check_lists_held_back_episodes_with_their_dates() {
    let site = site();
    let out = site.run(&["check"]);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("draft: \"Secret draft\", dated 2026-01-02T08:00:00+00:00"),
        "{text}"
    );
    assert!(
        text.contains("scheduled: \"Future episode\", dated 2999-01-01T08:00:00+00:00"),
        "{text}"
    );
}
