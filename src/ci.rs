//! `podsmith init --ci github|forgejo`: a workflow that builds, checks and
//! deploys the show on every push and every hour (so a scheduled episode
//! goes out soon after it is due), with the released podsmith from
//! crates.io. Credentials come from the forge's secrets.

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
