//! Output writing. A build writes into a staging folder beside the output
//! folder and swaps it in only when everything succeeded, so a failed or
//! killed build leaves the previous output as it was.
//!
//! What makes it safe, in one place:
//! - **One build at a time** per output folder ([`lock`]).
//! - **Only podsmith's files are replaced.** Every output folder holds a
//!   manifest of the files podsmith wrote ([`manifest`]). Its `.git` (a
//!   deploy checkout) is carried into the new output unchanged; any other
//!   file podsmith did not write stops the build, named, before anything
//!   is moved ([`Staging::begin`]).
//! - **No storage shared with the sources**: files are copied or cloned,
//!   never hard-linked unless the user opts in ([`copy`]).
//! - **One writer per path**: two sources (or a source and a generated
//!   page) that want the same output path are an error naming both, so the
//!   result never depends on which thread came first.
//! - **Nothing outside**: paths inside the output only; the staging and
//!   replaced folders live beside the output and are removed only when they
//!   carry podsmith's marker ([`swap`]).
//!
//! **Reuse.** The output a build replaces is kept beside the output
//! (`.podsmith-previous-public`) and becomes the next build's staging
//! folder: a file there is kept only when its manifest says podsmith wrote
//! it and it holds exactly what this build would write (the same bytes; for
//! a copy, its source's length and modification time). Everything else is
//! replaced, and files this build does not write are removed. So a rebuild
//! writes only what changed, and deletes almost nothing (on some disks
//! deleting a thousand files takes seconds).

mod copy;
mod lock;
mod manifest;
mod paths;
mod swap;

pub use lock::{OutputLock, WAIT_ENV as LOCK_WAIT_ENV};
pub use manifest::Files;
pub use paths::{absolute, default_out_dir};

use crate::error::{display_path, Diagnostic, Error, Result};
use manifest::Written;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const STAGING_PREFIX: &str = ".podsmith-build-";
const RETIRED_PREFIX: &str = ".podsmith-old-";
/// The output a build replaced, kept for the next build to reuse.
const PREVIOUS_PREFIX: &str = ".podsmith-previous-";
/// The manifest file in every output folder (see [`manifest`]).
pub const MANIFEST: &str = ".podsmith-output";
/// The journal of entries being carried into a staging folder.
const CARRIED: &str = ".podsmith-carried";
/// The mark of a new staging folder: everything in it is podsmith's.
const STAGING: &str = ".podsmith-staging";
/// What stays in the output folder across builds, untouched.
const CARRIED_ENTRIES: [&str; 1] = [".git"];

/// How a build opens its output folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputOptions {
    /// Hard-link source files instead of copying them (`[output]
    /// hard_links`): faster and smaller, but the output then shares its
    /// files with the sources, so editing one edits the other.
    pub hard_links: bool,
    /// The folder is this process's own (`serve`'s, in a fresh folder of
    /// its own): nobody else puts files there, so the walks that look for
    /// other people's files are skipped.
    pub private: bool,
}

/// A staging folder swapped in.
struct Swapped {
    /// The output folder.
    out: PathBuf,
    /// Where the output it replaced is now, if there was one.
    old: Option<PathBuf>,
    warnings: Vec<Diagnostic>,
    /// What the new output holds.
    written: Files,
}

/// What wrote an output path, for the message when two want the same one.
#[derive(Debug, Clone, PartialEq)]
enum Origin {
    /// A page, feed or other file podsmith renders.
    Generated,
    /// A file of the built-in theme (a source file may replace it).
    Builtin,
    /// A copied source file.
    Source(PathBuf),
}

/// A build's output in the making.
#[derive(Debug)]
pub struct Staging {
    /// The output folder (absolute).
    out: PathBuf,
    /// The staging folder beside it.
    dir: PathBuf,
    _lock: OutputLock,
    /// What podsmith wrote into the live output, by its manifest.
    live: Written,
    /// Copy source files as hard links (the user's opt-in).
    hard_links: bool,
    /// Whether copies may still be clones.
    cloning: copy::Cloning,
    /// Every path written so far, and what wrote it.
    claims: Mutex<HashMap<String, Origin>>,
    /// Folders known to exist in the staging folder.
    dirs: Mutex<HashSet<PathBuf>>,
    /// The files of the reused previous output (empty for a new folder).
    held: Files,
    /// Warnings about the output (left-over folders, files left in place).
    warnings: Mutex<Vec<Diagnostic>>,
    committed: bool,
}

impl Staging {
    /// Checks that `out` is a safe output folder for the site in `root`,
    /// takes its lock (waiting briefly for another build of it), cleans up
    /// after killed builds, refuses an output folder holding files that
    /// podsmith did not write, and prepares the staging folder beside it
    /// (the previous output when it can be reused, else a new folder).
    pub fn begin(out: &Path, root: &Path) -> Result<Staging> {
        Staging::begin_with(out, root, OutputOptions::default())
    }

    /// Like [`Staging::begin`], with `options`.
    pub fn begin_with(out: &Path, root: &Path, options: OutputOptions) -> Result<Staging> {
        let OutputOptions {
            hard_links,
            private,
        } = options;
        let out_abs = paths::in_real_folder(out).map_err(|e| Error::io(out, "resolve", e))?;
        let root_abs = absolute(root).map_err(|e| Error::io(root, "resolve", e))?;
        paths::check_output_dir(&out_abs, &root_abs)?;
        let parent = out_abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, "create the folder", e))?;
        let lock = OutputLock::acquire(&out_abs, out)?;
        let mut warnings = crate::timed("  recover", || swap::recover(&out_abs));
        let live = Written::read(&out_abs);
        if !private {
            crate::timed("  foreign", || check_foreign_files(&out_abs, &live, None))?;
        }
        let dir = staging_dir(&out_abs);
        let previous = crate::timed("  previous", || {
            swap::take_previous(&out_abs, &dir, hard_links, !private, &mut warnings)
        });
        let held = match previous {
            Some(held) => held,
            None => {
                std::fs::create_dir(&dir)
                    .map_err(|e| Error::io(&dir, "create the staging folder", e))?;
                Files::new()
            }
        };
        // The mark that everything in the folder is podsmith's (the reused
        // one holds only its listed files), so that what a killed build
        // leaves is removed whole by the next one.
        std::fs::write(dir.join(STAGING), b"").map_err(|e| Error::io(&dir, "write into", e))?;
        let dirs = held
            .iter()
            .filter_map(|rel| dir.join(rel).parent().map(Path::to_path_buf))
            .chain([dir.clone()])
            .collect();
        Ok(Staging {
            out: out_abs,
            dir,
            _lock: lock,
            live,
            hard_links,
            cloning: copy::Cloning::new(),
            claims: Mutex::new(HashMap::new()),
            dirs: Mutex::new(dirs),
            held,
            warnings: Mutex::new(warnings),
            committed: false,
        })
    }

    /// The staging folder (for tests and for tools that read back).
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The final output folder.
    pub fn out_dir(&self) -> &Path {
        &self.out
    }

    /// Writes one file at `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.write_as(rel, bytes, Origin::Generated)
    }

    /// Writes a file of the built-in theme at `rel`, unless a source file
    /// was copied there (a site's own file replaces the theme's). Call it
    /// after the source files are copied.
    pub fn write_builtin(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if self.lock_claims().contains_key(rel) {
            return Ok(());
        }
        self.write_as(rel, bytes, Origin::Builtin)
    }

    fn write_as(&self, rel: &str, bytes: &[u8], origin: Origin) -> Result<()> {
        let path = self.target(rel)?;
        self.claim(rel, origin)?;
        if self.held.contains(rel) && holds(&path, bytes) {
            return Ok(()); // the reused folder's file has these bytes
        }
        self.prepare(&path, rel)?;
        std::fs::File::create_new(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| Error::io(&path, "write", e))
    }

    /// Writes the file at `rel` from the pieces that `fill` hands to its
    /// sink, in order, so a large file (the feed) is never held whole.
    pub fn write_pieces(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()>,
    ) -> Result<()> {
        let path = self.target(rel)?;
        self.claim(rel, Origin::Generated)?;
        self.prepare(&path, rel)?;
        let file = std::fs::File::create_new(&path).map_err(|e| Error::io(&path, "write", e))?;
        let mut file = std::io::BufWriter::with_capacity(256 * 1024, file);
        fill(&mut |bytes| {
            file.write_all(bytes)
                .map_err(|e| Error::io(&path, "write", e))
        })?;
        file.into_inner()
            .map_err(|e| Error::io(&path, "write", e.into_error()))?;
        Ok(())
    }

    /// Copies the source file `src` to `rel` in the output: a clone or
    /// copy (or a hard link when the user opted in). A faithful copy that
    /// the reused folder or the live output already holds is kept or linked
    /// from there (both are podsmith's own output) instead of copied again.
    pub fn copy_file(&self, src: &Path, rel: &str) -> Result<()> {
        let dest = self.target(rel)?;
        self.claim(rel, Origin::Source(src.to_path_buf()))?;
        let source = std::fs::metadata(src).map_err(|e| Error::io(src, "read", e))?;
        let copy_meta = |path: &Path| {
            std::fs::symlink_metadata(path)
                .ok()
                .filter(|meta| copy::is_copy_of(&source, meta, self.hard_links))
        };
        // The live output's copy, shared (linked) with the new output, so
        // that an unchanged file is stored once however often it is built.
        let live = self.out.join(rel);
        let live_copy = (self.live.wrote(rel, self.hard_links))
            .then(|| copy_meta(&live))
            .flatten();
        let held_copy = self.held.contains(rel).then(|| copy_meta(&dest)).flatten();
        if let Some(held) = &held_copy {
            let shared = live_copy
                .as_ref()
                .is_none_or(|live| copy::same_file(held, live));
            if shared {
                return Ok(());
            }
        }
        let live_ok = live_copy.is_some();
        self.prepare(&dest, rel)?;
        if self.hard_links && std::fs::hard_link(src, &dest).is_ok() {
            return Ok(());
        }
        if live_ok && std::fs::hard_link(&live, &dest).is_ok() {
            return Ok(());
        }
        copy::copy(src, &source, &dest, &self.cloning).map_err(|e| Error::io(src, "copy", e))
    }

    /// Writes the file at `rel` with the bytes the live output holds there
    /// (linked: both are podsmith's own output), without the caller
    /// rendering them again (`serve`'s memo, which knows the live file was
    /// made from the same inputs). Returns `false`, writing nothing, when
    /// the live output has no such file of podsmith's.
    pub fn keep(&self, rel: &str) -> Result<bool> {
        let live = self.out.join(paths::safe_rel(rel)?);
        if self.live.has(rel) != Some(true) {
            return Ok(false);
        }
        let Ok(live_meta) = std::fs::symlink_metadata(&live) else {
            return Ok(false);
        };
        if !live_meta.is_file() {
            return Ok(false);
        }
        let path = self.target(rel)?;
        self.claim(rel, Origin::Generated)?;
        let held = self
            .held
            .contains(rel)
            .then(|| std::fs::symlink_metadata(&path));
        if held.is_some_and(|h| h.is_ok_and(|h| copy::same_file(&h, &live_meta))) {
            return Ok(true);
        }
        self.prepare(&path, rel)?;
        std::fs::hard_link(&live, &path)
            .or_else(|_| std::fs::copy(&live, &path).map(|_| ()))
            .map_err(|e| Error::io(&live, "copy", e))?;
        Ok(true)
    }

    /// Whether the staged file at `rel` has the same bytes as the live
    /// output's (e.g. an unchanged feed).
    pub fn same_as_live(&self, rel: &str) -> bool {
        let Ok(safe) = paths::safe_rel(rel) else {
            return false;
        };
        same_bytes(&self.dir.join(&safe), &self.out.join(&safe))
    }

    /// Notes that `rel` is written by `origin`. Two writers of one path are
    /// an error naming both, whichever came first; a source file replaces a
    /// built-in one.
    fn claim(&self, rel: &str, origin: Origin) -> Result<()> {
        let mut claims = self.lock_claims();
        match claims.get(rel) {
            None => {}
            Some(Origin::Builtin) if matches!(origin, Origin::Source(_)) => {}
            Some(other) => {
                let mut both = [describe(other), describe(&origin)];
                both.sort();
                let shown = display_path(&self.out.join(rel));
                return Err(Diagnostic::error(
                    None,
                    format!("{} and {} both want to be {shown}", both[0], both[1]),
                )
                .help("rename or remove the file in static/ (or the media folder) so that each output path has one source")
                .into());
            }
        }
        claims.insert(rel.to_string(), origin);
        Ok(())
    }

    fn lock_claims(&self) -> std::sync::MutexGuard<'_, HashMap<String, Origin>> {
        self.claims.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes way for a new file at `path`: creates its folder, and removes
    /// a reused file there (never writing through it: it may be linked to
    /// the live output's).
    fn prepare(&self, path: &Path, rel: &str) -> Result<()> {
        if self.held.contains(rel) {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(path, "replace", e))
                }
                _ => {}
            }
        }
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        let mut dirs = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        if dirs.contains(path) {
            // The reused folder has a folder where this file goes now.
            std::fs::remove_dir_all(path).map_err(|e| Error::io(path, "replace", e))?;
            dirs.retain(|d| !d.starts_with(path));
        }
        if !dirs.contains(parent) {
            if std::fs::create_dir_all(parent).is_err() {
                // The reused folder may have a file where a folder goes now.
                for up in parent.ancestors().take_while(|a| a.starts_with(&self.dir)) {
                    if std::fs::symlink_metadata(up).is_ok_and(|m| !m.is_dir()) {
                        let _ = std::fs::remove_file(up);
                    }
                }
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io(parent, "create the folder", e))?;
            }
            dirs.insert(parent.to_path_buf());
        }
        Ok(())
    }

    fn target(&self, rel: &str) -> Result<PathBuf> {
        Ok(self.dir.join(paths::safe_rel(rel)?))
    }

    /// Swaps the staging folder in as the output folder (see [`swap`]) and
    /// keeps the output it replaced for the next build to reuse. Returns
    /// warnings about the output folder (files left in place, leftovers of
    /// killed builds).
    pub fn commit(self) -> Result<Vec<Diagnostic>> {
        let Swapped {
            out,
            old,
            mut warnings,
            written,
        } = self.swap_in()?;
        if let Some(old) = old {
            let known = |rel: &str| written.contains(rel);
            warnings.extend(swap::keep_replaced(&old, &out, &known));
        }
        Ok(warnings)
    }

    /// What this build wrote, by path.
    fn written(&self) -> Files {
        self.lock_claims().keys().cloned().collect()
    }

    /// Swaps the staging folder in; returns where the replaced output is
    /// now, the warnings so far, and what this build wrote.
    fn swap_in(mut self) -> Result<Swapped> {
        let written = self.written();
        self.remove_stale(&written);
        // An output that an old podsmith wrote lists no files: what this
        // build did not write is not podsmith's to replace.
        if self.live == Written::Unlisted {
            check_foreign_files(&self.out, &Written::Unlisted, Some(&written))?;
        }
        self.write_manifest(&written)?;
        let _ = std::fs::remove_file(self.dir.join(STAGING));
        let warnings =
            std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|e| e.into_inner()));
        if std::fs::symlink_metadata(&self.out).is_err() {
            std::fs::rename(&self.dir, &self.out).map_err(|e| Error::io(&self.out, "create", e))?;
            self.committed = true;
            return Ok(Swapped {
                out: self.out.clone(),
                old: None,
                warnings,
                written,
            });
        }
        swap::carry(&self.out, &self.dir, &CARRIED_ENTRIES)
            .map_err(|e| Error::io(&self.out, "keep the .git folder of", e))?;
        if let Err(e) = swap::exchange(&self.dir, &self.out) {
            self.uncarry();
            return Err(Error::io(&self.out, "replace", e));
        }
        self.committed = true;
        swap::failpoint("after-swap");
        let _ = std::fs::remove_file(self.out.join(CARRIED));
        Ok(Swapped {
            out: self.out.clone(),
            old: Some(self.dir.clone()),
            warnings,
            written,
        })
    }

    /// Writes the manifest of `files` into the staging folder.
    fn write_manifest(&self, files: &Files) -> Result<()> {
        let manifest = self.dir.join(MANIFEST);
        let _ = std::fs::remove_file(&manifest); // may be linked to the live one
        std::fs::write(&manifest, manifest::text(files, self.hard_links))
            .map_err(|e| Error::io(&manifest, "write", e))
    }

    /// Puts carried entries back into the output (a failed swap).
    fn uncarry(&self) {
        for name in CARRIED_ENTRIES {
            let from = self.dir.join(name);
            if std::fs::symlink_metadata(&from).is_ok() {
                let _ = std::fs::rename(&from, self.out.join(name));
            }
        }
    }

    /// Removes the files of the reused folder that this build did not
    /// write, and the folders that leaves empty.
    fn remove_stale(&self, written: &Files) {
        let mut parents = std::collections::BTreeSet::new();
        for rel in &self.held {
            if !written.contains(rel) {
                let path = self.dir.join(rel);
                let _ = std::fs::remove_file(&path);
                parents.extend(path.ancestors().skip(1).map(Path::to_path_buf));
            }
        }
        // Deepest first; a folder that still has files stays.
        for dir in parents.iter().rev().filter(|d| d.starts_with(&self.dir)) {
            if *dir != self.dir {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        self.uncarry();
        // A failed build: its folder is all podsmith's (the reused one was
        // checked to hold only listed files); list what it holds now and
        // keep it for the next build, or remove it.
        let mut files = self.held.clone();
        files.extend(self.written());
        let _ = std::fs::remove_file(self.dir.join(STAGING));
        let kept = !files.is_empty()
            && self.write_manifest(&files).is_ok()
            && swap::keep_as_previous(&self.dir, &self.out);
        if !kept {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Prepares the folder the next build of `out` reuses, when there is none:
/// hard links to the live output's files (both are podsmith's own output),
/// with its manifest. For `serve`, in idle time after its first build, so
/// that the first rebuild after an edit writes only what changed.
pub fn prepare_previous(out: &Path) -> Result<()> {
    let out_abs = paths::in_real_folder(out).map_err(|e| Error::io(out, "resolve", e))?;
    let _lock = OutputLock::acquire(&out_abs, out)?;
    let previous = paths::sibling(&out_abs, PREVIOUS_PREFIX, "");
    let Written::Files { files, .. } = Written::read(&out_abs) else {
        return Ok(());
    };
    if std::fs::symlink_metadata(&previous).is_ok() {
        return Ok(());
    }
    let dir = staging_dir(&out_abs);
    let made = (|| -> std::io::Result<()> {
        std::fs::create_dir(&dir)?;
        std::fs::write(dir.join(STAGING), b"")?;
        for rel in &files {
            let rel = paths::safe_rel(rel).map_err(|_| std::io::ErrorKind::InvalidInput)?;
            let dest = dir.join(&rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::hard_link(out_abs.join(&rel), &dest)?;
        }
        std::fs::copy(out_abs.join(MANIFEST), dir.join(MANIFEST))?;
        std::fs::remove_file(dir.join(STAGING))?;
        std::fs::rename(&dir, &previous)
    })();
    if let Err(e) = made {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(Error::io(&previous, "prepare", e));
    }
    Ok(())
}

/// How an [`Origin`] is named in messages.
fn describe(origin: &Origin) -> String {
    match origin {
        Origin::Generated => "a page podsmith generates".into(),
        Origin::Builtin => "a file of the built-in theme".into(),
        Origin::Source(path) => display_path(path),
    }
}

/// Refuses an output folder that holds files podsmith did not write (but
/// for its `.git`, which stays). An old marker does not list podsmith's
/// files: then the check waits for the end of the build, whose files
/// (`this_build`) are podsmith's.
fn check_foreign_files(out: &Path, written: &Written, this_build: Option<&Files>) -> Result<()> {
    let Ok(top) = std::fs::read_dir(out) else {
        return Ok(()); // no output folder yet
    };
    let mut entries: Vec<PathBuf> = top
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let rel = rel_of(out, p);
            !CARRIED_ENTRIES.contains(&rel.as_str()) && ![MANIFEST, CARRIED].contains(&rel.as_str())
        })
        .collect();
    entries.sort();
    let empty = Files::new();
    let ours = match (written, this_build) {
        (Written::Files { files, .. }, _) => files,
        (Written::Unlisted, Some(this_build)) => this_build,
        (Written::Unlisted, None) => return Ok(()),
        (Written::None, _) => &empty,
    };
    let mut foreign = Vec::new();
    for path in &entries {
        walk_files(out, path, &mut |rel, is_dir| {
            if !lists(ours, rel, is_dir) {
                foreign.push(rel.to_string());
            }
        });
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let example = foreign
        .iter()
        .find(|f| !f.contains('/'))
        .unwrap_or(&foreign[0]);
    if *written == Written::Unlisted {
        return Err(Diagnostic::error(
            out.to_path_buf(),
            format!(
                "the output folder holds {} that this build does not write: {}",
                files_count(foreign.len()),
                list_some(&foreign)
            ),
        )
        .help(format!(
            "the folder was built by podsmith 0.2 or older, which did not list its files, so podsmith cannot tell them from yours. If that build wrote them (it also published the whole media folder and hidden files of static/), delete them, or the whole folder once. To publish `{example}`, move it into static/"
        ))
        .into());
    }
    Err(Diagnostic::error(
        out.to_path_buf(),
        format!(
            "the output folder holds {} that podsmith did not write: {}",
            files_count(foreign.len()),
            list_some(&foreign)
        ),
    )
    .help(format!(
        "podsmith replaces this folder on every build and keeps only its `.git`; to publish `{example}`, move it into static/ (a CNAME file belongs there); otherwise delete it, or build into another folder with --out"
    ))
    .into())
}

/// Calls `each` with the output-relative path of every file (and link)
/// at or under `path`; a folder holding nothing counts as a file.
fn walk_files(out: &Path, path: &Path, each: &mut dyn FnMut(&str, bool)) {
    // The walk gives a folder before what it holds: a folder not followed
    // by an entry inside it is empty.
    let mut folder: Option<PathBuf> = None;
    for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
        if let Some(dir) = folder.take() {
            if !entry.path().starts_with(&dir) {
                each(&rel_of(out, &dir), true);
            }
        }
        if entry.file_type().is_dir() {
            folder = Some(entry.into_path());
        } else {
            each(&rel_of(out, entry.path()), false);
        }
    }
    if let Some(dir) = folder {
        each(&rel_of(out, &dir), true);
    }
}

/// Whether `files` lists the file at `rel`, or (for an empty folder, whose
/// files someone deleted) a file inside the folder at `rel`.
fn lists(files: &Files, rel: &str, is_dir: bool) -> bool {
    if !is_dir {
        return files.contains(rel);
    }
    let inside = format!("{rel}/");
    files
        .range(inside.clone()..)
        .next()
        .is_some_and(|f| f.starts_with(&inside))
}

/// `path`'s `/`-separated path relative to `dir`.
fn rel_of(dir: &Path, path: &Path) -> String {
    let inner = path.strip_prefix(dir).unwrap_or(path);
    let parts: Vec<String> = inner
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// "1 file", "3 files".
fn files_count(n: usize) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

/// The first few of `names`, and how many more.
fn list_some(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// Whether two files hold the same bytes.
fn same_bytes(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(fa), Ok(fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let same_len = matches!((fa.metadata(), fb.metadata()), (Ok(x), Ok(y)) if x.len() == y.len());
    if !same_len {
        return false;
    }
    let (mut ra, mut rb) = (std::io::BufReader::new(fa), std::io::BufReader::new(fb));
    let (mut ba, mut bb) = ([0u8; 16 * 1024], [0u8; 16 * 1024]);
    loop {
        let n = match ra.read(&mut ba) {
            Ok(0) => return matches!(rb.read(&mut bb[..1]), Ok(0)),
            Ok(n) => n,
            Err(_) => return false,
        };
        if rb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

/// Whether the file at `path` holds exactly `bytes` (read in pieces into a
/// buffer on the stack).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut buf = [0; 16 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if rest.len() >= n && buf[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) | Err(_) => return false,
        }
    }
}

/// The output folder's staging sibling for this process.
fn staging_dir(out_abs: &Path) -> PathBuf {
    paths::sibling(out_abs, STAGING_PREFIX, &format!("-{}", std::process::id()))
}
