//! The search index, `search-index.json`: for each episode its address,
//! title, date and summary (shown in the results), and the words of
//! everything a listener may search for (title, summary, show notes, tags,
//! credits, feedback's senders and the transcript), each word once, sorted.
//! The search page's script loads it only when it is used; matching is done
//! in the browser, offline. See docs/templates.md ("Search").

use crate::site::{Episode, Site};
use serde::Serialize;
use std::collections::BTreeSet;

/// The index's file, in the output root.
pub const SEARCH_INDEX: &str = "search-index.json";

#[derive(Serialize)]
struct Index<'a> {
    /// The format's version.
    v: u32,
    /// `[url, title, date, summary, words]` per episode, newest first.
    e: Vec<(&'a str, &'a str, String, &'a str, String)>,
}

/// The words of `text` as the search matches them: lower case, split at
/// anything that is not a letter or a digit (the script splits queries
/// the same way).
fn words_into(text: &str, words: &mut BTreeSet<String>) {
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.chars().count() >= 2 {
            words.insert(word.to_lowercase());
        }
    }
}

/// The text of an HTML fragment: tags dropped, the common entities read.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

fn episode_words(e: &Episode, site: &Site) -> String {
    let mut words = BTreeSet::new();
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
    if let Some(t) = &e.transcript {
        for cue in crate::transcript::read(&site.config.media_dir(&site.root).join(&t.rel)) {
            words_into(&cue.text, &mut words);
            if let Some(speaker) = &cue.speaker {
                words_into(speaker, &mut words);
            }
        }
    }
    words.into_iter().collect::<Vec<_>>().join(" ")
}

/// The search index of `site` as JSON.
pub(crate) fn search_index(site: &Site) -> String {
    let index = Index {
        v: 1,
        e: site
            .episodes
            .iter()
            .map(|e| {
                (
                    e.url.as_str(),
                    e.title.as_str(),
                    e.date.format("%Y-%m-%d").to_string(),
                    e.summary.as_str(),
                    episode_words(e, site),
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
        let mut words = BTreeSet::new();
        words_into("Hello, hello WORLD! Ça-va a 42", &mut words);
        assert_eq!(
            words.into_iter().collect::<Vec<_>>(),
            ["42", "hello", "va", "world", "ça"]
        );
        assert_eq!(html_text("<p>A &amp; <b>B</b></p>"), " A &  B  ");
    }
}
