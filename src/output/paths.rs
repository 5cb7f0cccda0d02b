//! Which paths output may use: the output folder itself (never the site,
//! never a link), and the paths inside it that a build may write.

use crate::error::{Diagnostic, Result};
use std::path::{Component, Path, PathBuf};

/// Names at the top of the output folder that belong to podsmith's own
/// bookkeeping or to the user, never to the site: a build refuses to write
/// them.
pub(super) const RESERVED: [&str; 4] = [".git", super::MANIFEST, super::CARRIED, super::STAGING];

/// Checks that `rel` is a plain relative path inside the output, and not one
/// of the reserved names.
pub(super) fn safe_rel(rel: &str) -> Result<PathBuf> {
    let path = Path::new(rel);
    let plain = !rel.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    let reserved = rel
        .split('/')
        .next()
        .is_some_and(|first| RESERVED.contains(&first));
    if plain && !reserved {
        return Ok(path.to_path_buf());
    }
    let why = if plain {
        "that name is reserved for podsmith's records or the output folder's own `.git`"
    } else {
        "it is not a path inside the output folder"
    };
    Err(Diagnostic::error(None, format!("refusing to write {rel:?}: {why}")).into())
}

/// Refuses `/`, the site root itself, any folder that contains the site,
/// any folder inside its sources, and a symbolic link (a build replaces the
/// output folder as a whole, and must not move files where a link points).
pub(super) fn check_output_dir(out_abs: &Path, root_abs: &Path) -> Result<()> {
    let refuse = |why: String, help: &str| -> Result<()> {
        Err(Diagnostic::error(
            None,
            format!(
                "cannot use {} as the output folder: {why}",
                out_abs.display()
            ),
        )
        .help(help.to_string())
        .into())
    };
    let own = "choose a folder of its own inside or beside the site, e.g. --out public";
    if out_abs.parent().is_none() {
        return refuse("it is the file system's root".into(), own);
    }
    if out_abs == root_abs {
        return refuse("it is the site's own folder".into(), own);
    }
    if root_abs.starts_with(out_abs) {
        return refuse("it contains the site's folder".into(), own);
    }
    for source in ["content", "templates", "static"] {
        if out_abs.starts_with(root_abs.join(source)) {
            return refuse(format!("it is inside the site's {source}/ folder"), own);
        }
    }
    if let Ok(meta) = std::fs::symlink_metadata(out_abs) {
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(out_abs)
                .map(|t| format!(" (to {})", t.display()))
                .unwrap_or_default();
            return refuse(
                format!("it is a symbolic link{target}; a build replaces its output folder as a whole and will not move files where a link points"),
                "pass the folder the link points to with --out, or replace the link with a folder",
            );
        }
        if !meta.is_dir() {
            return refuse(
                "it exists and is not a folder".into(),
                "choose another --out, or remove that file",
            );
        }
    }
    Ok(())
}

/// An absolute, lexically normalized path (it need not exist), resolved
/// through symbolic links, so links cannot disguise where a path is.
pub fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let abs = in_real_folder(path)?;
    Ok(abs.canonicalize().unwrap_or(abs))
}

/// Like [`absolute`], but the last part is not resolved: a link there
/// stays visible as one (for the output folder).
pub(super) fn in_real_folder(path: &Path) -> std::io::Result<PathBuf> {
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
    let Some(name) = normal.file_name().map(|n| n.to_os_string()) else {
        return Ok(normal);
    };
    normal.pop();
    // Resolve the longest existing prefix of the parent.
    let mut existing = normal;
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(part) => {
                rest.push(part.to_os_string());
                existing.pop();
            }
            None => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        resolved.push(part);
    }
    resolved.push(name);
    Ok(resolved)
}

/// The folder beside `out_abs` named `<prefix><its name><suffix>`.
pub(super) fn sibling(out_abs: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let parent = out_abs.parent().unwrap_or(Path::new("/"));
    parent.join(format!("{prefix}{}{suffix}", folder_name(out_abs)))
}

/// The last part of a folder's path, as text.
pub(super) fn folder_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Where a build of `root` writes by default.
pub fn default_out_dir(root: &Path) -> PathBuf {
    root.join("public")
}
