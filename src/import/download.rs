//! `--download-audio`: every enclosure into the media folder, a few at a
//! time, resumable (a `.part` file continued with an HTTP `Range`), each
//! file's size checked against the length the feed recorded.

use super::fetch::describe;
use super::write::Planned;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Downloads at once.
const PARALLEL: usize = 4;

/// Downloads the enclosures of `planned` into `media_dir`; each that
/// arrives whole gets its `audio` set. Returns the failures, as messages
/// naming the item.
pub fn download_all(planned: &mut [Planned<'_>], media_dir: &Path) -> Vec<String> {
    let jobs: Vec<(usize, String, PathBuf, u64)> = planned
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let e = p.item.enclosure.as_ref()?;
            let rel = format!("{}.{}", p.stem, extension(&e.url, &e.mime));
            Some((i, e.url.clone(), media_dir.join(&rel), e.length))
        })
        .collect();
    if jobs.is_empty() {
        return Vec::new();
    }
    if let Err(e) = std::fs::create_dir_all(media_dir) {
        return vec![format!("cannot create {}: {e}", media_dir.display())];
    }
    let total: u64 = jobs.iter().map(|j| j.3).sum();
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(format!("Downloading {} files", jobs.len()));
    let agent = super::fetch::agent();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<(), String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(jobs.len()) {
            scope.spawn(|| loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let Some((i, url, dest, length)) = jobs.get(n) else {
                    break;
                };
                let outcome = fetch_one(&agent, url, dest, *length, &bar);
                if let Ok(mut r) = results.lock() {
                    r.push((*i, outcome));
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut failures = Vec::new();
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    for (i, outcome) in results {
        let p = &mut planned[i];
        match outcome {
            Ok(()) => {
                let e = p.item.enclosure.as_ref().expect("jobs have enclosures");
                p.audio = Some(format!("{}.{}", p.stem, extension(&e.url, &e.mime)));
            }
            Err(why) => failures.push(format!(
                "{}: {why}; it keeps its remote audio (`[enclosure]`)",
                p.item.name()
            )),
        }
    }
    failures
}

/// One file: skipped when already whole, continued from its `.part`.
fn fetch_one(
    agent: &ureq::Agent,
    url: &str,
    dest: &Path,
    length: u64,
    bar: &ProgressBar,
) -> Result<(), String> {
    if let Ok(meta) = std::fs::metadata(dest) {
        if length == 0 || meta.len() == length {
            bar.inc(meta.len());
            return Ok(());
        }
        return Err(format!(
            "{} exists with {} bytes, not the {length} the feed records",
            dest.display(),
            meta.len()
        ));
    }
    let part = dest.with_extension(format!(
        "{}.part",
        dest.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let mut request = agent.get(url);
    if have > 0 {
        request = request.header("Range", format!("bytes={have}-"));
    }
    let response = request
        .call()
        .map_err(|e| format!("cannot download {url}: {}", describe(e)))?;
    let resumed = have > 0 && response.status().as_u16() == 206;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(resumed)
        .truncate(!resumed)
        .open(&part)
        .map_err(|e| format!("cannot write {}: {e}", part.display()))?;
    bar.inc(if resumed { have } else { 0 });
    let mut reader = response.into_body().into_reader();
    let mut buf = vec![0u8; 64 * 1024];
    let mut got = if resumed { have } else { 0 };
    loop {
        let n = reader.read(&mut buf).map_err(|e| {
            format!("download of {url} broke off: {e} (run the import again to resume)")
        })?;
        if n == 0 {
            break;
        }
        file.write_all(&buf[..n])
            .map_err(|e| format!("cannot write {}: {e}", part.display()))?;
        got += n as u64;
        bar.inc(n as u64);
    }
    file.flush()
        .map_err(|e| format!("cannot write {}: {e}", part.display()))?;
    drop(file);
    if length > 0 && got != length {
        let _ = std::fs::remove_file(&part);
        return Err(format!(
            "{url} has {got} bytes, but the feed records {length}: not used"
        ));
    }
    std::fs::rename(&part, dest)
        .map_err(|e| format!("cannot move {} into place: {e}", part.display()))
}

/// The file extension for an enclosure: from its address, else its type.
fn extension(url: &str, mime: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("mp3") => "mp3",
        Some("m4a") | Some("mp4") | Some("aac") => "m4a",
        Some("ogg") | Some("oga") => "ogg",
        Some("opus") => "opus",
        _ => match mime {
            "audio/mp4" | "audio/x-m4a" | "audio/aac" => "m4a",
            "audio/ogg" => "ogg",
            "audio/opus" => "opus",
            _ => "mp3",
        },
    }
}
