//! `podsmith serve`: its arguments, handed to `crate::serve`.

use super::RootArg;
use crate::error::Result;
use clap::Args;

/// `podsmith serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Port to listen on; 0 picks a free one (the printed address says which).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; the default serves this computer only.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Address the preview's links use (default: the served address; with
    /// `--bind 0.0.0.0`, this machine's network address).
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
    /// Include drafts and episodes dated in the future (marked with a badge).
    #[arg(long)]
    pub drafts: bool,
}

/// Checks `--base-url` as `base_url` in podcast.toml is checked.
fn parse_base_url(text: &str) -> std::result::Result<String, String> {
    crate::config::normalize_base_url(text).map_err(|why| format!("the address {why}"))
}

impl ServeArgs {
    pub fn run(&self) -> Result<()> {
        crate::serve::run(&crate::serve::ServeOptions {
            root: self.root.root.clone(),
            port: self.port,
            bind: self.bind,
            base_url: self.base_url.clone(),
            include_drafts: self.drafts,
        })
    }
}
