//! `podsmith build`: its arguments, and building with a report of what was built.

use super::RootArg;
use crate::error::{display_path, Result};
use crate::output::default_out_dir;
use crate::site::LoadOptions;
use crate::text::plural;
use crate::{build, render, BuildOptions};
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// `podsmith build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Output folder (default: public/ in the site's folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Include drafts and episodes dated in the future.
    #[arg(long)]
    pub drafts: bool,
    /// Confirm intended changes to published episodes: a changed GUID or
    /// enclosure URL, or an episode gone from the feed.
    #[arg(long)]
    pub accept_feed_changes: bool,
}

impl BuildArgs {
    pub fn run(&self) -> Result<()> {
        self.build_and_report().map(drop)
    }

    /// Builds and prints what the build did; returns the output folder.
    pub fn build_and_report(&self) -> Result<PathBuf> {
        let started = Instant::now();
        let root = &self.root.root;
        let options = BuildOptions {
            root: root.clone(),
            out: self.out.clone().unwrap_or_else(|| default_out_dir(root)),
            load: LoadOptions {
                include_drafts: self.drafts,
                ..LoadOptions::default()
            },
            render: render::RenderOptions::default(),
            base_url: None,
            accept_feed_changes: self.accept_feed_changes,
        };
        let report = build(&options)?;
        for warning in report
            .site
            .warnings
            .iter()
            .chain(&report.feed_changes)
            .chain(&report.output_warnings)
        {
            eprintln!("{warning}");
        }
        let site = &report.site;
        let held = match site.held_back.len() {
            0 => String::new(),
            n => format!(" ({n} draft or scheduled left out)"),
        };
        println!(
            "Built {} episode{}{held} and {} page{} into {} in {} ms",
            site.episodes.len(),
            plural(site.episodes.len()),
            site.pages.len(),
            plural(site.pages.len()),
            display_path(&options.out),
            started.elapsed().as_millis()
        );
        if let Some(next) = crate::ci::next_scheduled(site, chrono::Utc::now()) {
            println!("{next}");
        }
        Ok(options.out)
    }
}
