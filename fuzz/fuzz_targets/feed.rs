//! Arbitrary strings in the show's and an episode's title, summary, notes,
//! credits and chapters, then `feed::to_xml`; the XML must parse back with
//! `rss::Channel::read_from`.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use podsmith::config::Credit;
use podsmith::render::Theme;
use podsmith::site::{Chapter, LoadOptions, Site};
use std::sync::{Mutex, OnceLock};

struct Fixture {
    _dir: tempfile::TempDir,
    site: Mutex<Site>,
    theme: Theme,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        common::fixture(dir.path());
        common::write(
            dir.path(),
            "content/episodes/001-one.md",
            format!("{}\nNotes.\n", common::FRONT).as_bytes(),
        );
        let site = podsmith::load_site(dir.path(), &LoadOptions::default(), None).expect("site");
        let theme = Theme::load(dir.path()).expect("theme");
        Fixture {
            _dir: dir,
            site: Mutex::new(site),
            theme,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}').map(str::to_string);
    let mut next = || parts.next().unwrap_or_default();
    let f = fixture();
    let mut site = f.site.lock().unwrap_or_else(|e| e.into_inner());
    site.config.title = next();
    site.config.description = next();
    site.config.author = next();
    site.config.credits = vec![Credit {
        name: next(),
        role: next(),
        work: Some(next()),
        url: Some(next()),
    }];
    let e = std::sync::Arc::make_mut(&mut site.episodes[0]);
    e.title = next();
    e.summary = next();
    e.notes_html = next();
    e.credits = vec![Credit {
        name: next(),
        role: next(),
        work: None,
        url: None,
    }];
    e.supporters = vec![next()];
    e.chapters = vec![
        Chapter {
            start: 0.0,
            end: None,
            title: next(),
            url: Some(next()),
        },
        Chapter {
            start: 1.5,
            end: Some(3.0),
            title: next(),
            url: None,
        },
    ];
    let Ok(xml) = podsmith::feed::to_xml(&site, &f.theme) else {
        return;
    };
    if let Err(err) = rss::Channel::read_from(xml.as_bytes()) {
        panic!("the feed does not parse back: {err}\n{xml}");
    }
});
