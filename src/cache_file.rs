//! Files in the site's cache folder (`.podsmith-cache/`): each written
//! whole, through a temporary file beside it and a rename, so that a build
//! stopped while writing never leaves half a file that a later build would
//! read (and publish, for the images).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` whole (creating its folder); on failure the
/// temporary file is removed and `path` is as it was.
pub(crate) fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(std::io::Error::other("not a file's path"));
    };
    std::fs::create_dir_all(dir)?;
    // Named for this process and this write: two writers never share one.
    let temp = dir.join(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.txt");
        write_whole(&path, b"one").unwrap();
        write_whole(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
        // A folder where the file should go: an error, nothing left behind.
        std::fs::create_dir(dir.path().join("a/c")).unwrap();
        assert!(write_whole(&dir.path().join("a/c"), b"x").is_err());
        assert_eq!(std::fs::read_dir(dir.path().join("a")).unwrap().count(), 2);
    }
}
