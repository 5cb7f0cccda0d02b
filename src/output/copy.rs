//! Copying source files (static files, audio) into the output without ever
//! sharing storage with them: a copy-on-write clone where the file system
//! has one (btrfs, XFS, APFS, ReFS), else a plain copy. Hard links only when
//! the user opts in (`[output] hard_links`).
//!
//! A copy carries its source's modification time, so a later build can tell
//! an output file that is still a faithful copy (same length and time) from
//! one that was edited in place, and reuse the former instead of copying
//! large audio again (the quick check `rsync` makes).

use std::fs::{File, Metadata};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether clones may work here: cleared at the first clone the file
/// system refuses (a build copies within one pair of folders, so one
/// refusal stands for all), which saves a file created and removed per copy.
#[derive(Debug)]
pub(super) struct Cloning(AtomicBool);

impl Cloning {
    pub(super) fn new() -> Cloning {
        Cloning(AtomicBool::new(!super::swap::portable()))
    }
}

/// Copies `src` (whose metadata is `meta`) to the new file `dest`: a clone
/// where `cloning` still allows one, else a copy (in the kernel where it
/// can, `copy_file_range` on Linux); either way with `src`'s time.
pub(super) fn copy(
    src: &Path,
    meta: &Metadata,
    dest: &Path,
    cloning: &Cloning,
) -> std::io::Result<()> {
    if cloning.0.load(Ordering::Relaxed) {
        match reflink_copy::reflink(src, dest) {
            Ok(()) => {
                return File::options()
                    .write(true)
                    .open(dest)?
                    .set_modified(meta.modified()?)
            }
            Err(_) => {
                cloning.0.store(false, Ordering::Relaxed);
                let _ = std::fs::remove_file(dest);
            }
        }
    }
    let mut from = File::open(src)?;
    let mut to = File::create_new(dest)?;
    std::io::copy(&mut from, &mut to)?;
    to.set_modified(meta.modified()?)
}

/// Whether `copy` (a file of an earlier output) is a faithful copy of a
/// source whose metadata is `src`: of the same length and modification
/// time, and the source file itself exactly when the output hard-links
/// (so that a folder written with links is not reused as copies, nor the
/// other way round).
pub(super) fn is_copy_of(src: &Metadata, copy: &Metadata, hard_links: bool) -> bool {
    copy.is_file()
        && copy.len() == src.len()
        && matches!((copy.modified(), src.modified()), (Ok(a), Ok(b)) if a == b)
        && same_file(src, copy) == hard_links
}

/// Whether two files' metadata is of one file (linked).
#[cfg(unix)]
pub(super) fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Without inode numbers, no two files are taken for one (the manifests'
/// `hard_links` flag keeps linked and copied folders apart).
#[cfg(not(unix))]
pub(super) fn same_file(_a: &Metadata, _b: &Metadata) -> bool {
    false
}
