//! Podcast apps the built-in theme knows for its Subscribe buttons: each
//! with a self-hosted icon (`assets/apps/KEY.svg`) and, where the app has
//! one, a subscribe link made from the feed address, used when the show's
//! `[[subscribe]]` entry gives no `url`.

use crate::config::Subscribe;
use serde::Serialize;

/// One known app: its icon's key, its names, and how to make its
/// subscribe link from the feed address (`None`: the entry needs a `url`).
struct App {
    key: &'static str,
    names: &'static [&'static str],
    link: Option<fn(&str) -> String>,
}

/// The feed address without `https://` or `http://`.
fn bare(feed: &str) -> &str {
    feed.strip_prefix("https://")
        .or_else(|| feed.strip_prefix("http://"))
        .unwrap_or(feed)
}

const APPS: &[App] = &[
    App {
        key: "apple",
        names: &["apple podcasts", "apple"],
        link: None,
    },
    App {
        key: "spotify",
        names: &["spotify"],
        link: None,
    },
    App {
        key: "overcast",
        names: &["overcast"],
        link: Some(|feed| {
            format!(
                "overcast://x-callback-url/add?url={}",
                crate::slug::encode_segment(feed)
            )
        }),
    },
    App {
        key: "pocketcasts",
        names: &["pocket casts", "pocketcasts"],
        link: Some(|feed| format!("pktc://subscribe/{}", bare(feed))),
    },
    App {
        key: "antennapod",
        names: &["antennapod"],
        link: Some(|feed| format!("antennapod-subscribe://{}", bare(feed))),
    },
    App {
        key: "podcastaddict",
        names: &["podcast addict", "podcastaddict"],
        link: Some(|feed| format!("podcastaddict://{}", bare(feed))),
    },
    App {
        key: "castro",
        names: &["castro"],
        link: Some(|feed| format!("castro://subscribe/{}", bare(feed))),
    },
    App {
        key: "podverse",
        names: &["podverse"],
        link: None,
    },
    App {
        key: "fountain",
        names: &["fountain"],
        link: None,
    },
];

/// The icon files, written under the output's `assets/apps/` (see
/// [`crate::render::BUILTIN_ASSETS`]).
pub const APP_KEYS: &[&str] = &[
    "apple",
    "spotify",
    "overcast",
    "pocketcasts",
    "antennapod",
    "podcastaddict",
    "castro",
    "podverse",
    "fountain",
    "app",
    "rss",
];

/// A `[[subscribe]]` entry as templates see it.
#[derive(Serialize)]
pub(super) struct SubscribeView<'a> {
    name: &'a str,
    /// The entry's `url`, else the app's subscribe link made from the feed.
    url: String,
    /// The icon's key: `assets/apps/{icon}.svg` (`app` for an unknown app).
    icon: &'static str,
}

fn known(name: &str) -> Option<&'static App> {
    let name = name.trim().to_lowercase();
    APPS.iter().find(|a| a.names.contains(&name.as_str()))
}

/// Whether `entry` can be shown: it has a `url`, or names an app whose
/// link podsmith makes. (Settings check this; see `Config::validate`.)
pub fn has_link(entry: &Subscribe) -> bool {
    entry.url.is_some() || known(&entry.name).is_some_and(|a| a.link.is_some())
}

/// The names of the apps whose subscribe link podsmith makes from the feed.
pub fn linkable_names() -> Vec<&'static str> {
    APPS.iter()
        .filter(|a| a.link.is_some())
        .map(|a| a.names[0])
        .collect()
}

pub(super) fn subscribe_views<'a>(
    entries: &'a [Subscribe],
    feed_url: &str,
) -> Vec<SubscribeView<'a>> {
    entries
        .iter()
        .filter_map(|s| {
            let app = known(&s.name);
            let url = s
                .url
                .clone()
                .or_else(|| app.and_then(|a| a.link).map(|link| link(feed_url)))?;
            Some(SubscribeView {
                name: &s.name,
                url,
                icon: app.map_or("app", |a| a.key),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_from_the_feed() {
        let feed = "https://e.org/show/feed.xml";
        let entry = |name: &str| Subscribe {
            name: name.into(),
            url: None,
        };
        let entries = [
            entry("Overcast"),
            entry("Pocket Casts"),
            entry("AntennaPod"),
            entry("Podcast Addict"),
            entry("castro"),
            entry("Spotify"),
        ];
        let views = subscribe_views(&entries, feed);
        let urls: Vec<&str> = views.iter().map(|v| v.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "overcast://x-callback-url/add?url=https%3A%2F%2Fe.org%2Fshow%2Ffeed.xml",
                "pktc://subscribe/e.org/show/feed.xml",
                "antennapod-subscribe://e.org/show/feed.xml",
                "podcastaddict://e.org/show/feed.xml",
                "castro://subscribe/e.org/show/feed.xml",
            ]
        );
        assert!(!has_link(&entry("Spotify")));
        assert!(has_link(&entry("overcast")));
        for app in APPS {
            assert!(APP_KEYS.contains(&app.key));
        }
    }
}
