//! `serve`'s output across its rebuilds: the previous output, once swapped
//! out, is kept aside as the spare and recycled as the next staging folder,
//! so a rebuild rewrites only the files that changed and creates no
//! folders. Only `serve` uses this, on a folder of its own in the system's
//! temporary folder; `podsmith build` always starts from a fresh folder.

use super::{paths, Files, Held, Staging, Swapped, RETIRED_PREFIX};
use crate::error::Result;
use std::path::{Path, PathBuf};

/// Keeps an output folder up to date across the builds of one process.
#[derive(Debug, Default)]
pub struct Cycle {
    /// What the output folder holds, once a build of this cycle committed.
    live: Option<Files>,
    /// The previous output, moved aside, and what it holds.
    spare: Option<(PathBuf, Files)>,
}

impl Cycle {
    /// Starts a build of `out`, recycling the spare folder when there is one.
    pub fn begin(&mut self, out: &Path, root: &Path) -> Result<Staging> {
        let spare = self.spare.take().map(|(dir, files)| {
            let held = Held {
                files,
                live: self.live.clone(),
            };
            (dir, held)
        });
        let spare_dir = spare.as_ref().map(|(dir, _)| dir.clone());
        let opened = match spare {
            Some(spare) => Staging::open(out, root, Some(spare)),
            None => Staging::open(out, root, None).map(|mut staging| {
                staging.held.live = self.live.clone();
                staging
            }),
        };
        if let (Err(_), Some(spare)) = (&opened, spare_dir) {
            let _ = std::fs::remove_dir_all(spare);
        }
        opened
    }

    /// Swaps `staging` in and keeps the previous output as the spare. Call
    /// it with readers of the output locked out.
    pub fn commit(&mut self, staging: Staging) -> Result<()> {
        let Swapped { old, written, .. } = staging.swap_in()?;
        match (old, self.live.replace(written)) {
            (Some(old), Some(held)) => self.spare = Some((old, held)),
            (Some(old), None) => {
                let _ = std::fs::remove_dir_all(old);
            }
            _ => {}
        }
        Ok(())
    }

    /// What the live output holds (after a commit).
    pub fn live(&self) -> Option<&Files> {
        self.live.as_ref()
    }

    /// Makes the spare folder when there is none (after the first build of
    /// the cycle): a copy of the live output `out` made of hard links (both
    /// are this process's own output, never sources), so that the next
    /// build recycles it like any spare instead of creating every folder
    /// and file of the site. On failure there is simply no spare.
    pub fn prepare_spare(&mut self, out: &Path) {
        let (Some(live), None) = (&self.live, &self.spare) else {
            return;
        };
        let Ok(out_abs) = paths::in_real_folder(out) else {
            return;
        };
        let dir = paths::sibling(
            &out_abs,
            RETIRED_PREFIX,
            &format!("-{}", std::process::id()),
        );
        let _ = std::fs::remove_dir_all(&dir);
        let linked = live.keys().try_for_each(|rel| {
            let rel = paths::safe_rel(rel).map_err(|_| std::io::ErrorKind::InvalidInput)?;
            let dest = dir.join(&rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::hard_link(out_abs.join(&rel), &dest)
        });
        match linked {
            Ok(()) => self.spare = Some((dir, live.clone())),
            Err(_) => {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
    }
}
