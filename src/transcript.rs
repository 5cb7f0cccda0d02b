//! Transcript files beside an episode's audio, in every format podcast apps
//! take (`podcast:transcript`): WebVTT (`.vtt`), SubRip (`.srt`), the
//! Podcasting 2.0 JSON transcript (`.json`) and HTML (`.html`). Each is
//! checked when the site is loaded; a malformed one is an error naming the
//! file, line and column.

use crate::error::Diagnostic;
use serde::Deserialize;
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

/// Checks the transcript at `path` in format `format`; `Err` names the
/// file, line and column of the first problem and says what to do.
pub fn check(path: &Path, format: Format) -> Result<(), Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            path.to_path_buf(),
            format!("cannot read the transcript: {e}"),
        )
    })?;
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
    let problem = match format.ext {
        "vtt" => check_vtt(text),
        "srt" => check_srt(text),
        "json" => check_json(text),
        _ => check_html(text),
    };
    problem.map_err(|(line, column, message, help)| {
        Diagnostic::error(path.to_path_buf(), message)
            .at(line, column)
            .help(help)
    })
}

type Problem = (usize, usize, String, &'static str);

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

/// A cue timing line `START --> END [settings]`, checked.
fn timing(line: &str, sep: char, hours_needed: bool) -> Result<(), String> {
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
    Ok(())
}

fn check_vtt(text: &str) -> Result<(), Problem> {
    let first = text.lines().next().unwrap_or("");
    if !(first == "WEBVTT" || first.starts_with("WEBVTT ") || first.starts_with("WEBVTT\t")) {
        return Err((
            1,
            1,
            "a WebVTT transcript must start with the line `WEBVTT`".into(),
            "add `WEBVTT` and an empty line at the top",
        ));
    }
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.contains("-->") {
            timing(line, '.', false).map_err(|m| {
                (
                    i + 1,
                    1,
                    m,
                    "write cue timings as HH:MM:SS.mmm --> HH:MM:SS.mmm (or MM:SS.mmm)",
                )
            })?;
        }
    }
    Ok(())
}

fn check_srt(text: &str) -> Result<(), Problem> {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut cues = 0;
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
        timing(time, ',', true).map_err(|m| {
            (
                i + 2,
                1,
                m,
                "SubRip timings use a comma: 00:00:01,000 --> 00:00:04,000",
            )
        })?;
        cues += 1;
        i += 2;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
    }
    if cues == 0 {
        return Err((
            1,
            1,
            "the SubRip transcript has no cues".into(),
            "add cues, or remove the file",
        ));
    }
    Ok(())
}

/// The Podcasting 2.0 JSON transcript: `{"version": "1.0.0", "segments":
/// [{"speaker": "…", "startTime": 0.5, "endTime": 2.0, "body": "…"}]}`.
#[derive(Deserialize)]
#[allow(dead_code)]
struct JsonTranscript {
    version: String,
    segments: Vec<JsonSegment>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct JsonSegment {
    #[serde(default)]
    speaker: Option<String>,
    #[serde(rename = "startTime")]
    start_time: f64,
    #[serde(rename = "endTime")]
    end_time: f64,
    body: String,
}

fn check_json(text: &str) -> Result<(), Problem> {
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
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(check_vtt("WEBVTT\n\n00:00.000 --> 00:02.000\nHi.\n").is_ok());
        let e = check_vtt("WEBVTT\n\n00:00.000 -> 00:02.000\nHi.\n\n00:0x.000 --> 00:02.000\n")
            .unwrap_err();
        assert_eq!(e.0, 6);
        assert_eq!(check_vtt("Hello\n").unwrap_err().0, 1);
        assert!(check_srt(
            "1\n00:00:00,000 --> 00:00:02,000\nHi.\n\n2\n00:00:02,000 --> 00:00:03,000\nYo.\n"
        )
        .is_ok());
        let e = check_srt(
            "1\n00:00:00,000 --> 00:00:02,000\nHi.\n\n2\n00:00:02.000 --> 00:00:03,000\n",
        )
        .unwrap_err();
        assert_eq!(e.0, 6);
        assert!(check_json(
            r#"{"version":"1.0.0","segments":[{"startTime":0,"endTime":1.5,"body":"Hi"}]}"#
        )
        .is_ok());
        let e = check_json(
            "{\"version\":\"1.0.0\",\n\"segments\":[{\"startTime\":0,\n\"body\":\"Hi\"}]}",
        )
        .unwrap_err();
        assert_eq!(e.0, 3, "{e:?}");
        let e = check_json("{\"version\":\"1.0.0\",\"segments\":[\n{\"startTime\":4,\"endTime\":1,\"body\":\"x\"}]}")
            .unwrap_err();
        assert_eq!(e.0, 2, "{e:?}");
        assert!(check_html("<p>Hi</p>").is_ok());
        assert!(check_html("  ").is_err());
    }
}
