//! The command line: one `Args` struct per command, each with `run`.

use crate::content::{self, EpisodeFront, CONTENT_DIR, EPISODES_DIR};
use crate::error::{display_path, Diagnostic, Error, Result};
use crate::output::{default_out_dir, Staging};
use crate::site::LoadOptions;
use crate::text::plural;
use crate::{build, render, BuildOptions};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// `podsmith tag [EPISODE...]`.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// Episodes to tag, by slug or number (default: every episode with MP3 audio).
    #[arg(value_name = "EPISODE")]
    pub episodes: Vec<String>,
    /// Show what would change, frame by frame, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub root: RootArg,
}

impl TagArgs {
    pub fn run(&self) -> Result<()> {
        crate::tag::run(&crate::tag::TagOptions {
            root: self.root.root.clone(),
            episodes: self.episodes.clone(),
            dry_run: self.dry_run,
        })
    }
}

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
    ("podcast.toml", include_bytes!("starter/podcast.toml")),
    (
        "content/episodes/001-welcome.md",
        include_bytes!("starter/001-welcome.md"),
    ),
    ("content/about.md", include_bytes!("starter/about.md")),
    (
        "static/media/001-welcome.mp3",
        include_bytes!("starter/001-welcome.mp3"),
    ),
    ("static/cover.png", include_bytes!("starter/cover.png")),
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

/// `podsmith new "TITLE"`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The episode's title.
    pub title: String,
    /// Publication date: YYYY-MM-DD or RFC 3339 (e.g. 2026-03-03T08:00:00+01:00); default: now.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Audio file to copy into the media folder as <file name>.<ext>; fills in `audio`.
    #[arg(long, value_name = "FILE")]
    pub audio: Option<PathBuf>,
    #[command(flatten)]
    pub root: RootArg,
}

impl NewArgs {
    pub fn run(&self) -> Result<()> {
        let root = &self.root.root;
        if self.title.trim().is_empty() {
            return Err(Diagnostic::error(None, "the title is empty")
                .help("give the episode a title, e.g. podsmith new \"Cookies and consent\"")
                .into());
        }
        let config = crate::config::Config::load(root)?;
        let date = match &self.date {
            Some(text) => parse_new_date(text)?,
            None => chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        };
        let dir = root.join(CONTENT_DIR).join(EPISODES_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create the folder", e))?;
        let number = next_episode_number(&dir);
        let stem = episode_file_stem(number, &self.title);
        let path = dir.join(format!("{stem}.md"));
        // Check everything before writing anything.
        let audio = match &self.audio {
            Some(src) => {
                if !src.is_file() {
                    return Err(Diagnostic::error(src.clone(), "no such audio file")
                        .help("pass the path of an existing MP3, M4A or Ogg file")
                        .into());
                }
                let ext = match crate::audio::audio_extension(src) {
                    Some(known) if known.measurable => known.ext,
                    _ => {
                        return Err(Diagnostic::error(
                            src.clone(),
                            "not an audio file podsmith can measure",
                        )
                        .help(format!(
                            "use an MP3 (.mp3), AAC (.m4a) or Ogg/Opus (.ogg, .opus) file; podsmith reads .{}",
                            crate::audio::AUDIO_EXTENSIONS
                                .iter()
                                .filter(|known| known.measurable)
                                .map(|known| known.ext)
                                .collect::<Vec<_>>()
                                .join(", .")
                        ))
                        .into());
                    }
                };
                let rel = format!("{stem}.{ext}");
                let dest = config.media_dir(root).join(&rel);
                if dest.exists() {
                    return Err(Diagnostic::error(dest, "this file already exists")
                        .help("podsmith new never overwrites files; remove it or choose another title")
                        .into());
                }
                Some((src.clone(), dest, rel))
            }
            None => None,
        };
        let text = new_episode_text(
            &self.title,
            number,
            &stem,
            &date,
            audio.as_ref().map(|(_, _, rel)| rel.as_str()),
        );
        write_new(&path, &text)?;
        if let Some((src, dest, _)) = &audio {
            if let Err(e) = copy_new(src, dest) {
                let _ = std::fs::remove_file(&path);
                return Err(e);
            }
        }
        println!("Created {}", display_path(&path));
        match &audio {
            Some((_, dest, _)) => println!("Copied the audio to {}", display_path(dest)),
            None => {
                println!("Put the audio in the media folder as {stem}.mp3 and uncomment `audio`.")
            }
        }
        Ok(())
    }
}

/// The file stem `podsmith new` gives an episode: its number (three
/// digits at least) and its title's slug, at most 60 characters
/// (`007-cookies-and-consent`). `podsmith import` names files the same way.
pub fn episode_file_stem(number: u32, title: &str) -> String {
    let slug = match crate::slug::slugify(title) {
        s if s.is_empty() => "episode".to_string(),
        s => s
            .chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string(),
    };
    format!("{number:03}-{slug}")
}

/// Checks a `--date` and returns it as TOML: a date stays a date, a date and
/// time keeps its offset.
fn parse_new_date(text: &str) -> Result<String> {
    let text = text.trim();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.format("%Y-%m-%d").to_string());
    }
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    }
    Err(
        Diagnostic::error(None, format!("--date {text:?} is not a date"))
            .help("write YYYY-MM-DD (e.g. 2026-03-03) or RFC 3339 (e.g. 2026-03-03T08:00:00+01:00)")
            .into(),
    )
}

/// Copies a file to a path that must not exist yet.
fn copy_new(src: &Path, dest: &Path) -> Result<()> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", e))?;
    }
    let mut from = std::fs::File::open(src).map_err(|e| Error::io(src, "open", e))?;
    let mut to = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::from(
                Diagnostic::error(dest.to_path_buf(), "this file already exists")
                    .help("podsmith new never overwrites files"),
            ),
            _ => Error::io(dest, "create", e),
        })?;
    if let Err(e) = std::io::copy(&mut from, &mut to) {
        drop(to);
        let _ = std::fs::remove_file(dest);
        return Err(Error::io(dest, "copy the audio to", e));
    }
    Ok(())
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::from(
                Diagnostic::error(path.to_path_buf(), "this file already exists")
                    .help("choose another title"),
            ),
            _ => Error::io(path, "create", e),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, "write", e))
}

/// One more than the highest episode number in use (from front matter, or
/// a file name's leading digits when a file does not parse).
fn next_episode_number(dir: &Path) -> u32 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 1;
    };
    let mut highest = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let from_front = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| content::parse_source::<EpisodeFront>(&text, &path, "key").ok())
            .and_then(|src| src.front.episode.map(|n| *n.get_ref()));
        let from_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| {
                n.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .and_then(|d| d.parse::<u32>().ok());
        highest = highest.max(from_front.or(from_name).unwrap_or(0));
    }
    highest + 1
}

/// `text` as a TOML basic string on one line: quotes, backslashes and
/// control characters (newlines too) escaped, so that no line of it can
/// end the front matter (a `+++` line) and it reads back as `text`.
pub(crate) fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text of a new episode file, with commented examples of every section.
fn new_episode_text(
    title: &str,
    number: u32,
    stem: &str,
    date: &str,
    audio: Option<&str>,
) -> String {
    let title_toml = toml_string(title);
    let audio_line = match audio {
        Some(rel) => format!(
            "audio = {}{}# relative to the media folder",
            toml_string(rel),
            " ".repeat(22usize.saturating_sub(rel.len()).max(1))
        ),
        None => format!(
            "# audio = \"{stem}.mp3\"          # relative to the media folder (static/media)"
        ),
    };
    format!(
        r#"+++
title = {title_toml}
date = {date}
episode = {number}
{audio_line}
summary = ""                    # one or two sentences for listings and the feed
tags = []
guid = "{guid}"   # never change this once published
# season = 1
# episode_type = "full"         # full, trailer or bonus
# explicit = false
# draft = true
supporters = []                 # e.g. ["Ada", "Grace"]

# [[chapters]]
# start = "00:00"               # "H:MM:SS" or "MM:SS" (optional .mmm), or seconds
# title = "Welcome"
# url = "https://example.org/"  # optional

# [[feedback]]
# from = "A listener"
# via = "email"                 # or "Patreon"...
# intro = "What I want to say about it (Markdown)."
# quote = """The listener's own words (Markdown)."""

# [[credits]]
# name = "Someone"
# role = "Audio editing"
# work = "optional: the credited work"
# url = "https://example.org/"
+++

Write the show notes here, in Markdown.
"#,
        guid = uuid::Uuid::new_v4(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn new_episode_text_parses() {
        let text = new_episode_text(
            "It's \"quoted\"",
            7,
            "007-x",
            "2026-03-03",
            Some("007-x.mp3"),
        );
        let src = content::parse_source::<EpisodeFront>(&text, Path::new("x.md"), "key").unwrap();
        assert_eq!(src.front.title, "It's \"quoted\"");
        assert_eq!(src.front.episode.map(|n| *n.get_ref()), Some(7));
        assert!(src.front.guid.is_some());
        assert_eq!(
            src.front.audio.as_ref().map(|a| a.get_ref().as_str()),
            Some("007-x.mp3")
        );
        assert_eq!(src.front.date.get_ref().to_string(), "2026-03-03");
        let text = new_episode_text("x", 1, "001-x", "2026-03-03T08:00:00+01:00", None);
        let src = content::parse_source::<EpisodeFront>(&text, Path::new("x.md"), "key").unwrap();
        assert!(src.front.audio.is_none());
        assert!(text.contains("# audio = \"001-x.mp3\""));
    }

    #[test]
    fn new_titles_round_trip() {
        for title in [
            "+++",
            "a\n+++\nb",
            r#"""" ''' \ \u0041 "#,
            "\u{7f}\u{85}\r\t\u{0}x",
        ] {
            let text = new_episode_text(title, 2, "002-x", "2026-03-03", None);
            assert_eq!(text.matches("\n+++\n").count(), 1, "{text}");
            let src =
                content::parse_source::<EpisodeFront>(&text, Path::new("x.md"), "key").unwrap();
            // Control characters are removed when a file is read (issue 15).
            assert_eq!(src.front.title, content::strip_controls(title).0);
        }
    }

    #[test]
    fn new_dates() {
        assert_eq!(parse_new_date("2026-03-03").unwrap(), "2026-03-03");
        assert_eq!(
            parse_new_date("2026-03-03T08:00:00+01:00").unwrap(),
            "2026-03-03T08:00:00+01:00"
        );
        assert_eq!(
            parse_new_date("2026-03-03T08:00:00Z").unwrap(),
            "2026-03-03T08:00:00Z"
        );
        assert!(parse_new_date("03/03/2026").is_err());
        assert!(parse_new_date("2026-02-30").is_err());
    }
}
