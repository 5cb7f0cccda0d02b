//! Reading the cleaned feed (the `rss` crate) into a [`Show`]: the
//! channel's settings here, each item in [`super::items`].

use super::model::{Person, Show};
use super::report::Report;
use rss::extension::{Extension, ExtensionMap};
use rss::Channel;

/// The Podcasting 2.0 namespace: its address today and its first one.
pub const PODCAST_NAMESPACES: [&str; 2] = [
    "https://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
];
/// Podlove Simple Chapters.
pub const PSC_NAMESPACE: &str = "http://podlove.org/simple-chapters";

/// The prefixes a feed uses for the namespaces podsmith reads.
#[derive(Debug, Clone)]
pub struct Prefixes {
    pub podcast: Vec<String>,
    pub psc: Vec<String>,
}

impl Prefixes {
    fn of(channel: &Channel) -> Prefixes {
        let find = |uris: &[&str], default: &str| {
            let mut found: Vec<String> = channel
                .namespaces()
                .iter()
                .filter(|(_, uri)| {
                    uris.iter()
                        .any(|u| u.trim_end_matches('/') == uri.trim().trim_end_matches('/'))
                })
                .map(|(prefix, _)| prefix.clone())
                .collect();
            if !found.iter().any(|p| p == default) {
                found.push(default.to_string());
            }
            found
        };
        Prefixes {
            podcast: find(&PODCAST_NAMESPACES, "podcast"),
            psc: find(&[PSC_NAMESPACE], "psc"),
        }
    }
}

/// The elements `name` of any of the `prefixes` in `map`.
pub fn elements<'a>(map: &'a ExtensionMap, prefixes: &[String], name: &str) -> Vec<&'a Extension> {
    prefixes
        .iter()
        .filter_map(|p| map.get(p))
        .filter_map(|m| m.get(name))
        .flatten()
        .collect()
}

/// The trimmed text of the first element `name`, if not empty.
pub fn text(map: &ExtensionMap, prefixes: &[String], name: &str) -> Option<String> {
    elements(map, prefixes, name)
        .into_iter()
        .find_map(|e| e.value().map(str::trim).filter(|v| !v.is_empty()))
        .map(str::to_string)
}

/// `yes`/`true`/`explicit` and `no`/`false`/`clean`, as hosts write them.
pub fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "explicit" => Some(true),
        "no" | "false" | "clean" => Some(false),
        _ => None,
    }
}

/// Reads a cleaned feed.
pub fn read(feed: &str, report: &mut Report) -> crate::error::Result<Show> {
    let channel = Channel::read_from(feed.as_bytes()).map_err(|e| {
        crate::error::Diagnostic::error(
            report.source.clone(),
            format!("this is not an RSS feed podsmith can read: {e}"),
        )
        .help("pass the show's RSS feed (its address, or the file saved from it); Atom feeds are not podcast feeds")
    })?;
    let prefixes = Prefixes::of(&channel);
    let it = channel.itunes_ext();
    let ext = channel.extensions();
    let plain = |t: &str| super::html::plain_text(t);
    let mut show = Show {
        title: plain(channel.title()),
        description: it
            .and_then(|i| i.summary())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(channel.description())
            .trim()
            .to_string(),
        language: Some(channel.language().unwrap_or("").trim().to_string())
            .filter(|l| !l.is_empty()),
        author: it
            .and_then(|i| i.author())
            .map(plain)
            .filter(|a| !a.is_empty()),
        copyright: channel.copyright().map(plain).filter(|c| !c.is_empty()),
        serial: it
            .and_then(|i| i.r#type())
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("serial")),
        explicit: it.and_then(|i| i.explicit()).and_then(yes_no),
        image_url: it
            .and_then(|i| i.image())
            .map(str::to_string)
            .or_else(|| channel.image().map(|i| i.url().to_string()))
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty()),
        new_feed_url: it
            .and_then(|i| i.new_feed_url())
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty()),
        link: Some(channel.link().trim().to_string()).filter(|l| !l.is_empty()),
        podcast_guid: text(ext, &prefixes.podcast, "guid"),
        locked: text(ext, &prefixes.podcast, "locked").and_then(|t| yes_no(&t)),
        funding: funding(ext, &prefixes, report),
        credits: persons(ext, &prefixes),
        value: super::value::read(ext, &prefixes, "the channel", None, report),
        ..Show::default()
    };
    if let Some(owner) = it.and_then(|i| i.owner()) {
        let name = owner.name().map(plain).unwrap_or_default();
        let email = owner.email().map(str::trim).unwrap_or_default().to_string();
        let name = if name.is_empty() {
            show.author.clone().unwrap_or_default()
        } else {
            name
        };
        if !name.is_empty() && !email.is_empty() {
            show.owner = Some((name, email));
        } else {
            report.fixed("itunes:owner has no name or no email: left out of podcast.toml");
        }
    }
    if let Some(it) = it {
        for c in it.categories() {
            let parent = plain(c.text());
            if parent.is_empty() {
                continue;
            }
            match c.subcategory() {
                Some(sub) if !sub.text().trim().is_empty() => {
                    show.categories
                        .push(format!("{parent} > {}", plain(sub.text())));
                }
                _ => show.categories.push(parent),
            }
        }
    }
    show.items = super::items::read(&channel, &prefixes, report);
    // The show's credits are every episode's already (podsmith adds them).
    for item in &mut show.items {
        item.credits.retain(|p| {
            !show
                .credits
                .iter()
                .any(|s| s.name == p.name && s.role == p.role)
        });
    }
    Ok(show)
}

/// `podcast:funding` (channel or item).
pub fn funding(
    ext: &ExtensionMap,
    prefixes: &Prefixes,
    report: &mut Report,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in elements(ext, &prefixes.podcast, "funding") {
        let url = f
            .attrs()
            .get("url")
            .map(|u| u.trim().to_string())
            .unwrap_or_default();
        if crate::config::check_link(&url).is_err() {
            report.fixed(format!("podcast:funding with the address {url:?} left out"));
            continue;
        }
        let text = f.value().map(str::trim).unwrap_or("").to_string();
        let text = if text.is_empty() {
            "Support the show".to_string()
        } else {
            text
        };
        out.push((url, text));
    }
    out
}

/// `podcast:person` (channel or item) as credits.
pub fn persons(ext: &ExtensionMap, prefixes: &Prefixes) -> Vec<Person> {
    elements(ext, &prefixes.podcast, "person")
        .into_iter()
        .filter_map(|p| {
            let name = super::html::plain_text(p.value()?);
            if name.is_empty() {
                return None;
            }
            let role = p
                .attrs()
                .get("role")
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "host".into());
            let url = p
                .attrs()
                .get("href")
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty() && crate::config::check_link(u).is_ok());
            Some(Person { name, role, url })
        })
        .collect()
}
