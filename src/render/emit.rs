//! The interface output goes through: [`Emitter`] (where files go, and
//! which a build may keep) and [`Remember`] (what a build may keep of earlier
//! builds), the `emit` helpers every output file is written with, and the
//! site key of what every file depends on.

use super::views::base_view;
use super::{Key, RenderOptions, Theme};
use crate::error::Result;
use crate::output::Staging;
use crate::site::{Episode, Site};
use std::hash::Hash;
use std::sync::Arc;
use tera::Value;

/// What a build may remember of earlier builds: episodes' template values
/// and feed items. A plain build remembers nothing ([`Forget`]); `serve`'s
/// emitter keeps them while their episode is unchanged.
pub trait Remember: Sync {
    /// An episode's template value, made by `make` (or remembered).
    fn episode_value(
        &self,
        _episode: &Episode,
        make: &dyn Fn() -> std::result::Result<Value, String>,
    ) -> std::result::Result<Value, String> {
        make()
    }

    /// An episode's feed item XML, made by `make` (or remembered).
    fn feed_item(&self, _episode: &Episode, make: &dyn Fn() -> Result<String>) -> Result<Arc<str>> {
        make().map(Arc::from)
    }
}

/// Remembers nothing: everything is made afresh.
pub struct Forget;

impl Remember for Forget {}

/// Where a build's output files go. A plain build writes every file into
/// its staging folder: a [`Staging`] is an emitter that renders and writes
/// everything. `serve` wraps its staging folder in an emitter that keeps,
/// from the live output, each file whose inputs did not change since the
/// last build (its memo); that machinery is serve's alone.
pub trait Emitter: Remember {
    /// The staging folder the files go to.
    fn staging(&self) -> &Staging;

    /// Whether the file at `rel`, made from what `key` adds to a [`Key`],
    /// is the same as the live output's: then the emitter has put it in
    /// place and it need not be rendered. A plain build never keeps one.
    fn keep(&self, _rel: &str, _key: &dyn Fn(&mut Key)) -> Result<bool> {
        Ok(false)
    }
}

impl Remember for Staging {}

impl Emitter for Staging {
    fn staging(&self) -> &Staging {
        self
    }
}

/// Writes the output file `rel` made by `render`, unless `out` keeps the
/// live one (its inputs, which `key` adds to the key, did not change).
pub(crate) fn emit<T: AsRef<[u8]>>(
    out: &dyn Emitter,
    rel: &str,
    key: impl Fn(&mut Key),
    render: impl FnOnce() -> Result<T>,
) -> Result<()> {
    if out.keep(rel, &key)? {
        return Ok(());
    }
    out.staging().write(rel, render()?.as_ref())
}

/// Like [`emit`], for a file made piece by piece ([`Staging::write_pieces`]).
pub(crate) fn emit_pieces(
    out: &dyn Emitter,
    rel: &str,
    key: impl Fn(&mut Key),
    fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()>,
) -> Result<()> {
    if out.keep(rel, &key)? {
        return Ok(());
    }
    out.staging().write_pieces(rel, fill)
}

/// The key of what every output file depends on: podsmith's version, the
/// theme, the render options, the settings, what every page's frame shows,
/// the pages and the tags. (Each file adds the episodes it shows.)
pub fn site_key(site: &Site, theme: &Theme, options: &RenderOptions) -> u128 {
    let mut key = Key::new();
    env!("CARGO_PKG_VERSION").hash(&mut key);
    theme.fingerprint.hash(&mut key);
    let RenderOptions {} = options;
    serde_json::to_vec(&site.config)
        .unwrap_or_default()
        .hash(&mut key);
    serde_json::to_vec(&base_view(site))
        .unwrap_or_default()
        .hash(&mut key);
    for page in &site.pages {
        let crate::site::Page {
            source,
            slug,
            url,
            title,
            description,
            html,
            extra,
        } = page;
        (
            source,
            slug,
            url,
            title,
            description,
            html,
            extra.to_string(),
        )
            .hash(&mut key);
    }
    for tag in &site.tags {
        let crate::site::Tag {
            name,
            slug,
            url,
            episodes,
        } = tag;
        (name, slug, url, episodes).hash(&mut key);
    }
    site.episodes.len().hash(&mut key);
    key.digest()
}

/// Adds every episode's fingerprint, in order, to a key.
pub(crate) fn all_episodes(site: &Site, key: &mut Key) {
    for e in &site.episodes {
        e.fingerprint.hash(key);
    }
}
