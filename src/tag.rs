//! `podsmith tag`: writes ID3v2.4 tags into episodes' MP3 files from the
//! front matter and the show's settings, so podcast apps that read the file
//! (and podsmith's own audio reader) see the same titles and chapters as the
//! site and the feed.
//!
//! Only the tag at the start of the file is replaced: the audio after it is
//! copied byte for byte into a temporary file beside the original, which is
//! then renamed over it. Frames podsmith does not manage are kept. When the
//! tag would not change, the file is not written at all.

use crate::error::{display_path, Diagnostic, Error, Result};
use crate::site::{Episode, LoadOptions, Site};
use crate::text::plural;
use id3::frame::{Chapter, Comment, ExtendedLink, Picture, PictureType, TableOfContents};
use id3::{Content, Frame, Tag, TagLike, Timestamp, Version};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// What `podsmith tag` was asked for.
#[derive(Debug, Clone)]
pub struct TagOptions {
    pub root: PathBuf,
    /// Slugs or numbers; empty: every episode with MP3 audio.
    pub episodes: Vec<String>,
    pub dry_run: bool,
}

/// One frame that changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameChange {
    /// The frame id, with the chapter id or comment language where useful.
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl std::fmt::Display for FrameChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.old, &self.new) {
            (None, Some(new)) => write!(f, "+ {}: {new}", self.key),
            (Some(old), None) => write!(f, "- {}: {old}", self.key),
            (Some(old), Some(new)) => write!(f, "~ {}: {old} -> {new}", self.key),
            (None, None) => write!(f, "  {}", self.key),
        }
    }
}

/// What tagging one file did (or would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagOutcome {
    pub changes: Vec<FrameChange>,
    /// The tag was in an older ID3 version and is rewritten as v2.4.
    pub upgraded_from: Option<String>,
    /// Whether the file was written.
    pub written: bool,
}

impl TagOutcome {
    pub fn is_unchanged(&self) -> bool {
        self.changes.is_empty() && self.upgraded_from.is_none()
    }
}

/// Tags the chosen episodes.
pub fn run(options: &TagOptions) -> Result<()> {
    let load = LoadOptions {
        include_drafts: true,
        ..LoadOptions::default()
    };
    let site = crate::load_site(&options.root, &load, None)?;
    let chosen = select(&site, &options.episodes)?;
    if chosen.is_empty() {
        println!("No episode has an MP3 file to tag.");
        return Ok(());
    }
    let (mut changed, mut unchanged) = (0, 0);
    for episode in chosen {
        let audio = episode
            .audio
            .as_ref()
            .expect("selected episodes have audio");
        let frames = managed_frames(&site, episode)?;
        let outcome = tag_file(&audio.path, &frames, options.dry_run)?;
        let shown = display_path(&audio.path);
        if outcome.is_unchanged() {
            unchanged += 1;
            println!("Unchanged {shown}");
            continue;
        }
        changed += 1;
        let verb = if options.dry_run {
            "Would tag"
        } else {
            "Tagged"
        };
        println!("{verb} {shown}");
        if let Some(version) = &outcome.upgraded_from {
            println!("  ~ version: {version} -> ID3v2.4");
        }
        for change in &outcome.changes {
            println!("  {change}");
        }
    }
    let what = if options.dry_run {
        "would change"
    } else {
        "changed"
    };
    println!(
        "{changed} file{} {what}, {unchanged} unchanged",
        plural(changed)
    );
    Ok(())
}

fn is_mp3(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("mp3"))
}

/// The episodes named by slug or number (all with MP3 audio when none is).
pub fn select<'a>(site: &'a Site, wanted: &[String]) -> Result<Vec<&'a Episode>> {
    let has_mp3 = |e: &Episode| e.audio.as_ref().is_some_and(|a| is_mp3(&a.path));
    if wanted.is_empty() {
        let mut all: Vec<&Episode> = site
            .episodes
            .iter()
            .map(|e| &**e)
            .filter(|e| has_mp3(e))
            .collect();
        all.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.slug.cmp(&b.slug)));
        return Ok(all);
    }
    let mut chosen: Vec<&Episode> = Vec::new();
    let mut errors = Vec::new();
    for name in wanted {
        let number = name.trim().parse::<u32>().ok();
        let found = site
            .episodes
            .iter()
            .find(|e| e.slug == *name || (number.is_some() && e.number == number));
        match found {
            Some(e) if has_mp3(e) => {
                if !chosen.iter().any(|c| c.slug == e.slug) {
                    chosen.push(e);
                }
            }
            Some(e) => errors.push(Error::from(
                Diagnostic::error(
                    e.source.clone(),
                    format!("episode {name:?} has no MP3 audio to tag"),
                )
                .help("ID3 tags are written into MP3 files only"),
            )),
            None => errors.push(Error::from(
                Diagnostic::error(None, format!("no episode with the slug or number {name:?}"))
                    .help("name episodes by slug (e.g. 001-welcome) or number (e.g. 1)"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(chosen)
    } else {
        Err(Error::many(errors))
    }
}

/// The frames podsmith writes for `episode`, in a fixed order.
pub fn managed_frames(site: &Site, episode: &Episode) -> Result<Vec<Frame>> {
    let config = &site.config;
    let mut frames = vec![Frame::text("TIT2", episode.title.clone())];
    if !config.author.trim().is_empty() {
        frames.push(Frame::text("TPE1", config.author.trim()));
    }
    frames.push(Frame::text("TALB", config.title.trim()));
    if let Some(n) = episode.number {
        frames.push(Frame::text("TRCK", n.to_string()));
    }
    let date = episode.date.with_timezone(&chrono::Utc);
    use chrono::{Datelike, Timelike};
    let timestamp = Timestamp {
        year: date.year(),
        month: Some(date.month() as u8),
        day: Some(date.day() as u8),
        hour: Some(date.hour() as u8),
        minute: Some(date.minute() as u8),
        second: Some(date.second() as u8),
    };
    frames.push(Frame::with_content(
        "TDRC",
        Content::Text(timestamp.to_string()),
    ));
    frames.push(Frame::text("TCON", "Podcast"));
    if !episode.summary.trim().is_empty() {
        frames.push(Frame::from(Comment {
            lang: id3_language(&config.language).to_string(),
            description: String::new(),
            text: episode.summary.trim().to_string(),
        }));
    }
    frames.push(Frame::link("WOAS", episode.url.clone()));
    if let Some(picture) = cover(site, episode)? {
        frames.push(Frame::from(picture));
    }
    // Chapters from the front matter; chapters that came from the file
    // itself are left as they are.
    if !episode.chapters.is_empty() && !episode.chapters_from_file {
        let duration = episode
            .audio
            .as_ref()
            .map(|a| a.info.duration)
            .unwrap_or(0.0);
        let ms = |s: f64| (s.max(0.0) * 1000.0).round().min(u32::MAX as f64) as u32;
        let mut ids = Vec::new();
        for (i, c) in episode.chapters.iter().enumerate() {
            let start = ms(c.start);
            let end = c
                .end
                .or_else(|| episode.chapters.get(i + 1).map(|n| n.start))
                .or((duration > 0.0).then_some(duration))
                .map(ms)
                .unwrap_or(start)
                .max(start);
            let id = format!("chp{i}");
            let mut sub = vec![Frame::text("TIT2", c.title.clone())];
            if let Some(url) = &c.url {
                sub.push(Frame::from(ExtendedLink {
                    description: String::new(),
                    link: url.clone(),
                }));
            }
            frames.push(Frame::from(Chapter {
                element_id: id.clone(),
                start_time: start,
                end_time: end,
                start_offset: u32::MAX,
                end_offset: u32::MAX,
                frames: sub,
            }));
            ids.push(id);
        }
        frames.push(Frame::from(TableOfContents {
            element_id: "toc".into(),
            top_level: true,
            ordered: true,
            elements: ids,
            frames: Vec::new(),
        }));
    }
    Ok(frames)
}

/// ISO 639-2 code for a comment's language (`und` when unknown).
fn id3_language(language: &str) -> &'static str {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.as_str() {
        "en" => "eng",
        "de" => "deu",
        "fr" => "fra",
        "es" => "spa",
        "it" => "ita",
        "nl" => "nld",
        "pt" => "por",
        "sv" => "swe",
        "da" => "dan",
        "no" | "nb" | "nn" => "nor",
        "fi" => "fin",
        "pl" => "pol",
        "cs" => "ces",
        "ja" => "jpn",
        "zh" => "zho",
        "ko" => "kor",
        "ru" => "rus",
        "uk" => "ukr",
        "tr" => "tur",
        _ => "und",
    }
}

/// The cover picture: the episode's own image, else the show's.
fn cover(site: &Site, episode: &Episode) -> Result<Option<Picture>> {
    let base = &site.config.base_url;
    let remote = match (&episode.image_url, &site.config.image) {
        (Some(url), _) if episode.extras.image_remote => Some(url.clone()),
        (None, Some(image)) if crate::config::is_remote_image(image) => {
            Some(image.trim().to_string())
        }
        _ => None,
    };
    if let Some(url) = remote {
        eprintln!(
            "{}",
            Diagnostic::warning(
                episode.source.clone(),
                format!("cover art not embedded: {url} is a remote image, and tag embeds only files under static/"),
            )
            .help("download the image into static/ and set `image` to its path there to have it embedded")
        );
        return Ok(None);
    }
    let rel = episode
        .image_url
        .as_deref()
        .and_then(|url| url.strip_prefix(base.as_str()))
        .map(crate::slug::percent_decode)
        .or_else(|| site.config.image.clone());
    let Some(rel) = rel else {
        return Ok(None);
    };
    let path = site.root.join("static").join(&rel);
    let mime = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => {
            eprintln!(
                "{}",
                Diagnostic::warning(path, "not embedded: cover art must be PNG or JPEG")
            );
            return Ok(None);
        }
    };
    let data = match std::fs::read(&path) {
        Ok(data) => data,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, "read", e)),
    };
    Ok(Some(Picture {
        mime_type: mime.into(),
        picture_type: PictureType::CoverFront,
        description: String::new(),
        data,
    }))
}

/// Whether a frame of the existing tag is replaced by `managed`.
fn is_replaced(frame: &Frame, managed: &[Frame]) -> bool {
    let id = frame.id();
    let sets = |id: &str| managed.iter().any(|m| m.id() == id);
    match id {
        // Older date frames give way to TDRC.
        "TYER" | "TDAT" | "TIME" | "TRDA" => sets("TDRC"),
        "COMM" => {
            sets("COMM")
                && frame
                    .content()
                    .comment()
                    .is_some_and(|c| c.description.is_empty())
        }
        "APIC" => {
            sets("APIC")
                && frame
                    .content()
                    .picture()
                    .is_some_and(|p| p.picture_type == PictureType::CoverFront)
        }
        "CHAP" | "CTOC" => sets("CHAP"),
        _ => sets(id),
    }
}

/// A frame's key and value, for showing changes.
fn describe(frame: &Frame) -> (String, String) {
    let id = frame.id().to_string();
    match frame.content() {
        Content::Text(t) => (id, format!("{t:?}")),
        Content::Link(l) => (id, l.clone()),
        Content::Comment(c) => (format!("{id}[{}]", c.lang), format!("{:?}", c.text)),
        Content::Picture(p) => (
            id,
            format!(
                "{} {}, {} bytes, checksum {:08x}",
                p.picture_type,
                p.mime_type,
                p.data.len(),
                checksum(&p.data)
            ),
        ),
        Content::Chapter(c) => {
            let title = c
                .frames
                .iter()
                .find(|f| f.id() == "TIT2")
                .and_then(|f| f.content().text())
                .unwrap_or("");
            let url = c
                .frames
                .iter()
                .find_map(|f| f.content().extended_link())
                .map(|l| format!(" <{}>", l.link))
                .unwrap_or_default();
            (
                format!("{id} {}", c.element_id),
                format!("{}-{} ms {title:?}{url}", c.start_time, c.end_time),
            )
        }
        Content::TableOfContents(t) => (format!("{id} {}", t.element_id), t.elements.join(", ")),
        other => (id, format!("{other}")),
    }
}

/// FNV-1a, to tell pictures apart in the change list.
fn checksum(data: &[u8]) -> u32 {
    data.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// Writes `managed` frames into the MP3 at `path` (keeping other frames),
/// unless the tag already says exactly that. With `dry_run` nothing is
/// written either way.
pub fn tag_file(path: &Path, managed: &[Frame], dry_run: bool) -> Result<TagOutcome> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, "open", e))?;
    // Checked before the `id3` crate reads it (see `id3tags::bounded_tag`);
    // a damaged tag is not rewritten, since frames would be lost.
    let raw = crate::audio::id3tags::raw_id3v2(&file).map_err(|e| Error::io(path, "read", e))?;
    let raw = match raw.map(crate::audio::id3tags::bounded_tag) {
        Some((_, Some(why))) => {
            return Err(Diagnostic::error(
                path.to_path_buf(),
                format!("cannot read the ID3 tag: it is damaged ({why})"),
            )
            .help("repair or remove the tag with an audio tagger, then run podsmith tag again")
            .into())
        }
        Some((bytes, None)) => Some(bytes),
        None => None,
    };
    let existing = match raw.map(|bytes| Tag::read_from2(std::io::Cursor::new(bytes))) {
        None => None,
        Some(Ok(tag)) => Some(tag),
        Some(Err(e)) if matches!(e.kind, id3::ErrorKind::NoTag) => None,
        Some(Err(e)) => {
            return Err(Diagnostic::error(
                path.to_path_buf(),
                format!("cannot read the ID3 tag: {e}"),
            )
            .help("repair or remove the tag with an audio tagger, then run podsmith tag again")
            .into())
        }
    };
    file.rewind().map_err(|e| Error::io(path, "read", e))?;
    let has_tag = Tag::skip(&mut file).map_err(|e| {
        Error::from(Diagnostic::error(
            path.to_path_buf(),
            format!("cannot read the ID3 tag: {e}"),
        ))
    })?;
    let audio_start = if has_tag {
        file.stream_position()
            .map_err(|e| Error::io(path, "read", e))?
    } else {
        0
    };

    let mut desired = Tag::new();
    let mut removed: Vec<&Frame> = Vec::new();
    if let Some(existing) = &existing {
        for frame in existing.frames() {
            if is_replaced(frame, managed) {
                removed.push(frame);
            } else {
                desired.add_frame(frame.clone());
            }
        }
    }
    for frame in managed {
        desired.add_frame(frame.clone());
    }

    let encode = |tag: &Tag| -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        tag.write_to(&mut bytes, Version::Id3v24).map_err(|e| {
            Error::from(Diagnostic::error(
                path.to_path_buf(),
                format!("cannot encode the ID3 tag: {e}"),
            ))
        })?;
        Ok(bytes)
    };
    let new_bytes = encode(&desired)?;
    let upgraded_from = existing
        .as_ref()
        .filter(|t| t.version() != Version::Id3v24)
        .map(|t| match t.version() {
            Version::Id3v22 => "ID3v2.2".to_string(),
            Version::Id3v23 => "ID3v2.3".to_string(),
            Version::Id3v24 => "ID3v2.4".to_string(),
        });
    let same = match &existing {
        Some(tag) => upgraded_from.is_none() && encode(tag)? == new_bytes,
        None => false,
    };
    let changes = diff(&removed, managed);
    if same {
        return Ok(TagOutcome {
            changes: Vec::new(),
            upgraded_from: None,
            written: false,
        });
    }
    if dry_run {
        return Ok(TagOutcome {
            changes,
            upgraded_from,
            written: false,
        });
    }
    file.seek(std::io::SeekFrom::Start(audio_start))
        .map_err(|e| Error::io(path, "read", e))?;
    replace_file(path, &new_bytes, &mut file)?;
    Ok(TagOutcome {
        changes,
        upgraded_from,
        written: true,
    })
}

/// The changes from the `removed` frames to the `managed` ones, by key.
fn diff(removed: &[&Frame], managed: &[Frame]) -> Vec<FrameChange> {
    let old: Vec<(String, String)> = removed.iter().map(|f| describe(f)).collect();
    let new: Vec<(String, String)> = managed.iter().map(describe).collect();
    let mut changes = Vec::new();
    for (key, value) in &new {
        let before = old.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        if before != Some(value) {
            changes.push(FrameChange {
                key: key.clone(),
                old: before.cloned(),
                new: Some(value.clone()),
            });
        }
    }
    for (key, value) in &old {
        if !new.iter().any(|(k, _)| k == key) {
            changes.push(FrameChange {
                key: key.clone(),
                old: Some(value.clone()),
                new: None,
            });
        }
    }
    changes
}

/// Writes `tag` followed by the rest of `audio` into a temporary file beside
/// `path`, then renames it over `path`. When `path` is a symbolic link, the
/// file it points to is replaced, and the link stays as it was.
fn replace_file(path: &Path, tag: &[u8], audio: &mut impl Read) -> Result<()> {
    let target;
    let path = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            target = std::fs::canonicalize(path)
                .map_err(|e| Error::io(path, "find the file behind the link", e))?;
            target.as_path()
        }
        _ => path,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.podsmith-tag-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut out = std::fs::File::create(&temp)?;
        out.write_all(tag)?;
        std::io::copy(audio, &mut out)?;
        out.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Error::io(path, "write the tagged file", e)
    })
}
