//! Podcasting 2.0 tags beyond the core ones in `feed::mod`: value for
//! value (`podcast:value` with its recipients and time splits).

use super::clean;
use crate::value::{Recipient, RemoteItem, TimeSplit, Value};
use rss::extension::Extension;
use std::collections::BTreeMap;

/// A `podcast:<name>` element with attributes (those with `None` left
/// out), an optional text and children.
pub(crate) fn element(
    name: &str,
    text: Option<&str>,
    attrs: &[(&str, Option<String>)],
    children: Vec<Extension>,
) -> Extension {
    let mut kids: BTreeMap<String, Vec<Extension>> = BTreeMap::new();
    for child in children {
        let local = child
            .name
            .split_once(':')
            .map_or(child.name.clone(), |(_, l)| l.to_string());
        kids.entry(local).or_default().push(child);
    }
    Extension {
        name: format!("podcast:{name}"),
        value: text
            .map(|t| clean(t).trim().to_string())
            .filter(|t| !t.is_empty()),
        attrs: attrs
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), clean(v.trim()))))
            .collect(),
        children: kids,
    }
}

/// Seconds as the namespace writes them: `60`, `62.5`.
pub fn seconds(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `podcast:value` with its recipients and time splits.
pub fn value(v: &Value) -> Extension {
    let mut children: Vec<Extension> = v.recipients.iter().map(recipient).collect();
    children.extend(v.time_splits.iter().map(time_split));
    element(
        "value",
        None,
        &[
            ("type", Some(v.kind.clone())),
            ("method", Some(v.method.clone())),
            ("suggested", v.suggested.clone()),
        ],
        children,
    )
}

fn recipient(r: &Recipient) -> Extension {
    element(
        "valueRecipient",
        None,
        &[
            ("name", r.name.clone()),
            ("type", Some(r.kind.clone())),
            ("address", Some(r.address.clone())),
            ("split", Some(r.split.to_string())),
            ("fee", r.fee.then(|| "true".to_string())),
            ("customKey", r.custom_key.clone()),
            ("customValue", r.custom_value.clone()),
        ],
        Vec::new(),
    )
}

fn time_split(t: &TimeSplit) -> Extension {
    let children = match &t.remote_item {
        Some(item) => vec![remote_item(item)],
        None => t.recipients.iter().map(recipient).collect(),
    };
    element(
        "valueTimeSplit",
        None,
        &[
            ("startTime", Some(seconds(t.start))),
            ("duration", Some(seconds(t.duration))),
            ("remoteStartTime", t.remote_start.map(seconds)),
            (
                "remotePercentage",
                t.remote_percentage.map(|p| p.to_string()),
            ),
        ],
        children,
    )
}

/// `podcast:remoteItem`: another feed, or one of its items.
pub fn remote_item(item: &RemoteItem) -> Extension {
    element(
        "remoteItem",
        None,
        &[
            ("feedGuid", Some(item.feed_guid.clone())),
            ("itemGuid", item.item_guid.clone()),
            ("feedUrl", item.feed_url.clone()),
            ("medium", item.medium.clone()),
        ],
        Vec::new(),
    )
}

/// `podcast:license`.
pub fn license(l: &crate::feed_settings::License) -> Extension {
    use crate::feed_settings::License;
    match l {
        License::Id(id) => element("license", Some(id), &[], Vec::new()),
        License::Custom { name, url } => element(
            "license",
            Some(name),
            &[("url", Some(url.clone()))],
            Vec::new(),
        ),
    }
}

/// `podcast:location`.
pub fn location(l: &crate::feed_settings::Location) -> Extension {
    element(
        "location",
        Some(&l.name),
        &[("geo", l.geo.clone()), ("osm", l.osm.clone())],
        Vec::new(),
    )
}

/// The channel's tags from `[feed]`, `[[podroll]]` and the trailers
/// (`episodes`: the feed's episodes).
pub fn channel_tags(
    site: &crate::site::Site,
    episodes: &[&crate::site::Episode],
) -> Vec<Extension> {
    use crate::feed_settings::Block;
    let f = &site.config.feed;
    let mut out = Vec::new();
    if let Some(m) = &f.medium {
        out.push(element("medium", Some(m), &[], Vec::new()));
    }
    if let Some(l) = &f.license {
        out.push(license(l));
    }
    if let Some(l) = &f.location {
        out.push(location(l));
    }
    if let Some(u) = &f.update_frequency {
        out.push(element(
            "updateFrequency",
            Some(&u.text),
            &[
                ("rrule", u.rrule.clone()),
                ("complete", f.complete.then(|| "true".to_string())),
            ],
            Vec::new(),
        ));
    }
    for t in &f.txt {
        out.push(element(
            "txt",
            Some(&t.text),
            &[("purpose", t.purpose.clone())],
            Vec::new(),
        ));
    }
    match &f.block {
        Block::All(true) => out.push(element("block", Some("yes"), &[], Vec::new())),
        Block::All(false) => {}
        Block::Platforms(list) => {
            for id in list {
                out.push(element(
                    "block",
                    Some("yes"),
                    &[("id", Some(id.clone()))],
                    Vec::new(),
                ));
            }
        }
    }
    if !site.config.podroll.is_empty() {
        let items = site.config.podroll.iter().map(remote_item).collect();
        out.push(element("podroll", None, &[], items));
    }
    for e in episodes
        .iter()
        .filter(|e| e.episode_type == crate::content::EpisodeType::Trailer)
    {
        let Some(audio) = &e.audio else { continue };
        out.push(element(
            "trailer",
            Some(&e.title),
            &[
                ("pubdate", Some(e.date.to_rfc2822())),
                ("url", Some(audio.url.clone())),
                ("length", Some(audio.info.size.to_string())),
                ("type", Some(audio.info.mime.clone())),
                ("season", e.season.map(|s| s.to_string())),
            ],
            Vec::new(),
        ));
    }
    out
}

/// An item's tags from the episode's soundbites, license, location and
/// `comments_url`.
pub fn item_tags(e: &crate::site::Episode) -> Vec<Extension> {
    let x = &e.extras;
    let mut out: Vec<Extension> = x
        .soundbites
        .iter()
        .map(|s| {
            element(
                "soundbite",
                s.title.as_deref(),
                &[
                    ("startTime", Some(seconds(s.start))),
                    ("duration", Some(seconds(s.duration))),
                ],
                Vec::new(),
            )
        })
        .collect();
    if let Some(l) = &x.license {
        out.push(license(l));
    }
    if let Some(l) = &x.location {
        out.push(location(l));
    }
    if let Some((uri, protocol)) = &x.comments {
        out.push(element(
            "socialInteract",
            None,
            &[
                ("uri", Some(uri.clone())),
                ("protocol", Some(protocol.to_string())),
                ("priority", Some("1".into())),
            ],
            Vec::new(),
        ));
    }
    out
}

/// An enclosure's MIME type for `podcast:alternateEnclosure`: Opus in
/// Ogg is `audio/opus` (apps choose by codec), others as measured.
pub fn alternate_type(a: &crate::site::EpisodeAudio) -> String {
    if a.rel.to_ascii_lowercase().ends_with(".opus") {
        "audio/opus".into()
    } else {
        a.info.mime.clone()
    }
}

/// Bits per second, from the size and duration.
fn bitrate(a: &crate::site::EpisodeAudio) -> Option<String> {
    let d = a.info.duration;
    (d.is_finite() && d > 0.0).then(|| ((a.info.size as f64 * 8.0 / d).round() as u64).to_string())
}

/// `podcast:alternateEnclosure`s: the main audio (`default="true"`), then
/// each of `alternate_audio`, each with its `podcast:source` and, with
/// `[feed] integrity`, its `podcast:integrity`. None without alternates.
pub fn alternate_enclosures(e: &crate::site::Episode) -> Vec<Extension> {
    let x = &e.extras;
    let Some(main) = e.audio.as_ref().filter(|_| !x.alternates.is_empty()) else {
        return Vec::new();
    };
    std::iter::once(main)
        .chain(&x.alternates)
        .enumerate()
        .map(|(i, a)| {
            let mut children = vec![element(
                "source",
                None,
                &[("uri", Some(a.url.clone()))],
                Vec::new(),
            )];
            if let Some(hash) = x.integrity.get(i) {
                children.push(element(
                    "integrity",
                    None,
                    &[("type", Some("sri".into())), ("value", Some(hash.clone()))],
                    Vec::new(),
                ));
            }
            let ext = a.rel.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
            element(
                "alternateEnclosure",
                None,
                &[
                    ("type", Some(alternate_type(a))),
                    ("length", Some(a.info.size.to_string())),
                    ("bitrate", bitrate(a)),
                    ("title", Some(ext)),
                    ("default", (i == 0).then(|| "true".to_string())),
                ],
                children,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_short() {
        assert_eq!(seconds(60.0), "60");
        assert_eq!(seconds(62.5), "62.5");
        assert_eq!(seconds(0.125), "0.125");
    }
}
