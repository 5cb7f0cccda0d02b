//! `podsmith serve`: builds the site into a temporary folder, serves it on a
//! local address, watches the sources and rebuilds on every change, telling
//! the open pages to reload (or to show the build error) over server-sent
//! events.
//!
//! Threads: the main thread watches and rebuilds; HTTP is answered by a
//! small tokio runtime (axum over hyper) on two threads of its own, where
//! each connection and each long-lived event stream is a cheap task.

use crate::config::{Config, CONFIG_FILE};
use crate::error::{display_path, Error, Result};
use crate::site::LoadOptions;
use crate::{render, BuildOptions};

mod memo;
mod rebuild;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
pub use rebuild::{Rebuilder, Rendered};
use std::collections::BTreeSet;
use std::io::{Seek, SeekFrom};
use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

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

const LIVE_RELOAD_JS: &str = include_str!("serve/live-reload.js");

/// What `podsmith serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 0: any free port (the printed URL says which).
    pub port: u16,
    pub bind: IpAddr,
    /// The address the site's links use; by default the bound address (a
    /// LAN address when bound to every interface).
    pub base_url: Option<String>,
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
    clients: Mutex<Vec<UnboundedSender<Message>>>,
    /// What is kept between rebuilds: only what changed is read, rendered
    /// and written again.
    rebuilder: Mutex<Rebuilder>,
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
    // Checked before anything starts, as podcast.toml's `base_url` is.
    let chosen_base_url = match &options.base_url {
        Some(url) => Some(crate::config::normalize_base_url(url).map_err(|why| {
            Error::from(
                crate::error::Diagnostic::error(None, format!("--base-url {url:?} {why}"))
                    .help("pass the address the preview is reached at, e.g. --base-url https://preview.example.org/"),
            )
        })?),
        None => None,
    };
    Config::load(&root)?; // a missing podcast.toml is an error at once
    remove_stale_work_dirs();
    let work_dir = WorkDir::create()?;
    let work = work_dir.path.clone();
    let out = work.join("public");

    let listener = TcpListener::bind((options.bind, options.port)).map_err(|e| {
        Error::new(
            None,
            format!(
                "cannot listen on {}:{}: {e}. Choose another port with --port (0 picks a free one)",
                options.bind, options.port
            ),
        )
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::new(None, format!("cannot read the listening address: {e}")))?
        .port();
    let loopback = match options.bind {
        IpAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(_) => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
    };
    let local = if options.bind.is_unspecified() {
        loopback
    } else {
        options.bind
    };
    let local_url = format!("http://{}:{port}/", url_host(local));
    let base_url = match chosen_base_url {
        Some(url) => url,
        None if options.bind.is_unspecified() => {
            let lan = default_route_address(options.bind).unwrap_or(loopback);
            format!("http://{}:{port}/", url_host(lan))
        }
        None => local_url.clone(),
    };
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
        rebuilder: Mutex::new(Rebuilder::default()),
    });

    // Watch before the first build, so no change is missed.
    let mut watch = SiteWatch::start(&root)?;
    let started = Instant::now();
    match rebuild(&build_options, &shared) {
        Ok(summary) => println!("{summary} in {} ms", started.elapsed().as_millis()),
        Err(e) => eprintln!("{e}\nThe server starts anyway; fix the error and it rebuilds."),
    }
    // While the writer reads the first page: the spare folder the first
    // rebuild recycles (without it, that rebuild makes every folder and
    // link of the site again).
    let spare = Arc::clone(&shared);
    let out = build_options.out.clone();
    std::thread::spawn(move || {
        let mut rebuilder = spare.rebuilder.lock().unwrap_or_else(|e| e.into_inner());
        rebuilder.prepare_spare(&out);
    });
    start_http(listener, Arc::clone(&shared), work)?;
    if options.bind.is_unspecified() {
        println!("Listening on every address ({})", options.bind);
    }
    if base_url != local_url {
        println!("The site's links point at {base_url}");
    }
    println!("Serving {local_url} (Ctrl-C to stop)");
    watch.rebuild_on_changes(&build_options, &shared)
}

/// An address as the host part of a URL.
fn url_host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    }
}

/// The local address the system would use to reach another network. A UDP
/// `connect` only picks a route: nothing is sent.
fn default_route_address(bind: IpAddr) -> Option<IpAddr> {
    let (local, remote): (IpAddr, IpAddr) = match bind {
        IpAddr::V4(_) => (bind, IpAddr::from([192, 0, 2, 1])), // TEST-NET-1
        IpAddr::V6(_) => (bind, "2001:db8::1".parse().ok()?),  // documentation prefix
    };
    let socket = std::net::UdpSocket::bind((local, 0)).ok()?;
    socket.connect((remote, 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

/// Starts answering HTTP on `listener`, on a runtime of its own. Ctrl-C (or
/// SIGTERM) removes the `work` folder and ends the process.
fn start_http(listener: TcpListener, shared: Arc<Shared>, work: PathBuf) -> Result<()> {
    let failed = |e: std::io::Error| Error::new(None, format!("cannot start the server: {e}"));
    listener.set_nonblocking(true).map_err(failed)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("podsmith-http")
        .enable_io()
        .enable_time()
        .build()
        .map_err(failed)?;
    let listener = runtime
        .block_on(async { tokio::net::TcpListener::from_std(listener) })
        .map_err(failed)?;
    // Listening for the signals starts here, before the server says it is
    // up, so a signal sent at once is not missed.
    #[cfg(unix)]
    let signals = runtime.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        signal(SignalKind::interrupt()).and_then(|i| Ok((i, signal(SignalKind::terminate())?)))
    });
    #[cfg(unix)]
    if let Ok(signals) = signals {
        runtime.spawn(stop_on_signal(work, Arc::clone(&shared), signals));
    }
    #[cfg(not(unix))]
    runtime.spawn(stop_on_signal(work, Arc::clone(&shared)));
    let app = axum::Router::new().fallback(handle).with_state(shared);
    std::thread::Builder::new()
        .name("podsmith-http".into())
        .spawn(move || {
            if let Err(e) = runtime.block_on(async { axum::serve(listener, app).await }) {
                eprintln!("error: the server stopped: {e}");
                std::process::exit(1);
            }
        })
        .map_err(failed)?;
    Ok(())
}

/// Waits for Ctrl-C or SIGTERM, removes serve's work folder and exits.
#[cfg(unix)]
async fn stop_on_signal(
    work: PathBuf,
    shared: Arc<Shared>,
    (mut interrupt, mut terminate): (tokio::signal::unix::Signal, tokio::signal::unix::Signal),
) {
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
    stop(&work, &shared);
}

#[cfg(not(unix))]
async fn stop_on_signal(work: PathBuf, shared: Arc<Shared>) {
    if tokio::signal::ctrl_c().await.is_ok() {
        stop(&work, &shared);
    }
}

/// Removes serve's work folder and exits.
fn stop(work: &Path, shared: &Shared) -> ! {
    // No build may be writing into the work folder while it is removed.
    let _building = shared.rebuilder.lock().unwrap_or_else(|e| e.into_inner());
    let _ = std::fs::remove_dir_all(work);
    std::process::exit(130);
}

/// A fresh, unique build id.
fn new_build_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// The prefix of serve's work folders in the system's temporary folder.
const WORK_PREFIX: &str = "podsmith-serve-";
/// The mark of a serve work folder, locked while its process runs.
const WORK_MARKER: &str = ".podsmith-serve";

/// serve's own folder for the site it builds: a fresh folder in the
/// system's temporary folder, holding a marker file that stays locked while
/// this process runs, so a later serve can tell an abandoned folder.
struct WorkDir {
    path: PathBuf,
    _lock: std::fs::File,
}

impl WorkDir {
    fn create() -> Result<WorkDir> {
        let temp = std::env::temp_dir();
        let path = tempfile::Builder::new()
            .prefix(WORK_PREFIX)
            .tempdir_in(&temp)
            .map_err(|e| Error::io(&temp, "create a folder in", e))?
            .keep();
        let marker = path.join(WORK_MARKER);
        let lock = std::fs::File::create(&marker)
            .and_then(|mut file| {
                use std::io::Write;
                file.lock()?;
                writeln!(file, "{}", std::process::id())?;
                Ok(file)
            })
            .map_err(|e| Error::io(&marker, "write", e))?;
        Ok(WorkDir { path, _lock: lock })
    }
}

/// Removes the work folders of serve processes that no longer run: only
/// folders that carry serve's marker, when no process holds its lock.
fn remove_stale_work_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(WORK_PREFIX) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(marker) = std::fs::File::open(entry.path().join(WORK_MARKER)) else {
            continue; // not marked: not ours to remove
        };
        if marker.try_lock().is_ok() {
            drop(marker);
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
    let mut rebuilder = shared.rebuilder.lock().unwrap_or_else(|e| e.into_inner());
    let site = rebuilder.load(options)?;
    for warning in &site.warnings {
        eprintln!("{warning}");
    }
    let rendered = rebuilder.render(&site, options)?;
    {
        let _swapping = shared.swap.write().unwrap_or_else(|e| e.into_inner());
        rebuilder.commit(rendered)?;
    }
    let held = match site.held_back.len() {
        0 => String::new(),
        n => format!(" ({n} draft or scheduled left out; --drafts shows them)"),
    };
    Ok(format!(
        "Built {} episode{}{held} and {} page{}",
        site.episodes.len(),
        crate::cli::plural(site.episodes.len()),
        site.pages.len(),
        crate::cli::plural(site.pages.len()),
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

    /// Whether `path` is (or was) an episode's Markdown file.
    fn is_episode_file(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "md")
            && path.parent()
                == Some(
                    self.root
                        .join(crate::content::CONTENT_DIR)
                        .join(crate::content::EPISODES_DIR)
                        .as_path(),
                )
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
            if !changed.iter().all(|p| self.plan.is_episode_file(p)) {
                // Loading an episode reads more than its file (settings,
                // audio, transcripts, images): load them all again.
                shared
                    .rebuilder
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .forget_episodes();
            }
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

fn text_response(status: u16, text: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text.to_string(),
    )
        .into_response()
}

fn html_response(status: StatusCode, page: Vec<u8>) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response()
}

/// Answers every request. HEAD gets GET's headers without the body (hyper
/// drops it).
async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = text_response(405, "Only GET and HEAD are supported.\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    match uri.path() {
        LIVE_RELOAD_PATH => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            LIVE_RELOAD_JS,
        )
            .into_response(),
        EVENTS_PATH if method == Method::GET => events(&shared),
        path => serve_path(&uri, path, &headers, &shared).await,
    }
}

/// Streams server-sent events to one page until it goes away (the stream
/// is dropped with the connection, and the next broadcast forgets it).
fn events(shared: &Shared) -> Response {
    let (tx, rx) = unbounded_channel();
    let (build_id, error) = {
        let status = shared.status.lock().unwrap_or_else(|e| e.into_inner());
        (status.build_id.clone(), status.error.clone())
    };
    shared
        .clients
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(tx);
    let mut first = format!("retry: 500\n\n{}", sse_event("hello", &build_id));
    if let Some(error) = error {
        first.push_str(&sse_event("build-error", &error));
    }
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        let text = match tokio::time::timeout(HEARTBEAT, rx.recv()).await {
            Ok(Some(Message::Reload(id))) => sse_event("reload", &id),
            Ok(Some(Message::BuildError(text))) => sse_event("build-error", &text),
            Ok(None) => return None,
            Err(_elapsed) => ": ping\n\n".to_string(),
        };
        Some((Ok::<_, std::io::Error>(Bytes::from(text)), rx))
    });
    let stream = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok(Bytes::from(first)) }),
        rest,
    );
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
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
    if let Some(audio) = crate::audio::audio_extension(path) {
        return audio.mime;
    }
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

async fn serve_path(uri: &Uri, path: &str, headers: &HeaderMap, shared: &Shared) -> Response {
    let opened = {
        let _reading = shared.swap.read().unwrap_or_else(|e| e.into_inner());
        match resolve(&shared.out, path) {
            // Opened while the swap lock is held, so the file is the current
            // build's even if a new one is swapped in while it is sent.
            Resolved::File(file) => {
                match std::fs::File::open(&file).and_then(|f| f.metadata().map(|m| (m.len(), f))) {
                    Ok((len, f)) => Ok((file, f, len)),
                    Err(_) => Err(Resolved::NotFound),
                }
            }
            other => Err(other),
        }
    };
    match opened {
        Ok((path, file, len)) => {
            let range = headers
                .get(header::RANGE)
                .and_then(|v| v.to_str().ok())
                .map_or(RangeRequest::Full, |v| parse_range(v, len));
            send_file(&path, file, len, range)
        }
        Err(Resolved::Redirect(to)) => {
            let query = uri.query().map_or(String::new(), |q| format!("?{q}"));
            let mut response = text_response(301, "Moved to the folder's address.\n");
            if let Ok(location) = HeaderValue::from_str(&format!("{to}{query}")) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Err(Resolved::BadRequest) => text_response(400, "Bad request path.\n"),
        Err(_) => not_found(shared),
    }
}

/// Sends a file, or the asked-for part of it, with an explicit length (so
/// HEAD and GET agree and no chunked encoding is needed).
fn send_file(path: &Path, mut file: std::fs::File, len: u64, range: RangeRequest) -> Response {
    let (status, first, count) = match range {
        RangeRequest::Full => (StatusCode::OK, 0, len),
        RangeRequest::Partial(first, last) => {
            (StatusCode::PARTIAL_CONTENT, first, last - first + 1)
        }
        RangeRequest::Unsatisfiable => {
            let mut response = text_response(416, "Range not satisfiable.\n");
            let h = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                h.insert(header::CONTENT_RANGE, v);
            }
            h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            return response;
        }
    };
    if first > 0 && file.seek(SeekFrom::Start(first)).is_err() {
        return text_response(500, "Cannot read the file.\n");
    }
    let body = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file).take(count));
    let mut response = Response::new(Body::from_stream(body));
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(count));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {first}-{}/{len}", first + count - 1))
        {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    response
}

fn not_found(shared: &Shared) -> Response {
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
        return html_response(StatusCode::SERVICE_UNAVAILABLE, page.into_bytes());
    }
    let page = {
        let _reading = shared.swap.read().unwrap_or_else(|e| e.into_inner());
        std::fs::read(shared.out.join("404.html")).ok()
    };
    match page {
        Some(bytes) => html_response(StatusCode::NOT_FOUND, bytes),
        None => text_response(404, "Not found.\n"),
    }
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
