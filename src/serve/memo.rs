//! serve's memo: what the live output was rendered from, so that a rebuild
//! renders only the files whose inputs changed. This is the incremental
//! machinery of `serve` alone; `podsmith build` renders everything.
//!
//! Each output file's key hashes everything it is made from: the site key
//! ([`render::site_key`]: the theme, the settings, pages and tags) and the
//! fingerprints of the episodes it shows (see [`crate::site::Episode`]).
//! A file whose key is unchanged is linked from the live output (serve's
//! own folder) instead of rendered.

use crate::error::Result;
use crate::output::Staging;
use crate::render::{self, Emitter, Key, Remember, RenderOptions, Theme};
use crate::site::{Episode, Site};
use std::collections::HashMap;
use std::hash::Hash;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tera::Value;

/// Rendered output remembered between builds: each output file's key,
/// each feed item's XML and each episode's template value, by key.
///
/// The memo must describe the live output: replace it with the one a build
/// returns only once that build is committed, and empty it when a commit
/// fails.
#[derive(Debug, Default)]
pub struct RenderMemo {
    files: HashMap<String, u128>,
    items: HashMap<u128, Arc<str>>,
    values: HashMap<u128, Value>,
    /// Each episode's words for the search index.
    words: HashMap<u128, Arc<str>>,
    /// The last build's theme, reused while the templates are unchanged.
    theme: Option<Arc<Theme>>,
    /// How many files the build that made this memo kept without rendering.
    kept: usize,
}

impl RenderMemo {
    /// How many files the build that made this memo kept from the live
    /// output instead of rendering them.
    pub fn kept(&self) -> usize {
        self.kept
    }

    /// The theme of `root`, reusing the memo's when the templates did not change.
    pub fn theme(&self, root: &Path) -> Result<Arc<Theme>> {
        Theme::load_cached(root, self.theme.as_ref())
    }
}

/// One build through a [`RenderMemo`]: reads the previous memo, fills the
/// next one, and writes into the staging folder what it does not keep.
pub struct MemoEmitter<'a> {
    staging: &'a Staging,
    prev: &'a RenderMemo,
    next: Mutex<RenderMemo>,
    /// The key of what every file depends on.
    site_key: u128,
    /// Whether every episode has its fingerprint: else nothing is reused.
    enabled: bool,
    kept: AtomicUsize,
}

impl<'a> MemoEmitter<'a> {
    pub fn new(
        prev: &'a RenderMemo,
        staging: &'a Staging,
        site: &Site,
        theme: &Theme,
        options: &RenderOptions,
    ) -> MemoEmitter<'a> {
        let emitter = MemoEmitter {
            staging,
            prev,
            next: Mutex::new(RenderMemo::default()),
            site_key: render::site_key(site, theme, options),
            enabled: site.episodes.iter().all(|e| e.fingerprint != 0),
            kept: AtomicUsize::new(0),
        };
        // Values and feed items of episodes that did not change stay for
        // later builds, whether or not this one needs them (a build that
        // keeps the feed file renders no item).
        if emitter.enabled {
            let mut next = emitter.lock();
            for e in &site.episodes {
                let key = emitter.value_key(e);
                if let Some(value) = prev.values.get(&key) {
                    next.values.insert(key, value.clone());
                }
                let key = emitter.item_key(e);
                if let Some(xml) = prev.items.get(&key) {
                    next.items.insert(key, Arc::clone(xml));
                }
                let key = emitter.words_key(e);
                if let Some(words) = prev.words.get(&key) {
                    next.words.insert(key, Arc::clone(words));
                }
            }
        }
        emitter
    }

    /// The memo for the next build.
    pub fn finish(self, theme: Arc<Theme>) -> RenderMemo {
        let mut next = self.next.into_inner().unwrap_or_else(|e| e.into_inner());
        next.theme = Some(theme);
        next.kept = self.kept.into_inner();
        next
    }

    fn key(&self, rel: &str, add: &dyn Fn(&mut Key)) -> u128 {
        let mut key = Key::new();
        (self.site_key, rel).hash(&mut key);
        add(&mut key);
        key.digest()
    }

    fn value_key(&self, e: &Episode) -> u128 {
        self.key("\0episode-value", &|k| e.fingerprint.hash(k))
    }

    fn words_key(&self, e: &Episode) -> u128 {
        self.key("\0search-words", &|k| e.fingerprint.hash(k))
    }

    fn item_key(&self, e: &Episode) -> u128 {
        self.key("\0feed-item", &|k| e.fingerprint.hash(k))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RenderMemo> {
        self.next.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Emitter for MemoEmitter<'_> {
    fn staging(&self) -> &Staging {
        self.staging
    }

    fn keep(&self, rel: &str, add: &dyn Fn(&mut Key)) -> Result<bool> {
        let key = self.key(rel, add);
        self.lock().files.insert(rel.to_string(), key);
        if self.enabled && self.prev.files.get(rel) == Some(&key) && self.staging.keep(rel)? {
            self.kept.fetch_add(1, Ordering::Relaxed);
            return Ok(true);
        }
        Ok(false)
    }
}

impl Remember for MemoEmitter<'_> {
    fn episode_value(
        &self,
        episode: &Episode,
        make: &dyn Fn() -> std::result::Result<Value, String>,
    ) -> std::result::Result<Value, String> {
        if !self.enabled {
            return make();
        }
        let key = self.value_key(episode);
        if let Some(value) = self.prev.values.get(&key) {
            return Ok(value.clone());
        }
        // Made already in this build, for another page that shows it.
        if let Some(value) = self.lock().values.get(&key) {
            return Ok(value.clone());
        }
        let value = make()?;
        self.lock().values.insert(key, value.clone());
        Ok(value)
    }

    fn remembers_words(&self) -> bool {
        self.enabled && !self.prev.words.is_empty()
    }

    fn search_words(&self, episode: &Episode, make: &dyn Fn() -> Arc<str>) -> Arc<str> {
        let key = self.words_key(episode);
        let words = match self.prev.words.get(&key) {
            Some(words) if self.enabled => Arc::clone(words),
            _ => make(),
        };
        self.lock().words.insert(key, Arc::clone(&words));
        words
    }

    fn feed_item(&self, episode: &Episode, make: &dyn Fn() -> Result<String>) -> Result<Arc<str>> {
        let key = self.item_key(episode);
        let xml = match self.prev.items.get(&key) {
            Some(xml) if self.enabled => Arc::clone(xml),
            _ => Arc::from(make()?),
        };
        self.lock().items.insert(key, Arc::clone(&xml));
        Ok(xml)
    }
}
