//! Escaping text for HTML (Tera's escape function) and XML.

/// Tera's escape function: text for HTML text and quoted attributes.
pub(super) fn write_escaped_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape(text, "&#39;", |piece| out.write_all(piece.as_bytes()))
}

/// Escapes text for HTML text and quoted attributes.
#[cfg(test)]
fn escape_html(text: &str) -> String {
    escape_to_string(text, "&#39;")
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(text: &str) -> String {
    escape_to_string(text, "&apos;")
}

fn escape_to_string(text: &str, apostrophe: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let _ = escape(text, apostrophe, |piece| -> std::io::Result<()> {
        out.push_str(piece);
        Ok(())
    });
    out
}

/// Replaces `& < > " '` with entities, handing `put` the text between them
/// in whole runs. Working on bytes is safe: these are ASCII, and no byte of
/// a multi-byte UTF-8 character is below 0x80.
fn escape<E>(
    text: &str,
    apostrophe: &str,
    mut put: impl FnMut(&str) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut copied = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => apostrophe,
            _ => continue,
        };
        put(&text[copied..i])?;
        put(entity)?;
        copied = i + 1;
    }
    put(&text[copied..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_every_other_character() {
        let text = "Grüße <b>\"日本\"</b> & 'ok' 🎙";
        assert_eq!(
            escape_html(text),
            "Grüße &lt;b&gt;&quot;日本&quot;&lt;/b&gt; &amp; &#39;ok&#39; 🎙"
        );
        assert_eq!(xml_escape("a'b"), "a&apos;b");
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("&"), "&amp;");
    }
}
