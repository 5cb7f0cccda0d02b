//! Transcripts beside the audio (`.vtt`, `.srt`, or Podcasting 2.0 JSON),
//! read into cues for the episode page, its transcript page and the search
//! index. Reading is lenient: a block that cannot be read is skipped, and a
//! file with no readable cue gives none (the page then only links the file).

use serde::Serialize;
use std::path::Path;

/// One cue: when it is said, by whom (VTT `<v Name>`, SRT `Name:`, JSON
/// `speaker`), and its text without markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cue {
    pub start: f64,
    pub end: f64,
    pub speaker: Option<String>,
    pub text: String,
}

/// The cues of the transcript at `path`, by its extension; none when the
/// file cannot be read.
pub fn read(path: &Path) -> Vec<Cue> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = crate::content::strip_controls(text.trim_start_matches('\u{feff}')).0;
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => parse_json(&text),
        _ => parse_cues(&text),
    }
}

/// `00:01:02.500`, `01:02.500` or `00:01:02,500` (SRT) in seconds.
fn timestamp(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut total = 0.0;
    for p in &parts {
        let n: f64 = p.parse().ok()?;
        if !n.is_finite() || n < 0.0 {
            return None;
        }
        total = total * 60.0 + n;
    }
    Some(total)
}

/// VTT and SRT: blocks separated by blank lines, each with a
/// `START --> END` line and the text after it.
fn parse_cues(text: &str) -> Vec<Cue> {
    let mut cues = Vec::new();
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    for block in normalized.split("\n\n") {
        let mut lines = block.lines().skip_while(|l| !l.contains("-->"));
        let Some(timing) = lines.next() else { continue };
        let (start, rest) = timing.split_once("-->").unwrap_or((timing, ""));
        let end = rest.split_whitespace().next().unwrap_or("");
        let (Some(start), Some(end)) = (timestamp(start), timestamp(end)) else {
            continue;
        };
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
        // SRT's convention: "Name: words" at the start of a cue.
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
        if !text.is_empty() {
            cues.push(Cue {
                start,
                end,
                speaker,
                text: decode_entities(&text),
            });
        }
    }
    cues
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

/// Podcasting 2.0 JSON transcripts: `{"segments": [{"speaker", "startTime",
/// "endTime", "body"}]}`.
fn parse_json(text: &str) -> Vec<Cue> {
    #[derive(serde::Deserialize)]
    struct Doc {
        #[serde(default)]
        segments: Vec<Segment>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Segment {
        #[serde(default)]
        speaker: Option<String>,
        start_time: f64,
        #[serde(default)]
        end_time: Option<f64>,
        #[serde(default)]
        body: String,
    }
    let Ok(doc) = serde_json::from_str::<Doc>(text) else {
        return Vec::new();
    };
    doc.segments
        .into_iter()
        .filter(|s| s.start_time.is_finite() && s.start_time >= 0.0 && !s.body.trim().is_empty())
        .map(|s| Cue {
            start: s.start_time,
            end: s.end_time.unwrap_or(s.start_time),
            speaker: s.speaker.filter(|n| !n.trim().is_empty()),
            text: s.body.trim().to_string(),
        })
        .collect()
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

    #[test]
    fn vtt_with_voices() {
        let cues = parse_cues("WEBVTT\n\nNOTE a comment\n\n1\n00:00:01.000 --> 00:00:04.500 align:start\n<v.loud Noor Halvorsen>Hello &amp; <i>welcome</i>.\n\n00:04.500 --> 00:06.000\n<v Tomasz>Thanks.</v>\n\n00:06.000 --> 00:07.000\nStill Tomasz.\n");
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
        let cues = parse_cues("1\r\n00:00:01,000 --> 00:00:02,000\r\nAda: Hi there\r\nsecond line\r\n\r\n2\r\n00:00:02,500 --> 00:00:03,000\r\nplain: lower-case is not a name\r\n");
        assert_eq!(cues[0].speaker.as_deref(), Some("Ada"));
        assert_eq!(cues[0].text, "Hi there second line");
        assert_eq!(cues[1].speaker, None);
        let cues = parse_json(
            r#"{"version":"1.0.0","segments":[{"speaker":"Ada","startTime":0.5,"endTime":1.5,"body":"Hi"},{"startTime":2,"body":" "}]}"#,
        );
        assert_eq!(
            cues,
            [Cue {
                start: 0.5,
                end: 1.5,
                speaker: Some("Ada".into()),
                text: "Hi".into()
            }]
        );
        assert!(parse_json("not json").is_empty());
        assert!(parse_cues("WEBVTT\n\nbroken --> cue\ntext\n").is_empty());
    }
}
