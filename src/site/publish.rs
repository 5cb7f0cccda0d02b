//! Which files a build copies into the output besides what it renders: the
//! audio (and transcripts) of the episodes in the build, and the public
//! files of `static/`. The rules live here, in the model's stage, so that the
//! output stage copies a list and decides nothing.
//!
//! - Under `media/`: exactly each included episode's audio file and the
//!   transcript beside it (nothing when `[media] base_url` is set). A media
//!   folder that is the site's folder, contains it or its `content/`, or lies
//!   in the output folder is an error.
//! - From `static/` (without the media folder when it lies there): every
//!   file, except hidden and temporary ones ([`is_unpublished_name`]) other
//!   than `.well-known/`. A symbolic link is followed when it leads to a
//!   public file or folder of the site; one that leads outside the site, or
//!   to its settings, sources, media folder, output or hidden files, is an
//!   error that names it.

use super::Site;
use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;
use crate::error::{display_path, Diagnostic, Error, Result};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The folder of the site whose files are published as they are.
const STATIC_DIR: &str = "static";

/// The one hidden folder that `static/` publishes (RFC 8615).
const WELL_KNOWN: &str = ".well-known";

/// One file that a build copies into the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The file to read: a file of `static/` or the media folder, or the
    /// target of a symbolic link in `static/`.
    pub source: PathBuf,
    /// Where it goes: a `/`-separated path inside the output.
    pub rel: String,
}

/// The files of `static/` and the media folder that a build of `site` into
/// `out_dir` publishes, sorted by [`Published::rel`] (one per `rel`: a media
/// file wins over a file of `static/` at the same place). Every problem
/// found is reported, not just the first.
///
/// Cost: one walk of `static/` (which looks at nothing but the folders'
/// listings and the symbolic links) and a few path resolutions; the media
/// files come from the model, without a look at the disk.
pub fn files_to_publish(site: &Site, out_dir: &Path) -> Result<Vec<Published>> {
    let places = Places::of(site, out_dir);
    let mut errors: Vec<Diagnostic> = places.check_media_dir(site).into_iter().collect();
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    places.static_files(&mut files, &mut errors);
    if site.config.site_serves_media() {
        for episode in &site.episodes {
            // Remote audio (`[enclosure]`) is not on disk: nothing to copy.
            let Some(audio) = episode.audio.as_ref().filter(|a| !a.recorded) else {
                continue;
            };
            files.insert(media_rel(&audio.rel), audio.path.clone());
            for alternate in &episode.extras.alternates {
                files.insert(media_rel(&alternate.rel), alternate.path.clone());
            }
            for transcript in &episode.transcripts {
                files.insert(
                    media_rel(&transcript.rel),
                    places.media_dir.join(&transcript.rel),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::many(errors.into_iter().map(Error::from)));
    }
    Ok(files
        .into_iter()
        .map(|(rel, source)| Published { source, rel })
        .collect())
}

/// Names that are never published from `static/`: hidden files and
/// folders (`.env`, `.git`, `.DS_Store`, Emacs' `.#lock` files) and the
/// temporary files of editors (`*.tmp`, `*~`, `#autosave#`, Vim's `*.swp`,
/// `*.swo`, `*.swx`, JetBrains' `*___jb_tmp___` and `*___jb_old___`).
/// `.well-known` is checked by the caller.
pub fn is_unpublished_name(name: &str) -> bool {
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    name.starts_with('.')
        || name.ends_with('~')
        || (name.len() >= 2 && name.starts_with('#') && name.ends_with('#'))
        || [
            ".tmp",
            ".swp",
            ".swo",
            ".swx",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .into_iter()
        .any(ends_with)
}

/// Hidden files at the top of `static/` that static hosts read, published
/// like any other file: Apache's `.htaccess`, GitHub Pages' `.nojekyll`,
/// Codeberg Pages' `.domains`.
const HOST_FILES: [&str; 3] = [".htaccess", ".nojekyll", ".domains"];

/// Whether a path inside `static/` (relative to it) is left out by name:
/// one of its parts is unpublished, unless it is under `.well-known/` or is
/// one of the [`HOST_FILES`].
fn is_unpublished_in_static(rel: &Path) -> bool {
    let mut parts = rel.components().filter_map(|c| match c {
        Component::Normal(name) => Some(name.to_string_lossy()),
        _ => None,
    });
    let top_level = rel.components().count() == 1;
    match parts.next() {
        Some(first) if first == WELL_KNOWN => false,
        Some(first) if top_level && HOST_FILES.contains(&first.as_ref()) => false,
        Some(first) => is_unpublished_name(&first) || parts.any(|p| is_unpublished_name(&p)),
        None => false,
    }
}

/// `media/` and a path inside the media folder, with `/` between its parts.
fn media_rel(rel: &str) -> String {
    let mut out = String::from("media");
    for part in Path::new(rel).components() {
        if let Component::Normal(name) = part {
            out.push('/');
            out.push_str(&name.to_string_lossy());
        }
    }
    out
}

/// The site's folders that the rules compare, as given and resolved.
struct Places {
    root: PathBuf,
    /// `static/`, as given (for the walk and messages) and resolved.
    static_dir: PathBuf,
    static_real: PathBuf,
    /// The media folder, as given and resolved.
    media_dir: PathBuf,
    media_real: PathBuf,
    /// The site's folder and its `content/`, resolved.
    root_real: PathBuf,
    content_real: PathBuf,
    out_real: PathBuf,
    /// Places that no link in `static/` may lead to (or, for a folder,
    /// contain), with what they are.
    private: Vec<(PathBuf, &'static str)>,
}

impl Places {
    fn of(site: &Site, out_dir: &Path) -> Places {
        let root_real = resolve(&site.root);
        let content_real = resolve(&site.root.join(CONTENT_DIR));
        let media_dir = site.config.media_dir(&site.root);
        let media_real = resolve(&media_dir);
        let out_real = resolve(out_dir);
        let static_dir = site.root.join(STATIC_DIR);
        let private = vec![
            (root_real.join(CONFIG_FILE), "the settings file podcast.toml"),
            (content_real.clone(), "the content/ folder (the episodes' sources, drafts included)"),
            (
                media_real.clone(),
                "the media folder (its audio is published under media/, for the episodes in the build only)",
            ),
            (out_real.clone(), "the output folder"),
        ];
        Places {
            root: site.root.clone(),
            static_real: resolve(&static_dir),
            static_dir,
            media_dir,
            media_real,
            root_real,
            content_real,
            out_real,
            private,
        }
    }

    /// The media folder may not hold the site's sources, nor lie in the
    /// output folder (which every build replaces).
    fn check_media_dir(&self, site: &Site) -> Option<Diagnostic> {
        let media = &self.media_real;
        let sources_help = "keep the audio in a folder of its own, e.g. dir = \"static/media\" (the default) or dir = \"media\"; dir = \"content/episodes\" (the audio beside the episodes' Markdown) works too";
        let (why, help): (String, &str) = if *media == self.root_real {
            (
                "is the site's own folder, which holds podcast.toml and content/ (drafts included)"
                    .into(),
                sources_help,
            )
        } else if self.root_real.starts_with(media) {
            ("contains the site's folder".into(), sources_help)
        } else if self.content_real.starts_with(media) {
            (
                "contains the site's content/ folder (the episodes' sources, drafts included)"
                    .into(),
                sources_help,
            )
        } else if media.starts_with(&self.out_real) {
            (
                format!(
                    "is inside the output folder {}, which every build replaces",
                    display_path(&self.out_real)
                ),
                "move the audio out of the output folder (e.g. to static/media) and set dir to match, or build into another --out",
            )
        } else {
            return None;
        };
        let dir = &site.config.media.dir;
        let mut problem = Diagnostic::error(
            self.root.join(CONFIG_FILE),
            format!("`[media] dir` = {dir:?} {why}"),
        )
        .help(help);
        if let Some((line, column)) = site.config.media.dir_at {
            problem = problem.at(line, column);
        }
        Some(problem)
    }

    /// Adds the public files of `static/` to `files`, and its problems to
    /// `errors`.
    fn static_files(&self, files: &mut BTreeMap<String, PathBuf>, errors: &mut Vec<Diagnostic>) {
        // A media folder that is `static/` itself (or holds it) leaves
        // nothing to publish as static files.
        if !self.static_dir.is_dir() || self.static_real.starts_with(&self.media_real) {
            return;
        }
        // Links are followed (the walk resolves only them, and reports
        // loops); each is checked before anything behind it is used.
        let mut walker = walkdir::WalkDir::new(&self.static_dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        // How deep the walk is inside a followed link to a folder: below
        // it, a path is not the static folder's resolved path plus the rest.
        let mut linked_depth: Option<usize> = None;
        while let Some(next) = walker.next() {
            let entry = match next {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().unwrap_or(&self.static_dir).to_path_buf();
                    let inner = path.strip_prefix(&self.static_dir).unwrap_or(&path);
                    // e.g. a dangling Emacs `.#lock` link: never published anyway.
                    if !is_unpublished_in_static(inner) {
                        errors.push(walk_error(path, &e));
                    }
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            if linked_depth.is_some_and(|d| entry.depth() <= d) {
                linked_depth = None;
            }
            let path = entry.path();
            let inner = path.strip_prefix(&self.static_dir).unwrap_or(path);
            let is_dir = entry.file_type().is_dir();
            let name = entry.file_name().to_string_lossy();
            let under_well_known = inner
                .components()
                .next()
                .is_some_and(|c| c.as_os_str() == WELL_KNOWN);
            let skip = |walker: &mut walkdir::IntoIter| {
                if is_dir {
                    walker.skip_current_dir();
                }
            };
            if !under_well_known && is_unpublished_in_static(inner) && is_unpublished_name(&name) {
                skip(&mut walker);
                continue;
            }
            // The media folder is published as media files only; the output
            // folder cannot lie here (the output stage refuses it), but a
            // copy of itself would grow with every build.
            if is_dir
                && (path == self.media_dir
                    || (linked_depth.is_none() && self.static_real.join(inner) == self.out_real))
            {
                skip(&mut walker);
                continue;
            }
            let mut source = path.to_path_buf();
            if entry.path_is_symlink() {
                match self.link_target(path, is_dir) {
                    Ok(target) => source = target,
                    Err(problem) => {
                        errors.push(problem);
                        skip(&mut walker);
                        continue;
                    }
                }
                if is_dir && linked_depth.is_none() {
                    linked_depth = Some(entry.depth());
                }
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = inner
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(rel, source);
        }
    }

    /// Where the symbolic link `link` in `static/` leads, when that may be
    /// published; otherwise an error that names the link.
    fn link_target(&self, link: &Path, is_dir: bool) -> std::result::Result<PathBuf, Diagnostic> {
        let refuse =
            |why: String, help: &str| Diagnostic::error(link.to_path_buf(), why).help(help);
        let target = link.canonicalize().map_err(|e| {
            refuse(
                format!("cannot follow this symbolic link: {e}"),
                "remove the link or restore its target",
            )
        })?;
        let unpublished = if let Ok(rel) = target.strip_prefix(&self.static_real) {
            is_unpublished_in_static(rel)
        } else if let Ok(rel) = target.strip_prefix(&self.root_real) {
            rel.components()
                .any(|c| is_unpublished_name(&c.as_os_str().to_string_lossy()))
        } else {
            return Err(refuse(
                format!(
                    "a symbolic link that points outside the site (to {})",
                    target.display()
                ),
                "copy the file into static/ instead of linking to it, or remove the link",
            ));
        };
        if unpublished {
            return Err(refuse(
                format!(
                    "a symbolic link to a hidden or temporary file or folder ({}), which is never published",
                    target.display()
                ),
                "remove the link, or link to a file whose name does not start with `.`",
            ));
        }
        for (place, what) in &self.private {
            if target.starts_with(place) || (is_dir && place.starts_with(&target)) {
                let how = if target.starts_with(place) {
                    "to"
                } else {
                    "to a folder that contains"
                };
                return Err(refuse(
                    format!("a symbolic link {how} {what}, which static/ does not publish"),
                    "remove the link; put a file of its own in static/ if it should be public",
                ));
            }
        }
        Ok(target)
    }
}

/// A problem of the walk of `static/` (a link that loops or leads nowhere,
/// a folder that cannot be read), naming its path.
fn walk_error(path: PathBuf, e: &walkdir::Error) -> Diagnostic {
    if e.loop_ancestor().is_some() {
        Diagnostic::error(
            path,
            "a symbolic link to a folder that contains it, which would publish it without end",
        )
        .help("remove the link")
    } else if path.is_symlink() && !path.exists() {
        Diagnostic::error(path, "a symbolic link whose target does not exist")
            .help("remove the link or restore its target")
    } else {
        let why = e
            .io_error()
            .map_or_else(|| e.to_string(), ToString::to_string);
        Diagnostic::error(path, format!("cannot read this: {why}"))
    }
}

/// `path` made absolute and normalized, with its longest existing part
/// resolved through symbolic links (the rest need not exist).
fn resolve(path: &Path) -> PathBuf {
    crate::output::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_temporary_names_are_unpublished() {
        for name in [
            ".env",
            ".git",
            ".DS_Store",
            ".#notes.txt",
            "#notes.txt#",
            "notes.txt~",
            "upload.tmp",
            "UPLOAD.TMP",
            "index.html.swp",
            "a.css___jb_tmp___",
        ] {
            assert!(is_unpublished_name(name), "{name}");
        }
        for name in [
            "cover.png",
            "robots.txt",
            "#",
            "a#b",
            "tmp",
            "swp.txt",
            "é.tmpl",
        ] {
            assert!(!is_unpublished_name(name), "{name}");
        }
    }

    #[test]
    fn well_known_is_published_whole() {
        assert!(!is_unpublished_in_static(Path::new(
            ".well-known/security.txt"
        )));
        assert!(!is_unpublished_in_static(Path::new(".well-known/.hidden")));
        assert!(is_unpublished_in_static(Path::new("a/.well-known/x")));
        assert!(is_unpublished_in_static(Path::new(".git/config")));
        assert!(is_unpublished_in_static(Path::new("css/site.css~")));
        assert!(!is_unpublished_in_static(Path::new("css/site.css")));
    }

    #[test]
    fn media_paths_are_normalized() {
        assert_eq!(media_rel("a.mp3"), "media/a.mp3");
        assert_eq!(media_rel("./2026//a.mp3"), "media/2026/a.mp3");
    }

    #[test]
    fn resolve_keeps_missing_tails() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(resolve(&dir.path().join("a/./b/../c")), real.join("a/c"));
        assert_eq!(resolve(dir.path()), real);
    }
}
