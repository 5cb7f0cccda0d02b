//! One episode from its file: the front matter checked key by key, its
//! audio measured (or its recorded facts), its notes rendered, its
//! chapters, transcripts and Podcasting 2.0 settings (the part of loading
//! that [`super::load`] runs for each episode file).

use super::model::{
    derived_guid, format_clock, Chapter, Episode, EpisodeAudio, EpisodeExtras, FeedbackItem,
    HeldBack, TagRef, Transcript,
};
use crate::audio::{AudioCache, AudioInfo};
use crate::config::{check_link, safe_relative_path, Config};
use crate::content::{self, EpisodeFront, Source};
use crate::error::{display_path, Diagnostic, Error, Result};
use crate::markdown::{self, RenderOptions};
use crate::slug::{encode_path, slugify};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::load::LoadOptions;

#[derive(Clone)]
pub(super) enum Loaded {
    Included(Arc<Episode>, Vec<Diagnostic>),
    HeldBack(HeldBack),
}

/// What loading one episode needs from the site being loaded.
pub(super) struct EpisodeContext<'a> {
    pub(super) root: &'a Path,
    pub(super) config: &'a Config,
    pub(super) cache: &'a AudioCache,
    /// Show notes rendered by earlier builds (plain builds only).
    pub(super) notes: Option<&'a super::notes_cache::NotesCache>,
    pub(super) options: &'a LoadOptions,
    pub(super) fingerprints: bool,
}

impl EpisodeContext<'_> {
    /// The episode of `src`, or why it is left out (draft, scheduled).
    pub(super) fn episode(&self, src: &Source<EpisodeFront>) -> Result<Loaded> {
        let front = &src.front;
        let config = self.config;
        let mut errors: Vec<Diagnostic> = Vec::new();
        let mut warnings = src.warnings.clone();
        let date = match to_chrono(front.date.get_ref()) {
            Some(d) => d,
            None => {
                return Err(src
                    .error_at(
                        &front.date,
                        "`date` needs a calendar date, e.g. 2026-03-03 or 2026-03-03T08:00:00Z",
                    )
                    .into())
            }
        };
        if front.title.trim().is_empty() {
            errors.push(
                Diagnostic::error(src.path.clone(), "`title` is empty")
                    .help("give the episode a title"),
            );
        }
        let slug = episode_slug(src).map_err(Error::from)?;
        let scheduled = date.with_timezone(&Utc) > self.options.now;
        if (front.draft || scheduled) && !self.options.include_drafts {
            return Ok(Loaded::HeldBack(HeldBack {
                source: src.path.clone(),
                title: front.title.clone(),
                date,
                draft: front.draft,
                media: front
                    .audio
                    .iter()
                    .chain(&front.alternate_audio)
                    .map(|a| a.get_ref().trim())
                    .filter(|rel| !is_address(rel) && safe_relative_path(rel).is_ok())
                    .map(|rel| config.media_dir(self.root).join(rel))
                    .collect(),
            }));
        }
        let url = format!(
            "{}episodes/{}/",
            config.base_url,
            crate::slug::encode_segment(&slug)
        );
        let audio = match (&front.audio, &front.enclosure) {
            (Some(audio), Some(_)) => {
                errors.push(
                    src.error_at(audio, "this episode has both `audio` and `[enclosure]`")
                        .help("keep `audio` for a file in the media folder, or `[enclosure]` for remote audio, not both"),
                );
                None
            }
            (None, Some(enclosure)) => match recorded_audio(src, enclosure) {
                Ok(audio) => Some(audio),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            (Some(audio), None) => match self.audio(src, audio) {
                Ok((audio, mut w)) => {
                    warnings.append(&mut w);
                    Some(audio)
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            (None, None) => {
                warnings.push(
                    Diagnostic::warning(
                        src.path.clone(),
                        "this episode has no `audio`, so it is left out of the feed",
                    )
                    .help("add `audio = \"file.mp3\"` with a file in the media folder"),
                );
                None
            }
        };
        let image_remote = front
            .image
            .as_ref()
            .is_some_and(|i| crate::config::is_remote_image(i.get_ref()));
        let image_url = match &front.image {
            Some(image) if image_remote => match crate::config::check_image_url(image.get_ref()) {
                Ok(()) if !image.get_ref().trim().contains(char::is_whitespace) => {
                    Some(image.get_ref().trim().to_string())
                }
                Ok(()) => {
                    errors.push(
                        src.error_at(image, "`image`: a remote image's address has no spaces"),
                    );
                    None
                }
                Err(why) => {
                    errors.push(src.error_at(image, format!("`image`: {why}")));
                    None
                }
            },
            Some(image) => match safe_relative_path(image.get_ref()) {
                Ok(()) if self.root.join("static").join(image.get_ref()).is_file() => Some(
                    format!("{}{}", config.base_url, encode_path(image.get_ref())),
                ),
                Ok(()) => {
                    errors.push(src.error_at(
                        image,
                        format!("image file not found: static/{}", image.get_ref()),
                    ));
                    None
                }
                Err(why) => {
                    errors.push(src.error_at(image, format!("`image`: {why}")));
                    None
                }
            },
            None => None,
        };
        let duration = audio.as_ref().map(|a| a.info.duration).unwrap_or(0.0);
        let (chapters, chapters_from_file) = if front.chapters.is_empty() {
            let from_file = audio
                .as_ref()
                .map(|a| chapters_from_audio(&a.info))
                .unwrap_or_default();
            let any = !from_file.is_empty();
            (from_file, any)
        } else {
            (self.front_chapters(src, duration, &mut errors), false)
        };
        for tag in &front.tags {
            if let Some(why) = crate::slug::too_long(&slugify(tag.get_ref())) {
                errors.push(
                    src.error_at(
                        tag,
                        format!(
                            "the web address made from the tag {:?} {why}",
                            shortened(tag.get_ref())
                        ),
                    )
                    .help("shorten the tag"),
                );
            }
        }
        let mut credits = config.credits.clone();
        for credit in &front.credits {
            if let Some(url) = &credit.get_ref().url {
                if let Err(why) = check_link(url) {
                    errors.push(src.error_at(credit, format!("credit link {url:?}: {why}")));
                }
            }
            if let Some(image) = &credit.get_ref().image {
                if let Err(why) = crate::config::check_image_url(image) {
                    errors.push(
                        src.error_at(credit, format!("credit image {image:?} {why}"))
                            .help("write e.g. image = \"https://example.org/people/ada.jpg\""),
                    );
                }
            }
            credits.push(credit.get_ref().clone());
        }
        if !errors.is_empty() {
            return Err(Error::many(errors.into_iter().map(Error::from)));
        }
        let md = RenderOptions {
            trusted_html: true,
            base_url: &config.base_url,
            page_url: &url,
            timestamps: true,
        };
        let listener_md = RenderOptions {
            trusted_html: false,
            ..md
        };
        let mut render_opt = |text: &Option<toml::Spanned<String>>| {
            text.as_ref()
                .filter(|t| !t.get_ref().trim().is_empty())
                .map(|t| {
                    let line = || src.text_line(t);
                    let at = MarkdownAt::Value(&line);
                    render_markdown(t.get_ref(), &listener_md, &src.path, at, &mut warnings)
                })
        };
        let feedback = front
            .feedback
            .iter()
            .map(|f| FeedbackItem {
                from: f.from.clone(),
                via: f.via.clone().filter(|v| !v.trim().is_empty()),
                intro_html: render_opt(&f.intro),
                quote_html: render_opt(&f.quote),
            })
            .collect();
        let render_notes = |warnings: &mut Vec<Diagnostic>| {
            render_markdown(
                &src.body,
                &md,
                &src.path,
                MarkdownAt::Body(src.body_line),
                warnings,
            )
        };
        let notes_html = match self.notes {
            Some(notes) => notes.render(&src.body, &md, &mut warnings, render_notes),
            None => render_notes(&mut warnings),
        };
        let summary = match &front.summary {
            Some(s) if !s.trim().is_empty() => s.trim().to_string(),
            _ => markdown::first_paragraph_text(&src.body),
        };
        let tags = front
            .tags
            .iter()
            .filter_map(|name| {
                let slug = slugify(name.get_ref());
                (!slug.is_empty()).then(|| TagRef {
                    name: name.get_ref().trim().to_string(),
                    slug,
                })
            })
            .collect();
        let (guid, guid_pinned) = match &front.guid {
            Some(g) => (g.get_ref().trim().to_string(), true),
            None => (derived_guid(&slug), false),
        };
        let transcripts = match &audio {
            Some(a) => self.transcripts(a)?,
            None => Vec::new(),
        };
        let mut alternates = Vec::new();
        for rel in &front.alternate_audio {
            if audio.is_none() {
                errors.push(src.error_at(
                    rel,
                    "`alternate_audio` needs the episode's `audio` (the main format) too",
                ));
                continue;
            }
            match self.audio(src, rel) {
                Ok((a, mut w)) => {
                    warnings.append(&mut w);
                    alternates.push(a);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(Error::many(errors.into_iter().map(Error::from)));
        }
        let integrity = if config.feed.integrity && !alternates.is_empty() {
            audio
                .iter()
                .chain(&alternates)
                .map(|a| sri_sha384(&a.path))
                .collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let seconds = audio.as_ref().map(|a| a.info.duration);
        let mut found = extras_problems(front, seconds);
        if let Some(value) = &front.value {
            found.extend(
                crate::value::problems(value, seconds)
                    .into_iter()
                    .map(|mut p| {
                        p.keys.insert(0, "value".into());
                        p
                    }),
            );
        }
        let remote_transcripts = front
            .enclosure
            .as_ref()
            .map(|e| e.get_ref().transcripts.clone())
            .unwrap_or_default();
        for (i, key, message, help) in crate::transcript::remote_problems(&remote_transcripts) {
            found.push(crate::value::Problem {
                keys: vec![
                    "enclosure".into(),
                    "transcripts".into(),
                    i.to_string(),
                    key.into(),
                ],
                message,
                help,
            });
        }
        if !found.is_empty() {
            return Err(Error::many(found.into_iter().map(|p| {
                let keys: Vec<&str> = p.keys.iter().map(String::as_str).collect();
                Error::from(src.error_at_keys(&keys, p.message).help(p.help))
            })));
        }
        let mut episode = Episode {
            source: src.path.clone(),
            notes_html,
            slug,
            url,
            title: front.title.trim().to_string(),
            date,
            number: front.episode.as_ref().map(|n| *n.get_ref()),
            season: front.season,
            episode_type: front.episode_type,
            summary,
            guid,
            guid_pinned,
            guid_permalink: front.guid_permalink,
            explicit: front.explicit.unwrap_or(config.explicit),
            draft: front.draft,
            scheduled,
            audio,
            image_url,
            feedback,
            credits,
            supporters: front
                .supporters
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            chapters,
            chapters_from_file,
            tags,
            transcripts,
            extra: front.extra.clone(),
            extras: EpisodeExtras {
                value: front.value.clone(),
                soundbites: front.soundbites.clone(),
                license: front.license.clone(),
                location: front.location.clone(),
                comments: front.comments_url.as_ref().and_then(|u| {
                    crate::feed_settings::social_protocol(u).map(|p| (u.trim().to_string(), p))
                }),
                integrity,
                alternates,
                remote_transcripts,
                image_remote,
            },
            fingerprint: 0,
        };
        if self.fingerprints {
            episode.fingerprint = crate::fingerprint::Key::of(&episode);
        }
        Ok(Loaded::Included(Arc::new(episode), warnings))
    }

    fn audio(
        &self,
        src: &Source<EpisodeFront>,
        audio: &toml::Spanned<String>,
    ) -> std::result::Result<(EpisodeAudio, Vec<Diagnostic>), Diagnostic> {
        let rel = audio.get_ref().trim();
        let media_dir = self.config.media_dir(self.root);
        if is_address(rel) {
            return Err(src
                .error_at(
                    audio,
                    format!("`audio` = {rel:?} is an address, but `audio` must be a file in the media folder"),
                )
                .help(format!(
                    "put the file in {} and write its name, e.g. audio = \"001-hello.mp3\"; to serve \
                     the audio from another host, keep the file here too and set `[media] base_url` \
                     in podcast.toml, or remove `audio` and record the remote file's facts in an \
                     `[enclosure]` table (url, length, type, duration; see docs/import.md)",
                    display_path(&media_dir)
                )));
        }
        safe_relative_path(rel).map_err(|why| src.error_at(audio, format!("`audio`: {why}")))?;
        let path = media_dir.join(rel);
        if !path.is_file() {
            return Err(src
                .error_at(
                    audio,
                    format!("audio file not found: {}", display_path(&path)),
                )
                .help(format!(
                    "put the file in {} or correct `audio` (it is relative to the media folder)",
                    display_path(&media_dir)
                )));
        }
        if path.is_symlink() && !content::link_stays_inside(&path, self.root) {
            return Err(src.error_at(
                audio,
                "the audio file is a symbolic link that points outside the site",
            ));
        }
        let info = self.cache.get(&path).map_err(|e| {
            src.error_at(
                audio,
                format!(
                    "cannot read the audio file {}: {}",
                    display_path(&path),
                    e.message
                ),
            )
            .help("re-export the file from your audio editor, or replace it")
        })?;
        let warnings = info
            .warnings
            .iter()
            .map(|w| Diagnostic::warning(path.clone(), w.clone()))
            .collect();
        let url = media_url(self.config, rel);
        Ok((
            EpisodeAudio {
                path,
                rel: rel.to_string(),
                url,
                info,
                recorded: false,
            },
            warnings,
        ))
    }

    /// The transcripts beside the audio, one per format, each checked (a
    /// malformed one is an error naming its line). Remote audio has none.
    fn transcripts(&self, audio: &EpisodeAudio) -> Result<Vec<Transcript>> {
        if audio.recorded {
            return Ok(Vec::new());
        }
        let stem = audio
            .rel
            .rsplit_once('.')
            .map_or(audio.rel.as_str(), |(s, _)| s);
        let media_dir = self.config.media_dir(self.root);
        let mut found = Vec::new();
        let mut errors = Vec::new();
        for format in crate::transcript::FORMATS {
            let rel = format!("{stem}.{}", format.ext);
            let path = media_dir.join(&rel);
            if !path.is_file() {
                continue;
            }
            let content_hash = match crate::transcript::check(&path, *format) {
                Ok(hash) => hash,
                Err(d) => {
                    errors.push(Error::from(d));
                    continue;
                }
            };
            found.push(Transcript {
                url: media_url(self.config, &rel),
                rel,
                mime: format.mime,
                captions: format.captions,
                content_hash,
            });
        }
        if errors.is_empty() {
            Ok(found)
        } else {
            Err(Error::many(errors))
        }
    }

    fn front_chapters(
        &self,
        src: &Source<EpisodeFront>,
        duration: f64,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<Chapter> {
        let mut chapters: Vec<Chapter> = Vec::new();
        for spanned in &src.front.chapters {
            let c = spanned.get_ref();
            if duration > 0.0 && c.start.0 > duration {
                errors.push(
                    src.error_at(
                        spanned,
                        format!(
                            "chapter {:?} starts at {}, after the end of the audio ({})",
                            c.title,
                            format_clock(c.start.0),
                            format_clock(duration)
                        ),
                    )
                    .help("correct `start`; it is measured from the beginning of the audio"),
                );
            }
            if let Some(url) = &c.url {
                if let Err(why) = check_link(url) {
                    errors.push(src.error_at(spanned, format!("chapter link {url:?}: {why}")));
                }
            }
            chapters.push(Chapter {
                start: c.start.0,
                end: None,
                title: c.title.trim().to_string(),
                url: c.url.clone(),
            });
        }
        chapters.sort_by(|a, b| a.start.total_cmp(&b.start));
        let ends: Vec<Option<f64>> = chapters
            .iter()
            .skip(1)
            .map(|c| Some(c.start))
            .chain(std::iter::once((duration > 0.0).then_some(duration)))
            .collect();
        for (chapter, end) in chapters.iter_mut().zip(ends) {
            chapter.end = end;
        }
        chapters
    }
}

/// Whether `value` is a web address (`https://…`, `http:…`) rather than a path.
pub(super) fn is_address(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.contains("://") || lower.starts_with("http:") || lower.starts_with("https:")
}

/// Where a piece of Markdown starts in its file.
#[derive(Clone, Copy)]
pub(super) enum MarkdownAt<'a> {
    /// A file's body, from this line: lines and columns are exact.
    Body(usize),
    /// A front matter string whose text starts on the line this tells
    /// (counted only when there is something to say): lines only.
    Value(&'a dyn Fn() -> usize),
}

/// Renders Markdown from `file`; what the renderer took out (links that
/// would run script...) becomes a warning at its line.
pub(super) fn render_markdown(
    text: &str,
    opts: &RenderOptions<'_>,
    file: &Path,
    at: MarkdownAt<'_>,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    let (html, findings) = markdown::render_checked(text, opts);
    let value_line = match at {
        MarkdownAt::Value(line) if !findings.is_empty() => line(),
        _ => 0,
    };
    warnings.extend(findings.into_iter().map(|f| {
        let d = Diagnostic::warning(file.to_path_buf(), f.message).help(
            "link to an https:// address instead (docs/configuration.md, Markdown, says what is taken out)",
        );
        match at {
            MarkdownAt::Body(first) => d.at(first + f.line - 1, f.column),
            MarkdownAt::Value(_) => Diagnostic {
                line: Some(value_line + f.line - 1),
                ..d
            },
        }
    }));
    html
}

/// The public URL of a file in the media folder.
pub fn media_url(config: &Config, rel: &str) -> String {
    match &config.media.base_url {
        Some(base) => format!("{base}{}", encode_path(rel)),
        None => format!("{}media/{}", config.base_url, encode_path(rel)),
    }
}

/// Remote audio from an episode's `[enclosure]` record, checked for what
/// a feed needs (an `http(s)://` URL and a type) and otherwise published
/// as written.
pub(super) fn recorded_audio(
    src: &Source<EpisodeFront>,
    enclosure: &toml::Spanned<crate::content::EnclosureFront>,
) -> std::result::Result<EpisodeAudio, Diagnostic> {
    let e = enclosure.get_ref();
    let url = e.url.trim();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || url.chars().any(char::is_whitespace)
    {
        return Err(src
            .error_at(
                enclosure,
                format!("`[enclosure]` url = {url:?} is not an http(s):// address"),
            )
            .help("write the audio's full public address, as the published feed had it"));
    }
    if e.mime.trim().is_empty() {
        return Err(src
            .error_at(enclosure, "`[enclosure]` type is empty")
            .help("write the audio's MIME type, e.g. type = \"audio/mpeg\""));
    }
    Ok(EpisodeAudio {
        path: PathBuf::new(),
        rel: String::new(),
        url: url.to_string(),
        info: AudioInfo {
            size: e.length,
            mime: e.mime.trim().to_string(),
            duration: e.duration.map_or(0.0, |d| d.0),
            tags: Default::default(),
            chapters: Vec::new(),
            warnings: Vec::new(),
        },
        recorded: true,
    })
}

/// The chapters in the audio file's tags. Their text comes from the file,
/// not from podsmith's text loading: control characters are removed here.
pub(super) fn chapters_from_audio(info: &AudioInfo) -> Vec<Chapter> {
    let text = |t: &str| content::strip_controls(t).0.into_owned();
    info.chapters
        .iter()
        .enumerate()
        .map(|(i, c)| Chapter {
            start: c.start,
            end: c.end,
            title: c
                .title
                .as_deref()
                .map(text)
                .unwrap_or_else(|| format!("Chapter {}", i + 1)),
            url: c.url.as_deref().map(text).filter(|u| check_link(u).is_ok()),
        })
        .collect()
}

pub(super) fn episode_slug(src: &Source<EpisodeFront>) -> std::result::Result<String, Diagnostic> {
    match &src.front.slug {
        Some(slug) => {
            let clean = slugify(slug.get_ref());
            if clean.is_empty() {
                Err(src
                    .error_at(slug, "`slug` has no letter or digit")
                    .help("use words such as \"my-episode\""))
            } else if let Some(why) = crate::slug::too_long(&clean) {
                Err(src
                    .error_at(slug, format!("the web address made from `slug` {why}"))
                    .help("shorten `slug`"))
            } else {
                Ok(clean)
            }
        }
        None => {
            let clean = slugify(&src.stem());
            if clean.is_empty() {
                Err(Diagnostic::error(
                    src.path.clone(),
                    "cannot make a web address from this file name",
                )
                .help("rename the file with letters or digits, or set `slug`"))
            } else if let Some(why) = crate::slug::too_long(&clean) {
                Err(Diagnostic::error(
                    src.path.clone(),
                    format!("the web address (slug) made from this file name {why}"),
                )
                .help("shorten the file name, or set a shorter `slug = \"...\"`"))
            } else {
                Ok(clean)
            }
        }
    }
}

/// The first characters of a long text, for a message.
pub(super) fn shortened(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Converts a TOML date or date-time to a date-time; a date alone is
/// midnight UTC, a local date-time is taken as UTC.
pub(super) fn to_chrono(value: &toml::value::Datetime) -> Option<DateTime<FixedOffset>> {
    let d = value.date?;
    let date = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())?;
    let time = match value.time {
        Some(t) => NaiveTime::from_hms_nano_opt(
            t.hour.into(),
            t.minute.into(),
            t.second.unwrap_or(0).into(),
            t.nanosecond.unwrap_or(0),
        )?,
        None => NaiveTime::MIN,
    };
    let offset_minutes = match value.offset {
        Some(toml::value::Offset::Custom { minutes }) => i32::from(minutes),
        _ => 0,
    };
    let offset = FixedOffset::east_opt(offset_minutes * 60)?;
    date.and_time(time).and_local_timezone(offset).single()
}

/// The Subresource Integrity hash of a file: `sha384-` and the base64 of
/// its SHA-384 digest (`podcast:integrity type="sri"`).
pub(super) fn sri_sha384(path: &Path) -> Result<String> {
    use base64::Engine;
    use sha2::Digest;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, "read", e))?;
    let mut hasher = sha2::Sha384::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, "read", e))?;
    Ok(format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(hasher.finalize())
    ))
}

/// Problems of an episode's Podcasting 2.0 keys (soundbites, license,
/// location, comments_url); `seconds` is the audio's length when known.
pub(super) fn extras_problems(
    front: &EpisodeFront,
    seconds: Option<f64>,
) -> Vec<crate::value::Problem> {
    use crate::value::Problem;
    let mut out = Vec::new();
    for (i, s) in front.soundbites.iter().enumerate() {
        let at = |k: &str| vec!["soundbites".to_string(), i.to_string(), k.to_string()];
        let n = i + 1;
        out.extend(crate::value::stretch_problems(
            &format!("soundbite {n}"),
            &at,
            (s.start, s.duration),
            seconds,
            (
                "seconds from the start of the audio, e.g. start = 73.5",
                "its length in seconds; 15 to 120 suit apps best",
            ),
        ));
        if s.title.as_ref().is_some_and(|t| t.chars().count() > 128) {
            out.push(Problem {
                keys: at("title"),
                message: format!("soundbite {n}: `title` is longer than 128 characters"),
                help: "shorten it",
            });
        }
    }
    if let Some(l) = &front.license {
        out.extend(crate::feed_settings::license_problems(l, &["license"]));
    }
    if let Some(l) = &front.location {
        out.extend(crate::feed_settings::location_problems(l, &["location"]));
    }
    if let Some(url) = &front.comments_url {
        if crate::feed_settings::social_protocol(url).is_none() {
            out.push(Problem {
                keys: vec!["comments_url".into()],
                message: format!(
                    "`comments_url` = {url:?} is not a post podsmith knows how to link (podcast:socialInteract)"
                ),
                help: "link the post on an ActivityPub server (Mastodon: https://host/@you/123…) or on Bluesky (https://bsky.app/profile/…/post/…)",
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert() {
        let d: toml::value::Datetime = "2026-03-03".parse().unwrap();
        assert_eq!(
            to_chrono(&d).unwrap().to_rfc3339(),
            "2026-03-03T00:00:00+00:00"
        );
        let d: toml::value::Datetime = "2026-03-03T08:30:00+02:00".parse().unwrap();
        assert_eq!(
            to_chrono(&d).unwrap().to_rfc3339(),
            "2026-03-03T08:30:00+02:00"
        );
        let d: toml::value::Datetime = "08:30:00".parse().unwrap();
        assert!(to_chrono(&d).is_none());
    }
}
