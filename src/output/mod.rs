//! Output writing. A build writes into a fresh staging folder beside the
//! output folder and swaps it in only when everything succeeded, so a
//! failed or killed build leaves the previous output as it was.
//!
//! What makes it safe, in one place:
//! - **One build at a time** per output folder ([`lock`]).
//! - **Only podsmith's files are replaced.** The output folder keeps a
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
//! `serve` reuses its previous output as the next staging folder (see
//! [`Cycle`]); a plain build never does.

mod copy;
mod cycle;
mod lock;
mod manifest;
mod paths;
mod swap;

pub use cycle::Cycle;
pub use lock::{OutputLock, WAIT_ENV as LOCK_WAIT_ENV};
pub use paths::{absolute, default_out_dir};

use crate::error::{display_path, Diagnostic, Error, Result};
use manifest::Written;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const STAGING_PREFIX: &str = ".podsmith-build-";
const RETIRED_PREFIX: &str = ".podsmith-old-";
/// podsmith 0.2 kept the replaced output under this name.
const PREVIOUS_PREFIX: &str = ".podsmith-previous-";
/// The manifest file in every output folder (see [`manifest`]).
pub const MANIFEST: &str = ".podsmith-output";
/// The journal of entries being carried into a staging folder.
const CARRIED: &str = ".podsmith-carried";
/// The mark of a staging folder: everything in it is podsmith's.
const STAGING: &str = ".podsmith-staging";
/// What stays in the output folder across builds, untouched.
const CARRIED_ENTRIES: [&str; 1] = [".git"];

/// A written file's length and content hash (XXH3, 128 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileSum {
    len: u64,
    hash: u128,
}

impl FileSum {
    pub fn of(bytes: &[u8]) -> FileSum {
        FileSum {
            len: bytes.len() as u64,
            hash: xxhash_rust::xxh3::xxh3_128(bytes),
        }
    }
}

/// What an output folder holds, by `/`-separated path, with each file's sum
/// when it was written from bytes (`None` for a copied file).
pub type Files = HashMap<String, Option<FileSum>>;

/// A staging folder swapped in.
struct Swapped {
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

/// How a staging folder was started.
#[derive(Debug, Default)]
struct Held {
    /// Files the folder already holds (`serve`'s recycled previous output),
    /// with their sums when they were written from bytes.
    files: Files,
    /// Sums of the live output's files, when known (`serve`).
    live: Option<Files>,
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
    live_written: Written,
    /// Copy source files as hard links (the user's opt-in).
    hard_links: bool,
    /// Every path written so far, and what wrote it.
    claims: Mutex<HashMap<String, (Origin, Option<FileSum>)>>,
    /// Folders known to exist in the staging folder.
    dirs: Mutex<HashSet<PathBuf>>,
    held: Held,
    /// Warnings about the output (left-over folders, files left in place).
    warnings: Mutex<Vec<Diagnostic>>,
    committed: bool,
}

impl Staging {
    /// Checks that `out` is a safe output folder for the site in `root`,
    /// takes its lock (waiting briefly for another build of it), cleans up
    /// after killed builds, refuses an output folder holding files that
    /// podsmith did not write, and creates a fresh staging folder beside it.
    pub fn begin(out: &Path, root: &Path) -> Result<Staging> {
        Staging::open(out, root, None)
    }

    /// Like [`Staging::begin`], with `spare` (a folder this process owns,
    /// and what it holds) as the staging folder (`serve`).
    fn open(out: &Path, root: &Path, spare: Option<(PathBuf, Held)>) -> Result<Staging> {
        let out_abs = paths::in_real_folder(out).map_err(|e| Error::io(out, "resolve", e))?;
        let root_abs = absolute(root).map_err(|e| Error::io(root, "resolve", e))?;
        paths::check_output_dir(&out_abs, &root_abs)?;
        let parent = out_abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, "create the folder", e))?;
        let lock = OutputLock::acquire(&out_abs, out)?;
        let spare_dir = spare.as_ref().map(|(dir, _)| dir.as_path());
        let warnings = swap::recover(&out_abs, spare_dir);
        let live_written = Written::read(&out_abs);
        check_foreign_files(&out_abs, &live_written, None)?;
        let dir = staging_dir(&out_abs);
        let held = match spare {
            Some((spare, held)) => {
                std::fs::rename(&spare, &dir).map_err(|e| Error::io(&spare, "reuse", e))?;
                held
            }
            None => {
                std::fs::create_dir(&dir)
                    .map_err(|e| Error::io(&dir, "create the staging folder", e))?;
                std::fs::write(dir.join(STAGING), b"")
                    .map_err(|e| Error::io(&dir, "write into", e))?;
                Held::default()
            }
        };
        let dirs = held
            .files
            .keys()
            .filter_map(|rel| dir.join(rel).parent().map(Path::to_path_buf))
            .chain([dir.clone()])
            .collect();
        Ok(Staging {
            out: out_abs,
            dir,
            _lock: lock,
            live_written,
            hard_links: false,
            claims: Mutex::new(HashMap::new()),
            dirs: Mutex::new(dirs),
            held,
            warnings: Mutex::new(warnings),
            committed: false,
        })
    }

    /// Copies source files as hard links instead of copies (`[output]
    /// hard_links`): faster and smaller, but the output then shares its
    /// files with the sources, so editing one edits the other.
    pub fn set_hard_links(&mut self, on: bool) {
        self.hard_links = on;
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
        let path = self.target(rel)?;
        let sum = FileSum::of(bytes);
        self.claim(rel, Origin::Generated, Some(sum))?;
        if self.held.files.get(rel) == Some(&Some(sum)) {
            return Ok(()); // a recycled folder's file with these bytes
        }
        self.prepare(&path, rel)?;
        std::fs::File::create_new(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| Error::io(&path, "write", e))
    }

    /// Writes a file of the built-in theme at `rel`, unless a source file
    /// was copied there (a site's own file replaces the theme's). Call it
    /// after the source files are copied.
    pub fn write_builtin(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if self.lock_claims().contains_key(rel) {
            return Ok(());
        }
        let path = self.target(rel)?;
        let sum = FileSum::of(bytes);
        self.claim(rel, Origin::Builtin, Some(sum))?;
        if self.held.files.get(rel) == Some(&Some(sum)) {
            return Ok(());
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
        self.claim(rel, Origin::Generated, None)?;
        self.prepare(&path, rel)?;
        let file = std::fs::File::create_new(&path).map_err(|e| Error::io(&path, "write", e))?;
        let mut file = std::io::BufWriter::with_capacity(256 * 1024, file);
        let mut hash = xxhash_rust::xxh3::Xxh3::new();
        let mut len = 0u64;
        fill(&mut |bytes| {
            hash.update(bytes);
            len += bytes.len() as u64;
            file.write_all(bytes)
                .map_err(|e| Error::io(&path, "write", e))
        })?;
        file.into_inner()
            .map_err(|e| Error::io(&path, "write", e.into_error()))?;
        let sum = FileSum {
            len,
            hash: hash.digest128(),
        };
        self.lock_claims()
            .entry(rel.to_string())
            .and_modify(|claim| claim.1 = Some(sum));
        Ok(())
    }

    /// Copies the source file `src` to `rel` in the output: a clone or
    /// copy (or a hard link when the user opted in). An unchanged file that
    /// the live output already holds as a faithful copy is reused from
    /// there rather than copied again.
    pub fn copy_file(&self, src: &Path, rel: &str) -> Result<()> {
        let dest = self.target(rel)?;
        self.claim(rel, Origin::Source(src.to_path_buf()), None)?;
        let meta = std::fs::metadata(src).map_err(|e| Error::io(src, "read", e))?;
        if self.held.files.contains_key(rel) {
            let held = std::fs::symlink_metadata(&dest);
            if held.is_ok_and(|h| copy::still_a_copy(&meta, &h, true)) {
                return Ok(()); // serve: the recycled folder's copy
            }
        }
        self.prepare(&dest, rel)?;
        if self.hard_links && std::fs::hard_link(src, &dest).is_ok() {
            return Ok(());
        }
        if !self.hard_links && self.held.files.is_empty() && !swap::portable() {
            let live = self.out.join(rel);
            let faithful = std::fs::symlink_metadata(&live)
                .is_ok_and(|l| copy::still_a_copy(&meta, &l, false));
            if faithful
                && self.live_written.has(rel) == Some(true)
                && std::fs::hard_link(&live, &dest).is_ok()
            {
                // Shared with the old output only until the swap removes it.
                return Ok(());
            }
        }
        copy::copy(src, &meta, &dest).map_err(|e| Error::io(src, "copy", e))
    }

    /// Writes the file at `rel` with the bytes the live output holds there
    /// (linked: both are podsmith's own output), without the caller
    /// rendering them again (`serve`'s memo). Returns `false`, writing
    /// nothing, when the live output's content is unknown.
    pub fn keep(&self, rel: &str) -> Result<bool> {
        let Some(sum) = self
            .held
            .live
            .as_ref()
            .and_then(|live| live.get(rel).copied().flatten())
        else {
            return Ok(false);
        };
        let path = self.target(rel)?;
        self.claim(rel, Origin::Generated, Some(sum))?;
        if self.held.files.get(rel) == Some(&Some(sum)) {
            return Ok(true);
        }
        self.prepare(&path, rel)?;
        let live = self.out.join(rel);
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
    fn claim(&self, rel: &str, origin: Origin, sum: Option<FileSum>) -> Result<()> {
        let mut claims = self.lock_claims();
        match claims.get(rel) {
            None => {}
            Some((Origin::Builtin, _)) if matches!(origin, Origin::Source(_)) => {}
            Some((other, _)) => {
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
        claims.insert(rel.to_string(), (origin, sum));
        Ok(())
    }

    fn lock_claims(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Origin, Option<FileSum>)>> {
        self.claims.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes way for a new file at `path`: creates its folder, and removes
    /// an older file there (never writing through it: it may be a link).
    fn prepare(&self, path: &Path, rel: &str) -> Result<()> {
        if self.held.files.contains_key(rel) {
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
            // A recycled folder has a folder where this file goes now.
            std::fs::remove_dir_all(path).map_err(|e| Error::io(path, "replace", e))?;
            dirs.retain(|d| !d.starts_with(path));
        }
        if !dirs.contains(parent) {
            if std::fs::create_dir_all(parent).is_err() {
                // A recycled folder may have a file where a folder goes now.
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
    /// removes the output it replaced. Returns warnings about the output
    /// folder (files left in place, leftovers of killed builds).
    pub fn commit(self) -> Result<Vec<Diagnostic>> {
        let Swapped {
            old,
            mut warnings,
            written,
        } = self.swap_in()?;
        if let Some(old) = old {
            let known = |rel: &str| written.contains_key(rel);
            warnings.extend(crate::timed("remove old", || {
                swap::remove_replaced(&old, &known)
            }));
        }
        Ok(warnings)
    }

    /// Swaps the staging folder in; returns where the replaced output is
    /// now (for the caller to remove or reuse), the warnings so far, and
    /// what this build wrote.
    fn swap_in(mut self) -> Result<Swapped> {
        self.remove_stale();
        let claims = std::mem::take(&mut *self.lock_claims());
        let written: Files = claims
            .into_iter()
            .map(|(rel, (_, sum))| (rel, sum))
            .collect();
        // An output that an old podsmith wrote lists no files: what this
        // build did not write is not podsmith's to replace.
        if self.live_written == Written::Unlisted {
            check_foreign_files(
                &self.out,
                &Written::Unlisted,
                Some(&|rel: &str| written.contains_key(rel)),
            )?;
        }
        let manifest = self.dir.join(MANIFEST);
        let _ = std::fs::remove_file(&manifest); // may be linked (serve)
        std::fs::write(&manifest, manifest::text(written.keys()))
            .map_err(|e| Error::io(&manifest, "write", e))?;
        let _ = std::fs::remove_file(self.dir.join(STAGING));
        let warnings =
            std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|e| e.into_inner()));
        if std::fs::symlink_metadata(&self.out).is_err() {
            std::fs::rename(&self.dir, &self.out).map_err(|e| Error::io(&self.out, "create", e))?;
            self.committed = true;
            return Ok(Swapped {
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
        let retired = paths::sibling(
            &self.out,
            RETIRED_PREFIX,
            &format!("-{}", std::process::id()),
        );
        let old = match std::fs::rename(&self.dir, &retired) {
            Ok(()) => retired,
            Err(_) => self.dir.clone(),
        };
        Ok(Swapped {
            old: Some(old),
            warnings,
            written,
        })
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

    /// Removes the files of a recycled folder that this build did not
    /// write, and the folders that leaves empty.
    fn remove_stale(&self) {
        let claims = self.lock_claims();
        let mut parents = std::collections::BTreeSet::new();
        for rel in self.held.files.keys() {
            if !claims.contains_key(rel) {
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
        if !self.committed {
            self.uncarry();
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
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
fn check_foreign_files(
    out: &Path,
    written: &Written,
    this_build: Option<&dyn Fn(&str) -> bool>,
) -> Result<()> {
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
    let ours: &dyn Fn(&str) -> bool = match (written, this_build) {
        (Written::Files(files), _) => &|rel| files.contains(rel),
        (Written::Unlisted, Some(this_build)) => this_build,
        (Written::Unlisted, None) => return Ok(()),
        (Written::None, _) => &|_| false,
    };
    let mut foreign = Vec::new();
    for path in &entries {
        walk_files(out, path, &mut |rel| {
            if !ours(rel) {
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
fn walk_files(out: &Path, path: &Path, each: &mut dyn FnMut(&str)) {
    for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
        let is_dir = entry.file_type().is_dir();
        let empty_dir =
            is_dir && std::fs::read_dir(entry.path()).is_ok_and(|mut d| d.next().is_none());
        if !is_dir || empty_dir {
            each(&rel_of(out, entry.path()));
        }
    }
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

/// The output folder's staging sibling for this process.
fn staging_dir(out_abs: &Path) -> PathBuf {
    paths::sibling(out_abs, STAGING_PREFIX, &format!("-{}", std::process::id()))
}
