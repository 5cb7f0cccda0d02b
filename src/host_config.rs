//! `podsmith host-config SERVER`: a ready snippet for serving the built
//! site from nginx, Caddy, Apache, Netlify or Cloudflare Pages: the types
//! podcast files need (`.vtt`, `.srt`, chapters JSON, the feed), CORS for
//! the feed, chapters and transcripts (web players fetch them from other
//! sites), caching like `podsmith deploy` sets it, and, when the feed
//! moved, the permanent redirect apps follow to its new address.

/// The servers podsmith writes configuration for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Server {
    Nginx,
    Caddy,
    Apache,
    Netlify,
    Cloudflare,
}

/// What the snippet is for.
#[derive(Debug, Clone)]
pub struct HostSite {
    /// The site's path on its host: `/` or `/show/`.
    pub base_path: String,
    /// The feed's absolute URL.
    pub feed_url: String,
    /// The old feed's path on this host, redirected to `feed_url`.
    pub redirect_from: Option<String>,
}

/// The snippet for `server`.
pub fn snippet(server: Server, site: &HostSite) -> String {
    let base = &site.base_path;
    let feed = format!("{base}{}", crate::feed::FEED_FILE);
    let redirect = site.redirect_from.as_deref();
    let new_feed = &site.feed_url;
    match server {
        Server::Nginx => {
            let mut s = format!(
                "# podsmith: serve the site at {base} (inside your `server {{ ... }}` block).
# nginx answers byte ranges by itself. A `types` block would replace all of
# mime.types, so each location below sets its own type instead.
# The feed, and its pages and other formats (feed-page-2.xml, feed-all.xml...).
location ~ ^{base}feed[^/]*\\.xml$ {{
    types {{ }} default_type \"application/rss+xml; charset=utf-8\";
    add_header Access-Control-Allow-Origin \"*\" always;
    add_header Cache-Control \"public, max-age=300\";
}}
location ~* ^{base}.*\\.(html|xml)$ {{
    add_header Cache-Control \"public, max-age=300\";
}}
# Chapters and transcripts: web players on other sites fetch them.
location ~* ^{base}.*chapters\\.json$ {{
    types {{ }} default_type application/json+chapters;
    add_header Access-Control-Allow-Origin \"*\" always;
    add_header Cache-Control \"public, max-age=3600\";
}}
location ~* ^{base}.*\\.vtt$ {{
    types {{ }} default_type \"text/vtt; charset=utf-8\";
    add_header Access-Control-Allow-Origin \"*\" always;
    add_header Cache-Control \"public, max-age=3600\";
}}
location ~* ^{base}.*\\.srt$ {{
    types {{ }} default_type application/x-subrip;
    add_header Access-Control-Allow-Origin \"*\" always;
    add_header Cache-Control \"public, max-age=3600\";
}}
# Audio and images: long caching.
location ~* ^{base}.*\\.(m4a|m4b)$ {{
    types {{ }} default_type audio/mp4;
    add_header Cache-Control \"public, max-age=2592000\";
}}
location ~* ^{base}.*\\.(ogg|oga|opus)$ {{
    types {{ }} default_type audio/ogg;
    add_header Cache-Control \"public, max-age=2592000\";
}}
location ~* ^{base}.*\\.(mp3|png|jpe?g|webp)$ {{
    add_header Cache-Control \"public, max-age=2592000\";
}}
"
            );
            if let Some(old) = redirect {
                s.push_str(&format!(
                    "# The feed moved: apps follow a permanent redirect.\nlocation = {old} {{\n    return 301 {new_feed};\n}}\n"
                ));
            }
            s
        }
        Server::Caddy => {
            let mut s = format!(
                "# podsmith: inside your site block, e.g. `example.org {{ ... }}`.
# Caddy answers byte ranges and knows .mp3; it needs the podcast types below.
@feed path {base}feed*.xml
header @feed Content-Type \"application/rss+xml; charset=utf-8\"
header @feed Access-Control-Allow-Origin \"*\"
@pages path {base}*.html {base} {feed} {base}sitemap.xml
header @pages Cache-Control \"public, max-age=300\"
@chapters path {base}*chapters.json
header @chapters Content-Type \"application/json+chapters\"
@vtt path {base}*.vtt
header @vtt Content-Type \"text/vtt; charset=utf-8\"
@srt path {base}*.srt
header @srt Content-Type \"application/x-subrip\"
@cors path {base}*chapters.json {base}*.vtt {base}*.srt
header @cors Access-Control-Allow-Origin \"*\"
header @cors Cache-Control \"public, max-age=3600\"
@m4a path {base}*.m4a {base}*.m4b
header @m4a Content-Type \"audio/mp4\"
@media path {base}*.mp3 {base}*.m4a {base}*.m4b {base}*.ogg {base}*.opus {base}*.png {base}*.jpg {base}*.jpeg
header @media Cache-Control \"public, max-age=2592000\"
"
            );
            if let Some(old) = redirect {
                s.push_str(&format!(
                    "# The feed moved: apps follow a permanent redirect.\nredir {old} {new_feed} permanent\n"
                ));
            }
            s.push_str("file_server\n");
            s
        }
        Server::Apache => {
            let mut s = format!(
                "# podsmith: put in the site's <VirtualHost> or in {base}.htaccess
# (needs mod_mime, mod_headers; mod_alias for the redirect).
AddType application/rss+xml .xml
AddType text/vtt .vtt
AddType application/x-subrip .srt
AddType audio/mp4 .m4a .m4b
AddType audio/ogg .ogg .oga .opus
AddCharset utf-8 .html .xml .vtt .css .js
<FilesMatch \"^chapters\\.json$\">
    ForceType application/json+chapters
</FilesMatch>
<FilesMatch \"(^feed[^/]*\\.xml|^chapters\\.json|\\.vtt|\\.srt)$\">
    Header set Access-Control-Allow-Origin \"*\"
</FilesMatch>
<FilesMatch \"\\.(html|xml)$\">
    Header set Cache-Control \"public, max-age=300\"
</FilesMatch>
<FilesMatch \"(chapters\\.json|\\.vtt|\\.srt|\\.css|\\.js)$\">
    Header set Cache-Control \"public, max-age=3600\"
</FilesMatch>
<FilesMatch \"\\.(mp3|m4a|m4b|ogg|oga|opus|png|jpe?g|webp)$\">
    Header set Cache-Control \"public, max-age=2592000\"
</FilesMatch>
"
            );
            if let Some(old) = redirect {
                s.push_str(&format!(
                    "# The feed moved: apps follow a permanent redirect.\nRedirect permanent {old} {new_feed}\n"
                ));
            }
            s
        }
        Server::Netlify | Server::Cloudflare => {
            let file = if server == Server::Netlify {
                "Netlify"
            } else {
                "Cloudflare Pages"
            };
            let mut s = format!(
                "# podsmith: {file} reads `_headers` (and `_redirects`) from the published
# folder: save the part below as static/_headers so every build copies it.
# --- static/_headers ---
{feed}
  Content-Type: application/rss+xml; charset=utf-8
  Access-Control-Allow-Origin: *
  Cache-Control: public, max-age=300
{base}*/chapters.json
  Content-Type: application/json+chapters
  Access-Control-Allow-Origin: *
  Cache-Control: public, max-age=3600
{base}*.vtt
  Content-Type: text/vtt; charset=utf-8
  Access-Control-Allow-Origin: *
{base}*.srt
  Content-Type: application/x-subrip
  Access-Control-Allow-Origin: *
{base}media/*
  Cache-Control: public, max-age=2592000
"
            );
            if let Some(old) = redirect {
                s.push_str(&format!(
                    "# --- static/_redirects --- (the feed moved: a permanent redirect)\n{old} {new_feed} 301\n"
                ));
            }
            s
        }
    }
}

/// The path part of a base URL (`https://example.org/show/` → `/show/`).
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_name_the_feed_and_the_redirect() {
        let site = HostSite {
            base_path: base_path("https://example.org/show/"),
            feed_url: "https://example.org/show/feed.xml".into(),
            redirect_from: Some("/old/rss".into()),
        };
        assert_eq!(site.base_path, "/show/");
        for server in [
            Server::Nginx,
            Server::Caddy,
            Server::Apache,
            Server::Netlify,
            Server::Cloudflare,
        ] {
            let text = snippet(server, &site);
            assert!(text.contains("text/vtt"), "{server:?}");
            assert!(text.contains("Access-Control-Allow-Origin"), "{server:?}");
            assert!(text.contains("/old/rss"), "{server:?}");
            assert!(
                text.contains("https://example.org/show/feed.xml"),
                "{server:?}"
            );
        }
    }
}
