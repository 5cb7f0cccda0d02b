//! What an import worked around, and what it could not use.

use crate::error::Diagnostic;
use std::path::PathBuf;

/// The problems an import met: each worked around (a warning) or making
/// an item unusable (an error naming the item).
#[derive(Debug, Default)]
pub struct Report {
    pub source: PathBuf,
    pub problems: Vec<Diagnostic>,
}

impl Report {
    pub fn new(source: impl Into<PathBuf>) -> Report {
        Report {
            source: source.into(),
            problems: Vec::new(),
        }
    }

    /// Something the import worked around.
    pub fn fixed(&mut self, message: impl Into<String>) {
        self.problems
            .push(Diagnostic::warning(self.source.clone(), message));
    }

    /// Something that made an item unusable.
    pub fn unusable(&mut self, message: impl Into<String>, help: impl Into<String>) {
        self.problems
            .push(Diagnostic::error(self.source.clone(), message).help(help));
    }

    /// How many items could not be used.
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|d| d.is_error()).count()
    }
}
