//! serve's watcher: what to watch in a site (its folders, the settings, the
//! media folder wherever it is), which `notify` events count as changes,
//! and the quiet-period debounce that turns a burst of them into one
//! rebuild.

use super::{rebuild, Shared};
use crate::config::{Config, CONFIG_FILE};
use crate::error::{display_path, Error, Result};
use crate::BuildOptions;
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the sources must stay quiet before a rebuild starts: an editor's
/// save (temp file, rename over, several writes) arrives as one burst.
pub const DEBOUNCE: Duration = Duration::from_millis(50);
/// Replaces [`DEBOUNCE`], in milliseconds (for slow network file systems,
/// and for tests on busy machines).
pub const DEBOUNCE_ENV: &str = "PODSMITH_SERVE_DEBOUNCE_MS";

/// What the watcher looks at in a site.
struct WatchPlan {
    root: PathBuf,
    /// Folders watched recursively.
    dirs: Vec<PathBuf>,
}

impl WatchPlan {
    fn new(root: &Path) -> WatchPlan {
        let root = crate::output::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut dirs: Vec<PathBuf> = ["content", "templates", "static", "i18n"]
            .iter()
            .map(|d| root.join(d))
            .collect();
        let media = Config::load(&root)
            .map(|c| c.media_dir(&root))
            .unwrap_or_else(|_| root.join("static/media"));
        let media = crate::output::absolute(&media).unwrap_or(media);
        if !dirs.iter().any(|d| media.starts_with(d)) && media != root {
            dirs.push(media);
        }
        WatchPlan { root, dirs }
    }

    /// Whether `path` is (or was) an episode's Markdown file.
    fn is_episode_file(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "md")
            && path.parent()
                == Some(
                    self.root
                        .join(crate::content::CONTENT_DIR)
                        .join(crate::content::EPISODES_DIR)
                        .as_path(),
                )
    }

    /// Whether a change at `path` may change the site.
    fn is_relevant(&self, path: &Path) -> bool {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        if is_editor_temp_file(name) {
            return false;
        }
        if path.parent() == Some(self.root.as_path()) {
            // Directly in the root: the settings, or a watched folder itself
            // (created, removed or renamed).
            return name == CONFIG_FILE || self.dirs.iter().any(|d| d == path);
        }
        self.dirs.iter().any(|d| path.starts_with(d))
    }
}

/// Files that editors write beside the real one while saving.
pub fn is_editor_temp_file(name: &str) -> bool {
    name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with('~')
        || name.starts_with(".#")
        || name == "4913"
        || name == ".DS_Store"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Whether a raw event is a change (opening and reading files is not).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The file watcher and what it watches.
pub(super) struct SiteWatch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    plan: WatchPlan,
    watched: BTreeSet<PathBuf>,
    /// Quiet time that ends a burst of changes.
    debounce: Duration,
}

impl SiteWatch {
    pub(super) fn start(root: &Path) -> Result<SiteWatch> {
        let (tx, events) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(tx)
            .map_err(|e| Error::new(None, format!("cannot watch the site's files: {e}")))?;
        let plan = WatchPlan::new(root);
        watcher
            .watch(&plan.root, RecursiveMode::NonRecursive)
            .map_err(|e| Error::new(plan.root.clone(), format!("cannot watch this folder: {e}")))?;
        let mut watch = SiteWatch {
            root: root.to_path_buf(),
            watcher,
            events,
            plan,
            watched: BTreeSet::new(),
            debounce: std::env::var(DEBOUNCE_ENV)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .map_or(DEBOUNCE, Duration::from_millis),
        };
        watch.update_watches();
        Ok(watch)
    }

    /// The relevant paths of one raw event.
    fn relevant(&self, event: notify::Result<notify::Event>) -> Vec<PathBuf> {
        match event {
            Ok(event) if is_change(&event.kind) => event
                .paths
                .into_iter()
                .filter(|p| self.plan.is_relevant(p))
                .collect(),
            Ok(_) => Vec::new(),
            Err(e) => {
                eprintln!("warning: file watching: {e}");
                Vec::new()
            }
        }
    }

    /// Waits for the next burst of relevant changes: returns once the
    /// sources have been quiet for the debounce time (a burst that never
    /// goes quiet ends after twelve times that); `None` when the watcher
    /// stopped.
    fn next_burst(&self) -> Option<BTreeSet<PathBuf>> {
        let mut changed = BTreeSet::new();
        while changed.is_empty() {
            changed.extend(self.relevant(self.events.recv().ok()?));
        }
        let first = Instant::now();
        let mut last = first;
        loop {
            let wait = (last + self.debounce)
                .min(first + self.debounce * 12)
                .saturating_duration_since(Instant::now());
            if wait.is_zero() {
                return Some(changed);
            }
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    let more = self.relevant(event);
                    if !more.is_empty() {
                        last = Instant::now();
                        changed.extend(more);
                    }
                }
                Err(RecvTimeoutError::Timeout) => return Some(changed),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    pub(super) fn rebuild_on_changes(
        &mut self,
        options: &BuildOptions,
        shared: &Shared,
    ) -> Result<()> {
        while let Some(changed) = self.next_burst() {
            let shown: Vec<String> = changed
                .iter()
                .take(3)
                .map(|p| display_path(p.strip_prefix(&self.plan.root).unwrap_or(p)))
                .collect();
            let more = match changed.len() {
                n if n > 3 => format!(" and {} more", n - 3),
                _ => String::new(),
            };
            println!("Changed: {}{more}", shown.join(", "));
            if !changed.iter().all(|p| self.plan.is_episode_file(p)) {
                // Loading an episode reads more than its file (settings,
                // audio, transcripts, images): load them all again.
                shared
                    .rebuilder
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .forget_episodes();
            }
            let started = Instant::now();
            match rebuild(options, shared) {
                Ok(_) => println!("Rebuilt in {} ms", started.elapsed().as_millis()),
                Err(e) => eprintln!(
                    "{e}\nThe build failed after {} ms; still serving the last good site.",
                    started.elapsed().as_millis()
                ),
            }
            // The media folder may have moved, or a watched folder appeared.
            self.plan = WatchPlan::new(&self.root);
            self.update_watches();
        }
        Ok(())
    }

    /// Watches the plan's folders that exist and are not watched yet.
    fn update_watches(&mut self) {
        self.watched.retain(|d| d.is_dir());
        for dir in &self.plan.dirs {
            if dir.is_dir() && !self.watched.contains(dir) {
                match self.watcher.watch(dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(dir.clone());
                    }
                    Err(e) => eprintln!(
                        "warning: {}: cannot watch this folder: {e}",
                        display_path(dir)
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [".x.md.swp", "x.md~", ".#x.md", "4913", "#x.md#"] {
            assert!(is_editor_temp_file(name), "{name}");
        }
        assert!(!is_editor_temp_file("001-x.md"));
    }
}
