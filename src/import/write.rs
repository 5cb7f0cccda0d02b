//! Writing the imported show as site files: `podcast.toml` and one
//! Markdown file per item, named as `podsmith new` names them.

use super::model::{Item, Person, Show};
use super::report::Report;
use crate::cli::{episode_file_stem, toml_string};
use std::collections::HashSet;
use std::fmt::Write as _;

/// One episode file to write: its stem, and the local audio file (relative
/// to the media folder) when `--download-audio` fetched it.
pub struct Planned<'a> {
    pub item: &'a Item,
    pub stem: String,
    pub audio: Option<String>,
    /// The episode art: its path under `static/` when it was downloaded,
    /// else its address (a remote image).
    pub image: Option<String>,
}

/// The items, oldest first, with their file stems (unique) and episode
/// numbers made unique per season and type (a repeated number is left out
/// of the later item, and reported).
pub fn plan<'a>(show: &'a mut Show, report: &mut Report) -> Vec<Planned<'a>> {
    show.items
        .sort_by(|a, b| a.date.cmp(&b.date).then(b.position.cmp(&a.position)));
    let mut numbers = HashSet::new();
    let mut stems = HashSet::new();
    let mut out = Vec::with_capacity(show.items.len());
    for (i, item) in show.items.iter_mut().enumerate() {
        if let Some(n) = item.episode {
            if !numbers.insert((item.season, n, item.episode_type)) {
                report.fixed(format!(
                    "{} repeats episode number {n}{}: the number is left out of its file",
                    item.name(),
                    item.season
                        .map(|s| format!(" of season {s}"))
                        .unwrap_or_default()
                ));
                item.episode = None;
            }
        }
        let number = item.episode.unwrap_or(i as u32 + 1);
        // A title's HTML (kept in the title, as apps show it) stays out of
        // the file name.
        let base = episode_file_stem(number, &super::html::plain_text(&item.title));
        let mut stem = base.clone();
        let mut k = 2;
        while !stems.insert(stem.clone()) {
            stem = format!("{base}-{k}");
            k += 1;
        }
        out.push(Planned {
            item,
            stem,
            audio: None,
            image: None,
        });
    }
    out
}

/// `podcast.toml` for the show; `image` is the cover's path under
/// `static/` when it was downloaded.
pub fn settings(show: &Show, source: &str, image: Option<&str>, report: &mut Report) -> String {
    let mut t = String::new();
    let q = toml_string;
    let _ = writeln!(t, "# Imported by podsmith from {source}.");
    let _ = writeln!(
        t,
        "# Every key is described in podsmith's docs/configuration.md."
    );
    let _ = writeln!(t, "title = {}", q(&show.title));
    let _ = writeln!(t, "description = {}", q(&show.description));
    let base = show
        .link
        .as_deref()
        .and_then(|l| crate::config::normalize_base_url(l).ok());
    let _ = writeln!(
        t,
        "# The old site's address (the feed's <link>): change it to where this site will be published."
    );
    match base {
        Some(url) => {
            let _ = writeln!(t, "base_url = {}", q(&url));
        }
        None => {
            report.fixed(
                "the feed's <link> is not a web address: base_url set to https://example.org/",
            );
            let _ = writeln!(t, "base_url = \"https://example.org/\"");
        }
    }
    let _ = writeln!(
        t,
        "language = {}",
        q(show.language.as_deref().unwrap_or("en"))
    );
    if let Some(author) = &show.author {
        let _ = writeln!(t, "author = {}", q(author));
    }
    match (image, &show.image_url) {
        (Some(rel), _) => {
            let _ = writeln!(t, "image = {}", q(rel));
        }
        (None, Some(url)) if usable_remote_image(url) => {
            let _ = writeln!(
                t,
                "# A remote image: the cover art was not downloaded. Save it under static/\n# and set image = \"cover.jpg\" to have podsmith check it.\nimage = {}",
                q(url.trim())
            );
            report.fixed(format!(
                "the cover art {url} was not downloaded: recorded as a remote image"
            ));
        }
        (None, Some(url)) => {
            let _ = writeln!(
                t,
                "# The cover art could not be used; the feed names it {}",
                q(url)
            );
            report.fixed(format!(
                "the cover art {url:?} is not an http(s):// address: left out"
            ));
        }
        (None, None) => {}
    }
    let _ = writeln!(t, "explicit = {}", show.explicit.unwrap_or(false));
    if !show.categories.is_empty() {
        let list: Vec<String> = show.categories.iter().map(|c| q(c)).collect();
        let _ = writeln!(t, "categories = [{}]", list.join(", "));
    }
    if let Some(c) = &show.copyright {
        let _ = writeln!(t, "copyright = {}", q(c));
    }
    if show.serial {
        let _ = writeln!(t, "show_type = \"serial\"");
    }
    if let Some(guid) = &show.podcast_guid {
        let _ = writeln!(
            t,
            "podcast_guid = {}   # the show's identity: never change it",
            q(guid)
        );
    }
    if let Some(locked) = show.locked {
        let _ = writeln!(t, "locked = {locked}");
    }
    if let Some(url) = &show.new_feed_url {
        let _ = writeln!(
            t,
            "# The old feed said it had moved to this address (itunes:new-feed-url). Uncomment only\n# if this site's feed should send apps there (see docs/import.md):\n# new_feed_url = {}",
            q(url)
        );
    }
    if let Some((name, email)) = &show.owner {
        let _ = writeln!(t, "\n[owner]\nname = {}\nemail = {}", q(name), q(email));
    }
    for (url, text) in &show.funding {
        let _ = writeln!(t, "\n[[funding]]\nurl = {}\ntext = {}", q(url), q(text));
    }
    write_credits(&mut t, &show.credits);
    if let Some(value) = &show.value {
        t.push_str(&super::value::to_toml(value));
    }
    t
}

/// Whether an image address can be recorded as a remote `image` (the
/// checks `build` makes of one).
pub fn usable_remote_image(url: &str) -> bool {
    crate::config::is_remote_image(url)
        && crate::config::check_image_url(url).is_ok()
        && !url.trim().contains(char::is_whitespace)
}

fn write_credits(t: &mut String, credits: &[Person]) {
    for p in credits {
        let _ = write!(
            t,
            "\n[[credits]]\nname = {}\nrole = {}\n",
            toml_string(&p.name),
            toml_string(&p.role)
        );
        if let Some(url) = &p.url {
            let _ = writeln!(t, "url = {}", toml_string(url));
        }
    }
}

/// `[name]` with `table` under it, as TOML.
fn append_table(t: &mut String, name: &str, table: toml::Table) {
    let mut outer = toml::Table::new();
    outer.insert(name.into(), toml::Value::Table(table));
    if let Ok(text) = toml::to_string(&outer) {
        t.push('\n');
        t.push_str(&text);
    }
}

/// The Markdown file of one episode.
pub fn episode(p: &Planned<'_>) -> String {
    let item = p.item;
    let q = toml_string;
    let mut t = String::from("+++\n");
    let _ = writeln!(t, "title = {}", q(&item.title));
    if let Some(date) = item.date {
        let _ = writeln!(
            t,
            "date = {}",
            date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    if !item.guid.is_empty() {
        let _ = writeln!(
            t,
            "guid = {}   # never change this: apps know the episode by it",
            q(&item.guid)
        );
    }
    if item.guid_permalink && !item.guid.is_empty() {
        let _ = writeln!(
            t,
            "guid_permalink = true   # the old feed marked the GUID isPermaLink"
        );
    }
    if let Some(n) = item.episode {
        let _ = writeln!(t, "episode = {n}");
    }
    if let Some(n) = item.season {
        let _ = writeln!(t, "season = {n}");
    }
    if let Some(kind) = item.episode_type {
        let _ = writeln!(t, "episode_type = \"{kind}\"");
    }
    if let Some(explicit) = item.explicit {
        let _ = writeln!(t, "explicit = {explicit}");
    }
    if let Some(summary) = &item.summary {
        let _ = writeln!(t, "summary = {}", q(summary));
    }
    if let Some(rel) = &p.image {
        let _ = writeln!(t, "image = {}", q(rel));
    }
    let mut extra = toml::Table::new();
    let mut set = |key: &str, value: toml::Value| {
        extra.insert(key.into(), value);
    };
    match (&p.audio, &item.enclosure) {
        (Some(rel), Some(e)) => {
            let _ = writeln!(t, "audio = {}", q(rel));
            set("enclosure_url", toml::Value::String(e.url.clone()));
        }
        (_, Some(e)) => {
            let _ = writeln!(
                t,
                "\n[enclosure]   # remote audio: published as recorded here"
            );
            let _ = writeln!(t, "url = {}", q(&e.url));
            let _ = writeln!(t, "length = {}", e.length);
            let _ = writeln!(t, "type = {}", q(&e.mime));
            if let Some(d) = e.duration {
                if d.fract() == 0.0 {
                    let _ = writeln!(t, "duration = {}", d as u64);
                } else {
                    let _ = writeln!(t, "duration = {d}");
                }
            }
            for tr in &item.transcripts {
                let _ = write!(
                    t,
                    "\n[[enclosure.transcripts]]\nurl = {}\ntype = {}\n",
                    q(&tr.url),
                    q(&tr.mime)
                );
                if let Some(language) = &tr.language {
                    let _ = writeln!(t, "language = {}", q(language));
                }
                if let Some(rel) = &tr.rel {
                    let _ = writeln!(t, "rel = {}", q(rel));
                }
            }
        }
        (_, None) => {}
    }
    let duration = item.enclosure.as_ref().and_then(|e| e.duration);
    for (i, (start, title, url)) in item.chapters.iter().enumerate() {
        if duration.is_some_and(|d| *start > d) && p.audio.is_none() {
            continue;
        }
        let title = if title.trim().is_empty() {
            format!("Chapter {}", i + 1)
        } else {
            title.clone()
        };
        let _ = write!(
            t,
            "\n[[chapters]]\nstart = {start}\ntitle = {}\n",
            q(&title)
        );
        if let Some(url) = url {
            let _ = writeln!(t, "url = {}", q(url));
        }
    }
    write_credits(&mut t, &item.credits);
    if let Some(value) = &item.value {
        t.push_str(&super::value::to_toml(value));
    }
    if let Some(link) = &item.link {
        set("link", toml::Value::String(link.clone()));
    }
    if let (Some(url), true) = (&item.chapters_url, item.chapters.is_empty()) {
        set("chapters_url", toml::Value::String(url.clone()));
    }
    if let (Some(url), None) = (&item.image_url, &p.image) {
        set("image_url", toml::Value::String(url.clone()));
    }
    if !item.funding.is_empty() {
        let list = item
            .funding
            .iter()
            .map(|(url, text)| {
                let mut t = toml::Table::new();
                t.insert("url".into(), toml::Value::String(url.clone()));
                t.insert("text".into(), toml::Value::String(text.clone()));
                toml::Value::Table(t)
            })
            .collect();
        set("funding", toml::Value::Array(list));
    }
    if !extra.is_empty() {
        let mut outer = toml::Table::new();
        outer.insert("imported".into(), toml::Value::Table(extra));
        t.push_str("\n# Recorded from the old feed (podsmith does not publish these yet).");
        append_table(&mut t, "extra", outer);
    }
    t.push_str("+++\n\n");
    t.push_str(&item.notes);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{parse_source, EpisodeFront};
    use crate::import::model::Enclosure;
    use std::path::Path;

    #[test]
    fn episode_files_read_back_as_written() {
        let item = Item {
            position: 1,
            title: "It's \"quoted\"\n+++ and \\ more".into(),
            date: chrono::DateTime::parse_from_rfc3339("2020-06-02T10:00:00-04:00").ok(),
            guid: " tag:soundcloud,2010:tracks/178485892 ".into(),
            episode: Some(3),
            season: Some(2),
            episode_type: Some("bonus"),
            explicit: Some(true),
            summary: Some("Line one\nline two".into()),
            notes: "Notes\n\n+++\n".into(),
            enclosure: Some(Enclosure {
                url: "https://cdn.example.org/a.mp3?x=1&y=2".into(),
                length: 123,
                mime: "audio/mpeg".into(),
                duration: Some(3723.5),
            }),
            chapters: vec![
                (0.0, String::new(), None),
                (12.25, "Two".into(), Some("https://example.org/".into())),
            ],
            credits: vec![Person {
                name: "Ada".into(),
                role: "guest".into(),
                url: None,
            }],
            transcripts: vec![crate::transcript::RemoteTranscript {
                url: "https://example.org/t.vtt".into(),
                mime: "text/vtt".into(),
                language: Some("en".into()),
                rel: Some("captions".into()),
            }],
            link: Some("https://old.example.org/3".into()),
            ..Item::default()
        };
        let planned = Planned {
            item: &item,
            stem: "003-x".into(),
            audio: None,
            image: None,
        };
        let text = episode(&planned);
        let src = parse_source::<EpisodeFront>(&text, Path::new("003-x.md"), "key").unwrap();
        let f = &src.front;
        assert_eq!(f.title, item.title);
        assert_eq!(f.guid.as_ref().unwrap().get_ref(), &item.guid);
        assert_eq!(f.date.get_ref().to_string(), "2020-06-02T10:00:00-04:00");
        assert_eq!(f.episode.as_ref().map(|n| *n.get_ref()), Some(3));
        assert_eq!(f.summary.as_deref(), Some("Line one\nline two"));
        let e = f.enclosure.as_ref().unwrap().get_ref();
        assert_eq!(
            (e.url.as_str(), e.length, e.mime.as_str()),
            ("https://cdn.example.org/a.mp3?x=1&y=2", 123, "audio/mpeg")
        );
        assert_eq!(e.duration.map(|d| d.0), Some(3723.5));
        assert_eq!(e.transcripts, item.transcripts);
        assert_eq!(f.chapters.len(), 2);
        assert_eq!(f.chapters[0].get_ref().title, "Chapter 1");
        assert_eq!(f.credits.len(), 1);
        assert!(f.extra.get("imported").is_some());
        // A `+++` line in the notes stays in the body.
        assert!(
            src.body.trim_start().starts_with("Notes\n\n+++"),
            "{}",
            src.body
        );
    }
}
