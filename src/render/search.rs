//! The search index, `search-index.json`: every word of everything a
//! listener may search for (titles, summaries, show notes, tags, credits,
//! feedback's senders and transcripts) once, sorted, in `words`; and for
//! each episode its address, title, date and summary (shown in the
//! results) and which of those words it has: their positions in `words`,
//! ascending, each written as the difference from the one before in base
//! 36, comma-separated (small numbers: the file stays small, about 1.2 MB
//! compressed for 1,000 episodes with 30-minute transcripts; see
//! docs/performance.md). The search page's script loads it only when it is
//! used; matching is done in the browser, offline.

use crate::site::{Episode, Site};
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};

/// The index's file, in the output root.
pub const SEARCH_INDEX: &str = "search-index.json";

#[derive(Serialize)]
struct Index<'a> {
    /// The format's version.
    v: u32,
    /// Every word, once, sorted, space-separated.
    words: String,
    /// `[url, title, date, summary, word positions]` per episode, newest first.
    e: Vec<(&'a str, &'a str, String, &'a str, String)>,
}

/// The words of `text` as the search matches them: lower case, split at
/// anything that is not a letter or a digit (the script splits queries
/// the same way).
fn words_into(text: &str, words: &mut HashSet<String>) {
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.len() < 2 || (word.len() < 5 && word.chars().nth(1).is_none()) {
            continue; // fewer than two characters
        }
        // Most words repeat and are lower case already: look them up
        // before making a lower-case copy.
        if word
            .bytes()
            .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
        {
            if !words.contains(word) {
                words.insert(word.to_string());
            }
        } else {
            words.insert(word.to_lowercase());
        }
    }
}

/// The text of an HTML fragment: tags dropped, the common entities read
/// (one pass: this runs over every episode's notes on every build).
fn html_text(html: &str) -> String {
    const ENTITIES: [(&str, char); 5] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
    ];
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let mut step = c.len_utf8();
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            '&' if !in_tag => match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
                Some((entity, ch)) => {
                    out.push(*ch);
                    step = entity.len();
                }
                None => out.push('&'),
            },
            c if !in_tag => out.push(c),
            _ => {}
        }
        rest = &rest[step..];
    }
    out
}

fn episode_words(e: &Episode, site: &Site) -> BTreeSet<String> {
    let mut words = HashSet::new();
    words_into(&e.title, &mut words);
    words_into(&e.summary, &mut words);
    words_into(&html_text(&e.notes_html), &mut words);
    for tag in &e.tags {
        words_into(&tag.name, &mut words);
    }
    for c in &e.credits {
        words_into(&c.name, &mut words);
        words_into(&c.role, &mut words);
        if let Some(work) = &c.work {
            words_into(work, &mut words);
        }
    }
    for f in &e.feedback {
        words_into(&f.from, &mut words);
    }
    if let Some(t) = crate::transcript::displayed(&e.transcripts) {
        for cue in crate::transcript::read(
            &site.config.media_dir(&site.root).join(&t.rel),
            crate::transcript::format_of_file(t),
        ) {
            words_into(&cue.text, &mut words);
            if let Some(speaker) = &cue.speaker {
                words_into(speaker, &mut words);
            }
        }
    }
    words.into_iter().collect()
}

/// `n` in base 36 (digits, then lower-case letters).
fn base36(mut n: usize, out: &mut String) {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 16];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[n % 36];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

/// Positions in `vocabulary` of `words`, as differences in base 36.
fn positions(words: &BTreeSet<String>, vocabulary: &[&String]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for (n, word) in words.iter().enumerate() {
        let at = vocabulary.binary_search(&word).unwrap_or(0);
        if n > 0 {
            out.push(',');
        }
        base36(at - last.min(at), &mut out);
        last = at;
    }
    out
}

/// The search index of `site` as JSON.
/// Each episode's words come from `memory` when it remembers them (serve,
/// so an edit reads the words of the edited episode only).
pub(crate) fn search_index(site: &Site, memory: &dyn crate::emit::Remember) -> String {
    use rayon::prelude::*;
    let each: Vec<std::sync::Arc<BTreeSet<String>>> = site
        .episodes
        .par_iter()
        .map(|e| memory.search_words(e, &|| std::sync::Arc::new(episode_words(e, site))))
        .collect();
    let all: BTreeSet<&String> = each.iter().flat_map(|words| words.iter()).collect();
    let vocabulary: Vec<&String> = all.into_iter().collect();
    let index = Index {
        v: 2,
        words: vocabulary
            .iter()
            .map(|w| w.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        e: site
            .episodes
            .iter()
            .zip(&each)
            .map(|(e, words)| {
                (
                    e.url.as_str(),
                    e.title.as_str(),
                    e.date.format("%Y-%m-%d").to_string(),
                    e.summary.as_str(),
                    positions(words, &vocabulary),
                )
            })
            .collect(),
    };
    serde_json::to_string(&index).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_text() {
        let mut words = HashSet::new();
        words_into("Hello, hello WORLD! Ça-va a 42", &mut words);
        assert_eq!(
            words
                .into_iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>(),
            ["42", "hello", "va", "world", "ça"]
        );
        assert_eq!(html_text("<p>A &amp; <b>B</b></p>"), " A &  B  ");
        let mut out = String::new();
        base36(0, &mut out);
        base36(35, &mut out);
        base36(36 * 36 + 1, &mut out);
        assert_eq!(out, "0z101");
        let words: BTreeSet<String> = ["b", "d"].into_iter().map(String::from).collect();
        let all = ["a", "b", "c", "d"].map(String::from);
        let vocabulary: Vec<&String> = all.iter().collect();
        assert_eq!(positions(&words, &vocabulary), "1,2");
    }
}
