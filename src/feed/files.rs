//! Which feed files a build writes: `feed.xml`; with `feed_limit`, its
//! older pages (RFC 5005 paged feeds: `atom:link` `first`, `last`,
//! `previous`, `next`) and the complete `feed-all.xml`; and one
//! `feed-<name>.xml` per `[[feeds]]` format.

use crate::site::Site;
use rss::extension::atom::Link;

/// The complete archive feed written beside a paged `feed.xml`.
pub const ARCHIVE_FILE: &str = "feed-all.xml";

/// One feed file.
#[derive(Debug, Clone)]
pub struct FeedFile {
    /// Its path at the output root.
    pub rel: String,
    /// Its episodes (indexes into `site.episodes`), newest first.
    pub indices: Vec<usize>,
    /// Its `atom:link`s: `self`, and the paging links of a page.
    pub links: Vec<Link>,
    /// The audio format its enclosures prefer (`[[feeds]] prefer`).
    pub prefer: Option<String>,
}

/// Where every episode with audio is in `site.episodes`, newest first.
pub fn published_indices(site: &Site) -> Vec<usize> {
    (0..site.episodes.len())
        .filter(|&i| site.episodes[i].audio.is_some())
        .collect()
}

/// The file name of page `n` (1 is `feed.xml`).
pub fn page_file(n: usize) -> String {
    if n <= 1 {
        super::FEED_FILE.to_string()
    } else {
        format!("feed-page-{n}.xml")
    }
}

fn link(site: &Site, rel: &str, file: &str) -> Link {
    Link {
        href: format!("{}{file}", site.config.base_url),
        rel: rel.into(),
        mime_type: Some("application/rss+xml".into()),
        ..Link::default()
    }
}

/// Every feed file of `site`, `feed.xml` first.
pub fn feed_files(site: &Site) -> Vec<FeedFile> {
    let all = published_indices(site);
    let mut files = Vec::new();
    match site.config.feed_limit.filter(|n| *n > 0) {
        Some(limit) => {
            let pages: Vec<&[usize]> = if all.is_empty() {
                vec![&[][..]]
            } else {
                all.chunks(limit).collect()
            };
            let last = pages.len();
            for (i, page) in pages.iter().enumerate() {
                let n = i + 1;
                let mut links = vec![link(site, "self", &page_file(n))];
                if last > 1 {
                    links.push(link(site, "first", &page_file(1)));
                    links.push(link(site, "last", &page_file(last)));
                    if n > 1 {
                        links.push(link(site, "previous", &page_file(n - 1)));
                    }
                    if n < last {
                        links.push(link(site, "next", &page_file(n + 1)));
                    }
                }
                files.push(FeedFile {
                    rel: page_file(n),
                    indices: page.to_vec(),
                    links,
                    prefer: None,
                });
            }
            files.push(FeedFile {
                rel: ARCHIVE_FILE.into(),
                indices: all.clone(),
                links: vec![link(site, "self", ARCHIVE_FILE)],
                prefer: None,
            });
        }
        None => files.push(FeedFile {
            rel: super::FEED_FILE.into(),
            indices: all.clone(),
            links: vec![link(site, "self", super::FEED_FILE)],
            prefer: None,
        }),
    }
    for variant in &site.config.feeds {
        let rel = format!("feed-{}.xml", variant.name.trim());
        files.push(FeedFile {
            links: vec![link(site, "self", &rel)],
            rel,
            indices: all.clone(),
            prefer: Some(variant.prefer.trim().to_ascii_lowercase()),
        });
    }
    files
}
