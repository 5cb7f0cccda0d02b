//! The listening experience of the built-in theme, as HTML (issue 20): the
//! fixes seen in screenshots (explicit badges, the footer's privacy line,
//! the current menu item, durations as players show them, supporters'
//! names), checked in the built pages. What needs a browser is in
//! tests/it/browser.rs.

use crate::common;

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
    assert!(
        home.contains("loads nothing from other sites.</p>"),
        "{home}"
    );

    let site = two_episodes(&format!(
        "{BASIC_CONFIG}[media]\nbase_url = \"https://media.example.net/show/\"\n"
    ));
    site.build_ok();
    let home = site.read_out("index.html");
    assert!(
        home.contains(
            "loads nothing from other sites but the audio, which comes from media.example.net.</p>"
        ),
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
    assert!(
        page.contains(&format!("<span>{shown}</span>")),
        "{seconds} s as {shown}: {page}"
    );
}

#[test]
fn supporters_names_break_only_between_words() {
    let site = two_episodes(BASIC_CONFIG);
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace(
            "+++\n\n",
            "supporters = [\"Michael Mullan-Jensen\"]\n+++\n\n",
        ),
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

#[test]
fn subscribe_buttons_for_the_listed_apps_and_rss() {
    let site = two_episodes(&format!(
        "{BASIC_CONFIG}[[subscribe]]\nname = \"Overcast\"\n[[subscribe]]\nname = \"Pocket Casts\"\n[[subscribe]]\nname = \"Spotify\"\nurl = \"https://open.spotify.com/show/1\"\n[[subscribe]]\nname = \"Some New App\"\nurl = \"https://new.example/show\"\n"
    ));
    site.build_ok();
    for page in ["index.html", "episodes/001-one/index.html"] {
        let html = site.read_out(page);
        let section = &html[html.find("<section class=\"subscribe").expect(page)..];
        let section = &section[..section.find("</section>").unwrap()];
        let buttons: Vec<&str> = section
            .match_indices("<a class=\"button secondary app\" href=\"")
            .map(|(i, m)| {
                let rest = &section[i + m.len()..];
                &rest[..rest.find("</a>").unwrap()]
            })
            .collect();
        let icon = |key: &str| {
            format!(
                r#"<img src="https://example.org/show/assets/apps/{key}.svg" alt="" width="20" height="20">"#
            )
        };
        assert_eq!(
            buttons,
            [
                format!("overcast://x-callback-url/add?url=https%3A%2F%2Fexample.org%2Fshow%2Ffeed.xml\">{}Overcast", icon("overcast")),
                format!("pktc://subscribe/example.org/show/feed.xml\">{}Pocket Casts", icon("pocketcasts")),
                format!("https://open.spotify.com/show/1\">{}Spotify", icon("spotify")),
                format!("https://new.example/show\">{}Some New App", icon("app")),
                format!("https://example.org/show/feed.xml\">{}RSS", icon("rss")),
            ],
            "{page}"
        );
    }
    // Every icon is written, and is an SVG drawn here (no external reference).
    for key in [
        "overcast",
        "pocketcasts",
        "spotify",
        "app",
        "rss",
        "apple",
        "antennapod",
    ] {
        let svg = site.read_out(&format!("assets/apps/{key}.svg"));
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{key}"
        );
        assert!(!svg.contains("href"), "{key}");
    }
    // Only RSS when the show lists no app.
    let plain = two_episodes(BASIC_CONFIG);
    plain.build_ok();
    let home = plain.read_out("index.html");
    assert_eq!(home.matches("class=\"button secondary app\"").count(), 1);
}

#[test]
fn an_app_without_a_link_needs_a_url() {
    let site = two_episodes(&format!(
        "{BASIC_CONFIG}[[subscribe]]\nname = \"Spotify\"\n"
    ));
    let err = site.build_err();
    assert!(
        err.contains("`[[subscribe]]` \"Spotify\" has no `url`, and podsmith makes links only for overcast, pocket casts, antennapod, podcast addict, castro"),
        "{err}"
    );
    assert!(err.contains("podcast.toml:"), "{err}");
}

#[test]
fn bare_timestamps_in_notes_link_to_the_page_at_that_time() {
    let site = two_episodes(BASIC_CONFIG);
    site.write(
        "content/episodes/001-one.md",
        &format!(
            "{}\nThe tips start at [0:03], the end at [1:02:03].\n",
            episode("One", 1, "one.mp3")
        ),
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(
        page.contains(r#"The tips start at <a class="timestamp" href="https://example.org/show/episodes/001-one/#t=3">0:03</a>, the end at <a class="timestamp" href="https://example.org/show/episodes/001-one/#t=3723">1:02:03</a>."#),
        "{page}"
    );
    // The feed's copy of the notes links to the page at that time too.
    let feed = site.read_out("feed.xml");
    assert!(feed.contains("episodes/001-one/#t=3"), "{feed}");
}

#[test]
fn the_player_keeps_the_native_audio_and_describes_the_episode() {
    let site = two_episodes(BASIC_CONFIG);
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains(r#"<div class="player" data-player data-src="https://example.org/show/media/one.mp3" data-url="https://example.org/show/episodes/001-one/" data-title="One""#), "{page}");
    assert!(page.contains(r#"<audio controls preload="metadata" src="https://example.org/show/media/one.mp3" data-episode-player>"#));
    // Share: the address is there without the script; its buttons wait for it.
    assert!(page.contains(r#"<input id="share-url" class="feed-url" type="url" readonly value="https://example.org/show/episodes/001-one/">"#));
    assert!(page.contains(
        r#"<button type="button" class="button" data-share-copy hidden>Copy link</button>"#
    ));
    // Cards carry their episode's address, for the "played" mark.
    let home = site.read_out("index.html");
    assert!(home.contains(r#"data-episode="https://example.org/show/episodes/001-one/""#));
}

#[test]
fn transcripts_on_the_episode_page_and_their_own_page() {
    let site =
        two_episodes(&BASIC_CONFIG.replace("name = \"Theme Composer\"", "name = \"Sam Guest\""));
    site.write(
        "static/media/one.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Test Host>Hello & welcome.\n\n00:00:02.000 --> 00:00:03.000\n<v Test Host>Still me.\n\n00:00:03.000 --> 00:00:05.000\n<v Sam Guest>Thanks <b>for</b> having me.\n",
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    let url = "https://example.org/show/episodes/001-one/";
    assert!(
        page.contains(r#"<section class="transcript" aria-labelledby="transcript-title">"#),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"<p class="cue-group"><a class="cue-time" href="{url}#t=0">0:00</a> <span class="speaker">Test Host</span><br><span data-start="0">Hello &amp; welcome.</span> <span data-start="2">Still me.</span> </p>"#)),
        "{page}"
    );
    // A speaker a credit names shows the credit's role.
    assert!(
        page.contains(&format!(r#"<a class="cue-time" href="{url}#t=3">0:03</a> <span class="speaker">Sam Guest <span class="role">(Theme music)</span></span><br><span data-start="3">Thanks for having me.</span>"#)),
        "{page}"
    );
    let own = site.read_out("episodes/001-one/transcript/index.html");
    assert!(
        own.contains("<title>Transcript: One · Fixture Show</title>"),
        "{own}"
    );
    assert!(own.contains(r#"<div class="transcript transcript-full">"#));
    assert!(own.contains("Thanks for having me."));
    assert!(own.contains(r#"<a href="https://example.org/show/media/one.vtt">Transcript file</a>"#));
    // The transcript page is in the sitemap, beside its episode.
    let sitemap = site.read_out("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{url}transcript/</loc>")),
        "{sitemap}"
    );
    // The other episode shares the audio file, so its transcript too; an
    // episode without one has no transcript page.
    let site = two_episodes(BASIC_CONFIG);
    site.build_ok();
    assert!(!site.path("public/episodes/001-one/transcript").exists());
    assert!(!site.read_out("sitemap.xml").contains("transcript/"));
    assert!(!site
        .read_out("episodes/001-one/index.html")
        .contains("class=\"transcript\""));
}

#[test]
fn srt_and_json_transcripts_too() {
    let site = two_episodes(BASIC_CONFIG);
    site.write(
        "static/media/one.srt",
        "1\n00:00:01,000 --> 00:00:02,500\nAda: From a subtitle file.\n",
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains(r#"<span class="speaker">Ada</span><br><span data-start="1">From a subtitle file.</span>"#), "{page}");

    let site = two_episodes(BASIC_CONFIG);
    site.write(
        "static/media/one.json",
        r#"{"version":"1.0.0","segments":[{"speaker":"Bo","startTime":1.5,"endTime":2,"body":"From JSON."}]}"#,
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains(r#"#t=1.5">0:01</a> <span class="speaker">Bo</span><br><span data-start="1.5">From JSON.</span>"#), "{page}");
    assert!(site.path("public/media/one.json").is_file());
}

#[test]
fn search_index_holds_every_searchable_word() {
    let site = two_episodes(BASIC_CONFIG);
    site.write(
        "content/episodes/001-one.md",
        &format!(
            "{}\nA word from the *notes*: Quokka.\n",
            episode("One", 1, "one.mp3")
        ),
    );
    site.write(
        "static/media/one.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Test Host>Only the transcript says Zeppelinfish.\n",
    );
    site.build_ok();
    let index: serde_json::Value =
        serde_json::from_str(&site.read_out("search-index.json")).expect("JSON");
    assert_eq!(index["v"], 2);
    let vocabulary: Vec<&str> = index["words"].as_str().unwrap().split(' ').collect();
    let mut sorted = vocabulary.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(vocabulary, sorted, "each word once, sorted");
    // An episode's words: positions in the vocabulary, as base-36 differences.
    let words_of = |entry: &serde_json::Value| -> Vec<&str> {
        let mut at = 0;
        entry[4]
            .as_str()
            .unwrap()
            .split(',')
            .map(|d| {
                at += usize::from_str_radix(d, 36).unwrap();
                vocabulary[at]
            })
            .collect()
    };
    let entries = index["e"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    // Newest first: [url, title, date, summary, word positions].
    assert_eq!(entries[0][0], "https://example.org/show/episodes/002-two/");
    let one = &entries[1];
    assert_eq!(one[1], "One");
    assert_eq!(one[2], "2026-01-01");
    assert_eq!(one[3], "Summary of One.");
    let words = words_of(one);
    for word in [
        "zeppelinfish",
        "quokka",
        "notes",
        "summary",
        "common",
        "composer",
        "theme",
        "music",
        "host",
    ] {
        assert!(words.contains(&word), "{word} missing from {words:?}");
    }
    // The other episode has its own notes, and (sharing one.mp3) the transcript.
    let two = words_of(&entries[0]);
    assert!(
        two.contains(&"zeppelinfish") && !two.contains(&"quokka"),
        "{two:?}"
    );

    // The search page works without the script by offering the archive.
    let page = site.read_out("search/index.html");
    assert!(page.contains(r#"<ol class="search-results" data-search-index="https://example.org/show/search-index.json"></ol>"#));
    assert!(page.contains(r#"<a class="button secondary" href="https://example.org/show/archive/">Browse every episode in the archive</a>"#));
    // Every page has the header's search field, a plain GET form.
    let home = site.read_out("index.html");
    assert!(home.contains(r#"<form class="site-search" action="https://example.org/show/search/" method="get" role="search" aria-label="Site search">"#));
}

/// The words of every episode in the search index, as `[url, words]`.
fn indexed_words(site: &FixtureSite) -> Vec<(String, Vec<String>)> {
    let index: serde_json::Value =
        serde_json::from_str(&site.read_out("search-index.json")).expect("JSON");
    let vocabulary: Vec<&str> = index["words"].as_str().unwrap().split(' ').collect();
    index["e"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let mut at = 0;
            let words = entry[4]
                .as_str()
                .unwrap()
                .split(',')
                .map(|d| {
                    at += usize::from_str_radix(d, 36).unwrap();
                    vocabulary[at].to_string()
                })
                .collect();
            (entry[0].as_str().unwrap().to_string(), words)
        })
        .collect()
}

#[test]
fn cached_search_words_follow_every_edit() {
    let site = two_episodes(BASIC_CONFIG);
    site.write(
        "static/media/one.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v A>Transcript says Axolotl.\n",
    );
    site.build_ok();
    let cache = site.path(".podsmith-cache/search-words.txt");
    assert!(cache.is_file(), "the build keeps each episode's words");
    let first = site.read_out("search-index.json");

    // Built again from the cache: the same bytes.
    site.build_ok();
    assert_eq!(site.read_out("search-index.json"), first);

    // A cache that lies is not believed for an episode that changed: the
    // notes, the transcript and the title each make the words again.
    std::fs::write(
        &cache,
        std::fs::read_to_string(&cache)
            .unwrap()
            .replace("axolotl", "stale"),
    )
    .unwrap();
    site.write(
        "content/episodes/001-one.md",
        &format!(
            "{}\nNow the notes name a Pangolin.\n",
            episode("One renamed", 1, "one.mp3")
        ),
    );
    site.write(
        "static/media/one.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v A>Transcript says Narwhal.\n",
    );
    site.build_ok();
    let words = indexed_words(&site);
    let one = &words
        .iter()
        .find(|(url, _)| url.contains("001-one"))
        .unwrap()
        .1;
    for word in ["pangolin", "renamed", "narwhal"] {
        assert!(
            one.contains(&word.to_string()),
            "{word} missing from {one:?}"
        );
    }
    assert!(
        !one.iter().any(|w| w == "axolotl" || w == "stale"),
        "{one:?}"
    );
    let two = &words
        .iter()
        .find(|(url, _)| url.contains("002-two"))
        .unwrap()
        .1;
    assert!(
        two.contains(&"narwhal".to_string()),
        "shares one.mp3's transcript: {two:?}"
    );

    // Without the cache: the same output as with it.
    let with_cache = site.read_out("search-index.json");
    std::fs::remove_file(&cache).unwrap();
    site.build_ok();
    assert_eq!(site.read_out("search-index.json"), with_cache);
    // A damaged cache is no cache.
    std::fs::write(&cache, "not a cache\n\u{0}\u{1}zz").unwrap();
    site.build_ok();
    assert_eq!(site.read_out("search-index.json"), with_cache);
}

#[test]
fn the_same_site_gives_the_same_bytes() {
    let site = two_episodes(BASIC_CONFIG);
    site.write(
        "static/media/one.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v A>One two three.\n",
    );
    site.build_ok();
    let first = site.snapshot_out();
    std::fs::remove_dir_all(site.path("public")).unwrap();
    site.build_ok();
    assert!(first == site.snapshot_out());
}

#[test]
fn the_cover_in_small_copies_for_small_places() {
    let site = two_episodes(BASIC_CONFIG);
    site.build_ok();
    let home = site.read_out("index.html");
    let base = "https://example.org/show/";
    // The 44 px logo: a 160 px JPEG (the fixture cover is an opaque PNG),
    // the original staying the largest choice.
    assert!(
        home.contains(&format!(r#"<img src="{base}assets/img/cover-500b815f-160.jpg" srcset="{base}assets/img/cover-500b815f-160.jpg 160w, "#)),
        "{home}"
    );
    assert!(home.contains(&format!(
        r#"{base}cover.png 1400w" sizes="44px" alt="" width="44" height="44">"#
    )));
    let small = std::fs::read(site.path("public/assets/img/cover-500b815f-160.jpg")).unwrap();
    let size = imagesize::blob_size(&small).unwrap();
    assert_eq!((size.width, size.height), (160, 160));
    assert!(small.len() < std::fs::read(site.path("static/cover.png")).unwrap().len());
    // Link previews keep the original.
    let page = site.read_out("episodes/001-one/index.html");
    assert!(page.contains(&format!(
        r#"<meta property="og:image" content="{base}cover.png">"#
    )));
    // Kept between builds in the cache, by the source's hash.
    let cached: Vec<_> = std::fs::read_dir(site.path(".podsmith-cache/images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(cached.iter().any(|n| n.ends_with("-160.jpg")), "{cached:?}");
}

#[test]
fn a_transparent_cover_gets_png_and_webp_copies() {
    let site = two_episodes(BASIC_CONFIG);
    let mut img = image::RgbaImage::new(800, 800);
    for (x, y, p) in img.enumerate_pixels_mut() {
        // Flat shapes with a transparent corner: WebP beats PNG on these.
        let inside = (x as i32 - 400).pow(2) + (y as i32 - 400).pow(2) < 300 * 300;
        *p = if inside {
            image::Rgba([200, 40, 90, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        };
    }
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let png = png.into_inner();
    // Noise makes the PNG large enough that every copy is smaller.
    let mut big = image::RgbaImage::new(800, 800);
    for (x, y, p) in big.enumerate_pixels_mut() {
        let v = ((x * 7919 + y * 104729) % 251) as u8;
        *p = image::Rgba([v, v / 2, 255 - v, if x < 100 { 0 } else { 255 }]);
    }
    let mut noisy = std::io::Cursor::new(Vec::new());
    big.write_to(&mut noisy, image::ImageFormat::Png).unwrap();
    let noisy = noisy.into_inner();
    assert!(!png.is_empty());
    site.write_bytes("static/cover.png", &noisy);
    site.build_ok();
    let home = site.read_out("index.html");
    let base = "https://example.org/show/";
    assert!(
        home.contains(&format!(
            r#"<img src="{base}assets/img/cover-500b815f-160.png""#
        )),
        "{home}"
    );
    assert!(site
        .path("public/assets/img/cover-500b815f-320.png")
        .is_file());
    if site
        .path("public/assets/img/cover-500b815f-160.webp")
        .is_file()
    {
        assert!(home.contains(&format!(
            r#"<source type="image/webp" srcset="{base}assets/img/cover-500b815f-160.webp 160w"#
        )));
    } else {
        assert!(!home.contains("image/webp"));
    }
}

#[test]
fn an_episodes_own_image_gets_small_copies_too() {
    let site = two_episodes(BASIC_CONFIG);
    // The fixture cover, as an episode's own art in a folder of its own.
    site.write_bytes("static/art/one/cover.png", common::COVER_PNG);
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace("+++\n\n", "image = \"art/one/cover.png\"\n+++\n\n"),
    );
    site.build_ok();
    let page = site.read_out("episodes/001-one/index.html");
    let copies: Vec<String> = std::fs::read_dir(site.path("public/assets/img"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    // Two files of one name in different folders: copies of each, apart.
    let art: Vec<&String> = copies
        .iter()
        .filter(|n| n.starts_with("cover-") && !n.starts_with("cover-500b815f-"))
        .collect();
    assert_eq!(art.len(), 2, "{copies:?}");
    let small = art.iter().find(|n| n.ends_with("-160.jpg")).unwrap();
    assert!(
        page.contains(&format!(r#"<img class="episode-art" src="https://example.org/show/assets/img/{small}" srcset="https://example.org/show/assets/img/{small} 160w, "#)),
        "{page}"
    );
    assert!(page.contains(r#"https://example.org/show/art/one/cover.png 1400w" sizes="(max-width: 560px) 88px, 128px""#));
    // The player bar shows the small copy; link previews keep the original.
    assert!(page.contains(&format!(
        r#"data-art="https://example.org/show/assets/img/{small}""#
    )));
    assert!(page.contains(
        r#"<meta property="og:image" content="https://example.org/show/art/one/cover.png">"#
    ));
}

#[test]
fn the_feed_lists_the_covers_copies_as_podcast_images() {
    let site = two_episodes(BASIC_CONFIG);
    site.build_ok();
    let feed = site.read_out("feed.xml");
    let base = "https://example.org/show/";
    let prefix = "<podcast:images srcset=\"";
    let start = feed.find(prefix).expect(&feed) + prefix.len();
    let srcset = &feed[start..start + feed[start..].find('"').unwrap()];
    assert!(
        srcset.starts_with(&format!("{base}assets/img/cover-500b815f-160.jpg 160w, ")),
        "{srcset}"
    );
    assert!(
        srcset.ends_with(&format!("{base}cover.png 1400w")),
        "{srcset}"
    );
    // Every address in it is a file the build wrote.
    for entry in srcset.split(", ") {
        let url = entry.split_whitespace().next().unwrap();
        let rel = url.strip_prefix(base).unwrap();
        assert!(site.path("public").join(rel).is_file(), "{rel}");
    }
    // Without a cover there is nothing to list.
    let bare = FixtureSite::new(&BASIC_CONFIG.replace("image = \"cover.png\"\n", ""));
    bare.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    bare.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    bare.build_ok();
    assert!(!bare.read_out("feed.xml").contains("podcast:images"));
}
