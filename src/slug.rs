//! URL-safe names for episodes, pages, tags and heading anchors.

/// Lowercases `text` and keeps letters and digits (any script), joining the
/// words with `-`: `"Privacy & You!"` becomes `privacy-you`. The result never
/// contains `/`, `.`, spaces or `..`, so it is safe as one path segment; it is
/// empty only when `text` has no letter or digit.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c);
        } else if c == '_'
            || c == '-'
            || c.is_whitespace()
            || c.is_ascii_punctuation()
            || !c.is_control()
        {
            pending_dash = true;
        }
    }
    slug
}

/// The longest slug, in bytes: a slug is a folder name in the output
/// (`episodes/SLUG/`, `tags/SLUG/`, `SLUG/`), and file systems allow 255
/// bytes per name (some encrypted ones fewer); this leaves room.
pub const MAX_SLUG_BYTES: usize = 200;

/// Why `slug` cannot be a folder name, when it is too long.
pub fn too_long(slug: &str) -> Option<String> {
    (slug.len() > MAX_SLUG_BYTES).then(|| {
        format!(
            "is {} bytes long; the limit is {MAX_SLUG_BYTES} bytes (it becomes a folder name)",
            slug.len()
        )
    })
}

/// Percent-encodes one URL path segment (keeps `A-Za-z0-9-._~`).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes a relative path, segment by segment.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// Decodes `%XX` escapes; an invalid escape stays as written and invalid
/// UTF-8 becomes U+FFFD.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slugify("Privacy & You!"), "privacy-you");
        assert_eq!(slugify("  ../etc/passwd "), "etc-passwd");
        assert_eq!(slugify("Ünïcode Straße"), "ünïcode-straße");
        assert_eq!(slugify("日本語 タグ"), "日本語-タグ");
        assert_eq!(slugify("a.b/c d"), "a-b-c-d");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn encoding() {
        assert_eq!(encode_path("a b/ü.mp3"), "a%20b/%C3%BC.mp3");
    }
}
