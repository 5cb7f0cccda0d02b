//! Each `<item>` of the feed as an [`Item`], with what real feeds get
//! wrong worked around and listed in the [`Report`].

use super::channel::{elements, funding, persons, text, yes_no, Prefixes};
use super::dates::{parse_date, parse_duration};
use super::html;
use super::model::{Enclosure, Item};
use super::report::Report;
use rss::Channel;
use std::collections::{HashMap, HashSet};

/// Every usable item, in feed order; duplicates and unusable ones left
/// out (and reported).
pub fn read(channel: &Channel, prefixes: &Prefixes, report: &mut Report) -> Vec<Item> {
    let fallback_date = channel
        .last_build_date()
        .or(channel.pub_date())
        .and_then(parse_date)
        .map(|(d, _)| d);
    let mut items = Vec::with_capacity(channel.items().len());
    let mut guids: HashMap<String, String> = HashMap::new();
    let mut enclosures: HashSet<String> = HashSet::new();
    let mut undated = 0usize;
    for (i, raw) in channel.items().iter().enumerate() {
        let mut item = read_item(raw, prefixes, i + 1, channel.link(), report);
        if item.date.is_none() {
            match fallback_date {
                // Later items get earlier dates, to keep the feed's order.
                Some(d) => {
                    item.date = Some(d - chrono::Duration::seconds(undated as i64));
                    undated += 1;
                    report.fixed(format!(
                        "{} has no readable pubDate: dated {} (the channel's date, keeping the feed's order)",
                        item.name(),
                        item.date.map(|d| d.to_rfc2822()).unwrap_or_default()
                    ));
                }
                None => {
                    report.unusable(
                        format!("{} has no readable pubDate, and the channel has no date either", item.name()),
                        "add a pubDate to the item in the old feed, or write `date` into its file by hand",
                    );
                    continue;
                }
            }
        }
        // A post without audio and without a GUID gets one derived from
        // its file name, as any podsmith episode without `guid`.
        if let Some(first) = guids.get(&item.guid).filter(|_| !item.guid.is_empty()) {
            report.fixed(format!(
                "{} repeats the GUID {:?} of {first:?}: the first is kept",
                item.name(),
                item.guid
            ));
            continue;
        }
        if let Some(e) = &item.enclosure {
            if !enclosures.insert(e.url.clone()) {
                report.fixed(format!(
                    "{} repeats the enclosure {} of an earlier item: imported as a post without audio",
                    item.name(),
                    e.url
                ));
                item.enclosure = None;
            }
        }
        guids.insert(item.guid.clone(), item.title.clone());
        items.push(item);
    }
    items
}

fn read_item(
    raw: &rss::Item,
    prefixes: &Prefixes,
    position: usize,
    channel_link: &str,
    report: &mut Report,
) -> Item {
    let it = raw.itunes_ext();
    let ext = raw.extensions();
    let mut item = Item {
        position,
        ..Item::default()
    };
    let raw_title = raw.title().unwrap_or("").trim();
    item.title = raw_title.to_string();
    if html::is_html(raw_title) {
        report.fixed(format!(
            "item {position} has HTML in its title ({raw_title:?}): kept as text, as apps show it"
        ));
    }
    let notes_html = raw
        .content()
        .filter(|c| !c.trim().is_empty())
        .or(raw.description().filter(|d| !d.trim().is_empty()))
        .or(it
            .and_then(|i| i.summary())
            .filter(|s| !s.trim().is_empty()))
        .unwrap_or("");
    if item.title.is_empty() {
        let words = html::plain_text(notes_html);
        let mut short: String = words.chars().take(80).collect();
        if short.len() < words.len() {
            short.push('…');
        }
        item.title = if short.is_empty() {
            format!("Episode {position}")
        } else {
            short
        };
        report.fixed(format!(
            "item {position} has no title: titled {:?} from its text",
            item.title
        ));
    }
    item.notes = html::to_markdown(notes_html);
    // The summary is the feed's `description`: a host's subtitle unless it
    // is cut short (`…`), else podsmith's default, the notes' first
    // paragraph (`itunes:summary` is mostly the whole notes again).
    item.summary = it
        .and_then(|i| i.subtitle())
        .map(html::plain_text)
        .filter(|s| !s.is_empty() && !s.ends_with('…') && !s.ends_with("..."));
    item.link = raw
        .link()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    match raw.pub_date().map(|d| (d, parse_date(d))) {
        Some((_, Some((date, None)))) => item.date = Some(date),
        Some((text, Some((date, Some(why))))) => {
            item.date = Some(date);
            report.fixed(format!("{}: the date {text:?} has {why}", item.name()));
        }
        Some((text, None)) => {
            report.fixed(format!("{}: the date {text:?} is not a date", item.name()))
        }
        None => {}
    }
    item.enclosure = raw.enclosure().and_then(|e| {
        let url = e.url().trim();
        if url.is_empty() {
            return None;
        }
        let url = absolute(url, channel_link)?;
        let length = e.length().trim().parse::<u64>().ok().unwrap_or_else(|| {
            report.fixed(format!(
                "{}: the enclosure length {:?} is not a number of bytes: recorded as 0",
                item.name(),
                e.length()
            ));
            0
        });
        let mime = match e.mime_type().trim() {
            "" => guess_mime(&url).to_string(),
            m => m.to_string(),
        };
        let duration = it.and_then(|i| i.duration()).and_then(|d| {
            let seconds = parse_duration(d);
            if seconds.is_none() {
                report.fixed(format!(
                    "{}: the duration {d:?} is not a time: none recorded",
                    item.name()
                ));
            }
            seconds
        });
        Some(Enclosure {
            url,
            length,
            mime,
            duration,
        })
    });
    if raw.enclosure().is_some() && item.enclosure.is_none() {
        report.unusable(
            format!("{}: its enclosure has no usable address", item.name()),
            "it is imported as a post without audio; add the audio by hand",
        );
    } else if item.enclosure.is_none() {
        report.fixed(format!(
            "{} has no enclosure: imported as a post on the site only (not in the feed)",
            item.name()
        ));
    }
    item.guid = match raw.guid().filter(|g| !g.value().trim().is_empty()) {
        Some(g) => {
            item.guid_permalink = g.is_permalink();
            g.value().to_string()
        }
        None => match &item.enclosure {
            Some(e) => {
                report.fixed(format!(
                    "{} has no GUID: its enclosure URL is its identity (as apps use it)",
                    item.name()
                ));
                e.url.clone()
            }
            None => String::new(),
        },
    };
    let number = |name: &str| -> Option<u32> {
        it.and_then(|i| match name {
            "episode" => i.episode(),
            _ => i.season(),
        })
        .map(str::to_string)
        .or_else(|| text(ext, &prefixes.podcast, name))
        .and_then(|n| n.trim().parse::<f64>().ok())
        .filter(|n| *n >= 1.0 && n.fract() == 0.0 && *n < u32::MAX as f64)
        .map(|n| n as u32)
    };
    item.episode = number("episode");
    item.season = number("season");
    item.episode_type = match it
        .and_then(|i| i.episode_type())
        .map(|t| t.trim().to_ascii_lowercase())
    {
        Some(t) if t == "trailer" => Some("trailer"),
        Some(t) if t == "bonus" => Some("bonus"),
        _ => None,
    };
    item.explicit = it.and_then(|i| i.explicit()).and_then(yes_no);
    item.image_url = it.and_then(|i| i.image()).map(|u| u.trim().to_string());
    for c in elements(ext, &prefixes.podcast, "chapters") {
        item.chapters_url = c.attrs().get("url").map(|u| u.trim().to_string());
    }
    for list in elements(ext, &prefixes.psc, "chapters") {
        for c in list.children().get("chapter").into_iter().flatten() {
            let a = c.attrs();
            let Some(start) = a.get("start").and_then(|s| parse_duration(s)) else {
                continue;
            };
            let title = a
                .get("title")
                .map(|t| html::plain_text(t))
                .unwrap_or_default();
            let url = a
                .get("href")
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty() && crate::config::check_link(u).is_ok());
            item.chapters.push((start, title, url));
        }
    }
    item.transcripts = super::transcripts::read(ext, prefixes, &item.name(), report);
    item.credits = persons(ext, prefixes);
    item.funding = funding(ext, prefixes, report);
    let seconds = item.enclosure.as_ref().and_then(|e| e.duration);
    item.value = super::value::read(ext, prefixes, &item.name(), seconds, report);
    item
}

/// An enclosure address as an absolute `http(s)://` one: relative ones
/// resolved against the channel's link; `None` if that cannot be done.
fn absolute(url: &str, base: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(url.to_string());
    }
    let base = base.trim();
    let lower_base = base.to_ascii_lowercase();
    if !(lower_base.starts_with("http://") || lower_base.starts_with("https://")) {
        return None;
    }
    let scheme_end = base.find("://")? + 3;
    if let Some(rest) = url.strip_prefix("//") {
        return Some(format!("{}{rest}", &base[..scheme_end]));
    }
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if url.starts_with('/') {
        return Some(format!("{}{url}", &base[..host_end]));
    }
    let dir_end = base
        .rfind('/')
        .filter(|&i| i >= host_end)
        .map_or(base.len(), |i| i);
    Some(format!("{}/{url}", &base[..dir_end]))
}

/// The type of an enclosure that does not say, from its file name.
fn guess_mime(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    match path.rsplit('.').next() {
        Some("m4a") | Some("mp4") | Some("aac") => "audio/mp4",
        Some("ogg") | Some("oga") => "audio/ogg",
        Some("opus") => "audio/opus",
        _ => "audio/mpeg",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_enclosures_resolve_against_the_site() {
        assert_eq!(
            absolute("https://a/b.mp3", "x").as_deref(),
            Some("https://a/b.mp3")
        );
        assert_eq!(
            absolute("/m/b.mp3", "https://s.org/show/").as_deref(),
            Some("https://s.org/m/b.mp3")
        );
        assert_eq!(
            absolute("b.mp3", "https://s.org/show/").as_deref(),
            Some("https://s.org/show/b.mp3")
        );
        assert_eq!(
            absolute("b.mp3", "https://s.org").as_deref(),
            Some("https://s.org/b.mp3")
        );
        assert_eq!(
            absolute("//cdn.org/b.mp3", "http://s.org/").as_deref(),
            Some("http://cdn.org/b.mp3")
        );
        assert_eq!(absolute("b.mp3", ""), None);
    }
}
