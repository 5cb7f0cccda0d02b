//! What podsmith wrote into an output folder, kept in the folder as
//! `.podsmith-output`: the mark that podsmith may replace the folder, and
//! the list of its files, so that a build tells its own files from ones a
//! user put there.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// What an output folder's manifest says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// No manifest: the folder is not podsmith's (or is empty).
    None,
    /// A marker from podsmith 0.2 or older, which did not list its files.
    Unlisted,
    /// The files podsmith wrote, by `/`-separated path.
    Files(BTreeSet<String>),
}

#[derive(Serialize, Deserialize)]
struct Record {
    note: String,
    generator: String,
    files: BTreeSet<String>,
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
                Ok(record) => Written::Files(record.files),
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
            Written::Files(files) => Some(files.contains(rel)),
        }
    }
}

/// The manifest's text for `files`.
pub fn text<'a>(files: impl Iterator<Item = &'a String>) -> Vec<u8> {
    let record = Record {
        note: NOTE.into(),
        generator: format!("podsmith {}", env!("CARGO_PKG_VERSION")),
        files: files.cloned().collect(),
    };
    let mut json = serde_json::to_vec_pretty(&record).unwrap_or_default();
    json.push(b'\n');
    json
}
