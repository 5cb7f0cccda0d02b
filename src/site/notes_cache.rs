//! Show notes rendered by earlier builds, kept in `.podsmith-cache/notes/`
//! (a file per episode's notes, named by its key): rendering every
//! episode's Markdown is the largest part of loading a show
//! (docs/performance.md), and most notes do not change between two builds.
//!
//! Each file's key is a hash of the Markdown, the options it is rendered
//! with (page address, site address, trust) and the podsmith program itself
//! (its size and modification time: another build of podsmith may render
//! differently), so a changed input is never answered from the cache.
//! Notes whose rendering warned about something are not kept, so that
//! every build warns again. A file per entry keeps memory flat: a build
//! holds no more than the notes it is loading.

use crate::fingerprint::Key;
use crate::markdown::RenderOptions;
use rustc_hash::FxHashSet;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The folder of the cache, in the site's cache folder.
const DIR: &str = "notes";
const SUFFIX: &str = ".html";

/// See the module's documentation.
pub(super) struct NotesCache {
    dir: PathBuf,
    /// The program's identity, hashed into every key (none: no cache).
    program: Option<(u64, u64)>,
    /// Keys looked up in this build.
    used: Mutex<FxHashSet<u128>>,
}

/// Whether `name` is a key as the cache's files are named by.
fn is_key(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// This program's size and modification time.
fn program() -> Option<(u64, u64)> {
    let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let modified = meta.modified().ok()?;
    let ns = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), u64::try_from(ns).ok()?))
}

impl NotesCache {
    /// The cache in the folder `dir` (`<site>/.podsmith-cache`).
    pub(super) fn open(dir: &Path) -> NotesCache {
        NotesCache {
            dir: dir.join(DIR),
            program: program(),
            used: Mutex::new(FxHashSet::default()),
        }
    }

    fn key(&self, markdown: &str, opts: &RenderOptions<'_>) -> Option<u128> {
        let mut key = Key::new();
        (self.program?, markdown, opts.trusted_html, opts.base_url).hash(&mut key);
        (opts.page_url, opts.timestamps).hash(&mut key);
        Some(key.digest())
    }

    /// The notes `markdown` rendered with `opts`: from the cache, else by
    /// `render`, which adds what it warns about to `warnings`.
    pub(super) fn render(
        &self,
        markdown: &str,
        opts: &RenderOptions<'_>,
        warnings: &mut Vec<crate::error::Diagnostic>,
        render: impl FnOnce(&mut Vec<crate::error::Diagnostic>) -> String,
    ) -> String {
        let Some(key) = self.key(markdown, opts) else {
            return render(warnings);
        };
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key);
        let path = self.dir.join(format!("{key:032x}{SUFFIX}"));
        if let Ok(html) = std::fs::read_to_string(&path) {
            return html;
        }
        let before = warnings.len();
        let html = render(warnings);
        if warnings.len() == before {
            // A cache that cannot be written only costs time.
            let _ = crate::cache_file::write_whole(&path, html.as_bytes());
        }
        html
    }

    /// Removes the cached notes that this build did not look up (episodes
    /// deleted or edited since), so that the cache does not only grow.
    pub(super) fn save(self) {
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        if used.is_empty() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                continue;
            };
            let unused = match name.strip_suffix(SUFFIX) {
                Some(key) => {
                    is_key(key) && u128::from_str_radix(key, 16).is_ok_and(|k| !used.contains(&k))
                }
                // Left by a build that was stopped while writing (one still
                // writing then fails to rename it, and keeps nothing).
                None => name
                    .strip_prefix('.')
                    .and_then(|n| n.split_once('.'))
                    .is_some_and(|(key, rest)| is_key(key) && rest.ends_with(".tmp")),
            };
            if unused {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: RenderOptions<'static> = RenderOptions {
        trusted_html: true,
        base_url: "https://e.org/",
        page_url: "https://e.org/ep/",
        timestamps: true,
    };

    fn render(cache: &NotesCache, markdown: &str, opts: &RenderOptions<'_>) -> (String, bool) {
        let mut rendered = false;
        let html = cache.render(markdown, opts, &mut Vec::new(), |_| {
            rendered = true;
            crate::markdown::render_checked(markdown, opts).0
        });
        (html, rendered)
    }

    fn files(dir: &Path) -> usize {
        std::fs::read_dir(dir.join(DIR)).map_or(0, |d| d.count())
    }

    #[test]
    fn kept_notes_are_used_only_for_the_same_input() {
        let dir = tempfile::tempdir().unwrap();
        let cache = NotesCache::open(dir.path());
        let (first, rendered) = render(&cache, "Line one\n\nline *two*\n", &OPTS);
        assert!(rendered);
        cache.save();
        let cache = NotesCache::open(dir.path());
        assert_eq!(
            render(&cache, "Line one\n\nline *two*\n", &OPTS),
            (first, false)
        );
        assert!(render(&cache, "Line one\n\nline *three*\n", &OPTS).1);
        let elsewhere = RenderOptions {
            page_url: "https://e.org/other/",
            ..OPTS
        };
        assert!(render(&cache, "Line one\n\nline *two*\n", &elsewhere).1);
        cache.save();
        assert_eq!(files(dir.path()), 3);
        // A build that looks up only one of them keeps only that one,
        // removes what a stopped build left, and leaves files that are not
        // the cache's alone.
        std::fs::write(dir.path().join(DIR).join("mine.html"), "x").unwrap();
        let left = format!(".{:032x}.{}.tmp", 7, std::process::id().wrapping_add(1));
        std::fs::write(dir.path().join(DIR).join(&left), "half").unwrap();
        let cache = NotesCache::open(dir.path());
        assert!(!render(&cache, "Line one\n\nline *three*\n", &OPTS).1);
        cache.save();
        assert_eq!(files(dir.path()), 2);
        assert!(!dir.path().join(DIR).join(left).exists());
    }

    #[test]
    fn notes_that_warn_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = NotesCache::open(dir.path());
        let mut warnings = Vec::new();
        cache.render("x", &OPTS, &mut warnings, |w| {
            w.push(crate::error::Diagnostic::warning(
                PathBuf::from("e.md"),
                "look",
            ));
            "<p>x</p>".into()
        });
        cache.save();
        let cache = NotesCache::open(dir.path());
        assert!(render(&cache, "x", &OPTS).1);
    }
}
