//! An item's `podcast:transcript` list: read from the feed (each checked
//! as `[[enclosure.transcripts]]` would be), and with `--download-audio`
//! fetched beside the downloaded audio, named as the site's loading looks
//! for them (`STEM.vtt`, `.srt`, `.json`, `.html`; see
//! [`crate::transcript`]).

use super::channel::{elements, Prefixes};
use super::report::Report;
use super::write::Planned;
use crate::transcript::{check, format_of, remote_problems, RemoteTranscript};
use indicatif::ProgressBar;
use rss::extension::ExtensionMap;
use std::path::Path;

/// The item's transcripts that podsmith can publish as recorded; the others
/// are reported (`whose` names the item).
pub fn read(
    ext: &ExtensionMap,
    prefixes: &Prefixes,
    whose: &str,
    report: &mut Report,
) -> Vec<RemoteTranscript> {
    let mut out = Vec::new();
    for t in elements(ext, &prefixes.podcast, "transcript") {
        let attr = |name: &str| {
            t.attrs()
                .get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let url = attr("url").unwrap_or_default();
        let mut found = RemoteTranscript {
            mime: attr("type")
                .or_else(|| format_of("", &url).map(|f| f.mime.to_string()))
                .unwrap_or_default(),
            url,
            language: attr("language"),
            rel: attr("rel"),
        };
        let mut usable = true;
        for (_, key, message, _) in remote_problems(std::slice::from_ref(&found)) {
            match key {
                "rel" => found.rel = None,
                "language" => found.language = None,
                _ => usable = false,
            }
            report.fixed(format!(
                "{whose}: {message}: {}",
                if matches!(key, "rel" | "language") {
                    "that attribute is left out"
                } else {
                    "the transcript is left out"
                }
            ));
        }
        if usable {
            out.push(found);
        }
    }
    out
}

/// With `--download-audio`: each downloaded episode's transcripts into
/// `media_dir` beside its audio (one per format, the first listed), each
/// checked as `build` checks it; one that cannot be fetched, is not a
/// format podsmith publishes, or is malformed is reported and left out.
pub fn download(
    agent: &ureq::Agent,
    planned: &[Planned<'_>],
    media_dir: &Path,
    report: &mut Report,
) {
    let total: usize = planned
        .iter()
        .filter(|p| p.audio.is_some())
        .map(|p| p.item.transcripts.len())
        .sum();
    if total == 0 {
        return;
    }
    let bar = ProgressBar::new(total as u64).with_message("transcripts");
    for p in planned {
        let Some(audio) = &p.audio else { continue };
        let stem = audio.rsplit_once('.').map_or(audio.as_str(), |(s, _)| s);
        let mut done = Vec::new();
        for t in &p.item.transcripts {
            bar.inc(1);
            let name = p.item.name();
            let Some(format) = format_of(&t.mime, &t.url) else {
                report.fixed(format!(
                    "{name}: the transcript {} ({}) is not a format podsmith publishes (WebVTT, SubRip, JSON, HTML): left out",
                    t.url, t.mime
                ));
                continue;
            };
            if done.contains(&format.ext) {
                report.fixed(format!(
                    "{name}: the transcript {} is a second {} file: left out",
                    t.url, format.ext
                ));
                continue;
            }
            let path = media_dir.join(format!("{stem}.{}", format.ext));
            let saved = super::fetch::get(agent, &t.url).and_then(|bytes| {
                std::fs::write(&path, bytes)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            });
            let checked = saved.and_then(|()| {
                check(&path, format).map_err(|d| {
                    let _ = std::fs::remove_file(&path);
                    format!("it is not a valid {} file ({})", format.ext, d.message)
                })
            });
            match checked {
                Ok(_) => done.push(format.ext),
                Err(why) => {
                    report.fixed(format!("{name}: the transcript {}: {why}: left out", t.url))
                }
            }
        }
    }
    bar.finish_and_clear();
}
