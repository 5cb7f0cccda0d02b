//! HTTP for `check --remote`: requests that follow at most five redirects
//! by hand, so each hop is seen (a hop from https to http is an error).

use super::Row;
use crate::error::{Diagnostic, Result};
use std::time::Duration;

/// Redirects allowed before the final answer.
pub const MAX_HOPS: usize = 5;

/// A client for one check.
pub struct Fetcher {
    client: reqwest::Client,
    /// Whether the feed was asked for over https (then every hop must be).
    https: bool,
}

/// A final answer, after any redirects.
pub struct Fetched {
    pub status: u16,
    /// The addresses of the redirects followed.
    pub hops: Vec<String>,
    pub response: reqwest::Response,
}

impl Fetched {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    }
}

/// A media type without its parameters, lower case.
pub fn base_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

impl Fetcher {
    pub fn new(feed_url: &str, timeout: Duration) -> Result<Fetcher> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "podsmith/",
                env!("CARGO_PKG_VERSION"),
                " (check --remote)"
            ))
            .timeout(timeout)
            .build()
            .map_err(|e| Diagnostic::error(None, format!("cannot make an HTTP client: {e}")))?;
        if reqwest::Url::parse(feed_url).is_err() {
            return Err(
                Diagnostic::error(None, format!("{feed_url:?} is not an address"))
                    .help("pass the feed's address, e.g. https://example.org/show/feed.xml")
                    .into(),
            );
        }
        Ok(Fetcher {
            client,
            https: feed_url.starts_with("https://"),
        })
    }

    /// Requests `url`, following redirects (at most [`MAX_HOPS`]).
    pub async fn fetch(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(&str, &str)],
    ) -> std::result::Result<Fetched, String> {
        let mut url = reqwest::Url::parse(url).map_err(|e| format!("not an address: {e}"))?;
        let mut hops = Vec::new();
        loop {
            let mut request = self.client.request(method.clone(), url.clone());
            for (k, v) in headers {
                request = request.header(*k, *v);
            }
            let response = request.send().await.map_err(|e| {
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    text.push_str(&format!(": {s}"));
                    source = s.source();
                }
                text
            })?;
            let status = response.status();
            if status.is_redirection() {
                let Some(next) = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                else {
                    return Err(format!("HTTP {status} without a Location"));
                };
                let next = url
                    .join(next)
                    .map_err(|e| format!("redirect to a bad address {next:?}: {e}"))?;
                hops.push(next.to_string());
                if hops.len() > MAX_HOPS {
                    return Err(format!(
                        "more than {MAX_HOPS} redirects (apps give up): {}",
                        hops.join(" → ")
                    ));
                }
                url = next;
                continue;
            }
            return Ok(Fetched {
                status: status.as_u16(),
                hops,
                response,
            });
        }
    }

    /// Adds to `row` what is wrong with the redirects `fetched` went through.
    pub fn check_hops(&self, fetched: &Fetched, row: &mut Row) {
        if self.https {
            if let Some(plain) = fetched.hops.iter().find(|h| h.starts_with("http://")) {
                row.errors.push(format!(
                    "a redirect leaves https ({plain}); apps refuse or warn"
                ));
            }
            if row.url.starts_with("http://") {
                row.errors
                    .push("served over plain http; apps expect https".into());
            }
        }
        if !fetched.hops.is_empty() {
            row.warnings.push(format!(
                "{} redirect{} (ends at {})",
                fetched.hops.len(),
                if fetched.hops.len() == 1 { "" } else { "s" },
                fetched.hops.last().map(String::as_str).unwrap_or("")
            ));
        }
    }
}
