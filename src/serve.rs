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
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
pub use rebuild::{Rebuilder, Rendered};
use std::collections::BTreeSet;
use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::RwLock;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The live-reload script's address (put into every page served).
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
    /// Held for reading while a request finds and opens its file, for
    /// writing while a new build is swapped in.
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
        render: render::RenderOptions::default(),
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
    let app = app(shared);
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
        // Never called on the server's runtime, so it may block.
        let _swapping = shared.swap.blocking_write();
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
        let mut dirs: Vec<PathBuf> = ["content", "templates", "static", "i18n"]
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
//
// The output folder is served by tower-http's `ServeDir` (path decoding,
// `..` refusal, folder redirects, ranges, HEAD, MIME types), with 404.html
// as its not-found page. podsmith's own layer around it only adds what a
// preview needs: the "building…" page until a build succeeds, the swap lock,
// the refusal of links that lead out of the output, the types of podcast
// files, and the live-reload script in every HTML page.

/// What is put into every HTML page served, before `</body>`.
pub const LIVE_RELOAD_TAG: &str = "<script src=\"/__podsmith/live-reload.js\"></script>";

/// The server: podsmith's two routes, and the output folder for the rest.
fn app(shared: Arc<Shared>) -> axum::Router {
    let files =
        ServeDir::new(&shared.out).not_found_service(ServeFile::new(shared.out.join("404.html")));
    axum::Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            site_layer,
        ))
        .route(LIVE_RELOAD_PATH, get(live_reload_js))
        .route(EVENTS_PATH, get(events))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(shared)
}

async fn live_reload_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVE_RELOAD_JS,
    )
        .into_response()
}

/// podsmith's layer around `ServeDir`.
async fn site_layer(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let (has_site, error) = {
        let status = shared.status.lock().unwrap_or_else(|e| e.into_inner());
        (status.has_site, status.error.clone())
    };
    if !has_site {
        return building_page(error.as_deref());
    }
    let path = request.uri().path().to_owned();
    let head = request.method() == Method::HEAD;
    let response = {
        // Held while the file is found and opened, so it is the current
        // build's; a swap renames folders, so an open file stays readable
        // while it is sent after the lock is released.
        let _reading = shared.swap.read().await;
        if leads_outside(&shared.out, &path).await {
            return (StatusCode::NOT_FOUND, "Not found.\n").into_response();
        }
        next.run(request).await
    };
    finish(&path, head, response).await
}

/// The page shown while no build has succeeded yet: why, and it reloads
/// once one does.
fn building_page(error: Option<&str>) -> Response {
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>podsmith: build error</title></head>\
         <body><h1>The site does not build yet</h1><pre>{}</pre>\
         <script src=\"{LIVE_RELOAD_PATH}\" defer></script></body></html>",
        crate::render::xml_escape(error.unwrap_or("Building…"))
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// Whether the file a request path names is a symbolic link (or lies in a
/// linked folder) that leads out of `out`: `ServeDir` follows links. Paths
/// with `..` are left to `ServeDir`, which refuses them.
async fn leads_outside(out: &Path, path: &str) -> bool {
    let decoded = crate::slug::percent_decode(path);
    let mut file = out.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return false,
            name => file.push(name),
        }
    }
    if decoded.ends_with('/') {
        file.push("index.html");
    }
    match (
        tokio::fs::canonicalize(out).await,
        tokio::fs::canonicalize(&file).await,
    ) {
        (Ok(out), Ok(real)) => !real.starts_with(out),
        _ => false,
    }
}

/// Fixes the types of podcast files and puts the live-reload script into
/// HTML pages (with the length that then has).
async fn finish(path: &str, head: bool, mut response: Response) -> Response {
    let status = response.status();
    if status.is_success() {
        if let Some(mime) = content_type_override(Path::new(path)) {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
        }
    }
    let mime = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if mime.starts_with("text/") && !mime.contains("charset") {
        // Every text file podsmith writes is UTF-8.
        if let Ok(value) = HeaderValue::from_str(&format!("{mime}; charset=utf-8")) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    // Whole pages only: a range of a page is sent as it is.
    if !is_html || !(status == StatusCode::OK || status == StatusCode::NOT_FOUND) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts.headers.remove(header::ETAG);
    parts.headers.remove(header::LAST_MODIFIED);
    if head {
        // No body to change: the length it would have.
        let len = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if let Some(len) = len {
            parts.headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(len + LIVE_RELOAD_TAG.len()),
            );
        }
        return Response::from_parts(parts, body);
    }
    let Ok(page) = axum::body::to_bytes(body, usize::MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Cannot read the page.\n").into_response();
    };
    let page = inject_live_reload(&page);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(page.len()));
    Response::from_parts(parts, Body::from(page))
}

/// `page` with [`LIVE_RELOAD_TAG`] before its last `</body>` (in any case),
/// or at its end when it has none.
pub fn inject_live_reload(page: &[u8]) -> Vec<u8> {
    let at = page
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + LIVE_RELOAD_TAG.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(LIVE_RELOAD_TAG.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// The types that mime_guess (which `ServeDir` uses) has wrong for a
/// podcast site: audio as the audio module's table says (mime_guess says
/// `audio/m4a` for M4A), subtitles, and XML feeds (`text/xml`).
pub fn content_type_override(path: &Path) -> Option<&'static str> {
    if let Some(audio) = crate::audio::audio_extension(path) {
        return Some(audio.mime);
    }
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "vtt" => Some("text/vtt; charset=utf-8"),
        "srt" => Some("application/x-subrip"),
        "xml" => Some("application/xml; charset=utf-8"),
        _ => None,
    }
}

/// Streams server-sent events to one page until it goes away (the stream
/// is dropped with the connection, and the next broadcast forgets it).
async fn events(State(shared): State<Arc<Shared>>) -> Response {
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
    let mut first = vec![Event::default()
        .event("hello")
        .data(build_id)
        .retry(Duration::from_millis(500))];
    if let Some(error) = error {
        first.push(sse_event(Message::BuildError(error)));
    }
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        let message = rx.recv().await?;
        Some((sse_event(message), rx))
    });
    let stream = futures_util::StreamExt::map(
        futures_util::StreamExt::chain(futures_util::stream::iter(first), rest),
        Ok::<_, std::convert::Infallible>,
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(HEARTBEAT).text("ping"))
        .into_response()
}

/// One message as an event (a multi-line text gets one `data:` line each).
fn sse_event(message: Message) -> Event {
    match message {
        Message::Reload(id) => Event::default().event("reload").data(id),
        Message::BuildError(text) => Event::default()
            .event("build-error")
            .data(text.replace("\r\n", "\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_body_end() {
        let tag = LIVE_RELOAD_TAG;
        assert_eq!(
            inject_live_reload(b"<body>a</body></html>"),
            format!("<body>a{tag}</body></html>").into_bytes()
        );
        assert_eq!(
            inject_live_reload(b"<p>a</BODY>\n"),
            format!("<p>a{tag}</BODY>\n").into_bytes()
        );
        // The last one, in case a page shows `</body>` in its text.
        assert_eq!(
            inject_live_reload(b"</body></body>"),
            format!("</body>{tag}</body>").into_bytes()
        );
        assert_eq!(
            inject_live_reload(b"<p>no body end"),
            format!("<p>no body end{tag}").into_bytes()
        );
    }

    #[test]
    fn podcast_file_types() {
        let t = |p: &str| content_type_override(Path::new(p));
        assert_eq!(t("/media/a.mp3"), Some("audio/mpeg"));
        assert_eq!(t("/a.VTT"), Some("text/vtt; charset=utf-8"));
        assert_eq!(t("/a.srt"), Some("application/x-subrip"));
        assert_eq!(t("/feed.xml"), Some("application/xml; charset=utf-8"));
        assert_eq!(t("/a.png"), None);
        assert!(t("/a.m4a").is_some_and(|m| m != "audio/m4a"));
    }

    #[test]
    fn links_out_of_the_output_are_refused() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let leads_outside = |out: &Path, path: &str| runtime.block_on(leads_outside(out, path));
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("episodes/one")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("episodes/one/index.html"), "one").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        for fine in ["/", "/episodes/one/", "/episodes/one", "/nothing", "/../x"] {
            assert!(!leads_outside(&out, fine), "{fine}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt"))
                .unwrap();
            std::os::unix::fs::symlink(dir.path(), out.join("up")).unwrap();
            std::os::unix::fs::symlink(out.join("index.html"), out.join("home.html")).unwrap();
            assert!(leads_outside(&out, "/link.txt"));
            assert!(leads_outside(&out, "/li%6Ek.txt"));
            assert!(leads_outside(&out, "/up/secret.txt"));
            assert!(!leads_outside(&out, "/home.html"));
        }
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [".x.md.swp", "x.md~", ".#x.md", "4913", "#x.md#"] {
            assert!(is_editor_temp_file(name), "{name}");
        }
        assert!(!is_editor_temp_file("001-x.md"));
    }
}
