//! `podsmith check`: the site's checks (or a deployed show's, with `--remote`).

use super::RootArg;
use crate::error::{Diagnostic, Error, Result};
use crate::output::{default_out_dir, Staging};
use crate::render;
use crate::site::LoadOptions;
use crate::text::plural;
use clap::Args;
use std::path::PathBuf;

/// `podsmith check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// A published feed, a file or its http(s):// address, to compare
    /// with: changed GUIDs or enclosure URLs and removed episodes are
    /// errors; changed types, dates, titles and durations, and episodes
    /// the published feed does not have, are warnings.
    #[arg(long, value_name = "OLD.xml")]
    pub against: Option<String>,
    /// Check a deployed show instead, as apps get it: the feed, every
    /// enclosure (HEAD and a byte range: status, length, type, redirects),
    /// the cover, chapters and transcripts (types, CORS).
    #[arg(long, value_name = "FEED_URL", conflicts_with = "against")]
    pub remote: Option<String>,
    /// With --remote: check only the newest N episodes.
    #[arg(long, value_name = "N", requires = "remote")]
    pub sample: Option<usize>,
    /// With --remote: each request's time limit, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 20, requires = "remote")]
    pub timeout: u64,
}

impl CheckArgs {
    pub fn run(&self) -> Result<()> {
        if let Some(url) = &self.remote {
            return crate::remote_check::command(url, self.sample, self.timeout);
        }
        let root = &self.root.root;
        // A missing cover, which stops a build, is one problem among the
        // feed rules' here.
        let config = crate::config::Config::load(root)?;
        let site = crate::site::Site::load_for_check(root, config, &LoadOptions::default())?;
        // What a build into the default output folder would publish (the
        // render below copies into a scratch folder instead).
        crate::site::files_to_publish(&site, &default_out_dir(root))?;
        // Render into a throwaway staging folder so template errors are found too.
        // Removed when dropped, on every path out of here, errors included.
        let scratch = tempfile::Builder::new()
            .prefix("podsmith-check-")
            .tempdir()
            .map_err(|e| Error::io(&std::env::temp_dir(), "create a scratch folder in", e))?;
        let new_feed = {
            let staging = Staging::begin(&scratch.path().join("out"), root)?;
            crate::render_site(&site, &staging, &render::RenderOptions::default())?;
            let feed_path = staging.path().join(crate::feed::FEED_FILE);
            std::fs::read(&feed_path).map_err(|e| Error::io(&feed_path, "read", e))?
        };
        drop(scratch);
        let mut diagnostics = site.load_warnings().to_vec();
        diagnostics.extend(site.feed_rules.iter().cloned());
        if let Some(against) = &self.against {
            let against_path = PathBuf::from(against.trim());
            // Read as `import` reads a feed: real feeds' XML mistakes repaired.
            let old = crate::import::fetch::read_source(against)?;
            let old = crate::import::clean::clean(&old, &mut Vec::new()).into_bytes();
            match crate::feed::stability::parse(&old[..]) {
                None => diagnostics.push(
                    Diagnostic::error(against_path, "this is not a readable RSS feed")
                        .help("pass the published feed.xml (e.g. downloaded with curl -o old.xml)"),
                ),
                Some(old_summary) => {
                    diagnostics.extend(crate::feed::stability::check(
                        &site,
                        &old[..],
                        &new_feed[..],
                        &against_path,
                        false,
                    ));
                    if let Some(new_summary) = crate::feed::stability::parse(&new_feed[..]) {
                        diagnostics.extend(
                            crate::feed::promise::differences(&old_summary, &new_summary)
                                .into_iter()
                                .map(|m| Diagnostic::warning(against_path.clone(), m)),
                        );
                    }
                }
            }
        }
        diagnostics.extend(site.notices());
        for d in &diagnostics {
            eprintln!("{d}");
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        println!(
            "Checked {} episode{}: {errors} error{}, {} warning{}",
            site.episodes.len(),
            plural(site.episodes.len()),
            plural(errors),
            diagnostics.len() - errors,
            plural(diagnostics.len() - errors)
        );
        if errors > 0 {
            // Printed above, each once.
            return Err(Error::reported());
        }
        Ok(())
    }
}
