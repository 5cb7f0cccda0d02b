//! HTML rendering: the Tera theme (built-in templates, overridden file by
//! file by the site's `templates/`), typed view models built from the site
//! model, and the pages of the site.

use crate::error::{Error, Result};
use crate::site::{Episode, Site};
use std::sync::OnceLock;
use tera::{Context, Value};

mod escape;
mod jsonld;
mod key;
mod pages;
mod recursion;
mod sitemap;
mod theme;
mod views;

pub use crate::emit::{Emitter, Forget, Remember};
pub use crate::fingerprint::Key;
pub use escape::xml_escape;
pub use key::site_key;
pub use theme::{Theme, BUILTIN_ASSETS, BUILTIN_TEMPLATES, TEMPLATES_DIR};
use views::EpisodeView;

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

/// Each episode's template value ([`EpisodeView`]), made once per build
/// (in `serve`, kept between builds while the episode is unchanged) and
/// shared by every page that shows the episode: its own page, an index
/// page, its tag pages and its feed item. Tera's values are reference
/// counted, so a share is cheap. The notes (`content`, the largest field)
/// are not kept: they are put in at each use, so that 10,000 kept values do
/// not hold a second copy of every episode's notes.
pub struct EpisodeValues<'a> {
    site: &'a Site,
    memory: &'a dyn Remember,
    values: Vec<OnceLock<std::result::Result<Value, String>>>,
}

impl<'a> EpisodeValues<'a> {
    /// Values for the episodes of `site`, made or taken from `memory`
    /// (`serve`'s emitter keeps them between builds).
    pub fn new(site: &'a Site, memory: &'a dyn Remember) -> Self {
        EpisodeValues {
            site,
            memory,
            values: site.episodes.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The value of episode `i`.
    fn get(&self, i: usize) -> Result<Value> {
        let episode = &self.site.episodes[i];
        let kept = self.values[i].get_or_init(|| {
            self.memory
                .episode_value(episode, &|| episode_value(episode, self.site))
        });
        let kept = kept.as_ref().map_err(|message| {
            Error::new(
                episode.source.clone(),
                format!("cannot make the episode's template value: {message}"),
            )
        })?;
        let mut fields = kept.clone().into_map().unwrap_or_default();
        fields.insert("content".into(), Value::from(episode.notes_html.as_str()));
        Ok(Value::from(fields))
    }
}

/// An episode as a template value, without its notes (see [`EpisodeValues`]).
fn episode_value(e: &Episode, site: &Site) -> std::result::Result<Value, String> {
    let mut view = EpisodeView::new(e, site);
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
