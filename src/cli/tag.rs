//! `podsmith tag`: its arguments, handed to `crate::tag`.

use super::RootArg;
use crate::error::Result;
use clap::Args;

/// `podsmith tag [EPISODE...]`.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// Episodes to tag, by slug or number (default: every episode with MP3 audio).
    #[arg(value_name = "EPISODE")]
    pub episodes: Vec<String>,
    /// Show what would change, frame by frame, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub root: RootArg,
}

impl TagArgs {
    pub fn run(&self) -> Result<()> {
        crate::tag::run(&crate::tag::TagOptions {
            root: self.root.root.clone(),
            episodes: self.episodes.clone(),
            dry_run: self.dry_run,
        })
    }
}
