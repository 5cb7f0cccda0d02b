//! `podsmith import`: its arguments, handed to `crate::import`.

use crate::error::Result;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// `podsmith import SOURCE DIR`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  podsmith import https://feeds.example.com/show.xml my-show\n  podsmith import old-feed.xml my-show --download-audio"
)]
pub struct ImportArgs {
    /// The show's feed: a file, or its http(s):// address.
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Folder of the new site (created; must be empty if it exists).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Download every episode's audio into the media folder (4 at a time,
    /// resumable by running the import again, each file's size checked
    /// against the feed).
    #[arg(long)]
    pub download_audio: bool,
    /// Do not fetch the cover art, episode art or chapter files named in the feed.
    #[arg(long)]
    pub offline: bool,
}

impl ImportArgs {
    pub fn run(&self) -> Result<()> {
        let started = Instant::now();
        let imported = crate::import::run(&crate::import::ImportOptions {
            source: self.source.clone(),
            dir: self.dir.clone(),
            download_audio: self.download_audio,
            offline: self.offline,
        })?;
        let outcome = crate::import::print(&imported, &self.dir);
        eprintln!("({} ms)", started.elapsed().as_millis());
        outcome
    }
}
