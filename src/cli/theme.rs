//! `podsmith theme eject`: copying the built-in theme's files into a site.

use super::RootArg;
use crate::error::{display_path, Diagnostic, Error, Result};
use crate::render;
use crate::text::plural;
use clap::{Args, Subcommand};

/// `podsmith theme ...`.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Copy the built-in theme, or one file of it, into the site to edit.
    ///
    /// Templates go to the site's templates/ folder, the stylesheet, script
    /// and icon to static/, the label tables (English, German) to i18n/. A copied file replaces the built-in one from
    /// the next build on, so a site with the whole theme copied builds the
    /// same pages. Existing files are never overwritten: if one is in the
    /// way, nothing is written.
    ///
    /// Examples: `podsmith theme eject` (everything),
    /// `podsmith theme eject components/player.html` (one component),
    /// `podsmith theme eject style.css`, `podsmith theme eject i18n/de.toml`.
    Eject(EjectArgs),
}

/// `podsmith theme eject [NAME]`.
#[derive(Debug, Args)]
pub struct EjectArgs {
    /// The file to copy: a template (`episode.html`,
    /// `components/player.html`), asset (`style.css`, `podsmith.js`,
    /// `favicon.svg`) or label table (`i18n/en.toml`, `i18n/de.toml`);
    /// default: every file of the theme.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub root: RootArg,
}

/// One file of the built-in theme: where it goes in the site, and its bytes.
struct ThemeFile {
    /// The name `theme eject` takes.
    name: String,
    /// The path under the site's folder.
    rel: String,
    bytes: &'static [u8],
}

/// Every file of the built-in theme: templates, assets, then the label
/// tables (`i18n/LANG.toml`).
fn theme_files() -> Vec<ThemeFile> {
    let templates = render::BUILTIN_TEMPLATES
        .iter()
        .map(|(name, text)| ThemeFile {
            name: name.to_string(),
            rel: format!("{}/{name}", render::TEMPLATES_DIR),
            bytes: text.as_bytes(),
        });
    let assets = render::BUILTIN_ASSETS.iter().map(|(rel, bytes)| ThemeFile {
        name: rel.strip_prefix("assets/").unwrap_or(rel).to_string(),
        rel: format!("static/{rel}"),
        bytes,
    });
    let strings = render::BUILTIN_STRINGS.iter().map(|(lang, text)| {
        let rel = format!("{}/{lang}.toml", render::STRINGS_DIR);
        ThemeFile {
            name: rel.clone(),
            rel,
            bytes: text.as_bytes(),
        }
    });
    templates.chain(assets).chain(strings).collect()
}

impl EjectArgs {
    pub fn run(&self) -> Result<()> {
        let root = &self.root.root;
        let config = root.join(crate::config::CONFIG_FILE);
        if !config.is_file() {
            return Err(Diagnostic::error(
                config,
                "no podcast.toml here: this is not a site's folder",
            )
            .help("run this in the site's folder, or pass it with --root DIR")
            .into());
        }
        let all = theme_files();
        let chosen: Vec<&ThemeFile> = match &self.name {
            None => all.iter().collect(),
            Some(name) => {
                let wanted = name.trim_start_matches("./").replace('\\', "/");
                let found = all.iter().find(|f| {
                    f.name == wanted
                        || f.rel == wanted
                        || f.rel.strip_prefix("static/") == Some(&wanted)
                });
                match found {
                    Some(f) => vec![f],
                    None => {
                        let names: Vec<&str> = all.iter().map(|f| f.name.as_str()).collect();
                        return Err(Diagnostic::error(
                            None,
                            format!("the built-in theme has no file named `{name}`"),
                        )
                        .help(format!("name one of: {}", names.join(", ")))
                        .into());
                    }
                }
            }
        };
        let in_the_way: Vec<String> = chosen
            .iter()
            .map(|f| root.join(&f.rel))
            .filter(|path| path.exists() || path.is_symlink())
            .map(|path| display_path(&path))
            .collect();
        if !in_the_way.is_empty() {
            return Err(Diagnostic::error(
                None,
                format!(
                    "not copying the theme: {} already exist{} ({})",
                    if in_the_way.len() == 1 { "a file" } else { "files" },
                    if in_the_way.len() == 1 { "s" } else { "" },
                    in_the_way.join(", ")
                ),
            )
            .help("move or delete the file to copy the built-in one, or name another file; nothing was written")
            .into());
        }
        for f in &chosen {
            let path = root.join(&f.rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io(parent, "create the folder", e))?;
            }
            std::fs::write(&path, f.bytes).map_err(|e| Error::io(&path, "write", e))?;
            println!("Wrote {}", display_path(&path));
        }
        println!(
            "Copied {} file{} of the built-in theme; edit them, and `podsmith build` uses them.",
            chosen.len(),
            plural(chosen.len())
        );
        Ok(())
    }
}
