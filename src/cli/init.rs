//! `podsmith init`: a new site from the built-in starter (or only a CI workflow).

use crate::error::{display_path, Diagnostic, Error, Result};
use clap::Args;
use std::path::PathBuf;

/// `podsmith init DIR`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder of the new site (created; must be empty if it exists). With
    /// --ci, an existing site's folder (default: the current one) gets
    /// only the workflow.
    pub dir: Option<PathBuf>,
    /// Also write a CI workflow that builds, checks and deploys on every
    /// push and every hour: github (.github/workflows/) or forgejo
    /// (.forgejo/workflows/, Codeberg).
    #[arg(long, value_enum, value_name = "FORGE")]
    pub ci: Option<crate::ci::Forge>,
}

/// The files of a new site, from the built-in starter.
const STARTER_FILES: &[(&str, &[u8])] = &[
    ("podcast.toml", include_bytes!("../starter/podcast.toml")),
    (
        "content/episodes/001-welcome.md",
        include_bytes!("../starter/001-welcome.md"),
    ),
    ("content/about.md", include_bytes!("../starter/about.md")),
    (
        "static/media/001-welcome.mp3",
        include_bytes!("../starter/001-welcome.mp3"),
    ),
    ("static/cover.png", include_bytes!("../starter/cover.png")),
    (".gitignore", b"/public\n/.podsmith-*\n"),
];

impl InitArgs {
    pub fn run(&self) -> Result<()> {
        let dir = match (&self.dir, self.ci) {
            (Some(dir), _) => dir.clone(),
            (None, Some(_)) => PathBuf::from("."),
            (None, None) => {
                return Err(Diagnostic::error(None, "name the new site's folder")
                    .help("e.g. podsmith init my-show")
                    .into())
            }
        };
        let dir = &dir;
        if let Some(forge) = self.ci {
            if dir.join(crate::config::CONFIG_FILE).is_file() {
                return crate::ci::write_workflow(dir, forge);
            }
        }
        if dir.exists() {
            let mut entries =
                std::fs::read_dir(dir).map_err(|e| Error::io(dir, "read the folder", e))?;
            if entries.next().is_some() {
                return Err(Diagnostic::error(dir.clone(), "this folder is not empty")
                    .help("choose a new or empty folder; init never overwrites files")
                    .into());
            }
        }
        for (rel, bytes) in STARTER_FILES {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io(parent, "create the folder", e))?;
            }
            let bytes: Vec<u8> = if *rel == "content/episodes/001-welcome.md" {
                String::from_utf8_lossy(bytes)
                    .replace("GUID_PLACEHOLDER", &uuid::Uuid::new_v4().to_string())
                    .into_bytes()
            } else {
                bytes.to_vec()
            };
            std::fs::write(&path, bytes).map_err(|e| Error::io(&path, "write", e))?;
        }
        if let Some(forge) = self.ci {
            crate::ci::write_workflow(dir, forge)?;
        }
        let shown = display_path(dir);
        println!("Created a new show in {shown}.");
        println!("Next: edit {shown}/podcast.toml, then `cd {shown} && podsmith new \"My first episode\"` and `podsmith build`.");
        Ok(())
    }
}
