//! One build at a time per output folder: a lock file beside the output
//! (`.podsmith-lock-public` for `public`), held with the operating system's
//! file lock, so a lock of a process that died is free again at once.

use crate::error::{Diagnostic, Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LOCK_PREFIX: &str = ".podsmith-lock-";

/// How long a build waits for another build of the same output folder.
pub const WAIT: Duration = Duration::from_secs(10);
/// Replaces [`WAIT`], in milliseconds (for tests).
pub const WAIT_ENV: &str = "PODSMITH_LOCK_WAIT_MS";

/// The held lock of one output folder; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock of the output folder `out_abs` (its parent must
    /// exist), waiting up to [`WAIT`] for a build that holds it. `shown` is
    /// the output folder as the user named it.
    pub fn acquire(out_abs: &Path, shown: &Path) -> Result<OutputLock> {
        let path = super::paths::sibling(out_abs, LOCK_PREFIX, "");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, "open the lock file", e))?;
        let wait = std::env::var(WAIT_ENV)
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(WAIT, Duration::from_millis);
        let started = Instant::now();
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                    if !told && started.elapsed() > Duration::from_millis(500) {
                        eprintln!(
                            "Waiting for another podsmith building {} ({})…",
                            shown.display(),
                            holder(&mut file)
                        );
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Diagnostic::error(
                        shown.to_path_buf(),
                        format!(
                            "another podsmith is building into this folder ({}), and it did not finish within {} s",
                            holder(&mut file),
                            wait.as_secs()
                        ),
                    )
                    .help("wait for it to finish, or stop it; builds of one output folder run one at a time")
                    .into());
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, "lock", e)),
            }
        }
        // Who holds it, for the message another build shows.
        let _ = file.set_len(0).and_then(|()| {
            file.rewind()?;
            writeln!(file, "{}", std::process::id())
        });
        Ok(OutputLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// "process N", from the lock file, for messages.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|()| file.read_to_string(&mut text));
    match text.trim().parse::<u32>() {
        Ok(pid) => format!("process {pid}"),
        Err(_) => "another process".into(),
    }
}
