//! Show settings: `podcast.toml`, parsed strictly (an unknown key is an error
//! with a suggestion) and validated before any other work.

use crate::content::{control_warnings, strip_controls, strip_toml_controls, StrayControl};
use crate::error::{line_col, nearest, Diagnostic, Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The settings file's name in a site's root.
pub const CONFIG_FILE: &str = "podcast.toml";

/// The show's settings, from `podcast.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The site's public address; always ends with `/` once loaded.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub author: String,
    /// The cover art, a path under `static/`.
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub explicit: bool,
    /// Apple category names; `"Parent > Child"` for a subcategory.
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub copyright: Option<String>,
    #[serde(default)]
    pub owner: Option<Owner>,
    #[serde(default)]
    pub media: MediaConfig,
    #[serde(default)]
    pub output: OutputConfig,
    /// `[deploy]`: where `podsmith deploy` uploads the site.
    #[serde(default)]
    pub deploy: crate::deploy::DeployConfig,
    #[serde(default)]
    pub funding: Vec<Funding>,
    /// Credits that apply to every episode.
    #[serde(default)]
    pub credits: Vec<Credit>,
    /// Links to the show in podcast apps.
    #[serde(default)]
    pub subscribe: Vec<Subscribe>,
    /// Episodes per page on the home page.
    #[serde(default = "default_per_page")]
    pub episodes_per_page: usize,
    /// At most this many episodes in the feed (default: all).
    #[serde(default)]
    pub feed_limit: Option<usize>,
    /// Pins the feed's `podcast:guid` (default: derived from the feed URL).
    #[serde(default)]
    pub podcast_guid: Option<String>,
    /// `episodic` (newest first) or `serial` (oldest first).
    #[serde(default)]
    pub show_type: ShowType,
    /// `podcast:locked`: other platforms must not import the feed.
    #[serde(default)]
    pub locked: bool,
    /// Moving the feed away: the new feed's address, written as
    /// `itunes:new-feed-url` so apps follow the show there (see docs/import.md).
    #[serde(default)]
    pub new_feed_url: Option<String>,
    /// Free-form settings for custom templates.
    #[serde(default)]
    pub extra: toml::Table,
    /// `[value]`: value-for-value payments (`podcast:value`); see
    /// [`crate::value`].
    #[serde(default)]
    pub value: Option<crate::value::Value>,
    /// `[feed]`: the feed's further Podcasting 2.0 and Apple tags; see
    /// [`crate::feed_settings`].
    #[serde(default)]
    pub feed: crate::feed_settings::FeedSettings,
    /// `[[podroll]]`: shows this one recommends (`podcast:podroll`).
    #[serde(default)]
    pub podroll: Vec<crate::value::RemoteItem>,
    /// `[[feeds]]`: feeds of the show in other audio formats.
    #[serde(default)]
    pub feeds: Vec<crate::feed_settings::FeedVariant>,
    /// Problems found while reading the settings that do not stop a build
    /// (removed control characters); the site's warnings include them.
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
    /// The settings text as read (control characters removed), so later
    /// checks can point at a setting's line without reading the file again.
    #[serde(skip)]
    pub text: String,
}

/// `[owner]`: who owns the show (for Apple and Podcasting 2.0 verification).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    pub name: String,
    pub email: String,
}

/// `[media]`: where the audio lives and where it is served from.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    /// Folder of the audio files, relative to the site root.
    #[serde(default = "default_media_dir")]
    pub dir: String,
    /// Where the audio is served from; when unset the site serves it under `media/`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Where `dir` is written in `podcast.toml`, as 1-based (line, column);
    /// `None` when it is not written (the default) or not known.
    #[serde(skip)]
    pub dir_at: Option<(usize, usize)>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig {
            dir: default_media_dir(),
            base_url: None,
            dir_at: None,
        }
    }
}

/// `[output]`: how the output folder is written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Hard-link static files and audio into the output instead of copying
    /// them: faster and smaller, but then the output and the sources are
    /// the same files, and editing one edits the other.
    #[serde(default)]
    pub hard_links: bool,
}

/// `[[funding]]`: a way to support the show.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub url: String,
    pub text: String,
}

/// `[[subscribe]]`: the show in one podcast app. `url` may be left out for
/// an app whose subscribe link podsmith makes from the feed address
/// (Overcast, Pocket Casts, AntennaPod, Podcast Addict, Castro; see
/// `render::apps`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Subscribe {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// `[[credits]]`, show-wide or in an episode.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    pub name: String,
    /// Free text such as "Theme music" or "Audio hosting".
    pub role: String,
    /// The credited work, e.g. the song's title.
    #[serde(default)]
    pub work: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// A picture of the person, an http(s) URL (`podcast:person img`).
    #[serde(default)]
    pub image: Option<String>,
}

/// Whether an `image` setting (show or episode) is a recorded remote image,
/// an `http(s)://` address used as it is, rather than a file under `static/`.
pub fn is_remote_image(image: &str) -> bool {
    let lower = image.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The public address of an `image` setting: a remote image as written,
/// else the file under `static/` on the site.
pub fn image_address(base_url: &str, image: &str) -> String {
    if is_remote_image(image) {
        image.trim().to_string()
    } else {
        format!("{base_url}{}", crate::slug::encode_path(image.trim()))
    }
}

/// Checks a credit's `image`: an absolute http(s) address.
pub fn check_image_url(url: &str) -> std::result::Result<(), String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || u.len() < 9 {
        return Err("must be an absolute http(s) address of a picture".into());
    }
    check_link(u)
}

/// How apps should order the show.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ShowType {
    #[default]
    Episodic,
    Serial,
}

fn default_language() -> String {
    "en".into()
}
fn default_per_page() -> usize {
    10
}
fn default_media_dir() -> String {
    "static/media".into()
}

impl Config {
    /// Reads and validates `<root>/podcast.toml`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Diagnostic::error(path, "no podcast.toml here")
                    .help("run podsmith in a site folder, pass --root DIR, or create a site with `podsmith init DIR`")
                    .into())
            }
            Err(e) => return Err(Error::io(&path, "read", e)),
        };
        Config::parse(&text, &path)
    }

    /// Parses and validates settings text; `path` is used in messages.
    /// Control characters are removed, with warnings in
    /// [`Config::warnings`] (see [`crate::content::strip_controls`]).
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let (text, mut found) = strip_controls(text);
        let mut config: Config = parse_toml(&text, path, 0, "setting", &mut found)?;
        config.media.dir_at = locate_media_dir(&text);
        config.validate(path, &text)?;
        config.warnings = control_warnings(path, found);
        config.text = text.into_owned();
        Ok(config)
    }

    fn validate(&mut self, path: &Path, text: &str) -> Result<()> {
        let mut problems = Vec::new();
        // Points at the value of the setting at `keys` (found again only
        // when there is something to say about it).
        let err = |keys: &[&str], msg: String, help: &str| {
            let mut d = Diagnostic::error(path.to_path_buf(), msg).help(help);
            if let Some((line, column)) = locate(text, keys) {
                d = d.at(line, column);
            }
            Error::from(d)
        };
        if self.title.trim().is_empty() {
            problems.push(err(
                &["title"],
                "`title` is empty".into(),
                "give the show a name",
            ));
        }
        match normalize_base_url(&self.base_url) {
            Ok(url) => self.base_url = url,
            Err(why) => problems.push(err(
                &["base_url"],
                format!("`base_url` = {:?} {why}", self.base_url),
                "write the site's public address, e.g. base_url = \"https://example.org/podcast/\"",
            )),
        }
        if let Some(media_url) = &self.media.base_url {
            match normalize_base_url(media_url) {
                Ok(url) => self.media.base_url = Some(url),
                Err(why) => problems.push(err(
                    &["media", "base_url"],
                    format!("`[media] base_url` = {media_url:?} {why}"),
                    "write where the audio is served from, e.g. \"https://media.example.org/show/\", or remove it",
                )),
            }
        }
        if let Some(url) = &self.new_feed_url {
            let lower = url.trim().to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://"))
                || url.trim().chars().any(char::is_whitespace)
            {
                problems.push(err(
                    &["new_feed_url"],
                    format!("`new_feed_url` = {url:?} is not an http(s):// address"),
                    "write the full address of the show's new feed, e.g. new_feed_url = \"https://new.example.org/feed.xml\", or remove it",
                ));
            }
        }
        if self.episodes_per_page == 0 {
            problems.push(err(
                &["episodes_per_page"],
                "`episodes_per_page` must be at least 1".into(),
                "remove it or set a positive number",
            ));
        }
        if let Err(e) = safe_relative_path(&self.media.dir) {
            let mut problem = Diagnostic::error(path.to_path_buf(), format!("`[media] dir`: {e}"))
                .help("name a folder inside the site, e.g. \"static/media\"");
            if let Some((line, column)) = self.media.dir_at {
                problem = problem.at(line, column);
            }
            problems.push(problem.into());
        }
        if let Some(image) = &self.image {
            let checked = if is_remote_image(image) {
                check_image_url(image).and_then(|()| {
                    if image.trim().contains(char::is_whitespace) {
                        Err("a remote image's address has no spaces".into())
                    } else {
                        Ok(())
                    }
                })
            } else {
                safe_relative_path(image)
            };
            if let Err(e) = checked {
                problems.push(err(
                    &["image"],
                    format!("`image`: {e}"),
                    "name a file under static/, e.g. \"cover.png\"",
                ));
            }
        }
        let links = (self.funding.iter().map(|f| ("funding", &f.url)).enumerate())
            .chain(
                self.subscribe
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| s.url.as_ref().map(|u| (i, ("subscribe", u)))),
            )
            .chain(
                self.credits
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| c.url.as_ref().map(|u| (i, ("credits", u)))),
            );
        for (i, (table, url)) in links {
            if let Err(why) = check_link(url) {
                problems.push(err(
                    &[table, &i.to_string(), "url"],
                    format!("`[[{table}]] url` = {url:?}: {why}"),
                    "use an https:// or mailto: address",
                ));
            }
        }
        for (i, entry) in self.subscribe.iter().enumerate() {
            if !crate::render::apps::has_link(entry) {
                problems.push(err(
                    &["subscribe", &i.to_string(), "name"],
                    format!(
                        "`[[subscribe]]` {:?} has no `url`, and podsmith makes links only for {}",
                        entry.name,
                        crate::render::apps::linkable_names().join(", ")
                    ),
                    "add the show's address in that app as `url = \"https://...\"`",
                ));
            }
        }
        for p in crate::feed_settings::show_problems(&self.feed, &self.podroll)
            .into_iter()
            .chain(crate::feed_settings::variant_problems(&self.feeds))
        {
            let keys: Vec<&str> = p.keys.iter().map(String::as_str).collect();
            problems.push(err(&keys, p.message, p.help));
        }
        if let Some(value) = &self.value {
            for p in crate::value::problems(value, None) {
                let mut keys = vec!["value"];
                keys.extend(p.keys.iter().map(String::as_str));
                problems.push(err(&keys, p.message, p.help));
            }
        }
        for (i, credit) in self.credits.iter().enumerate() {
            if let Some(Err(why)) = credit.image.as_deref().map(check_image_url) {
                problems.push(err(
                    &["credits", &i.to_string(), "image"],
                    format!(
                        "`[[credits]] image` = {:?} {why}",
                        credit.image.as_deref().unwrap_or("")
                    ),
                    "write e.g. image = \"https://example.org/people/ada.jpg\"",
                ));
            }
        }
        if let Some(hub) = &self.feed.websub_hub {
            if !(hub.starts_with("https://") || hub.starts_with("http://")) {
                problems.push(err(
                    &["feed", "websub_hub"],
                    format!("`[feed] websub_hub` = {hub:?} is not an http(s) address"),
                    "write the hub's address, e.g. \"https://pubsubhubbub.appspot.com/\"",
                ));
            }
        }
        for (keys, problem) in self.deploy.problems() {
            problems.push(err(&keys, problem.0, &problem.1));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::many(problems))
        }
    }

    /// The feed's absolute URL.
    pub fn feed_url(&self) -> String {
        format!("{}feed.xml", self.base_url)
    }

    /// The folder of the audio files.
    pub fn media_dir(&self, root: &Path) -> PathBuf {
        root.join(&self.media.dir)
    }

    /// Whether the site itself serves the audio (under `media/`).
    pub fn site_serves_media(&self) -> bool {
        self.media.base_url.is_none()
    }
}

/// Where `[media] dir` is written in settings text, as 1-based (line,
/// column) of its value (a second, lenient parse: the settings are small).
fn locate_media_dir(text: &str) -> Option<(usize, usize)> {
    #[derive(Deserialize)]
    struct Settings {
        media: Option<Media>,
    }
    #[derive(Deserialize)]
    struct Media {
        dir: Option<toml::Spanned<toml::Value>>,
    }
    let settings: Settings = toml::from_str(text).ok()?;
    let span = settings.media?.dir?.span();
    Some(line_col(text, span.start))
}

/// Checks a base address (`base_url`, `[media] base_url`, `serve
/// --base-url`) and makes it end with `/`. Podcast apps and the feed put
/// paths after it, so it must be `http(s)://host[:port]/path/`: no user
/// name or password, no query, no fragment, no spaces. `Err` says what is
/// wrong, as the end of a sentence that starts with the address.
pub fn normalize_base_url(url: &str) -> std::result::Result<String, String> {
    let url = url.trim();
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err("is not an http(s) address (it must start with https://)".into());
    };
    if let Some(c) = url
        .chars()
        .find(|&c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(c))
    {
        return Err(format!(
            "has a character that cannot be in a web address ({c:?})"
        ));
    }
    for (mark, what) in [('?', "a query"), ('#', "a fragment")] {
        if url.contains(mark) {
            return Err(format!(
                "has {what} (`{mark}...`): podsmith adds paths after the address, which would land inside it"
            ));
        }
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return Err(
            "has a user name or password (`...@`), which would be published in the feed".into(),
        );
    }
    let (host_ok, port) = match authority.strip_prefix('[') {
        // An IPv6 address: [::1] or [::1]:8080.
        Some(v6) => match v6.split_once(']') {
            Some((ip, after)) if after.is_empty() || after.starts_with(':') => (
                ip.parse::<std::net::Ipv6Addr>().is_ok(),
                after.strip_prefix(':'),
            ),
            _ => (false, None),
        },
        None => {
            let (host, port) = match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            };
            if host.is_empty() {
                return Err("has no host name (write e.g. https://example.org/)".into());
            }
            let ok = host
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '%'));
            (ok, port)
        }
    };
    if !host_ok {
        return Err(format!("has an invalid host name ({authority:?})"));
    }
    if port.is_some_and(|p| p.is_empty() || p.parse::<u16>().is_err()) {
        return Err("has an invalid port (write e.g. https://example.org:8443/)".into());
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// The 1-based line and column of the value at `keys` in TOML `text` (a
/// key made of digits indexes an array: `["funding", "1", "url"]`), to
/// point at a setting in a message; `None` when it is not there.
pub fn locate(text: &str, keys: &[&str]) -> Option<(usize, usize)> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut span = root.span();
    let root = toml::de::DeValue::Table(root.into_inner());
    let mut value = &root;
    for key in keys {
        let next = match key.parse::<usize>() {
            Ok(i) => value.get(i)?,
            Err(_) => value.get(*key)?,
        };
        span = next.span();
        value = next.get_ref();
    }
    Some(line_col(text, span.start))
}

/// Refuses links that would run script or are not addresses at all.
/// Allowed: `http(s)://`, `mailto:`, and relative or site-root paths.
pub fn check_link(url: &str) -> std::result::Result<(), String> {
    let trimmed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = trimmed.to_ascii_lowercase();
    if let Some(colon) = lower.find(':') {
        let scheme = &lower[..colon];
        let is_scheme = !scheme.is_empty() && !scheme.contains(['/', '?', '#']);
        if is_scheme && !matches!(scheme, "http" | "https" | "mailto") {
            return Err(format!("`{scheme}:` links are not allowed"));
        }
    }
    if url.trim().is_empty() {
        return Err("the address is empty".into());
    }
    Ok(())
}

/// Checks that a path from a settings or front matter value stays inside
/// its folder: relative, no `..`, no drive or root.
pub fn safe_relative_path(value: &str) -> std::result::Result<(), String> {
    let path = Path::new(value);
    if value.trim().is_empty() {
        return Err("the path is empty".into());
    }
    if value.contains('\\') {
        return Err(format!("{value:?} has a backslash; use / between folders"));
    }
    for part in path.components() {
        match part {
            std::path::Component::Normal(_) | std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                return Err(format!("{value:?} climbs out of its folder with `..`"))
            }
            _ => {
                return Err(format!(
                    "{value:?} is an absolute path; give a path relative to its folder"
                ))
            }
        }
    }
    Ok(())
}

/// Parses TOML into `T`, turning a failure into a located diagnostic.
/// `line_offset` is the number of file lines before `text` (front matter
/// starts after its `+++` line); `what` names a key in messages ("setting",
/// "front matter key").
/// Stray control characters in the strings are removed on the way and
/// listed in `found` (see [`crate::content::strip_controls`]).
pub(crate) fn parse_toml<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    line_offset: usize,
    what: &str,
    found: &mut Vec<StrayControl>,
) -> Result<T> {
    let located = |e: toml::de::Error| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        if let Some(duplicate) = e
            .span()
            .filter(|_| e.message().starts_with("duplicate key"))
        {
            return duplicate_key_error(text, duplicate, path, line_offset, what);
        }
        let mut diagnostic =
            Diagnostic::error(path.to_path_buf(), describe_toml_error(e.message(), what))
                .at(line + line_offset, column);
        if let Some(help) = help_for_toml_error(e.message(), what) {
            diagnostic = diagnostic.help(help);
        }
        Error::from(diagnostic)
    };
    let mut table = toml::de::DeTable::parse(text).map_err(located)?;
    strip_toml_controls(table.get_mut(), text, line_offset, found);
    T::deserialize(toml::de::Deserializer::from(table)).map_err(located)
}

/// A key (or `[table]`) set twice: names the key, where it is set again
/// (`duplicate`, the span toml reports) and, when it can be found, where it
/// was set first.
fn duplicate_key_error(
    text: &str,
    duplicate: std::ops::Range<usize>,
    path: &Path,
    line_offset: usize,
    what: &str,
) -> Error {
    let key = text.get(duplicate.clone()).unwrap_or("").trim();
    let (line, column) = line_col(text, duplicate.start);
    let message = match first_definition(text, &duplicate, key) {
        Some(first) => {
            let (first_line, first_column) = line_col(text, first);
            format!(
                "duplicate {what} `{key}`: it is already set at line {}, column {first_column}",
                first_line + line_offset
            )
        }
        None => format!("duplicate {what} `{key}`: it is already set above"),
    };
    Diagnostic::error(path.to_path_buf(), message)
        .at(line + line_offset, column)
        .help("keep one of the two: TOML allows each key once in a table, and each [table] header once")
        .into()
}

/// Where `key` was first set, before the duplicate at `duplicate`: the
/// earlier occurrence in key position whose renaming makes the duplicate
/// error go away.
fn first_definition(text: &str, duplicate: &std::ops::Range<usize>, key: &str) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    let before = text.get(..duplicate.start)?;
    let in_key_position = |at: usize| {
        let lead = before[..at].trim_end_matches([' ', '\t']);
        let ahead = text[at + key.len()..].trim_start_matches([' ', '\t']);
        (lead.is_empty() || lead.ends_with(['\n', '[', '.', '{', ',']))
            && ahead.starts_with(['=', ']', '.'])
    };
    let candidates: Vec<usize> = before
        .match_indices(key)
        .map(|(at, _)| at)
        .filter(|&at| in_key_position(at))
        .collect();
    candidates.into_iter().rev().find(|&at| {
        // The same text with this occurrence renamed (same length, so the
        // duplicate keeps its offsets).
        let renamed: String = key
            .chars()
            .map(|c| if c.is_alphanumeric() { 'z' } else { c })
            .collect();
        let mut changed = text.to_string();
        changed.replace_range(at..at + key.len(), &renamed);
        match changed.parse::<toml::Table>() {
            Ok(_) => true,
            Err(e) => {
                !(e.message().starts_with("duplicate key") && e.span() == Some(duplicate.clone()))
            }
        }
    })
}

fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

fn describe_toml_error(message: &str, what: &str) -> String {
    let message = message.trim();
    if message.starts_with("unknown field") {
        if let Some(name) = backticked(message).first() {
            return format!("unknown {what} `{name}`");
        }
    }
    if message.starts_with("missing field") {
        if let Some(name) = backticked(message).first() {
            return format!("missing {what} `{name}`");
        }
    }
    message.to_string()
}

fn help_for_toml_error(message: &str, what: &str) -> Option<String> {
    let names = backticked(message);
    if message.starts_with("unknown field") {
        let (wrong, known) = names.split_first()?;
        let known_list = known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Some(match nearest(wrong, known) {
            Some(k) => format!("did you mean `{k}`? (known {what}s here: {known_list})"),
            None => format!(
                "known {what}s here: {known_list}\nif `{wrong}` belongs at the top level, move it above the first `[table]` header:\nTOML puts every key after a header into that table"
            ),
        });
    }
    if message.starts_with("missing field") {
        return Some(format!("add `{} = ...`", names.first()?));
    }
    if message.starts_with("invalid type") {
        return Some(
            "check the value's type: text needs \"quotes\", numbers and dates do not".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("podcast.toml"))
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title = \"Show\"\nbase_url = \"https://example.org\"").unwrap();
        assert_eq!(c.base_url, "https://example.org/");
        assert_eq!(c.language, "en");
        assert_eq!(c.media.dir, "static/media");
        assert!(c.site_serves_media());
        assert_eq!(c.feed_url(), "https://example.org/feed.xml");
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let e = parse("title = \"Show\"\nbase_url = \"https://example.org\"\ndescriptoin = \"x\"")
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("podcast.toml:3:1: unknown setting `descriptoin`"),
            "{text}"
        );
        assert!(text.contains("did you mean `description`?"), "{text}");
    }

    #[test]
    fn duplicate_keys_name_both_places() {
        let e = parse("title = \"Show\"\nbase_url = \"https://e.org\"\n  title = \"Again\"")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("podcast.toml:3:3: duplicate setting `title`: it is already set at line 1, column 1"),
            "{e}"
        );
        // Not the same key in another table, nor the word in a value.
        let e = parse("title = \"S\"\nbase_url = \"https://e.org\"\n[owner]\nname = \"title\"\nemail = \"x\"\n[media]\ndir = \"m\"\n[owner]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("podcast.toml:8:2: duplicate setting `owner`: it is already set at line 3, column 2"),
            "{e}"
        );
        let e = parse("title = \"S\"\nbase_url = \"https://e.org\"\n[extra]\nb = { a = 1, a = 2 }")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "podcast.toml:4:14: duplicate setting `a`: it is already set at line 4, column 7"
            ),
            "{e}"
        );
    }

    #[test]
    fn javascript_links_are_refused() {
        let e = parse("title = \"S\"\nbase_url = \"https://e.org\"\n[[funding]]\nurl = \" JavaScript:alert(1)\"\ntext = \"x\"")
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("`javascript:` links are not allowed"),
            "{e}"
        );
    }

    #[test]
    fn media_dir_is_located() {
        let text = "title = \"S\"\nbase_url = \"https://e.org\"\n[media]\ndir =   \"audio\"\n";
        assert_eq!(parse(text).unwrap().media.dir_at, Some((4, 9)));
        let dotted = "title = \"S\"\nbase_url = \"https://e.org\"\nmedia.dir = \"audio\"\n";
        assert_eq!(parse(dotted).unwrap().media.dir_at, Some((3, 13)));
        let unset = "title = \"S\"\nbase_url = \"https://e.org\"\n";
        assert_eq!(parse(unset).unwrap().media.dir_at, None);
        let e = parse("title = \"S\"\nbase_url = \"https://e.org\"\n[media]\ndir = \"../x\"\n")
            .unwrap_err();
        assert!(
            e.to_string().contains("podcast.toml:4:7: `[media] dir`"),
            "{e}"
        );
    }

    #[test]
    fn base_urls_are_host_and_path_only() {
        for (url, normal) in [
            ("https://example.org", "https://example.org/"),
            ("http://example.org/show", "http://example.org/show/"),
            (
                "https://example.org:8443/a/b/",
                "https://example.org:8443/a/b/",
            ),
            ("http://127.0.0.1:1111/", "http://127.0.0.1:1111/"),
            ("http://[::1]:1111/", "http://[::1]:1111/"),
            ("https://bücher.example/", "https://bücher.example/"),
            (" https://example.org/ ", "https://example.org/"),
        ] {
            assert_eq!(normalize_base_url(url).as_deref(), Ok(normal), "{url}");
        }
        for (url, why) in [
            ("https://example.org/?a=1#x", "query"),
            ("https://example.org/#x", "fragment"),
            ("https://a:b@example.org/", "user name"),
            ("javascript:alert(1)//", "not an http(s) address"),
            ("//example.org/", "not an http(s) address"),
            ("https://", "no host"),
            ("https:///x/", "no host"),
            ("https://exa mple.org/", "cannot be in a web address"),
            ("https://example.org/a\"b/", "cannot be in a web address"),
            ("https://example.org:port/", "invalid port"),
            ("https://example.org:99999/", "invalid port"),
            ("https://[nope]/", "invalid host"),
            ("https://ex$ample.org/", "invalid host"),
        ] {
            let e = normalize_base_url(url).unwrap_err();
            assert!(e.contains(why), "{url}: {e}");
        }
    }

    #[test]
    fn settings_errors_point_at_the_value() {
        let e = parse("title = \"S\"\nbase_url = \"https://e.org/?x\"\n[[funding]]\nurl = \"https://e.org/\"\ntext = \"x\"\n[[funding]]\nurl = \"ftp://x\"\ntext = \"y\"\n[media]\nbase_url = \"https://m.org/#f\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("podcast.toml:2:12: `base_url`"), "{e}");
        assert!(e.contains("podcast.toml:7:7: `[[funding]] url`"), "{e}");
        assert!(e.contains("podcast.toml:10:12: `[media] base_url`"), "{e}");
    }

    #[test]
    fn paths_may_not_climb_out() {
        assert!(safe_relative_path("media/a.mp3").is_ok());
        assert!(safe_relative_path("../a.mp3").is_err());
        assert!(safe_relative_path("/etc/passwd").is_err());
        assert!(safe_relative_path("a/../../b").is_err());
    }
}
