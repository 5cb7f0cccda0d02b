//! Markdown to HTML: CommonMark plus tables, footnotes, strikethrough, task
//! lists, smart punctuation and heading anchors. The one place that sets
//! pulldown-cmark's options.

use crate::slug::slugify;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::{HashSet, VecDeque};
use std::ops::Range;

/// How to render one piece of Markdown.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// Raw HTML passes through (the host's show notes), less addresses that
    /// run script; when false it is shown as text and links with any scheme
    /// but http(s) and mailto are kept as text (listeners' words).
    pub trusted_html: bool,
    /// The site's root URL, ending with `/`: `/about/` becomes `<base_url>about/`.
    pub base_url: &'a str,
    /// The page's own URL, ending with `/`: relative links resolve against it,
    /// so the same HTML works on the site and in the feed.
    pub page_url: &'a str,
    /// Bare timestamps such as `[12:34]` become links to `page_url#t=754`
    /// (show notes; see [`crate::timestamps`]).
    pub timestamps: bool,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Something the renderer took out of the Markdown, for a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line and column in the Markdown text.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Renders Markdown to HTML.
pub fn render(markdown: &str, opts: &RenderOptions<'_>) -> String {
    render_checked(markdown, opts).0
}

/// Renders Markdown to HTML, and says what it took out: links, images and
/// raw HTML addresses that would run script ([`script_scheme`]) are kept
/// as their text, without the address; in untrusted text, so are links
/// with any scheme [`crate::config::check_link`] refuses.
pub fn render_checked(markdown: &str, opts: &RenderOptions<'_>) -> (String, Vec<Finding>) {
    let mut defused = Defuse {
        events: Parser::new_ext(markdown, options()).into_offset_iter(),
        opts,
        dropped: Vec::new(),
        html_block: None,
        pending: VecDeque::new(),
        found: Vec::new(),
        footnotes: Vec::new(),
    };
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let events = HeadingIds::new(&mut defused);
    if opts.timestamps {
        let events = crate::timestamps::Timestamps::new(events, opts.page_url);
        pulldown_cmark::html::push_html(&mut html, events);
    } else {
        pulldown_cmark::html::push_html(&mut html, events);
    }
    let findings = defused
        .found
        .into_iter()
        .map(|(offset, message)| {
            let (line, column) = crate::error::line_col(markdown, offset);
            Finding {
                line,
                column,
                message,
            }
        })
        .collect();
    // The HTML is kept for the whole build: a copy of the exact size gives
    // back the spare capacity (shrinking in place keeps the whole block).
    (html.as_str().to_owned(), findings)
}

/// The event stream with links made absolute, raw HTML shown as text in
/// untrusted mode, and addresses that run script taken out (see
/// [`render_checked`]).
struct Defuse<'a, 'o, I> {
    events: I,
    opts: &'o RenderOptions<'o>,
    /// For each open link or image: whether its start was dropped (so is its end).
    dropped: Vec<bool>,
    /// The raw HTML block being read: its text, and where each piece of it
    /// starts in the block and in the Markdown. A tag may span lines, and
    /// the parser gives a block line by line.
    html_block: Option<(String, Vec<(usize, usize)>)>,
    pending: VecDeque<Event<'a>>,
    /// Byte offset in the Markdown, and what was done there.
    found: Vec<(usize, String)>,
    /// Footnote names in the order they were first seen (their numbers).
    footnotes: Vec<String>,
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Defuse<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        loop {
            let (event, range) = self.events.next()?;
            if let Some(event) = self.rewrite(event, range) {
                return Some(event);
            }
        }
    }
}

impl<'a, I> Defuse<'a, '_, I> {
    /// The event to pass on in place of `event`, if any.
    fn rewrite(&mut self, event: Event<'a>, range: Range<usize>) -> Option<Event<'a>> {
        let trusted = self.opts.trusted_html;
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) if !trusted => Some(Event::Text(raw)),
            Event::Start(Tag::HtmlBlock) if trusted => {
                self.html_block = Some((String::new(), Vec::new()));
                Some(Event::Start(Tag::HtmlBlock))
            }
            Event::Html(raw) => match &mut self.html_block {
                Some((text, pieces)) => {
                    pieces.push((text.len(), range.start));
                    text.push_str(&raw);
                    None
                }
                None => Some(Event::Html(self.defuse_html(raw, &[(0, range.start)]))),
            },
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((text, pieces)) = self.html_block.take() {
                    let html = self.defuse_html(text.into(), &pieces);
                    self.pending.push_back(Event::End(TagEnd::HtmlBlock));
                    return Some(Event::Html(html));
                }
                Some(Event::End(TagEnd::HtmlBlock))
            }
            Event::InlineHtml(raw) => Some(Event::InlineHtml(
                self.defuse_html(raw, &[(0, range.start)]),
            )),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(why) = self.refuse(&dest_url, "to") {
                    self.found.push((
                        range.start,
                        format!("a link {why}: kept as plain text, without the link"),
                    ));
                    self.dropped.push(true);
                    return None;
                }
                self.dropped.push(false);
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url: resolve(dest_url, self.opts),
                    title,
                    id,
                }))
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(why) = self.refuse(&dest_url, "from") {
                    self.found.push((
                        range.start,
                        format!("an image {why}: kept as its description, without the image"),
                    ));
                    self.dropped.push(true);
                    return None;
                }
                self.dropped.push(false);
                Some(Event::Start(Tag::Image {
                    link_type,
                    dest_url: resolve(dest_url, self.opts),
                    title,
                    id,
                }))
            }
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                (!self.dropped.pop().unwrap_or(false)).then_some(Event::End(end))
            }
            // Footnotes as pulldown-cmark writes them, but with ids unique
            // to the page (several episodes' notes may share one page) and
            // absolute links (the feed's `content:encoded` has no page).
            Event::FootnoteReference(name) => {
                let (number, id) = self.footnote(&name);
                Some(Event::InlineHtml(
                    format!(
                        "<sup class=\"footnote-reference\"><a href=\"{}#{}\">{number}</a></sup>",
                        escape_attr(self.opts.page_url),
                        crate::slug::encode_segment(&id)
                    )
                    .into(),
                ))
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let (number, id) = self.footnote(&name);
                Some(Event::Html(
                    format!(
                        "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{number}</sup>",
                        escape_attr(&id)
                    )
                    .into(),
                ))
            }
            Event::End(TagEnd::FootnoteDefinition) => Some(Event::Html("</div>\n".into())),
            other => Some(other),
        }
    }

    /// A footnote's number (by first appearance, as pulldown-cmark counts)
    /// and its id: `fn-PAGE-NAME`, where PAGE is the page's last URL
    /// segment (an episode's slug), so that two episodes' footnotes shown
    /// on one page do not share ids.
    fn footnote(&mut self, name: &str) -> (usize, String) {
        let number = match self.footnotes.iter().position(|n| n == name) {
            Some(i) => i + 1,
            None => {
                self.footnotes.push(name.to_string());
                self.footnotes.len()
            }
        };
        let page = self
            .opts
            .page_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').filter(|s| !s.is_empty()).skip(1).last())
            .map(crate::slug::percent_decode)
            .map(|s| slugify(&s))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "page".to_string());
        let name = match slugify(name) {
            s if s.is_empty() => number.to_string(),
            s => s,
        };
        (number, format!("fn-{page}-{name}"))
    }

    /// Why a link or image to `dest` may not be one, if it may not.
    /// Why `dest` is refused, if it is: a phrase after "a link" (`toward`
    /// is "to") or "an image" ("from").
    fn refuse(&self, dest: &str, toward: &str) -> Option<String> {
        if let Some(scheme) = script_scheme(dest) {
            return Some(format!("{toward} `{scheme}:` {}", risk(scheme)));
        }
        if !self.opts.trusted_html {
            if let Err(why) = crate::config::check_link(dest) {
                return Some(format!(
                    "in a listener's words is refused ({why}; only http(s), mailto and the site's own pages are linked)"
                ));
            }
        }
        None
    }

    /// `raw` without the addresses in it that run script; `pieces` maps
    /// offsets in `raw` to the Markdown (see `html_block`).
    fn defuse_html(&mut self, raw: CowStr<'a>, pieces: &[(usize, usize)]) -> CowStr<'a> {
        let mut removed = Vec::new();
        let clean = defuse_html(&raw, &mut |at, attribute, scheme| {
            removed.push((at, attribute.to_ascii_lowercase(), scheme));
        });
        for (at, attribute, scheme) in removed {
            let (start, source) = pieces
                .iter()
                .rev()
                .find(|(start, _)| *start <= at)
                .copied()
                .unwrap_or((0, 0));
            self.found.push((
                source + (at - start),
                format!(
                    "`{attribute}` to `{scheme}:` in raw HTML {}: removed (the element stays)",
                    risk(scheme)
                ),
            ));
        }
        match clean {
            Some(clean) => clean.into(),
            None => raw,
        }
    }
}

/// The schemes whose addresses run script or hold a document of their own.
const SCRIPT_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// What an address with one of [`SCRIPT_SCHEMES`] does, for messages.
fn risk(scheme: &str) -> &'static str {
    match scheme {
        "data" => "holds a document of its own, which can run script",
        _ => "would run script",
    }
}

/// `Some("javascript")` (or `vbscript`, `data`) when a browser would read
/// `url` as an address with that scheme: after decoding HTML character
/// references (`java&#x09;script:`, `&colon;`), removing tabs and line
/// breaks, skipping leading spaces and control characters, in any case.
/// To be safe, percent escapes (`%6Aavascript:`) are decoded too, though
/// browsers do not, and any space or control character is ignored.
pub fn script_scheme(url: &str) -> Option<&'static str> {
    // The usual case, decided at once: a clean scheme (letters, digits,
    // `+-.`) before the first `:`, or a path with nothing to decode.
    let colon = url.find(':');
    let head = &url[..colon.unwrap_or(url.len())];
    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    };
    match colon {
        Some(_) if !head.is_empty() && plain(head) => {
            return SCRIPT_SCHEMES
                .into_iter()
                .find(|s| head.eq_ignore_ascii_case(s));
        }
        None if !head.contains(['&', '%']) => return None,
        _ => {}
    }
    let mut text = url.to_string();
    for _ in 0..4 {
        let decoded = crate::slug::percent_decode(&decode_references(&text));
        if decoded == text {
            break;
        }
        text = decoded;
    }
    let squeezed: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let (scheme, _) = squeezed.split_once(':')?;
    SCRIPT_SCHEMES.into_iter().find(|s| *s == scheme)
}

/// Decodes HTML character references as a browser does in an attribute:
/// numeric ones (with or without `;`) and the named ones that can spell an
/// address's scheme; others stay as they are.
fn decode_references(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    const NAMED: &[(&str, char)] = &[
        ("Tab;", '\t'),
        ("NewLine;", '\n'),
        ("colon;", ':'),
        ("amp;", '&'),
        ("amp", '&'),
        ("percnt;", '%'),
        ("num;", '#'),
        ("semi;", ';'),
        ("lt;", '<'),
        ("gt;", '>'),
        ("quot;", '"'),
        ("apos;", '\''),
        ("nbsp;", '\u{a0}'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        if let Some(num) = rest.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .bytes()
                .take_while(|b| {
                    if hex {
                        b.is_ascii_hexdigit()
                    } else {
                        b.is_ascii_digit()
                    }
                })
                .count();
            if len > 0 {
                let value = u32::from_str_radix(&digits[..len.min(8)], if hex { 16 } else { 10 });
                let c = value
                    .ok()
                    .and_then(char::from_u32)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{fffd}');
                out.push(c);
                rest = &digits[len..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        } else if let Some((name, c)) = NAMED.iter().find(|(name, _)| rest.starts_with(name)) {
            out.push(*c);
            rest = &rest[name.len()..];
            continue;
        }
        out.push('&');
    }
    out.push_str(rest);
    out
}

/// Attributes that hold an address a browser follows or loads.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "manifest",
    "icon",
    "ping",
];

/// Raw HTML without the address attributes ([`URL_ATTRIBUTES`]) whose
/// value runs script ([`script_scheme`], after decoding character
/// references); `None` when there are none. `found` gets the byte offset
/// of each attribute taken out, its name and the scheme. Comments, and
/// the insides of `<script>` and `<style>`, are not tags and are left
/// alone.
pub fn defuse_html(html: &str, found: &mut dyn FnMut(usize, &str, &'static str)) -> Option<String> {
    let bytes = html.as_bytes();
    // The usual case, decided at once: no character reference, escape or
    // line break that could hide a scheme, and no scheme to fear in sight.
    let has = |word: &[u8]| {
        bytes
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    if !bytes
        .iter()
        .any(|b| matches!(b, b'&' | b'%' | b'\t' | b'\n' | b'\r'))
        && !has(b"script")
        && !has(b"data")
    {
        return None;
    }
    let mut cuts: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    let skip_ws = |mut j: usize| {
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        j
    };
    while let Some(lt) = html[i..].find('<') {
        let start = i + lt;
        i = start + 1;
        if html[start..].starts_with("<!--") {
            i = html[start + 4..]
                .find("-->")
                .map_or(html.len(), |e| start + 4 + e + 3);
            continue;
        }
        let name_len = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':'))
            .count();
        if name_len == 0 || !bytes[i].is_ascii_alphabetic() {
            continue; // not an open tag (a closing tag has no attributes to fear)
        }
        let name = html[i..i + name_len].to_ascii_lowercase();
        i += name_len;
        // The attributes, up to the end of the tag.
        loop {
            let before = i;
            i = skip_ws(i);
            while i < bytes.len() && bytes[i] == b'/' {
                i = skip_ws(i + 1);
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i = (i + 1).min(bytes.len());
                break;
            }
            let name_start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'/' | b'>' | b'=')
            {
                i += 1;
            }
            // A lone `=` where a name should be: part of the name.
            if i == name_start {
                i += 1;
            }
            let attribute = &html[name_start..i];
            let mut value = None;
            let after_name = skip_ws(i);
            if after_name < bytes.len() && bytes[after_name] == b'=' {
                let v = skip_ws(after_name + 1);
                let (value_range, end) = match bytes.get(v) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let close = html[v + 1..]
                            .find(q as char)
                            .map_or(html.len(), |e| v + 1 + e);
                        (v + 1..close, (close + 1).min(html.len()))
                    }
                    _ => {
                        let mut e = v;
                        while e < bytes.len() && !bytes[e].is_ascii_whitespace() && bytes[e] != b'>'
                        {
                            e += 1;
                        }
                        (v..e, e)
                    }
                };
                value = Some(&html[value_range]);
                i = end;
            }
            if let Some(value) = value {
                let is_url = URL_ATTRIBUTES
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(attribute));
                if let Some(scheme) = is_url.then(|| script_scheme(value)).flatten() {
                    found(name_start, attribute, scheme);
                    cuts.push(before..i);
                }
            }
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            let lower = html[i..].to_ascii_lowercase();
            i = lower.find(&close).map_or(html.len(), |e| i + e);
        }
    }
    if cuts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for cut in cuts {
        out.push_str(&html[at..cut.start]);
        at = cut.end;
    }
    out.push_str(&html[at..]);
    Some(out)
}

/// Makes a link absolute (a fragment too: `#part` becomes the page's URL
/// plus `#part`, so it still works in the feed and on pages that show the
/// text of several episodes).
fn resolve<'a>(dest: CowStr<'a>, opts: &RenderOptions<'_>) -> CowStr<'a> {
    if dest.starts_with('#') {
        return format!("{}{dest}", opts.page_url).into();
    }
    if dest.starts_with("//") || has_scheme(&dest) {
        return dest;
    }
    if let Some(rest) = dest.strip_prefix('/') {
        return format!("{}{rest}", opts.base_url).into();
    }
    join_relative(opts.page_url, &dest).into()
}

/// Escapes text for a double-quoted HTML attribute.
fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
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
        timestamps: false,
    };

    #[test]
    fn bare_timestamps_become_links_in_notes_only() {
        let opts = RenderOptions {
            timestamps: true,
            ..OPTS
        };
        let md = "Start at [12:34], or [1:02:03].\n\n`[0:10]` and [a [0:20] link](https://x.org)\n\n    [0:30]\n";
        let html = render(md, &opts);
        assert!(
            html.contains(r#"Start at <a class="timestamp" href="https://e.org/show/episodes/one/#t=754">12:34</a>, or <a class="timestamp" href="https://e.org/show/episodes/one/#t=3723">1:02:03</a>."#),
            "{html}"
        );
        assert!(html.contains("<code>[0:10]</code>"), "{html}");
        assert!(html.contains(">a [0:20] link</a>"), "{html}");
        assert!(html.contains("<pre><code>[0:30]"), "{html}");
        assert!(!render(md, &OPTS).contains("timestamp"));
    }

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
        assert!(
            html.contains("href=\"https://e.org/show/episodes/one/#top\""),
            "{html}"
        );
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
    fn script_schemes_are_read_as_browsers_read_them() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}\tjavascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java&#x09;script:alert(1)",
            "java&#9script:alert(1)",
            "&#106;avascript&colon;alert(1)",
            "jav&Tab;ascript:alert(1)",
            "%6Aavascript:alert(1)",
            "java%0Ascript:alert(1)",
            "java&amp;#x09;script:alert(1)",
        ] {
            assert_eq!(script_scheme(url), Some("javascript"), "{url:?}");
        }
        assert_eq!(script_scheme("VBScript:msgbox(1)"), Some("vbscript"));
        assert_eq!(script_scheme("data:text/html,x"), Some("data"));
        assert_eq!(script_scheme(" DATA:image/png;base64,x"), Some("data"));
        for url in [
            "https://example.org/javascript:x",
            "mailto:a@example.org",
            "notes.pdf",
            "/about/",
            "#top",
            "?q=javascript:x",
            "a%20b.pdf",
            "tel:+1234",
            "",
        ] {
            assert_eq!(script_scheme(url), None, "{url:?}");
        }
    }

    #[test]
    fn raw_html_loses_script_addresses_only() {
        let mut found = Vec::new();
        let html = defuse_html(
            "<p><a href=\"jav&#x61;script:x\" title=\"t\">a</a> <A HREF='javascript:y'>b</A> <img src=data:x alt=c> <a href=\"https://ok\">d</a>\n<!-- <a href=\"javascript:z\"> --><script>var s = '<a href=\"javascript:w\">';</script><svg><a xlink:href=\"javascript:v\">e</a></svg></p>",
            &mut |at, attribute, scheme| found.push((at, attribute.to_string(), scheme)),
        )
        .unwrap();
        assert_eq!(
            html,
            "<p><a title=\"t\">a</a> <A>b</A> <img alt=c> <a href=\"https://ok\">d</a>\n<!-- <a href=\"javascript:z\"> --><script>var s = '<a href=\"javascript:w\">';</script><svg><a>e</a></svg></p>"
        );
        let names: Vec<&str> = found.iter().map(|(_, a, _)| a.as_str()).collect();
        assert_eq!(names, ["href", "HREF", "src", "xlink:href"]);
        assert_eq!(found[0].0, 6);
        assert!(defuse_html("<b>fine</b> <a href=\"/x\">", &mut |_, _, _| {}).is_none());
        // Broken markup never panics.
        for text in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"java",
            "<a =x>",
            "<a/ / href=javascript:x",
        ] {
            let _ = defuse_html(text, &mut |_, _, _| {});
        }
    }

    #[test]
    fn script_links_become_text_with_findings() {
        let md = "Hi.\n\n[a](javascript:alert(1)) ![b](data:x) <javascript:c>\n[d][r] [ok](https://x.org)\n\n[r]: vbscript:e\n\n<div>\n<a\n href=\"javascript:f\">g</a>\n</div>\n";
        let (html, found) = render_checked(md, &OPTS);
        for gone in ["vbscript", "data:", "href=\"#\""] {
            assert!(!html.contains(gone), "{html}");
        }
        assert_eq!(
            html.matches("javascript").count(),
            1,
            "the autolink's text: {html}"
        );
        assert!(
            html.contains("<p>a b javascript:c\nd <a href=\"https://x.org\">ok</a></p>"),
            "{html}"
        );
        assert!(html.contains("<a>g</a>"), "{html}");
        let lines: Vec<(usize, usize)> = found.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(
            lines,
            [(3, 1), (3, 26), (3, 39), (4, 1), (10, 2)],
            "{found:?}"
        );
        // In listeners' words, any refused scheme is text too.
        let opts = RenderOptions {
            trusted_html: false,
            ..OPTS
        };
        let (html, found) = render_checked("[a](tel:123) [b](https://x.org)", &opts);
        assert!(
            html.contains("<p>a <a href=\"https://x.org\">b</a></p>"),
            "{html}"
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn first_paragraph() {
        assert_eq!(
            first_paragraph_text("# T\n\nHello *there*\nfriend.\n\nMore."),
            "Hello there friend."
        );
    }
}
