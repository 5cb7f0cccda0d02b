//! The command line: one `Args` struct per command, each with `run`, in a
//! file named for its command; this file holds `Cli`, `Command`, the
//! dispatch and `RootArg`.

mod build;
mod check;
mod deploy;
mod import;
mod init;
mod new;
mod serve;
mod tag;
mod theme;

pub use build::BuildArgs;
pub use check::CheckArgs;
pub use deploy::{DeployArgs, HostConfigArgs};
pub use import::ImportArgs;
pub use init::InitArgs;
pub(crate) use new::toml_string;
pub use new::{episode_file_stem, NewArgs};
pub use serve::ServeArgs;
pub use tag::TagArgs;
pub use theme::{EjectArgs, ThemeCommand};

use crate::error::Result;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// podsmith: build a podcast's website and feed from Markdown episodes.
#[derive(Debug, Parser)]
#[command(name = "podsmith", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site and feed into the output folder.
    Build(BuildArgs),
    /// Check the site (feed rules, GUIDs, audio) without writing anything.
    Check(CheckArgs),
    /// Create a new site that builds at once.
    Init(InitArgs),
    /// Bring an existing show: make a new site from its published feed.
    ///
    /// Reads the show's feed (a file, or its http(s):// address) and writes
    /// a new site that builds at once: the settings in podcast.toml and one
    /// Markdown file per episode, each keeping its GUID, date, title, notes
    /// and audio, so that podcast apps see the same episodes after the move.
    /// By default the audio stays where it is: each episode records its
    /// enclosure's address, size, type and duration in an `[enclosure]`
    /// table. `--download-audio` copies the files into the media folder
    /// instead. What the feed got wrong, and how it was worked around, is
    /// listed at the end; an item that cannot be used is an error naming it.
    /// After `podsmith build`, `podsmith check --against SOURCE` confirms
    /// that no GUID, enclosure or date changed. See docs/import.md.
    Import(ImportArgs),
    /// Create a new episode file with the next number.
    New(NewArgs),
    /// Serve the site locally, rebuilding and reloading on every change.
    Serve(ServeArgs),
    /// Write ID3 tags (title, show, chapters, cover...) into episodes' MP3 files.
    Tag(TagArgs),
    /// Work with the built-in theme (copy it into the site to edit it).
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Build, then upload what changed to [deploy] target (S3, a folder, ssh) and tell apps.
    Deploy(DeployArgs),
    /// Print web server settings for the built site (types, CORS, caching, feed redirect).
    HostConfig(HostConfigArgs),
}

impl Cli {
    /// Runs the chosen command.
    pub fn run(&self) -> Result<()> {
        match &self.command {
            Command::Build(args) => args.run(),
            Command::Check(args) => args.run(),
            Command::Init(args) => args.run(),
            Command::Import(args) => args.run(),
            Command::New(args) => args.run(),
            Command::Serve(args) => args.run(),
            Command::Tag(args) => args.run(),
            Command::Theme(ThemeCommand::Eject(args)) => args.run(),
            Command::Deploy(args) => args.run(),
            Command::HostConfig(args) => args.run(),
        }
    }
}

/// `--root DIR`, shared by the commands that work on a site.
#[derive(Debug, Args, Clone)]
pub struct RootArg {
    /// The site's folder (the one with podcast.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
