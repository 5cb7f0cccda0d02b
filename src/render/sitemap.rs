//! `sitemap.xml`.

use super::escape::xml_escape;
use crate::site::Site;

/// `sitemap.xml`: every page, with the newest episode date where it applies.
pub(super) fn sitemap(site: &Site) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut entry = |url: &str, lastmod: Option<String>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(url));
        xml.push_str("</loc>");
        if let Some(date) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&date);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    let newest = site
        .last_updated()
        .map(|d| d.format("%Y-%m-%d").to_string());
    entry(&site.config.base_url, newest.clone());
    for e in &site.episodes {
        let date = e.date.format("%Y-%m-%d").to_string();
        entry(&e.url, Some(date.clone()));
        // The transcript page, made when the transcript has cues to show.
        if let Some(t) = crate::transcript::displayed(&e.transcripts) {
            let path = site.config.media_dir(&site.root).join(&t.rel);
            let format = crate::transcript::format_of_file(t);
            if !crate::transcript::read(&path, format).is_empty() {
                entry(&format!("{}transcript/", e.url), Some(date));
            }
        }
    }
    for p in &site.pages {
        entry(&p.url, None);
    }
    for t in &site.tags {
        entry(&t.url, None);
    }
    for rel in ["archive/", "supporters/", "tags/"] {
        entry(&format!("{}{rel}", site.config.base_url), newest.clone());
    }
    xml.push_str("</urlset>\n");
    xml
}
