//! The podcast feed (`feed.xml`), built with the `rss` crate: RSS 2.0 with
//! Apple's `itunes`, the `content`, `atom` and Podcasting 2.0 `podcast`
//! namespaces; plus each episode's JSON chapters (`chapters.json`).
//!
//! [`rules`] holds `podsmith check`'s feed rules, [`stability`] the
//! comparison with a published feed (GUIDs never change), [`persons`] the
//! credit role → `podcast:person` taxonomy mapping. See docs/feed.md.

pub mod files;
pub mod image;
pub mod item_extras;
pub mod p20;
pub mod persons;
pub mod promise;
pub mod rules;
pub mod stability;
pub mod xml;

use crate::emit::{all_episodes, emit, emit_pieces, Emitter, Forget, Remember};
use crate::error::{Diagnostic, Error, Result};
use crate::output::Staging;
use crate::render::{EpisodeValues, FeedItemRenderer, Theme};
use crate::site::{Episode, Site};
use rayon::prelude::*;
use rss::extension::atom::AtomExtension;
use rss::extension::itunes::{
    ITunesCategory, ITunesChannelExtensionBuilder, ITunesItemExtensionBuilder, ITunesOwner,
};
use rss::extension::{Extension, ExtensionMap};
use rss::{
    Channel, ChannelBuilder, EnclosureBuilder, GuidBuilder, ImageBuilder, Item, ItemBuilder,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::Hash;
use std::io::BufReader;

/// The feed's file name at the output root.
pub const FEED_FILE: &str = "feed.xml";
/// Each episode's JSON chapters, beside its page: `episodes/<slug>/chapters.json`.
pub const CHAPTERS_FILE: &str = "chapters.json";
/// The MIME type of JSON chapters (`podcast:chapters type`).
pub const CHAPTERS_MIME: &str = "application/json+chapters";

pub const ITUNES_NS: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
pub const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
pub const PODCAST_NS: &str = "https://podcastindex.org/namespace/1.0";

/// The namespace of derived `podcast:guid`s, fixed by the Podcasting 2.0 spec.
pub const PODCAST_GUID_NAMESPACE: uuid::Uuid = uuid::uuid!("ead4c236-bf58-58c6-a2c6-a6b28d128cb6");

/// The generator string (no build time or host: the feed is deterministic).
pub const GENERATOR: &str = concat!("podsmith ", env!("CARGO_PKG_VERSION"));

/// `podcast:guid` as the spec derives it: a UUIDv5 of the feed URL without
/// its scheme and trailing slashes, e.g. `podnews.net/rss`.
pub fn derived_podcast_guid(feed_url: &str) -> String {
    let url = feed_url.trim();
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let rest = rest.trim_end_matches('/');
    uuid::Uuid::new_v5(&PODCAST_GUID_NAMESPACE, rest.as_bytes()).to_string()
}

/// The show's `podcast:guid`: `podcast_guid` from podcast.toml when set,
/// else derived from the feed URL.
pub fn podcast_guid(site: &Site) -> String {
    match site.config.podcast_guid.as_deref().map(str::trim) {
        Some(pinned) if !pinned.is_empty() => pinned.to_string(),
        _ => derived_podcast_guid(&site.config.feed_url()),
    }
}

/// The episodes in `feed.xml`: those with audio, newest first, at most
/// `feed_limit` (the older ones are on the next pages; see [`files`]).
pub fn feed_episodes(site: &Site) -> Vec<&Episode> {
    files::published_indices(site)
        .into_iter()
        .take(
            site.config
                .feed_limit
                .filter(|n| *n > 0)
                .unwrap_or(usize::MAX),
        )
        .map(|i| &*site.episodes[i])
        .collect()
}

/// The absolute URL of an episode's `chapters.json`.
pub fn chapters_url(episode: &Episode) -> String {
    format!("{}{CHAPTERS_FILE}", episode.url)
}

/// The absolute URL of the show's cover art.
pub fn image_url(site: &Site) -> Option<String> {
    site.config
        .image
        .as_ref()
        .map(|i| crate::config::image_address(&site.config.base_url, i))
}

/// Whether `c` may appear in an XML 1.0 document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// Removes the characters XML 1.0 forbids (C0 controls other than tab and
/// line breaks, U+FFFE, U+FFFF).
pub fn clean(text: &str) -> String {
    cleaned(text).into_owned()
}

/// Like [`clean`], borrowing `text` when it has nothing to remove (the
/// usual case, found by one pass over the bytes).
pub fn cleaned(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    // In UTF-8 the forbidden characters are the bytes below 0x20 but tab
    // and line breaks, and U+FFFE/U+FFFF: EF BF BE and EF BF BF. A first
    // pass without branches (so the compiler can use vector instructions)
    // looks for those bytes and 0xEF; only a hit is looked at closely.
    let rough = |chunk: &[u8]| {
        chunk.iter().fold(false, |hit, &b| {
            hit | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF)
        })
    };
    let suspect = bytes.chunks(64).any(rough)
        && bytes.iter().enumerate().any(|(i, &b)| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
                || (b == 0xEF && bytes.get(i + 1) == Some(&0xBF) && bytes.get(i + 2) >= Some(&0xBE))
        });
    if suspect {
        text.chars().filter(|&c| is_xml_char(c)).collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Like [`clean`], for text already owned (kept as it is when clean).
fn clean_owned(text: String) -> String {
    match cleaned(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(fixed) => fixed,
    }
}

/// Renders the feed as XML text.
pub fn to_xml(site: &Site, theme: &Theme) -> Result<String> {
    let mut text = Vec::new();
    let values = EpisodeValues::new(site, theme, &Forget);
    let first = files::feed_files(site).remove(0);
    write_xml(site, theme, &Forget, &values, &first, &mut |piece| {
        text.extend_from_slice(piece);
        Ok(())
    })?;
    String::from_utf8(text).map_err(|e| Error::new(None, format!("the feed is not UTF-8: {e}")))
}

/// Hands the feed's XML to `sink` piece by piece: the channel's head, its
/// items, rendered in parallel a batch at a time (a long feed is never held
/// whole; `memory` may remember items, as serve does), then the tail. Each
/// piece is written by [`xml`] from the `rss` crate's types.
fn write_xml(
    site: &Site,
    theme: &Theme,
    memory: &dyn Remember,
    values: &EpisodeValues<'_>,
    file: &files::FeedFile,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    // Not indented: quick-xml's indenting writer puts whitespace inside
    // empty elements such as `podcast:chapters`, which then carry text.
    sink(clean_bytes(xml::head(&channel(site, file)?)?)?.as_bytes())?;
    let items = theme.feed_items(site, values)?;
    // A remembered item is the main feed's; a feed of another format
    // writes other enclosures, so it makes its items afresh.
    let memory = if file.prefer.is_some() {
        &Forget
    } else {
        memory
    };
    let prefer = file.prefer.as_deref();
    for batch in file.indices.chunks(ITEM_BATCH) {
        let xml = batch
            .par_iter()
            .map(|&i| memory.feed_item(&site.episodes[i], &|| item_xml(site, i, &items, prefer)))
            .collect::<Result<Vec<_>>>()?;
        xml.iter().try_for_each(|i| sink(i.as_bytes()))?;
    }
    sink(&xml::tail()?)?;
    sink(b"\n")
}

/// How many items are rendered at once.
const ITEM_BATCH: usize = 256;

/// XML bytes as text; every string went through [`clean`] already, and the
/// text is cleaned once more as a safety net for any value added later
/// without it.
fn clean_bytes(bytes: Vec<u8>) -> Result<String> {
    let text = String::from_utf8(bytes)
        .map_err(|e| Error::new(None, format!("the feed is not UTF-8: {e}")))?;
    Ok(clean_owned(text))
}

/// The `<item>` element of episode `i` as XML text.
fn item_xml(
    site: &Site,
    i: usize,
    items: &FeedItemRenderer<'_>,
    prefer: Option<&str>,
) -> Result<String> {
    clean_bytes(xml::item(&item(site, i, items, prefer)?)?)
}

/// Writes `feed.xml` and every episode's `chapters.json` through `out`
/// (see [`Emitter`]).
pub fn write(
    site: &Site,
    out: &dyn Emitter,
    theme: &Theme,
    values: &EpisodeValues<'_>,
) -> Result<()> {
    site.episodes
        .par_iter()
        .filter(|e| !e.chapters.is_empty())
        .try_for_each(|episode| {
            emit(
                out,
                &format!("episodes/{}/{CHAPTERS_FILE}", episode.slug),
                |k| episode.fingerprint.hash(k),
                || Ok(chapters_json(site, episode)),
            )
        })?;
    for file in files::feed_files(site) {
        emit_pieces(
            out,
            &file.rel,
            |k| all_episodes(site, k),
            |sink| write_xml(site, theme, out, values, &file, sink),
        )?;
    }
    Ok(())
}

/// Compares the feed just written into `staging` with the one already
/// published in the output folder (see [`stability`]). Without `accept`, a
/// changed GUID or enclosure URL, or a vanished episode, is an error, so the
/// build fails and the old output stays. With `accept`, the changes are
/// returned as warnings.
pub fn check_against_previous(
    site: &Site,
    staging: &Staging,
    accept: bool,
) -> Result<Vec<Diagnostic>> {
    let published = staging.out_dir().join(FEED_FILE);
    if staging.same_as_live(FEED_FILE) {
        return Ok(Vec::new()); // the same bytes: nothing changed
    }
    let Ok(old) = std::fs::File::open(&published) else {
        return Ok(Vec::new());
    };
    let new_path = staging.path().join(FEED_FILE);
    let new = std::fs::File::open(&new_path).map_err(|e| Error::io(&new_path, "read", e))?;
    let (old, new) = (BufReader::new(old), BufReader::new(new));
    let diagnostics = stability::check(site, old, new, &published, accept);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::many(
            diagnostics
                .into_iter()
                .filter(Diagnostic::is_error)
                .map(Error::from),
        ));
    }
    Ok(diagnostics)
}

/// Builds the channel without its items.
fn channel(site: &Site, file: &files::FeedFile) -> Result<Channel> {
    let config = &site.config;
    let episodes = files::published_indices(site)
        .into_iter()
        .map(|i| &*site.episodes[i])
        .collect::<Vec<_>>();
    let newest = episodes
        .iter()
        .map(|e| e.date)
        .max()
        .map(|d| d.to_rfc2822());
    let image = image_url(site);

    let mut itunes = ITunesChannelExtensionBuilder::default();
    itunes.new_feed_url(config.new_feed_url.as_ref().map(|u| clean(u.trim())));
    itunes
        .author(Some(clean(&config.author)).filter(|a| !a.trim().is_empty()))
        .categories(
            config
                .categories
                .iter()
                .map(|c| category(c))
                .collect::<Vec<_>>(),
        )
        .image(image.clone())
        .explicit(Some(config.explicit.to_string()))
        .r#type(Some(
            match config.show_type {
                crate::config::ShowType::Episodic => "episodic",
                crate::config::ShowType::Serial => "serial",
            }
            .to_string(),
        ));
    if config.feed.itunes_block {
        itunes.block(Some("Yes".to_string()));
    }
    if config.feed.complete {
        itunes.complete(Some("Yes".to_string()));
    }
    if let Some(owner) = &config.owner {
        itunes.owner(Some(ITunesOwner {
            name: Some(clean(&owner.name)),
            email: Some(clean(&owner.email)),
        }));
    }

    let mut podcast: BTreeMap<String, Vec<Extension>> = BTreeMap::new();
    push(&mut podcast, ext("guid", &podcast_guid(site), &[]));
    let owner_email = config.owner.as_ref().map(|o| o.email.as_str());
    push(
        &mut podcast,
        ext(
            "locked",
            if config.locked { "yes" } else { "no" },
            &[("owner", owner_email)],
        ),
    );
    for f in &config.funding {
        push(
            &mut podcast,
            ext("funding", f.text.trim(), &[("url", Some(&f.url))]),
        );
    }
    for person in channel_persons(site) {
        push(&mut podcast, person);
    }
    if let Some(value) = &config.value {
        push(&mut podcast, p20::value(value));
    }
    for tag in p20::channel_tags(site, &episodes) {
        push(&mut podcast, tag);
    }
    if let Some(srcset) = crate::render::cover_srcset(site) {
        push(
            &mut podcast,
            ext("images", "", &[("srcset", Some(&srcset))]),
        );
    }
    if config.feed.podping {
        push(
            &mut podcast,
            ext("podping", "", &[("usesPodping", Some("true"))]),
        );
    }

    let mut namespaces = BTreeMap::new();
    for (prefix, uri) in [
        ("itunes", ITUNES_NS),
        ("content", CONTENT_NS),
        ("atom", ATOM_NS),
        ("podcast", PODCAST_NS),
    ] {
        namespaces.insert(prefix.to_string(), uri.to_string());
    }
    if episodes.iter().any(|e| !e.chapters.is_empty()) {
        namespaces.insert("psc".into(), item_extras::PSC_NS.into());
    }
    let mut extensions = ExtensionMap::new();
    extensions.insert("podcast".into(), podcast);

    let mut builder = ChannelBuilder::default();
    builder
        .namespaces(namespaces)
        .title(clean(&config.title))
        .link(config.base_url.clone())
        .description(clean(&config.description))
        .language(Some(clean(&config.language)))
        .copyright(config.copyright.as_deref().map(clean))
        .generator(Some(GENERATOR.to_string()))
        .pub_date(newest.clone())
        .last_build_date(newest)
        .atom_ext(Some(AtomExtension {
            links: file
                .links
                .iter()
                .cloned()
                // WebSub: where apps subscribe for pushes (`deploy` pings it).
                .chain(
                    config
                        .feed
                        .websub_hub
                        .iter()
                        .map(|hub| rss::extension::atom::Link {
                            href: hub.clone(),
                            rel: "hub".into(),
                            ..rss::extension::atom::Link::default()
                        }),
                )
                .collect(),
        }))
        .itunes_ext(Some(itunes.build()))
        .extensions(extensions);
    if let Some(url) = image {
        builder.image(Some(
            ImageBuilder::default()
                .url(url)
                .title(clean(&config.title))
                .link(config.base_url.clone())
                .build(),
        ));
    }
    Ok(builder.build())
}

/// The `<item>` of episode `i`.
fn item(site: &Site, i: usize, items: &FeedItemRenderer<'_>, prefer: Option<&str>) -> Result<Item> {
    let e = &*site.episodes[i];
    let main = e.audio.as_ref().ok_or_else(|| {
        Error::new(
            e.source.clone(),
            "an episode without audio is not a feed item",
        )
    })?;
    // A feed of another format takes that alternate where there is one.
    let preferred = prefer.and_then(|ext| {
        e.extras
            .alternates
            .iter()
            .find(|a| a.rel.to_ascii_lowercase().ends_with(&format!(".{ext}")))
    });
    let audio = preferred.unwrap_or(main);
    let mime = match preferred {
        Some(a) => p20::alternate_type(a),
        None => audio.info.mime.clone(),
    };
    let content = items.render(i)?;
    let mut podcast: BTreeMap<String, Vec<Extension>> = BTreeMap::new();
    if let Some(season) = e.season {
        push(&mut podcast, ext("season", &season.to_string(), &[]));
    }
    if let Some(number) = e.number {
        push(&mut podcast, ext("episode", &number.to_string(), &[]));
    }
    if !e.chapters.is_empty() {
        push(
            &mut podcast,
            ext(
                "chapters",
                "",
                &[
                    ("url", Some(&chapters_url(e))),
                    ("type", Some(CHAPTERS_MIME)),
                ],
            ),
        );
    }
    for t in &e.transcripts {
        push(
            &mut podcast,
            ext(
                "transcript",
                "",
                &[
                    ("url", Some(&t.url)),
                    ("type", Some(t.mime)),
                    ("language", Some(&site.config.language)),
                    ("rel", t.captions.then_some("captions")),
                ],
            ),
        );
    }
    for t in &e.extras.remote_transcripts {
        push(
            &mut podcast,
            ext(
                "transcript",
                "",
                &[
                    ("url", Some(t.url.trim())),
                    ("type", Some(t.mime.trim())),
                    ("language", t.language.as_deref().map(str::trim)),
                    ("rel", t.rel.as_deref().map(str::trim)),
                ],
            ),
        );
    }
    for person in item_persons(site, e) {
        push(&mut podcast, person);
    }
    if let Some(value) = &e.extras.value {
        push(&mut podcast, p20::value(value));
    }
    for tag in p20::item_tags(e)
        .into_iter()
        .chain(p20::alternate_enclosures(e))
    {
        push(&mut podcast, tag);
    }
    let mut extensions = ExtensionMap::new();
    if !podcast.is_empty() {
        extensions.insert("podcast".into(), podcast);
    }
    let mut itunes_more = BTreeMap::new();
    push(&mut itunes_more, item_extras::itunes_title(e));
    extensions.insert("itunes".into(), itunes_more);
    if let Some(psc) = item_extras::psc_chapters(e) {
        let mut map = BTreeMap::new();
        push(&mut map, psc);
        extensions.insert("psc".into(), map);
    }
    let author = Some(clean(site.config.author.trim())).filter(|a| !a.is_empty());
    Ok(ItemBuilder::default()
        .title(Some(clean(&e.title)))
        .link(Some(e.url.clone()))
        .description(Some(clean(&e.summary)))
        .content(Some(clean_owned(content)))
        .guid(Some(
            GuidBuilder::default()
                .value(clean(&e.guid))
                .permalink(e.guid_permalink)
                .build(),
        ))
        .pub_date(Some(e.date.to_rfc2822()))
        .enclosure(Some(
            EnclosureBuilder::default()
                .url(audio.url.clone())
                .length(audio.info.size.to_string())
                .mime_type(clean(&mime))
                .build(),
        ))
        .itunes_ext(Some(
            ITunesItemExtensionBuilder::default()
                // Remote audio without a recorded duration has none.
                .duration(
                    (!audio.recorded || whole_seconds(audio.info.duration) > 0)
                        .then(|| whole_seconds(audio.info.duration).to_string()),
                )
                .episode(e.number.map(|n| n.to_string()))
                .season(e.season.map(|n| n.to_string()))
                .episode_type(Some(e.episode_type.as_str().to_string()))
                .explicit(Some(e.explicit.to_string()))
                .author(author)
                // Every item carries art: the episode's own, else the show's.
                .image(e.image_url.clone().or_else(|| image_url(site)))
                .build(),
        ))
        .extensions(extensions)
        .build())
}

/// Seconds, rounded to whole ones (`itunes:duration`).
pub fn whole_seconds(duration: f64) -> u64 {
    if duration.is_finite() && duration > 0.0 {
        duration.round() as u64
    } else {
        0
    }
}

/// `"Parent > Child"` → a nested `itunes:category`.
fn category(text: &str) -> ITunesCategory {
    let mut parts = text.split('>').map(|p| clean(p.trim()));
    let parent = parts.next().unwrap_or_default();
    let sub = parts.next().filter(|s| !s.is_empty());
    ITunesCategory {
        text: parent,
        subcategory: sub.map(|text| {
            Box::new(ITunesCategory {
                text,
                subcategory: None,
            })
        }),
    }
}

/// The host (`author`) as a `podcast:person`, if the show names one.
fn host(site: &Site) -> Option<Extension> {
    let author = site.config.author.trim();
    (!author.is_empty()).then(|| {
        ext(
            "person",
            author,
            &[
                ("role", Some(persons::HOST.role)),
                ("group", Some(persons::HOST.group)),
            ],
        )
    })
}

/// A credit as a `podcast:person`; `None` when its role is not in the
/// taxonomy (a person without a role would mean "host").
fn credit_person(credit: &crate::config::Credit) -> Option<Extension> {
    let role = persons::map_role(&credit.role)?;
    let href = credit
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let img = credit
        .image
        .as_deref()
        .map(str::trim)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    Some(ext(
        "person",
        credit.name.trim(),
        &[
            ("role", Some(role.role)),
            ("group", Some(role.group)),
            ("href", href),
            ("img", img),
        ],
    ))
}

/// The channel's persons: the host, then the show-wide credits.
fn channel_persons(site: &Site) -> Vec<Extension> {
    host(site)
        .into_iter()
        .chain(site.config.credits.iter().filter_map(credit_person))
        .collect()
}

/// An item's persons: none when the episode has no credits (the channel's
/// apply); else the host again (item persons replace the channel's), then
/// every credit (show-wide, then the episode's own).
fn item_persons(site: &Site, e: &Episode) -> Vec<Extension> {
    let credits: Vec<Extension> = e.credits.iter().filter_map(credit_person).collect();
    if credits.is_empty() {
        return Vec::new();
    }
    host(site).into_iter().chain(credits).collect()
}

/// A `podcast:<name>` element; attributes with `None` are left out.
fn ext(name: &str, value: &str, attrs: &[(&str, Option<&str>)]) -> Extension {
    Extension {
        name: format!("podcast:{name}"),
        value: Some(clean(value).trim().to_string()).filter(|v| !v.is_empty()),
        attrs: attrs
            .iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), clean(v))))
            .collect(),
        children: BTreeMap::new(),
    }
}

fn push(map: &mut BTreeMap<String, Vec<Extension>>, ext: Extension) {
    let local = ext
        .name
        .split_once(':')
        .map_or(ext.name.as_str(), |(_, l)| l)
        .to_string();
    map.entry(local).or_default().push(ext);
}

/// JSON chapters 1.2.0.
#[derive(Serialize)]
struct ChaptersDoc<'a> {
    version: &'static str,
    title: String,
    #[serde(rename = "podcastName")]
    podcast_name: String,
    chapters: Vec<ChapterJson<'a>>,
}

#[derive(Serialize)]
struct ChapterJson<'a> {
    #[serde(rename = "startTime")]
    start_time: f64,
    #[serde(rename = "endTime", skip_serializing_if = "Option::is_none")]
    end_time: Option<f64>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

/// An episode's chapters as JSON chapters 1.2.0.
pub fn chapters_json(site: &Site, e: &Episode) -> String {
    let doc = ChaptersDoc {
        version: "1.2.0",
        title: clean(&e.title),
        podcast_name: clean(&site.config.title),
        chapters: e
            .chapters
            .iter()
            .map(|c| ChapterJson {
                start_time: c.start,
                end_time: c.end,
                title: clean(&c.title),
                url: c.url.as_deref(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn podcast_guid_matches_the_spec_examples() {
        assert_eq!(
            derived_podcast_guid("https://podnews.net/rss"),
            "9b024349-ccf0-5f69-a609-6b82873eab3c"
        );
        assert_eq!(
            derived_podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml"),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810"
        );
        assert_eq!(
            derived_podcast_guid("podnews.net/rss/"),
            derived_podcast_guid("https://podnews.net/rss")
        );
    }

    #[test]
    fn clean_strips_forbidden_characters() {
        assert_eq!(clean("a\u{1}b\u{b}c\td\n\u{fffe}é🎙"), "abc\td\né🎙");
        assert_eq!(
            clean("\u{ffff}x\u{1f}\u{fffd}\u{efbf}"),
            "x\u{fffd}\u{efbf}"
        );
        // Past the first 64-byte chunk, and across a chunk's end.
        let (a, b) = ("a".repeat(100), "b".repeat(100));
        assert_eq!(clean(&format!("{a}\u{1}{b}")), format!("{a}{b}"));
        assert_eq!(
            clean(&format!("{}\u{fffe}b", &a[..62])),
            format!("{}b", &a[..62])
        );
        assert!(matches!(
            cleaned(&format!("{a}\u{f000}\u{fffd}{b}")),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            cleaned("plain é\u{fffd} text\r\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn categories_nest() {
        let c = category("Society & Culture > Documentary");
        assert_eq!(c.text, "Society & Culture");
        assert_eq!(c.subcategory.unwrap().text, "Documentary");
        assert!(category("Technology").subcategory.is_none());
    }
}
