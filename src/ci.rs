//! `podsmith init --ci github|forgejo`: a workflow that builds, checks and
//! deploys the show on every push and every hour (so a scheduled episode
//! goes out soon after it is due), with the released podsmith from
//! crates.io. Credentials come from the forge's secrets.

use crate::error::{display_path, Diagnostic, Error, Result};
use crate::site::Site;
use std::path::Path;

/// The forges podsmith writes a workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Forge {
    /// GitHub Actions: `.github/workflows/podsmith.yml`.
    Github,
    /// Forgejo Actions (Codeberg): `.forgejo/workflows/podsmith.yml`.
    Forgejo,
}

impl Forge {
    /// Where the workflow goes in the site.
    pub fn path(self) -> &'static str {
        match self {
            Forge::Github => ".github/workflows/podsmith.yml",
            Forge::Forgejo => ".forgejo/workflows/podsmith.yml",
        }
    }

    /// The workflow's text.
    pub fn workflow(self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        let (runner, checkout, cache) = match self {
            Forge::Github => (
                "    runs-on: ubuntu-latest\n",
                "actions/checkout@v4",
                "actions/cache@v4",
            ),
            Forge::Forgejo => (
                "    runs-on: docker\n    container:\n      image: rust:1-bookworm\n",
                "https://code.forgejo.org/actions/checkout@v4",
                "https://code.forgejo.org/actions/cache@v4",
            ),
        };
        format!(
            r#"# Written by `podsmith init --ci`: builds, checks and deploys the show on
# every push to main, and every hour, so an episode dated in the future is
# published soon after it is due. Set the secrets your [deploy] target
# needs in the repository's settings (for S3: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY; PODPING_TOKEN for Podping).
name: podsmith
on:
  push:
    branches: [main]
  schedule:
    - cron: "17 * * * *"
  workflow_dispatch:
permissions:
  contents: read
concurrency:
  group: podsmith-deploy
  cancel-in-progress: false
jobs:
  publish:
{runner}    env:
      PODSMITH_VERSION: "{version}"
    steps:
      - uses: {checkout}
      - name: Cache the podsmith binary
        uses: {cache}
        with:
          path: ~/.cargo/bin/podsmith
          key: podsmith-${{{{ runner.os }}}}-{version}
      - name: Install podsmith (the released version)
        run: command -v podsmith || cargo install --locked podsmith --version "$PODSMITH_VERSION"
      - name: Check
        run: podsmith check
      - name: Build and deploy
        run: podsmith deploy
        env:
          AWS_ACCESS_KEY_ID: ${{{{ secrets.AWS_ACCESS_KEY_ID }}}}
          AWS_SECRET_ACCESS_KEY: ${{{{ secrets.AWS_SECRET_ACCESS_KEY }}}}
          PODPING_TOKEN: ${{{{ secrets.PODPING_TOKEN }}}}
"#
        )
    }
}

/// Writes the CI workflow for `forge` into the site `dir` (never over a file).
pub fn write_workflow(dir: &Path, forge: Forge) -> Result<()> {
    let path = dir.join(forge.path());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", e))?;
    }
    if path.exists() || path.is_symlink() {
        return Err(Diagnostic::error(path, "a workflow is already there")
            .help("init never overwrites files; move it away to write podsmith's")
            .into());
    }
    std::fs::write(&path, forge.workflow()).map_err(|e| Error::io(&path, "write", e))?;
    println!(
        "Wrote {}: it builds, checks and deploys on every push and every hour; add your [deploy] target's secrets in the forge's settings.",
        display_path(&path)
    );
    Ok(())
}

/// When the next scheduled (future-dated, not draft) episode becomes due,
/// as a line for `build`'s output: a timer can build again then.
pub fn next_scheduled(site: &Site, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    let next = site
        .held_back
        .iter()
        .filter(|h| !h.draft && h.date > now)
        .min_by_key(|h| h.date)?;
    let wait = next.date.with_timezone(&chrono::Utc) - now;
    let (hours, minutes) = (wait.num_hours(), wait.num_minutes() % 60);
    let wait = match hours {
        0 => format!("{minutes} min"),
        h if h < 48 => format!("{h} h {minutes} min"),
        h => format!("{} days", h / 24),
    };
    Some(format!(
        "Next scheduled episode: {:?} is due at {} (in {wait}); build again then to publish it.",
        next.title,
        next.date
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
    ))
}
