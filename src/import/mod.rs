//! `podsmith import SOURCE DIR`: an existing show's feed (a file or an
//! `http(s)://` address) as a new site that builds at once, with every
//! episode's GUID, date and audio kept so that apps see no change.
//!
//! [`fetch`] reads the feed, [`clean`] repairs what real feeds get wrong
//! at the XML level, [`channel`] and [`items`] read it (the `rss` crate)
//! into a [`model::Show`], [`html`] turns show notes into Markdown,
//! [`art`] downloads cover and episode art, [`write`] writes the site's
//! files, [`download`] fetches the audio with `--download-audio`, and
//! [`report`] lists what was worked around.

pub mod art;
pub mod channel;
pub mod clean;
pub mod dates;
pub mod download;
pub mod fetch;
pub mod html;
pub mod items;
pub mod model;
pub mod report;
pub mod transcripts;
pub mod value;
pub mod write;

use crate::content::{CONTENT_DIR, EPISODES_DIR};
use crate::error::{display_path, Diagnostic, Error, Result};
use indicatif::ProgressBar;
use std::path::{Path, PathBuf};

/// Marks a site folder whose import has not finished (so that running the
/// import again may continue into it, e.g. to resume downloads).
pub const UNFINISHED_MARK: &str = ".podsmith-import";

/// What `podsmith import` was asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// A feed file or an `http(s)://` address.
    pub source: String,
    /// The new site's folder (missing or empty).
    pub dir: PathBuf,
    /// Download every enclosure into the media folder.
    pub download_audio: bool,
    /// Make no request for cover art, episode art or chapters (the feed's
    /// own address and `--download-audio` still are fetched).
    pub offline: bool,
}

/// What an import did.
#[derive(Debug)]
pub struct Imported {
    pub episodes: usize,
    pub remote: usize,
    pub without_audio: usize,
    pub report: report::Report,
}

/// Runs an import and prints its report.
pub fn run(options: &ImportOptions) -> Result<Imported> {
    let dir = &options.dir;
    check_target(dir)?;
    let bytes = fetch::read_source(&options.source)?;
    let mut report = report::Report::new(PathBuf::from(options.source.trim()));
    let mut fixes = Vec::new();
    let text = clean::clean(&bytes, &mut fixes);
    drop(bytes);
    for fix in fixes {
        report.fixed(format!("the feed's XML: {fix}"));
    }
    let mut show = channel::read(&text, &mut report)?;
    drop(text);
    let mkdir = |path: &Path| {
        std::fs::create_dir_all(path).map_err(|e| Error::io(path, "create the folder", e))
    };
    mkdir(dir)?;
    write_file(&dir.join(UNFINISHED_MARK), "")?;
    let agent = fetch::agent();
    if !options.offline {
        fetch_chapters(&agent, &mut show, &mut report);
    }
    let static_dir = dir.join("static");
    mkdir(&static_dir)?;
    let cover = match (&show.image_url, options.offline) {
        (Some(url), false) if fetch::is_url(url) => match fetch::get(&agent, url) {
            Ok(bytes) => {
                let rel = format!("cover.{}", art::image_extension(&bytes));
                write_bytes(&static_dir.join(&rel), &bytes)?;
                Some(rel)
            }
            Err(why) => {
                report.fixed(format!("cannot download the cover art {url}: {why}"));
                None
            }
        },
        _ => None,
    };
    let settings = write::settings(&show, options.source.trim(), cover.as_deref(), &mut report);
    let art = if options.offline {
        Default::default()
    } else {
        art::episode_art(&agent, &show, &static_dir, &mut report)
    };
    let cover_url = show.image_url.clone();
    let mut planned = write::plan(&mut show, &mut report);
    for p in &mut planned {
        p.image = p.item.image_url.as_ref().and_then(|u| {
            art.get(u).cloned().or_else(|| {
                // Art that is not the show's cover, not downloaded: a
                // remote image, as the old feed had it.
                (cover_url.as_ref() != Some(u) && write::usable_remote_image(u))
                    .then(|| u.trim().to_string())
            })
        });
    }
    let media_dir = dir.join("static").join("media");
    mkdir(&media_dir)?;
    if options.download_audio {
        for failure in download::download_all(&mut planned, &media_dir) {
            report.unusable(failure, "run the import again to retry (finished files are kept), or fix the episode by hand");
        }
        transcripts::download(&agent, &planned, &media_dir, &mut report);
    }
    write_file(&dir.join(crate::config::CONFIG_FILE), &settings)?;
    write_file(&dir.join(".gitignore"), "/public\n/.podsmith-*\n")?;
    let episodes_dir = dir.join(CONTENT_DIR).join(EPISODES_DIR);
    mkdir(&episodes_dir)?;
    let (mut remote, mut without_audio) = (0, 0);
    for p in &planned {
        match (&p.audio, &p.item.enclosure) {
            (None, Some(_)) => remote += 1,
            (None, None) => without_audio += 1,
            _ => {}
        }
    }
    // Written side by side: creating a file is what takes the time (the
    // disk's latency, not the processor), and a few at once hide most of it.
    let bar = ProgressBar::new(planned.len() as u64);
    {
        use rayon::prelude::*;
        planned.par_iter().try_for_each(|p| {
            let path = episodes_dir.join(format!("{}.md", p.stem));
            let written = write_file(&path, &write::episode(p));
            bar.inc(1);
            written
        })?;
    }
    bar.finish_and_clear();
    let episodes = planned.len();
    drop(planned);
    let _ = std::fs::remove_file(dir.join(UNFINISHED_MARK));
    Ok(Imported {
        episodes,
        remote,
        without_audio,
        report,
    })
}

/// A new site's folder must be missing, empty, or an unfinished import.
fn check_target(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(
            Diagnostic::error(dir.to_path_buf(), "this is a file, not a folder")
                .help("name a new folder for the imported site")
                .into(),
        );
    }
    let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, "read the folder", e))?;
    if entries.next().is_none() || dir.join(UNFINISHED_MARK).is_file() {
        return Ok(());
    }
    Err(
        Diagnostic::error(dir.to_path_buf(), "this folder is not empty")
            .help("import into a new or empty folder; import never overwrites a site")
            .into(),
    )
}

/// `podcast:chapters` JSON files, for items without inline chapters.
fn fetch_chapters(agent: &ureq::Agent, show: &mut model::Show, report: &mut report::Report) {
    let wanted: Vec<usize> = (0..show.items.len())
        .filter(|&i| show.items[i].chapters.is_empty() && show.items[i].chapters_url.is_some())
        .collect();
    if wanted.is_empty() {
        return;
    }
    let bar = ProgressBar::new(wanted.len() as u64).with_message("chapters");
    for i in wanted {
        let item = &mut show.items[i];
        let url = item.chapters_url.clone().unwrap_or_default();
        bar.inc(1);
        if !fetch::is_url(&url) {
            continue;
        }
        match fetch::get(agent, &url).map(|b| chapters_json(&b)) {
            Ok(Some(chapters)) => item.chapters = chapters,
            Ok(None) => report.fixed(format!(
                "{}: {url} is not a chapters file: no chapters",
                item.name()
            )),
            Err(why) => report.fixed(format!(
                "{}: cannot fetch its chapters {url}: {why}",
                item.name()
            )),
        }
    }
    bar.finish_and_clear();
}

/// The chapters of a Podcasting 2.0 JSON chapters file.
pub fn chapters_json(bytes: &[u8]) -> Option<Vec<(f64, String, Option<String>)>> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let list = value.get("chapters")?.as_array()?;
    Some(
        list.iter()
            .filter_map(|c| {
                let start = c.get("startTime")?.as_f64().filter(|s| *s >= 0.0)?;
                let title = c
                    .get("title")
                    .and_then(|t| t.as_str())
                    .unwrap_or("")
                    .trim()
                    .to_string();
                let url = c
                    .get("url")
                    .and_then(|u| u.as_str())
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty() && crate::config::check_link(u).is_ok());
                Some((start, title, url))
            })
            .collect(),
    )
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    write_bytes(path, text.as_bytes())
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, "write", e))
}

/// Prints an import's outcome; `Err` when items could not be used.
pub fn print(imported: &Imported, dir: &Path) -> Result<()> {
    for d in &imported.report.problems {
        eprintln!("{d}");
    }
    let errors = imported.report.errors();
    println!(
        "Imported {} episode{} into {} ({} with remote audio, {} without audio; {} problem{} worked around, {} error{})",
        imported.episodes,
        crate::text::plural(imported.episodes),
        display_path(dir),
        imported.remote,
        imported.without_audio,
        imported.report.problems.len() - errors,
        crate::text::plural(imported.report.problems.len() - errors),
        errors,
        crate::text::plural(errors),
    );
    println!(
        "Next: set base_url in {}/podcast.toml, then `podsmith build --root {}`",
        display_path(dir),
        display_path(dir)
    );
    if errors > 0 {
        return Err(Error::reported());
    }
    Ok(())
}
