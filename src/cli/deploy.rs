//! `podsmith deploy` and `podsmith host-config`: publishing the built site.

use super::{BuildArgs, RootArg};
use crate::error::Result;
use clap::Args;

/// `podsmith deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Print what would be uploaded, kept and deleted, and change nothing
    /// (the site is still built into public/).
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm intended changes to published episodes (as for `build`).
    #[arg(long)]
    pub accept_feed_changes: bool,
}

impl DeployArgs {
    pub fn run(&self) -> Result<()> {
        let root = &self.root.root;
        crate::deploy::command(root, self.dry_run, || {
            // A failed build deploys nothing.
            BuildArgs {
                root: self.root.clone(),
                out: None,
                drafts: false,
                accept_feed_changes: self.accept_feed_changes,
            }
            .build_and_report()
        })
    }
}

/// `podsmith host-config SERVER`.
#[derive(Debug, Args)]
pub struct HostConfigArgs {
    /// The web server or host to configure.
    #[arg(value_enum)]
    pub server: crate::host_config::Server,
    /// The feed's old path on this host (e.g. /podcast/rss): adds a
    /// permanent redirect from it to the feed.
    #[arg(long, value_name = "PATH")]
    pub redirect_from: Option<String>,
    #[command(flatten)]
    pub root: RootArg,
}

impl HostConfigArgs {
    pub fn run(&self) -> Result<()> {
        let config = crate::config::Config::load(&self.root.root)?;
        let site = crate::host_config::HostSite {
            base_path: crate::host_config::base_path(&config.base_url),
            feed_url: config.feed_url(),
            redirect_from: self.redirect_from.clone(),
        };
        print!("{}", crate::host_config::snippet(self.server, &site));
        Ok(())
    }
}
