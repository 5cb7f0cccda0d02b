//! The cleaning pass: what real feeds get wrong at the XML level, repaired
//! before a strict XML parser reads them. Every repair is noted.
//!
//! - a byte order mark, whitespace or junk before `<?xml` (or `<rss`);
//! - text that is not UTF-8 (read as Windows-1252/Latin-1);
//! - control characters XML does not allow;
//! - HTML entities XML does not define (`&nbsp;` becomes `&#160;`), unknown
//!   ones (`&gtgt;`) and bare `&` kept as text (`&amp;gtgt;`).
//!
//! CDATA sections and comments are copied as they are.

use web_atoms::NAMED_ENTITIES;

/// The feed's text, repaired; `fixes` gets one line per kind of repair.
pub fn clean(bytes: &[u8], fixes: &mut Vec<String>) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            fixes.push("the feed is not UTF-8: read it as Windows-1252 (Latin-1)".into());
            std::borrow::Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect::<String>())
        }
    };
    let start = text.find('<').unwrap_or(0);
    if start > 0 {
        fixes.push(format!(
            "{start} byte{} before the XML declaration, removed",
            if start == 1 { "" } else { "s" }
        ));
    }
    let text = &text[start..];
    let mut out = String::with_capacity(text.len() + 64);
    let (mut entities, mut unknown, mut controls) = (0usize, Vec::<String>::new(), 0usize);
    let mut rest = text;
    while let Some(i) = rest.find(|c: char| c == '&' || c == '<' || is_bad_control(c)) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with("<![CDATA[") || rest.starts_with("<!--") {
            let end_mark = if rest.starts_with("<!--") {
                "-->"
            } else {
                "]]>"
            };
            let end = rest[4..]
                .find(end_mark)
                .map_or(rest.len(), |e| e + 4 + end_mark.len());
            out.extend(rest[..end].chars().filter(|c| !is_bad_control(*c)));
            rest = &rest[end..];
        } else if rest.starts_with('<') {
            out.push('<');
            rest = &rest[1..];
        } else if rest.starts_with('&') {
            let (written, used) = entity(rest, &mut entities, &mut unknown);
            out.push_str(&written);
            rest = &rest[used..];
        } else {
            controls += 1;
            let c = rest.chars().next().map_or(1, char::len_utf8);
            rest = &rest[c..];
        }
    }
    out.push_str(rest);
    if entities > 0 {
        fixes.push(format!(
            "{entities} HTML entit{} that XML does not define (such as &nbsp;), written as characters",
            if entities == 1 { "y" } else { "ies" }
        ));
    }
    if !unknown.is_empty() {
        unknown.sort();
        unknown.dedup();
        fixes.push(format!(
            "unknown entities or bare `&` kept as text: {}",
            unknown.join(", ")
        ));
    }
    if controls > 0 {
        fixes.push(format!(
            "{controls} control character{} that XML does not allow, removed",
            if controls == 1 { "" } else { "s" }
        ));
    }
    out
}

fn is_bad_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}')
}

/// One `&…` at the start of `text`: what to write and how many bytes it used.
fn entity(text: &str, defined: &mut usize, unknown: &mut Vec<String>) -> (String, usize) {
    let body_len = text[1..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .unwrap_or(text.len() - 1);
    let name = &text[1..1 + body_len];
    let has_semicolon = text[1 + body_len..].starts_with(';');
    if has_semicolon && !name.is_empty() {
        let used = name.len() + 2;
        if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
            return (text[..used].to_string(), used);
        }
        if let Some(number) = name.strip_prefix('#') {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse().ok(),
            };
            if code
                .and_then(char::from_u32)
                .is_some_and(|c| !is_bad_control(c))
            {
                return (text[..used].to_string(), used);
            }
        } else if let Some(&(a, b)) = NAMED_ENTITIES.get(&format!("{name};")[..]) {
            if a != 0 {
                *defined += 1;
                let mut s = format!("&#{a};");
                if b != 0 {
                    s.push_str(&format!("&#{b};"));
                }
                return (s, used);
            }
        }
        unknown.push(format!("&{name};"));
        return (format!("&amp;{name};"), used);
    }
    if name.is_empty() {
        unknown.push("&".into());
    } else {
        unknown.push(format!("&{name}"));
    }
    ("&amp;".into(), 1)
}

/// A Windows-1252 byte as a character (Latin-1 where 1252 has no mapping).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_what_real_feeds_get_wrong() {
        let mut fixes = Vec::new();
        let text = clean(
            b"\xEF\xBB\xBF \n <?xml version=\"1.0\"?><rss><t>a&nbsp;b &gtgt; R&D &amp; &#233;\x01</t><d><![CDATA[x &nbsp; y]]></d></rss>",
            &mut fixes,
        );
        assert_eq!(
            text,
            "<?xml version=\"1.0\"?><rss><t>a&#160;b &amp;gtgt; R&amp;D &amp; &#233;</t><d><![CDATA[x &nbsp; y]]></d></rss>"
        );
        assert_eq!(fixes.len(), 4, "{fixes:?}");
        let mut fixes = Vec::new();
        assert_eq!(
            clean(b"<a>caf\xe9 \x93q\x94</a>", &mut fixes),
            "<a>café “q”</a>"
        );
        assert_eq!(fixes.len(), 1);
        let mut fixes = Vec::new();
        assert_eq!(clean(b"<a>plain</a>", &mut fixes), "<a>plain</a>");
        assert!(fixes.is_empty());
    }
}
