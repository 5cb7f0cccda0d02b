//! Copying source files (static files, audio) into the output without ever
//! sharing storage with them: a copy-on-write clone where the file system
//! has one (btrfs, XFS, APFS, ReFS), else a plain copy. Hard links only when
//! the user opts in (`[output] hard_links`).
//!
//! A copy carries its source's modification time, so a later build can tell
//! an output file that is still a faithful copy (same length and time) from
//! one that was edited in place, and reuse the former instead of copying
//! large audio again (the quick check `rsync` makes).

use std::fs::Metadata;
use std::path::Path;

/// Copies `src` (whose metadata is `meta`) to the new file `dest`.
pub(super) fn copy(src: &Path, meta: &Metadata, dest: &Path) -> std::io::Result<()> {
    if super::swap::portable() {
        std::fs::copy(src, dest)?;
    } else {
        reflink_copy::reflink_or_copy(src, dest)?;
    }
    let modified = meta.modified()?;
    std::fs::OpenOptions::new()
        .write(true)
        .open(dest)?
        .set_modified(modified)
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
