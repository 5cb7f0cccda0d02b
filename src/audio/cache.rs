//! [`AudioCache`]: remembers [`AudioInfo`] per file, keyed by path, size and
//! modification time (ns), in one JSON file `audio.json` in the folder the
//! caller passes (`<site root>/.podsmith-cache/audio.json`); the file's
//! `version` field is [`CACHE_VERSION`].

use super::{probe, AudioError, AudioInfo};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

/// Bump when [`AudioInfo`] or the way it is computed changes: older caches are then ignored.
pub const CACHE_VERSION: u32 = 1;
const FILE_NAME: &str = "audio.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    size: u64,
    mtime_ns: u64,
    info: AudioInfo,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    format: String,
    version: u32,
    entries: HashMap<String, Entry>,
}

/// A cache of [`AudioInfo`] keyed by path, size and modification time, so a
/// rebuild does not read unchanged audio again.
#[derive(Debug, Default)]
pub struct AudioCache {
    dir: PathBuf,
    entries: Mutex<HashMap<String, Entry>>,
    dirty: AtomicBool,
    /// The cache file's identity when it was last read or written here.
    file_id: Mutex<Option<FileId>>,
}

/// Size, modification time (ns) and inode of a file: a file replaced or
/// written since has another.
type FileId = (u64, u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.len(), mtime_ns(&meta), inode))
}

fn key(path: &Path) -> Option<String> {
    path.to_str().map(str::to_string)
}

/// (size, mtime in ns since the epoch) from one `stat`.
fn stamp(path: &Path) -> std::io::Result<(u64, u64)> {
    let m = std::fs::metadata(path)?;
    Ok((m.len(), mtime_ns(&m)))
}

/// Modification time in nanoseconds since 1970 (0 when unknown).
fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl AudioCache {
    /// Opens (or starts) the cache stored in `dir` (usually `<root>/.podsmith-cache`).
    /// A missing, unreadable, corrupt or older-version cache starts empty.
    pub fn open(dir: &Path) -> Self {
        let file_id = file_id(&dir.join(FILE_NAME));
        let entries = std::fs::read(dir.join(FILE_NAME))
            .ok()
            .and_then(|b| serde_json::from_slice::<CacheFile>(&b).ok())
            .filter(|c| c.format == "podsmith-audio-cache" && c.version == CACHE_VERSION)
            .map(|c| c.entries)
            .unwrap_or_default();
        AudioCache {
            dir: dir.to_path_buf(),
            entries: Mutex::new(entries),
            dirty: AtomicBool::new(false),
            file_id: Mutex::new(file_id),
        }
    }

    /// Whether the cache file is still the one this cache last read or
    /// wrote (nobody else wrote it since), so the cache can be used again
    /// without reading it (`serve` keeps it between rebuilds).
    pub fn is_current(&self) -> bool {
        let known = *self.file_id.lock().unwrap_or_else(|p| p.into_inner());
        known.is_some() && known == file_id(&self.file())
    }

    /// The file the cache lives in.
    pub fn file(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Number of cached files.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic in another thread cannot leave the map half-written
        // (inserts are single calls), so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Returns the cached metadata if the file is unchanged (one `stat`, the
    /// file is not opened), else probes it and remembers the result.
    /// Safe to call from many threads at once. Errors are not cached.
    pub fn get(&self, path: &Path) -> Result<AudioInfo, AudioError> {
        let (size, mtime_ns) = stamp(path).map_err(|e| AudioError {
            path: path.to_path_buf(),
            message: format!("cannot read the file's size and date: {e}"),
        })?;
        let Some(k) = key(path) else {
            return probe(path);
        };
        if let Some(e) = self.lock().get(&k) {
            if e.size == size && e.mtime_ns == mtime_ns {
                return Ok(e.info.clone());
            }
        }
        let info = probe(path)?;
        // Only remember what was read from the file as it was stat'ed.
        if info.size == size {
            self.lock().insert(
                k,
                Entry {
                    size,
                    mtime_ns,
                    info: info.clone(),
                },
            );
            self.dirty.store(true, Ordering::Release);
        }
        Ok(info)
    }

    /// Forgets entries for which `keep` returns false (e.g. files no longer in the site).
    pub fn retain(&self, mut keep: impl FnMut(&Path) -> bool) {
        let mut map = self.lock();
        let before = map.len();
        map.retain(|k, _| keep(Path::new(k)));
        if map.len() != before {
            self.dirty.store(true, Ordering::Release);
        }
    }

    /// Writes the cache back to disk (temp file + rename), only if something
    /// changed; failures are not fatal to a build.
    pub fn save(&self) -> std::io::Result<()> {
        if !self.dirty.load(Ordering::Acquire) {
            return Ok(());
        }
        let json = {
            let map = self.lock();
            let file = CacheFile {
                format: "podsmith-audio-cache".to_string(),
                version: CACHE_VERSION,
                entries: map.clone(),
            };
            serde_json::to_vec(&file).map_err(std::io::Error::other)?
        };
        crate::cache_file::write_whole(&self.file(), &json)?;
        *self.file_id.lock().unwrap_or_else(|p| p.into_inner()) = file_id(&self.file());
        self.dirty.store(false, Ordering::Release);
        Ok(())
    }
}
