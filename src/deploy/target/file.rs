//! `file://` targets: a folder on this machine (a web server's document
//! root, a mounted share). Each file is written beside its place and
//! renamed over it, so a reader sees the old file or the new one, never half.

use super::super::plan::{LocalFile, MANIFEST_FILE};
use super::Target;
use crate::error::{display_path, Diagnostic, Error, Result};
use indicatif::ProgressBar;
use std::path::{Path, PathBuf};

/// A folder target.
pub struct FileTarget {
    root: PathBuf,
}

impl FileTarget {
    pub fn new(root: PathBuf) -> FileTarget {
        FileTarget { root }
    }

    /// Writes `bytes` from `source` to `rel` under the root, through a
    /// temporary file renamed into place.
    fn put(&self, rel: &str, source: &mut dyn std::io::Read) -> Result<()> {
        let dest = self.root.join(rel);
        let parent = dest.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", e))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".podsmith-upload-")
            .tempfile_in(parent)
            .map_err(|e| Error::io(parent, "create a file in", e))?;
        std::io::copy(source, &mut temp).map_err(|e| Error::io(&dest, "write", e))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| Error::io(&dest, "write", e))?;
        // Readable by the web server like any file of the site.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = temp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        temp.persist(&dest)
            .map_err(|e| Error::io(&dest, "write", e.error))?;
        Ok(())
    }
}

impl Target for FileTarget {
    fn describe(&self) -> String {
        format!("file://{}", self.root.display())
    }

    fn read_manifest(&mut self) -> Result<Option<Vec<u8>>> {
        if self.root.exists() && !self.root.is_dir() {
            return Err(Diagnostic::error(
                self.root.clone(),
                "the deploy target is a file, not a folder",
            )
            .help("point [deploy] target at a folder, e.g. file:///srv/www/show/")
            .into());
        }
        let path = self.root.join(MANIFEST_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, "read", e)),
        }
    }

    fn write_manifest(&mut self, bytes: &[u8]) -> Result<()> {
        self.put(MANIFEST_FILE, &mut &bytes[..])
    }

    fn upload(&mut self, out: &Path, files: &[&LocalFile], progress: &ProgressBar) -> Result<()> {
        for file in files {
            let source = out.join(&file.rel);
            let mut reader =
                std::fs::File::open(&source).map_err(|e| Error::io(&source, "open", e))?;
            self.put(&file.rel, &mut reader)?;
            progress.inc(file.size);
        }
        Ok(())
    }

    fn delete(&mut self, rels: &[String]) -> Result<()> {
        for rel in rels {
            let path = self.root.join(rel);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, "delete", e)),
            }
            // Folders left empty go too, up to the target's root.
            let mut dir = path.parent();
            while let Some(d) = dir {
                if d == self.root || !d.starts_with(&self.root) || std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for FileTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileTarget({})", display_path(&self.root))
    }
}
