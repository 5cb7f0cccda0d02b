//! Audio metadata, read from the audio files themselves: size, MIME type,
//! duration, ID3 tags and chapters. (Stub: the real reader lands with issue 3.)

use serde::{Deserialize, Serialize};
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Why an audio file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct AudioError {
    pub path: PathBuf,
    pub message: String,
}

/// Reads the metadata of one file, without any cache.
pub fn probe(path: &Path) -> Result<AudioInfo, AudioError> {
    let meta = std::fs::metadata(path).map_err(|e| AudioError {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mime = match ext.as_str() {
        "m4a" | "mp4" | "aac" => "audio/mp4",
        "ogg" | "opus" => "audio/ogg",
        _ => "audio/mpeg",
    };
    Ok(AudioInfo {
        size: meta.len(),
        mime: mime.to_string(),
        duration: 0.0,
        tags: AudioTags::default(),
        chapters: Vec::new(),
        warnings: Vec::new(),
    })
}

/// A cache of [`AudioInfo`] keyed by path, size and modification time, so a
/// rebuild does not read unchanged audio again.
#[derive(Debug, Default)]
pub struct AudioCache {
    _dir: PathBuf,
}

impl AudioCache {
    /// Opens (or starts) the cache stored in `dir` (usually `<root>/.podsmith-cache`).
    pub fn open(dir: &Path) -> Self {
        AudioCache {
            _dir: dir.to_path_buf(),
        }
    }

    /// Returns the cached metadata if the file is unchanged, else probes it.
    /// Safe to call from many threads at once.
    pub fn get(&self, path: &Path) -> Result<AudioInfo, AudioError> {
        probe(path)
    }

    /// Writes the cache back to disk; failures are not fatal to a build.
    pub fn save(&self) -> std::io::Result<()> {
        Ok(())
    }
}
