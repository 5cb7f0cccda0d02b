//! Audio metadata, read from the audio files themselves: size, MIME type,
//! duration, ID3 tags and chapters.
//!
//! * MP3: our own frame scanner ([`mp3`]); a Xing/Info/VBRI header is trusted
//!   only when its byte count matches the file, else every frame is counted.
//! * M4A: `moov/mvhd` ([`mp4`]). Ogg Opus/Vorbis: last granule position ([`ogg`]).
//! * Tags and chapters: the `id3` crate ([`id3tags`]).
//! * [`AudioCache`]: one JSON file keyed by path, size and mtime ([`cache`]).

mod cache;
pub(crate) mod id3tags;
pub(crate) mod mp3;
mod mp4;
mod ogg;

pub use cache::AudioCache;

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Everything podsmith knows about one audio file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioInfo {
    /// Exact size in bytes (the enclosure `length`).
    pub size: u64,
    /// MIME type decided from the content, e.g. `audio/mpeg`.
    pub mime: String,
    /// Decoded duration in seconds.
    pub duration: f64,
    /// Tags read from the file (ID3 for MP3).
    pub tags: AudioTags,
    /// Chapters stored in the file (ID3 CHAP frames), sorted by start.
    pub chapters: Vec<AudioChapter>,
    /// Problems that did not prevent a trustworthy reading (e.g. a corrupt tag).
    pub warnings: Vec<String>,
}

/// Descriptive tags found in the file.
#[derive(Debug, Clone, Default, PartialEq, Hash, Serialize, Deserialize)]
pub struct AudioTags {
    pub title: Option<String>,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub year: Option<i32>,
    pub track: Option<u32>,
    pub comment: Option<String>,
    pub cover: Option<CoverInfo>,
}

/// An embedded cover picture.
#[derive(Debug, Clone, PartialEq, Hash, Serialize, Deserialize)]
pub struct CoverInfo {
    pub mime: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: u64,
}

/// One chapter stored in the audio file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioChapter {
    /// Start in seconds.
    pub start: f64,
    /// End in seconds, when the file says.
    pub end: Option<f64>,
    pub title: Option<String>,
    pub url: Option<String>,
}

// Hashed for fingerprints of what was read (see `site::Episode`); seconds
// by their bits, every field named so that a new one cannot be forgotten.
impl std::hash::Hash for AudioInfo {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let AudioInfo {
            size,
            mime,
            duration,
            tags,
            chapters,
            warnings,
        } = self;
        (size, mime, duration.to_bits(), tags, chapters, warnings).hash(state);
    }
}

impl std::hash::Hash for AudioChapter {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let AudioChapter {
            start,
            end,
            title,
            url,
        } = self;
        (start.to_bits(), end.map(f64::to_bits), title, url).hash(state);
    }
}

/// Why an audio file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct AudioError {
    pub path: PathBuf,
    pub message: String,
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mpeg,
    Mp4,
    Ogg,
    Other(&'static str),
}

impl Kind {
    fn mime(self) -> &'static str {
        match self {
            Kind::Mpeg => "audio/mpeg",
            Kind::Mp4 => "audio/mp4",
            Kind::Ogg => "audio/ogg",
            Kind::Other(_) => "",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Mpeg => "MPEG audio (MP3)",
            Kind::Mp4 => "MP4/M4A audio",
            Kind::Ogg => "Ogg audio",
            Kind::Other(what) => what,
        }
    }
}

/// An audio file extension podsmith knows: the MIME type it stands for and
/// whether podsmith can measure such a file (read its duration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioExtension {
    /// Lower case, without the dot.
    pub ext: &'static str,
    pub mime: &'static str,
    pub measurable: bool,
}

const fn known(ext: &'static str, mime: &'static str, measurable: bool) -> AudioExtension {
    AudioExtension {
        ext,
        mime,
        measurable,
    }
}

/// The one list of audio extensions: every place that asks whether a file
/// is audio, or which type it has, asks here.
pub const AUDIO_EXTENSIONS: &[AudioExtension] = &[
    known("mp3", "audio/mpeg", true),
    known("mp2", "audio/mpeg", true),
    known("mpga", "audio/mpeg", true),
    known("m4a", "audio/mp4", true),
    known("m4b", "audio/mp4", true),
    known("mp4", "audio/mp4", true),
    known("ogg", "audio/ogg", true),
    known("oga", "audio/ogg", true),
    known("opus", "audio/ogg", true),
    // Raw AAC (ADTS), WAV and FLAC: audio, but podsmith cannot measure them.
    known("aac", "audio/aac", false),
    known("wav", "audio/wav", false),
    known("flac", "audio/flac", false),
];

/// The entry for `path`'s extension (in any case), if it is an audio one.
pub fn audio_extension(path: &Path) -> Option<&'static AudioExtension> {
    let ext = path.extension()?.to_str()?;
    AUDIO_EXTENSIONS
        .iter()
        .find(|known| known.ext.eq_ignore_ascii_case(ext))
}

/// Whether `path` is named like an audio file (measurable or not).
pub fn is_audio_path(path: &Path) -> bool {
    audio_extension(path).is_some()
}

/// Whether `path` is named like an audio file podsmith can measure.
pub fn is_measurable_path(path: &Path) -> bool {
    audio_extension(path).is_some_and(|known| known.measurable)
}

/// The kind an extension promises, if it is one podsmith can measure.
fn kind_of_extension(ext: &str) -> Option<Kind> {
    let known = AUDIO_EXTENSIONS
        .iter()
        .find(|known| known.measurable && known.ext == ext)?;
    [Kind::Mpeg, Kind::Mp4, Kind::Ogg]
        .into_iter()
        .find(|kind| kind.mime() == known.mime)
}

/// Decides the kind from the content. `head` is the start of the file and
/// `after_id3` the bytes right after any ID3v2 tag.
fn sniff(head: &[u8], after_id3: &[u8]) -> Kind {
    if head.starts_with(b"ID3") {
        // An ID3v2 tag is normally followed by MPEG audio, but look anyway.
        return match sniff_untagged(after_id3) {
            Kind::Other(_) => Kind::Mpeg,
            k => k,
        };
    }
    sniff_untagged(head)
}

/// [`sniff`] for bytes that do not start a file. A second ID3 tag right
/// after the first (some tools append one) still means MPEG audio; this
/// does not recurse, so a chain of tags cannot exhaust the stack (found by
/// fuzzing).
fn sniff_untagged(head: &[u8]) -> Kind {
    if head.starts_with(b"ID3") {
        return Kind::Mpeg;
    }
    if head.starts_with(b"OggS") {
        return Kind::Ogg;
    }
    if head.get(4..8) == Some(b"ftyp".as_slice()) {
        return Kind::Mp4;
    }
    if head.starts_with(b"\x89PNG") {
        return Kind::Other("a PNG image");
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Kind::Other("a JPEG image");
    }
    if head.starts_with(b"GIF8") {
        return Kind::Other("a GIF image");
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WAVE".as_slice()) {
        return Kind::Other("a WAV file");
    }
    if head.starts_with(b"fLaC") {
        return Kind::Other("a FLAC file");
    }
    if head.starts_with(b"%PDF") {
        return Kind::Other("a PDF document");
    }
    if head.starts_with(b"PK\x03\x04") {
        return Kind::Other("a ZIP archive");
    }
    if head.starts_with(b"<") || head.starts_with(b"\xEF\xBB\xBF<") {
        return Kind::Other("an HTML/XML text file");
    }
    if head.len() >= 2 && head[0] == 0xFF && head[1] & 0xF6 == 0xF0 {
        return Kind::Other("raw AAC (ADTS) audio");
    }
    // MPEG frame sync, with a second header where the first frame ends.
    if let Some(h) = mp3::parse_header(head) {
        let next = usize::try_from(h.len).unwrap_or(usize::MAX);
        match head.get(next..) {
            Some(rest) if rest.len() >= 4 => {
                if mp3::parse_header(rest).is_some() {
                    return Kind::Mpeg;
                }
            }
            // The file (or what we read of it) ends within the first frame.
            _ => return Kind::Mpeg,
        }
    }
    Kind::Other("not a recognised audio format")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads the metadata of one file, without any cache.
pub fn probe(path: &Path) -> Result<AudioInfo, AudioError> {
    let name = file_name(path);
    let err = |message: String| AudioError {
        path: path.to_path_buf(),
        message,
    };
    let io_err = |e: std::io::Error| AudioError {
        path: path.to_path_buf(),
        message: format!("`{name}` could not be read: {e}"),
    };
    let file = File::open(path).map_err(io_err)?;
    let size = file.metadata().map_err(io_err)?.len();
    if size == 0 {
        return Err(err(format!(
            "`{name}` is empty (0 bytes): export or upload the audio again"
        )));
    }

    // The first 16 KiB, and the bytes after an ID3v2 tag if there is one.
    let mut head = vec![0u8; usize::try_from(size.min(16 * 1024)).unwrap_or(0)];
    (&file).read_exact(&mut head).map_err(io_err)?;
    let id3_len = match mp3::id3v2_len(&head) {
        Some(Ok(n)) => Some(n),
        Some(Err(())) => None,
        None => None,
    };
    let mut after = Vec::new();
    if let Some(n) = id3_len {
        if n < size {
            let want = usize::try_from((size - n).min(4096)).unwrap_or(0);
            after.resize(want, 0);
            let mut f = &file;
            f.seek(SeekFrom::Start(n)).map_err(io_err)?;
            f.read_exact(&mut after).map_err(io_err)?;
        }
    }
    let kind = sniff(&head, &after);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut warnings = Vec::new();
    if let Kind::Other(what) = kind {
        return Err(err(format!(
            "`{name}` is {what}, not MP3, M4A or Ogg audio: replace it with the episode's audio (export it as MP3)"
        )));
    }
    match kind_of_extension(&ext) {
        Some(k) if k != kind => {
            let right = match kind {
                Kind::Mpeg => ".mp3",
                Kind::Mp4 => ".m4a",
                _ => ".ogg or .opus",
            };
            return Err(err(format!(
                "`{name}` is named .{ext} but really is {} ({}): rename it to {right}, or re-export it as .{ext}, so podcast apps get the right type",
                kind.describe(),
                kind.mime()
            )));
        }
        Some(_) => {}
        None => warnings.push(format!(
            "the extension `.{ext}` is unusual; the file is {} ({})",
            kind.describe(),
            kind.mime()
        )),
    }

    let mut tags = AudioTags::default();
    let mut chapters = Vec::new();
    let duration = match kind {
        Kind::Mpeg => {
            let start = match mp3::id3v2_len(&head) {
                Some(Ok(n)) => n.min(size),
                Some(Err(())) => {
                    warnings.push(
                        "the ID3 tag header is damaged; searching for the audio after it".into(),
                    );
                    10.min(size)
                }
                None => 0,
            };
            if head.starts_with(b"ID3") {
                let (t, c, w) = id3tags::read_id3v2(&file);
                tags = t;
                chapters = c;
                warnings.extend(w);
            }
            if size >= 128 {
                let mut v1 = [0u8; 128];
                let mut f = &file;
                f.seek(SeekFrom::Start(size - 128)).map_err(io_err)?;
                f.read_exact(&mut v1).map_err(io_err)?;
                if let Some(t) = id3tags::parse_id3v1(&v1) {
                    id3tags::merge(&mut tags, t);
                }
            }
            let s = mp3::read_stream(&file, size, start).map_err(|e| match e {
                mp3::Mp3Error::Io(e) => io_err(e),
                mp3::Mp3Error::NoFrames => err(format!(
                    "`{name}` holds no readable MP3 audio frames (it is cut short or damaged): re-export the file"
                )),
                mp3::Mp3Error::Truncated { promised, found } => err(format!(
                    "`{name}` is cut short: its header promises {promised:.1} s of audio but only {found:.1} s is there. Upload or re-export the complete file"
                )),
            })?;
            warnings.extend(s.warnings);
            s.duration
        }
        Kind::Mp4 => mp4::read_duration(&file, size).map_err(|m| err(format!("`{name}`: {m}")))?,
        Kind::Ogg => {
            let s = ogg::read_stream(&file, size)
                .map_err(|m| err(format!("`{name}` cannot be read as Ogg audio: {m}")))?;
            warnings.extend(s.warnings);
            s.duration
        }
        Kind::Other(what) => return Err(err(format!("`{name}` is {what}, not audio"))),
    };
    if !(duration.is_finite() && duration > 0.0) {
        return Err(err(format!(
            "`{name}` has no audio (duration {duration} s): re-export the file"
        )));
    }
    Ok(AudioInfo {
        size,
        mime: kind.mime().to_string(),
        duration,
        tags,
        chapters,
        warnings,
    })
}

/// How the duration of an MP3 was found; for tests, benchmarks and debugging.
#[derive(Debug, Clone, PartialEq)]
pub struct Mp3Details {
    /// Duration in seconds (after LAME gapless trimming when the file has it).
    pub duration: f64,
    /// Audio frames (counted, or from the header).
    pub frames: u64,
    /// `"header"` (a Xing/Info/VBRI header whose byte count matches the file)
    /// or `"scan"` (every frame header walked).
    pub method: &'static str,
    pub warnings: Vec<String>,
}

/// Reads only the MPEG audio stream of `path` (no tags, no type checks).
pub fn mp3_details(path: &Path) -> Result<Mp3Details, AudioError> {
    let err = |message: String| AudioError {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(|e| err(e.to_string()))?;
    let size = file.metadata().map_err(|e| err(e.to_string()))?.len();
    let mut head = [0u8; 10];
    let n = (&file).read(&mut head).map_err(|e| err(e.to_string()))?;
    let start = match mp3::id3v2_len(&head[..n]) {
        Some(Ok(len)) => len.min(size),
        _ => 0,
    };
    let s = mp3::read_stream(&file, size, start).map_err(|e| err(format!("{e:?}")))?;
    Ok(Mp3Details {
        duration: s.duration,
        frames: s.frames,
        method: s.method,
        warnings: s.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every extension is listed once, in lower case, with one audio type;
    /// the measurable ones promise the kind whose type the table names.
    #[test]
    fn every_extension_maps_to_one_type() {
        let mut seen = std::collections::HashSet::new();
        for known in AUDIO_EXTENSIONS {
            assert!(seen.insert(known.ext), "{} is listed twice", known.ext);
            assert_eq!(known.ext, known.ext.to_ascii_lowercase());
            assert!(known.mime.starts_with("audio/"), "{known:?}");
            let path = PathBuf::from(format!("x.{}", known.ext.to_ascii_uppercase()));
            assert_eq!(audio_extension(&path), Some(known));
            assert_eq!(is_measurable_path(&path), known.measurable);
            match kind_of_extension(known.ext) {
                Some(kind) => {
                    assert!(known.measurable, "{known:?}");
                    assert_eq!(kind.mime(), known.mime, "{known:?}");
                }
                None => assert!(!known.measurable, "{known:?} has no reader"),
            }
        }
        assert!(!is_audio_path(Path::new("cover.png")));
        assert!(!is_audio_path(Path::new("mp3")));
    }
}
