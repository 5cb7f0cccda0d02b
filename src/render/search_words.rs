//! The words the search finds an episode by, and a cache of them between
//! builds. Reading them means splitting the notes and the transcript of
//! every episode into words, the largest part of the search index's cost
//! (docs/performance.md), so each episode's words are kept in
//! `.podsmith-cache/search-words.txt` under a hash of what they are made
//! from, and made again only when that changes.

use crate::fingerprint::Key;
use crate::site::{Episode, Site};
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Calls `each` with the words of `text` as the search matches them: split
/// at anything that is not a letter or a digit (the script splits queries
/// the same way), at least two characters long; not yet lower-cased.
fn split_words<'t>(text: &'t str, each: &mut impl FnMut(&'t str)) {
    let bytes = text.as_bytes();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let (in_word, len) = if bytes[i].is_ascii() {
            (bytes[i].is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        };
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                take_word(&text[from..i], each);
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(from) = start {
        take_word(&text[from..], each);
    }
}

fn take_word<'t>(word: &'t str, each: &mut impl FnMut(&'t str)) {
    // Two characters at least (a word of 2 to 4 bytes may be one character).
    if word.len() >= 2 && (word.len() >= 5 || word.chars().nth(1).is_some()) {
        each(word);
    }
}

/// Calls `each` with the words of the text of an HTML fragment: tags are
/// skipped, and so are character references (those the Markdown renderer
/// writes, `&amp;` `&lt;` `&gt;` `&quot;` `&#39;`, all stand for characters
/// that split words anyway).
fn split_html_words<'t>(html: &'t str, each: &mut impl FnMut(&'t str)) {
    let mut rest = html;
    while !rest.is_empty() {
        let cut = rest.find(['<', '&']).unwrap_or(rest.len());
        split_words(&rest[..cut], each);
        rest = &rest[cut..];
        if rest.starts_with('<') {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
        } else if rest.starts_with('&') {
            let name = rest[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
                .map_or(rest.len() - 1, |n| n);
            rest = match rest[1 + name..].strip_prefix(';') {
                Some(after) if name > 0 => after,
                _ => &rest[1..],
            };
        }
    }
}

/// The words of `e` that the search finds it by (titles, summary, notes,
/// tags, credits, feedback's senders, the displayed transcript), each once,
/// lower case, separated by spaces, in no particular order.
pub(super) fn episode_words(e: &Episode, site: &Site) -> Arc<str> {
    let cues = crate::transcript::displayed(&e.transcripts).map(|t| {
        crate::transcript::read(
            &site.config.media_dir(&site.root).join(&t.rel),
            crate::transcript::format_of_file(t),
        )
    });
    let mut words: FxHashSet<Cow<'_, str>> = FxHashSet::default();
    let mut each = |word| add_word(&mut words, word);
    split_words(&e.title, &mut each);
    split_words(&e.summary, &mut each);
    split_html_words(&e.notes_html, &mut each);
    for tag in &e.tags {
        split_words(&tag.name, &mut each);
    }
    for c in &e.credits {
        split_words(&c.name, &mut each);
        split_words(&c.role, &mut each);
        if let Some(work) = &c.work {
            split_words(work, &mut each);
        }
    }
    for f in &e.feedback {
        split_words(&f.from, &mut each);
    }
    for cue in cues.iter().flatten() {
        split_words(&cue.text, &mut each);
        if let Some(speaker) = &cue.speaker {
            split_words(speaker, &mut each);
        }
    }
    let mut text = String::new();
    for word in &words {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    Arc::from(text)
}

/// Adds `word` to `words`, lower case (most words are already: those
/// are not copied).
fn add_word<'a>(words: &mut FxHashSet<Cow<'a, str>>, word: &'a str) {
    if word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        words.insert(Cow::Borrowed(word));
    } else {
        words.insert(Cow::Owned(word.to_lowercase()));
    }
}

/// Bump when the words of an episode are read differently: older cached
/// words are then made again.
const WORDS_VERSION: u32 = 1;

/// The hash of everything an episode's words are made from (see
/// [`episode_words`]).
pub(super) fn words_key(e: &Episode) -> u128 {
    let mut key = Key::new();
    (WORDS_VERSION, &e.title, &e.summary, &e.notes_html).hash(&mut key);
    for tag in &e.tags {
        tag.name.hash(&mut key);
    }
    for c in &e.credits {
        (&c.name, &c.role, &c.work).hash(&mut key);
    }
    for f in &e.feedback {
        f.from.hash(&mut key);
    }
    if let Some(t) = crate::transcript::displayed(&e.transcripts) {
        (&t.rel, t.mime, t.content_hash).hash(&mut key);
    }
    key.digest()
}

/// The first line of the cache file; a file with another is ignored.
const CACHE_HEADER: &str = "podsmith search words 1";
const CACHE_FILE: &str = "search-words.txt";

/// Episodes' words from the last build, by [`words_key`]: a text file of a
/// line per episode, the key in hex, then the words, space-separated. A
/// missing, unreadable or foreign file is an empty cache. The file is read
/// at the first lookup (`serve` remembers words itself and seldom needs
/// it), and written again (whole, through a temporary file and a rename)
/// only when it was read and the set of keys changed, keeping the keys of
/// that build only.
pub(super) struct WordsCache {
    path: PathBuf,
    old: OnceLock<FxHashMap<u128, Arc<str>>>,
}

impl WordsCache {
    /// The cache in the folder `dir` (`<site>/.podsmith-cache`).
    pub(super) fn open(dir: &Path) -> WordsCache {
        WordsCache {
            path: dir.join(CACHE_FILE),
            old: OnceLock::new(),
        }
    }

    fn read(&self) -> &FxHashMap<u128, Arc<str>> {
        self.old.get_or_init(|| {
            let text = std::fs::read_to_string(&self.path).unwrap_or_default();
            let mut lines = text.lines();
            if lines.next() != Some(CACHE_HEADER) {
                return FxHashMap::default();
            }
            lines
                .filter_map(|line| {
                    let (key, words) = line.split_once(' ').unwrap_or((line, ""));
                    let key = u128::from_str_radix(key, 16).ok()?;
                    Some((key, Arc::from(words)))
                })
                .collect()
        })
    }

    /// The words cached under `key`.
    pub(super) fn get(&self, key: u128) -> Option<Arc<str>> {
        self.read().get(&key).cloned()
    }

    /// Keeps `words` (key and words of each episode of this build) for the
    /// next build, when they differ from what the cache holds. A cache that
    /// cannot be written is left as it is: it only saves time.
    pub(super) fn save(&self, words: &[(u128, Arc<str>)]) {
        let Some(old) = self.old.get() else {
            return; // never looked up: every episode's words were remembered
        };
        let unique: FxHashSet<u128> = words.iter().map(|(key, _)| *key).collect();
        if unique.len() == old.len() && unique.iter().all(|k| old.contains_key(k)) {
            return;
        }
        let mut text = String::with_capacity(words.iter().map(|(_, w)| w.len() + 34).sum());
        text.push_str(CACHE_HEADER);
        text.push('\n');
        for (key, words) in words {
            text.push_str(&format!("{key:032x} "));
            text.push_str(words);
            text.push('\n');
        }
        let _ = crate::cache_file::write_whole(&self.path, text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(text: &str, html: bool) -> Vec<String> {
        let mut words = FxHashSet::default();
        let mut each = |w| add_word(&mut words, w);
        if html {
            split_html_words(text, &mut each);
        } else {
            split_words(text, &mut each);
        }
        let mut words: Vec<String> = words.into_iter().map(String::from).collect();
        words.sort();
        words
    }

    #[test]
    fn words_of_text_and_html() {
        assert_eq!(
            words_of("Hello, hello WORLD! Ça-va a 42 é", false),
            ["42", "hello", "va", "world", "ça"]
        );
        assert_eq!(
            words_of(
                "<p>A &amp; <b>Bb</b>cc&#39;dd &nbsp;x&y &lt;tag&gt; <a href=\"u\">ee</a></p>",
                true
            ),
            ["bb", "cc", "dd", "ee", "tag"]
        );
        assert_eq!(words_of("trailing &amp", true), ["amp", "trailing"]);
    }

    #[test]
    fn the_cache_keeps_this_builds_words() {
        let dir = tempfile::tempdir().unwrap();
        let cache = WordsCache::open(dir.path());
        cache.save(&[(7, Arc::from("seven words"))]);
        assert!(
            !dir.path().join(CACHE_FILE).exists(),
            "a cache never looked up is not written"
        );
        assert_eq!(cache.get(7), None);
        cache.save(&[(7, Arc::from("seven words")), (9, Arc::from(""))]);
        let cache = WordsCache::open(dir.path());
        assert_eq!(cache.get(7).as_deref(), Some("seven words"));
        assert_eq!(cache.get(9).as_deref(), Some(""));
        cache.save(&[(9, Arc::from(""))]);
        let cache = WordsCache::open(dir.path());
        assert_eq!(cache.get(9).as_deref(), Some(""));
        let cache = WordsCache::open(dir.path());
        assert_eq!(cache.get(7), None, "keys of earlier builds are dropped");
        std::fs::write(dir.path().join(CACHE_FILE), "something else\n7 x\n").unwrap();
        assert_eq!(WordsCache::open(dir.path()).get(7), None);
    }
}
