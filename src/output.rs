//! Output writing: a build writes into a staging folder beside the output
//! folder and swaps it in only when everything succeeded, so a failed or
//! killed build leaves the previous output as it was. Nothing is ever
//! written or deleted outside the output folder and its staging sibling.
//!
//! Writing is incremental: a file whose bytes the previous output already
//! holds is hard-linked from there instead of written anew, so an unchanged
//! site costs no new inodes and no data writes. In `serve` a [`Cycle`] goes
//! further and recycles the previous output as the next staging folder.

use crate::error::{Diagnostic, Error, Result};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

const STAGING_PREFIX: &str = ".podsmith-build-";
const RETIRED_PREFIX: &str = ".podsmith-old-";
const PREVIOUS_PREFIX: &str = ".podsmith-previous-";
/// Written into every output folder: a build replaces a folder that holds
/// it, or an empty one, and refuses any other (it could be anything).
pub const OUTPUT_MARKER: &str = ".podsmith-output";
const OUTPUT_MARKER_TEXT: &str =
    "This folder is written by `podsmith build` and replaced as a whole on every build.\n";

/// A written file's length and content hash (XXH3, 128 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// What an output folder holds: each file by its `/`-separated path, with
/// its sum (`None` for a file copied or linked from the site's sources).
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    files: HashMap<String, Option<FileSum>>,
    /// The inode of each file known to be a hard link of a source file
    /// (or, in a recycled folder, of every file), on the folder's device
    /// `dev`: a source file with the same device and inode is that file.
    inodes: HashMap<String, u64>,
    dev: Option<u64>,
}

impl Manifest {
    /// The sum of the file at `rel`, if it was written from bytes.
    pub fn sum(&self, rel: &str) -> Option<FileSum> {
        self.files.get(rel).copied().flatten()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A build's output in the making.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
    /// Folders known to exist in the staging folder.
    dirs: Mutex<HashSet<PathBuf>>,
    /// What the staging folder held when the build began (a recycled
    /// previous output; empty for a fresh folder).
    held: Manifest,
    /// What the live output holds, when known; otherwise its files are
    /// compared byte for byte.
    live: Option<Manifest>,
    /// What this build wrote.
    written: Mutex<Manifest>,
    /// The staging folder is a recycled [`previous_dir`]: put it back there
    /// if the build fails, and keep the output it replaces there.
    recycled: bool,
}

/// Which earlier output a build recycles as its staging folder.
enum Spare<'a> {
    /// The one a build kept beside the output ([`previous_dir`]), if any.
    Previous,
    /// One moved aside by this process, and what it holds (`serve`).
    InMemory(&'a Path, Manifest),
}

impl Staging {
    /// Checks that `out` is a safe output folder for the site in `root` and
    /// prepares a staging folder beside it: the output an earlier build
    /// replaced, when it kept one (see [`previous_dir`]), else a fresh one.
    pub fn begin(out: &Path, root: &Path) -> Result<Staging> {
        Staging::open(out, root, Spare::Previous)
    }

    /// Like [`Staging::begin`], with `spare` as the staging folder.
    fn open(out: &Path, root: &Path, spare: Spare<'_>) -> Result<Staging> {
        let out_abs = absolute(out).map_err(|e| Error::io(out, "resolve", e))?;
        let root_abs = absolute(root).map_err(|e| Error::io(root, "resolve", e))?;
        check_output_dir(&out_abs, &root_abs, out)?;
        if out_abs.exists() && !out_abs.is_dir() {
            return Err(Diagnostic::error(
                out.to_path_buf(),
                "the output path exists and is not a folder",
            )
            .help("choose another --out, or remove that file")
            .into());
        }
        if !is_replaceable(&out_abs) {
            return Err(Diagnostic::error(
                out.to_path_buf(),
                "the output folder already holds files that podsmith did not write, and a build replaces the whole folder",
            )
            .help(format!(
                "choose another --out, or move those files away; a folder podsmith built holds a `{OUTPUT_MARKER}` file (a folder built by an earlier podsmith lacks it: delete that folder once)"
            ))
            .into());
        }
        let parent = out_abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = out_abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, "create the folder", e))?;
        let in_memory = match &spare {
            Spare::InMemory(path, _) => Some(*path),
            Spare::Previous => None,
        };
        remove_leftovers(&parent, &name, in_memory);
        let dir = staging_dir(&out_abs);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, "clear", e))?;
        }
        let (held, recycled) = match spare {
            Spare::InMemory(spare, held) => {
                std::fs::rename(spare, &dir).map_err(|e| Error::io(spare, "reuse", e))?;
                (held, false)
            }
            Spare::Previous => match recycle_previous(&out_abs, &dir) {
                Some(held) => (held, true),
                None => {
                    std::fs::create_dir(&dir)
                        .map_err(|e| Error::io(&dir, "create the staging folder", e))?;
                    (Manifest::default(), false)
                }
            },
        };
        let mut staging = Staging::new(out_abs, dir, held);
        staging.recycled = recycled;
        Ok(staging)
    }

    fn new(out: PathBuf, dir: PathBuf, held: Manifest) -> Staging {
        let dirs = held
            .files
            .keys()
            .filter_map(|rel| dir.join(rel).parent().map(Path::to_path_buf))
            .chain([dir.clone()])
            .collect();
        Staging {
            out,
            committed: false,
            dirs: Mutex::new(dirs),
            held,
            live: None,
            written: Mutex::new(Manifest {
                dev: device(&dir),
                ..Manifest::default()
            }),
            dir,
            recycled: false,
        }
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
    /// When the staging folder or the live output already holds these bytes
    /// at `rel`, the file is kept or hard-linked instead.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.target(rel)?;
        let sum = FileSum::of(bytes);
        let was_written = self.record(rel, Some(sum));
        if !was_written && self.held.sum(rel) == Some(sum) {
            return Ok(());
        }
        let live = self.live_copy(rel, sum, bytes);
        // A recycled folder's file that is the live one: already right.
        let held_unknown = !was_written && self.held.files.get(rel) == Some(&None);
        if held_unknown && live.as_deref().is_some_and(|l| same_file(l, &path)) {
            return Ok(());
        }
        self.prepare(&path, rel, was_written)?;
        if let Some(live) = live {
            if std::fs::hard_link(&live, &path).is_ok() {
                return Ok(());
            }
        }
        std::fs::File::create_new(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| Error::io(&path, "write", e))
    }

    /// Writes the file at `rel` from the pieces that `fill` hands to its
    /// sink, in order, so a large file (the feed) is never held whole.
    /// While the pieces match the live output's file nothing is written:
    /// when all of it matches, the file is kept or linked from there, as
    /// [`Staging::write`] does for unchanged bytes.
    pub fn write_pieces(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()>,
    ) -> Result<()> {
        let path = self.target(rel)?;
        let live = self.out.join(safe_rel(rel)?);
        let was_written = self.contains(rel);
        let mut piece = Pieces {
            staging: self,
            rel,
            path: &path,
            was_written,
            live: std::fs::File::open(&live)
                .ok()
                .filter(|f| f.metadata().is_ok_and(|m| m.is_file()))
                .map(std::io::BufReader::new),
            live_path: &live,
            matched: 0,
            file: None,
            hash: xxhash_rust::xxh3::Xxh3::new(),
            len: 0,
        };
        fill(&mut |bytes| piece.push(bytes))?;
        let sum = piece.finish()?;
        self.record(rel, Some(sum));
        Ok(())
    }

    /// Writes the file at `rel` with the bytes the live output holds there
    /// (hard-linked), without the caller rendering them again. Returns
    /// `false`, writing nothing, when the live output's content is unknown.
    pub fn keep(&self, rel: &str) -> Result<bool> {
        let Some(sum) = self.live.as_ref().and_then(|live| live.sum(rel)) else {
            return Ok(false);
        };
        let path = self.target(rel)?;
        let was_written = self.record(rel, Some(sum));
        if !was_written && self.held.sum(rel) == Some(sum) {
            return Ok(true);
        }
        self.prepare(&path, rel, was_written)?;
        let live = self.out.join(safe_rel(rel)?);
        std::fs::hard_link(&live, &path)
            .or_else(|_| std::fs::copy(&live, &path).map(|_| ()))
            .map_err(|e| Error::io(&live, "copy", e))?;
        Ok(true)
    }

    /// Notes that `rel` is written; returns whether it already was.
    fn record(&self, rel: &str, sum: Option<FileSum>) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        written.files.insert(rel.to_string(), sum).is_some()
    }

    /// Makes way for a new file at `path`: creates its folder, and removes
    /// an older file there (never writing through it: it may be a hard link).
    fn prepare(&self, path: &Path, rel: &str, was_written: bool) -> Result<()> {
        if was_written || self.held.files.contains_key(rel) {
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

    /// The live output's file at `rel` if it holds exactly `bytes`.
    fn live_copy(&self, rel: &str, sum: FileSum, bytes: &[u8]) -> Option<PathBuf> {
        let path = self.out.join(rel);
        match &self.live {
            Some(live) => (live.sum(rel) == Some(sum)).then_some(path),
            None => {
                let meta = std::fs::symlink_metadata(&path).ok()?;
                let same = meta.is_file() && meta.len() == sum.len && holds(&path, bytes);
                same.then_some(path)
            }
        }
    }

    /// Copies the files under `src` to `rel` in the output, skipping the
    /// folders in `skip` and symbolic links that lead outside `site_root`.
    /// Large files are hard-linked when the file system allows it.
    pub fn copy_tree(
        &self,
        src: &Path,
        rel: &str,
        skip: &[PathBuf],
        site_root: &Path,
    ) -> Result<()> {
        if !src.is_dir() {
            return Ok(());
        }
        let skip: Vec<PathBuf> = skip.iter().filter_map(|p| absolute(p).ok()).collect();
        let src_abs = absolute(src).ok();
        // Below `src` the walk follows no links, so a path that is not a
        // link itself is `src` (resolved once) joined with the rest; only
        // links are resolved one by one (which costs a system call per
        // folder of their path).
        let resolve = |entry: &walkdir::DirEntry| match &src_abs {
            Some(base) if !entry.path_is_symlink() => {
                let inner = entry.path().strip_prefix(src).ok()?;
                Some(base.join(inner))
            }
            _ => absolute(entry.path()).ok(),
        };
        // A file's device and inode, from the walk: the device of `src`,
        // unless a folder on the way is another file system (a mount).
        let src_dev = device(src);
        let mut mounts: Vec<PathBuf> = Vec::new();
        let mut walker = walkdir::WalkDir::new(src)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walker.next() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(src).to_path_buf();
                Error::from(Diagnostic::error(path, format!("cannot read: {e}")))
            })?;
            let path = entry.path();
            if resolve(&entry).is_some_and(|abs| skip.iter().any(|s| abs.starts_with(s))) {
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
            let is_link = entry.path_is_symlink();
            if entry.file_type().is_dir() && entry.depth() > 0 {
                let dev = entry
                    .metadata()
                    .ok()
                    .map(|m| std::os::unix::fs::MetadataExt::dev(&m));
                if dev != src_dev {
                    mounts.push(path.to_path_buf());
                }
            }
            if is_link && !crate::content::link_stays_inside(path, site_root) {
                eprintln!(
                    "{}",
                    Diagnostic::warning(
                        path.to_path_buf(),
                        "not copied: a symbolic link that points outside the site"
                    )
                );
                continue;
            }
            // The walk's own file type, unless a link must be followed.
            let is_file = if is_link {
                path.is_file()
            } else {
                entry.file_type().is_file()
            };
            if !is_file {
                continue;
            }
            let inner = path.strip_prefix(src).unwrap_or(path);
            let inner = inner.to_string_lossy().replace('\\', "/");
            let dest_rel = if rel.is_empty() {
                inner
            } else {
                format!("{rel}/{inner}")
            };
            let in_mount = mounts.iter().any(|m| path.starts_with(m));
            let id = match (is_link || in_mount, src_dev) {
                (false, Some(dev)) => Some((dev, walkdir::DirEntryExt::ino(&entry))),
                _ => None,
            };
            self.copy_file_with_id(path, &dest_rel, id)?;
        }
        Ok(())
    }

    /// Copies (or hard-links) one file to `rel` in the output.
    pub fn copy_file(&self, src: &Path, rel: &str) -> Result<()> {
        self.copy_file_with_id(src, rel, None)
    }

    /// Like [`Staging::copy_file`], with the source's device and inode when
    /// the caller knows them (a folder walk does, without a system call):
    /// a held file that is a link of the source is then kept without a look
    /// at either file.
    fn copy_file_with_id(&self, src: &Path, rel: &str, id: Option<(u64, u64)>) -> Result<()> {
        let dest = self.target(rel)?;
        let was_written = self.record(rel, None);
        if !was_written {
            let held_ino = self.held.inodes.get(rel).copied();
            let linked = match id {
                Some((dev, ino)) => self.held.dev == Some(dev) && held_ino == Some(ino),
                None => self.held.files.contains_key(rel) && same_file(src, &dest),
            };
            if linked {
                if let Some(ino) = held_ino.or(id.map(|(_, ino)| ino)) {
                    self.record_inode(rel, ino);
                }
                return Ok(());
            }
        }
        self.prepare(&dest, rel, was_written)?;
        if std::fs::hard_link(src, &dest).is_ok() {
            let ino = match id {
                Some((_, ino)) => Some(ino),
                None => std::fs::metadata(src)
                    .ok()
                    .map(|m| std::os::unix::fs::MetadataExt::ino(&m)),
            };
            if let Some(ino) = ino {
                self.record_inode(rel, ino);
            }
        } else {
            std::fs::copy(src, &dest).map_err(|e| Error::io(src, "copy", e))?;
        }
        Ok(())
    }

    /// Notes that the file at `rel` is a hard link of a source file of inode `ino`.
    fn record_inode(&self, rel: &str, ino: u64) {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        written.inodes.insert(rel.to_string(), ino);
    }

    /// Whether a file was already written at `rel`.
    pub fn contains(&self, rel: &str) -> bool {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        written.files.contains_key(rel)
    }

    /// Whether the file at `rel` is the live output's file itself (it was
    /// kept or linked from there, so its bytes are the same).
    pub fn is_live(&self, rel: &str) -> bool {
        safe_rel(rel).is_ok_and(|safe| same_file(&self.dir.join(&safe), &self.out.join(&safe)))
    }

    /// Reads a file of the previous output (e.g. the published `feed.xml`).
    pub fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        let safe = safe_rel(rel).ok()?;
        std::fs::read(self.out.join(safe)).ok()
    }

    /// Swaps the staging folder in as the output folder. On Linux the two
    /// folders trade places in one atomic step, so a reader (or a kill) never
    /// sees the output missing; elsewhere it takes two renames.
    ///
    /// The output it replaces is kept as [`previous_dir`], for the next
    /// build to recycle: that build then creates no folders and rewrites
    /// only the files that changed.
    pub fn commit(self) -> Result<()> {
        let previous = previous_dir(&self.out);
        if let Some(old) = crate::timed("swap", || self.commit_keep_old())? {
            let kept = !previous.exists() && std::fs::rename(&old, &previous).is_ok();
            if !kept {
                let _ = std::fs::remove_dir_all(&old);
            }
        }
        Ok(())
    }

    /// Like [`Staging::commit`], but leaves the previous output, moved
    /// aside, for the caller to delete (`serve` deletes it on another thread
    /// so the new site is served sooner). Returns where it is. It must be
    /// deleted before the next commit of the same output folder.
    pub fn commit_keep_old(mut self) -> Result<Option<PathBuf>> {
        self.remove_stale();
        // Replaced, not written through: in a recycled folder it may be a
        // hard link to the live output's marker.
        let marker = self.dir.join(OUTPUT_MARKER);
        let _ = std::fs::remove_file(&marker);
        std::fs::write(&marker, OUTPUT_MARKER_TEXT).map_err(|e| Error::io(&marker, "write", e))?;
        let retired = sibling(
            &self.out,
            RETIRED_PREFIX,
            &format!("-{}", std::process::id()),
        );
        if !self.out.exists() {
            std::fs::rename(&self.dir, &self.out).map_err(|e| Error::io(&self.out, "create", e))?;
            self.committed = true;
            return Ok(None);
        }
        if exchange(&self.dir, &self.out).is_ok() {
            // The staging path now holds the previous output; a kill from
            // here on leaves only a leftover that the next build removes.
            self.committed = true;
            return Ok(Some(match std::fs::rename(&self.dir, &retired) {
                Ok(()) => retired,
                Err(_) => self.dir.clone(),
            }));
        }
        std::fs::rename(&self.out, &retired).map_err(|e| Error::io(&self.out, "move aside", e))?;
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            let _ = std::fs::rename(&retired, &self.out);
            return Err(Error::io(&self.out, "replace", e));
        }
        self.committed = true;
        Ok(Some(retired))
    }

    fn target(&self, rel: &str) -> Result<PathBuf> {
        Ok(self.dir.join(safe_rel(rel)?))
    }

    /// Removes the files of a recycled folder that this build did not
    /// write, and the folders that leaves empty.
    fn remove_stale(&self) {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let mut parents = std::collections::BTreeSet::new();
        for rel in self.held.files.keys() {
            if !written.files.contains_key(rel) {
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

/// Where a build keeps the output folder it replaced, beside the output
/// (`.podsmith-previous-public` for `public`), to recycle it as the next
/// build's staging folder. It holds an older copy of the site, mostly as
/// hard links to the same files; deleting it only makes the next build
/// slower.
pub fn previous_dir(out_abs: &Path) -> PathBuf {
    sibling(out_abs, PREVIOUS_PREFIX, "")
}

/// The folder beside `out_abs` named `<prefix><its name><suffix>`.
fn sibling(out_abs: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let parent = out_abs.parent().unwrap_or(Path::new("/"));
    let name = out_abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent.join(format!("{prefix}{name}{suffix}"))
}

/// Moves the previous output of `out_abs` to `dir` and lists what it holds
/// (without sums: each file is checked against the live output before it is
/// kept). `None`, touching nothing, when there is no previous output that
/// podsmith wrote.
fn recycle_previous(out_abs: &Path, dir: &Path) -> Option<Manifest> {
    let previous = previous_dir(out_abs);
    let meta = std::fs::symlink_metadata(&previous).ok()?;
    if !meta.is_dir() || !previous.join(OUTPUT_MARKER).is_file() {
        return None;
    }
    std::fs::rename(&previous, dir).ok()?;
    let mut held = Manifest {
        dev: device(dir),
        ..Manifest::default()
    };
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let Ok(entry) = entry else {
            // Unreadable: start afresh rather than trust part of it.
            let _ = std::fs::remove_dir_all(dir);
            return None;
        };
        if entry.file_type().is_dir() {
            continue;
        }
        if let Some(rel) = entry.path().strip_prefix(dir).ok().and_then(Path::to_str) {
            let rel = rel.replace('\\', "/");
            held.inodes
                .insert(rel.clone(), walkdir::DirEntryExt::ino(&entry));
            held.files.insert(rel, None);
        }
    }
    Some(held)
}

/// A file being written piece by piece ([`Staging::write_pieces`]).
struct Pieces<'a> {
    staging: &'a Staging,
    rel: &'a str,
    path: &'a Path,
    was_written: bool,
    /// The live output's file, read along while the pieces match it.
    live: Option<std::io::BufReader<std::fs::File>>,
    live_path: &'a Path,
    /// How many bytes matched the live file before `file` was created.
    matched: u64,
    file: Option<std::io::BufWriter<std::fs::File>>,
    hash: xxhash_rust::xxh3::Xxh3,
    len: u64,
}

impl Pieces<'_> {
    fn push(&mut self, bytes: &[u8]) -> Result<()> {
        use std::io::Read;
        self.hash.update(bytes);
        self.len += bytes.len() as u64;
        if self.file.is_none() {
            if let Some(live) = &mut self.live {
                let mut buf = [0; 16 * 1024];
                let mut rest = bytes;
                while !rest.is_empty() {
                    let n = rest.len().min(buf.len());
                    if live.read_exact(&mut buf[..n]).is_err() || buf[..n] != rest[..n] {
                        break;
                    }
                    rest = &rest[n..];
                    self.matched += n as u64;
                }
                if rest.is_empty() {
                    return Ok(());
                }
                return self.diverge(rest);
            }
            return self.diverge(bytes);
        }
        self.write(bytes)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if let Some(file) = &mut self.file {
            file.write_all(bytes)
                .map_err(|e| Error::io(self.path, "write", e))?;
        }
        Ok(())
    }

    /// Starts the file: the part that matched the live file, then `rest`.
    fn diverge(&mut self, rest: &[u8]) -> Result<()> {
        use std::io::Read;
        self.live = None;
        self.staging
            .prepare(self.path, self.rel, self.was_written)?;
        let file =
            std::fs::File::create_new(self.path).map_err(|e| Error::io(self.path, "write", e))?;
        let mut file = std::io::BufWriter::with_capacity(256 * 1024, file);
        if self.matched > 0 {
            let live = std::fs::File::open(self.live_path)
                .map_err(|e| Error::io(self.live_path, "read", e))?;
            let copied = std::io::copy(&mut live.take(self.matched), &mut file)
                .map_err(|e| Error::io(self.path, "write", e))?;
            if copied != self.matched {
                return Err(Error::io(
                    self.live_path,
                    "read",
                    std::io::ErrorKind::UnexpectedEof.into(),
                ));
            }
        }
        self.file = Some(file);
        self.write(rest)
    }

    /// Ends the file; returns its sum.
    fn finish(mut self) -> Result<FileSum> {
        use std::io::Read;
        let sum = FileSum {
            len: self.len,
            hash: self.hash.digest128(),
        };
        if let Some(mut live) = self.live.take() {
            let at_end = matches!(live.read(&mut [0; 1]), Ok(0));
            if at_end {
                // The same bytes as the live file.
                let held = !self.was_written && self.staging.held.files.contains_key(self.rel);
                if held && same_file(self.live_path, self.path) {
                    return Ok(sum);
                }
                self.staging
                    .prepare(self.path, self.rel, self.was_written)?;
                std::fs::hard_link(self.live_path, self.path)
                    .or_else(|_| std::fs::copy(self.live_path, self.path).map(|_| ()))
                    .map_err(|e| Error::io(self.path, "write", e))?;
                return Ok(sum);
            }
            self.diverge(&[])?;
        }
        if self.file.is_none() {
            self.diverge(&[])?;
        }
        if let Some(file) = self.file.take() {
            file.into_inner()
                .map_err(|e| Error::io(self.path, "write", e.into_error()))?;
        }
        Ok(sum)
    }
}

/// The output folder's staging sibling for this process.
fn staging_dir(out_abs: &Path) -> PathBuf {
    sibling(out_abs, STAGING_PREFIX, &format!("-{}", std::process::id()))
}

/// Whether the file at `path` holds exactly `bytes` (read in pieces into a
/// buffer on the stack: a fresh heap buffer per file cost page faults).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
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

/// The device a path is on.
fn device(path: &Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .map(|m| std::os::unix::fs::MetadataExt::dev(&m))
}

/// Whether two paths are the same file (one hard-linked to the other).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Keeps an output folder up to date across the builds of one process
/// (`serve`): after a swap the previous output stays aside as the spare,
/// and the next build recycles it as its staging folder, so a rebuild
/// rewrites only the files that changed and creates no folders.
#[derive(Debug, Default)]
pub struct Cycle {
    /// What the output folder holds, once a build of this cycle committed.
    live: Option<Manifest>,
    /// The previous output, moved aside, and what it holds.
    spare: Option<(PathBuf, Manifest)>,
}

impl Cycle {
    /// Starts a build of `out`, recycling the spare folder when there is one.
    pub fn begin(&mut self, out: &Path, root: &Path) -> Result<Staging> {
        let spare = self.spare.take();
        let opened = match &spare {
            Some((path, held)) => Staging::open(out, root, Spare::InMemory(path, held.clone())),
            None => Staging::begin(out, root),
        };
        if let (Err(_), Some((spare, _))) = (&opened, &spare) {
            let _ = std::fs::remove_dir_all(spare);
        }
        let mut staging = opened?;
        staging.live = self.live.clone();
        Ok(staging)
    }

    /// Swaps `staging` in and keeps the previous output as the spare. Call
    /// it with readers of the output locked out.
    pub fn commit(&mut self, staging: Staging) -> Result<()> {
        let written = staging
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let old = staging.commit_keep_old()?;
        match (old, self.live.replace(written)) {
            (Some(old), Some(held)) => self.spare = Some((old, held)),
            (Some(old), None) => {
                let _ = std::fs::remove_dir_all(old);
            }
            _ => {}
        }
        Ok(())
    }

    /// What the live output holds (after a commit).
    pub fn live(&self) -> Option<&Manifest> {
        self.live.as_ref()
    }

    /// Makes the spare folder when there is none (after the first build of
    /// the cycle): a copy of the live output `out` made of hard links, so
    /// that the next build recycles it like any spare instead of creating
    /// every folder and file of the site. For idle time (serve, after its
    /// first build). On failure there is simply no spare.
    pub fn prepare_spare(&mut self, out: &Path) {
        let (Some(live), None) = (&self.live, &self.spare) else {
            return;
        };
        let Ok(out_abs) = absolute(out) else {
            return;
        };
        let dir = sibling(
            &out_abs,
            RETIRED_PREFIX,
            &format!("-{}", std::process::id()),
        );
        let _ = std::fs::remove_dir_all(&dir);
        let linked = live.files.keys().try_for_each(|rel| {
            let rel = safe_rel(rel).map_err(|_| std::io::ErrorKind::InvalidInput)?;
            let dest = dir.join(&rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::hard_link(out_abs.join(&rel), &dest)
        });
        match linked {
            Ok(()) => self.spare = Some((dir, live.clone())),
            Err(_) => {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // A recycled folder goes back, for the next build: its files are
        // checked against the live output before any is kept.
        let previous = previous_dir(&self.out);
        let put_back =
            self.recycled && !previous.exists() && std::fs::rename(&self.dir, &previous).is_ok();
        if !put_back {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Atomically exchanges two paths (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// Checks that `rel` is a plain relative path inside the output.
fn safe_rel(rel: &str) -> Result<PathBuf> {
    let path = Path::new(rel);
    let ok = !rel.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(Diagnostic::error(
            None,
            format!("refusing to write {rel:?}: it is not a path inside the output folder"),
        )
        .into())
    }
}

/// Whether a build may replace `out`: it does not exist, is empty, or holds
/// the marker of an earlier build.
fn is_replaceable(out: &Path) -> bool {
    match std::fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_none() || out.join(OUTPUT_MARKER).is_file(),
        Err(_) => !out.exists(),
    }
}

/// Refuses `/`, the site root itself, and any folder that contains the site.
fn check_output_dir(out_abs: &Path, root_abs: &Path, shown: &Path) -> Result<()> {
    let refuse = |why: &str| -> Result<()> {
        Err(Diagnostic::error(
            shown.to_path_buf(),
            format!("refusing to use this as the output folder: {why}"),
        )
        .help("choose a folder of its own inside or beside the site, e.g. --out public")
        .into())
    };
    if out_abs.parent().is_none() {
        return refuse("it is the file system's root");
    }
    if out_abs == root_abs {
        return refuse("it is the site's own folder");
    }
    if root_abs.starts_with(out_abs) {
        return refuse("it contains the site's folder");
    }
    for source in ["content", "templates", "static"] {
        if out_abs.starts_with(root_abs.join(source)) {
            return refuse(&format!("it is inside the site's {source}/ folder"));
        }
    }
    Ok(())
}

/// Removes staging and retired folders that a killed build left behind
/// (all but `keep`).
fn remove_leftovers(parent: &Path, name: &str, keep: Option<&Path>) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let ours = [STAGING_PREFIX, RETIRED_PREFIX].iter().any(|p| {
            file_name
                .strip_prefix(p)
                .and_then(|r| r.strip_prefix(name))
                .is_some_and(|r| {
                    r.strip_prefix('-').is_some_and(|pid| {
                        !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
                    })
                })
        });
        if ours
            && entry.file_type().is_ok_and(|t| t.is_dir())
            && Some(entry.path().as_path()) != keep
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// An absolute, lexically normalized path (it need not exist); existing
/// prefixes are resolved through symbolic links.
pub fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut normal = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    // Resolve the longest existing prefix, so links cannot disguise a path.
    let mut existing = normal.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => {
                rest.push(name.to_os_string());
                existing.pop();
            }
            None => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// Where a build of `root` writes by default.
pub fn default_out_dir(root: &Path) -> PathBuf {
    root.join("public")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_output_folders() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        assert!(Staging::begin(Path::new("/"), r).is_err());
        assert!(Staging::begin(r, r).is_err());
        assert!(Staging::begin(r.parent().unwrap(), r).is_err());
        assert!(Staging::begin(&r.join("content/x"), r).is_err());
        assert!(Staging::begin(&r.join("public"), r).is_ok());
    }

    #[test]
    fn refuses_paths_that_climb_out() {
        let root = tempfile::tempdir().unwrap();
        let s = Staging::begin(&root.path().join("public"), root.path()).unwrap();
        assert!(s.write("../evil", b"x").is_err());
        assert!(s.write("/etc/x", b"x").is_err());
        assert!(s.write("a/../../x", b"x").is_err());
        assert!(s.write("a/b.html", b"x").is_ok());
    }

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("index.html", b"two").unwrap();
        let staging = s.path().to_path_buf();
        drop(s);
        assert!(!staging.exists());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");
    }

    /// The files of an output folder, but for the marker (checked apart).
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        assert!(dir.join(OUTPUT_MARKER).is_file(), "no marker in {dir:?}");
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file() && e.file_name() != OUTPUT_MARKER)
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"same").unwrap();
        s.write("b.html", b"old").unwrap();
        s.commit().unwrap();
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"same").unwrap();
        s.write("b.html", b"new").unwrap();
        let linked = std::fs::metadata(s.path().join("a/index.html")).unwrap();
        assert_eq!(linked.nlink(), 2);
        assert_eq!(
            std::fs::metadata(s.path().join("b.html")).unwrap().nlink(),
            1
        );
        s.commit().unwrap();
        let expected = vec![
            ("a/index.html".into(), b"same".to_vec()),
            ("b.html".into(), b"new".to_vec()),
        ];
        assert_eq!(files(&out), expected);
    }

    #[test]
    fn a_build_recycles_the_output_it_replaced() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let previous = previous_dir(&absolute(&out).unwrap());
        let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
        let builds: [&[(&str, &[u8])]; 4] = [
            &[
                ("index.html", b"1"),
                ("e/1/index.html", b"one"),
                ("gone/x.html", b"x"),
                ("was-a-file", b"f"),
                ("was-a-folder/a.html", b"a"),
            ],
            &[("index.html", b"2"), ("e/1/index.html", b"one")],
            &[
                ("index.html", b"3"),
                ("e/1/index.html", b"uno"),
                ("was-a-file/now.html", b"n"),
                ("was-a-folder", b"file"),
            ],
            &[("index.html", b"3"), ("e/1/index.html", b"uno")],
        ];
        for (n, build) in builds.iter().enumerate() {
            let s = Staging::begin(&out, root.path()).unwrap();
            assert!(!previous.exists(), "build {n}: taken as the staging folder");
            for (rel, bytes) in build.iter() {
                s.write(rel, bytes).unwrap();
            }
            if n == 3 {
                // Unchanged and already the live file: left as it is.
                let kept = s.path().join("index.html");
                assert_eq!(ino(&kept), ino(&out.join("index.html")));
            }
            s.commit().unwrap();
            let mut expected: Vec<(String, Vec<u8>)> = build
                .iter()
                .map(|(rel, bytes)| (rel.to_string(), bytes.to_vec()))
                .collect();
            expected.sort();
            assert_eq!(files(&out), expected, "build {n}");
            assert_eq!(previous.join(OUTPUT_MARKER).is_file(), n > 0, "build {n}");
        }
        assert!(!out.join("gone").exists());

        // A failed build puts the folder back, and the output stays.
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("index.html", b"broken").unwrap();
        drop(s);
        assert!(previous.is_dir());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"3");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("index.html", b"4").unwrap();
        s.commit().unwrap();
        assert_eq!(files(&out), vec![("index.html".into(), b"4".to_vec())]);

        // A folder without the marker is not podsmith's: left alone.
        std::fs::remove_dir_all(&previous).unwrap();
        std::fs::create_dir(&previous).unwrap();
        std::fs::write(previous.join("mine.txt"), b"mine").unwrap();
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("index.html", b"5").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(previous.join("mine.txt")).unwrap(), b"mine");
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"5");
    }

    #[test]
    fn a_file_written_in_pieces_matches_one_written_whole() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let ino = |p: &Path| std::fs::metadata(p).ok().map(|m| m.ino());
        let long: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut changed = long.clone();
        changed[70_000] ^= 1;
        let versions: [&[u8]; 6] = [
            &long,
            &long,              // the same: linked from the live output
            &changed,           // differs after the first pieces
            &changed[..50_000], // shorter
            &changed,           // longer
            b"",
        ];
        for (n, bytes) in versions.iter().enumerate() {
            let s = Staging::begin(&out, root.path()).unwrap();
            s.write_pieces("feed.xml", |sink| {
                for piece in bytes.chunks(7_000) {
                    sink(piece)?;
                }
                Ok(())
            })
            .unwrap();
            let path = s.path().join("feed.xml");
            assert_eq!(std::fs::read(&path).unwrap(), *bytes, "version {n}");
            let same = n == 1;
            assert_eq!(
                ino(&path) == ino(&out.join("feed.xml")),
                same,
                "version {n}"
            );
            assert_eq!(s.is_live("feed.xml"), same, "version {n}");
            s.commit().unwrap();
            assert_eq!(std::fs::read(out.join("feed.xml")).unwrap(), *bytes);
        }
    }

    #[test]
    fn a_cycle_recycles_the_previous_output() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let media = root.path().join("a.mp3");
        std::fs::write(&media, b"audio").unwrap();
        let mut cycle = Cycle::default();
        let builds: [&[(&str, &[u8])]; 4] = [
            &[
                ("index.html", b"1"),
                ("e/1/index.html", b"one"),
                ("gone/x.html", b"x"),
            ],
            &[("index.html", b"2"), ("e/1/index.html", b"one")],
            &[
                ("index.html", b"3"),
                ("e/1/index.html", b"uno"),
                ("e/2/index.html", b"two"),
            ],
            &[("index.html", b"3"), ("e/2/index.html", b"two")],
        ];
        for (n, build) in builds.iter().enumerate() {
            let s = cycle.begin(&out, root.path()).unwrap();
            for (rel, bytes) in build.iter() {
                s.write(rel, bytes).unwrap();
            }
            s.copy_file(&media, "media/a.mp3").unwrap();
            if n == 3 {
                // Unchanged since the last build, without rendering it again.
                assert!(s.keep("e/2/index.html").unwrap());
            }
            cycle.commit(s).unwrap();
            let mut expected: Vec<(String, Vec<u8>)> = build
                .iter()
                .map(|(rel, bytes)| (rel.to_string(), bytes.to_vec()))
                .chain([("media/a.mp3".to_string(), b"audio".to_vec())])
                .collect();
            expected.sort();
            assert_eq!(files(&out), expected, "build {n}");
            assert_eq!(cycle.live().unwrap().len(), expected.len());
        }
        assert!(!out.join("gone").exists());
        assert_eq!(std::fs::read(&media).unwrap(), b"audio");
    }
}
