//! The site model's types: the validated [`Site`], its episodes, pages and
//! tags (with the `Hash` impls that make episodes' fingerprints), and what
//! the model answers about itself once loaded.

use crate::audio::AudioInfo;
use crate::config::{Config, Credit};
use crate::content::EpisodeType;
use crate::error::Diagnostic;
use chrono::{DateTime, FixedOffset};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The namespace of derived episode GUIDs (see [`derived_guid`]).
pub const EPISODE_GUID_NAMESPACE: uuid::Uuid = uuid::uuid!("99754923-a11d-4bff-bebc-42e710ea7058");

/// The whole show, ready to render.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Published episodes (and drafts with `--drafts`), newest first;
    /// shared with `serve`'s [`EpisodeCache`](super::EpisodeCache), which
    /// keeps them between builds.
    pub episodes: Vec<Arc<Episode>>,
    /// Standalone pages, by slug.
    pub pages: Vec<Page>,
    /// Tags, by slug; each lists indices into `episodes`.
    pub tags: Vec<Tag>,
    /// Episodes left out because they are drafts or dated in the future.
    pub held_back: Vec<HeldBack>,
    /// Problems that do not stop the build, as `build` and `serve` print
    /// them: loading's, then [`Site::feed_rules`] as warnings.
    pub warnings: Vec<Diagnostic>,
    /// The feed rules' findings ([`crate::feed::rules::check`]) as `check`
    /// reports them: the problems (errors included; builds print them as
    /// warnings), then the advice (`check` only).
    pub feed_rules: Vec<Diagnostic>,
    /// How many of `warnings` loading found (the rest are the feed rules').
    pub(super) loading_warnings: usize,
}

impl Site {
    /// [`Site::warnings`] without the feed rules' copies: what loading
    /// found (`check` reports the rules with their own severity).
    pub fn load_warnings(&self) -> &[Diagnostic] {
        &self.warnings[..self.loading_warnings]
    }

    /// The newer and the older neighbour of episode `i`, as indices into
    /// [`Site::episodes`].
    pub fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
        (
            i.checked_sub(1),
            (i + 1 < self.episodes.len()).then_some(i + 1),
        )
    }

    /// The newest date of any episode: the feed's and sitemap's "last changed".
    pub fn last_updated(&self) -> Option<DateTime<FixedOffset>> {
        self.episodes.iter().map(|e| e.date).max()
    }

    /// What `check` reports about the site beyond its build warnings:
    /// held-back episodes with their dates, episodes without a pinned
    /// `guid`, and audio files that no episode uses.
    pub fn notices(&self) -> Vec<Diagnostic> {
        let mut notices = Vec::new();
        for held in &self.held_back {
            let what = if held.draft { "draft" } else { "scheduled" };
            notices.push(Diagnostic::warning(
                held.source.clone(),
                format!(
                    "{what}: {:?}, dated {}, is not published yet",
                    held.title,
                    held.date.to_rfc3339()
                ),
            ));
        }
        for e in self.episodes.iter().filter(|e| !e.guid_pinned) {
            notices.push(
                Diagnostic::warning(
                    e.source.clone(),
                    "no `guid`: the feed uses one derived from the slug",
                )
                .help(format!(
                    "pin it so a renamed file keeps its identity: guid = \"{}\"",
                    e.guid
                )),
            );
        }
        let mut remote = 0;
        for e in self.episodes.iter() {
            if let Some(audio) = e.audio.as_ref().filter(|a| a.recorded) {
                remote += 1;
                notices.push(Diagnostic::warning(
                    e.source.clone(),
                    format!(
                        "remote audio, published as recorded in `[enclosure]`: {}",
                        audio.url
                    ),
                ));
            }
        }
        if remote > 0 {
            notices.push(
                Diagnostic::warning(
                    None,
                    format!(
                        "{remote} episode{} rel{} on recorded facts (size, type, duration) instead of measured audio files",
                        if remote == 1 { "" } else { "s" },
                        if remote == 1 { "ies" } else { "y" }
                    ),
                )
                .help("to measure them, put each file in the media folder, set `audio` and remove `[enclosure]` (podsmith import --download-audio does this for a whole show)"),
            );
        }
        for path in self.unused_media() {
            notices.push(Diagnostic::warning(path, "no episode uses this audio file"));
        }
        notices
    }

    /// Media files that no episode uses (for `check`).
    pub fn unused_media(&self) -> Vec<PathBuf> {
        let media_dir = self.config.media_dir(&self.root);
        let used: std::collections::HashSet<&Path> = self
            .episodes
            .iter()
            .flat_map(|e| {
                e.audio
                    .iter()
                    .chain(&e.extras.alternates)
                    .map(|a| a.path.as_path())
            })
            .chain(
                self.held_back
                    .iter()
                    .flat_map(|h| h.media.iter().map(PathBuf::as_path)),
            )
            .collect();
        let mut unused: Vec<PathBuf> = walkdir::WalkDir::new(&media_dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| crate::audio::is_audio_path(p) && !used.contains(p.as_path()))
            .collect();
        unused.sort();
        unused
    }
}

/// One episode, validated.
#[derive(Debug, Clone)]
pub struct Episode {
    pub source: PathBuf,
    pub slug: String,
    /// The episode page's absolute URL.
    pub url: String,
    pub title: String,
    pub date: DateTime<FixedOffset>,
    pub number: Option<u32>,
    pub season: Option<u32>,
    pub episode_type: EpisodeType,
    /// Plain text.
    pub summary: String,
    /// The show notes as HTML, with absolute links.
    pub notes_html: String,
    pub guid: String,
    /// Whether the front matter sets `guid` (else it is derived from the slug).
    pub guid_pinned: bool,
    /// Whether the feed marks the GUID as a permalink (`guid_permalink`).
    pub guid_permalink: bool,
    pub explicit: bool,
    pub draft: bool,
    /// Dated after "now" (only present with `--drafts`).
    pub scheduled: bool,
    pub audio: Option<EpisodeAudio>,
    /// The episode's own cover art, absolute URL.
    pub image_url: Option<String>,
    pub feedback: Vec<FeedbackItem>,
    /// Show-wide credits, then the episode's own.
    pub credits: Vec<Credit>,
    pub supporters: Vec<String>,
    pub chapters: Vec<Chapter>,
    /// Whether the chapters came from the audio file's ID3 tags.
    pub chapters_from_file: bool,
    pub tags: Vec<TagRef>,
    /// Transcript files beside the audio, one per format found (in
    /// [`crate::transcript::FORMATS`] order; the first is the page's link).
    pub transcripts: Vec<Transcript>,
    /// Podcasting 2.0 settings of this episode (see [`EpisodeExtras`]).
    pub extras: EpisodeExtras,
    pub extra: toml::Table,
    /// A hash of every other field (its [`Hash`]), so that renderers can
    /// tell an episode that did not change between two builds; 0 when not
    /// computed ([`Site::load`] does not).
    pub fingerprint: u128,
}

// Every field is named, so that a field added later cannot be left out of
// the fingerprint; `extra` by its TOML text (TOML values are not `Hash`).
impl Hash for Episode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Episode {
            source,
            slug,
            url,
            title,
            date,
            number,
            season,
            episode_type,
            summary,
            notes_html,
            guid,
            guid_pinned,
            guid_permalink,
            explicit,
            draft,
            scheduled,
            audio,
            image_url,
            feedback,
            credits,
            supporters,
            chapters,
            chapters_from_file,
            tags,
            transcripts,
            extra,
            extras,
            fingerprint: _,
        } = self;
        (source, slug, url, title, date, number, season, episode_type).hash(state);
        (
            summary,
            notes_html,
            guid,
            guid_pinned,
            guid_permalink,
            explicit,
            draft,
            scheduled,
        )
            .hash(state);
        (audio, image_url, feedback, credits, supporters).hash(state);
        (
            chapters,
            chapters_from_file,
            tags,
            transcripts,
            extra.to_string(),
            extras,
        )
            .hash(state);
    }
}

impl Hash for Chapter {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Chapter {
            start,
            end,
            title,
            url,
        } = self;
        (start.to_bits(), end.map(f64::to_bits), title, url).hash(state);
    }
}

/// An episode's Podcasting 2.0 settings beyond the core tags (kept apart
/// so they are easy to find and to extend).
#[derive(Debug, Clone, Default, Hash)]
pub struct EpisodeExtras {
    /// The episode's own `[value]`, replacing the show's.
    pub value: Option<crate::value::Value>,
    pub soundbites: Vec<crate::feed_settings::Soundbite>,
    pub license: Option<crate::feed_settings::License>,
    pub location: Option<crate::feed_settings::Location>,
    /// `comments_url` with its protocol (`activitypub`, `atproto`).
    pub comments: Option<(String, &'static str)>,
    /// Remote audio's recorded transcripts (`[[enclosure.transcripts]]`),
    /// published after any local ones.
    pub remote_transcripts: Vec<crate::transcript::RemoteTranscript>,
    /// Whether `image_url` is a recorded remote image (an `http(s)://`
    /// `image`), not a file under `static/`.
    pub image_remote: bool,
    /// The other formats of the audio (`alternate_audio`), measured.
    pub alternates: Vec<EpisodeAudio>,
    /// With `[feed] integrity`: the SRI hash of the main audio, then of
    /// each alternate, in order.
    pub integrity: Vec<String>,
}

/// An episode's audio: a file in the media folder, or remote audio
/// described by the `[enclosure]` facts recorded in its front matter.
#[derive(Debug, Clone, Hash)]
pub struct EpisodeAudio {
    /// Where the file is on disk (empty for recorded remote audio).
    pub path: PathBuf,
    /// Its path relative to the media folder, with `/` (empty for recorded
    /// remote audio).
    pub rel: String,
    /// Its public, absolute URL.
    pub url: String,
    /// Size, type and duration: measured from the file, or as recorded.
    pub info: AudioInfo,
    /// Whether `info` is the front matter's `[enclosure]` record (remote
    /// audio, published as written) rather than measured from a file.
    pub recorded: bool,
}

impl EpisodeAudio {
    /// How messages name the audio: its path in the media folder, or its
    /// URL for remote audio.
    pub fn name(&self) -> &str {
        if self.recorded {
            &self.url
        } else {
            &self.rel
        }
    }
}

/// A transcript file beside the audio (`.vtt`, `.srt`, `.json`, `.html`).
#[derive(Debug, Clone, Hash)]
pub struct Transcript {
    pub rel: String,
    pub url: String,
    pub mime: &'static str,
    /// Timed captions (`rel="captions"`).
    pub captions: bool,
    /// A hash of the file's bytes: pages that show the transcript change
    /// with it (its cues are read when they are rendered, not kept).
    pub content_hash: u64,
}

/// A listener's message, with its Markdown rendered.
#[derive(Debug, Clone, Hash)]
pub struct FeedbackItem {
    pub from: String,
    pub via: Option<String>,
    pub intro_html: Option<String>,
    pub quote_html: Option<String>,
}

/// A chapter, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub start: f64,
    pub end: Option<f64>,
    pub title: String,
    pub url: Option<String>,
}

/// A tag as an episode shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagRef {
    pub name: String,
    pub slug: String,
}

/// A tag's page.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub url: String,
    /// Indices into `Site::episodes`, newest first.
    pub episodes: Vec<usize>,
}

/// A standalone page.
#[derive(Debug, Clone)]
pub struct Page {
    pub source: PathBuf,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    pub html: String,
    pub extra: toml::Table,
}

/// An episode left out of the build.
#[derive(Debug, Clone)]
pub struct HeldBack {
    pub source: PathBuf,
    pub title: String,
    pub date: DateTime<FixedOffset>,
    /// `true`: `draft = true`; `false`: dated in the future.
    pub draft: bool,
    /// The media files it names (`audio`), which it uses though it is not
    /// published yet.
    pub media: Vec<PathBuf>,
}

/// The GUID of an episode without a pinned `guid`: a UUIDv5 of its slug, so
/// it survives changes of `base_url`, theme, title and date (but not a
/// change of slug, which is why `podsmith new` pins one).
pub fn derived_guid(slug: &str) -> String {
    uuid::Uuid::new_v5(&EPISODE_GUID_NAMESPACE, slug.as_bytes()).to_string()
}

/// `H:MM:SS` or `M:SS`.
pub fn format_clock(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_guid_depends_only_on_slug() {
        assert_eq!(derived_guid("001-hello"), derived_guid("001-hello"));
        assert_ne!(derived_guid("001-hello"), derived_guid("002-hello"));
        // Pinned forever: changing this breaks every published feed without pinned GUIDs.
        assert_eq!(
            derived_guid("001-hello"),
            uuid::Uuid::new_v5(&EPISODE_GUID_NAMESPACE, b"001-hello").to_string()
        );
    }

    #[test]
    fn clock_format() {
        assert_eq!(format_clock(5.4), "0:05");
        assert_eq!(format_clock(3723.0), "1:02:03");
    }
}
