//! What apps see of each episode, compared between a published feed and a
//! new one beyond GUIDs and enclosure URLs ([`super::stability`]): the
//! enclosure's type, the publication instant, the title, the duration, and
//! episodes that only the new feed has. `check --against` reports these as
//! warnings (an edited title is allowed; apps simply show the new one).

use super::stability::{guid, FeedSummary, ItemSummary};
use crate::import::dates::{parse_date, parse_duration};
use std::collections::{HashMap, HashSet};

/// One difference, in words naming the episode.
pub fn differences(old: &FeedSummary, new: &FeedSummary) -> Vec<String> {
    let new_by_guid: HashMap<&str, &ItemSummary> = new
        .items
        .iter()
        .filter_map(|i| Some((guid(i)?, i)))
        .collect();
    let mut out = Vec::new();
    let mut old_guids = HashSet::new();
    for o in old.items.iter().filter(|i| i.enclosure.is_some()) {
        let Some(g) = guid(o) else { continue };
        // Of items repeating a GUID, apps keep the first.
        if !old_guids.insert(g) {
            continue;
        }
        let Some(n) = new_by_guid.get(g) else {
            continue;
        };
        let name = o.title.as_deref().unwrap_or("(untitled)");
        let (oe, ne) = (o.enclosure.as_ref(), n.enclosure.as_ref());
        if let (Some(oe), Some(ne)) = (oe, ne) {
            if !oe.mime.trim().is_empty() && oe.mime.trim() != ne.mime.trim() {
                out.push(format!(
                    "episode {name:?} (GUID {g:?}): the enclosure type changed from {:?} to {:?}",
                    oe.mime, ne.mime
                ));
            }
        }
        let instant = |d: &Option<String>| d.as_deref().and_then(parse_date).map(|(d, _)| d);
        if let (Some(od), nd) = (instant(&o.pub_date), instant(&n.pub_date)) {
            if Some(od) != nd {
                out.push(format!(
                    "episode {name:?} (GUID {g:?}): the publication date changed from {:?} to {:?}",
                    o.pub_date.as_deref().unwrap_or(""),
                    n.pub_date.as_deref().unwrap_or("")
                ));
            }
        }
        if let Some(ot) = &o.title {
            if Some(ot) != n.title.as_ref() {
                out.push(format!(
                    "episode {name:?} (GUID {g:?}): the title changed to {:?}",
                    n.title.as_deref().unwrap_or("")
                ));
            }
        }
        let seconds = |d: &Option<String>| {
            d.as_deref()
                .and_then(parse_duration)
                .map(|s| s.round() as u64)
                .filter(|s| *s > 0)
        };
        if let Some(od) = seconds(&o.duration) {
            if Some(od) != seconds(&n.duration) {
                out.push(format!(
                    "episode {name:?} (GUID {g:?}): the duration changed from {:?} to {:?}",
                    o.duration.as_deref().unwrap_or(""),
                    n.duration.as_deref().unwrap_or("")
                ));
            }
        }
    }
    for n in &new.items {
        if let Some(g) = guid(n).filter(|g| !old_guids.contains(g)) {
            out.push(format!(
                "episode {:?} (GUID {g:?}) is not in the published feed: apps will see it as new",
                n.title.as_deref().unwrap_or("(untitled)")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::stability::parse;
    use super::*;

    fn feed(items: &str) -> FeedSummary {
        let xml = format!("<rss><channel>{items}</channel></rss>");
        parse(xml.as_bytes()).unwrap()
    }

    #[test]
    fn same_instant_in_another_zone_is_the_same() {
        let old = feed("<item><title>A</title><guid>1</guid><pubDate>Tue, 02 Jun 2020 10:00:00 -0400</pubDate><itunes:duration>1:00:00</itunes:duration><enclosure url='u' length='1' type='audio/mpeg'/></item>");
        let new = feed("<item><title>A</title><guid>1</guid><pubDate>Tue, 02 Jun 2020 14:00:00 +0000</pubDate><itunes:duration>3600</itunes:duration><enclosure url='u' length='1' type='audio/mpeg'/></item>");
        assert_eq!(differences(&old, &new), Vec::<String>::new());
    }

    #[test]
    fn every_difference_is_named() {
        let old = feed("<item><title>A</title><guid>1</guid><pubDate>Tue, 02 Jun 2020 10:00:00 -0400</pubDate><itunes:duration>1:00:00</itunes:duration><enclosure url='u' length='1' type='audio/mpeg'/></item>");
        let new = feed("<item><title>B</title><guid>1</guid><pubDate>Tue, 02 Jun 2020 10:00:01 -0400</pubDate><itunes:duration>3599</itunes:duration><enclosure url='u' length='1' type='audio/mp4'/></item><item><guid>2</guid><enclosure url='v' length='1' type='audio/mpeg'/></item>");
        let d = differences(&old, &new);
        assert_eq!(d.len(), 5, "{d:#?}");
        for word in [
            "type",
            "date",
            "title",
            "duration",
            "not in the published feed",
        ] {
            assert!(d.iter().any(|m| m.contains(word)), "{word}: {d:#?}");
        }
    }
}
