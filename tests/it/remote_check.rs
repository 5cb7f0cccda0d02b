//! `podsmith check --remote FEED_URL` against real servers on 127.0.0.1:
//! `podsmith serve` (which answers as apps need), and a server of the
//! test's own that answers without Range support, or with a length other
//! than the feed's, which must be reported with a failing exit status.

use crate::common;
use crate::http_fixture;

use common::{FixtureSite, BASIC_CONFIG, SAMPLE_MP3};
use http_fixture::{Request, Response, TestServer};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A site with one episode that has chapters and a transcript.
fn site(base_url: &str) -> FixtureSite {
    let site = FixtureSite::new(&BASIC_CONFIG.replace("https://example.org/show/", base_url));
    site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    site.write(
        "static/media/one.vtt",
        "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n",
    );
    site.write(
        "content/episodes/001-one.md",
        "+++\ntitle = \"One\"\ndate = 2026-01-01T08:00:00Z\naudio = \"one.mp3\"\nguid = \"guid-1\"\nsummary = \"One.\"\n[[chapters]]\nstart = \"00:00\"\ntitle = \"Start\"\n+++\n\nNotes.\n",
    );
    site
}

fn check_remote(url: &str) -> (bool, String) {
    let out = Command::new(common::bin())
        .args(["check", "--remote", url, "--timeout", "10"])
        .output()
        .expect("run podsmith");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_site_served_by_podsmith_serve_passes() {
    let site = site("https://example.org/show/");
    let mut child = Command::new(common::bin())
        .args(["serve", "--port", "0"])
        .current_dir(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _guard = Serve(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut base = None;
    for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
        if let Some(rest) = line.split("Serving ").nth(1) {
            base = rest.split_whitespace().next().map(String::from);
            break;
        }
        assert!(Instant::now() < deadline, "serve did not start");
    }
    let base = base.expect("serve printed its address");
    let (ok, text) = check_remote(&format!("{base}feed.xml"));
    assert!(ok, "{text}");
    for what in ["feed", "enclosure", "cover", "chapters", "transcript"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("ok") && l.contains(what)),
            "no passing {what} row:\n{text}"
        );
    }
    assert!(text.contains("0 failed, 0 with warnings"), "{text}");
}

/// How the test's server misbehaves.
#[derive(Clone, Copy)]
enum Fault {
    /// Ranges are ignored: 200 and the whole file.
    NoRanges,
    /// The audio is served 10 bytes short of what the feed says.
    WrongLength,
    /// The feed is served as HTML.
    FeedAsHtml,
}

/// A static server for `public/`, with `fault` for the audio.
fn bad_server(listener: std::net::TcpListener, public: PathBuf, fault: Fault) -> TestServer {
    TestServer::serve(listener, move |r: &Request| {
        let rel = r
            .path
            .split('?')
            .next()
            .unwrap_or("")
            .trim_start_matches('/');
        let rel = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        };
        let Ok(mut bytes) = std::fs::read(public.join(&rel)) else {
            return Response::new(404, "not found");
        };
        let kind = match Path::new(&rel).extension().and_then(|e| e.to_str()) {
            Some("xml") if matches!(fault, Fault::FeedAsHtml) => "text/html",
            Some("xml") => "application/rss+xml",
            Some("mp3") => "audio/mpeg",
            Some("png") => "image/png",
            Some("json") => "application/json",
            Some("vtt") => "text/vtt",
            _ => "text/html",
        };
        let audio = kind == "audio/mpeg";
        if audio && matches!(fault, Fault::WrongLength) {
            bytes.truncate(bytes.len() - 10);
        }
        let range = r
            .header("range")
            .and_then(|v| v.strip_prefix("bytes="))
            .and_then(|v| v.split_once('-'))
            .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
        match range {
            Some((a, b)) if !(audio && matches!(fault, Fault::NoRanges)) => {
                let total = bytes.len();
                Response::new(206, bytes[a..=b.min(total - 1)].to_vec())
                    .header("Content-Type", kind)
                    .header("Content-Range", &format!("bytes {a}-{b}/{total}"))
            }
            _ => Response::new(200, bytes).header("Content-Type", kind),
        }
    })
}

/// Builds a site for a server on a port bound first, then serves it badly.
fn check_against(fault: Fault) -> (bool, String, u64) {
    let (listener, port) = TestServer::bind();
    let site = site(&format!("http://127.0.0.1:{port}/"));
    site.build_ok();
    let _server = bad_server(listener, site.path("public"), fault);
    let (ok, text) = check_remote(&format!("http://127.0.0.1:{port}/feed.xml"));
    (ok, text, SAMPLE_MP3.len() as u64)
}

#[test]
fn a_host_without_range_support_fails() {
    let (ok, text, _) = check_against(Fault::NoRanges);
    assert!(!ok, "passed:\n{text}");
    let row = text
        .lines()
        .position(|l| l.starts_with("FAIL") && l.contains("enclosure"))
        .unwrap_or_else(|| panic!("no failing enclosure row:\n{text}"));
    assert!(
        text.lines()
            .nth(row + 1)
            .unwrap()
            .contains("no Range support"),
        "{text}"
    );
    assert!(!text.contains("length: the feed says"), "{text}");
}

#[test]
fn a_wrong_length_fails() {
    let (ok, text, len) = check_against(Fault::WrongLength);
    assert!(!ok, "passed:\n{text}");
    assert!(
        text.contains(&format!(
            "length: the feed says {len} bytes, the server sends {}",
            len - 10
        )),
        "{text}"
    );
    assert!(!text.contains("no Range support"), "{text}");
    // The test's server sends no CORS headers: chapters and transcripts fail too.
    assert!(text.contains("no Access-Control-Allow-Origin"), "{text}");
}

#[test]
fn too_many_redirects_and_a_missing_feed_fail() {
    let server = TestServer::start(|r| {
        let n: u32 = r.path.trim_start_matches("/r").parse().unwrap_or(0);
        Response::new(302, "").header("Location", &format!("/r{}", n + 1))
    });
    let (ok, text) = check_remote(&format!("http://127.0.0.1:{}/r0", server.port));
    assert!(!ok);
    assert!(text.contains("more than 5 redirects"), "{text}");
    let server = TestServer::start(|_| Response::new(404, "gone"));
    let (ok, text) = check_remote(&format!("http://127.0.0.1:{}/feed.xml", server.port));
    assert!(!ok);
    assert!(text.contains("answered HTTP 404"), "{text}");
}

#[test]
fn a_feed_served_as_html_fails() {
    let (ok, text, _) = check_against(Fault::FeedAsHtml);
    assert!(!ok, "passed:\n{text}");
    assert!(
        text.lines().next().unwrap().starts_with("FAIL  feed"),
        "{text}"
    );
    assert!(text.contains("Content-Type is \"text/html\""), "{text}");
    assert!(
        text.contains("web players on other sites cannot read the feed"),
        "{text}"
    );
}
