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

/// Whether `copy` (an earlier output's file) is still a faithful copy of a
/// source whose metadata is `src`: of the same length and modification
/// time, and, unless `linked_ok` (a folder only podsmith uses, whose files
/// are linked to the live output's), a file of its own, so that nothing
/// else can change it.
pub(super) fn still_a_copy(src: &Metadata, copy: &Metadata, linked_ok: bool) -> bool {
    copy.is_file()
        && (linked_ok || own_file(copy))
        && copy.len() == src.len()
        && matches!((copy.modified(), src.modified()), (Ok(a), Ok(b)) if a == b)
}

#[cfg(unix)]
fn own_file(meta: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 1
}

/// Without a link count to look at, a file is never assumed to be unshared.
#[cfg(not(unix))]
fn own_file(_meta: &Metadata) -> bool {
    false
}
