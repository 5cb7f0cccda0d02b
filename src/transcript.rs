//! Transcript files beside an episode's audio, in every format podcast apps
//! take (`podcast:transcript`): WebVTT (`.vtt`), SubRip (`.srt`), the
//! Podcasting 2.0 JSON transcript (`.json`) and HTML (`.html`).
//!
//! One parser per format serves both purposes: when the site is loaded each
//! file is checked (a malformed one is an error naming the file, line and
//! column), and when pages are rendered the displayable formats (VTT, SRT,
//! JSON) are read into cues with their speakers for the episode page, its
//! transcript page and the search index ([`read`], [`displayed`]).

use crate::error::Diagnostic;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A transcript format: file extension, MIME type (`type`), and whether it
/// is timed captions (`rel="captions"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Format {
    pub ext: &'static str,
    pub mime: &'static str,
    pub captions: bool,
}

/// The formats, in the order they are listed in the feed (the first found
/// is the one the episode page links).
pub const FORMATS: &[Format] = &[
    Format {
        ext: "vtt",
        mime: "text/vtt",
        captions: true,
    },
    Format {
        ext: "srt",
        mime: "application/x-subrip",
        captions: true,
    },
    Format {
        ext: "json",
        mime: "application/json",
        captions: true,
    },
    Format {
        ext: "html",
        mime: "text/html",
        captions: false,
    },
];

/// One cue: when it is said, by whom (VTT `<v Name>`, SRT `Name:`, JSON
/// `speaker`), and its text without markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cue {
    pub start: f64,
    pub end: f64,
    pub speaker: Option<String>,
    pub text: String,
}

/// The formats whose cues the pages show, best first.
pub const DISPLAYED: &[&str] = &["vtt", "srt", "json"];

/// The format of a transcript file beside the audio, by its MIME type.
pub fn format_of_file(t: &crate::site::Transcript) -> Format {
    FORMATS
        .iter()
        .find(|f| f.mime == t.mime)
        .copied()
        .unwrap_or(FORMATS[FORMATS.len() - 1])
}

/// The transcript the pages show: the best displayable one of the files
/// beside the audio (VTT, else SRT, else JSON); `None` when there is none
/// (an HTML transcript or a remote one is linked, not shown).
pub fn displayed(list: &[crate::site::Transcript]) -> Option<&crate::site::Transcript> {
    DISPLAYED
        .iter()
        .find_map(|ext| list.iter().find(|t| format_of_file(t).ext == *ext))
}

/// Checks the transcript at `path` in format `format`; `Err` names the
/// file, line and column of the first problem and says what to do. `Ok` is
/// a hash of the file's bytes (pages that show the transcript change with
/// it: its cues are read when they are rendered, not kept).
pub fn check(path: &Path, format: Format) -> Result<u64, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            path.to_path_buf(),
            format!("cannot read the transcript: {e}"),
        )
    })?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::error::line_col(
            &String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]),
            e.utf8_error().valid_up_to(),
        );
        Diagnostic::error(path.to_path_buf(), "the transcript is not UTF-8 text")
            .at(line, column)
            .help("save it as UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    parse(text, format).map_err(|(line, column, message, help)| {
        Diagnostic::error(path.to_path_buf(), message)
            .at(line, column)
            .help(help)
    })?;
    Ok(hash)
}

/// The cues of the (checked) transcript at `path` in format `format`; none
/// when the file cannot be read or is HTML.
pub fn read(path: &Path, format: Format) -> Vec<Cue> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = crate::content::strip_controls(text.trim_start_matches('\u{feff}')).0;
    parse(&text, format).unwrap_or_default()
}

/// The one parser of each format: the cues, or the first problem.
fn parse(text: &str, format: Format) -> Result<Vec<Cue>, Problem> {
    match format.ext {
        "vtt" => parse_vtt(text),
        "srt" => parse_srt(text),
        "json" => parse_json(text),
        _ => check_html(text).map(|()| Vec::new()),
    }
}

type Problem = (usize, usize, String, &'static str);
/// `[[enclosure.transcripts]]`: a transcript of remote audio, on another
/// host, published as recorded (`podcast:transcript`), never fetched.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct RemoteTranscript {
    /// Its public `http(s)://` address.
    pub url: String,
    /// Its MIME type, e.g. `text/vtt`.
    #[serde(rename = "type")]
    pub mime: String,
    /// Its language, e.g. `en` (left out of the feed when not given).
    #[serde(default)]
    pub language: Option<String>,
    /// `captions` for timed captions.
    #[serde(default)]
    pub rel: Option<String>,
}

/// The problems of recorded remote transcripts: the key (index, field
/// name), what is wrong and what to do.
pub fn remote_problems(
    list: &[RemoteTranscript],
) -> Vec<(usize, &'static str, String, &'static str)> {
    let mut out = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let url = t.url.trim();
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://"))
            || url.chars().any(char::is_whitespace)
        {
            out.push((
                i,
                "url",
                format!(
                    "transcript {}: url = {url:?} is not an http(s):// address",
                    i + 1
                ),
                "write the transcript's full public address",
            ));
        }
        let mime = t.mime.trim();
        if mime.is_empty() || !mime.contains('/') || mime.chars().any(char::is_whitespace) {
            out.push((
                i,
                "type",
                format!("transcript {}: type = {mime:?} is not a MIME type", i + 1),
                "write its MIME type, e.g. type = \"text/vtt\" or \"application/x-subrip\"",
            ));
        }
        if t.rel.as_deref().is_some_and(|r| r.trim() != "captions") {
            out.push((
                i,
                "rel",
                format!(
                    "transcript {}: rel = {:?} is not \"captions\"",
                    i + 1,
                    t.rel.as_deref().unwrap_or("")
                ),
                "write rel = \"captions\" for timed captions, or leave rel out",
            ));
        }
        if t.language.as_deref().is_some_and(|l| {
            let l = l.trim();
            l.is_empty() || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        }) {
            out.push((
                i,
                "language",
                format!(
                    "transcript {}: language = {:?} is not a language code",
                    i + 1,
                    t.language.as_deref().unwrap_or("")
                ),
                "write a code such as \"en\" or \"de-AT\", or leave language out",
            ));
        }
    }
    out
}

/// The transcript format of a MIME type or, failing that, of an
/// address's file name; `None` when podsmith cannot publish it beside the
/// audio (e.g. `text/plain`).
pub fn format_of(mime: &str, url: &str) -> Option<Format> {
    let mime = mime.trim().to_ascii_lowercase();
    let mime = mime.split(';').next().unwrap_or("").trim();
    let alias = match mime {
        "text/srt" | "application/srt" | "text/x-subrip" => "application/x-subrip",
        "application/json+transcript" => "application/json",
        m => m,
    };
    if let Some(f) = FORMATS.iter().find(|f| f.mime == alias) {
        return Some(*f);
    }
    if !mime.is_empty() {
        return None;
    }
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    FORMATS.iter().find(|f| f.ext == ext).copied()
}

/// `H:MM:SS.mmm` or `MM:SS.mmm` (`sep` is `.` for WebVTT, `,` for SubRip).
fn timestamp(text: &str, sep: char, hours_needed: bool) -> Option<f64> {
    let (clock, millis) = text.trim().split_once(sep)?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, s) = match parts.as_slice() {
        [h, m, s] => (*h, *m, *s),
        [m, s] if !hours_needed => ("0", *m, *s),
        _ => return None,
    };
    let num = |t: &str| {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u64>().ok())
            .flatten()
    };
    let (h, m, s, ms) = (num(h)?, num(m)?, num(s)?, num(millis)?);
    if m > 59 || s > 59 || m.to_string().len() > 2 && parts.len() == 3 {
        return None;
    }
    Some((h * 3600 + m * 60 + s) as f64 + ms as f64 / 1000.0)
}

/// A cue timing line `START --> END [settings]`: its start and end.
fn timing(line: &str, sep: char, hours_needed: bool) -> Result<(f64, f64), String> {
    let (start, rest) = line
        .split_once("-->")
        .ok_or_else(|| "a cue timing needs `-->`".to_string())?;
    let end = rest.split_whitespace().next().unwrap_or("");
    let example = if sep == '.' {
        "00:01:02.500 --> 00:01:05.000"
    } else {
        "00:01:02,500 --> 00:01:05,000"
    };
    let (Some(a), Some(b)) = (
        timestamp(start, sep, hours_needed),
        timestamp(end, sep, hours_needed),
    ) else {
        return Err(format!(
            "{:?} is not a cue timing like {example}",
            line.trim()
        ));
    };
    if b < a {
        return Err(format!("the cue {:?} ends before it starts", line.trim()));
    }
    Ok((a, b))
}

/// A cue from its timing and its text lines (VTT and SRT): tags stripped,
/// the speaker from `<v Name>` or, failing that, SRT's convention of
/// "Name: words" at the start; `None` when it has no text.
fn cue(start: f64, end: f64, lines: &[&str]) -> Option<Cue> {
    let mut speaker = None;
    let mut words = Vec::new();
    for line in lines {
        let (who, said) = strip_tags(line);
        if speaker.is_none() {
            speaker = who;
        }
        if !said.trim().is_empty() {
            words.push(said.trim().to_string());
        }
    }
    let mut text = words.join(" ");
    if speaker.is_none() {
        if let Some((who, said)) = text.split_once(": ") {
            if !who.is_empty()
                && who.len() <= 40
                && who.split_whitespace().count() <= 4
                && who.chars().next().is_some_and(char::is_uppercase)
            {
                speaker = Some(who.to_string());
                text = said.to_string();
            }
        }
    }
    (!text.is_empty()).then(|| Cue {
        start,
        end,
        speaker,
        text: decode_entities(&text),
    })
}

/// A cue line without its tags (`<v Name>`, `<i>`, `<c.x>`, timestamps),
/// and the voice's name if it has one.
fn strip_tags(line: &str) -> (Option<String>, String) {
    let mut speaker = None;
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        if let Some(name) = tag.strip_prefix('v').filter(|t| t.starts_with([' ', '.'])) {
            // `<v.loud Name>`: classes, then the name.
            let name = name.split_once(' ').map_or("", |(_, n)| n).trim();
            if !name.is_empty() && speaker.is_none() {
                speaker = Some(decode_entities(name));
            }
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    (speaker, out)
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// WebVTT: the `WEBVTT` line, then blocks; every line with `-->` is a cue
/// timing (checked), and the lines under it up to an empty line are the
/// cue's text. Other blocks (`NOTE`, `STYLE`, `REGION`) are skipped.
fn parse_vtt(text: &str) -> Result<Vec<Cue>, Problem> {
    let first = text.lines().next().unwrap_or("");
    if !(first == "WEBVTT" || first.starts_with("WEBVTT ") || first.starts_with("WEBVTT\t")) {
        return Err((
            1,
            1,
            "a WebVTT transcript must start with the line `WEBVTT`".into(),
            "add `WEBVTT` and an empty line at the top",
        ));
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut cues = Vec::new();
    let mut i = 1;
    while i < lines.len() {
        if !lines[i].contains("-->") {
            i += 1;
            continue;
        }
        let (start, end) = timing(lines[i], '.', false).map_err(|m| {
            (
                i + 1,
                1,
                m,
                "write cue timings as HH:MM:SS.mmm --> HH:MM:SS.mmm (or MM:SS.mmm)",
            )
        })?;
        i += 1;
        let from = i;
        while i < lines.len() && !lines[i].trim().is_empty() && !lines[i].contains("-->") {
            i += 1;
        }
        cues.extend(cue(start, end, &lines[from..i]));
    }
    Ok(cues)
}

/// SubRip: blocks of a cue number, a timing line (with a comma before the
/// milliseconds) and the text up to an empty line.
fn parse_srt(text: &str) -> Result<Vec<Cue>, Problem> {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut count = 0;
    let mut cues = Vec::new();
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        // A cue: its number, its timing, then text up to an empty line.
        if lines[i].trim().parse::<u64>().is_err() {
            return Err((
                i + 1,
                1,
                format!("{:?} is not a cue number", lines[i].trim()),
                "each SubRip cue starts with its number on a line of its own",
            ));
        }
        let Some(time) = lines.get(i + 1) else {
            return Err((
                i + 1,
                1,
                "the cue has no timing line".into(),
                "put HH:MM:SS,mmm --> HH:MM:SS,mmm under the cue number",
            ));
        };
        let (start, end) = timing(time, ',', true).map_err(|m| {
            (
                i + 2,
                1,
                m,
                "SubRip timings use a comma: 00:00:01,000 --> 00:00:04,000",
            )
        })?;
        count += 1;
        i += 2;
        let from = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        cues.extend(cue(start, end, &lines[from..i]));
    }
    if count == 0 {
        return Err((
            1,
            1,
            "the SubRip transcript has no cues".into(),
            "add cues, or remove the file",
        ));
    }
    Ok(cues)
}

/// The Podcasting 2.0 JSON transcript: `{"version": "1.0.0", "segments":
/// [{"speaker": "…", "startTime": 0.5, "endTime": 2.0, "body": "…"}]}`.
#[derive(Deserialize)]
struct JsonTranscript {
    #[allow(dead_code)]
    version: String,
    segments: Vec<JsonSegment>,
}

#[derive(Deserialize)]
struct JsonSegment {
    #[serde(default)]
    speaker: Option<String>,
    #[serde(rename = "startTime")]
    start_time: f64,
    #[serde(rename = "endTime")]
    end_time: f64,
    body: String,
}

/// JSON segments as cues (those with an empty body left out).
fn parse_json(text: &str) -> Result<Vec<Cue>, Problem> {
    let doc: JsonTranscript = serde_json::from_str(text).map_err(|e| {
        (
            e.line().max(1),
            e.column().max(1),
            format!("not a Podcasting 2.0 JSON transcript: {e}"),
            "it needs \"version\" and \"segments\", each segment with \"startTime\", \"endTime\" (seconds) and \"body\"",
        )
    })?;
    for (n, s) in doc.segments.iter().enumerate() {
        if !(s.start_time >= 0.0 && s.end_time >= s.start_time) {
            // serde_json keeps no places after parsing: find the segment's
            // startTime in the text for a line.
            let at = text
                .match_indices("\"startTime\"")
                .nth(n)
                .map_or((1, 1), |(i, _)| crate::error::line_col(text, i));
            return Err((
                at.0,
                at.1,
                format!(
                    "segment {} ends ({}) before it starts ({})",
                    n + 1,
                    s.end_time,
                    s.start_time
                ),
                "correct startTime or endTime (seconds)",
            ));
        }
    }
    Ok(doc
        .segments
        .into_iter()
        .filter(|s| s.start_time.is_finite() && !s.body.trim().is_empty())
        .map(|s| Cue {
            start: s.start_time,
            end: s.end_time,
            speaker: s.speaker.filter(|n| !n.trim().is_empty()),
            text: s.body.trim().to_string(),
        })
        .collect())
}

fn check_html(text: &str) -> Result<(), Problem> {
    if text.trim().is_empty() {
        return Err((
            1,
            1,
            "the HTML transcript is empty".into(),
            "write the transcript, or remove the file",
        ));
    }
    if !text.contains('<') {
        return Err((
            1,
            1,
            "the HTML transcript has no HTML tags".into(),
            "mark it up (e.g. <p> per speaker turn), or save it as .vtt or .srt",
        ));
    }
    Ok(())
}

/// Cues grouped into paragraphs: a new one where the speaker changes, after
/// a pause of 4 s or more, or after about 600 characters.
pub fn paragraphs(cues: &[Cue]) -> Vec<&[Cue]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut length = 0;
    for i in 0..cues.len() {
        if i > start {
            let (prev, cue) = (&cues[i - 1], &cues[i]);
            let new_speaker = cue.speaker.is_some() && cue.speaker != prev.speaker;
            if new_speaker || cue.start - prev.end >= 4.0 || length >= 600 {
                out.push(&cues[start..i]);
                start = i;
                length = 0;
            }
        }
        length += cues[i].text.len();
    }
    if start < cues.len() {
        out.push(&cues[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vtt(text: &str) -> Result<Vec<Cue>, Problem> {
        parse_vtt(text)
    }
    fn srt(text: &str) -> Result<Vec<Cue>, Problem> {
        parse_srt(text)
    }
    fn json(text: &str) -> Result<Vec<Cue>, Problem> {
        parse_json(text)
    }

    #[test]
    fn formats_of_types_and_names() {
        let ext = |m: &str, u: &str| format_of(m, u).map(|f| f.ext);
        assert_eq!(ext("text/vtt", "https://a/t"), Some("vtt"));
        assert_eq!(ext("application/srt", "https://a/t.vtt"), Some("srt"));
        assert_eq!(ext("text/html; charset=utf-8", "x"), Some("html"));
        assert_eq!(ext("", "https://a/t.JSON?x=1"), Some("json"));
        assert_eq!(ext("text/plain", "https://a/t.vtt"), None);
        assert_eq!(ext("", "https://a/t.txt"), None);
    }

    #[test]
    fn remote_transcripts_are_checked() {
        let t =
            |url: &str, mime: &str, language: Option<&str>, rel: Option<&str>| RemoteTranscript {
                url: url.into(),
                mime: mime.into(),
                language: language.map(Into::into),
                rel: rel.map(Into::into),
            };
        let list = [
            t(
                "https://a/t.vtt",
                "text/vtt",
                Some("de-AT"),
                Some("captions"),
            ),
            t("ftp://a/t.vtt", "text vtt", Some("e n"), Some("chapters")),
        ];
        let keys: Vec<(usize, &str)> = remote_problems(&list).iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(keys, [(1, "url"), (1, "type"), (1, "rel"), (1, "language")]);
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("00:01:02.500", '.', false), Some(62.5));
        assert_eq!(timestamp("01:02.500", '.', false), Some(62.5));
        assert_eq!(timestamp("01:02.500", '.', true), None);
        assert_eq!(timestamp("00:00:01,000", ',', true), Some(1.0));
        assert_eq!(timestamp("00:61:00.000", '.', false), None);
        assert_eq!(timestamp("1:2:3", '.', false), None);
    }

    #[test]
    fn formats_are_checked_with_lines() {
        assert!(vtt("WEBVTT\n\n00:00.000 --> 00:02.000\nHi.\n").is_ok());
        let e =
            vtt("WEBVTT\n\n00:00.000 -> 00:02.000\nHi.\n\n00:0x.000 --> 00:02.000\n").unwrap_err();
        assert_eq!(e.0, 6);
        assert_eq!(vtt("Hello\n").unwrap_err().0, 1);
        assert!(srt(
            "1\n00:00:00,000 --> 00:00:02,000\nHi.\n\n2\n00:00:02,000 --> 00:00:03,000\nYo.\n"
        )
        .is_ok());
        let e = srt("1\n00:00:00,000 --> 00:00:02,000\nHi.\n\n2\n00:00:02.000 --> 00:00:03,000\n")
            .unwrap_err();
        assert_eq!(e.0, 6);
        assert!(json(
            r#"{"version":"1.0.0","segments":[{"startTime":0,"endTime":1.5,"body":"Hi"}]}"#
        )
        .is_ok());
        let e =
            json("{\"version\":\"1.0.0\",\n\"segments\":[{\"startTime\":0,\n\"body\":\"Hi\"}]}")
                .unwrap_err();
        assert_eq!(e.0, 3, "{e:?}");
        let e = json("{\"version\":\"1.0.0\",\"segments\":[\n{\"startTime\":4,\"endTime\":1,\"body\":\"x\"}]}")
            .unwrap_err();
        assert_eq!(e.0, 2, "{e:?}");
        assert!(check_html("<p>Hi</p>").is_ok());
        assert!(check_html("  ").is_err());
    }

    #[test]
    fn vtt_with_voices() {
        let cues = parse_vtt("WEBVTT\n\nNOTE a comment\n\n1\n00:00:01.000 --> 00:00:04.500 align:start\n<v.loud Noor Halvorsen>Hello &amp; <i>welcome</i>.\n\n00:04.500 --> 00:06.000\n<v Tomasz>Thanks.</v>\n\n00:06.000 --> 00:07.000\nStill Tomasz.\n").unwrap();
        assert_eq!(cues.len(), 3);
        assert_eq!(cues[0].start, 1.0);
        assert_eq!(cues[0].end, 4.5);
        assert_eq!(cues[0].speaker.as_deref(), Some("Noor Halvorsen"));
        assert_eq!(cues[0].text, "Hello & welcome.");
        assert_eq!(cues[1].speaker.as_deref(), Some("Tomasz"));
        assert_eq!(cues[2].speaker, None);
        let paras = paragraphs(&cues);
        assert_eq!(paras.len(), 2);
        assert_eq!(paras[1].len(), 2);
    }

    #[test]
    fn srt_and_json() {
        let cues = parse_srt("1\r\n00:00:01,000 --> 00:00:02,000\r\nAda: Hi there\r\nsecond line\r\n\r\n2\r\n00:00:02,500 --> 00:00:03,000\r\nplain: lower-case is not a name\r\n").unwrap();
        assert_eq!(cues[0].speaker.as_deref(), Some("Ada"));
        assert_eq!(cues[0].text, "Hi there second line");
        assert_eq!(cues[1].speaker, None);
        let cues = parse_json(
            r#"{"version":"1.0.0","segments":[{"speaker":"Ada","startTime":0.5,"endTime":1.5,"body":"Hi"},{"startTime":2,"endTime":2,"body":" "}]}"#,
        )
        .unwrap();
        assert_eq!(
            cues,
            [Cue {
                start: 0.5,
                end: 1.5,
                speaker: Some("Ada".into()),
                text: "Hi".into()
            }]
        );
        assert!(parse_json("not json").is_err());
        assert!(parse_vtt("WEBVTT\n\nbroken --> cue\ntext\n").is_err());
        // HTML is checked, never shown.
        assert_eq!(parse("<p>Hi</p>", FORMATS[3]), Ok(Vec::new()));
    }
}
