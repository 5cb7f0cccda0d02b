//! Per-item tags beyond the core: `itunes:title` (the title without a
//! leading episode number) and Podlove Simple Chapters (`psc:chapters`),
//! which gPodder, AntennaPod and Podlove-aware apps read inline.

use super::clean;
use crate::site::Episode;
use rss::extension::Extension;
use std::collections::BTreeMap;

/// The Podlove Simple Chapters namespace.
pub const PSC_NS: &str = "http://podlove.org/simple-chapters";

/// `title` without a leading episode number: `"050: Tools"`, `"#50 – Tools"`,
/// `"Ep. 50 | Tools"`, `"Episode 50 - Tools"` all become `"Tools"`. A title
/// that is only a number, or has no separator after it, stays as it is.
pub fn title_without_number(title: &str) -> &str {
    let t = title.trim();
    let mut rest = t.strip_prefix('#').unwrap_or(t);
    for word in ["episode", "ep.", "ep", "folge", "nr."] {
        let head = rest.get(..word.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(word)) {
            let after = &rest[word.len()..];
            if after.starts_with([' ', '#']) || after.starts_with(|c: char| c.is_ascii_digit()) {
                rest = after.trim_start().trim_start_matches('#');
                break;
            }
        }
    }
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return t;
    }
    let after = rest[digits..].trim_start();
    let Some(sep) = after
        .chars()
        .next()
        .filter(|c| [':', '.', '-', '–', '—', '|', ')'].contains(c))
    else {
        return t;
    };
    let stripped = after[sep.len_utf8()..].trim_start();
    if stripped.is_empty() {
        t
    } else {
        stripped
    }
}

/// `itunes:title`, written through the item's extension map (the rss
/// crate's `ITunesItemExtension` has no title field).
pub fn itunes_title(e: &Episode) -> Extension {
    Extension {
        name: "itunes:title".into(),
        value: Some(clean(title_without_number(&e.title))),
        attrs: BTreeMap::new(),
        children: BTreeMap::new(),
    }
}

/// Seconds as Normal Play Time, `HH:MM:SS.mmm` (Podlove's `start`).
pub fn npt(seconds: f64) -> String {
    let ms = if seconds.is_finite() && seconds > 0.0 {
        (seconds * 1000.0).round() as u64
    } else {
        0
    };
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// `<psc:chapters version="1.2">` with a `psc:chapter` per chapter, or
/// `None` when the episode has none.
pub fn psc_chapters(e: &Episode) -> Option<Extension> {
    if e.chapters.is_empty() {
        return None;
    }
    let chapters = e
        .chapters
        .iter()
        .map(|c| {
            let mut attrs = BTreeMap::new();
            attrs.insert("start".to_string(), npt(c.start));
            attrs.insert("title".to_string(), clean(c.title.trim()));
            if let Some(url) = c.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                attrs.insert("href".to_string(), clean(url));
            }
            Extension {
                name: "psc:chapter".into(),
                value: None,
                attrs,
                children: BTreeMap::new(),
            }
        })
        .collect();
    let mut children = BTreeMap::new();
    children.insert("chapter".to_string(), chapters);
    let mut attrs = BTreeMap::new();
    attrs.insert("version".to_string(), "1.2".to_string());
    Some(Extension {
        name: "psc:chapters".into(),
        value: None,
        attrs,
        children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_prefixes_come_off() {
        for (title, want) in [
            ("050: Tools", "Tools"),
            ("#50 – Tools", "Tools"),
            ("Ep. 50 | Tools", "Tools"),
            ("Episode 50 - Tools", "Tools"),
            ("12. Twelve", "Twelve"),
            ("Tools", "Tools"),
            ("50", "50"),
            ("1984 revisited", "1984 revisited"),
            ("3:", "3:"),
            ("Epic 5: x", "Epic 5: x"),
        ] {
            assert_eq!(title_without_number(title), want, "{title}");
        }
    }

    #[test]
    fn odd_titles_never_panic() {
        for title in [
            "",
            "#",
            "EPİSODE 5: x",
            "\u{212A}p 5: x",
            "épisode 3 – y",
            "Ep",
            "ep5",
            "5–",
            "#5 —  ",
        ] {
            let _ = title_without_number(title);
        }
        assert_eq!(title_without_number("ep5: x"), "x");
    }

    #[test]
    fn normal_play_time() {
        assert_eq!(npt(0.0), "00:00:00.000");
        assert_eq!(npt(3723.5), "01:02:03.500");
        assert_eq!(npt(f64::NAN), "00:00:00.000");
    }
}
