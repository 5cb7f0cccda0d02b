//! HTML rendering: the Tera theme (built-in templates, overridden file by
//! file by the site's `templates/`), typed view models built from the site
//! model, and the pages of the site.

use crate::error::{Error, Result};
use crate::site::{Episode, Site};
use std::sync::OnceLock;
use tera::{Context, Value};

pub mod apps;
mod escape;
pub mod images;
mod jsonld;
mod key;
mod pages;
mod recursion;
mod search;
mod search_words;
mod sitemap;
mod theme;
mod views;

pub use crate::emit::{Emitter, Forget, Remember};
pub use crate::fingerprint::Key;
pub use escape::xml_escape;
pub use key::site_key;
pub use search::SEARCH_INDEX;
pub use theme::{
    Theme, BUILTIN_ASSETS, BUILTIN_STRINGS, BUILTIN_TEMPLATES, STRINGS_DIR, TEMPLATES_DIR,
};
use views::EpisodeView;

/// The show's cover's responsive copies as a `srcset` (`URL 160w, ...`,
/// PNG or JPEG), for the feed's `podcast:images`; `None` when podsmith
/// makes no copies of the cover (no cover, a remote one, or not a PNG or
/// JPEG it can size).
pub fn cover_srcset(site: &Site) -> Option<String> {
    views::cover(site)
        .map(|c| c.srcset)
        .filter(|s| !s.is_empty())
}

/// The responsive copies podsmith makes (see [`images`]): the show's
/// cover's and the episodes' own images', each image once.
pub fn responsive_images(site: &Site) -> Vec<images::Responsive> {
    let mut seen = std::collections::HashSet::new();
    views::cover(site)
        .into_iter()
        .chain(
            site.episodes
                .iter()
                .filter_map(|e| views::episode_art(e, site)),
        )
        .filter(|image| seen.insert(image.src.clone()))
        .collect()
}

/// Render-time switches: none at present. (Live reload is not one: serve
/// puts its script into every HTML page it sends, so a built site never
/// mentions it and an overridden base.html keeps it.)
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {}

impl Theme {
    /// Renders episodes' whole text for the feed's `content:encoded`
    /// (template `feed_item.html`: notes, feedback, support, credits and
    /// supporters, with absolute links).
    pub fn feed_items<'a>(
        &'a self,
        site: &'a Site,
        values: &'a EpisodeValues<'a>,
    ) -> Result<FeedItemRenderer<'a>> {
        Ok(FeedItemRenderer {
            theme: self,
            values,
            base: self.base_context(site)?,
        })
    }
}

/// Each episode's template value ([`EpisodeView`], with the notes as
/// `content`), for every page that shows the episode: its own page, an
/// index page, its tag pages and its feed item.
///
/// The values of the newest episodes, up to [`KEPT_BYTES`], are made once
/// and shared by all their pages (Tera's values are reference counted, so
/// a share is cheap): the newest with their notes, then, for the second
/// half of the memory, more episodes without them (the notes are put in at
/// each use, a copy that costs far less than making the value). Older
/// episodes' values are made at each use and dropped with their page.
/// Keeping every value of a 10,000-episode show held about 170 MB (without
/// the notes) for the whole build, more than making the old ones again
/// costs in time (docs/performance.md). `serve`'s emitter remembers values
/// without the notes ([`Remember::episode_value`]) between builds while
/// the episode is unchanged.
pub struct EpisodeValues<'a> {
    site: &'a Site,
    dates: views::Dates,
    memory: &'a dyn Remember,
    kept: Vec<OnceLock<std::result::Result<Value, String>>>,
    /// How many of `kept` (the first) hold their notes.
    with_notes: usize,
}

/// About how much memory kept values may take (see [`EpisodeValues`]),
/// each counted as [`VALUE_BYTES`], plus its notes when it holds them: the
/// synthetic show's values (docs/performance.md) are about 19 kB without
/// their notes.
pub const KEPT_BYTES: usize = 64 << 20;
const VALUE_BYTES: usize = 16 << 10;

/// How many of `site`'s newest episodes' values are kept, and how many of
/// those (the first) with their notes: as many as fit in [`KEPT_BYTES`],
/// half of it for values with notes; or `PODSMITH_KEPT_VALUES` (N) when set,
/// half of them with notes (tests use it to show that every way gives the
/// same output).
fn kept_values(site: &Site) -> (usize, usize) {
    static KEPT: OnceLock<Option<usize>> = OnceLock::new();
    let set = KEPT.get_or_init(|| {
        std::env::var("PODSMITH_KEPT_VALUES")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    if let Some(kept) = *set {
        let kept = kept.min(site.episodes.len());
        return (kept, kept / 2);
    }
    let mut bytes = 0;
    let with_notes = site
        .episodes
        .iter()
        .take_while(|e| {
            bytes += VALUE_BYTES + e.notes_html.len();
            bytes <= KEPT_BYTES / 2
        })
        .count();
    let without = (KEPT_BYTES / 2) / VALUE_BYTES;
    ((with_notes + without).min(site.episodes.len()), with_notes)
}

impl<'a> EpisodeValues<'a> {
    /// Values for the episodes of `site` in `theme` (its labels write the
    /// dates), made or taken from `memory`.
    pub fn new(site: &'a Site, theme: &Theme, memory: &'a dyn Remember) -> Self {
        let (kept, with_notes) = kept_values(site);
        EpisodeValues {
            site,
            dates: theme.dates(site),
            memory,
            kept: (0..kept).map(|_| OnceLock::new()).collect(),
            with_notes,
        }
    }

    /// The value of episode `i`.
    fn get(&self, i: usize) -> Result<Value> {
        let episode = &self.site.episodes[i];
        let make = || {
            self.memory
                .episode_value(episode, &|| episode_value(episode, self.site, &self.dates))
        };
        let with_notes = |value: std::result::Result<Value, String>| {
            let mut fields = value?.into_map().unwrap_or_default();
            fields.insert("content".into(), Value::from(episode.notes_html.as_str()));
            Ok(Value::from(fields))
        };
        let value = match self.kept.get(i) {
            Some(kept) if i < self.with_notes => kept.get_or_init(|| with_notes(make())).clone(),
            Some(kept) => with_notes(kept.get_or_init(make).clone()),
            None => with_notes(make()),
        };
        value.map_err(|message: String| {
            Error::new(
                episode.source.clone(),
                format!("cannot make the episode's template value: {message}"),
            )
        })
    }
}

/// An episode as a template value, without its notes (see [`EpisodeValues`]).
fn episode_value(
    e: &Episode,
    site: &Site,
    dates: &views::Dates,
) -> std::result::Result<Value, String> {
    let mut view = EpisodeView::new(e, site, dates);
    view.content = "";
    Value::try_from_serializable(&view).map_err(|e| e.to_string())
}

/// Renders feed items' `content:encoded` text (see [`Theme::feed_items`]).
pub struct FeedItemRenderer<'a> {
    theme: &'a Theme,
    values: &'a EpisodeValues<'a>,
    base: Context,
}

impl FeedItemRenderer<'_> {
    /// The text of episode `i` of the site.
    pub fn render(&self, i: usize) -> Result<String> {
        let mut ctx = self.base.clone();
        ctx.insert_value("episode", self.values.get(i)?);
        let mut text = self.theme.render("feed_item.html", &ctx)?;
        let end = text.trim_end().len();
        text.truncate(end);
        let start = text.len() - text.trim_start().len();
        text.drain(..start);
        Ok(text)
    }
}
