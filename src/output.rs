//! Output writing: a build writes into a fresh staging folder beside the
//! output folder and swaps it in only when everything succeeded, so a failed
//! or killed build leaves the previous output as it was. Nothing is ever
//! written or deleted outside the output folder and its staging sibling.

use crate::error::{Diagnostic, Error, Result};
use std::path::{Component, Path, PathBuf};

const STAGING_PREFIX: &str = ".podsmith-build-";
const RETIRED_PREFIX: &str = ".podsmith-old-";

/// A build's output in the making.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Checks that `out` is a safe output folder for the site in `root` and
    /// creates a fresh staging folder beside it.
    pub fn begin(out: &Path, root: &Path) -> Result<Staging> {
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
        let parent = out_abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = out_abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, "create the folder", e))?;
        remove_leftovers(&parent, &name);
        let dir = parent.join(format!("{STAGING_PREFIX}{name}-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, "clear", e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, "create the staging folder", e))?;
        Ok(Staging {
            out: out_abs,
            dir,
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
        let path = self.target(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(parent, "create the folder", e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, "write", e))
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
            if absolute(path).is_ok_and(|abs| skip.iter().any(|s| abs.starts_with(s))) {
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
            let is_link = entry.path_is_symlink();
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
            if !path.is_file() {
                continue;
            }
            let inner = path.strip_prefix(src).unwrap_or(path);
            let inner = inner.to_string_lossy().replace('\\', "/");
            let dest_rel = if rel.is_empty() {
                inner
            } else {
                format!("{rel}/{inner}")
            };
            self.copy_file(path, &dest_rel)?;
        }
        Ok(())
    }

    /// Copies (or hard-links) one file to `rel` in the output.
    pub fn copy_file(&self, src: &Path, rel: &str) -> Result<()> {
        let dest = self.target(rel)?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(parent, "create the folder", e))?;
        }
        if dest.exists() {
            std::fs::remove_file(&dest).map_err(|e| Error::io(&dest, "replace", e))?;
        }
        if std::fs::hard_link(src, &dest).is_err() {
            std::fs::copy(src, &dest).map_err(|e| Error::io(src, "copy", e))?;
        }
        Ok(())
    }

    /// Whether a file was already written at `rel`.
    pub fn contains(&self, rel: &str) -> bool {
        self.target(rel).is_ok_and(|p| p.exists())
    }

    /// Reads a file of the previous output (e.g. the published `feed.xml`).
    pub fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        let safe = safe_rel(rel).ok()?;
        std::fs::read(self.out.join(safe)).ok()
    }

    /// Swaps the staging folder in as the output folder. On Linux the two
    /// folders trade places in one atomic step, so a reader (or a kill) never
    /// sees the output missing; elsewhere it takes two renames.
    pub fn commit(self) -> Result<()> {
        if let Some(old) = self.commit_keep_old()? {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Like [`Staging::commit`], but leaves the previous output, moved
    /// aside, for the caller to delete (`serve` deletes it on another thread
    /// so the new site is served sooner). Returns where it is. It must be
    /// deleted before the next commit of the same output folder.
    pub fn commit_keep_old(mut self) -> Result<Option<PathBuf>> {
        let parent = self.out.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = self
            .out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let retired = parent.join(format!("{RETIRED_PREFIX}{name}-{}", std::process::id()));
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
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
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

/// Removes staging and retired folders that a killed build left behind.
fn remove_leftovers(parent: &Path, name: &str) {
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
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
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
}
