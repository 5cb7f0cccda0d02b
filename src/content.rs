//! Content loading: reads `content/episodes/*.md` and `content/*.md`, splits
//! the `+++` front matter from the Markdown body, and parses it strictly.

use crate::config::{parse_toml, Credit};
use crate::error::{line_col, Diagnostic, Error, Result};
use rayon::prelude::*;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// The content folder's name in a site's root.
pub const CONTENT_DIR: &str = "content";
/// The episodes' folder, inside the content folder.
pub const EPISODES_DIR: &str = "episodes";

/// Everything read from `content/`, in file name order; `E` is what
/// [`load_each`] made of each episode file.
#[derive(Debug)]
pub struct Content<E> {
    pub episodes: Vec<E>,
    pub pages: Vec<Source<PageFront>>,
}

/// One Markdown file: its parsed front matter and its body.
#[derive(Debug)]
pub struct Source<F> {
    pub path: PathBuf,
    pub front: F,
    pub body: String,
    /// The file's line where `body` starts (1-based).
    pub body_line: usize,
    /// The front matter's text, for turning spans into lines and columns.
    front_text: String,
    /// The file's stamp when it was read (`None` for text not read from a file).
    pub stamp: Option<FileStamp>,
    /// Control characters removed from the file ([`strip_controls`]).
    pub warnings: Vec<Diagnostic>,
}

/// What tells one version of a file from another without reading it: its
/// size, modification time (ns) and inode. Taken before the file is read,
/// so a change during the read makes the stamp stale, never the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified_ns: i128,
    inode: u64,
}

impl FileStamp {
    /// The stamp of the file at `path`; `None` when it cannot be read.
    pub fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?;
        let modified_ns = match modified.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        };
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        Some(FileStamp {
            len: meta.len(),
            modified_ns,
            inode,
        })
    }
}

/// Returns an episode already parsed from the file at a path when the file
/// still has the given stamp (see [`load_each`]).
pub type Reuse<'a> = dyn Fn(&Path, FileStamp) -> Option<Arc<Source<EpisodeFront>>> + Sync + 'a;

impl<F> Source<F> {
    /// The file's stem (`001-hello` for `001-hello.md`).
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// An error about the front matter value at `keys` (table names, keys
    /// and array indexes), pointing at its line when it is found.
    pub fn error_at_keys(&self, keys: &[&str], message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(self.path.clone(), message);
        match crate::config::locate(&self.front_text, keys) {
            Some((line, column)) => d.at(line + 1, column),
            None => d,
        }
    }

    /// An error about the front matter value at `span`.
    pub fn error_at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(&self.front_text, spanned.span().start);
        Diagnostic::error(self.path.clone(), message).at(line + 1, column)
    }

    /// The file's line where the text of a front matter string starts
    /// (after the `"""` of a multi-line string that opens a line of its own).
    pub fn text_line(&self, spanned: &Spanned<String>) -> usize {
        let start = spanned.span().start;
        let (line, _) = line_col(&self.front_text, start);
        let raw = self.front_text.get(start..).unwrap_or("");
        let own_line = raw.starts_with("\"\"\"\n") || raw.starts_with("'''\n");
        line + 1 + usize::from(own_line)
    }
}

/// An episode's front matter, exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeFront {
    pub title: String,
    pub date: Spanned<toml::value::Datetime>,
    #[serde(default)]
    pub episode: Option<Spanned<u32>>,
    #[serde(default)]
    pub season: Option<u32>,
    /// Path of the audio file, relative to the media folder.
    #[serde(default)]
    pub audio: Option<Spanned<String>>,
    /// Remote audio: the enclosure's recorded facts, used instead of a
    /// local file (see [`EnclosureFront`]).
    #[serde(default)]
    pub enclosure: Option<Spanned<EnclosureFront>>,
    /// Plain text for listings and the feed.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub explicit: Option<bool>,
    #[serde(default)]
    pub guid: Option<Spanned<String>>,
    /// Publish `guid` with `isPermaLink="true"` (an imported episode whose
    /// old feed did so: some apps, gPodder among them, read such a GUID as
    /// an address, so the attribute is part of its identity).
    #[serde(default)]
    pub guid_permalink: bool,
    #[serde(default)]
    pub episode_type: EpisodeType,
    #[serde(default)]
    pub slug: Option<Spanned<String>>,
    /// The episode's own cover art, a path under `static/`.
    #[serde(default)]
    pub image: Option<Spanned<String>>,
    #[serde(default)]
    pub feedback: Vec<Feedback>,
    #[serde(default)]
    pub credits: Vec<Spanned<Credit>>,
    #[serde(default)]
    pub supporters: Vec<String>,
    #[serde(default)]
    pub chapters: Vec<Spanned<ChapterFront>>,
    /// Free-form values for custom templates.
    #[serde(default)]
    pub extra: toml::Table,
    /// `[value]`: replaces the show's `[value]` for this episode.
    #[serde(default)]
    pub value: Option<crate::value::Value>,
    /// Other formats of the audio, files in the media folder
    /// (`podcast:alternateEnclosure`).
    #[serde(default)]
    pub alternate_audio: Vec<Spanned<String>>,
    /// `[[soundbites]]`: highlights (`podcast:soundbite`).
    #[serde(default)]
    pub soundbites: Vec<crate::feed_settings::Soundbite>,
    /// The episode's `podcast:license`.
    #[serde(default)]
    pub license: Option<crate::feed_settings::License>,
    /// What the episode is about, as a place (`podcast:location`).
    #[serde(default)]
    pub location: Option<crate::feed_settings::Location>,
    /// Where listeners comment, e.g. a Mastodon post (`podcast:socialInteract`).
    #[serde(default)]
    pub comments_url: Option<String>,
}

/// `full`, `trailer` or `bonus`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EpisodeType {
    #[default]
    Full,
    Trailer,
    Bonus,
}

impl EpisodeType {
    /// The name used in front matter and in `itunes:episodeType`.
    pub fn as_str(self) -> &'static str {
        match self {
            EpisodeType::Full => "full",
            EpisodeType::Trailer => "trailer",
            EpisodeType::Bonus => "bonus",
        }
    }
}

/// `[[feedback]]`: a listener's message.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub from: String,
    /// "email", "Patreon"...
    #[serde(default)]
    pub via: Option<String>,
    /// Markdown: the host's words about it.
    #[serde(default)]
    pub intro: Option<Spanned<String>>,
    /// Markdown: the listener's own words.
    #[serde(default)]
    pub quote: Option<Spanned<String>>,
}

/// `[enclosure]`: audio that is not on local disk (e.g. an imported
/// episode's file, still on its old host). `build` publishes these facts
/// as they are written and never measures or guesses them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnclosureFront {
    /// The audio's public `http(s)://` address (the enclosure URL).
    pub url: String,
    /// Its size in bytes (the enclosure `length`).
    pub length: u64,
    /// Its MIME type, e.g. `audio/mpeg` (the enclosure `type`).
    #[serde(rename = "type")]
    pub mime: String,
    /// Its duration (`itunes:duration`); left out of the feed when not known.
    #[serde(default)]
    pub duration: Option<Timestamp>,
    /// `[[enclosure.transcripts]]`: its transcripts on the remote host.
    #[serde(default)]
    pub transcripts: Vec<crate::transcript::RemoteTranscript>,
}

/// `[[chapters]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterFront {
    pub start: Timestamp,
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// A point in the audio, in seconds; written `"H:MM:SS"`, `"MM:SS"` (either
/// with an optional fraction of a second, `.mmm`) or as seconds.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Timestamp(pub f64);

/// What a chapter time should look like, for messages.
const TIME_FORMS: &str =
    "write H:MM:SS or MM:SS, with an optional .mmm for milliseconds (e.g. \"1:02:03.250\"), or a number of seconds";

impl Timestamp {
    /// Parses `"H:MM:SS"`, `"MM:SS"` or `"SS"`, each part a number; seconds
    /// may have a fraction. In `H:MM:SS` and `MM:SS`, minutes and seconds go
    /// up to 59.
    pub fn parse(text: &str) -> Option<Timestamp> {
        Timestamp::parse_or_why(text).ok()
    }

    /// Like [`Timestamp::parse`], with the reason a text is not a time.
    fn parse_or_why(text: &str) -> std::result::Result<Timestamp, String> {
        let not_a_time = || format!("{text:?} is not a time; {TIME_FORMS}");
        let parts: Vec<&str> = text.trim().split(':').collect();
        if parts.len() > 3 {
            return Err(not_a_time());
        }
        let (last, whole) = parts.split_last().ok_or_else(not_a_time)?;
        let mut numbers = Vec::with_capacity(parts.len());
        for part in whole {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(not_a_time());
            }
            numbers.push(part.parse::<f64>().map_err(|_| not_a_time())?);
        }
        if last.is_empty() || !last.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(not_a_time());
        }
        let seconds: f64 = last.parse().map_err(|_| not_a_time())?;
        numbers.push(seconds);
        let total = numbers.iter().fold(0.0, |total, n| total * 60.0 + n);
        if !total.is_finite() {
            return Err(not_a_time());
        }
        // The minutes and seconds of a clock time (all of MM:SS, and all but
        // the hours of H:MM:SS) are below 60.
        let minutes_and_seconds = match numbers.len() {
            3 => &numbers[1..],
            2 => &numbers[..],
            _ => &[],
        };
        if minutes_and_seconds.iter().any(|n| *n >= 60.0) {
            let same = if total.fract() == 0.0 {
                format!(
                    " (\"{}\" is the same point)",
                    crate::site::format_clock(total)
                )
            } else {
                String::new()
            };
            return Err(format!(
                "{text:?} is not a time: minutes and seconds go up to 59{same}; {TIME_FORMS}"
            ));
        }
        Ok(Timestamp(total))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct TimestampVisitor;
        impl Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time such as \"1:02:03\", \"02:03\" or a number of seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Timestamp, E> {
                Timestamp::parse_or_why(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Timestamp, E> {
                if v < 0 {
                    return Err(E::custom("a time cannot be negative"));
                }
                Ok(Timestamp(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Timestamp, E> {
                Ok(Timestamp(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Timestamp, E> {
                if !v.is_finite() || v < 0.0 {
                    return Err(E::custom("a time must be a positive number of seconds"));
                }
                Ok(Timestamp(v))
            }
        }
        deserializer.deserialize_any(TimestampVisitor)
    }
}

/// A standalone page's front matter (`content/about.md` becomes `/about/`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: String,
    #[serde(default)]
    pub slug: Option<Spanned<String>>,
    /// Plain text for the page's meta description.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub draft: bool,
    /// Free-form values for custom templates.
    #[serde(default)]
    pub extra: toml::Table,
}

/// Reads every episode and page under `<root>/content`, listing all
/// problems at once. Each episode's parsed source goes to `each` as soon as
/// it is read (in parallel), and the result keeps what `each` returns: a
/// caller that drops the source there never holds all the sources at once.
/// An episode file whose stamp `reuse` recognises is not read again: `reuse`
/// gives its parsed source. The sources read are stamped
/// ([`Source::stamp`]), so the caller can keep them. When any file fails to
/// read or parse, the result lists those errors and nothing else.
pub fn load_each<E: Send>(
    root: &Path,
    reuse: &Reuse<'_>,
    each: &(dyn Fn(Arc<Source<EpisodeFront>>) -> E + Sync),
) -> Result<Content<E>> {
    let content_dir = root.join(CONTENT_DIR);
    let episode_files = markdown_files(&content_dir.join(EPISODES_DIR), root)?;
    let page_files = markdown_files(&content_dir, root)?;
    let episodes: Vec<Result<E>> = episode_files
        .par_iter()
        .map(|p| {
            let stamp = FileStamp::of(p);
            if let Some(source) = stamp.and_then(|s| reuse(p, s)) {
                return Ok(each(source));
            }
            let mut source = read_source::<EpisodeFront>(p, "front matter key")?;
            source.stamp = stamp;
            Ok(each(Arc::new(source)))
        })
        .collect();
    let pages: Vec<Result<Source<PageFront>>> = page_files
        .par_iter()
        .map(|p| read_source(p, "front matter key"))
        .collect();
    let (episodes, mut errors) = partition(episodes);
    let (pages, page_errors) = partition(pages);
    errors.extend(page_errors);
    if errors.is_empty() {
        Ok(Content { episodes, pages })
    } else {
        Err(Error::many(errors))
    }
}

fn partition<T>(results: Vec<Result<T>>) -> (Vec<T>, Vec<Error>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

/// The `.md` files directly in `dir`, sorted by name; a missing folder is empty.
/// Symbolic links that lead outside the site are refused.
fn markdown_files(dir: &Path, root: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, "read the folder", e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, "read the folder", e))?;
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        // The folder listing tells the type: only a link costs a lookup.
        let file_type = entry.file_type().map_err(|e| Error::io(&path, "read", e))?;
        let is_file = if file_type.is_symlink() {
            if !link_stays_inside(&path, root) {
                return Err(
                    Diagnostic::error(path, "this symbolic link points outside the site")
                        .help("copy the file into the site instead of linking to it")
                        .into(),
                );
            }
            path.is_file()
        } else {
            file_type.is_file()
        };
        if is_file {
            files.push(path);
        }
    }
    // All in one folder: byte order of the whole path is name order, and
    // cheaper than comparing paths component by component.
    files.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    Ok(files)
}

/// Whether a symbolic link resolves to a place inside `root`.
pub fn link_stays_inside(link: &Path, root: &Path) -> bool {
    match (link.canonicalize(), root.canonicalize()) {
        (Ok(target), Ok(root)) => target.starts_with(root),
        _ => false,
    }
}

fn read_source<F: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<Source<F>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read", e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, column) = line_col(&prefix, prefix.len());
        Error::from(
            Diagnostic::error(path.to_path_buf(), "this file is not UTF-8 text")
                .at(line, column)
                .help("save it as UTF-8 in your editor"),
        )
    })?;
    parse_source(&text, path, what)
}

/// Splits and parses one file's text; `path` is used in messages. Stray
/// control characters are removed first, from the text and from every
/// front matter string (see [`strip_controls`]), with a warning.
pub fn parse_source<F: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    what: &str,
) -> Result<Source<F>> {
    let (text, mut found) = strip_controls(text);
    let (front_text, body) = split_front_matter(&text, path)?;
    let front = parse_toml(&front_text, path, 1, what, &mut found)?;
    Ok(Source {
        path: path.to_path_buf(),
        front,
        body,
        // The `+++` lines, and the front matter's (each ends with `\n`).
        body_line: front_text.matches('\n').count() + 3,
        front_text,
        stamp: None,
        warnings: control_warnings(path, found),
    })
}

/// Whether `c` is a control character that never reaches a page or the
/// feed: C0 controls other than tab and line feed (a carriage return ends
/// a line instead), DEL, and the C1 controls U+0080–U+009F. XML forbids
/// most of them, browsers show boxes or nothing, and they are invisible
/// in most editors.
pub fn is_stray_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// A control character [`strip_controls`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrayControl {
    /// 1-based line and column where it was (the column counts characters).
    pub line: usize,
    pub column: usize,
    pub found: char,
}

/// `text` without stray control characters ([`is_stray_control`]): `\r\n`
/// and a lone `\r` become `\n` (a carriage return ends a line, as Markdown
/// reads it), every other one is removed and listed. Every file podsmith
/// reads text from goes through here first (episodes and pages in
/// [`parse_source`], podcast.toml in [`crate::config::Config::parse`]), and
/// so does every string parsed from their TOML (the escapes `\u0000`,
/// `\b`...), so that no text field carries one into a page or the feed.
/// Borrows `text` when it is clean (one fast pass over the bytes).
pub fn strip_controls(text: &str) -> (std::borrow::Cow<'_, str>, Vec<StrayControl>) {
    let bytes = text.as_bytes();
    // In UTF-8 they are the bytes below 0x20 but tab and line feed, 0x7F,
    // and C2 80..C2 9F. A first pass without branches (vector instructions)
    // looks for those bytes and 0xC2; only a hit is looked at closely.
    let rough = |chunk: &[u8]| {
        chunk.iter().fold(false, |hit, &b| {
            hit | ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b == 0x7F) | (b == 0xC2)
        })
    };
    let suspect = bytes.chunks(64).any(rough)
        && bytes.iter().enumerate().any(|(i, &b)| {
            (b < 0x20 && b != b'\t' && b != b'\n')
                || b == 0x7F
                || (b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
        });
    if !suspect {
        return (std::borrow::Cow::Borrowed(text), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    let (mut line, mut column) = (1, 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            c if is_stray_control(c) => {
                found.push(StrayControl {
                    line,
                    column,
                    found: c,
                });
                column += 1;
                continue;
            }
            c => out.push(c),
        }
        if out.ends_with('\n') {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    (std::borrow::Cow::Owned(out), found)
}

/// One warning per line of `path` where control characters were removed
/// (at most 20; then one that counts the rest).
pub fn control_warnings(path: &Path, mut found: Vec<StrayControl>) -> Vec<Diagnostic> {
    const SHOWN: usize = 20;
    found.sort_by_key(|f| (f.line, f.column));
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut lines = found.chunk_by(|a, b| a.line == b.line);
    for group in lines.by_ref().take(SHOWN) {
        let mut names: Vec<String> = group
            .iter()
            .map(|f| format!("U+{:04X}", u32::from(f.found)))
            .collect();
        names.dedup();
        let what = match names.len() {
            1 => format!("control character {}", names[0]),
            _ => format!("control characters {}", names.join(", ")),
        };
        warnings.push(
            Diagnostic::warning(path.to_path_buf(), format!("removed the {what}"))
                .at(group[0].line, group[0].column)
                .help("control characters (NUL, escape, C1 codes...) are invisible in most editors and break pages and the feed; delete them from the file"),
        );
    }
    let rest = lines.count();
    if rest > 0 {
        warnings.push(Diagnostic::warning(
            path.to_path_buf(),
            format!("removed control characters on {rest} more lines"),
        ));
    }
    warnings
}

/// Removes stray control characters from every string (and key) of a
/// parsed TOML table; `found` gets the place of each string changed (the
/// start of its value: an escape such as `\u0007` has no place of its own
/// in the text).
pub(crate) fn strip_toml_controls(
    table: &mut toml::de::DeTable<'_>,
    text: &str,
    line_offset: usize,
    found: &mut Vec<StrayControl>,
) {
    fn clean(
        value: &mut std::borrow::Cow<'_, str>,
        at: usize,
        text: &str,
        line_offset: usize,
        found: &mut Vec<StrayControl>,
    ) {
        let (clean, removed) = strip_controls(value);
        let changed = matches!(clean, std::borrow::Cow::Owned(_));
        if changed {
            let clean = clean.into_owned();
            let (line, column) = line_col(text, at);
            found.extend(removed.into_iter().map(|r| StrayControl {
                line: line + line_offset,
                column,
                found: r.found,
            }));
            *value = std::borrow::Cow::Owned(clean);
        }
    }
    fn walk(
        value: &mut toml::de::DeValue<'_>,
        at: usize,
        text: &str,
        line_offset: usize,
        found: &mut Vec<StrayControl>,
    ) {
        match value {
            toml::de::DeValue::String(s) => clean(s, at, text, line_offset, found),
            toml::de::DeValue::Array(items) => {
                for item in items.iter_mut() {
                    let at = item.span().start;
                    walk(item.get_mut(), at, text, line_offset, found);
                }
            }
            toml::de::DeValue::Table(table) => tables(table, text, line_offset, found),
            _ => {}
        }
    }
    fn tables(
        table: &mut toml::de::DeTable<'_>,
        text: &str,
        line_offset: usize,
        found: &mut Vec<StrayControl>,
    ) {
        for (_, value) in table.iter_mut() {
            let at = value.span().start;
            walk(value.get_mut(), at, text, line_offset, found);
        }
        if table
            .keys()
            .any(|k| k.get_ref().chars().any(is_stray_control))
        {
            let entries = std::mem::take(table);
            *table = entries
                .into_iter()
                .map(|(key, value)| {
                    let span = key.span();
                    let mut name = key.into_inner();
                    clean(&mut name, span.start, text, line_offset, found);
                    (Spanned::new(span, name), value)
                })
                .collect();
        }
    }
    tables(table, text, line_offset, found);
}

/// Splits `+++` front matter from the body. Accepts a byte-order mark and
/// Windows line endings; the front matter keeps its line numbering.
pub fn split_front_matter(text: &str, path: &Path) -> Result<(String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err(Diagnostic::error(path.to_path_buf(), "the file does not start with a `+++` line")
            .at(1, 1)
            .help("put the front matter between two lines of `+++` at the top of the file, e.g.\n+++\ntitle = \"...\"\ndate = 2026-01-06\n+++")
            .into());
    }
    let mut end = first.len();
    for line in lines {
        if line.trim_end() == "+++" {
            let front = &text[first.len()..end];
            return Ok((unix_lines(front), unix_lines(&text[end + line.len()..])));
        }
        end += line.len();
    }
    Err(Diagnostic::error(
        path.to_path_buf(),
        "the front matter has no closing `+++` line",
    )
    .at(1, 1)
    .help("add a line of `+++` after the last front matter key")
    .into())
}

/// `text` with Windows line ends (`\r\n`) made `\n` (copied only if needed).
fn unix_lines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(text: &str) -> Result<Source<EpisodeFront>> {
        parse_source(
            text,
            Path::new("content/episodes/001-a.md"),
            "front matter key",
        )
    }

    #[test]
    fn parses_a_full_episode() {
        let src = episode(
            "+++\ntitle = \"A\"\ndate = 2026-01-06\nepisode = 1\nsupporters = [\"X\"]\n[[chapters]]\nstart = \"01:02\"\ntitle = \"c\"\n+++\nBody\n",
        )
        .unwrap();
        assert_eq!(src.front.title, "A");
        assert_eq!(src.front.chapters[0].get_ref().start, Timestamp(62.0));
        assert_eq!(src.body, "Body\n");
        assert_eq!(src.stem(), "001-a");
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let src =
            episode("\u{feff}+++\r\ntitle = \"A\"\r\ndate = 2026-01-06\r\n+++\r\nHi\r\n").unwrap();
        assert_eq!(src.body, "Hi\n");
    }

    #[test]
    fn wrong_type_is_located() {
        let e = episode("+++\ntitle = \"A\"\ndate = 2026-01-06\nepisode = \"five\"\n+++\n")
            .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("001-a.md:4:11"), "{text}");
    }

    #[test]
    fn unknown_key_suggests() {
        let e = episode("+++\ntitle = \"A\"\ndate = 2026-01-06\nsupporter = [\"x\"]\n+++\n")
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("001-a.md:4:1: unknown front matter key `supporter`"),
            "{text}"
        );
        assert!(text.contains("did you mean `supporters`?"), "{text}");
    }

    #[test]
    fn missing_fences_are_reported() {
        assert!(episode("title = \"A\"\n")
            .unwrap_err()
            .to_string()
            .contains("does not start with a `+++`"));
        assert!(episode("+++\ntitle = \"A\"\n")
            .unwrap_err()
            .to_string()
            .contains("no closing `+++`"));
    }

    #[test]
    fn control_characters_are_removed_and_located() {
        let (clean, found) = strip_controls("a\u{0}b\r\nc\rd\u{85}\u{7f}\te\u{a0}");
        assert_eq!(clean, "ab\nc\nd\te\u{a0}");
        let at: Vec<(usize, usize, char)> =
            found.iter().map(|f| (f.line, f.column, f.found)).collect();
        assert_eq!(at, [(1, 2, '\0'), (3, 2, '\u{85}'), (3, 3, '\u{7f}')]);
        assert!(matches!(
            strip_controls("clean\ttext\n© ok"),
            (std::borrow::Cow::Borrowed(_), ref f) if f.is_empty()
        ));
    }

    #[test]
    fn control_characters_leave_no_field() {
        let src = episode(
            "+++\ntitle = \"A\\u0007B\"\ndate = 2026-01-06\nsupporters = [\"x\\u009by\"]\n[extra]\n\"k\\u0000\" = \"v\\b\"\n+++\nBody\u{1b} text\r\n",
        )
        .unwrap();
        assert_eq!(src.front.title, "AB");
        assert_eq!(src.front.supporters, ["xy"]);
        assert_eq!(src.front.extra.get("k").and_then(|v| v.as_str()), Some("v"));
        assert_eq!(src.body, "Body text\n");
        let lines: Vec<Option<usize>> = src.warnings.iter().map(|w| w.line).collect();
        assert_eq!(
            lines,
            [Some(2), Some(4), Some(6), Some(8)],
            "{:?}",
            src.warnings
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(Timestamp::parse("01:02:03"), Some(Timestamp(3723.0)));
        assert_eq!(Timestamp::parse("02:03.5"), Some(Timestamp(123.5)));
        assert_eq!(Timestamp::parse("75"), Some(Timestamp(75.0)));
        assert_eq!(Timestamp::parse("1:75"), None);
        assert_eq!(Timestamp::parse("0:61:00"), None);
        assert_eq!(Timestamp::parse("75:00"), None);
        assert_eq!(Timestamp::parse("1:00:60"), None);
        assert_eq!(Timestamp::parse("100:59:59.5"), Some(Timestamp(363599.5)));
        assert_eq!(Timestamp::parse("0:00:05.250"), Some(Timestamp(5.25)));
        let why = Timestamp::parse_or_why("0:61:00").unwrap_err();
        assert!(
            why.contains("go up to 59 (\"1:01:00\" is the same point)"),
            "{why}"
        );
        assert_eq!(Timestamp::parse("a:b"), None);
        assert_eq!(Timestamp::parse(""), None);
    }
}
