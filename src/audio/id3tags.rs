//! ID3v2 tags (via the `id3` crate), an ID3v1 fallback, the cover picture and
//! CHAP/CTOC chapters.

use super::{AudioChapter, AudioTags, CoverInfo};
use id3::{Content, TagLike};
use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

/// Reads the ID3v2 tag at the start of `file`. Returns tags, chapters and a
/// warning when the tag is damaged (whatever could be read is kept).
///
/// The tag is read into memory and checked by [`bounded_tag`] first, so no
/// frame can make the `id3` crate allocate more than the tag really holds.
pub(crate) fn read_id3v2(file: &File) -> (AudioTags, Vec<AudioChapter>, Option<String>) {
    let raw = match raw_id3v2(file) {
        Ok(Some(raw)) => raw,
        Ok(None) => return (AudioTags::default(), Vec::new(), None),
        Err(e) => return (AudioTags::default(), Vec::new(), Some(e.to_string())),
    };
    let (bytes, cut) = bounded_tag(raw);
    let damaged = |why: &str| {
        format!(
            "the ID3 tag is damaged ({why}); tags may be missing. Fix or rewrite the tag with a tag editor"
        )
    };
    match id3::Tag::read_from2(std::io::Cursor::new(bytes)) {
        Ok(tag) => {
            let (t, c) = convert(&tag);
            (t, c, cut.map(|why| damaged(&why)))
        }
        Err(e) => {
            let warning = damaged(&cut.unwrap_or(e.description));
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

/// The ID3v2 tag at the start of `file`, header included, read up to its
/// declared size (less when the file is shorter); `None` without a tag.
pub(crate) fn raw_id3v2(file: &File) -> std::io::Result<Option<Vec<u8>>> {
    let mut f = file;
    let mut header = [0u8; 10];
    f.seek(SeekFrom::Start(0))?;
    match f.read_exact(&mut header) {
        Ok(()) if &header[..3] == b"ID3" => {}
        Ok(()) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut bytes = header.to_vec();
    f.take(u64::from(syncsafe(&header[6..10])))
        .read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

fn syncsafe(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, &x| (acc << 7) | u32::from(x & 0x7F))
}

/// Makes an ID3v2.3 tag safe to hand to the `id3` crate, which allocates
/// each v2.3 frame's declared size before reading it (id3 1.17.2,
/// src/stream/frame/v3.rs). Frames are walked; the tag is cut before the
/// first frame that claims more bytes than the tag has left, and the reason
/// is returned. A tag-level unsynchronisation is undone first, because v2.3
/// frame sizes count the decoded bytes. Other versions read frames through a
/// bounded reader in the crate and are passed through unchanged.
pub(crate) fn bounded_tag(mut tag: Vec<u8>) -> (Vec<u8>, Option<String>) {
    const UNSYNC: u8 = 0x80;
    const EXTENDED: u8 = 0x40;
    if tag.len() < 10 || &tag[..3] != b"ID3" || tag[3] != 3 {
        return (tag, None);
    }
    if tag[5] & UNSYNC != 0 {
        let mut decoded = Vec::with_capacity(tag.len());
        decoded.extend_from_slice(&tag[..10]);
        for (i, &b) in tag.iter().enumerate().skip(10) {
            if !(b == 0 && tag[i - 1] == 0xFF && i > 10) {
                decoded.push(b);
            }
        }
        decoded[5] &= !UNSYNC;
        tag = decoded;
    }
    let mut pos = 10usize;
    if tag[5] & EXTENDED != 0 {
        let Some(size) = tag.get(10..14) else {
            return (
                set_size(tag, 10),
                Some("the extended header is cut short".into()),
            );
        };
        let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize;
        pos = pos.saturating_add(4).saturating_add(size);
    }
    // Frames are copied after the header; a frame whose embedded frames do
    // not fit is left out, and the first frame that does not fit ends the tag.
    let mut kept = tag[..pos.min(tag.len())].to_vec();
    let mut problem = None;
    while pos + 10 <= tag.len() && tag[pos] != 0 {
        let declared = frame_size(&tag[pos..]);
        let left = tag.len() - pos - 10;
        if declared > left {
            problem = Some(claims(&tag[pos..pos + 4], declared, left, "the tag"));
            break;
        }
        let frame = &tag[pos..pos + 10 + declared];
        match embedded_frames_fit(frame, 0) {
            Ok(()) => kept.extend_from_slice(frame),
            Err(why) => problem = problem.or(Some(why)),
        }
        pos += 10 + declared;
    }
    match problem {
        Some(why) => {
            let end = kept.len();
            (set_size(kept, end), Some(why))
        }
        None => (tag, None),
    }
}

/// The size field of the v2.3 frame header at the start of `frame`.
fn frame_size(frame: &[u8]) -> usize {
    u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]) as usize
}

fn claims(id: &[u8], declared: usize, left: usize, within: &str) -> String {
    let id = String::from_utf8_lossy(id);
    format!("frame `{id}` claims {declared} bytes but {within} has only {left} left")
}

/// Checks the frames embedded in a v2.3 `CHAP` or `CTOC` frame (header
/// included), which the `id3` crate decodes the same way as top-level ones.
/// Other frames have none. Compressed chapter frames are refused, since
/// their embedded frames cannot be checked before decompression.
fn embedded_frames_fit(frame: &[u8], depth: u8) -> std::result::Result<(), String> {
    const COMPRESSED: u8 = 0x80;
    let id = &frame[..4];
    if id != b"CHAP" && id != b"CTOC" {
        return Ok(());
    }
    let name = String::from_utf8_lossy(id);
    if frame[9] & COMPRESSED != 0 {
        return Err(format!("a compressed `{name}` frame was left out"));
    }
    if depth >= 4 {
        return Err(format!("`{name}` frames nested too deep were left out"));
    }
    let content = &frame[10..];
    // Both start with a NUL-terminated element id.
    let Some(mut at) = content.iter().position(|&b| b == 0).map(|i| i + 1) else {
        return Ok(()); // malformed: the crate refuses it without allocating
    };
    if id == b"CHAP" {
        at += 16; // start and end times, start and end offsets
    } else {
        let Some(&count) = content.get(at + 1) else {
            return Ok(());
        };
        at += 2; // flags, entry count
        for _ in 0..count {
            match content
                .get(at..)
                .and_then(|r| r.iter().position(|&b| b == 0))
            {
                Some(i) => at += i + 1,
                None => return Ok(()),
            }
        }
    }
    let mut sub = content.get(at..).unwrap_or_default();
    while sub.len() >= 10 && sub[0] != 0 {
        let declared = frame_size(sub);
        let left = sub.len() - 10;
        if declared > left {
            return Err(claims(
                &sub[..4],
                declared,
                left,
                &format!("its `{name}` frame"),
            ));
        }
        embedded_frames_fit(&sub[..10 + declared], depth + 1)?;
        sub = &sub[10 + declared..];
    }
    Ok(())
}

/// Truncates `tag` to `end` bytes and writes the matching size into its header.
fn set_size(mut tag: Vec<u8>, end: usize) -> Vec<u8> {
    let end = end.min(tag.len());
    tag.truncate(end);
    let size = (end - 10) as u32;
    for (i, shift) in [21, 14, 7, 0].into_iter().enumerate() {
        tag[6 + i] = ((size >> shift) & 0x7F) as u8;
    }
    tag
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

#[cfg(test)]
mod tests {
    use super::bounded_tag;

    fn v23(flags: u8, body: &[u8]) -> Vec<u8> {
        let size = body.len() as u32;
        let mut t = vec![b'I', b'D', b'3', 3, 0, flags];
        t.extend([21, 14, 7, 0].map(|s| ((size >> s) & 0x7F) as u8));
        t.extend_from_slice(body);
        t
    }

    #[test]
    fn sound_tags_pass_unchanged() {
        let tag = v23(0, b"TIT2\0\0\0\x03\0\0\0Hi\0\0\0\0");
        assert_eq!(bounded_tag(tag.clone()), (tag, None));
    }

    #[test]
    fn oversized_frame_cuts_the_tag_before_it() {
        let tag = v23(0, b"TIT2\0\0\0\x03\0\0\0HiTALB\x7f\0\0\0\0\0abc");
        let (cut, why) = bounded_tag(tag);
        assert_eq!(cut, v23(0, b"TIT2\0\0\0\x03\0\0\0Hi"));
        assert!(why.unwrap().contains("`TALB` claims 2130706432 bytes"));
    }

    #[test]
    fn unsynchronised_tags_are_decoded_before_the_walk() {
        // `FF 00` in the stored bytes is one `FF` in the frame (3 bytes).
        let (tag, why) = bounded_tag(v23(0x80, b"TIT2\0\0\0\x03\0\0\0\xFF\x00A"));
        assert_eq!(why, None);
        assert_eq!(tag[5] & 0x80, 0);
        assert!(tag.ends_with(b"\0\0\0\xFFA"));
    }

    #[test]
    fn extended_header_is_skipped() {
        let body = b"\0\0\0\x06\0\0\0\0\0\0TIT2\x7f\0\0\0\0\0";
        let (cut, why) = bounded_tag(v23(0x40, body));
        assert!(why.unwrap().contains("`TIT2`"));
        assert_eq!(cut.len(), 10 + 10);
    }

    #[test]
    fn chapter_with_an_oversized_embedded_frame_is_left_out() {
        let mut chap = b"ch0\0".to_vec();
        chap.extend_from_slice(&[
            0, 0, 0, 0, 0, 0, 0x07, 0xD0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        chap.extend_from_slice(b"TIT2\x89\0\0\0\0\0\x03Intro");
        let mut body = b"TIT2\0\0\0\x03\0\0\0Hi".to_vec();
        body.extend_from_slice(b"CHAP");
        body.extend_from_slice(&(chap.len() as u32).to_be_bytes());
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(&chap);
        body.extend_from_slice(b"TALB\0\0\0\x03\0\0\0Al");
        let (kept, why) = bounded_tag(v23(0, &body));
        assert!(why.unwrap().contains("its `CHAP` frame"));
        assert_eq!(
            kept,
            v23(0, b"TIT2\0\0\0\x03\0\0\0HiTALB\0\0\0\x03\0\0\0Al")
        );
    }
}
