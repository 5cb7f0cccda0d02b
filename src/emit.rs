//! The interface output goes through: [`Emitter`] (where files go, and
//! which a build may keep) and [`Remember`] (what a build may keep of earlier
//! builds), and the `emit` helpers every output file is written with. Both
//! `render` and `feed` write through it; `serve` implements it (its memo),
//! so neither writer knows how a file is kept. The key of what every file
//! depends on is `render::site_key`.

use crate::error::Result;
use crate::fingerprint::Key;
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

    /// An episode's words for the search index, made by `make` (or remembered).
    fn search_words(&self, _episode: &Episode, make: &dyn Fn() -> Arc<str>) -> Arc<str> {
        make()
    }

    /// Whether [`Remember::search_words`] remembers words of an earlier
    /// build (then the words cache on disk is not needed).
    fn remembers_words(&self) -> bool {
        false
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
pub fn emit<T: AsRef<[u8]>>(
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
pub fn emit_pieces(
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

/// Adds every episode's fingerprint, in order, to a key.
pub fn all_episodes(site: &Site, key: &mut Key) {
    for e in &site.episodes {
        e.fingerprint.hash(key);
    }
}
