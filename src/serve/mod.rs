//! `podsmith serve`: builds the site into a temporary folder, serves it on a
//! local address, watches the sources and rebuilds on every change, telling
//! the open pages to reload (or to show the build error) over server-sent
//! events.
//!
//! Threads: the main thread watches and rebuilds (`watch.rs`); HTTP is
//! answered by a small tokio runtime (axum over hyper) on two threads of its
//! own, where each connection and each long-lived event stream is a cheap
//! task (`http.rs`). This module holds the command's setup, serve's work
//! folder, and the state the two sides share.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::site::LoadOptions;
use crate::{render, BuildOptions};
use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::RwLock;

mod http;
mod memo;
mod rebuild;
mod watch;

use http::start_http;
pub use http::{
    content_type_override, inject_live_reload, EVENTS_PATH, LIVE_RELOAD_PATH, LIVE_RELOAD_TAG,
};
pub use rebuild::{Rebuilder, Rendered};
use watch::SiteWatch;
pub use watch::{is_editor_temp_file, DEBOUNCE, DEBOUNCE_ENV};

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
    let (site, staging) = rebuilder.load(options)?;
    for warning in &site.warnings {
        eprintln!("{warning}");
    }
    let rendered = rebuilder.render(&site, staging, options)?;
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
        crate::text::plural(site.episodes.len()),
        site.pages.len(),
        crate::text::plural(site.pages.len()),
    ))
}
