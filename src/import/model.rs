//! What an import reads from a feed, before it is written as site files.

use chrono::{DateTime, FixedOffset};

/// The show, from the feed's `<channel>`.
#[derive(Debug, Default)]
pub struct Show {
    pub title: String,
    pub description: String,
    pub language: Option<String>,
    pub author: Option<String>,
    pub owner: Option<(String, String)>,
    pub explicit: Option<bool>,
    /// `"Parent"` or `"Parent > Child"`.
    pub categories: Vec<String>,
    pub copyright: Option<String>,
    pub serial: bool,
    /// The cover art's address in the feed.
    pub image_url: Option<String>,
    pub funding: Vec<(String, String)>,
    pub credits: Vec<Person>,
    pub podcast_guid: Option<String>,
    pub locked: Option<bool>,
    /// `podcast:value`, as podsmith's `[value]` (only when it passes the checks).
    pub value: Option<crate::value::Value>,
    pub new_feed_url: Option<String>,
    /// The channel's `<link>`: the old site.
    pub link: Option<String>,
    pub items: Vec<Item>,
}

/// A `podcast:person`, as a credit.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub role: String,
    pub url: Option<String>,
}

/// One feed item.
#[derive(Debug, Default)]
pub struct Item {
    /// Where it is in the feed (1-based), for messages.
    pub position: usize,
    pub title: String,
    pub date: Option<DateTime<FixedOffset>>,
    /// The GUID, byte for byte (the enclosure URL when the feed has none).
    pub guid: String,
    /// Whether the feed marked the GUID as a permalink (`isPermaLink`,
    /// true when the attribute is left out).
    pub guid_permalink: bool,
    pub episode: Option<u32>,
    pub season: Option<u32>,
    /// `trailer` or `bonus` (`full` is the default and not written).
    pub episode_type: Option<&'static str>,
    pub explicit: Option<bool>,
    pub summary: Option<String>,
    /// Show notes, already Markdown.
    pub notes: String,
    pub enclosure: Option<Enclosure>,
    pub image_url: Option<String>,
    /// Start (seconds), title, link.
    pub chapters: Vec<(f64, String, Option<String>)>,
    /// A `podcast:chapters` JSON file's address, fetched when reachable.
    pub chapters_url: Option<String>,
    /// `podcast:transcript`s that can be published as recorded.
    pub transcripts: Vec<crate::transcript::RemoteTranscript>,
    pub credits: Vec<Person>,
    pub funding: Vec<(String, String)>,
    /// `podcast:value`, as the episode's `[value]`.
    pub value: Option<crate::value::Value>,
    pub link: Option<String>,
}

/// An item's enclosure as the feed records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Enclosure {
    pub url: String,
    pub length: u64,
    pub mime: String,
    /// `itunes:duration` in seconds, when the feed gives one.
    pub duration: Option<f64>,
}

impl Item {
    /// How messages name the item.
    pub fn name(&self) -> String {
        format!("item {} ({:?})", self.position, self.title)
    }
}
