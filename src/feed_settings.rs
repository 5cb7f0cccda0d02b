//! The feed's Podcasting 2.0 and Apple settings beyond the basics: the
//! `[feed]` table and `[[podroll]]` of podcast.toml, and the episode keys
//! `[[soundbites]]`, `license`, `location` and `comments_url`, with their
//! checks. The feed writes them in `feed::p20`.

use crate::value::{Problem, RemoteItem};
use serde::{Deserialize, Serialize};

/// `[feed]` in podcast.toml.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedSettings {
    /// `podcast:medium`: what the feed is (`podcast`, `music`, `audiobook`…).
    #[serde(default)]
    pub medium: Option<String>,
    /// `podcast:license` of the show.
    #[serde(default)]
    pub license: Option<License>,
    /// `podcast:location` of the show: what it is about.
    #[serde(default)]
    pub location: Option<Location>,
    /// `podcast:updateFrequency`: how often episodes come.
    #[serde(default)]
    pub update_frequency: Option<UpdateFrequency>,
    /// `podcast:txt` entries (for example a platform's verification code).
    #[serde(default)]
    pub txt: Vec<Txt>,
    /// `podcast:block`: `true` asks every platform to leave the show out;
    /// a list (`["google"]`) asks those platforms only.
    #[serde(default)]
    pub block: Block,
    /// `itunes:block`: hide the show from Apple Podcasts.
    #[serde(default)]
    pub itunes_block: bool,
    /// `itunes:complete`: no more episodes will come.
    #[serde(default)]
    pub complete: bool,
    /// `podcast:integrity` (an SRI `sha384-…` hash) on every alternate
    /// enclosure; each build then reads those audio files whole.
    #[serde(default)]
    pub integrity: bool,
    /// A WebSub hub: the feed names it (`<atom:link rel="hub">`) and
    /// `deploy` pings it.
    #[serde(default)]
    pub websub_hub: Option<String>,
    /// `<podcast:podping usesPodping="true"/>`, and `deploy` notifies Podping.
    #[serde(default)]
    pub podping: bool,
}

/// `[feed] block`: everyone, or some platforms by their slug.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Block {
    All(bool),
    Platforms(Vec<String>),
}

impl Default for Block {
    fn default() -> Self {
        Block::All(false)
    }
}

/// `[[feeds]]`: another feed of the show, `feed-<name>.xml`, whose
/// enclosures are the `prefer` format (an `alternate_audio` extension such
/// as `opus`) where an episode has it, and its main audio elsewhere.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedVariant {
    pub name: String,
    pub prefer: String,
}

/// Problems of `[[feeds]]`.
pub fn variant_problems(feeds: &[FeedVariant]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, f) in feeds.iter().enumerate() {
        let idx = i.to_string();
        let name = f.name.trim();
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && name != "all"
            && !name.starts_with("page-");
        if !ok {
            out.push(problem(
                &["feeds", &idx, "name"],
                format!("`[[feeds]] name` = {name:?} cannot name a feed file (feed-NAME.xml)"),
                "use lower-case letters, digits and -, not \"all\" nor \"page-…\" (podsmith's own), e.g. name = \"opus\"",
            ));
        } else if !seen.insert(name.to_string()) {
            out.push(problem(
                &["feeds", &idx, "name"],
                format!("two [[feeds]] are named {name:?}"),
                "give each feed its own name",
            ));
        }
        let ext = f.prefer.trim().to_ascii_lowercase();
        if crate::audio::AUDIO_EXTENSIONS.iter().all(|k| k.ext != ext) {
            out.push(problem(
                &["feeds", &idx, "prefer"],
                format!(
                    "`[[feeds]] prefer` = {:?} is not an audio file extension",
                    f.prefer
                ),
                "name the format by its extension, e.g. prefer = \"opus\" or \"m4a\"",
            ));
        }
    }
    out
}

/// A license: an identifier from the namespace's list (SPDX, e.g.
/// `"cc-by-4.0"`), or a name with the URL of its text.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Hash)]
#[serde(untagged)]
pub enum License {
    Id(String),
    Custom { name: String, url: String },
}

/// A place (`podcast:location`): its name, and optionally a `geo:` URI and
/// an OpenStreetMap id (`R113314`: type letter N, W or R, then the number).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub name: String,
    #[serde(default)]
    pub geo: Option<String>,
    #[serde(default)]
    pub osm: Option<String>,
}

/// `[feed.update_frequency]`: a label, and optionally an iCalendar rule.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UpdateFrequency {
    /// What listeners read, e.g. "Every other Tuesday".
    pub text: String,
    /// An RFC 5545 RRULE, e.g. `"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"`.
    #[serde(default)]
    pub rrule: Option<String>,
}

/// `[[feed.txt]]`: free text for machines, with an optional purpose.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Txt {
    pub text: String,
    #[serde(default)]
    pub purpose: Option<String>,
}

/// `[[soundbites]]` in an episode: a highlight apps can play or share.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Soundbite {
    /// Seconds from the start.
    pub start: f64,
    /// Seconds.
    pub duration: f64,
    #[serde(default)]
    pub title: Option<String>,
}

impl std::hash::Hash for Soundbite {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.start.to_bits(), self.duration.to_bits(), &self.title).hash(state);
    }
}

/// The media the namespace lists (and their list variants, `podcastL`…).
pub const MEDIA: &[&str] = &[
    "podcast",
    "music",
    "video",
    "film",
    "audiobook",
    "newsletter",
    "blog",
    "publisher",
    "course",
    "mixed",
];

/// The Podcasting 2.0 limit on short texts.
const MAX_TEXT: usize = 128;

fn problem(keys: &[&str], message: String, help: &'static str) -> Problem {
    Problem {
        keys: keys.iter().map(|k| k.to_string()).collect(),
        message,
        help,
    }
}

fn is_http(url: &str) -> bool {
    let u = url.trim();
    (u.starts_with("https://") || u.starts_with("http://")) && u.len() > 10 && !u.contains(' ')
}

/// Problems of a license at `keys`.
pub fn license_problems(l: &License, keys: &[&str]) -> Vec<Problem> {
    let mut out = Vec::new();
    let id = match l {
        License::Id(id) => id,
        License::Custom { name, url } => {
            if !is_http(url) {
                let mut k = keys.to_vec();
                k.push("url");
                out.push(problem(
                    &k,
                    format!("license `url` = {url:?} is not an http(s) address"),
                    "link the license's full text, e.g. url = \"https://example.org/license\"",
                ));
            }
            name
        }
    };
    let ok = !id.trim().is_empty()
        && id.chars().count() <= MAX_TEXT
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.+_".contains(c));
    if !ok {
        out.push(problem(
            keys,
            format!("license {id:?} is not a license identifier"),
            "write an SPDX identifier such as \"cc-by-4.0\", or { name = \"my-license\", url = \"https://…\" }",
        ));
    }
    out
}

/// Problems of a location at `keys`.
pub fn location_problems(l: &Location, keys: &[&str]) -> Vec<Problem> {
    let mut out = Vec::new();
    let key = |k: &'static str| {
        let mut v = keys.to_vec();
        v.push(k);
        v
    };
    let n = l.name.trim().chars().count();
    if n == 0 || n > MAX_TEXT {
        out.push(problem(
            &key("name"),
            format!("location `name` must be 1–{MAX_TEXT} characters"),
            "name the place, e.g. name = \"Austin, TX\"",
        ));
    }
    if let Some(geo) = &l.geo {
        let ok = geo
            .trim()
            .strip_prefix("geo:")
            .map(|rest| rest.split(';').next().unwrap_or(""))
            .and_then(|coords| {
                let mut parts = coords.split(',').map(|p| p.trim().parse::<f64>());
                let lat = parts.next()?.ok()?;
                let lon = parts.next()?.ok()?;
                Some((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
            })
            .unwrap_or(false);
        if !ok {
            out.push(problem(
                &key("geo"),
                format!("location `geo` = {geo:?} is not a geo: URI (RFC 5870)"),
                "write latitude and longitude, e.g. geo = \"geo:30.2672,-97.7431\"",
            ));
        }
    }
    if let Some(osm) = &l.osm {
        let o = osm.trim();
        let ok = o.len() > 1
            && matches!(o.as_bytes()[0], b'N' | b'W' | b'R')
            && o[1..]
                .split('#')
                .next()
                .unwrap_or("")
                .bytes()
                .all(|b| b.is_ascii_digit())
            && o.as_bytes()[1].is_ascii_digit();
        if !ok {
            out.push(problem(
                &key("osm"),
                format!("location `osm` = {osm:?} is not an OpenStreetMap id"),
                "write the type letter (N, W or R) and the number, e.g. osm = \"R113314\"",
            ));
        }
    }
    out
}

/// Problems of the `[feed]` table (keys below `feed`) and `[[podroll]]`.
pub fn show_problems(f: &FeedSettings, podroll: &[RemoteItem]) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(m) = &f.medium {
        let base = m.trim().strip_suffix('L').unwrap_or(m.trim());
        if !MEDIA.contains(&base) || (m.ends_with('L') && base == "mixed") {
            out.push(problem(
                &["feed", "medium"],
                format!("`[feed] medium` = {m:?} is not a Podcasting 2.0 medium"),
                "use podcast, music, video, film, audiobook, newsletter, blog, publisher or course (a list feed adds L, e.g. podcastL), or mixed",
            ));
        }
    }
    if let Some(l) = &f.license {
        out.extend(license_problems(l, &["feed", "license"]));
    }
    if let Some(l) = &f.location {
        out.extend(location_problems(l, &["feed", "location"]));
    }
    if let Some(u) = &f.update_frequency {
        if u.text.trim().is_empty() || u.text.chars().count() > MAX_TEXT {
            out.push(problem(
                &["feed", "update_frequency", "text"],
                format!("`update_frequency` `text` must be 1–{MAX_TEXT} characters"),
                "say how often episodes come, e.g. text = \"Weekly\"",
            ));
        }
        if let Some(r) = &u.rrule {
            if !r.trim().starts_with("FREQ=") || r.contains(' ') {
                out.push(problem(
                    &["feed", "update_frequency", "rrule"],
                    format!("`rrule` = {r:?} is not an iCalendar rule"),
                    "start with FREQ=, e.g. rrule = \"FREQ=WEEKLY\" or \"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU\"",
                ));
            }
        }
    }
    for (i, t) in f.txt.iter().enumerate() {
        let idx = i.to_string();
        if t.text.trim().is_empty() || t.text.chars().count() > 4000 {
            out.push(problem(
                &["feed", "txt", &idx, "text"],
                "`[[feed.txt]] text` must be 1–4000 characters".into(),
                "write the text the platform asked for",
            ));
        }
        if t.purpose
            .as_ref()
            .is_some_and(|p| p.chars().count() > MAX_TEXT)
        {
            out.push(problem(
                &["feed", "txt", &idx, "purpose"],
                format!("`[[feed.txt]] purpose` is longer than {MAX_TEXT} characters"),
                "use a short word such as \"verify\"",
            ));
        }
    }
    if let Block::Platforms(list) = &f.block {
        for (i, slug) in list.iter().enumerate() {
            let ok = !slug.is_empty()
                && slug.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                });
            if !ok {
                out.push(problem(
                    &["feed", "block", &i.to_string()],
                    format!("`[feed] block` entry {slug:?} is not a platform slug"),
                    "use the namespace's service slugs in lower case, e.g. block = [\"google\", \"amazon\"]; or block = true for all",
                ));
            }
        }
    }
    for (i, p) in podroll.iter().enumerate() {
        let idx = i.to_string();
        if uuid::Uuid::parse_str(p.feed_guid.trim()).is_err() {
            out.push(problem(
                &["podroll", &idx, "feed_guid"],
                format!(
                    "`[[podroll]] feed_guid` = {:?} is not a podcast:guid (a UUID)",
                    p.feed_guid
                ),
                "copy the recommended show's podcast:guid from its feed",
            ));
        }
        if let Some(url) = &p.feed_url {
            if !is_http(url) {
                out.push(problem(
                    &["podroll", &idx, "feed_url"],
                    format!("`[[podroll]] feed_url` = {url:?} is not an http(s) address"),
                    "write the show's feed address",
                ));
            }
        }
    }
    out
}

/// Whether `url` is a post on an ActivityPub server (Mastodon's
/// `https://host/@user/123`, or `/users/NAME/statuses/123`, `/notes/ID`,
/// `/objects/ID`).
pub fn is_activitypub_url(url: &str) -> bool {
    let Some(rest) = url.trim().strip_prefix("https://") else {
        return false;
    };
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match parts.as_slice() {
        ["notes" | "objects", id] => !id.is_empty(),
        [user, id] => user.starts_with('@') && user.len() > 1 && !id.is_empty(),
        ["users", _, "statuses", id] => !id.is_empty(),
        _ => false,
    }
}

/// The `podcast:socialInteract` protocol of a comments URL, if podsmith can
/// tell it.
pub fn social_protocol(url: &str) -> Option<&'static str> {
    let u = url.trim();
    if is_activitypub_url(u) {
        Some("activitypub")
    } else if u.starts_with("https://bsky.app/profile/") && u.contains("/post/") {
        Some("atproto")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activitypub_urls() {
        assert!(is_activitypub_url("https://mastodon.social/@host/112233"));
        assert!(is_activitypub_url(
            "https://example.social/users/host/statuses/1"
        ));
        assert!(!is_activitypub_url("https://example.org/blog/post"));
        assert!(!is_activitypub_url("http://mastodon.social/@host/1"));
        assert_eq!(
            social_protocol("https://bsky.app/profile/a.bsky.social/post/3k"),
            Some("atproto")
        );
    }

    #[test]
    fn locations_and_licenses() {
        let good = Location {
            name: "Austin, TX".into(),
            geo: Some("geo:30.2672,-97.7431".into()),
            osm: Some("R113314".into()),
        };
        assert!(location_problems(&good, &[]).is_empty());
        let bad = Location {
            name: "".into(),
            geo: Some("30.2,97.7".into()),
            osm: Some("113314".into()),
        };
        assert_eq!(location_problems(&bad, &[]).len(), 3);
        assert!(license_problems(&License::Id("cc-by-4.0".into()), &[]).is_empty());
        assert_eq!(
            license_problems(&License::Id("All rights reserved".into()), &[]).len(),
            1
        );
        assert_eq!(
            license_problems(
                &License::Custom {
                    name: "mine".into(),
                    url: "mine.pdf".into()
                },
                &[]
            )
            .len(),
            1
        );
    }
}
