//! Bare timestamps in show notes: `[12:34]` or `[1:02:03]` written in the
//! Markdown becomes a link to the episode page at that time
//! (`<page>#t=754`), which the theme's script turns into a seek of the
//! player. Text in code and inside links is left alone.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::VecDeque;

/// Seconds of a clock time `m:ss`, `mm:ss` or `h:mm:ss` (minutes and
/// seconds under 60 when they follow a larger unit), if `text` is one.
pub fn parse_clock(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let numbers: Vec<u64> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    // Every part after the first has two digits and is under 60.
    if parts[1..]
        .iter()
        .zip(&numbers[1..])
        .any(|(p, n)| p.len() != 2 || *n >= 60)
    {
        return None;
    }
    Some(numbers.iter().fold(0, |total, n| total * 60 + n))
}

/// `text` with each `[clock]` replaced by a link to `page_url#t=SECONDS`;
/// `None` when it has none. `text` is raw (not yet HTML-escaped).
pub fn link_timestamps(text: &str, page_url: &str) -> Option<String> {
    if !has_timestamp(text) {
        return None; // most text: nothing to build
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    let mut found = false;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inner = &after[..close];
        match parse_clock(inner) {
            Some(seconds) => {
                found = true;
                escape_into(&mut out, &rest[..open]);
                out.push_str("<a class=\"timestamp\" href=\"");
                escape_into(&mut out, page_url);
                out.push_str(&format!("#t={seconds}\">{inner}</a>"));
                rest = &after[close + 1..];
            }
            None => {
                escape_into(&mut out, &rest[..open + 1]);
                rest = after;
            }
        }
    }
    escape_into(&mut out, rest);
    found.then_some(out)
}

/// Whether `text` holds a `[clock]` that [`link_timestamps`] would link.
fn has_timestamp(text: &str) -> bool {
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            return false;
        };
        if parse_clock(&after[..close]).is_some() {
            return true;
        }
        rest = after;
    }
    false
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// The Markdown event stream with bare timestamps made links (see the
/// module's comment). Consecutive text events are joined first: the
/// parser gives `[`, `12:34` and `]` as separate pieces.
pub struct Timestamps<'a, 'u, I> {
    events: I,
    page_url: &'u str,
    /// Inside a code block or a link (nested depth).
    inside: usize,
    pending: VecDeque<Event<'a>>,
}

impl<'a, 'u, I: Iterator<Item = Event<'a>>> Timestamps<'a, 'u, I> {
    pub fn new(events: I, page_url: &'u str) -> Self {
        Timestamps {
            events,
            page_url,
            inside: 0,
            pending: VecDeque::new(),
        }
    }

    fn track(&mut self, event: &Event<'a>) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. }) => {
                self.inside += 1
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Link | TagEnd::Image) => {
                self.inside = self.inside.saturating_sub(1)
            }
            _ => {}
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Timestamps<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        let event = self.events.next()?;
        let Event::Text(first) = event else {
            self.track(&event);
            return Some(event);
        };
        if self.inside > 0 {
            return Some(Event::Text(first));
        }
        let mut text: CowStr<'a> = first;
        for event in self.events.by_ref() {
            if let Event::Text(more) = event {
                let mut s = text.into_string();
                s.push_str(&more);
                text = s.into();
            } else {
                self.track(&event);
                self.pending.push_back(event);
                break;
            }
        }
        match link_timestamps(&text, self.page_url) {
            Some(html) => Some(Event::InlineHtml(html.into())),
            None => Some(Event::Text(text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("12:34"), Some(754));
        assert_eq!(parse_clock("0:05"), Some(5));
        assert_eq!(parse_clock("1:02:03"), Some(3723));
        assert_eq!(parse_clock("120:00"), Some(7200));
        for bad in [
            "12",
            "1:2",
            "1:60",
            "1:02:3",
            "a:bc",
            ":12",
            "1:00:00:00",
            "1234:00",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn links() {
        let page = "https://e.org/ep/";
        assert_eq!(
            link_timestamps("At [12:34] & [x] [1:60] <b>", page).unwrap(),
            "At <a class=\"timestamp\" href=\"https://e.org/ep/#t=754\">12:34</a> &amp; [x] [1:60] &lt;b&gt;"
        );
        assert_eq!(link_timestamps("no [time] here", page), None);
    }
}
