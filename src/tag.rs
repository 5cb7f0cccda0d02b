//! `podsmith tag`: writes ID3 tags into episodes' MP3 files.

use crate::error::Result;
use std::path::PathBuf;

/// What `podsmith tag` was asked for.
#[derive(Debug, Clone)]
pub struct TagOptions {
    pub root: PathBuf,
    pub episodes: Vec<String>,
    pub dry_run: bool,
}

/// Tags the chosen episodes.
pub fn run(_options: &TagOptions) -> Result<()> {
    Err(crate::error::Error::new(None, "not yet"))
}
