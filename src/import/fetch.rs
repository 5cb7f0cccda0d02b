//! Reading a feed, chapters or cover art from a file or an `http(s)://`
//! address (ureq: blocking, small, rustls for HTTPS).

use crate::error::{Diagnostic, Error, Result};
use std::path::PathBuf;
use std::time::Duration;

/// The most a feed, chapters file or cover may weigh.
const MAX_DOCUMENT: u64 = 256 * 1024 * 1024;

/// Whether `source` is a web address rather than a file.
pub fn is_url(source: &str) -> bool {
    let lower = source.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The HTTP client every request of an import goes through.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .user_agent(concat!(
            "podsmith/",
            env!("CARGO_PKG_VERSION"),
            " (podcast import)"
        ))
        .build()
        .into()
}

/// The bytes of a file or web address; errors name it.
pub fn read_source(source: &str) -> Result<Vec<u8>> {
    if is_url(source) {
        get(&agent(), source.trim()).map_err(|why| {
            Diagnostic::error(None, format!("cannot fetch {source}: {why}"))
                .help("check the address (open it in a browser), or download the feed and pass the file")
                .into()
        })
    } else {
        let path = PathBuf::from(source);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Diagnostic::error(path, "no such file")
                .help("pass the feed's file, or its http(s):// address")
                .into(),
            _ => Error::io(&path, "read", e),
        })
    }
}

/// A GET of `url`'s whole body; `Err` says why, as the end of a sentence.
pub fn get(agent: &ureq::Agent, url: &str) -> std::result::Result<Vec<u8>, String> {
    let mut response = agent.get(url).call().map_err(describe)?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOCUMENT)
        .read_to_vec()
        .map_err(describe)
}

/// A ureq error in words.
pub fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::StatusCode(code) => format!("the server answered {code}"),
        ureq::Error::Timeout(_) => "the server did not answer in time".into(),
        ureq::Error::HostNotFound => "the host was not found".into(),
        ureq::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}
