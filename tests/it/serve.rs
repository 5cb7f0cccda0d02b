//! `podsmith serve`: the real binary on a free loopback port, spoken to with
//! a plain HTTP/1.1 client over `TcpStream`.

use crate::common;

use common::{episode, FixtureSite, SAMPLE_MP3};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// A running `podsmith serve`; killed when dropped.
struct Server {
    child: Child,
    /// The system's temporary folder as serve sees it (`TMPDIR`), where it
    /// makes its work folder; removed with the server.
    tmp: tempfile::TempDir,
    port: u16,
    /// Lines of stdout and stderr.
    output: Receiver<String>,
    log: Vec<String>,
}

impl Server {
    fn start(site: &FixtureSite, extra: &[&str]) -> Server {
        Server::start_with_env(site, extra, &[])
    }

    fn start_with_env(site: &FixtureSite, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(common::bin())
            .args(["serve", "--port", "0"])
            .args(extra)
            .env("TMPDIR", tmp.path())
            .envs(env.iter().copied())
            .current_dir(site.root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start podsmith serve");
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for stream in [
            Box::new(stdout) as Box<dyn Read + Send>,
            Box::new(stderr) as Box<dyn Read + Send>,
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(|l| l.ok()) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let mut server = Server {
            child,
            tmp,
            port: 0,
            output: rx,
            log: Vec::new(),
        };
        let line = server.wait_for_line("Serving http://", Duration::from_secs(30));
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        server.port = port;
        server
    }

    /// Waits for an output line containing `needle`.
    fn wait_for_line(&mut self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line with {needle:?} within {limit:?}; output so far:\n{}",
                    self.log.join("\n")
                ),
            }
        }
    }

    fn get(&self, path: &str) -> HttpResponse {
        request(self.port, "GET", path, &[])
    }

    /// serve's work folder (the one `podsmith-serve-*` folder in its `TMPDIR`).
    fn work_dir(&self) -> PathBuf {
        work_dirs(self.tmp.path())
            .pop()
            .unwrap_or_else(|| panic!("no work folder in {:?}", self.tmp.path()))
    }
}

/// The serve work folders in `tmp`.
fn work_dirs(tmp: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("podsmith-serve-")
        })
        .map(|e| e.path())
        .collect()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on a fresh connection (`Connection: close`), read to the end.
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut text =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    HttpResponse {
        status,
        headers,
        body,
    }
}

/// Server-sent events as (name, data), read on a thread of their own.
struct Events {
    rx: Receiver<(String, String)>,
    _stream: TcpStream,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            stream,
            "GET /__podsmith/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let reader = stream.try_clone().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(reader);
            let mut line = String::new();
            // Headers first.
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == "\r\n" {
                    break;
                }
            }
            let (mut name, mut data) = (String::new(), Vec::<String>::new());
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let l = line.trim_end_matches(['\n', '\r']);
                if l.is_empty() {
                    if !name.is_empty() && tx.send((name.clone(), data.join("\n"))).is_err() {
                        return;
                    }
                    name.clear();
                    data.clear();
                } else if let Some(v) = l.strip_prefix("event: ") {
                    name = v.to_string();
                } else if let Some(v) = l.strip_prefix("data: ") {
                    data.push(v.to_string());
                }
            }
        });
        Events {
            rx,
            _stream: stream,
        }
    }

    /// The next event named `name` (others are skipped), within `limit`.
    fn next_named(&self, name: &str, limit: Duration) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((n, data)) if n == name => return Some(data),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
    }
}

/// Polls `path` until its body contains `needle`.
fn wait_for_body(server: &Server, path: &str, needle: &str, limit: Duration) -> HttpResponse {
    let deadline = Instant::now() + limit;
    loop {
        let response = server.get(path);
        if response.text().contains(needle) {
            return response;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never showed {needle:?}; last body:\n{}",
            response.text()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn site_with_two_episodes() -> FixtureSite {
    let site = FixtureSite::basic();
    site.write_bytes("static/cover.png", b"\x89PNG\r\n\x1a\nnot really");
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write("content/episodes/002-two.md", &episode("Two", 2, "two.mp3"));
    site
}

#[test]
fn serves_pages_with_types_redirects_and_404() {
    let site = site_with_two_episodes();
    let server = Server::start(&site, &[]);
    let base = format!("http://127.0.0.1:{}/", server.port);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    // Tera writes `/` as `&#x2F;` in attributes.
    let html = home.text().replace("&#x2F;", "/");
    // The script is put into every page served, once, before `</body>`,
    // and the length says so.
    assert_eq!(
        html.matches("/__podsmith/live-reload.js").count(),
        1,
        "{html}"
    );
    assert!(html.contains("<script src=\"/__podsmith/live-reload.js\"></script></body>"));
    assert_eq!(
        home.header("Content-Length"),
        Some(home.body.len().to_string().as_str())
    );
    let head = request(server.port, "HEAD", "/", &[]);
    assert_eq!(
        head.header("Content-Length"),
        Some(home.body.len().to_string().as_str())
    );
    assert!(
        html.contains(&format!("{base}episodes/001-one/")),
        "links use the local base URL"
    );
    assert!(!html.contains("https://example.org/show/episodes"));

    let page = server.get("/episodes/001-one/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Notes for One."));

    let redirect = server.get("/episodes/001-one?x=1");
    // Temporary (ServeDir's choice): a browser must not remember a
    // preview's redirect.
    assert_eq!(redirect.status, 307);
    assert_eq!(redirect.header("Location"), Some("/episodes/001-one/?x=1"));

    let feed = server.get("/feed.xml");
    assert_eq!(feed.status, 200);
    assert!(feed
        .header("Content-Type")
        .unwrap()
        .starts_with("application/xml"));
    assert!(feed.text().contains(&format!("{base}media/one.mp3")));

    let css = server.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert!(css.header("Content-Type").unwrap().starts_with("text/css"));

    let png = server.get("/cover.png");
    assert_eq!(png.header("Content-Type"), Some("image/png"));

    let mp3 = server.get("/media/one.mp3");
    assert_eq!(mp3.status, 200);
    assert_eq!(mp3.header("Content-Type"), Some("audio/mpeg"));
    assert_eq!(mp3.header("Accept-Ranges"), Some("bytes"));
    assert_eq!(mp3.body, SAMPLE_MP3);

    let js = server.get("/__podsmith/live-reload.js");
    assert_eq!(js.status, 200);
    assert!(js
        .header("Content-Type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(js.text().contains("EventSource"));
    assert!(js.text().contains("textContent"));

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"));
    assert!(missing.text().contains("/__podsmith/live-reload.js"));
    let missing_audio = server.get("/media/none.mp3");
    assert_eq!(missing_audio.status, 404);
    assert!(missing_audio
        .header("Content-Type")
        .unwrap()
        .starts_with("text/html"));

    let post = request(server.port, "POST", "/", &[]);
    assert_eq!(post.status, 405);

    // Serve never writes into the site's own public/.
    assert!(!site.path("public").exists());
}

#[test]
fn answers_ranges_and_head() {
    let site = FixtureSite::basic();
    let server = Server::start(&site, &[]);
    let len = SAMPLE_MP3.len();

    let r = request(
        server.port,
        "GET",
        "/media/one.mp3",
        &[("Range", "bytes=100-199")],
    );
    assert_eq!(r.status, 206);
    assert_eq!(
        r.header("Content-Range"),
        Some(format!("bytes 100-199/{len}").as_str())
    );
    assert_eq!(r.header("Content-Length"), Some("100"));
    assert_eq!(r.body, &SAMPLE_MP3[100..200]);

    let r = request(
        server.port,
        "GET",
        "/media/one.mp3",
        &[("Range", "bytes=-500")],
    );
    assert_eq!(r.status, 206);
    assert_eq!(
        r.header("Content-Range"),
        Some(format!("bytes {}-{}/{len}", len - 500, len - 1).as_str())
    );
    assert_eq!(r.body, &SAMPLE_MP3[len - 500..]);

    let r = request(
        server.port,
        "GET",
        "/media/one.mp3",
        &[("Range", "bytes=100-")],
    );
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &SAMPLE_MP3[100..]);

    let r = request(
        server.port,
        "GET",
        "/media/one.mp3",
        &[("Range", &format!("bytes={len}-"))],
    );
    assert_eq!(r.status, 416);
    assert_eq!(
        r.header("Content-Range"),
        Some(format!("bytes */{len}").as_str())
    );

    let r = request(server.port, "HEAD", "/media/one.mp3", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some(len.to_string().as_str()));
    assert_eq!(r.header("Content-Type"), Some("audio/mpeg"));
    assert!(r.body.is_empty());

    let r = request(server.port, "HEAD", "/", &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
}

#[test]
fn never_serves_files_outside_the_output() {
    let site = FixtureSite::basic();
    let server = Server::start(&site, &[]);
    for path in [
        "/../podcast.toml",
        "/%2e%2e/podcast.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fpodcast.toml",
        "/..%5cpodcast.toml",
        "/..\\podcast.toml",
        "/assets/../../podcast.toml",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/%00",
        "/%zz",
    ] {
        let r = server.get(path);
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        assert!(
            !r.text().contains("Fixture Show\"\ndescription"),
            "{path} leaked podcast.toml"
        );
        assert!(!r.text().contains("root:x:0"), "{path} leaked /etc/passwd");
    }
    // Still fine afterwards.
    assert_eq!(server.get("/").status, 200);
}

/// An edit reaches the served page and the open page is told to reload;
/// an error keeps the old page, and a fix recovers. (How fast: see
/// benches/serve-reload.py.)
#[test]
fn rebuilds_on_change_and_recovers_from_errors() {
    let site = FixtureSite::basic();
    let mut server = Server::start(&site, &[]);
    let events = Events::connect(server.port);
    assert!(events
        .next_named("hello", Duration::from_secs(10))
        .is_some());

    // An edit shows up, and the page is told to reload.
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace("Notes for One.", "Freshly edited notes."),
    );
    assert!(
        events
            .next_named("reload", Duration::from_secs(10))
            .is_some(),
        "no reload event"
    );
    wait_for_body(
        &server,
        "/episodes/001-one/",
        "Freshly edited notes.",
        Duration::from_secs(10),
    );
    server.wait_for_line("Rebuilt in", Duration::from_secs(10));

    // A broken file: an error event, the old page still served.
    site.write(
        "content/episodes/001-one.md",
        "+++\ntitle = \"One\"\ndate = \n+++\nbroken\n",
    );
    let error = events
        .next_named("build-error", Duration::from_secs(10))
        .expect("an error event");
    assert!(error.contains("001-one.md"), "{error}");
    server.wait_for_line("001-one.md", Duration::from_secs(10));
    let page = server.get("/episodes/001-one/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Freshly edited notes."));

    // A page that connects now is told about the error at once.
    let late = Events::connect(server.port);
    assert!(late
        .next_named("build-error", Duration::from_secs(10))
        .is_some());

    // Fixing it recovers without a restart.
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace("Notes for One.", "Fixed again."),
    );
    assert!(events
        .next_named("reload", Duration::from_secs(10))
        .is_some());
    wait_for_body(
        &server,
        "/episodes/001-one/",
        "Fixed again.",
        Duration::from_secs(10),
    );
}

#[test]
fn an_editor_save_burst_rebuilds_once() {
    let site = FixtureSite::basic();
    // A longer quiet time than the default 50 ms, so a busy test machine
    // that pauses this test mid-burst does not split the burst.
    let mut server = Server::start_with_env(&site, &[], &[("PODSMITH_SERVE_DEBOUNCE_MS", "300")]);
    let events = Events::connect(server.port);
    assert!(events
        .next_named("hello", Duration::from_secs(10))
        .is_some());
    // What vim does: swap file, backup by rename, write a new file, remove
    // the backup and the swap file.
    let file = site.path("content/episodes/001-one.md");
    let dir = file.parent().unwrap().to_path_buf();
    std::fs::write(dir.join(".001-one.md.swp"), "swap").unwrap();
    std::fs::write(dir.join("4913"), "").unwrap();
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::fs::rename(&file, dir.join("001-one.md~")).unwrap();
    std::fs::write(
        &file,
        episode("One", 1, "one.mp3").replace("Notes for One.", "Saved by vim."),
    )
    .unwrap();
    std::fs::remove_file(dir.join("001-one.md~")).unwrap();
    std::fs::remove_file(dir.join(".001-one.md.swp")).unwrap();
    assert!(events
        .next_named("reload", Duration::from_secs(10))
        .is_some());
    server.wait_for_line("Rebuilt in", Duration::from_secs(10));
    // No second rebuild follows.
    assert!(
        events
            .next_named("reload", Duration::from_millis(700))
            .is_none(),
        "a save burst rebuilt twice"
    );
    // Editor temp files alone rebuild nothing.
    std::fs::write(dir.join(".other.md.swp"), "swap").unwrap();
    std::fs::write(dir.join("notes.md~"), "backup").unwrap();
    assert!(events
        .next_named("reload", Duration::from_millis(500))
        .is_none());
    assert!(
        wait_for_body(
            &server,
            "/episodes/001-one/",
            "Saved by vim.",
            Duration::from_secs(5)
        )
        .status
            == 200
    );
}

#[test]
fn drafts_are_shown_only_with_the_flag() {
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/002-draft.md",
        &episode("Secret draft", 2, "one.mp3").replace("+++\n\n", "draft = true\n+++\n\n"),
    );
    {
        let server = Server::start(&site, &[]);
        assert_eq!(server.get("/episodes/002-draft/").status, 404);
        assert!(!server.get("/").text().contains("Secret draft"));
    }
    let server = Server::start(&site, &["--drafts"]);
    let page = server.get("/episodes/002-draft/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Secret draft"));
    assert!(server.get("/").text().contains("badge draft"));
}

#[test]
fn a_site_that_never_built_shows_the_error_then_recovers() {
    let site = FixtureSite::basic();
    site.write(
        "content/episodes/001-one.md",
        "+++\ntitle = \"One\"\n+++\nno date\n",
    );
    let server = Server::start(&site, &[]);
    let r = server.get("/");
    assert_eq!(r.status, 503);
    assert!(r.text().contains("001-one.md"));
    assert!(r.text().contains("/__podsmith/live-reload.js"));
    site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    wait_for_body(
        &server,
        "/episodes/001-one/",
        "Notes for One.",
        Duration::from_secs(10),
    );
}

#[test]
fn survives_malformed_requests() {
    let site = FixtureSite::basic();
    let server = Server::start(&site, &[]);
    let garbage: [&[u8]; 6] = [
        b"\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nRange: bytes=99999999999999999999999-\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n", // never finished
    ];
    for bytes in garbage {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let _ = stream.write_all(bytes);
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
    }
    // An event stream that goes away does not hurt either.
    drop(Events::connect(server.port));
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Fixture Show"));
}

/// Regression test for the server podsmith used before (tiny_http 0.12),
/// whose thread pool could leave a new connection unread while others sat
/// idle in keep-alive: a burst of requests, next to idle connections and an
/// open event stream, is answered in full.
#[test]
fn answers_a_burst_next_to_idle_connections() {
    let site = FixtureSite::basic();
    let server = Server::start(&site, &[]);
    let port = server.port;
    let idle: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            s
        })
        .collect();
    let _events = Events::connect(port);
    let started = Instant::now();
    let workers: Vec<_> = (0..48)
        .map(|i| {
            std::thread::spawn(move || {
                let path = if i % 2 == 0 { "/media/one.mp3" } else { "/" };
                (path, request(port, "GET", path, &[]))
            })
        })
        .collect();
    for worker in workers {
        let (path, response) = worker.join().expect("every request is answered in time");
        assert_eq!(response.status, 200, "{path}");
        if path.ends_with(".mp3") {
            assert_eq!(response.body, SAMPLE_MP3);
        }
    }
    eprintln!("48 requests answered in {:?}", started.elapsed());
    drop(idle);
}

#[test]
fn base_url_sets_the_preview_links() {
    let site = FixtureSite::basic();
    let server = Server::start(&site, &["--base-url", "http://podcast.test:8080/preview"]);
    let home = server.get("/").text().replace("&#x2F;", "/");
    assert!(
        home.contains("http://podcast.test:8080/preview/episodes/001-one/"),
        "{home}"
    );
    // Printed before the "Serving" line the server start waited for.
    assert!(
        server
            .log
            .iter()
            .any(|l| l.contains("links point at http://podcast.test:8080/preview/")),
        "{:?}",
        server.log
    );
}

/// Ctrl-C (SIGINT) and SIGTERM end serve and remove its work folder.
#[cfg(unix)]
#[test]
fn interrupt_removes_the_work_folder() {
    for signal in ["-INT", "-TERM"] {
        let site = FixtureSite::basic();
        let mut server = Server::start(&site, &[]);
        let work = server.work_dir();
        assert!(work.join("public/index.html").is_file(), "{work:?}");
        let sent = Command::new("kill")
            .args([signal, &server.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on {signal}");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(130), "{signal}");
        assert!(!work.exists(), "{signal} left {work:?}");
    }
}

/// After an edit to one episode, serve re-renders only what shows it; the
/// served episode page, its neighbours, the lists and the feed must all
/// show the edit (tests/it/incremental.rs checks the files against a full build).
#[test]
fn an_edited_episode_shows_everywhere_after_an_incremental_rebuild() {
    let site = site_with_two_episodes();
    site.write_bytes("static/media/three.mp3", SAMPLE_MP3);
    site.write(
        "content/episodes/003-three.md",
        &episode("Three", 3, "three.mp3"),
    );
    let mut server = Server::start(&site, &[]);
    wait_for_body(
        &server,
        "/episodes/002-two/",
        "Notes for Two.",
        Duration::from_secs(10),
    );

    // The notes only.
    site.write(
        "content/episodes/002-two.md",
        &episode("Two", 2, "two.mp3").replace("Notes for Two.", "Notes for Two, edited."),
    );
    server.wait_for_line("Rebuilt in", Duration::from_secs(20));
    assert!(server
        .get("/episodes/002-two/")
        .text()
        .contains("Notes for Two, edited."));
    assert!(server
        .get("/feed.xml")
        .text()
        .contains("Notes for Two, edited."));
    assert!(server
        .get("/episodes/001-one/")
        .text()
        .contains("Notes for One."));

    // The title: the neighbours, the index, the tag page and the feed show it.
    site.write(
        "content/episodes/002-two.md",
        &episode("Two Renamed", 2, "two.mp3")
            .replace("Notes for Two Renamed.", "Notes for Two, edited."),
    );
    server.wait_for_line("Rebuilt in", Duration::from_secs(20));
    for path in [
        "/episodes/002-two/",
        "/episodes/001-one/",
        "/episodes/003-three/",
        "/",
        "/tags/common/",
        "/archive/",
        "/feed.xml",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.text().contains("Two Renamed"),
            "{path} does not show the new title"
        );
    }
    let one = server.get("/episodes/001-one/").text();
    assert!(one.contains("Notes for One.") && !one.contains("Notes for Two"));
    assert!(server
        .get("/episodes/003-three/")
        .text()
        .contains("Notes for Three."));
    let feed = server.get("/feed.xml").text();
    assert_eq!(feed.matches("<item>").count(), 3, "{feed}");
    assert!(feed.contains("Notes for Three.") && feed.contains("Notes for One."));
}

/// serve removes only its own abandoned work folders: never an unmarked
/// folder that merely looks like one (issue 15, observation 6), and never
/// the folder of a serve that still runs.
#[test]
fn serve_removes_only_its_own_abandoned_work_folders() {
    let site = FixtureSite::basic();
    let first = Server::start(&site, &[]);
    let running = first.work_dir();
    // Looks like an old serve's folder (a pid that is not running), but
    // holds someone's file and no serve marker.
    let lookalike = first.tmp.path().join("podsmith-serve-4000000");
    std::fs::create_dir(&lookalike).unwrap();
    std::fs::write(lookalike.join("precious.txt"), b"mine").unwrap();
    // An abandoned work folder of a serve that was killed.
    let abandoned = first.tmp.path().join("podsmith-serve-abandoned");
    std::fs::create_dir(&abandoned).unwrap();
    std::fs::write(abandoned.join(".podsmith-serve"), b"4000001\n").unwrap();
    let tmp = first.tmp.path().to_str().unwrap().to_string();
    let second = Server::start_with_env(&site, &[], &[("TMPDIR", &tmp)]);
    assert_eq!(
        std::fs::read(lookalike.join("precious.txt")).unwrap(),
        b"mine"
    );
    assert!(!abandoned.exists(), "the abandoned work folder stays");
    assert!(
        running.join("public/index.html").is_file(),
        "a running serve's folder was removed"
    );
    assert!(first.get("/").status == 200);
    drop(second);
}

/// The live-reload script is put in by serve, not by the templates: a
/// site's own base.html without it still reloads, and a built site never
/// mentions it.
#[test]
fn live_reload_survives_an_overridden_base_template() {
    let site = FixtureSite::basic();
    site.write(
        "templates/base.html",
        "<!DOCTYPE html><html><head><title>Own</title>{% block head %}{% endblock head %}</head>\
         <body>{% block content %}{% endblock content %}</body></html>",
    );
    let server = Server::start(&site, &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.text().contains("<title>Own</title>"),
        "{}",
        home.text()
    );
    assert!(home
        .text()
        .contains("<script src=\"/__podsmith/live-reload.js\"></script></body>"));
    let public = server.work_dir().join("public/index.html");
    let built = std::fs::read_to_string(public).unwrap();
    assert!(!built.contains("live-reload"), "{built}");
}
