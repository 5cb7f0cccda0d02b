//! `podsmith serve`: builds the site into a temporary folder, serves it on a
//! local address, watches the sources and rebuilds on every change, telling
//! the open pages to reload (or to show the build error) over server-sent
//! events.
//!
//! Threads: the main thread watches and rebuilds; one thread accepts HTTP
//! requests and each request is answered on a thread of its own, so the
//! long-lived event streams never block the others.

use crate::config::{Config, CONFIG_FILE};
use crate::error::{display_path, Error, Result};
use crate::output::Cycle;
use crate::site::LoadOptions;
use crate::{load_site, render, render_site, BuildOptions};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// The live-reload script's address (the templates load it in serve mode).
pub const LIVE_RELOAD_PATH: &str = "/__podsmith/live-reload.js";
/// The server-sent events stream the script listens to.
pub const EVENTS_PATH: &str = "/__podsmith/events";
/// How long the sources must stay quiet before a rebuild starts: an editor's
/// save (temp file, rename over, several writes) arrives as one burst.
pub const DEBOUNCE: Duration = Duration::from_millis(50);
/// Replaces [`DEBOUNCE`], in milliseconds (for slow network file systems,
/// and for tests on busy machines).
pub const DEBOUNCE_ENV: &str = "PODSMITH_SERVE_DEBOUNCE_MS";
/// Event streams send a comment this often, so dead clients are noticed.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// At most this many requests (open event streams included) at once; more
/// get 503 at once instead of a thread each.
const MAX_REQUEST_THREADS: usize = 256;

/// Counts one request thread while it lives.
struct ActiveGuard(Arc<AtomicUsize>);

impl ActiveGuard {
    fn new(count: &Arc<AtomicUsize>) -> ActiveGuard {
        count.fetch_add(1, Ordering::SeqCst);
        ActiveGuard(Arc::clone(count))
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

const LIVE_RELOAD_JS: &str = include_str!("serve/live-reload.js");

/// What `podsmith serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 0: any free port (the printed URL says which).
    pub port: u16,
    pub bind: IpAddr,
    pub include_drafts: bool,
}

/// A message to the open pages.
#[derive(Debug, Clone)]
enum Message {
    Reload(String),
    BuildError(String),
}

/// State shared by the builder and the request threads.
struct Shared {
    out: PathBuf,
    /// Held for reading while a request resolves a path, for writing while a
    /// new build is swapped in.
    swap: RwLock<()>,
    status: Mutex<Status>,
    clients: Mutex<Vec<Sender<Message>>>,
    /// The output folder across rebuilds: only changed files are rewritten.
    output: Mutex<Cycle>,
}

struct Status {
    /// Changes with every successful build (and every server start), so a
    /// page that reconnects after a missed reload still reloads.
    build_id: String,
    /// The last build's error, while it is not fixed.
    error: Option<String>,
    /// Whether a build ever succeeded.
    has_site: bool,
}

impl Shared {
    fn broadcast(&self, message: Message) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(message.clone()).is_ok());
    }
}

/// Runs the server until the process is stopped.
pub fn run(options: &ServeOptions) -> Result<()> {
    let root = options.root.clone();
    Config::load(&root)?; // a missing podcast.toml is an error at once
    let work = std::env::temp_dir().join(format!("podsmith-serve-{}", std::process::id()));
    remove_stale_work_dirs();
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| Error::io(&work, "create", e))?;
    let out = work.join("public");

    let server = tiny_http::Server::http((options.bind, options.port)).map_err(|e| {
        Error::new(
            None,
            format!("cannot listen on {}:{}: {e}", options.bind, options.port),
        )
    })?;
    let port = match server.server_addr() {
        tiny_http::ListenAddr::IP(addr) => addr.port(),
        #[allow(unreachable_patterns)]
        _ => options.port,
    };
    let host = match options.bind {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let base_url = format!("http://{host}:{port}/");
    let build_options = BuildOptions {
        root: root.clone(),
        out: out.clone(),
        load: LoadOptions {
            include_drafts: options.include_drafts,
            ..LoadOptions::default()
        },
        render: render::RenderOptions { live_reload: true },
        base_url: Some(base_url.clone()),
        // A preview never blocks on feed changes; `build` and `check` guard them.
        accept_feed_changes: true,
    };
    let shared = Arc::new(Shared {
        out,
        swap: RwLock::new(()),
        status: Mutex::new(Status {
            build_id: new_build_id(),
            error: None,
            has_site: false,
        }),
        clients: Mutex::new(Vec::new()),
        output: Mutex::new(Cycle::default()),
    });

    // Watch before the first build, so no change is missed.
    let mut watch = SiteWatch::start(&root)?;
    let started = Instant::now();
    match rebuild(&build_options, &shared) {
        Ok(summary) => println!("{summary} in {} ms", started.elapsed().as_millis()),
        Err(e) => eprintln!("{e}\nThe server starts anyway; fix the error and it rebuilds."),
    }
    {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("podsmith-http".into())
            .spawn(move || {
                let active = Arc::new(AtomicUsize::new(0));
                for request in server.incoming_requests() {
                    if active.load(Ordering::SeqCst) >= MAX_REQUEST_THREADS {
                        let _ = request.respond(
                            text_response(503, "Too many requests at once.\n")
                                .with_header(header("Retry-After", "1")),
                        );
                        continue;
                    }
                    let shared = Arc::clone(&shared);
                    let counted = ActiveGuard::new(&active);
                    let spawned = std::thread::Builder::new()
                        .name("podsmith-request".into())
                        .spawn(move || {
                            let _counted = counted;
                            handle(request, &shared);
                        });
                    if let Err(e) = spawned {
                        eprintln!("warning: cannot answer a request: {e}");
                    }
                }
            })
            .map_err(|e| Error::new(None, format!("cannot start the server thread: {e}")))?;
    }
    if options.bind.is_unspecified() {
        println!(
            "Listening on every address ({}); the site's links point at {base_url}",
            options.bind
        );
    }
    println!("Serving {base_url} (Ctrl-C to stop)");
    watch.rebuild_on_changes(&build_options, &shared)
}

/// A fresh, unique build id.
fn new_build_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// Removes the work folders of serve processes that no longer run (Linux,
/// where that can be told from /proc).
fn remove_stale_work_dirs() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("podsmith-serve-") else {
            continue;
        };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Builds once and swaps the result in; returns a one-line summary. On
/// failure the last good site stays and the open pages are told why.
fn rebuild(options: &BuildOptions, shared: &Shared) -> Result<String> {
    match build_into(options, shared) {
        Ok(summary) => {
            let id = new_build_id();
            {
                let mut status = shared.status.lock().unwrap_or_else(|e| e.into_inner());
                status.build_id = id.clone();
                status.error = None;
                status.has_site = true;
            }
            shared.broadcast(Message::Reload(id));
            Ok(summary)
        }
        Err(e) => {
            let text = e.to_string();
            shared
                .status
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .error = Some(text.clone());
            shared.broadcast(Message::BuildError(text));
            Err(e)
        }
    }
}

fn build_into(options: &BuildOptions, shared: &Shared) -> Result<String> {
    let site = load_site(&options.root, &options.load, options.base_url.as_deref())?;
    for warning in &site.warnings {
        eprintln!("{warning}");
    }
    let mut output = shared.output.lock().unwrap_or_else(|e| e.into_inner());
    let staging = output.begin(&options.out, &options.root)?;
    render_site(&site, &staging, &options.render)?;
    {
        let _swapping = shared.swap.write().unwrap_or_else(|e| e.into_inner());
        output.commit(staging)?;
    }
    let held = match site.held_back.len() {
        0 => String::new(),
        n => format!(" ({n} draft or scheduled left out; --drafts shows them)"),
    };
    Ok(format!(
        "Built {} episode{}{held} and {} page{}",
        site.episodes.len(),
        if site.episodes.len() == 1 { "" } else { "s" },
        site.pages.len(),
        if site.pages.len() == 1 { "" } else { "s" },
    ))
}

// ---------------------------------------------------------------------------
// Watching

/// What the watcher looks at in a site.
struct WatchPlan {
    root: PathBuf,
    /// Folders watched recursively.
    dirs: Vec<PathBuf>,
}

impl WatchPlan {
    fn new(root: &Path) -> WatchPlan {
        let root = crate::output::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut dirs: Vec<PathBuf> = ["content", "templates", "static"]
            .iter()
            .map(|d| root.join(d))
            .collect();
        let media = Config::load(&root)
            .map(|c| c.media_dir(&root))
            .unwrap_or_else(|_| root.join("static/media"));
        let media = crate::output::absolute(&media).unwrap_or(media);
        if !dirs.iter().any(|d| media.starts_with(d)) && media != root {
            dirs.push(media);
        }
        WatchPlan { root, dirs }
    }

    /// Whether a change at `path` may change the site.
    fn is_relevant(&self, path: &Path) -> bool {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        if is_editor_temp_file(name) {
            return false;
        }
        if path.parent() == Some(self.root.as_path()) {
            // Directly in the root: the settings, or a watched folder itself
            // (created, removed or renamed).
            return name == CONFIG_FILE || self.dirs.iter().any(|d| d == path);
        }
        self.dirs.iter().any(|d| path.starts_with(d))
    }
}

/// Files that editors write beside the real one while saving.
pub fn is_editor_temp_file(name: &str) -> bool {
    name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with('~')
        || name.starts_with(".#")
        || name == "4913"
        || name == ".DS_Store"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Whether a raw event is a change (opening and reading files is not).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The file watcher and what it watches.
struct SiteWatch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    plan: WatchPlan,
    watched: BTreeSet<PathBuf>,
    /// Quiet time that ends a burst of changes.
    debounce: Duration,
}

impl SiteWatch {
    fn start(root: &Path) -> Result<SiteWatch> {
        let (tx, events) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(tx)
            .map_err(|e| Error::new(None, format!("cannot watch the site's files: {e}")))?;
        let plan = WatchPlan::new(root);
        watcher
            .watch(&plan.root, RecursiveMode::NonRecursive)
            .map_err(|e| Error::new(plan.root.clone(), format!("cannot watch this folder: {e}")))?;
        let mut watch = SiteWatch {
            root: root.to_path_buf(),
            watcher,
            events,
            plan,
            watched: BTreeSet::new(),
            debounce: std::env::var(DEBOUNCE_ENV)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .map_or(DEBOUNCE, Duration::from_millis),
        };
        watch.update_watches();
        Ok(watch)
    }

    /// The relevant paths of one raw event.
    fn relevant(&self, event: notify::Result<notify::Event>) -> Vec<PathBuf> {
        match event {
            Ok(event) if is_change(&event.kind) => event
                .paths
                .into_iter()
                .filter(|p| self.plan.is_relevant(p))
                .collect(),
            Ok(_) => Vec::new(),
            Err(e) => {
                eprintln!("warning: file watching: {e}");
                Vec::new()
            }
        }
    }

    /// Waits for the next burst of relevant changes: returns once the
    /// sources have been quiet for the debounce time (a burst that never
    /// goes quiet ends after twelve times that); `None` when the watcher
    /// stopped.
    fn next_burst(&self) -> Option<BTreeSet<PathBuf>> {
        let mut changed = BTreeSet::new();
        while changed.is_empty() {
            changed.extend(self.relevant(self.events.recv().ok()?));
        }
        let first = Instant::now();
        let mut last = first;
        loop {
            let wait = (last + self.debounce)
                .min(first + self.debounce * 12)
                .saturating_duration_since(Instant::now());
            if wait.is_zero() {
                return Some(changed);
            }
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    let more = self.relevant(event);
                    if !more.is_empty() {
                        last = Instant::now();
                        changed.extend(more);
                    }
                }
                Err(RecvTimeoutError::Timeout) => return Some(changed),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    fn rebuild_on_changes(&mut self, options: &BuildOptions, shared: &Shared) -> Result<()> {
        while let Some(changed) = self.next_burst() {
            let shown: Vec<String> = changed
                .iter()
                .take(3)
                .map(|p| display_path(p.strip_prefix(&self.plan.root).unwrap_or(p)))
                .collect();
            let more = match changed.len() {
                n if n > 3 => format!(" and {} more", n - 3),
                _ => String::new(),
            };
            println!("Changed: {}{more}", shown.join(", "));
            let started = Instant::now();
            match rebuild(options, shared) {
                Ok(_) => println!("Rebuilt in {} ms", started.elapsed().as_millis()),
                Err(e) => eprintln!(
                    "{e}\nThe build failed after {} ms; still serving the last good site.",
                    started.elapsed().as_millis()
                ),
            }
            // The media folder may have moved, or a watched folder appeared.
            self.plan = WatchPlan::new(&self.root);
            self.update_watches();
        }
        Ok(())
    }

    /// Watches the plan's folders that exist and are not watched yet.
    fn update_watches(&mut self) {
        self.watched.retain(|d| d.is_dir());
        for dir in &self.plan.dirs {
            if dir.is_dir() && !self.watched.contains(dir) {
                match self.watcher.watch(dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(dir.clone());
                    }
                    Err(e) => eprintln!(
                        "warning: {}: cannot watch this folder: {e}",
                        display_path(dir)
                    ),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// HTTP

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("valid"))
}

fn text_response(status: u16, text: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(text.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
}

fn handle(request: Request, shared: &Shared) {
    let method = request.method().clone();
    if !matches!(method, Method::Get | Method::Head) {
        let response = text_response(405, "Only GET and HEAD are supported.\n")
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or_default().to_string();
    match path.as_str() {
        LIVE_RELOAD_PATH => {
            let response = Response::from_data(LIVE_RELOAD_JS.as_bytes().to_vec())
                .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store"));
            let _ = request.respond(response);
        }
        EVENTS_PATH if method == Method::Get => events(request, shared),
        _ => serve_path(request, &url, &path, shared),
    }
}

/// Streams server-sent events to one page until it goes away.
fn events(request: Request, shared: &Shared) {
    let (tx, rx) = mpsc::channel();
    let (build_id, error) = {
        let status = shared.status.lock().unwrap_or_else(|e| e.into_inner());
        (status.build_id.clone(), status.error.clone())
    };
    shared
        .clients
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(tx);
    // tiny_http buffers ordinary bodies; taking over the connection lets each
    // event go out at once. The body then runs until the connection closes.
    let response = Response::empty(StatusCode(200))
        .with_header(header("Content-Type", "text/event-stream"))
        .with_header(header("Cache-Control", "no-store"));
    let mut stream = request.upgrade("podsmith-events", response);
    let mut send = |text: &str| -> bool {
        stream.write_all(text.as_bytes()).is_ok() && stream.flush().is_ok()
    };
    let mut first = format!("retry: 500\n\n{}", sse_event("hello", &build_id));
    if let Some(error) = error {
        first.push_str(&sse_event("build-error", &error));
    }
    if !send(&first) {
        return;
    }
    loop {
        let ok = match rx.recv_timeout(HEARTBEAT) {
            Ok(Message::Reload(id)) => send(&sse_event("reload", &id)),
            Ok(Message::BuildError(text)) => send(&sse_event("build-error", &text)),
            Err(RecvTimeoutError::Timeout) => send(": ping\n\n"),
            Err(RecvTimeoutError::Disconnected) => false,
        };
        if !ok {
            return;
        }
    }
}

/// One server-sent event; each line of `data` gets its own `data:` field.
pub fn sse_event(name: &str, data: &str) -> String {
    let mut text = format!("event: {name}\n");
    for line in data.split('\n') {
        text.push_str("data: ");
        text.push_str(line.trim_end_matches('\r'));
        text.push('\n');
    }
    text.push('\n');
    text
}

/// Where a request path leads in the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing `/`: the path to redirect to.
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a raw request path (still percent-encoded, without the query) to a
/// file inside `out`. Never leads outside it: `..` and `.` segments,
/// backslashes and NUL are refused after decoding, and the final file is
/// checked again after following symbolic links.
pub fn resolve(out: &Path, raw_path: &str) -> Resolved {
    if !raw_path.starts_with('/') {
        return Resolved::BadRequest;
    }
    let Some(decoded) = percent_decode(raw_path) else {
        return Resolved::BadRequest;
    };
    if decoded.contains(['\\', '\0']) {
        return Resolved::BadRequest;
    }
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments
        .iter()
        .any(|s| *s == "." || *s == ".." || s.contains(':'))
    {
        return Resolved::BadRequest;
    }
    let Ok(out) = out.canonicalize() else {
        return Resolved::NotFound;
    };
    let mut path = out.clone();
    path.extend(&segments);
    if decoded.ends_with('/') {
        path.push("index.html");
    } else if path.is_dir() {
        return if path.join("index.html").is_file() {
            Resolved::Redirect(format!("{raw_path}/"))
        } else {
            Resolved::NotFound
        };
    }
    match path.canonicalize() {
        Ok(real) if real.starts_with(&out) && real.is_file() => Resolved::File(real),
        _ => Resolved::NotFound,
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or invalid UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable range: send the whole file.
    Full,
    /// Inclusive byte positions.
    Partial(u64, u64),
    Unsatisfiable,
}

/// Parses a `Range` header (one range; several or malformed ones get the
/// whole file, as HTTP allows).
pub fn parse_range(value: &str, len: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let (start, end) = (start.trim(), end.trim());
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (start.is_empty(), end.is_empty()) {
        (true, true) => RangeRequest::Full,
        (true, false) => match number(end) {
            Some(0) => RangeRequest::Unsatisfiable,
            Some(_) if len == 0 => RangeRequest::Unsatisfiable,
            Some(n) => RangeRequest::Partial(len.saturating_sub(n), len - 1),
            None => RangeRequest::Full,
        },
        (false, _) => {
            let Some(first) = number(start) else {
                return RangeRequest::Full;
            };
            let last = if end.is_empty() {
                None
            } else {
                match number(end) {
                    Some(last) if last >= first => Some(last),
                    _ => return RangeRequest::Full,
                }
            };
            if first >= len {
                return RangeRequest::Unsatisfiable;
            }
            RangeRequest::Partial(first, last.map_or(len - 1, |l| l.min(len - 1)))
        }
    }
}

/// The `Content-Type` of a file, from its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "mp3" => "audio/mpeg",
        "m4a" | "mp4" | "aac" => "audio/mp4",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "vtt" => "text/vtt; charset=utf-8",
        "srt" => "application/x-subrip",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn serve_path(request: Request, url: &str, path: &str, shared: &Shared) {
    let opened = {
        let _reading = shared.swap.read().unwrap_or_else(|e| e.into_inner());
        match resolve(&shared.out, path) {
            Resolved::File(file) => {
                match File::open(&file).and_then(|f| f.metadata().map(|m| (m.len(), f))) {
                    Ok((len, f)) => Ok((file, f, len)),
                    Err(_) => Err(Resolved::NotFound),
                }
            }
            other => Err(other),
        }
    };
    let result = match opened {
        Ok((path, file, len)) => send_file(request, &path, file, len),
        Err(Resolved::Redirect(to)) => {
            let query = url.find('?').map_or("", |i| &url[i..]);
            let response = text_response(301, "Moved to the folder's address.\n")
                .with_header(header("Location", &format!("{to}{query}")));
            request.respond(response)
        }
        Err(Resolved::BadRequest) => request.respond(text_response(400, "Bad request path.\n")),
        Err(_) => not_found(request, shared),
    };
    let _ = result;
}

fn send_file(request: Request, path: &Path, mut file: File, len: u64) -> std::io::Result<()> {
    let range = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Range"))
        .map(|h| parse_range(h.value.as_str(), len))
        .unwrap_or(RangeRequest::Full);
    let common = [
        header("Content-Type", content_type(path)),
        header("Accept-Ranges", "bytes"),
        header("Cache-Control", "no-store"),
    ];
    match range {
        RangeRequest::Full => {
            let mut response = Response::new(
                StatusCode(200),
                Vec::new(),
                Box::new(file) as Box<dyn Read + Send>,
                Some(len as usize),
                None,
            );
            for h in common {
                response.add_header(h);
            }
            request.respond(response)
        }
        RangeRequest::Partial(first, last) => {
            file.seek(SeekFrom::Start(first))?;
            let count = last - first + 1;
            let mut response = Response::new(
                StatusCode(206),
                Vec::new(),
                Box::new(file.take(count)) as Box<dyn Read + Send>,
                Some(count as usize),
                None,
            );
            for h in common {
                response.add_header(h);
            }
            response.add_header(header(
                "Content-Range",
                &format!("bytes {first}-{last}/{len}"),
            ));
            request.respond(response)
        }
        RangeRequest::Unsatisfiable => {
            let response = text_response(416, "Range not satisfiable.\n")
                .with_header(header("Content-Range", &format!("bytes */{len}")))
                .with_header(header("Accept-Ranges", "bytes"));
            request.respond(response)
        }
    }
}

fn not_found(request: Request, shared: &Shared) -> std::io::Result<()> {
    let (has_site, error) = {
        let status = shared.status.lock().unwrap_or_else(|e| e.into_inner());
        (status.has_site, status.error.clone())
    };
    if !has_site {
        // No build has succeeded yet: say why, and reload once it does.
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>podsmith: build error</title></head>\
             <body><h1>The site does not build yet</h1><pre>{}</pre>\
             <script src=\"{LIVE_RELOAD_PATH}\" defer></script></body></html>",
            crate::render::xml_escape(error.as_deref().unwrap_or("Building…"))
        );
        let response = Response::from_data(page.into_bytes())
            .with_status_code(StatusCode(503))
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store"));
        return request.respond(response);
    }
    let page = {
        let _reading = shared.swap.read().unwrap_or_else(|e| e.into_inner());
        std::fs::read(shared.out.join("404.html")).ok()
    };
    let response = match page {
        Some(bytes) => Response::from_data(bytes)
            .with_status_code(StatusCode(404))
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store")),
        None => text_response(404, "Not found.\n"),
    };
    request.respond(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use RangeRequest::*;
        assert_eq!(parse_range("bytes=0-99", 1000), Partial(0, 99));
        assert_eq!(parse_range("bytes=100-", 1000), Partial(100, 999));
        assert_eq!(parse_range("bytes=-500", 1000), Partial(500, 999));
        assert_eq!(parse_range("bytes=-5000", 1000), Partial(0, 999));
        assert_eq!(parse_range("bytes=900-5000", 1000), Partial(900, 999));
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 1000), Full);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Full);
        assert_eq!(parse_range("items=0-1", 1000), Full);
        assert_eq!(parse_range("bytes=x-1", 1000), Full);
        assert_eq!(parse_range("bytes=-", 1000), Full);
        assert_eq!(parse_range("bytes=+1-2", 1000), Full);
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/%2e%2E/").as_deref(), Some("/../"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%2"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn resolving_stays_inside() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("episodes/one")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("episodes/one/index.html"), "one").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let out_real = out.canonicalize().unwrap();
        assert_eq!(
            resolve(&out, "/"),
            Resolved::File(out_real.join("index.html"))
        );
        assert_eq!(
            resolve(&out, "/episodes/one"),
            Resolved::Redirect("/episodes/one/".into())
        );
        assert_eq!(
            resolve(&out, "/episodes/one/"),
            Resolved::File(out_real.join("episodes/one/index.html"))
        );
        assert_eq!(resolve(&out, "/nothing"), Resolved::NotFound);
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..%5csecret.txt",
            "/episodes/..\\..\\secret.txt",
            "/a/%00",
            "secret.txt",
            "/C:/x",
        ] {
            assert_eq!(resolve(&out, bad), Resolved::BadRequest, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt"))
                .unwrap();
            assert_eq!(resolve(&out, "/link.txt"), Resolved::NotFound);
        }
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [".x.md.swp", "x.md~", ".#x.md", "4913", "#x.md#"] {
            assert!(is_editor_temp_file(name), "{name}");
        }
        assert!(!is_editor_temp_file("001-x.md"));
    }

    #[test]
    fn events_are_framed() {
        assert_eq!(
            sse_event("build-error", "a\nb"),
            "event: build-error\ndata: a\ndata: b\n\n"
        );
    }
}
