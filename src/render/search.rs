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

use super::search_words::{episode_words, words_key, WordsCache};
use crate::site::Site;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::sync::Arc;

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

/// Positions in the vocabulary (`rank` of each word) of `words`,
/// ascending, as differences in base 36.
fn positions(words: &str, rank: &FxHashMap<&str, usize>) -> String {
    let mut at: Vec<usize> = words
        .split(' ')
        .filter_map(|word| rank.get(word).copied())
        .collect();
    at.sort_unstable();
    let mut out = String::with_capacity(at.len() * 3);
    let mut last = 0;
    for (n, &at) in at.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        base36(at - last.min(at), &mut out);
        last = at;
    }
    out
}

/// Each episode's words (see [`episode_words`]), in the site's order:
/// from `memory` when it remembers them (serve, so an edit reads the words
/// of the edited episode only), else from the words cache in
/// `.podsmith-cache/` (see [`WordsCache`]), else from the episode.
pub(crate) fn all_words(site: &Site, memory: &dyn crate::emit::Remember) -> Vec<Arc<str>> {
    use rayon::prelude::*;
    if memory.remembers_words() {
        return site
            .episodes
            .par_iter()
            .map(|e| memory.search_words(e, &|| episode_words(e, site)))
            .collect();
    }
    let cache = WordsCache::open(&site.root.join(crate::site::CACHE_DIR));
    let keyed: Vec<(u128, Arc<str>)> = site
        .episodes
        .par_iter()
        .map(|e| {
            let key = words_key(e);
            let make = || cache.get(key).unwrap_or_else(|| episode_words(e, site));
            (key, memory.search_words(e, &make))
        })
        .collect();
    cache.save(&keyed);
    keyed.into_iter().map(|(_, words)| words).collect()
}

/// Adds to `key` everything the search index of `site` is made from, with
/// `words` from [`all_words`] (an edit that leaves every episode's words,
/// title, date and summary as they were leaves the index as it was).
pub(crate) fn index_key(site: &Site, words: &[Arc<str>], key: &mut crate::fingerprint::Key) {
    use std::hash::Hash;
    for (e, words) in site.episodes.iter().zip(words) {
        (&e.url, &e.title, e.date, &e.summary, &**words).hash(key);
    }
}

/// The search index of `site` as JSON, with `words` from [`all_words`].
pub(crate) fn search_index(site: &Site, words: &[Arc<str>]) -> String {
    use rayon::prelude::*;
    let mut vocabulary: Vec<&str> = words
        .iter()
        .filter(|words| !words.is_empty())
        .flat_map(|words| words.split(' '))
        .collect::<FxHashSet<&str>>()
        .into_iter()
        .collect();
    vocabulary.par_sort_unstable();
    let rank: FxHashMap<&str, usize> = vocabulary
        .iter()
        .enumerate()
        .map(|(n, w)| (*w, n))
        .collect();
    let positions: Vec<String> = words
        .par_iter()
        .map(|words| positions(words, &rank))
        .collect();
    let index = Index {
        v: 2,
        words: vocabulary.join(" "),
        e: site
            .episodes
            .iter()
            .zip(positions)
            .map(|(e, positions)| {
                (
                    e.url.as_str(),
                    e.title.as_str(),
                    e.date.format("%Y-%m-%d").to_string(),
                    e.summary.as_str(),
                    positions,
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
    fn positions_are_differences_in_base36() {
        let mut out = String::new();
        base36(0, &mut out);
        base36(35, &mut out);
        base36(36 * 36 + 1, &mut out);
        assert_eq!(out, "0z101");
        let rank: FxHashMap<&str, usize> = [("a", 0), ("b", 1), ("c", 2), ("d", 3)]
            .into_iter()
            .collect();
        assert_eq!(positions("d b", &rank), "1,2");
    }
}
