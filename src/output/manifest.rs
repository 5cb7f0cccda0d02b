//! What podsmith wrote into an output folder, kept in the folder as
//! `.podsmith-output`: the mark that podsmith may replace the folder, and
//! the list of its files, so that a build tells its own files from ones a
//! user put there. It holds nothing that changes from build to build, so
//! the same site gives the same bytes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// Every file podsmith wrote into a folder, by `/`-separated path.
pub type Files = BTreeSet<String>;

/// What an output folder's manifest says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// No manifest: the folder is not podsmith's (or is empty).
    None,
    /// A marker from podsmith 0.2 or older, which did not list its files
    /// (and may have hard-linked them to the sources).
    Unlisted,
    /// The files podsmith wrote.
    Files { files: Files, hard_links: bool },
}

#[derive(Deserialize)]
struct Record {
    /// Whether source files were hard-linked (`[output] hard_links`).
    #[serde(default)]
    hard_links: bool,
    files: Files,
}

#[derive(Serialize)]
struct RecordOut<'a> {
    note: &'a str,
    generator: String,
    hard_links: bool,
    files: &'a Files,
}

const NOTE: &str = "This folder is written by `podsmith build`. These are the files podsmith \
    wrote; it replaces them on every build and refuses to build while the folder holds others \
    (except `.git`, which stays where it is).";

impl Written {
    /// Reads the manifest of the output folder `dir`.
    pub fn read(dir: &Path) -> Written {
        let path = dir.join(super::MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<Record>(&bytes) {
                Ok(record) => Written::Files {
                    files: record.files,
                    hard_links: record.hard_links,
                },
                Err(_) => Written::Unlisted,
            },
            Err(_) if std::fs::symlink_metadata(&path).is_ok() => Written::Unlisted,
            Err(_) => Written::None,
        }
    }

    /// Whether podsmith wrote the file at `rel` (unknown for an old marker).
    pub fn has(&self, rel: &str) -> Option<bool> {
        match self {
            Written::None => Some(false),
            Written::Unlisted => None,
            Written::Files { files, .. } => Some(files.contains(rel)),
        }
    }

    /// Whether podsmith wrote the file at `rel`, in a folder written with
    /// the `hard_links` setting given.
    pub fn wrote(&self, rel: &str, hard_links: bool) -> bool {
        matches!(self, Written::Files { files, hard_links: h } if *h == hard_links && files.contains(rel))
    }
}

/// The manifest's text.
pub fn text(files: &Files, hard_links: bool) -> Vec<u8> {
    let record = RecordOut {
        note: NOTE,
        generator: format!("podsmith {}", env!("CARGO_PKG_VERSION")),
        hard_links,
        files,
    };
    let mut json = serde_json::to_vec_pretty(&record).unwrap_or_default();
    json.push(b'\n');
    json
}
