//! Large and strange input: each either builds or fails with a clear error,
//! never a crash, a stack overflow or a hang.

use crate::common;

use common::FixtureSite;

fn site_with(name: &str, text: &str) -> FixtureSite {
    let site = FixtureSite::basic();
    site.write_bytes(&format!("content/episodes/{name}"), text.as_bytes());
    site
}

#[test]
fn markdown_nested_ten_thousand_levels_deep() {
    let body = format!(
        "{} deep\n\n{}x\n\n{}\n",
        ">".repeat(10_000),
        "- ".repeat(10_000),
        "[".repeat(10_000)
    );
    let site = site_with(
        "002-deep.md",
        &format!("+++\ntitle = \"Deep\"\ndate = 2026-01-02\n+++\n{body}"),
    );
    site.build_ok();
    assert!(site
        .read_out("episodes/002-deep/index.html")
        .contains("deep"));
}

#[test]
fn a_hundred_thousand_supporters_and_ten_thousand_chapters() {
    let supporters: Vec<String> = (0..100_000).map(|i| format!("\"Supporter {i}\"")).collect();
    let chapters: String = (0..10_000)
        .map(|i| format!("[[chapters]]\nstart = {i}\ntitle = \"Chapter {i}\"\n"))
        .collect();
    let text = format!(
        "+++\ntitle = \"Big\"\ndate = 2026-01-02\nsupporters = [{}]\n{chapters}+++\nNotes.\n",
        supporters.join(",")
    );
    let site = site_with("002-big.md", &text);
    site.build_ok();
    let page = site.read_out("episodes/002-big/index.html");
    assert!(page.contains("Supporter 99999"));
    assert!(page.contains("Chapter 9999"));
    assert!(site
        .read_out("supporters/index.html")
        .contains(r#"<span class="word">Supporter</span> <span class="word">12345</span>"#));
}

#[test]
fn fifty_megabytes_of_notes() {
    let paragraph =
        "Some text with a [link](https://example.org/x) and *emphasis*.\n\n- a list item\n\n";
    let body = paragraph.repeat(50_000_000 / paragraph.len());
    let site = site_with(
        "002-huge.md",
        &format!("+++\ntitle = \"Huge\"\ndate = 2026-01-02\n+++\n{body}"),
    );
    site.build_ok();
    let page = std::fs::metadata(site.path("public/episodes/002-huge/index.html")).unwrap();
    assert!(page.len() > 50_000_000);
}

#[test]
fn windows_line_endings_and_byte_order_mark() {
    let text = "\u{feff}+++\r\ntitle = \"Windows\"\r\ndate = 2026-01-02\r\n+++\r\nLine one\r\n\r\n## Heading\r\n";
    let site = site_with("002-win.md", text);
    site.build_ok();
    let page = site.read_out("episodes/002-win/index.html");
    assert!(page.contains("<h2 id=\"heading\">Heading</h2>"), "{page}");
    assert!(!page.contains('\r'));
}

#[test]
fn non_utf8_file_is_a_clear_error() {
    let site = FixtureSite::basic();
    site.build_ok();
    let mut bytes = b"+++\ntitle = \"Caf".to_vec();
    bytes.extend_from_slice(&[0xE9, b'"', b'\n']);
    bytes.extend_from_slice(b"date = 2026-01-02\n+++\n");
    site.write_bytes("content/episodes/002-latin1.md", &bytes);
    let stderr = site.build_err();
    assert!(
        stderr.contains("content/episodes/002-latin1.md:2:13"),
        "{stderr}"
    );
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    assert!(stderr.contains("save it as UTF-8"), "{stderr}");
}

#[test]
fn empty_and_whitespace_files_are_clear_errors() {
    for text in ["", "   \n", "+++"] {
        let site = site_with("002-empty.md", text);
        let stderr = site.build_err();
        assert!(stderr.contains("002-empty.md"), "{stderr}");
        assert!(stderr.contains("+++"), "{stderr}");
    }
}
