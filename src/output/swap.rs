//! Swapping a finished staging folder in as the output folder, carrying the
//! output's `.git` across, and cleaning up what a killed build left.
//!
//! The order, and what a kill at each step leaves (the next build of the
//! same output folder finishes or undoes it, see [`recover`]):
//! 1. the staging folder gets its manifest and a journal naming the
//!    entries it is about to carry (`.git`);
//! 2. each carried entry is renamed from the output into the staging
//!    folder (a kill here: the journal names where it is, and the next
//!    build renames it back);
//! 3. the two folders trade places ([`exchange`]: one atomic step on Linux,
//!    two renames elsewhere);
//! 4. the replaced output, now at the staging path, is emptied of the files
//!    its manifest lists, then removed if nothing else is in it.

use super::manifest::{Files, Written};
use super::{CARRIED, MANIFEST, STAGING};
use crate::error::{display_path, Diagnostic};
use std::path::{Path, PathBuf};

/// Test hook: `PODSMITH_FAILPOINT=<name>` aborts the process at the step of
/// that name (`before-carry`, `after-carry`, `after-swap`, and
/// `portable-mid-swap` between the portable swap's two renames), so tests
/// can kill a build at an exact point instead of by timing.
pub(super) fn failpoint(name: &str) {
    static POINT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let point = POINT.get_or_init(|| std::env::var("PODSMITH_FAILPOINT").ok());
    if point.as_deref() == Some(name) {
        eprintln!("podsmith: failpoint {name}: aborting");
        std::process::abort();
    }
}

/// Whether the portable code paths are forced (`PODSMITH_PORTABLE_FS=1`):
/// the two-rename swap and plain copies, as on systems without Linux's
/// `renameat2` or reflinks. The test suite runs them this way too.
pub(super) fn portable() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("PODSMITH_PORTABLE_FS").is_some_and(|v| v != "0"))
}

/// Exchanges the folders `staging` and `out` (both exist): afterwards
/// `out` holds the new site and `staging` the old one.
pub(super) fn exchange(staging: &Path, out: &Path) -> std::io::Result<()> {
    if !portable() && atomic_exchange(staging, out).is_ok() {
        return Ok(());
    }
    // Two renames, with the old output briefly at a third name.
    let aside = swap_aside(staging);
    std::fs::rename(out, &aside)?;
    failpoint("portable-mid-swap");
    if let Err(e) = std::fs::rename(staging, out) {
        let _ = std::fs::rename(&aside, out);
        return Err(e);
    }
    std::fs::rename(&aside, staging)
}

/// Where the portable swap keeps the old output for a moment.
fn swap_aside(staging: &Path) -> PathBuf {
    let mut name = staging.as_os_str().to_os_string();
    name.push(".swap");
    PathBuf::from(name)
}

/// Atomically exchanges two paths (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn atomic_exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn atomic_exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Moves `names` from the output `out` into `staging`, after noting them in
/// the staging folder's journal. Returns the ones moved.
pub(super) fn carry(out: &Path, staging: &Path, names: &[&str]) -> std::io::Result<()> {
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| std::fs::symlink_metadata(out.join(n)).is_ok())
        .collect();
    if present.is_empty() {
        return Ok(());
    }
    let journal = serde_json::to_vec(&present).unwrap_or_default();
    std::fs::write(staging.join(CARRIED), journal)?;
    failpoint("before-carry");
    for name in &present {
        std::fs::rename(out.join(name), staging.join(name))?;
    }
    failpoint("after-carry");
    Ok(())
}

/// Keeps the output a build replaced (now at `old`) beside the output
/// `out_abs`, for the next build to reuse; when it cannot be kept (an old
/// podsmith's folder, or the place is taken), removes the files podsmith
/// wrote there (its manifest's, or for an old marker `known`).
pub(super) fn keep_replaced(
    old: &Path,
    out_abs: &Path,
    known: &dyn Fn(&str) -> bool,
) -> Option<Diagnostic> {
    let written = Written::read(old);
    if matches!(written, Written::Files { .. }) && keep_as_previous(old, out_abs) {
        return None;
    }
    let ours = |rel: &str| {
        [MANIFEST, CARRIED, STAGING].contains(&rel)
            || written.has(rel).unwrap_or_else(|| known(rel))
    };
    crate::timed("remove old", || remove_files(old, &ours))
}

/// Moves the podsmith folder `dir` to where the output `out_abs` keeps its
/// previous version, if that place is free.
pub(super) fn keep_as_previous(dir: &Path, out_abs: &Path) -> bool {
    let previous = super::paths::sibling(out_abs, super::PREVIOUS_PREFIX, "");
    std::fs::symlink_metadata(&previous).is_err() && std::fs::rename(dir, &previous).is_ok()
}

/// Takes the previous output of `out_abs` as the staging folder `dir` and
/// returns what it holds, when it can be reused: its manifest lists every
/// file in it (looked at when `verify`), and it was written with the same
/// `hard_links` setting. Otherwise removes the files podsmith wrote there
/// (reporting any others) and returns `None`.
pub(super) fn take_previous(
    out_abs: &Path,
    dir: &Path,
    hard_links: bool,
    verify: bool,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Files> {
    let previous = super::paths::sibling(out_abs, super::PREVIOUS_PREFIX, "");
    if !std::fs::symlink_metadata(&previous).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let Written::Files {
        files,
        hard_links: linked,
    } = Written::read(&previous)
    else {
        return None; // not podsmith's, or an old one (see `recover`)
    };
    let markers = [MANIFEST, CARRIED, STAGING];
    let all_listed = !verify
        || walkdir::WalkDir::new(&previous)
            .min_depth(1)
            .into_iter()
            .all(|entry| match entry {
                Ok(entry) if entry.file_type().is_dir() => true,
                Ok(entry) => {
                    let rel = super::rel_of(&previous, entry.path());
                    files.contains(&rel) || markers.contains(&rel.as_str())
                }
                Err(_) => false,
            });
    if all_listed && linked == hard_links && std::fs::rename(&previous, dir).is_ok() {
        return Some(files);
    }
    let ours = |rel: &str| files.contains(rel) || markers.contains(&rel);
    warnings.extend(remove_files(&previous, &ours));
    None
}

/// Removes the files under `dir` for which `ours` holds, then the folders
/// left empty, then `dir` itself if it is empty; reports what stayed.
fn remove_files(dir: &Path, ours: &dyn Fn(&str) -> bool) -> Option<Diagnostic> {
    let mut folders = Vec::new();
    let mut stayed = Vec::new();
    // podsmith's marks go last, so that a kill in the middle leaves a
    // folder the next build still knows as its own.
    let marks = [STAGING, MANIFEST, CARRIED];
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
    {
        let rel = super::rel_of(dir, entry.path());
        if entry.file_type().is_dir() {
            folders.push(entry.into_path());
        } else if marks.contains(&rel.as_str()) {
            continue;
        } else if ours(&rel) {
            let _ = std::fs::remove_file(entry.path());
        } else {
            stayed.push(rel);
        }
    }
    // Deepest first; a folder that still holds something stays.
    for folder in folders.iter().rev() {
        let _ = std::fs::remove_dir(folder);
    }
    if stayed.is_empty() {
        for mark in marks {
            let _ = std::fs::remove_file(dir.join(mark));
        }
    }
    let _ = std::fs::remove_dir(dir);
    if stayed.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(
            dir.to_path_buf(),
            format!(
                "left in place: {} that podsmith did not write ({})",
                super::files_count(stayed.len()),
                super::list_some(&stayed)
            ),
        )
        .help("they appeared in the output folder during the build; move them where you want them and delete this folder"),
    )
}

/// Finishes or undoes what killed builds of `out_abs` left beside it: their
/// staging and replaced folders (only ones that carry podsmith's marker).
/// Call it holding the output's lock, so no running build owns them.
pub(super) fn recover(out_abs: &Path) -> Vec<Diagnostic> {
    let Some(parent) = out_abs.parent() else {
        return Vec::new();
    };
    let name = super::paths::folder_name(out_abs);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    // A kill inside the portable swap can leave no output folder: the old
    // one is then beside it, and goes back.
    if std::fs::symlink_metadata(out_abs).is_err() {
        if let Ok(entries) = std::fs::read_dir(parent) {
            for entry in entries.flatten() {
                let file_name = entry.file_name().to_string_lossy().into_owned();
                let aside = file_name.ends_with(".swap")
                    && is_leftover_name(&file_name, &name)
                    && Written::read(&entry.path()) != Written::None;
                if aside && std::fs::symlink_metadata(out_abs).is_err() {
                    let _ = std::fs::rename(entry.path(), out_abs);
                }
            }
        }
    }
    let mut leftovers: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| is_leftover_name(&e.file_name().to_string_lossy(), &name))
        .map(|e| e.path())
        .collect();
    leftovers.sort();
    let previous = super::paths::sibling(out_abs, super::PREVIOUS_PREFIX, "");
    for dir in leftovers {
        let staged = dir.join(STAGING).is_file();
        let written = Written::read(&dir);
        if dir == previous && matches!(written, Written::Files { .. }) {
            continue; // kept for reuse (see `take_previous`)
        }
        if !staged && written == Written::None {
            // Not podsmith's, unless it is an empty folder of a staging
            // folder's name (a build killed as it made the folder).
            let _ = std::fs::remove_dir(&dir);
            continue;
        }
        // Entries a killed build was carrying go back to the output.
        let carried: Vec<String> = std::fs::read(dir.join(CARRIED))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let mut keep = Vec::new();
        for entry in carried.iter().map(String::as_str).chain(
            // podsmith 0.2 swapped `.git` away with the old output.
            (written == Written::Unlisted).then_some(".git"),
        ) {
            let from = dir.join(entry);
            if std::fs::symlink_metadata(&from).is_err() {
                continue;
            }
            let to = out_abs.join(entry);
            let restored = out_abs.is_dir()
                && std::fs::symlink_metadata(&to).is_err()
                && std::fs::rename(&from, &to).is_ok();
            if !restored {
                keep.push(entry.to_string());
            }
        }
        let ours = |rel: &str| {
            let top = rel.split('/').next().unwrap_or(rel);
            !keep.iter().any(|k| k == top)
                && (staged
                    || [MANIFEST, CARRIED, STAGING].contains(&rel)
                    || written.has(rel).unwrap_or(top != ".git"))
        };
        if let Some(w) = remove_files(&dir, &ours) {
            warnings.push(w);
        }
        if !keep.is_empty() {
            warnings.push(
                Diagnostic::warning(
                    dir.clone(),
                    format!(
                        "a killed build left {} here, and {} already has one",
                        keep.join(", "),
                        display_path(out_abs)
                    ),
                )
                .help("keep the one you want and delete this folder"),
            );
        }
    }
    warnings
}

/// Whether `file_name` is one of the folders a build of the output folder
/// `name` makes beside it: `.podsmith-build-<name>-<pid>`,
/// `.podsmith-old-<name>-<pid>` (both also with `.swap`), or
/// `.podsmith-previous-<name>` (podsmith 0.2).
fn is_leftover_name(file_name: &str, name: &str) -> bool {
    if file_name == format!("{}{name}", super::PREVIOUS_PREFIX) {
        return true;
    }
    [super::STAGING_PREFIX, super::RETIRED_PREFIX]
        .iter()
        .any(|prefix| {
            let Some(rest) = file_name
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix(name))
                .and_then(|r| r.strip_prefix('-'))
            else {
                return false;
            };
            let pid = rest.strip_suffix(".swap").unwrap_or(rest);
            !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        })
}
