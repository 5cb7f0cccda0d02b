//! schema.org `PodcastEpisode` structured data (JSON-LD) for episode
//! pages, as text that cannot end the `<script>` element it goes in.

use super::views::{duration_iso, size_display};
use crate::site::{Episode, Site};
use serde::Serialize;

/// schema.org `PodcastEpisode` structured data, as JSON text that cannot end
/// the `<script>` element it goes in.
pub(super) fn episode_json_ld(e: &Episode, site: &Site, image: Option<&str>) -> String {
    let config = &site.config;
    let duration = e
        .audio
        .as_ref()
        .filter(|a| a.info.duration > 0.0)
        .map(|a| duration_iso(a.info.duration));
    let data = JsonLd {
        context: "https://schema.org",
        kind: "PodcastEpisode",
        associated_media: e.audio.as_ref().map(|a| MediaLd {
            kind: "MediaObject",
            content_size: (a.info.size > 0).then(|| size_display(a.info.size)),
            content_url: &a.url,
            duration: duration.as_deref(),
            encoding_format: &a.info.mime,
        }),
        date_published: e.date.to_rfc3339(),
        description: &e.summary,
        episode_number: e.number,
        image,
        in_language: &config.language,
        name: &e.title,
        part_of_season: e.season.map(|season_number| SeasonLd {
            kind: "PodcastSeason",
            season_number,
        }),
        part_of_series: SeriesLd {
            kind: "PodcastSeries",
            name: &config.title,
            url: &config.base_url,
        },
        time_required: duration.as_deref(),
        url: &e.url,
    };
    let text = serde_json::to_string(&data).unwrap_or_default();
    script_safe_json(&text)
}

/// schema.org `PodcastEpisode`, its fields in the order of their names (as
/// they always were written).
#[derive(Serialize)]
struct JsonLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "associatedMedia", skip_serializing_if = "Option::is_none")]
    associated_media: Option<MediaLd<'a>>,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(rename = "episodeNumber", skip_serializing_if = "Option::is_none")]
    episode_number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    name: &'a str,
    #[serde(rename = "partOfSeason", skip_serializing_if = "Option::is_none")]
    part_of_season: Option<SeasonLd>,
    #[serde(rename = "partOfSeries")]
    part_of_series: SeriesLd<'a>,
    #[serde(rename = "timeRequired", skip_serializing_if = "Option::is_none")]
    time_required: Option<&'a str>,
    url: &'a str,
}

#[derive(Serialize)]
struct MediaLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "contentSize", skip_serializing_if = "Option::is_none")]
    content_size: Option<String>,
    #[serde(rename = "contentUrl")]
    content_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<&'a str>,
    #[serde(rename = "encodingFormat")]
    encoding_format: &'a str,
}

#[derive(Serialize)]
struct SeasonLd {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "seasonNumber")]
    season_number: u32,
}

#[derive(Serialize)]
struct SeriesLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}

/// Escapes `<`, `>` and `&` in JSON text as `\u` sequences (still the same
/// JSON), so it can sit in a `<script>` element.
fn script_safe_json(json: &str) -> String {
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            c => safe.push(c),
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script() {
        let text = script_safe_json(r#"{"name":"</script><b>&"}"#);
        assert!(!text.contains('<') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><b>&");
    }
}
