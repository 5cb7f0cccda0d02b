//! Cover art and episode art, downloaded into `static/` when reachable.

use super::model::Show;
use super::report::Report;
use indicatif::ProgressBar;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The folder under `static/` that episode art goes to.
pub const ART_DIR: &str = "art";

/// The image file extension for some image bytes.
pub fn image_extension(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "png"
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        "webp"
    } else {
        "jpg"
    }
}

/// Downloads every distinct episode art address (other than the show's
/// cover) into `static/art/`, a few at a time; returns where each went
/// (relative to `static/`). One that cannot be fetched is reported and
/// stays recorded as an address.
pub fn episode_art(
    agent: &ureq::Agent,
    show: &Show,
    static_dir: &Path,
    report: &mut Report,
) -> HashMap<String, String> {
    let mut wanted: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &show.items {
        if let Some(url) = item.image_url.as_deref() {
            if super::fetch::is_url(url) && show.image_url.as_deref() != Some(url) {
                let next = wanted.len() + 1;
                wanted.entry(url).or_insert(next);
            }
        }
    }
    if wanted.is_empty() {
        return HashMap::new();
    }
    let jobs: Vec<(&str, usize)> = wanted.into_iter().collect();
    let dir = static_dir.join(ART_DIR);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        report.fixed(format!(
            "cannot create {}: {e}; episode art stays recorded as addresses",
            dir.display()
        ));
        return HashMap::new();
    }
    let bar = ProgressBar::new(jobs.len() as u64).with_message("episode art");
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(String, Result<String, String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4.min(jobs.len()) {
            scope.spawn(|| {
                while let Some(&(url, n)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = super::fetch::get(agent, url).and_then(|bytes| {
                        let rel = format!("{ART_DIR}/{n:04}.{}", image_extension(&bytes));
                        std::fs::write(static_dir.join(&rel), &bytes)
                            .map(|()| rel)
                            .map_err(|e| e.to_string())
                    });
                    bar.inc(1);
                    if let Ok(mut d) = done.lock() {
                        d.push((url.to_string(), outcome));
                    }
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut done = done.into_inner().unwrap_or_default();
    done.sort();
    let mut saved = HashMap::new();
    for (url, outcome) in done {
        match outcome {
            Ok(rel) => {
                saved.insert(url, rel);
            }
            Err(why) => report.fixed(format!(
                "cannot download the episode art {url}: {why}; recorded as a remote image"
            )),
        }
    }
    saved
}
