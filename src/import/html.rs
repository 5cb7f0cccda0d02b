//! Show notes from HTML to Markdown (htmd, in its faithful mode: what
//! Markdown cannot say stays as HTML), and HTML to plain text.

use std::sync::OnceLock;
use web_atoms::NAMED_ENTITIES;

fn converter() -> &'static htmd::HtmlToMarkdown {
    static CONVERTER: OnceLock<htmd::HtmlToMarkdown> = OnceLock::new();
    CONVERTER.get_or_init(|| {
        htmd::HtmlToMarkdown::builder()
            .options(htmd::options::Options {
                bullet_list_marker: htmd::options::BulletListMarker::Dash,
                ul_bullet_spacing: 1,
                ol_number_spacing: 1,
                translation_mode: htmd::options::TranslationMode::Faithful,
                ..Default::default()
            })
            .skip_tags(vec![
                "script", "style", "noscript", "iframe", "object", "embed",
            ])
            .build()
    })
}

/// Whether `text` looks like HTML rather than plain text.
pub fn is_html(text: &str) -> bool {
    let t = text.as_bytes();
    t.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Show notes as Markdown: HTML converted (links, emphasis, lists,
/// headings, line breaks; scripts and styles dropped), plain text kept
/// with its paragraphs and line breaks.
pub fn to_markdown(text: &str) -> String {
    let html = if is_html(text) {
        text.to_string()
    } else {
        plain_to_html(text)
    };
    let markdown = converter()
        .convert(&html)
        .unwrap_or_else(|_| text.to_string());
    // A line of `+++` would read as the end of the front matter to a
    // human; it cannot end it for podsmith (only the first one does), but
    // keep the body free of it anyway.
    let mut out = String::with_capacity(markdown.len() + 1);
    for line in markdown.trim().lines() {
        if line.trim() == "+++" {
            out.push_str("\\+++");
        } else {
            out.push_str(line.trim_end_matches(['\t']));
        }
        out.push('\n');
    }
    out
}

/// Plain text in paragraphs (blank lines) and lines, as HTML.
fn plain_to_html(text: &str) -> String {
    let mut html = String::new();
    for paragraph in text.trim().split("\n\n").filter(|p| !p.trim().is_empty()) {
        html.push_str("<p>");
        let lines: Vec<String> = paragraph.trim().lines().map(escape).collect();
        html.push_str(&lines.join("<br>"));
        html.push_str("</p>");
    }
    html
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The text of some HTML: tags removed, entities decoded, white space
/// collapsed (for summaries and titles).
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = rest[..end].to_ascii_lowercase();
            if tag.starts_with("<br") || tag.starts_with("<p") || tag.starts_with("</p") {
                out.push(' ');
            }
            rest = &rest[end..];
        } else {
            let (c, used) = decode_entity(rest);
            out.push_str(&c);
            rest = &rest[used..];
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The entity at the start of `text` (`&…;`), decoded; `&` alone if none.
fn decode_entity(text: &str) -> (String, usize) {
    let Some(end) = text.find(';').filter(|&e| e <= 32) else {
        return ("&".into(), 1);
    };
    let name = &text[1..end];
    let decoded = if let Some(n) = name.strip_prefix('#') {
        match n.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => n.parse().ok(),
        }
        .and_then(char::from_u32)
        .map(String::from)
    } else {
        NAMED_ENTITIES
            .get(&text[1..=end])
            .filter(|(a, _)| *a != 0)
            .map(|&(a, b)| {
                [a, b]
                    .into_iter()
                    .filter(|c| *c != 0)
                    .filter_map(char::from_u32)
                    .collect()
            })
    };
    match decoded {
        Some(s) => (s, end + 1),
        None => ("&".into(), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_keep_their_structure() {
        let md = to_markdown(
            "<h2>Links</h2><p>See <a href=\"https://example.org/a\">the <em>site</em></a> and <strong>this</strong>.<br>Next line</p>\
             <ul><li>one</li><li>two</li></ul><ol><li>first</li></ol><script>alert(1)</script><style>p{}</style>\
             <p><span style=\"color:red\">red</span></p>",
        );
        assert!(md.contains("## Links"), "{md}");
        assert!(
            md.contains("[the *site*](https://example.org/a)")
                || md.contains("[the _site_](https://example.org/a)"),
            "{md}"
        );
        assert!(md.contains("**this**"), "{md}");
        assert!(md.contains("- one\n- two"), "{md}");
        assert!(md.contains("1. first"), "{md}");
        assert!(!md.contains("alert") && !md.contains("p{}"), "{md}");
        assert!(md.contains("Next line"), "{md}");
        assert!(md.contains("<span style=\"color:red\">red</span>"), "{md}");
    }

    #[test]
    fn plain_text_notes_keep_their_lines() {
        let md = to_markdown("First line\nsecond line\n\nNew paragraph with *stars* & <3");
        assert!(md.contains("First line"), "{md}");
        assert!(md.contains("\n\nNew paragraph"), "{md}");
        assert!(md.contains("\\*stars\\*"), "{md}");
    }

    #[test]
    fn plain_text_of_html() {
        assert_eq!(
            plain_text("<b>Bold</b> &amp; <i>it</i>&nbsp;&#233;&rsquo;"),
            "Bold & it é’"
        );
        assert_eq!(plain_text("a<br/>b &unknown; &"), "a b &unknown; &");
    }
}
