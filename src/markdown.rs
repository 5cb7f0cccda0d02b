//! Markdown to HTML: CommonMark plus tables, footnotes, strikethrough, task
//! lists, smart punctuation and heading anchors. The one place that sets
//! pulldown-cmark's options.

use crate::slug::slugify;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::{HashSet, VecDeque};

/// How to render one piece of Markdown.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// Raw HTML passes through (the host's show notes); when false it is
    /// shown as text and unsafe link schemes are dropped (listeners' words).
    pub trusted_html: bool,
    /// The site's root URL, ending with `/`: `/about/` becomes `<base_url>about/`.
    pub base_url: &'a str,
    /// The page's own URL, ending with `/`: relative links resolve against it,
    /// so the same HTML works on the site and in the feed.
    pub page_url: &'a str,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders Markdown to HTML.
pub fn render(markdown: &str, opts: &RenderOptions<'_>) -> String {
    let events = Parser::new_ext(markdown, options()).map(|event| rewrite(event, opts));
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, HeadingIds::new(events));
    // The HTML is kept for the whole build: a copy of the exact size gives
    // back the spare capacity (shrinking in place keeps the whole block).
    html.as_str().to_owned()
}

fn rewrite<'a>(event: Event<'a>, opts: &RenderOptions<'_>) -> Event<'a> {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) if !opts.trusted_html => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: resolve(dest_url, opts),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: resolve(dest_url, opts),
            title,
            id,
        }),
        other => other,
    }
}

/// Makes a link absolute; drops unsafe schemes from untrusted text.
fn resolve<'a>(dest: CowStr<'a>, opts: &RenderOptions<'_>) -> CowStr<'a> {
    if !opts.trusted_html && crate::config::check_link(&dest).is_err() {
        return CowStr::Borrowed("#");
    }
    if dest.starts_with('#') || dest.starts_with("//") || has_scheme(&dest) {
        return dest;
    }
    if let Some(rest) = dest.strip_prefix('/') {
        return format!("{}{rest}", opts.base_url).into();
    }
    join_relative(opts.page_url, &dest).into()
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Resolves `relative` against a directory URL such as `https://e.org/episodes/a/`.
fn join_relative(page_url: &str, relative: &str) -> String {
    let origin_end = page_url.find("://").map_or(0, |i| i + 3);
    let path_start = page_url[origin_end..]
        .find('/')
        .map_or(page_url.len(), |i| origin_end + i);
    let (origin, path) = page_url.split_at(path_start);
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (rel_path, suffix) = match relative.find(['?', '#']) {
        Some(i) => relative.split_at(i),
        None => (relative, ""),
    };
    let parts: Vec<&str> = rel_path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        match *part {
            "." => {}
            ".." => {
                segments.pop();
            }
            "" if i + 1 < parts.len() => {}
            part => segments.push(part),
        }
    }
    let trailing = if rel_path.ends_with('/') || rel_path.ends_with("..") || rel_path.ends_with('.')
    {
        "/"
    } else {
        ""
    };
    let joined = segments.join("/");
    let joined = joined.trim_end_matches('/');
    if joined.is_empty() {
        format!("{origin}/{suffix}")
    } else {
        format!("{origin}/{joined}{trailing}{suffix}")
    }
}

/// Gives every heading without an explicit `{#id}` a unique id from its
/// text. Streams: only the events inside one heading are held at a time.
struct HeadingIds<'a, I> {
    events: I,
    used: HashSet<String>,
    pending: VecDeque<Event<'a>>,
}

impl<'a, I: Iterator<Item = Event<'a>>> HeadingIds<'a, I> {
    fn new(events: I) -> Self {
        HeadingIds {
            events,
            used: HashSet::new(),
            pending: VecDeque::new(),
        }
    }

    fn unique(&mut self, text: &str) -> String {
        let base = match slugify(text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        let mut id = base.clone();
        let mut n = 1;
        while self.used.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for HeadingIds<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        match self.events.next()? {
            Event::Start(Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            }) => {
                let mut text = String::new();
                for event in self.events.by_ref() {
                    let end = matches!(event, Event::End(TagEnd::Heading(_)));
                    if let Event::Text(t) | Event::Code(t) = &event {
                        text.push_str(t);
                    }
                    self.pending.push_back(event);
                    if end {
                        break;
                    }
                }
                let id = self.unique(&text);
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes,
                    attrs,
                }))
            }
            Event::Start(Tag::Heading {
                level,
                id: Some(id),
                classes,
                attrs,
            }) => {
                self.used.insert(id.to_string());
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(id),
                    classes,
                    attrs,
                }))
            }
            other => Some(other),
        }
    }
}

/// The plain text of the first paragraph, for a summary when none is given.
/// Reads at most the first 64 KiB (cut at a line end): pulldown-cmark parses
/// all blocks up front, and huge notes must not be parsed twice.
pub fn first_paragraph_text(markdown: &str) -> String {
    const LIMIT: usize = 64 * 1024;
    let markdown = if markdown.len() > LIMIT {
        let mut cut = LIMIT;
        while !markdown.is_char_boundary(cut) {
            cut -= 1;
        }
        &markdown[..markdown[..cut].rfind('\n').unwrap_or(cut)]
    } else {
        markdown
    };
    let mut text = String::new();
    let mut in_paragraph = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: RenderOptions<'static> = RenderOptions {
        trusted_html: true,
        base_url: "https://e.org/show/",
        page_url: "https://e.org/show/episodes/one/",
    };

    #[test]
    fn extensions_are_on() {
        let html = render(
            "| a |\n|---|\n| b |\n\n~~x~~ \"q\" -- [^1]\n\n- [x] done\n\n[^1]: note\n",
            &OPTS,
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>x</del>"), "{html}");
        assert!(html.contains("\u{201c}q\u{201d} \u{2013}"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
        assert!(html.contains("checkbox"), "{html}");
    }

    #[test]
    fn headings_get_unique_ids() {
        let html = render(
            "## Hello, World\n\n## Hello, World\n\n## Custom {#mine}\n",
            &OPTS,
        );
        assert!(html.contains("<h2 id=\"hello-world\">"), "{html}");
        assert!(html.contains("<h2 id=\"hello-world-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">"), "{html}");
    }

    #[test]
    fn links_become_absolute() {
        let html = render(
            "[a](/about/) [b](../two/) [c](notes.pdf) [d](https://x.org) [e](#top)",
            &OPTS,
        );
        assert!(
            html.contains("href=\"https://e.org/show/about/\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://e.org/show/episodes/two/\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://e.org/show/episodes/one/notes.pdf\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://x.org\""), "{html}");
        assert!(html.contains("href=\"#top\""), "{html}");
    }

    #[test]
    fn untrusted_html_is_text() {
        let opts = RenderOptions {
            trusted_html: false,
            ..OPTS
        };
        let html = render(
            "<script>alert(1)</script>\n\n<b>x</b> [y](javascript:alert(1))",
            &opts,
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        let trusted = render("<b>x</b>", &OPTS);
        assert!(trusted.contains("<b>x</b>"));
    }

    #[test]
    fn first_paragraph() {
        assert_eq!(
            first_paragraph_text("# T\n\nHello *there*\nfriend.\n\nMore."),
            "Hello there friend."
        );
    }
}
