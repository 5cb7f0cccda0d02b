//! Property tests: any string in any front matter field or setting comes out
//! of the feed as the same text (minus the control characters XML forbids)
//! and out of the HTML as text only: no element, attribute or script.

use crate::common;

use common::{FixtureSite, SAMPLE_MP3};
use proptest::prelude::*;

/// Strings rich in what breaks markup: quotes, ampersands, angle brackets,
/// CDATA ends, emoji, right-to-left text, control characters, and a tag.
fn nasty() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<x-evil onload=\"alert(1)\">",
        "</textarea><x-evil>",
        "\"",
        "'",
        "&",
        "&amp;",
        "<",
        ">",
        "]]>",
        "<![CDATA[",
        "{{ site.title }}",
        "{% raw %}",
        "😀",
        "שלום",
        "\u{202e}",
        "\u{1}",
        "\u{b}",
        "\u{fffe}",
        "\t",
        "a b",
        "Ünïcode",
        "\\",
        "javascript:",
    ]);
    prop::collection::vec(pieces, 1..6).prop_map(|v| format!("x{}", v.concat()))
}

/// What the text must look like after XML parsing: forbidden characters
/// removed, white space at the ends trimmed (Apple rejects it).
fn xml_clean(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
        })
        .collect();
    kept.trim().to_string()
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn build(title: &str, person: &str, tag: &str, chapter: &str, show: &str) -> FixtureSite {
    let config = format!(
        "title = {show}\ndescription = {show}\nbase_url = \"https://example.org/\"\nauthor = {person}\n[owner]\nname = {person}\nemail = \"o@example.org\"\n[[funding]]\nurl = \"https://example.org/f\"\ntext = {show}\n[[credits]]\nname = {person}\nrole = {person}\nwork = {title}\n",
        show = toml_str(show),
        person = toml_str(person),
        title = toml_str(title),
    );
    let site = FixtureSite::new(&config);
    site.write_bytes("static/media/a.mp3", SAMPLE_MP3);
    site.write(
        "content/episodes/001-a.md",
        &format!(
            "+++\ntitle = {t}\ndate = 2026-01-01\nepisode = 1\naudio = \"a.mp3\"\nguid = \"g1\"\nsummary = {t}\ntags = [{tag}]\nsupporters = [{p}]\n[[chapters]]\nstart = 0\ntitle = {c}\n[[feedback]]\nfrom = {p}\nvia = {p}\nintro = {t}\nquote = {t}\n[[credits]]\nname = {p}\nrole = {p}\nwork = {t}\n+++\nNotes.\n",
            t = toml_str(title),
            p = toml_str(person),
            tag = toml_str(tag),
            c = toml_str(chapter),
        ),
    );
    site
}

/// Every start tag in `html` (`<` then a letter, up to `>`): escaped text
/// never has a raw `<`, so these are the page's real elements.
fn tags(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest.find('>').unwrap_or(rest.len() - 1);
            found.push(&rest[..=end]);
            rest = &rest[end + 1..];
        } else {
            rest = &rest[1..];
        }
    }
    found
}

/// Separates `<script type="application/ld+json">` contents (JSON data, where
/// a JSON-escaped quote is no attribute) from the rest of the page.
fn split_json_ld(html: &str) -> (String, String) {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    let (mut rest, mut json) = (String::new(), String::new());
    let mut text = html;
    while let Some(start) = text.find(OPEN) {
        rest.push_str(&text[..start + OPEN.len()]);
        let after = &text[start + OPEN.len()..];
        let end = after.find("</script>").unwrap_or(after.len());
        json.push_str(&after[..end]);
        text = &after[end..];
    }
    rest.push_str(text);
    (rest, json)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_string_is_text_in_html_and_feed(title in nasty(), person in nasty(), tag in nasty(), chapter in nasty(), show in nasty()) {
        let site = build(&title, &person, &tag, &chapter, &show);
        site.build_ok();
        for (path, bytes) in site.snapshot_out() {
            if path.ends_with(".html") {
                let html = String::from_utf8(bytes).unwrap();
                let (html, json_ld) = split_json_ld(&html);
                prop_assert!(!json_ld.contains('<'), "{path}: JSON-LD could close its script element");
                prop_assert!(!html.contains("<x-evil"), "{path} has an element from front matter");
                for tag in tags(&html) {
                    prop_assert!(!tag.contains("onload=\""), "{path}: an attribute from front matter in {tag}");
                }
            }
        }
        let xml = site.read_out("feed.xml");
        let channel = rss::Channel::read_from(xml.as_bytes()).expect("the feed parses as XML");
        prop_assert_eq!(channel.title(), xml_clean(&show));
        let item = &channel.items()[0];
        let (clean_title, clean_person) = (xml_clean(&title), xml_clean(&person));
        prop_assert_eq!(item.title(), Some(clean_title.as_str()));
        prop_assert_eq!(item.description(), Some(clean_title.as_str()));
        let itunes = channel.itunes_ext().unwrap();
        prop_assert_eq!(itunes.author(), Some(clean_person.as_str()));
        let has_forbidden = xml.contains('\u{1}') || xml.contains('\u{b}');
        prop_assert!(!has_forbidden, "the feed carries a control character");
    }
}
