//! GUIDs never change: the comparison of a new feed with a published one.
//!
//! Items are matched by GUID. An old GUID missing from the new feed is
//! either a *changed GUID* (a new item has the same enclosure URL or the
//! same link: the episode is still there under another identity) or a
//! *removed* episode. A matched item whose enclosure URL differs is an
//! *enclosure change* (apps see a new file; a `base_url` change does this).
//! An old item that is only missing because `feed_limit` pushed it out (the
//! site still has the episode, with audio) is fine.

use crate::error::{display_path, Diagnostic};
use crate::site::Site;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

/// One change between a published feed and a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedChange {
    /// The same episode (same enclosure URL or link) under a new GUID.
    GuidChanged {
        title: String,
        old_guid: String,
        new_guid: String,
        /// "enclosure URL" or "link".
        matched_by: &'static str,
    },
    /// Same GUID, another enclosure URL.
    EnclosureChanged {
        title: String,
        guid: String,
        old_url: String,
        new_url: String,
    },
    /// The GUID is gone and no new item takes its place.
    Removed { title: String, guid: String },
    /// The show's `podcast:guid` changed (e.g. derived from a new feed URL).
    PodcastGuidChanged { old: String, new: String },
    /// Same GUID and URL, another `length`: the file was replaced (a warning).
    LengthChanged {
        title: String,
        guid: String,
        old_length: String,
        new_length: String,
    },
}

impl FeedChange {
    /// Whether this must stop a build (unless accepted).
    pub fn is_breaking(&self) -> bool {
        !matches!(self, FeedChange::LengthChanged { .. })
    }

    /// The GUID the change is about in the new feed, if it is still there.
    fn new_guid(&self) -> Option<&str> {
        match self {
            FeedChange::GuidChanged { new_guid, .. } => Some(new_guid),
            FeedChange::EnclosureChanged { guid, .. } | FeedChange::LengthChanged { guid, .. } => {
                Some(guid)
            }
            FeedChange::Removed { .. } | FeedChange::PodcastGuidChanged { .. } => None,
        }
    }

    /// What happened, naming the episode, with old and new values.
    pub fn message(&self) -> String {
        match self {
            FeedChange::GuidChanged {
                title,
                old_guid,
                new_guid,
                matched_by,
            } => format!(
                "published episode {title:?} changed its GUID from {old_guid:?} to {new_guid:?} (same {matched_by})"
            ),
            FeedChange::EnclosureChanged {
                title,
                guid,
                old_url,
                new_url,
            } => format!(
                "published episode {title:?} (GUID {guid:?}) changed its enclosure URL from {old_url:?} to {new_url:?}"
            ),
            FeedChange::Removed { title, guid } => format!(
                "published episode {title:?} (GUID {guid:?}) is no longer in the feed"
            ),
            FeedChange::PodcastGuidChanged { old, new } => format!(
                "the show's podcast:guid changed from {old:?} to {new:?}"
            ),
            FeedChange::LengthChanged {
                title,
                guid,
                old_length,
                new_length,
            } => format!(
                "published episode {title:?} (GUID {guid:?}): the audio file changed size from {old_length} to {new_length} bytes"
            ),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        const ACCEPT: &str =
            "if the change is intended, confirm it with `podsmith build --accept-feed-changes`";
        match self {
            FeedChange::GuidChanged { old_guid, .. } => format!(
                "apps would show it as a new episode: put `guid = {old_guid:?}` back in its front matter;\n{ACCEPT}"
            ),
            FeedChange::EnclosureChanged { .. } => format!(
                "apps that downloaded it see a new file (a new `base_url` or `[media] base_url` does this);\n{ACCEPT}"
            ),
            FeedChange::Removed { .. } => format!(
                "apps delete episodes that leave the feed: restore the episode, its audio, or its date;\n{ACCEPT}"
            ),
            FeedChange::PodcastGuidChanged { old, .. } => format!(
                "the show's identity must survive a move: pin it with `podcast_guid = {old:?}` in podcast.toml;\n{ACCEPT}"
            ),
            FeedChange::LengthChanged { .. } => {
                "fine if you replaced the audio on purpose; apps that downloaded it keep the old file".into()
            }
        }
    }
}

/// What the comparison needs of a feed: the show's `podcast:guid` and,
/// per item, its GUID, title, link and enclosure. Read by a light scan
/// that skips everything else (notes, `content:encoded`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedSummary {
    pub podcast_guid: Option<String>,
    pub items: Vec<ItemSummary>,
}

/// One `<item>` of a [`FeedSummary`]; text is trimmed, empty text is `None`
/// (as the `rss` crate reads it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemSummary {
    pub guid: Option<String>,
    pub title: Option<String>,
    pub link: Option<String>,
    pub enclosure: Option<Enclosure>,
    /// `pubDate`, as written.
    pub pub_date: Option<String>,
    /// `itunes:duration`, as written.
    pub duration: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enclosure {
    pub url: String,
    pub length: String,
    /// The `type` attribute.
    pub mime: String,
}

/// Scans a feed; `None` if it is not well-formed XML with a `<channel>`.
pub fn parse<R: BufRead>(input: R) -> Option<FeedSummary> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut feed = FeedSummary::default();
    let mut item: Option<ItemSummary> = None;
    let mut closed_channel = false;
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.name().as_ref().to_vec();
                let parent = path.last().map(Vec::as_slice);
                match (parent, name.as_slice()) {
                    (Some(b"channel"), b"item") => item = Some(ItemSummary::default()),
                    (Some(b"item"), b"enclosure") => {
                        if let Some(item) = item.as_mut() {
                            let attr = |key: &[u8]| -> Option<String> {
                                let a = e.try_get_attribute(key).ok()??;
                                let v = a
                                    .decoded_and_normalized_value(
                                        XmlVersion::Implicit1_0,
                                        reader.decoder(),
                                    )
                                    .ok()?;
                                Some(v.into_owned())
                            };
                            item.enclosure = Some(Enclosure {
                                url: attr(b"url").unwrap_or_default(),
                                length: attr(b"length").unwrap_or_default(),
                                mime: attr(b"type").unwrap_or_default(),
                            });
                        }
                    }
                    _ => {}
                }
                if empty {
                    if parent == Some(b"item") && item.is_some() {
                        // `<guid/>`, `<title/>`: empty text.
                        set_text(item.as_mut(), &name, None);
                    }
                    buf.clear();
                    continue;
                }
                let text_of_item = parent == Some(b"item")
                    && matches!(
                        name.as_slice(),
                        b"guid" | b"title" | b"link" | b"pubDate" | b"itunes:duration"
                    );
                let show_guid = parent == Some(b"channel") && name == b"podcast:guid";
                if text_of_item || show_guid {
                    buf.clear();
                    let text = element_text(&mut reader, &mut buf)?;
                    if show_guid {
                        feed.podcast_guid = text;
                    } else {
                        set_text(item.as_mut(), &name, text);
                    }
                } else {
                    path.push(name);
                }
            }
            Event::End(_) => match path.pop().as_deref() {
                Some(b"item") => feed.items.extend(item.take()),
                Some(b"channel") => closed_channel = true,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    closed_channel.then_some(feed)
}

fn set_text(item: Option<&mut ItemSummary>, name: &[u8], text: Option<String>) {
    let Some(item) = item else { return };
    match name {
        b"guid" => item.guid = text,
        b"title" => item.title = text,
        b"link" => item.link = text,
        b"pubDate" => item.pub_date = text,
        b"itunes:duration" => item.duration = text,
        _ => {}
    }
}

/// The text of the element just started, up to its end (nested elements
/// skipped), trimmed; `None` when empty.
fn element_text<R: BufRead>(reader: &mut Reader<R>, buf: &mut Vec<u8>) -> Option<Option<String>> {
    let mut text = String::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event_into(buf).ok()? {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) if depth == 0 => text.push_str(&t.decode().ok()?),
            Event::CData(t) if depth == 0 => text.push_str(&t.decode().ok()?),
            Event::GeneralRef(r) if depth == 0 => {
                let entity = r.decode().ok()?;
                if let Some(resolved) = resolve_predefined_entity(&entity) {
                    text.push_str(resolved);
                } else if let Some(c) = r.resolve_char_ref().ok()? {
                    text.push(c);
                } else {
                    text.push('&');
                    text.push_str(&entity);
                    text.push(';');
                }
            }
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
    let text = text.trim();
    Some((!text.is_empty()).then(|| text.to_string()))
}

fn enclosure_url(item: &ItemSummary) -> Option<&str> {
    item.enclosure.as_ref().map(|e| e.url.as_str())
}

pub(crate) fn guid(item: &ItemSummary) -> Option<&str> {
    item.guid.as_deref().or_else(|| enclosure_url(item))
}

fn title(item: &ItemSummary) -> String {
    item.title.clone().unwrap_or_else(|| "(untitled)".into())
}

/// Every change from `old` to `new`. `still_published(guid)` says whether
/// the site still has that episode with audio (then a missing item was
/// pushed out by `feed_limit`, which is fine).
pub fn compare(
    old: &FeedSummary,
    new: &FeedSummary,
    still_published: &dyn Fn(&str) -> bool,
) -> Vec<FeedChange> {
    let new_by_guid: HashMap<&str, &ItemSummary> = new
        .items
        .iter()
        .filter_map(|i| Some((guid(i)?, i)))
        .collect();
    let old_guids: HashSet<&str> = old.items.iter().filter_map(guid).collect();
    // New items that were not in the old feed: candidates for a changed GUID.
    let fresh: Vec<&ItemSummary> = new
        .items
        .iter()
        .filter(|i| guid(i).is_some_and(|g| !old_guids.contains(g)))
        .collect();
    let mut changes = Vec::new();
    if let (Some(old), Some(new)) = (&old.podcast_guid, &new.podcast_guid) {
        if old != new {
            changes.push(FeedChange::PodcastGuidChanged {
                old: old.clone(),
                new: new.clone(),
            });
        }
    }
    // Items without an enclosure were never episodes apps could play; of
    // items repeating a GUID, apps keep the first.
    let mut seen = HashSet::new();
    for old_item in old.items.iter().filter(|i| i.enclosure.is_some()) {
        let Some(old_guid) = guid(old_item) else {
            continue;
        };
        if !seen.insert(old_guid) {
            continue;
        }
        if let Some(new_item) = new_by_guid.get(old_guid) {
            let (old_enc, new_enc) = (old_item.enclosure.as_ref(), new_item.enclosure.as_ref());
            match (old_enc, new_enc) {
                (Some(o), Some(n)) if o.url != n.url => {
                    changes.push(FeedChange::EnclosureChanged {
                        title: title(new_item),
                        guid: old_guid.to_string(),
                        old_url: o.url.clone(),
                        new_url: n.url.clone(),
                    })
                }
                (Some(o), Some(n)) if o.length != n.length => {
                    changes.push(FeedChange::LengthChanged {
                        title: title(new_item),
                        guid: old_guid.to_string(),
                        old_length: o.length.clone(),
                        new_length: n.length.clone(),
                    })
                }
                _ => {}
            }
            continue;
        }
        let same_enclosure = fresh.iter().find(|n| {
            enclosure_url(old_item).is_some() && enclosure_url(n) == enclosure_url(old_item)
        });
        let same_link = || {
            fresh
                .iter()
                .find(|n| old_item.link.is_some() && n.link == old_item.link)
        };
        let matched = same_enclosure
            .map(|n| (n, "enclosure URL"))
            .or_else(|| same_link().map(|n| (n, "link")));
        if let Some((new_item, matched_by)) = matched {
            changes.push(FeedChange::GuidChanged {
                title: title(new_item),
                old_guid: old_guid.to_string(),
                new_guid: guid(new_item).unwrap_or_default().to_string(),
                matched_by,
            });
        } else if !still_published(old_guid) {
            changes.push(FeedChange::Removed {
                title: title(old_item),
                guid: old_guid.to_string(),
            });
        }
    }
    changes
}

/// Compares the published feed `old` (read from `old_path`) with the new
/// feed `new` of `site`, as diagnostics: breaking changes are errors
/// unless `accept`, then warnings. An unreadable old feed is a warning.
pub fn check(
    site: &Site,
    old: impl BufRead,
    new: impl BufRead,
    old_path: &Path,
    accept: bool,
) -> Vec<Diagnostic> {
    let Some(old) = parse(old) else {
        return vec![Diagnostic::warning(
            old_path.to_path_buf(),
            "the published feed is not readable RSS, so GUIDs could not be compared with it",
        )
        .help("check the file; GUID stability is checked against the next build")];
    };
    let Some(new) = parse(new) else {
        return vec![Diagnostic::error(
            None,
            "the new feed is not readable RSS (a bug in podsmith)",
        )];
    };
    let published: HashSet<&str> = site
        .episodes
        .iter()
        .filter(|e| e.audio.is_some())
        .map(|e| e.guid.as_str())
        .collect();
    let sources: HashMap<&str, &Path> = site
        .episodes
        .iter()
        .map(|e| (e.guid.as_str(), e.source.as_path()))
        .collect();
    compare(&old, &new, &|g| published.contains(g))
        .into_iter()
        .map(|change| {
            let file = match &change {
                FeedChange::PodcastGuidChanged { .. } => site.root.join(crate::config::CONFIG_FILE),
                _ => change
                    .new_guid()
                    .and_then(|g| sources.get(g))
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| old_path.to_path_buf()),
            };
            let mut message = change.message();
            if file != old_path {
                message.push_str(&format!(" (compared with {})", display_path(old_path)));
            }
            if change.is_breaking() && accept {
                return Diagnostic::warning(file, format!("accepted: {message}"));
            }
            let d = if change.is_breaking() {
                Diagnostic::error(file, message)
            } else {
                Diagnostic::warning(file, message)
            };
            d.help(change.help())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_light_scan_reads_what_the_comparison_needs() {
        let xml = br#"<?xml version="1.0"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>
<title>Show</title><podcast:guid> abc </podcast:guid>
<item><title>A &amp; B &#233;</title><link>https://x/a/</link>
<description><![CDATA[<p>notes</p>]]></description>
<guid isPermaLink="false">g-1</guid>
<enclosure url="https://x/a.mp3?x=1&amp;y=2" length="12" type="audio/mpeg"/></item>
<item><title><![CDATA[Cdata title]]></title><guid></guid>
<enclosure url="https://x/b.mp3" length="3" type="audio/mpeg"></enclosure></item>
</channel></rss>"#;
        let feed = parse(&xml[..]).unwrap();
        assert_eq!(feed.podcast_guid.as_deref(), Some("abc"));
        assert_eq!(feed.items.len(), 2);
        let a = &feed.items[0];
        assert_eq!(a.title.as_deref(), Some("A & B é"));
        assert_eq!(a.link.as_deref(), Some("https://x/a/"));
        assert_eq!(a.guid.as_deref(), Some("g-1"));
        let enclosure = a.enclosure.as_ref().unwrap();
        assert_eq!(enclosure.url, "https://x/a.mp3?x=1&y=2");
        assert_eq!(enclosure.length, "12");
        let b = &feed.items[1];
        assert_eq!(b.title.as_deref(), Some("Cdata title"));
        assert_eq!(b.guid, None);
        assert_eq!(guid(b), Some("https://x/b.mp3"));
        assert!(parse(&b"<html><body/></html>"[..]).is_none());
        assert!(parse(&b"<rss><channel><item>"[..]).is_none());
    }
}
