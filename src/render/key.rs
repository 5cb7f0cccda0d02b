//! The key of what every output file depends on (see [`crate::emit`]).

use super::views::base_view;
use super::{Key, RenderOptions, Theme};
use crate::site::Site;
use std::hash::Hash;

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
