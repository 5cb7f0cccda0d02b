//! The view models: the typed values templates see (`site`, `episode`,
//! `tag`, `page`, `paginator`...), made from the site model, and the
//! display formats of their fields.

use super::apps::{subscribe_views, SubscribeView};
use super::jsonld::episode_json_ld;
use crate::config::{Credit, Funding};
use crate::error::{Error, Result};
use crate::site::{format_clock, Episode, Site};
use serde::Serialize;
use std::collections::HashMap;
use tera::Context;

/// What every page's context starts from.
#[derive(Serialize)]
pub(super) struct BaseView<'a> {
    site: SiteView<'a>,
    page_description: &'a str,
}

pub(super) fn base_view(site: &Site) -> BaseView<'_> {
    let config = &site.config;
    let pages: Vec<NavLink<'_>> = site
        .pages
        .iter()
        .map(|p| NavLink {
            title: &p.title,
            url: &p.url,
        })
        .collect();
    BaseView {
        site: SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            language: &config.language,
            author: &config.author,
            image_url: site_image_url(config),
            feed_url: config.feed_url(),
            copyright: config.copyright.as_deref(),
            explicit: config.explicit,
            funding: &config.funding,
            subscribe: subscribe_views(&config.subscribe, &config.feed_url()),
            credits: &config.credits,
            pages,
            episode_count: site.episodes.len(),
            generator: concat!("podsmith ", env!("CARGO_PKG_VERSION")),
            media_host: media_host(config),
            cover: cover(site),
            extra: &config.extra,
        },
        page_description: &config.description,
    }
}

pub(super) fn base_context(site: &Site) -> Result<Context> {
    Context::from_serialize(&base_view(site))
        .map_err(|e| Error::new(None, format!("cannot make the template context: {e}")))
}

/// Every template's `site` variable.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
    author: &'a str,
    image_url: Option<String>,
    feed_url: String,
    copyright: Option<&'a str>,
    explicit: bool,
    funding: &'a [Funding],
    subscribe: Vec<SubscribeView<'a>>,
    credits: &'a [Credit],
    pages: Vec<NavLink<'a>>,
    episode_count: usize,
    generator: &'static str,
    /// The host the audio comes from when it is not the site's own
    /// (`[media] base_url` on another host), for the footer's privacy line.
    media_host: Option<String>,
    /// The cover's responsive copies (see [`super::images`]), when podsmith
    /// makes them.
    cover: Option<super::images::Responsive>,
    extra: &'a toml::Table,
}

/// The cover's responsive copies, when it is a PNG or JPEG in `static/`.
pub(super) fn cover(site: &Site) -> Option<super::images::Responsive> {
    static_image(site, site.config.image.as_deref()?)
}

/// The responsive copies of the image at `rel` under `static/`.
fn static_image(site: &Site, rel: &str) -> Option<super::images::Responsive> {
    super::images::plan(
        &site.root.join("static").join(rel),
        rel,
        &site.config.base_url,
        &site.root.join(crate::site::CACHE_DIR),
    )
}

/// The episode's own image's responsive copies (its `image`, a file under
/// `static/`: its address is the site's plus the encoded path).
pub(super) fn episode_art(e: &Episode, site: &Site) -> Option<super::images::Responsive> {
    let encoded = e
        .image_url
        .as_deref()?
        .strip_prefix(&site.config.base_url)?;
    let rel = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()?;
    static_image(site, &rel)
}

/// The host of `[media] base_url` when it differs from the site's.
fn media_host(config: &crate::config::Config) -> Option<String> {
    let host = |url: &str| -> String {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        rest.split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let media = config.media.base_url.as_deref()?;
    let (site, media) = (host(&config.base_url), host(media));
    (site != media).then_some(media)
}

#[derive(Serialize)]
struct NavLink<'a> {
    title: &'a str,
    url: &'a str,
}

/// An episode as templates see it.
#[derive(Serialize)]
pub(super) struct EpisodeView<'a> {
    slug: &'a str,
    url: &'a str,
    title: &'a str,
    number: Option<u32>,
    season: Option<u32>,
    episode_type: &'static str,
    /// RFC 3339.
    date: String,
    /// "6 October 2026".
    date_display: String,
    year: i32,
    summary: &'a str,
    pub(super) content: &'a str,
    guid: &'a str,
    explicit: bool,
    /// Whether `explicit` differs from the show's (cards mark only those).
    explicit_differs: bool,
    draft: bool,
    scheduled: bool,
    audio: Option<AudioView<'a>>,
    image_url: Option<&'a str>,
    feedback: Vec<FeedbackView<'a>>,
    /// Show-wide credits, then the episode's own.
    credits: &'a [Credit],
    /// Everyone who sent feedback, once each, in order.
    feedback_names: Vec<&'a str>,
    supporters: &'a [String],
    chapters: Vec<ChapterView<'a>>,
    /// The chapters as JSON `[[start, title], ...]`, for the player's
    /// `data-chapters` (an attribute: Tera escapes it).
    chapters_data: String,
    chapters_from_file: bool,
    tags: Vec<TagView<'a>>,
    transcript_url: Option<&'a str>,
    extra: &'a toml::Table,
    /// The picture for link previews: the episode's image, else the show's cover.
    share_image_url: Option<String>,
    /// A small picture (the player bar's): the episode's image's smallest
    /// copy, else the cover's.
    art_url: Option<String>,
    /// The episode's own image's copies (as `site.cover`), when it has one
    /// podsmith makes copies of.
    art: Option<super::images::Responsive>,
    /// Show "Support with a tip": the episode is in the feed, takes value-for-value payments
    /// (its own `[value]` or the show's) and the show opts in
    /// (`[value] tip_line = true`).
    value_tip: bool,
    /// schema.org `PodcastEpisode` as JSON, safe inside `<script>` (`<`, `>`
    /// and `&` are `\u` escapes); emit it with `| safe`.
    json_ld: String,
}

#[derive(Serialize)]
struct AudioView<'a> {
    url: &'a str,
    mime: &'a str,
    size: u64,
    /// "4.2 MB".
    size_display: String,
    /// Whole seconds.
    duration: u64,
    /// "42:10" or "1:02:03".
    duration_display: String,
    /// ISO 8601, e.g. "PT42M10S" (for structured data).
    duration_iso: String,
    /// Seconds as short text ("8.04"), for the player before it loads.
    duration_exact: String,
}

#[derive(Serialize)]
struct FeedbackView<'a> {
    from: &'a str,
    via: Option<&'a str>,
    /// HTML.
    intro: Option<&'a str>,
    /// HTML.
    quote: Option<&'a str>,
}

#[derive(Serialize)]
struct ChapterView<'a> {
    /// Seconds.
    start: f64,
    start_display: String,
    /// Whole or fractional seconds as short text ("75", "62.5"), for `#t=`.
    start_seconds: String,
    end: Option<f64>,
    title: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct TagView<'a> {
    pub(super) name: &'a str,
    pub(super) url: &'a str,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct PageView<'a> {
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) content: &'a str,
    pub(super) extra: &'a toml::Table,
}

#[derive(Serialize)]
pub(super) struct Paginator {
    pub(super) number: usize,
    pub(super) total: usize,
    pub(super) previous_url: Option<String>,
    pub(super) next_url: Option<String>,
}

/// An episode's transcript as its pages show it: paragraphs of cues.
#[derive(Serialize)]
pub(super) struct TranscriptView<'a> {
    /// The transcript page's address.
    page_url: String,
    /// The file's address.
    file_url: &'a str,
    paragraphs: Vec<ParagraphView<'a>>,
}

#[derive(Serialize)]
struct ParagraphView<'a> {
    /// Seconds as short text, for `#t=`.
    start: String,
    start_display: String,
    speaker: Option<String>,
    /// The speaker's role when a credit names them (e.g. "Host").
    role: Option<&'a str>,
    cues: Vec<CueView>,
}

#[derive(Serialize)]
struct CueView {
    start: String,
    text: String,
}

/// The transcript of `e`, read from its file, if it has readable cues.
pub(super) fn transcript_view<'a>(e: &'a Episode, site: &Site) -> Option<TranscriptView<'a>> {
    let t = crate::transcript::displayed(&e.transcripts)?;
    let cues = crate::transcript::read(
        &site.config.media_dir(&site.root).join(&t.rel),
        crate::transcript::format_of_file(t),
    );
    if cues.is_empty() {
        return None;
    }
    let paragraphs = crate::transcript::paragraphs(&cues)
        .into_iter()
        .map(|p| {
            let speaker = p[0].speaker.clone();
            let role = speaker.as_deref().and_then(|s| {
                e.credits
                    .iter()
                    .find(|c| c.name.eq_ignore_ascii_case(s.trim()))
                    .map(|c| c.role.as_str())
            });
            ParagraphView {
                start: seconds_text(p[0].start),
                start_display: clock(p[0].start),
                speaker,
                role,
                cues: p
                    .iter()
                    .map(|c| CueView {
                        start: seconds_text(c.start),
                        text: c.text.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    Some(TranscriptView {
        page_url: format!("{}transcript/", e.url),
        file_url: &t.url,
        paragraphs,
    })
}

/// A light reference to an episode (neighbours, archive).
#[derive(Serialize, Debug, Hash)]
pub(super) struct EpisodeLink<'a> {
    title: &'a str,
    url: &'a str,
    number: Option<u32>,
    date: String,
    date_display: String,
    year: i32,
    duration_display: Option<String>,
}

#[derive(Serialize)]
pub(super) struct YearView<'a> {
    year: i32,
    episodes: Vec<&'a EpisodeLink<'a>>,
}

#[derive(Serialize)]
pub(super) struct SupporterView<'a> {
    name: &'a str,
    /// How many episodes this person supported.
    count: usize,
}

impl<'a> EpisodeView<'a> {
    pub(super) fn new(e: &'a Episode, site: &'a Site, dates: &Dates) -> Self {
        let mut feedback_names: Vec<&str> = Vec::new();
        for f in &e.feedback {
            if !feedback_names.contains(&f.from.as_str()) {
                feedback_names.push(&f.from);
            }
        }
        let share_image_url = e.image_url.clone().or_else(|| site_image_url(&site.config));
        let json_ld = episode_json_ld(e, site, share_image_url.as_deref());
        let show_value = site.config.value.as_ref();
        let value_tip = show_value.is_some_and(|v| v.tip_line)
            && e.audio.is_some()
            && e.extras
                .value
                .as_ref()
                .or(show_value)
                .is_some_and(|v| !v.recipients.is_empty());
        EpisodeView {
            slug: &e.slug,
            url: &e.url,
            title: &e.title,
            number: e.number,
            season: e.season,
            episode_type: e.episode_type.as_str(),
            date: e.date.to_rfc3339(),
            date_display: dates.show(&e.date),
            year: chrono::Datelike::year(&e.date),
            summary: &e.summary,
            content: &e.notes_html,
            guid: &e.guid,
            explicit: e.explicit,
            explicit_differs: e.explicit != site.config.explicit,
            draft: e.draft,
            scheduled: e.scheduled,
            audio: e.audio.as_ref().map(|a| AudioView {
                url: &a.url,
                mime: &a.info.mime,
                size: a.info.size,
                size_display: size_display(a.info.size),
                duration: a.info.duration.round() as u64,
                duration_display: clock(a.info.duration),
                duration_iso: duration_iso(a.info.duration),
                duration_exact: seconds_text((a.info.duration * 100.0).floor() / 100.0),
            }),
            image_url: e.image_url.as_deref(),
            feedback: e
                .feedback
                .iter()
                .map(|f| FeedbackView {
                    from: &f.from,
                    via: f.via.as_deref(),
                    intro: f.intro_html.as_deref(),
                    quote: f.quote_html.as_deref(),
                })
                .collect(),
            credits: &e.credits,
            feedback_names,
            supporters: &e.supporters,
            chapters: e
                .chapters
                .iter()
                .map(|c| ChapterView {
                    start: c.start,
                    start_display: clock(c.start),
                    start_seconds: seconds_text(c.start),
                    end: c.end,
                    title: &c.title,
                    url: c.url.as_deref(),
                })
                .collect(),
            chapters_data: serde_json::to_string(
                &e.chapters
                    .iter()
                    .map(|c| (c.start, c.title.as_str()))
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default(),
            chapters_from_file: e.chapters_from_file,
            tags: e
                .tags
                .iter()
                .map(|t| {
                    let tag = site.tags.iter().find(|tag| tag.slug == t.slug);
                    TagView {
                        name: &t.name,
                        url: tag.map_or("", |tag| tag.url.as_str()),
                        // As on the tag's page: the episodes built with it.
                        count: tag.map_or(0, |tag| tag.episodes.len()),
                    }
                })
                .collect(),
            transcript_url: e
                .transcripts
                .first()
                .map(|t| t.url.as_str())
                .or_else(|| e.extras.remote_transcripts.first().map(|t| t.url.trim())),
            extra: &e.extra,
            art: episode_art(e, site),
            art_url: episode_art(e, site)
                .map(|a| a.src)
                .or_else(|| e.image_url.clone())
                .or_else(|| cover(site).map(|c| c.src))
                .or_else(|| share_image_url.clone()),
            share_image_url,
            value_tip,
            json_ld,
        }
    }
}

impl<'a> EpisodeLink<'a> {
    pub(super) fn new(e: &'a Episode, dates: &Dates) -> Self {
        EpisodeLink {
            title: &e.title,
            url: &e.url,
            number: e.number,
            date: e.date.to_rfc3339(),
            date_display: dates.show(&e.date),
            year: chrono::Datelike::year(&e.date),
            duration_display: e
                .audio
                .as_ref()
                .filter(|a| a.info.duration > 0.0)
                .map(|a| clock(a.info.duration)),
        }
    }
}

/// The show's cover as an absolute address.
fn site_image_url(config: &crate::config::Config) -> Option<String> {
    config
        .image
        .as_ref()
        .map(|i| crate::config::image_address(&config.base_url, i))
}

/// A time on a page, as players show it: whole seconds, rounded down
/// (Chromium's player shows 7.6 s as 0:07, so the page does too).
pub(super) fn clock(seconds: f64) -> String {
    format_clock(seconds.max(0.0).floor())
}

/// Seconds as short text: "75", "62.5", "0".
fn seconds_text(seconds: f64) -> String {
    let rounded = (seconds.max(0.0) * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as u64)
    } else {
        format!("{rounded}")
    }
}

/// How dates are shown to readers ("6 October 2026", "6. Oktober 2026"):
/// the strings table's `date_format` with `{day}`, `{month}` and `{year}`,
/// and its month names `month_1` to `month_12`.
pub(crate) struct Dates {
    pattern: String,
    months: [String; 12],
}

impl Dates {
    /// The format from `label` (a key's text in the show's language).
    pub(super) fn new(label: impl Fn(&str) -> Option<String>) -> Self {
        const ENGLISH: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        Dates {
            pattern: label("date_format").unwrap_or_else(|| "{day} {month} {year}".into()),
            months: std::array::from_fn(|i| {
                label(&format!("month_{}", i + 1)).unwrap_or_else(|| ENGLISH[i].into())
            }),
        }
    }

    /// `date` as the show's language writes it.
    pub(super) fn show(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> String {
        use chrono::Datelike;
        self.pattern
            .replace("{day}", &date.day().to_string())
            .replace("{month}", &self.months[date.month0() as usize])
            .replace("{year}", &date.year().to_string())
    }
}

/// "4.2 MB", in decimal units as podcast apps show them.
pub(super) fn size_display(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} kB", (b as f64 / 1e3).round() as u64),
        b => format!("{b} bytes"),
    }
}

pub(super) fn duration_iso(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || total == 0 {
        out.push_str(&format!("{s}S"));
    }
    out
}

pub(super) fn archive_years<'a>(links: &'a [EpisodeLink<'a>]) -> Vec<YearView<'a>> {
    let mut years: Vec<YearView<'a>> = Vec::new();
    for link in links {
        match years.last_mut() {
            Some(y) if y.year == link.year => y.episodes.push(link),
            _ => years.push(YearView {
                year: link.year,
                episodes: vec![link],
            }),
        }
    }
    years
}

pub(super) fn supporter_counts(site: &Site) -> Vec<SupporterView<'_>> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for e in &site.episodes {
        let mut seen = std::collections::HashSet::new();
        for name in &e.supporters {
            if seen.insert(name.as_str()) {
                *counts.entry(name.as_str()).or_default() += 1;
            }
        }
    }
    let mut list: Vec<SupporterView<'_>> = counts
        .into_iter()
        .map(|(name, count)| SupporterView { name, count })
        .collect();
    list.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(b.name))
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(size_display(4_200_000), "4.2 MB");
        assert_eq!(size_display(51_234), "51 kB");
        assert_eq!(duration_iso(3723.0), "PT1H2M3S");
        assert_eq!(duration_iso(0.0), "PT0S");
        assert_eq!(seconds_text(75.0), "75");
        assert_eq!(seconds_text(62.5), "62.5");
        assert_eq!(seconds_text(-1.0), "0");
        assert_eq!(clock(7.6), "0:07");
        assert_eq!(clock(3599.99), "59:59");
    }
}
