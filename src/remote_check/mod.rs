//! `podsmith check --remote FEED_URL`: what apps will actually get from a
//! deployed show. The feed must answer 200 with an XML type and parse;
//! every enclosure (or a sample) must answer `HEAD` and `Range: bytes=0-1`
//! with the feed's length and type, through at most five redirects that
//! stay on https; the cover art, chapters and transcripts must answer with
//! their types, and chapters and transcripts must allow other origins
//! (`Access-Control-Allow-Origin`: web players fetch them from elsewhere).

mod fetch;

use fetch::{base_type, Fetched, Fetcher};
use futures_util::stream::{self, StreamExt};
use std::time::Duration;

/// What to check, and how hard.
#[derive(Debug, Clone)]
pub struct RemoteOptions {
    pub feed_url: String,
    /// Check only the newest N episodes' enclosures and files.
    pub sample: Option<usize>,
    /// Each request's time limit.
    pub timeout: Duration,
    /// Requests at the same time.
    pub parallel: usize,
}

/// One row of the result table.
#[derive(Debug, Clone)]
pub struct Row {
    /// `feed`, `enclosure`, `cover`, `chapters`, `transcript`.
    pub what: &'static str,
    pub url: String,
    /// What is wrong (the row fails).
    pub errors: Vec<String>,
    /// What apps may stumble on (the row passes).
    pub warnings: Vec<String>,
    /// What was seen, when all is well (`206, audio/mpeg, 1.2 MB`).
    pub seen: String,
}

impl Row {
    fn new(what: &'static str, url: &str) -> Row {
        Row {
            what,
            url: url.to_string(),
            errors: Vec::new(),
            warnings: Vec::new(),
            seen: String::new(),
        }
    }

    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// A file the feed names, to check.
#[derive(Debug, Clone)]
struct Linked {
    what: &'static str,
    url: String,
    /// The type the feed declares.
    mime: Option<String>,
    /// The length the feed declares (enclosures).
    length: Option<u64>,
}

/// Types that name the same thing.
fn same_type(declared: &str, served: &str) -> bool {
    let canon = |t: &str| match t {
        "audio/x-m4a" | "audio/m4a" => "audio/mp4".to_string(),
        "audio/mp3" => "audio/mpeg".to_string(),
        "application/srt" | "text/srt" => "application/x-subrip".to_string(),
        // Chapters are JSON; both names are in use.
        "application/json+chapters" => "application/json".to_string(),
        other => other.to_string(),
    };
    canon(&base_type(declared)) == canon(&base_type(served))
}

/// Fetches and parses the feed; the row, and the files it names.
async fn check_feed(fetcher: &Fetcher, url: &str, sample: Option<usize>) -> (Row, Vec<Linked>) {
    let mut row = Row::new("feed", url);
    let fetched = match fetcher
        .fetch(
            reqwest::Method::GET,
            url,
            &[("origin", "https://player.example")],
        )
        .await
    {
        Ok(f) => f,
        Err(e) => {
            row.errors.push(e);
            return (row, Vec::new());
        }
    };
    fetcher.check_hops(&fetched, &mut row);
    if fetched.status != 200 {
        row.errors
            .push(format!("answered HTTP {} (apps need 200)", fetched.status));
        return (row, Vec::new());
    }
    if fetched.header("access-control-allow-origin").is_none() {
        row.warnings.push(
            "no Access-Control-Allow-Origin: web players on other sites cannot read the feed (see `podsmith host-config`)".into(),
        );
    }
    let kind = fetched.header("content-type").unwrap_or_default();
    if !base_type(&kind).contains("xml") {
        row.errors.push(format!(
            "Content-Type is {kind:?}; apps expect application/rss+xml or application/xml"
        ));
    }
    let body = match fetched.response.bytes().await {
        Ok(b) => b,
        Err(e) => {
            row.errors.push(format!("the body did not arrive: {e}"));
            return (row, Vec::new());
        }
    };
    let channel = match rss::Channel::read_from(&body[..]) {
        Ok(c) => c,
        Err(e) => {
            row.errors.push(format!("not a readable RSS feed: {e}"));
            return (row, Vec::new());
        }
    };
    let mut linked = Vec::new();
    let cover = channel
        .itunes_ext()
        .and_then(|i| i.image().map(String::from))
        .or_else(|| channel.image().map(|i| i.url().to_string()));
    if let Some(cover) = cover {
        linked.push(Linked {
            what: "cover",
            url: cover,
            mime: None,
            length: None,
        });
    }
    let items = channel.items();
    let take = sample.unwrap_or(items.len()).min(items.len());
    for item in &items[..take] {
        if let Some(e) = item.enclosure() {
            linked.push(Linked {
                what: "enclosure",
                url: e.url().to_string(),
                mime: Some(e.mime_type().to_string()),
                length: e.length().trim().parse().ok(),
            });
        }
        let podcast = item.extensions().get("podcast");
        for (name, what) in [("chapters", "chapters"), ("transcript", "transcript")] {
            for ext in podcast.and_then(|p| p.get(name)).into_iter().flatten() {
                if let Some(url) = ext.attrs().get("url") {
                    linked.push(Linked {
                        what,
                        url: url.clone(),
                        mime: ext.attrs().get("type").cloned(),
                        length: None,
                    });
                }
            }
        }
    }
    let shown = if take < items.len() {
        format!("{} episodes, checking {take}", items.len())
    } else {
        format!("{} episodes", items.len())
    };
    row.seen = format!("{}, {}, {shown}", fetched.status, base_type(&kind));
    (row, linked)
}

/// Checks an enclosure: `HEAD`, then the first two bytes.
async fn check_enclosure(fetcher: &Fetcher, link: &Linked) -> Row {
    let mut row = Row::new(link.what, &link.url);
    let head = match fetcher.fetch(reqwest::Method::HEAD, &link.url, &[]).await {
        Ok(f) => f,
        Err(e) => {
            row.errors.push(format!("HEAD: {e}"));
            return row;
        }
    };
    fetcher.check_hops(&head, &mut row);
    if head.status != 200 {
        row.errors.push(format!(
            "HEAD answered HTTP {} (apps need 200)",
            head.status
        ));
        return row;
    }
    let kind = head.header("content-type").unwrap_or_default();
    if let Some(declared) = &link.mime {
        if !same_type(declared, &kind) {
            row.errors.push(format!(
                "type: the feed says {declared}, the server sends {:?}",
                base_type(&kind)
            ));
        }
    }
    let served_length: Option<u64> = head.header("content-length").and_then(|v| v.parse().ok());
    match (link.length, served_length) {
        (Some(feed), Some(served)) if feed != served => row.errors.push(format!(
            "length: the feed says {feed} bytes, the server sends {served} (apps show wrong durations or stop early)"
        )),
        (None, _) => row
            .errors
            .push("the feed's enclosure has no usable length".into()),
        (_, None) => row
            .warnings
            .push("HEAD sent no Content-Length".into()),
        _ => {}
    }
    let range = match fetcher
        .fetch(reqwest::Method::GET, &link.url, &[("range", "bytes=0-1")])
        .await
    {
        Ok(f) => f,
        Err(e) => {
            row.errors.push(format!("Range request: {e}"));
            return row;
        }
    };
    match range.status {
        206 => {
            let content_range = range.header("content-range").unwrap_or_default();
            let total = content_range
                .strip_prefix("bytes 0-1/")
                .and_then(|t| t.trim().parse::<u64>().ok());
            match (total, link.length) {
                (Some(total), Some(feed)) if total != feed => row.errors.push(format!(
                    "length: the feed says {feed} bytes, Content-Range says {total}"
                )),
                (None, _) => row.errors.push(format!(
                    "Range request: Content-Range {content_range:?} is not `bytes 0-1/LENGTH`"
                )),
                _ => {}
            }
        }
        200 => row.errors.push(
            "no Range support: `Range: bytes=0-1` answered 200 with the whole file (Apple Podcasts refuses such hosts; seeking fails)".into(),
        ),
        other => row
            .errors
            .push(format!("Range request answered HTTP {other} (apps need 206)")),
    }
    // The body is not read: dropping the response closes the connection.
    drop(range);
    row.seen = format!(
        "200/206, {}, {} bytes",
        base_type(&kind),
        served_length.map_or("?".into(), |l| l.to_string())
    );
    row
}

/// Checks cover art, chapters or a transcript.
async fn check_file(fetcher: &Fetcher, link: &Linked) -> Row {
    let mut row = Row::new(link.what, &link.url);
    let cors = link.what != "cover";
    let headers: &[(&str, &str)] = if cors {
        &[("origin", "https://player.example")]
    } else {
        &[]
    };
    let fetched: Fetched = match fetcher
        .fetch(reqwest::Method::HEAD, &link.url, headers)
        .await
    {
        Ok(f) => f,
        Err(e) => {
            row.errors.push(e);
            return row;
        }
    };
    fetcher.check_hops(&fetched, &mut row);
    if fetched.status != 200 {
        row.errors
            .push(format!("answered HTTP {} (apps need 200)", fetched.status));
        return row;
    }
    let kind = fetched.header("content-type").unwrap_or_default();
    match &link.mime {
        Some(declared) if !same_type(declared, &kind) => row.errors.push(format!(
            "type: the feed says {declared}, the server sends {:?}",
            base_type(&kind)
        )),
        None if !matches!(base_type(&kind).as_str(), "image/jpeg" | "image/png") => {
            row.errors.push(format!(
                "type: cover art must be image/jpeg or image/png, the server sends {:?}",
                base_type(&kind)
            ))
        }
        _ => {}
    }
    if cors {
        match fetched.header("access-control-allow-origin") {
            Some(v) if v == "*" || v == "https://player.example" => {}
            Some(v) => row.errors.push(format!(
                "Access-Control-Allow-Origin is {v:?}: web players on other sites cannot read it"
            )),
            None => row.errors.push(
                "no Access-Control-Allow-Origin: web players on other sites cannot read it (see `podsmith host-config`)".into(),
            ),
        }
    }
    row.seen = format!("{}, {}", fetched.status, base_type(&kind));
    row
}

/// Runs every check; the rows, feed first.
pub fn run(options: &RemoteOptions) -> crate::error::Result<Vec<Row>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::error::Error::io(std::path::Path::new("."), "start", e))?;
    let fetcher = Fetcher::new(&options.feed_url, options.timeout)?;
    Ok(runtime.block_on(async {
        let (feed, linked) = check_feed(&fetcher, &options.feed_url, options.sample).await;
        let mut rows = vec![feed];
        // Shown on a terminal only; cleared before the table.
        let progress = indicatif::ProgressBar::new(linked.len() as u64);
        progress.set_style(
            indicatif::ProgressStyle::with_template("checking [{bar:30}] {pos}/{len} addresses")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        let checks = linked.iter().enumerate().map(|(i, link)| {
            let (fetcher, progress) = (&fetcher, &progress);
            async move {
                let row = if link.what == "enclosure" {
                    check_enclosure(fetcher, link).await
                } else {
                    check_file(fetcher, link).await
                };
                progress.inc(1);
                (i, row)
            }
        });
        let mut found: Vec<(usize, Row)> = stream::iter(checks)
            .buffer_unordered(options.parallel.max(1))
            .collect()
            .await;
        progress.finish_and_clear();
        found.sort_by_key(|(i, _)| *i);
        rows.extend(found.into_iter().map(|(_, row)| row));
        rows
    }))
}

/// The result table as text: one line per URL, its problems under it.
pub fn table(rows: &[Row]) -> String {
    let width = rows.iter().map(|r| r.what.len()).max().unwrap_or(4);
    let mut out = String::new();
    for row in rows {
        let status = if row.failed() { "FAIL" } else { "ok" };
        out.push_str(&format!(
            "{status:<4}  {:<width$}  {}  {}\n",
            row.what, row.url, row.seen
        ));
        for e in &row.errors {
            out.push_str(&format!("      error: {e}\n"));
        }
        for w in &row.warnings {
            out.push_str(&format!("      warning: {w}\n"));
        }
    }
    out
}

/// `podsmith check --remote`: prints the table; fails when a row failed.
pub fn command(url: &str, sample: Option<usize>, timeout: u64) -> crate::error::Result<()> {
    let rows = run(&RemoteOptions {
        feed_url: url.to_string(),
        sample,
        timeout: std::time::Duration::from_secs(timeout.max(1)),
        parallel: 8,
    })?;
    print!("{}", table(&rows));
    let failed = rows.iter().filter(|r| r.failed()).count();
    let warned = rows.iter().filter(|r| !r.warnings.is_empty()).count();
    println!(
        "Checked {} address{}: {failed} failed, {warned} with warnings",
        rows.len(),
        if rows.len() == 1 { "" } else { "es" }
    );
    if failed > 0 {
        return Err(crate::error::Error::reported());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::same_type;

    #[test]
    fn types_match_by_name() {
        assert!(same_type("audio/mpeg", "audio/mpeg"));
        assert!(same_type("audio/mp4", "audio/x-m4a"));
        assert!(same_type("text/vtt", "text/vtt; charset=utf-8"));
        assert!(same_type("application/json+chapters", "application/json"));
        assert!(!same_type("audio/mpeg", "application/octet-stream"));
    }
}
