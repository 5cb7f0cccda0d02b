//! `podsmith new`: a new episode file, and the file naming and TOML quoting `import` shares.

use super::RootArg;
use crate::content::{self, EpisodeFront, CONTENT_DIR, EPISODES_DIR};
use crate::error::{display_path, Diagnostic, Error, Result};
use clap::Args;
use std::path::{Path, PathBuf};

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
