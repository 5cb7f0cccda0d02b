//! The theme's labels (`t.KEY`): by the show's `language`, from the
//! built-in tables and the site's `i18n/LANG.toml`.

use crate::common;

use common::{FixtureSite, BASIC_CONFIG};

fn site_in(language: &str) -> FixtureSite {
    let site = FixtureSite::basic();
    site.write(
        "podcast.toml",
        &BASIC_CONFIG.replace("language = \"en\"", &format!("language = \"{language}\"")),
    );
    site
}

#[test]
fn english_labels_by_default() {
    let site = FixtureSite::basic();
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains(">Support the show</h2>"), "{page}");
    assert!(page.contains(">Credits</h2>"), "{page}");
    assert!(page.contains(">Skip to content<"), "{page}");
    assert!(page.contains("1 January 2026"), "{page}");
}

#[test]
fn german_labels_on_pages_and_in_the_feed() {
    let site = site_in("de-AT");
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(
        page.contains(">Unterstützen Sie die Sendung</h2>"),
        "{page}"
    );
    assert!(page.contains(">Mitwirkende</h2>"), "{page}");
    assert!(page.contains(">Folge 1</span>"), "{page}");
    assert!(!page.contains("Support the show"), "{page}");
    // Dates in German, on the episode page and in the archive.
    assert!(page.contains("1. Januar 2026"), "{page}");
    assert!(!page.contains("January"), "{page}");
    let archive = site.read_out("archive/index.html");
    assert!(archive.contains("1. Januar 2026"), "{archive}");
    let feed = site.read_out("feed.xml");
    assert!(feed.contains("<h2>Mitwirkende</h2>"), "{feed}");
}

#[test]
fn a_site_adds_a_language_and_overrides_labels() {
    let site = site_in("fr");
    site.write(
        "i18n/fr.toml",
        "support_the_show = \"Soutenir le podcast\"\ncredits = \"Générique\"\n",
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains(">Soutenir le podcast</h2>"), "{page}");
    assert!(page.contains(">Générique</h2>"), "{page}");
    // A label the table lacks is in English.
    assert!(page.contains(">Skip to content<"), "{page}");

    // A site's table for a built-in language overrides key by key.
    let site = site_in("de");
    site.write("i18n/de.toml", "credits = \"Abspann\"\n");
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains(">Abspann</h2>"), "{page}");
    assert!(
        page.contains(">Unterstützen Sie die Sendung</h2>"),
        "{page}"
    );
}

#[test]
fn site_templates_see_the_labels() {
    let site = FixtureSite::basic();
    site.write("i18n/en.toml", "my_label = \"Hello\"\n");
    site.write("templates/404.html", "{{ t.my_label }} {{ t.feedback }}");
    site.build_ok();
    assert_eq!(site.read_out("404.html"), "Hello Feedback");
}

#[test]
fn a_bad_label_table_is_located() {
    let site = FixtureSite::basic();
    site.write("i18n/en.toml", "credits = \"ok\"\nfeedback = 3\n");
    let err = site.build_err();
    assert!(err.contains("i18n/en.toml"), "{err}");
    assert!(err.contains("label `feedback` must be text"), "{err}");

    site.write("i18n/en.toml", "credits = \"ok\nfeedback = 3\n");
    let err = site.build_err();
    assert!(err.contains("i18n/en.toml:1:"), "{err}");
    assert!(err.contains("invalid label table"), "{err}");
}

/// The list pages: counts, pagination and the 404 page, in English as
/// before and in German.
#[test]
fn list_pages_in_english_and_german() {
    for (language, expected) in [
        (
            "en",
            [
                "<h1>Episodes, page 2 of 2</h1>",
                "<span class=\"muted\">Page 2 of 2</span>",
                "1<span class=\"visually-hidden\"> episode</span>",
                "<h1>Page not found</h1>",
            ],
        ),
        (
            "de",
            [
                "<h1>Folgen, Seite 2 von 2</h1>",
                "<span class=\"muted\">Seite 2 von 2</span>",
                "1<span class=\"visually-hidden\"> Folge</span>",
                "<h1>Seite nicht gefunden</h1>",
            ],
        ),
    ] {
        let site = site_in(language);
        let config = std::fs::read_to_string(site.path("podcast.toml")).unwrap();
        site.write("podcast.toml", &format!("episodes_per_page = 1\n{config}"));
        site.write_bytes("static/media/two.mp3", common::SAMPLE_MP3);
        site.write(
            "content/episodes/002-two.md",
            &common::episode("Two", 2, "two.mp3").replace("[\"common\"]", "[\"solo\"]"),
        );
        site.build_ok();
        let page2 = site.read_out("page/2/index.html");
        assert!(page2.contains(expected[0]), "{page2}");
        assert!(page2.contains(expected[1]), "{page2}");
        let tags = site.read_out("tags/index.html");
        assert!(tags.contains(expected[2]), "{tags}");
        let missing = site.read_out("404.html");
        assert!(missing.contains(expected[3]), "{missing}");
        // The page titles podsmith sets are labels too.
        let (page_n, tags_title) = if language == "de" {
            ("<title>Seite 2 · Fixture Show</title>", "<title>Themen · ")
        } else {
            ("<title>Page 2 · Fixture Show</title>", "<title>Tags · ")
        };
        assert!(page2.contains(page_n), "{page2}");
        assert!(tags.contains(tags_title), "{tags}");
    }
}
