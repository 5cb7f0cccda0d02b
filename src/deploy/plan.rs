//! What a deploy does: the built files with their hashes, the manifest kept
//! at the target (what it holds), and the plan between them (upload, keep,
//! delete), in the order apps need: assets, then pages, then the feed.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest's name at the target: which files podsmith put there, with
/// their hashes.
pub const MANIFEST_FILE: &str = ".podsmith-deploy.json";

/// One file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// xxh3-128 of the content, in hex; `None` while an upload is under way
    /// (a deploy stopped then left the file in an unknown state).
    pub hash: Option<String>,
    pub size: u64,
}

/// What the target holds, by path relative to the target's root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub files: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Reads a manifest; an unreadable one counts as empty (everything is
    /// uploaded again, nothing deleted that it would have named). Paths
    /// that could lead out of the target (`..`, absolute, backslashes) are
    /// dropped: the manifest lives at the target, where others may edit
    /// it, and a deploy deletes what it names.
    pub fn parse(bytes: &[u8]) -> Option<Manifest> {
        let mut manifest: Manifest = serde_json::from_slice(bytes).ok()?;
        manifest.files.retain(|rel, _| {
            crate::config::safe_relative_path(rel).is_ok()
                && rel.split('/').all(|seg| !seg.is_empty() && seg != ".")
                && rel != MANIFEST_FILE
        });
        Some(manifest)
    }

    /// The bytes written to the target (sorted keys: the same state gives
    /// the same bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// When a file goes up: everything a page or the feed points at goes first,
/// the feed last, so no app sees an entry whose audio is not there yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Audio, images, styles, chapters, transcripts.
    Assets,
    /// HTML pages and the sitemap.
    Pages,
    /// The podcast feeds: `feed.xml` last, after its pages (`feed-page-N.xml`),
    /// the archive (`feed-all.xml`) and the other formats' feeds.
    Feed,
}

impl Phase {
    /// The phase of the output file `rel`.
    pub fn of(rel: &str) -> Phase {
        let lower = rel.to_ascii_lowercase();
        if lower == crate::feed::FEED_FILE
            || (lower.starts_with("feed-") && lower.ends_with(".xml") && !lower.contains('/'))
        {
            Phase::Feed
        } else if lower.ends_with(".html") || lower == "sitemap.xml" {
            Phase::Pages
        } else {
            Phase::Assets
        }
    }

    /// A word for messages.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Assets => "assets",
            Phase::Pages => "pages",
            Phase::Feed => "feed",
        }
    }
}

/// A built file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Relative path with `/` separators.
    pub rel: String,
    pub hash: String,
    pub size: u64,
}

/// The `Content-Type` a file is served with.
pub fn content_type(rel: &str) -> &'static str {
    let path = Path::new(rel);
    if let Some(audio) = crate::audio::audio_extension(path) {
        return audio.mime;
    }
    if Phase::of(rel) == Phase::Feed {
        return "application/rss+xml; charset=utf-8";
    }
    if rel.ends_with(crate::feed::CHAPTERS_FILE) {
        return crate::feed::CHAPTERS_MIME;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "srt" => "application/x-subrip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The `Cache-Control` a file is served with: five minutes for what
/// changes with every episode (feed, pages, sitemap), an hour for what a
/// podcaster may correct (chapters, transcripts, theme files), thirty days
/// for audio and images.
pub fn cache_control(rel: &str) -> &'static str {
    const SHORT: &str = "public, max-age=300";
    const HOUR: &str = "public, max-age=3600";
    const LONG: &str = "public, max-age=2592000";
    let kind = content_type(rel);
    if Phase::of(rel) != Phase::Assets {
        SHORT
    } else if kind.starts_with("audio/") || kind.starts_with("image/") || kind.starts_with("font/")
    {
        LONG
    } else {
        HOUR
    }
}

/// Every file of the built site under `out`, sorted, with its hash; the
/// output folder's own bookkeeping (`.podsmith-*`, `.git`) left out.
pub fn local_files(out: &Path) -> Result<Vec<LocalFile>> {
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(out)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || {
                let name = e.file_name().to_string_lossy();
                !(name.starts_with(".podsmith") || name == ".git")
            }
        });
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(out).to_path_buf();
            Error::io(&path, "read", e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let (hash, size) = hash_file(entry.path())?;
        files.push(LocalFile { rel, hash, size });
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(files)
}

/// The xxh3-128 of a file's content, in hex, and its length.
pub fn hash_file(path: &Path) -> Result<(String, u64)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, "open", e))?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::io(path, "read", e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((format!("{:032x}", hasher.digest128()), size))
}

/// What a deploy does.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Files to upload, in order: assets, pages, feed.
    pub upload: Vec<LocalFile>,
    /// Files the target already has as built.
    pub keep: Vec<LocalFile>,
    /// Files podsmith put at the target that the build no longer has, with
    /// their sizes as recorded.
    pub delete: Vec<(String, u64)>,
}

impl Plan {
    /// Compares the build with what the target holds.
    pub fn new(local: &[LocalFile], remote: &Manifest) -> Plan {
        let mut plan = Plan::default();
        for file in local {
            match remote.files.get(&file.rel) {
                Some(entry)
                    if entry.hash.as_deref() == Some(file.hash.as_str())
                        && entry.size == file.size =>
                {
                    plan.keep.push(file.clone())
                }
                _ => plan.upload.push(file.clone()),
            }
        }
        // The main feed last of all: what it links (its pages) is up first.
        let order = |f: &LocalFile| (Phase::of(&f.rel), f.rel == crate::feed::FEED_FILE);
        plan.upload
            .sort_by(|a, b| (order(a), &a.rel).cmp(&(order(b), &b.rel)));
        let wanted: std::collections::BTreeSet<&str> =
            local.iter().map(|f| f.rel.as_str()).collect();
        plan.delete = remote
            .files
            .iter()
            .filter(|(rel, _)| !wanted.contains(rel.as_str()))
            .map(|(rel, entry)| (rel.clone(), entry.size))
            .collect();
        plan
    }

    /// Whether the deploy changes nothing at the target.
    pub fn is_empty(&self) -> bool {
        self.upload.is_empty() && self.delete.is_empty()
    }

    /// The files to upload in `phase`.
    pub fn phase(&self, phase: Phase) -> Vec<&LocalFile> {
        self.upload
            .iter()
            .filter(|f| Phase::of(&f.rel) == phase)
            .collect()
    }

    /// Bytes to upload.
    pub fn upload_bytes(&self) -> u64 {
        self.upload.iter().map(|f| f.size).sum()
    }
}

/// A size for people: `512 B`, `12.3 KB`, `4.5 MB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, hash: &str) -> LocalFile {
        LocalFile {
            rel: rel.into(),
            hash: hash.into(),
            size: 3,
        }
    }

    #[test]
    fn feed_goes_last_and_stale_files_are_deleted() {
        let local = [
            file("feed.xml", "f2"),
            file("feed-page-1.xml", "p1"),
            file("index.html", "i2"),
            file("media/two.mp3", "a2"),
            file("media/one.mp3", "a1"),
        ];
        let mut remote = Manifest::default();
        for (rel, hash) in [
            ("feed.xml", Some("f1")),
            ("media/one.mp3", Some("a1")),
            ("index.html", None),
            ("old/index.html", Some("o")),
        ] {
            remote.files.insert(
                rel.into(),
                Entry {
                    hash: hash.map(String::from),
                    size: 3,
                },
            );
        }
        let plan = Plan::new(&local, &remote);
        let order: Vec<&str> = plan.upload.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            order,
            ["media/two.mp3", "index.html", "feed-page-1.xml", "feed.xml"]
        );
        assert_eq!(plan.keep, [file("media/one.mp3", "a1")]);
        assert_eq!(plan.delete, [("old/index.html".to_string(), 3)]);
    }

    #[test]
    fn manifest_paths_stay_inside_the_target() {
        let text = br#"{"files": {
            "../outside": {"hash": "a", "size": 1},
            "/etc/passwd": {"hash": "a", "size": 1},
            "a//b": {"hash": "a", "size": 1},
            "a\\b": {"hash": "a", "size": 1},
            ".podsmith-deploy.json": {"hash": "a", "size": 1},
            "media/ok.mp3": {"hash": null, "size": 1}
        }}"#;
        let manifest = Manifest::parse(text).unwrap();
        let kept: Vec<&String> = manifest.files.keys().collect();
        assert_eq!(kept, ["media/ok.mp3"]);
        assert!(Manifest::parse(b"not json").is_none());
    }

    #[test]
    fn types_and_caching() {
        assert_eq!(
            content_type("feed.xml"),
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("feed-all.xml"),
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("media/a.MP3"), "audio/mpeg");
        assert_eq!(content_type("media/a.m4a"), "audio/mp4");
        assert_eq!(content_type("media/a.opus"), "audio/ogg");
        assert_eq!(
            content_type("e/x/chapters.json"),
            "application/json+chapters"
        );
        assert_eq!(content_type("media/a.srt"), "application/x-subrip");
        assert_eq!(cache_control("feed.xml"), "public, max-age=300");
        assert_eq!(cache_control("a/index.html"), "public, max-age=300");
        assert_eq!(cache_control("media/a.mp3"), "public, max-age=2592000");
        assert_eq!(cache_control("media/a.vtt"), "public, max-age=3600");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1_500_000), "1.5 MB");
    }
}
