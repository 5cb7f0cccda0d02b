//! The listening experience of the built-in theme, as HTML (issue 20): the
//! fixes seen in screenshots (explicit badges, the footer's privacy line,
//! the current menu item, durations as players show them, supporters'
//! names), checked in the built pages. What needs a browser is in
//! tests/browser.rs.

mod common;

use common::{episode, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};

fn two_episodes(config: &str) -> FixtureSite {
    let site = FixtureSite::new(config);
    site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    site.write(
        "content/episodes/002-two.md",
        &episode("Two", 2, "one.mp3").replace("+++\n\n", "explicit = true\n+++\n\n"),
    );
    site
}

/// The badges of the episode cards on the home page, in page order.
fn badges(home: &str) -> Vec<&str> {
    home.match_indices("<span class=\"badge\">")
        .map(|(i, m)| {
            let rest = &home[i + m.len()..];
            &rest[..rest.find("</span>").unwrap()]
        })
        .collect()
}

#[test]
fn explicit_badge_only_where_an_episode_differs_from_the_show() {
    // A clean show: only the explicit episode is marked.
    let site = two_episodes(BASIC_CONFIG);
    site.build_ok();
    assert_eq!(badges(&site.read_out("index.html")), ["Explicit"]);
    assert_eq!(
        badges(&site.read_out("episodes/001-one/index.html")),
        Vec::<&str>::new()
    );

    // An explicit show: the explicit episode is not marked, the clean one is.
    let site = two_episodes(&BASIC_CONFIG.replace("explicit = false", "explicit = true"));
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace("+++\n\n", "explicit = false\n+++\n\n"),
    );
    site.build_ok();
    assert_eq!(badges(&site.read_out("index.html")), ["Clean"]);
    assert_eq!(
        badges(&site.read_out("episodes/002-two/index.html")),
        Vec::<&str>::new()
    );
}

#[test]
fn footer_says_where_the_audio_comes_from() {
    let site = two_episodes(BASIC_CONFIG);
    site.build_ok();
    let home = site.read_out("index.html");
    assert!(home.contains("loads nothing from other sites.</p>"), "{home}");

    let site = two_episodes(&format!(
        "{BASIC_CONFIG}[media]\nbase_url = \"https://media.example.net/show/\"\n"
    ));
    site.build_ok();
    let home = site.read_out("index.html");
    assert!(
        home.contains("loads nothing from other sites but the audio, which comes from media.example.net.</p>"),
        "{home}"
    );
    assert!(!home.contains("loads nothing from other sites.</p>"));

    // Audio on the site's own host (another path) is the site's own.
    let site = two_episodes(&format!(
        "{BASIC_CONFIG}[media]\nbase_url = \"https://example.org/audio/\"\n"
    ));
    site.build_ok();
    assert!(site
        .read_out("index.html")
        .contains("loads nothing from other sites.</p>"));
}

#[test]
fn a_tag_page_marks_the_tags_menu_item() {
    let site = two_episodes(BASIC_CONFIG);
    site.build_ok();
    let tag = site.read_out("tags/common/index.html");
    assert!(
        tag.contains(r#"<a href="https://example.org/show/tags/" aria-current="true">"#),
        "{tag}"
    );
    let tags = site.read_out("tags/index.html");
    assert!(tags.contains(r#"<a href="https://example.org/show/tags/" aria-current="page">"#));
    let home = site.read_out("index.html");
    assert!(!home.contains("aria-current"), "{home}");
}

#[test]
fn durations_are_shown_as_players_show_them() {
    // Whole seconds rounded down, as Chromium's player shows them.
    let site = two_episodes(BASIC_CONFIG);
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    let seconds = podsmith::audio::probe(&site.path("static/media/one.mp3"))
        .unwrap()
        .duration;
    let shown = format!("{}:{:02}", (seconds as u64) / 60, (seconds as u64) % 60);
    assert!(page.contains(&format!("<span>{shown}</span>")), "{seconds} s as {shown}: {page}");
}

#[test]
fn supporters_names_break_only_between_words() {
    let site = two_episodes(BASIC_CONFIG);
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3")
            .replace("+++\n\n", "supporters = [\"Michael Mullan-Jensen\"]\n+++\n\n"),
    );
    site.build_ok();
    let page = site.read_out("supporters/index.html");
    assert!(
        page.contains(r#"<span class="name"><span class="word">Michael</span> <span class="word">Mullan-Jensen</span></span>"#),
        "{page}"
    );
    let css = site.read_out("assets/style.css");
    assert!(css.contains(".word { white-space: nowrap; }"));
}
