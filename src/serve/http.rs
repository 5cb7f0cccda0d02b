//! serve's HTTP side: the axum router and the runtime it runs on.
//!
//! The output folder is served by tower-http's `ServeDir` (path decoding,
//! `..` refusal, folder redirects, ranges, HEAD, MIME types), with 404.html
//! as its not-found page. podsmith's own layer around it only adds what a
//! preview needs: the "building…" page until a build succeeds, the swap lock,
//! the refusal of links that lead out of the output, the types of podcast
//! files, and the live-reload script in every HTML page. Events reach the
//! open pages with axum's `Sse`.

use super::{Message, Shared};
use crate::error::{Error, Result};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The live-reload script's address (put into every page served).
pub const LIVE_RELOAD_PATH: &str = "/__podsmith/live-reload.js";
/// The server-sent events stream the script listens to.
pub const EVENTS_PATH: &str = "/__podsmith/events";
/// Event streams send a comment this often, so dead clients are noticed.
const HEARTBEAT: Duration = Duration::from_secs(15);

const LIVE_RELOAD_JS: &str = include_str!("live-reload.js");

/// Starts answering HTTP on `listener`, on a runtime of its own. Ctrl-C (or
/// SIGTERM) removes the `work` folder and ends the process.
pub(super) fn start_http(listener: TcpListener, shared: Arc<Shared>, work: PathBuf) -> Result<()> {
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
        // Web players on other sites read the feed, chapters and
        // transcripts (as a host should let them; see host-config).
        if allows_other_origins(path) {
            response.headers_mut().insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
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

/// Whether other sites may read `path`: the feed, chapters and transcripts.
fn allows_other_origins(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".xml")
        || lower.ends_with("chapters.json")
        || lower.ends_with(".vtt")
        || lower.ends_with(".srt")
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
}
