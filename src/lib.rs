//! podsmith: a static-site generator for podcasts.
//!
//! The data flows one way, one module per stage:
//! [`config`] (podcast.toml) → [`content`] (Markdown files) → [`audio`]
//! (metadata read from the audio files) and [`markdown`] → [`site`] (the
//! validated model) → [`render`] (HTML pages) and [`feed`] (RSS) →
//! [`output`] (staging folder, swapped in on success). [`cli`] drives it.

pub mod audio;
mod cache_file;
pub mod ci;
pub mod cli;
pub mod config;
pub mod content;
pub mod deploy;
pub mod emit;
pub mod error;
pub mod feed;
pub mod feed_settings;
pub mod fingerprint;
pub mod host_config;
pub mod import;
pub mod markdown;
pub mod output;
pub mod remote_check;
pub mod render;
pub mod serve;
pub mod site;
pub mod slug;
pub mod tag;
mod text;
pub mod timestamps;
pub mod transcript;
pub mod value;

use config::Config;
use error::Result;
use output::Staging;
use site::{EpisodeCache, LoadOptions, Site};
use std::path::{Path, PathBuf};

/// Runs `f`, printing how long it took to stderr when the environment sets
/// `PODSMITH_TIMINGS` (for profiling builds; see docs/performance.md).
pub fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("PODSMITH_TIMINGS").is_some()) {
        return f();
    }
    let started = std::time::Instant::now();
    let value = f();
    // Resident memory after the stage, where the system tells it (Linux).
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!(", {} MB resident", kb / 1024))
        })
        .unwrap_or_default();
    eprintln!(
        "timing: {stage:<14} {:>8.1} ms{rss}",
        started.elapsed().as_secs_f64() * 1e3
    );
    value
}

/// What to build, and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site's folder (holds `podcast.toml`).
    pub root: PathBuf,
    /// Where the site is written; replaced as a whole on success.
    pub out: PathBuf,
    pub load: LoadOptions,
    pub render: render::RenderOptions,
    /// Replaces `base_url` (serve mode points it at the local server).
    pub base_url: Option<String>,
    /// Let changed GUIDs or enclosure URLs, and removed episodes, through
    /// (`--accept-feed-changes`); they are reported as warnings.
    pub accept_feed_changes: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub site: Site,
    pub out: PathBuf,
    /// Accepted changes to published episodes (see [`feed::stability`]).
    pub feed_changes: Vec<error::Diagnostic>,
    /// About the output folder: files left in place, leftovers of killed
    /// builds (see [`output`]).
    pub output_warnings: Vec<error::Diagnostic>,
}

/// Loads and validates the site in `root` (no output is written).
pub fn load_site(root: &Path, load: &LoadOptions, base_url: Option<&str>) -> Result<Site> {
    Site::load(root, load_config(root, base_url)?, load)
}

fn load_config(root: &Path, base_url: Option<&str>) -> Result<Config> {
    let mut config = Config::load(root)?;
    if let Some(url) = base_url {
        config.base_url = url.to_string();
    }
    Ok(config)
}

/// Like [`load_site`], keeping loaded episodes in `kept` between calls so
/// that only changed episode files are read again (see [`EpisodeCache`]).
pub fn load_site_cached(
    root: &Path,
    load: &LoadOptions,
    base_url: Option<&str>,
    kept: &mut EpisodeCache,
) -> Result<Site> {
    Site::load_cached(root, load_config(root, base_url)?, load, kept)
}

/// Renders every output file of `site` into `staging`.
pub fn render_site(site: &Site, staging: &Staging, options: &render::RenderOptions) -> Result<()> {
    let theme = render::Theme::load(&site.root)?;
    render_with(site, staging, options, &theme)
}

/// Renders every output file of `site` through `out` (a staging folder, or
/// `serve`'s memo around one): the pages, the feed and the copied files,
/// then the theme's assets that the site does not replace with its own.
pub fn render_with(
    site: &Site,
    out: &dyn render::Emitter,
    options: &render::RenderOptions,
    theme: &render::Theme,
) -> Result<()> {
    // Each episode's template value is made once, for its pages and its
    // feed item. Side by side: each part is parallel inside, but has serial
    // stretches.
    let values = render::EpisodeValues::new(site, theme, out);
    let staging = out.staging();
    let (pages, (feed, files)) = rayon::join(
        || timed("pages", || theme.render_site(site, out, options, &values)),
        || {
            rayon::join(
                || timed("feed", || feed::write(site, out, theme, &values)),
                || timed("copy files", || copy_files(site, staging)),
            )
        },
    );
    pages.and(feed).and(files)?;
    for image in render::responsive_images(site) {
        render::images::write(&image, out)?;
    }
    for (rel, bytes) in render::BUILTIN_ASSETS {
        staging.write_builtin(rel, bytes)?;
    }
    Ok(())
}

/// Copies the files that the site publishes from `static/` and, when the
/// site serves it, the media folder (see [`site::files_to_publish`]).
fn copy_files(site: &Site, staging: &Staging) -> Result<()> {
    for file in site::files_to_publish(site, staging.out_dir())? {
        staging.copy_file(&file.source, &file.rel)?;
    }
    Ok(())
}

/// Builds the site: load, render into a staging folder, swap it in.
/// On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let config = load_config(&options.root, options.base_url.as_deref())?;
    let output = output::OutputOptions {
        hard_links: config.output.hard_links,
        private: false,
    };
    let load = || timed("load", || Site::load(&options.root, config, &options.load));
    let begin = || {
        timed("staging", || {
            Staging::begin_with(&options.out, &options.root, output)
        })
    };
    // With an output folder already there, its checks and the staging
    // folder are prepared while the site loads (a site that fails to load
    // puts the staging folder back as it was). Without one, the site loads
    // first, so that a failed build creates nothing.
    let (site, staging) = if options.out.is_dir() {
        let (site, staging) = rayon::join(load, begin);
        (site?, staging?)
    } else {
        let site = load()?;
        (site, begin()?)
    };
    render_site(&site, &staging, &options.render)?;
    let feed_changes = timed("feed check", || {
        feed::check_against_previous(&site, &staging, options.accept_feed_changes)
    })?;
    let out = staging.out_dir().to_path_buf();
    let output_warnings = timed("commit", || staging.commit())?;
    Ok(BuildReport {
        site,
        out,
        feed_changes,
        output_warnings,
    })
}
