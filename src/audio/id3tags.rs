//! ID3v2 tags (via the `id3` crate), an ID3v1 fallback, the cover picture and
//! CHAP/CTOC chapters.

use super::{AudioChapter, AudioTags, CoverInfo};
use id3::{Content, TagLike};
use std::collections::HashSet;
use std::fs::File;
use std::io::{Seek, SeekFrom};

/// Reads the ID3v2 tag at the start of `file`. Returns tags, chapters and a
/// warning when the tag is damaged (whatever could be read is kept).
pub(crate) fn read_id3v2(file: &File) -> (AudioTags, Vec<AudioChapter>, Option<String>) {
    let mut f = file;
    if let Err(e) = f.seek(SeekFrom::Start(0)) {
        return (AudioTags::default(), Vec::new(), Some(e.to_string()));
    }
    match id3::Tag::read_from2(std::io::BufReader::new(f)) {
        Ok(tag) => {
            let (t, c) = convert(&tag);
            (t, c, None)
        }
        Err(e) => {
            let warning = format!(
                "the ID3 tag is damaged ({}); tags may be missing. Fix or rewrite the tag with a tag editor",
                e.description
            );
            match e.partial_tag {
                Some(tag) => {
                    let (t, c) = convert(&tag);
                    (t, c, Some(warning))
                }
                None => (AudioTags::default(), Vec::new(), Some(warning)),
            }
        }
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(|s| s.trim_matches(char::from(0)).trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn convert(tag: &id3::Tag) -> (AudioTags, Vec<AudioChapter>) {
    let year = tag
        .year()
        .or_else(|| tag.date_recorded().map(|d| d.year))
        .or_else(|| tag.date_released().map(|d| d.year));
    let comment = tag
        .comments()
        .find(|c| !c.text.trim().is_empty())
        .map(|c| c.text.trim().to_string());
    let picture = tag
        .pictures()
        .find(|p| p.picture_type == id3::frame::PictureType::CoverFront)
        .or_else(|| tag.pictures().next());
    let cover = picture.map(|p| cover_info(&p.mime_type, &p.data));
    let tags = AudioTags {
        title: non_empty(tag.title()),
        artist: non_empty(tag.artist()),
        album: non_empty(tag.album()),
        year,
        track: tag.track(),
        comment,
        cover,
    };
    (tags, chapters(tag))
}

/// Describes a cover picture: MIME type (sniffed when the tag's is vague) and pixel size.
pub(crate) fn cover_info(declared: &str, data: &[u8]) -> CoverInfo {
    let sniffed = if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"GIF8") {
        Some("image/gif")
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    };
    let mime = match (sniffed, declared) {
        (Some(s), _) => s.to_string(),
        (None, "PNG") => "image/png".to_string(),
        (None, "JPG") => "image/jpeg".to_string(),
        (None, d) => d.to_string(),
    };
    let size = imagesize::blob_size(data).ok();
    CoverInfo {
        mime,
        width: size.and_then(|s| u32::try_from(s.width).ok()),
        height: size.and_then(|s| u32::try_from(s.height).ok()),
        bytes: data.len() as u64,
    }
}

fn ms(v: u32) -> Option<f64> {
    (v != u32::MAX).then(|| f64::from(v) / 1000.0)
}

fn chapter(c: &id3::frame::Chapter) -> AudioChapter {
    let mut title = None;
    let mut url = None;
    let mut woaf = None;
    for fr in &c.frames {
        match (fr.id(), fr.content()) {
            ("TIT2", Content::Text(t)) => title = non_empty(Some(t)),
            ("WXXX", Content::ExtendedLink(l)) if url.is_none() => url = non_empty(Some(&l.link)),
            ("WOAF", Content::Link(l)) => woaf = non_empty(Some(l)),
            _ => {}
        }
    }
    let start = ms(c.start_time).unwrap_or(0.0);
    let end = ms(c.end_time).filter(|&e| e > start);
    AudioChapter {
        start,
        end,
        title,
        url: url.or(woaf),
    }
}

/// Chapters in the order of the top-level CTOC when there is one (nested
/// tables expanded), then any chapters it does not list, by start time.
fn chapters(tag: &id3::Tag) -> Vec<AudioChapter> {
    let chaps: Vec<&id3::frame::Chapter> = tag.chapters().collect();
    if chaps.is_empty() {
        return Vec::new();
    }
    let tocs: Vec<&id3::frame::TableOfContents> = tag.tables_of_contents().collect();
    let mut order: Vec<&id3::frame::Chapter> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    if let Some(root) = tocs.iter().find(|t| t.top_level).or(tocs.first()) {
        let mut stack: Vec<&str> = root.elements.iter().rev().map(String::as_str).collect();
        let mut visited_tocs: HashSet<&str> = HashSet::from([root.element_id.as_str()]);
        while let Some(id) = stack.pop() {
            if let Some(c) = chaps.iter().find(|c| c.element_id == id) {
                if seen.insert(c.element_id.as_str()) {
                    order.push(c);
                }
            } else if let Some(t) = tocs.iter().find(|t| t.element_id == id) {
                if visited_tocs.insert(t.element_id.as_str()) {
                    stack.extend(t.elements.iter().rev().map(String::as_str));
                }
            }
        }
    }
    let mut rest: Vec<&id3::frame::Chapter> = chaps
        .iter()
        .copied()
        .filter(|c| !seen.contains(c.element_id.as_str()))
        .collect();
    rest.sort_by_key(|c| c.start_time);
    order.extend(rest);
    order.into_iter().map(chapter).collect()
}

/// Parses a 128-byte ID3v1 tag.
pub(crate) fn parse_id3v1(b: &[u8]) -> Option<AudioTags> {
    if b.len() != 128 || &b[..3] != b"TAG" {
        return None;
    }
    let text = |r: std::ops::Range<usize>| -> Option<String> {
        let raw = &b[r];
        let end = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
        // ID3v1 is Latin-1: every byte maps to the same code point.
        let s: String = raw[..end].iter().map(|&c| char::from(c)).collect();
        non_empty(Some(&s))
    };
    let (comment, track) = if b[125] == 0 && b[126] != 0 {
        (text(97..125), Some(u32::from(b[126])))
    } else {
        (text(97..127), None)
    };
    Some(AudioTags {
        title: text(3..33),
        artist: text(33..63),
        album: text(63..93),
        year: text(93..97).and_then(|y| y.parse().ok()),
        track,
        comment,
        cover: None,
    })
}

/// Fills fields missing from `v2` with those of `v1`.
pub(crate) fn merge(v2: &mut AudioTags, v1: AudioTags) {
    v2.title = v2.title.take().or(v1.title);
    v2.artist = v2.artist.take().or(v1.artist);
    v2.album = v2.album.take().or(v1.album);
    v2.year = v2.year.or(v1.year);
    v2.track = v2.track.or(v1.track);
    v2.comment = v2.comment.take().or(v1.comment);
}
