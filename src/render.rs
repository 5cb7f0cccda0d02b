//! HTML rendering: the Tera theme (built-in templates, overridden file by
//! file by the site's `templates/`), typed view models built from the site
//! model, and the pages of the site.

use crate::config::{Credit, Funding, Subscribe};
use crate::error::{Diagnostic, Error, Result};
pub use crate::fingerprint::Key;
use crate::output::Staging;
use crate::site::{format_clock, Episode, Site};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tera::{Context, Tera, Value};

mod recursion;

/// The built-in theme's templates, compiled into the binary.
const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    (
        "components.html",
        include_str!("../templates/components.html"),
    ),
    ("index.html", include_str!("../templates/index.html")),
    ("episode.html", include_str!("../templates/episode.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("archive.html", include_str!("../templates/archive.html")),
    (
        "supporters.html",
        include_str!("../templates/supporters.html"),
    ),
    ("404.html", include_str!("../templates/404.html")),
    (
        "feed_item.html",
        include_str!("../templates/feed_item.html"),
    ),
];

/// The built-in theme's static files, written under the output root unless
/// the site's `static/` has a file of the same name.
pub const BUILTIN_ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../static/assets/style.css"),
    ),
    (
        "assets/podsmith.js",
        include_bytes!("../static/assets/podsmith.js"),
    ),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
];

/// The site's template folder, in its root.
pub const TEMPLATES_DIR: &str = "templates";

/// The parsed templates of one build.
pub struct Theme {
    tera: Tera,
    /// Where each template came from (the site's file, or built-in).
    origins: HashMap<String, PathBuf>,
    /// Each template's text, for locating a runaway component recursion.
    texts: BTreeMap<String, String>,
    /// A hash of every template's name and text.
    fingerprint: u128,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.origins.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Render-time switches: none at present. (Live reload is not one: serve
/// puts its script into every HTML page it sends, so a built site never
/// mentions it and an overridden base.html keeps it.)
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {}

impl Theme {
    /// Parses the built-in templates and the site's overrides in `<root>/templates`.
    pub fn load(root: &Path) -> Result<Theme> {
        Theme::load_cached(root, None).map(|t| Arc::into_inner(t).expect("a new theme"))
    }

    /// Like [`Theme::load`], but returns `previous` when the templates'
    /// names and texts are those it was made from (they are read, not parsed).
    pub fn load_cached(root: &Path, previous: Option<&Arc<Theme>>) -> Result<Arc<Theme>> {
        let mut sources: BTreeMap<String, (String, PathBuf)> = BUILTIN_TEMPLATES
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    (
                        text.to_string(),
                        PathBuf::from(format!("(built-in theme)/{name}")),
                    ),
                )
            })
            .collect();
        let dir = root.join(TEMPLATES_DIR);
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let name = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            if !(name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt")) {
                continue;
            }
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", e))?;
            sources.insert(name, (text, path.to_path_buf()));
        }
        let fingerprint = Key::of(&sources);
        if let Some(previous) = previous.filter(|p| p.fingerprint == fingerprint) {
            return Ok(Arc::clone(previous));
        }
        let origins: HashMap<String, PathBuf> = sources
            .iter()
            .map(|(n, (_, p))| (n.clone(), p.clone()))
            .collect();
        let mut tera = Tera::default();
        tera.set_escape_fn(write_escaped_html);
        tera.add_raw_templates(sources.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())))
            .map_err(|e| {
                // Templates written for Tera 1 (podsmith 0.1) import macros.
                let tera_1 = sources.values().any(|(text, path)| {
                    path.starts_with(&dir)
                        && (text.contains("{% macro ") || text.contains("{% import "))
                });
                let help = if tera_1 { TERA_1_HELP } else { TEMPLATE_HELP };
                template_error(&e, &origins, help)
            })?;
        Ok(Arc::new(Theme {
            tera,
            origins,
            texts: sources.into_iter().map(|(n, (t, _))| (n, t)).collect(),
            fingerprint,
        }))
    }

    fn render(&self, name: &str, context: &Context) -> Result<String> {
        self.tera.render(name, context).map_err(|e| {
            if recursion::is_too_deep(&e) {
                self.recursion_error(name)
            } else {
                template_error(&e, &self.origins, TEMPLATE_HELP)
            }
        })
    }

    /// The error for component calls nested too deep while rendering
    /// `page`: names the call that closes the loop, where one is found.
    fn recursion_error(&self, page: &str) -> Error {
        let limit = recursion::TERA_MAX_DEPTH;
        let help = "make the recursion stop: call the component only under a condition \
                    that turns false (e.g. {% if depth < 5 %}), or remove the call";
        let Some(found) = recursion::find_loop(page, &self.texts) else {
            return Diagnostic::error(
                self.origins.get(page).cloned(),
                format!(
                    "template error: component calls nested more than {limit} deep while \
                     rendering {page}; a component calls itself, directly or through another"
                ),
            )
            .help(help)
            .into();
        };
        let what = if found.direct {
            format!("component {} calls itself here", found.chain[0])
        } else {
            format!(
                "this call of component {} closes a loop: {} → {}",
                found.chain[0],
                found.chain.join(" → "),
                found.chain[0]
            )
        };
        let text = self.texts.get(&found.template).map_or("", String::as_str);
        let (line, column) = crate::error::line_col(text, found.offset);
        Diagnostic::error(
            self.origins.get(&found.template).cloned(),
            format!(
                "template error: {what}, and the calls nested more than {limit} deep (Tera's \
                 limit) while rendering {page}"
            ),
        )
        .at(line, column)
        .help(help)
        .into()
    }

    /// Renders episodes' whole text for the feed's `content:encoded`
    /// (template `feed_item.html`: notes, feedback, support, credits and
    /// supporters, with absolute links).
    pub fn feed_items<'a>(
        &'a self,
        site: &'a Site,
        values: &'a EpisodeValues<'a>,
    ) -> Result<FeedItemRenderer<'a>> {
        Ok(FeedItemRenderer {
            theme: self,
            values,
            base: base_context(site)?,
        })
    }

    /// Renders every HTML page of the site into `out` (see [`Emitter`]).
    pub fn render_site(
        &self,
        site: &Site,
        out: &dyn Emitter,
        options: &RenderOptions,
        values: &EpisodeValues<'_>,
    ) -> Result<()> {
        let RenderOptions {} = options;
        let base = base_context(site)?;
        let links: Vec<EpisodeLink<'_>> =
            site.episodes.iter().map(|e| EpisodeLink::new(e)).collect();
        let fp = |i: Option<usize>| i.map_or(0, |i| site.episodes[i].fingerprint);

        // The episode pages, and every other page, side by side: the list
        // pages are fewer but larger, and the pages after them are serial.
        let episode_pages = || {
            site.episodes
                .par_iter()
                .enumerate()
                .try_for_each(|(i, episode)| -> Result<()> {
                    let (newer, older) = site.neighbours(i);
                    emit(
                        out,
                        &format!("episodes/{}/index.html", episode.slug),
                        |k| {
                            (episode.fingerprint, fp(newer), fp(older)).hash(k);
                        },
                        || {
                            let mut ctx = base.clone();
                            ctx.insert("page_title", episode.title.as_str());
                            ctx.insert("page_url", episode.url.as_str());
                            ctx.insert("page_description", episode.summary.as_str());
                            ctx.insert_value("episode", values.get(i)?);
                            ctx.insert_value("newer", value(&newer.map(|i| &links[i]))?);
                            ctx.insert_value("older", value(&older.map(|i| &links[i]))?);
                            self.render("episode.html", &ctx)
                        },
                    )
                })
        };
        let other_pages =
            || -> Result<()> { self.render_other_pages(site, out, &base, values, &links) };
        let (episodes, others) = rayon::join(
            || crate::timed("  episodes", episode_pages),
            || crate::timed("  others", other_pages),
        );
        episodes.and(others)
    }

    /// Every page but the episode pages (see [`Theme::render_site`]).
    fn render_other_pages(
        &self,
        site: &Site,
        out: &dyn Emitter,
        base: &Context,
        values: &EpisodeValues<'_>,
        links: &[EpisodeLink<'_>],
    ) -> Result<()> {
        // One tag page at a time (beside the other pages): a tag page holds
        // every episode of its tag, notes included, while it renders.
        let tag_pages = || {
            site.tags.iter().try_for_each(|tag| -> Result<()> {
                emit(
                    out,
                    &format!("tags/{}/index.html", tag.slug),
                    |k| {
                        for &i in &tag.episodes {
                            site.episodes[i].fingerprint.hash(k);
                        }
                    },
                    || {
                        let mut ctx = base.clone();
                        ctx.insert("page_title", &format!("Episodes tagged “{}”", tag.name));
                        ctx.insert("page_url", tag.url.as_str());
                        ctx.insert_value(
                            "tag",
                            value(&TagView {
                                name: &tag.name,
                                url: &tag.url,
                                count: tag.episodes.len(),
                            })?,
                        );
                        let episodes = tag.episodes.iter().map(|&i| values.get(i));
                        ctx.insert_value("episodes", list(episodes)?);
                        self.render("tag.html", &ctx)
                    },
                )
            })
        };
        let (index, tags) = rayon::join(
            || crate::timed("  index", || self.render_index(site, out, base, values)),
            || crate::timed("  tags", tag_pages),
        );
        index.and(tags)?;

        let tags: Vec<TagView<'_>> = site
            .tags
            .iter()
            .map(|t| TagView {
                name: &t.name,
                url: &t.url,
                count: t.episodes.len(),
            })
            .collect();
        let section = SectionPage { site, out, base };
        // Each list shows only some fields of the episodes: its key hashes those.
        self.render_section(&section, "tags", "Tags", "tags", |_| {}, || tags)?;
        self.render_section(
            &section,
            "archive",
            "Archive",
            "years",
            |k| links.hash(k),
            || archive_years(links),
        )?;
        self.render_section(
            &section,
            "supporters",
            "Supporters",
            "supporters",
            |k| {
                for e in &site.episodes {
                    e.supporters.hash(k);
                }
            },
            || supporter_counts(site),
        )?;

        for page in &site.pages {
            emit(
                out,
                &format!("{}/index.html", page.slug),
                |_| {},
                || {
                    let mut ctx = base.clone();
                    ctx.insert("page_title", &page.title);
                    ctx.insert("page_url", &page.url);
                    if let Some(description) = &page.description {
                        ctx.insert("page_description", description);
                    }
                    ctx.insert_value(
                        "page",
                        value(&PageView {
                            title: &page.title,
                            url: &page.url,
                            content: &page.html,
                            extra: &page.extra,
                        })?,
                    );
                    self.render("page.html", &ctx)
                },
            )?;
        }

        emit(
            out,
            "404.html",
            |_| {},
            || {
                let mut ctx = base.clone();
                ctx.insert("page_title", "Page not found");
                ctx.insert("page_url", &format!("{}404.html", site.config.base_url));
                self.render("404.html", &ctx)
            },
        )?;

        emit(
            out,
            "sitemap.xml",
            |k| all_episodes(site, k),
            || Ok(sitemap(site)),
        )
    }

    /// Renders one of the site-wide list pages: `<dir>/index.html` from
    /// `<dir>.html`, with the list under `key`; `add` adds to the memo key
    /// what the list is made from (the settings and tags are in every key).
    fn render_section<T: Serialize>(
        &self,
        section: &SectionPage<'_>,
        dir: &str,
        title: &str,
        key: &'static str,
        add: impl Fn(&mut Key),
        make: impl FnOnce() -> T,
    ) -> Result<()> {
        emit(section.out, &format!("{dir}/index.html"), add, || {
            let mut ctx = section.base.clone();
            ctx.insert("page_title", title);
            ctx.insert(
                "page_url",
                &format!("{}{dir}/", section.site.config.base_url),
            );
            ctx.insert_value(key, value(&make())?);
            self.render(&format!("{dir}.html"), &ctx)
        })
    }

    fn render_index(
        &self,
        site: &Site,
        out: &dyn Emitter,
        base: &Context,
        values: &EpisodeValues<'_>,
    ) -> Result<()> {
        let per_page = site.config.episodes_per_page.max(1);
        let count = site.episodes.len();
        // An empty show still has its first page.
        let chunks: Vec<std::ops::Range<usize>> = if count == 0 {
            std::iter::once(0..0).collect()
        } else {
            (0..count)
                .step_by(per_page)
                .map(|start| start..(start + per_page).min(count))
                .collect()
        };
        let total = chunks.len();
        let page_url = |n: usize| {
            if n == 1 {
                site.config.base_url.clone()
            } else {
                format!("{}page/{n}/", site.config.base_url)
            }
        };
        chunks
            .par_iter()
            .enumerate()
            .try_for_each(|(i, chunk)| -> Result<()> {
                let number = i + 1;
                let rel = if number == 1 {
                    "index.html".to_string()
                } else {
                    format!("page/{number}/index.html")
                };
                emit(
                    out,
                    &rel,
                    |k| {
                        total.hash(k);
                        for e in &site.episodes[chunk.clone()] {
                            e.fingerprint.hash(k);
                        }
                    },
                    || {
                        let mut ctx = base.clone();
                        ctx.insert(
                            "page_title",
                            &if number == 1 {
                                site.config.title.clone()
                            } else {
                                format!("Page {number}")
                            },
                        );
                        ctx.insert("page_url", &page_url(number));
                        let episodes = chunk.clone().map(|i| values.get(i));
                        ctx.insert_value("episodes", list(episodes)?);
                        ctx.insert_value(
                            "paginator",
                            value(&Paginator {
                                number,
                                total,
                                previous_url: (number > 1).then(|| page_url(number - 1)),
                                next_url: (number < total).then(|| page_url(number + 1)),
                            })?,
                        );
                        self.render("index.html", &ctx)
                    },
                )
            })
    }
}

/// Each episode's template value ([`EpisodeView`]), made once per build
/// (in `serve`, kept between builds while the episode is unchanged) and
/// shared by every page that shows the episode: its own page, an index
/// page, its tag pages and its feed item. Tera's values are reference
/// counted, so a share is cheap. The notes (`content`, the largest field)
/// are not kept: they are put in at each use, so that 10,000 kept values do
/// not hold a second copy of every episode's notes.
pub struct EpisodeValues<'a> {
    site: &'a Site,
    memory: &'a dyn Remember,
    values: Vec<OnceLock<std::result::Result<Value, String>>>,
}

impl<'a> EpisodeValues<'a> {
    /// Values for the episodes of `site`, made or taken from `memory`
    /// (`serve`'s emitter keeps them between builds).
    pub fn new(site: &'a Site, memory: &'a dyn Remember) -> Self {
        EpisodeValues {
            site,
            memory,
            values: site.episodes.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The value of episode `i`.
    fn get(&self, i: usize) -> Result<Value> {
        let episode = &self.site.episodes[i];
        let kept = self.values[i].get_or_init(|| {
            self.memory
                .episode_value(episode, &|| episode_value(episode, self.site))
        });
        let kept = kept.as_ref().map_err(|message| {
            Error::new(
                episode.source.clone(),
                format!("cannot make the episode's template value: {message}"),
            )
        })?;
        let mut fields = kept.clone().into_map().unwrap_or_default();
        fields.insert("content".into(), Value::from(episode.notes_html.as_str()));
        Ok(Value::from(fields))
    }
}

/// An episode as a template value, without its notes (see [`EpisodeValues`]).
fn episode_value(e: &Episode, site: &Site) -> std::result::Result<Value, String> {
    let mut view = EpisodeView::new(e, site);
    view.content = "";
    Value::try_from_serializable(&view).map_err(|e| e.to_string())
}

/// `value` as a template value.
fn value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    Value::try_from_serializable(value)
        .map_err(|e| Error::new(None, format!("cannot make a template value: {e}")))
}

/// A list of template values.
fn list(values: impl Iterator<Item = Result<Value>>) -> Result<Value> {
    Ok(Value::from(values.collect::<Result<Vec<Value>>>()?))
}

/// Renders feed items' `content:encoded` text (see [`Theme::feed_items`]).
pub struct FeedItemRenderer<'a> {
    theme: &'a Theme,
    values: &'a EpisodeValues<'a>,
    base: Context,
}

impl FeedItemRenderer<'_> {
    /// The text of episode `i` of the site.
    pub fn render(&self, i: usize) -> Result<String> {
        let mut ctx = self.base.clone();
        ctx.insert_value("episode", self.values.get(i)?);
        let mut text = self.theme.render("feed_item.html", &ctx)?;
        let end = text.trim_end().len();
        text.truncate(end);
        let start = text.len() - text.trim_start().len();
        text.drain(..start);
        Ok(text)
    }
}

/// What a build may remember of earlier builds: episodes' template values
/// and feed items. A plain build remembers nothing ([`Forget`]); `serve`'s
/// emitter keeps them while their episode is unchanged.
pub trait Remember: Sync {
    /// An episode's template value, made by `make` (or remembered).
    fn episode_value(
        &self,
        _episode: &Episode,
        make: &dyn Fn() -> std::result::Result<Value, String>,
    ) -> std::result::Result<Value, String> {
        make()
    }

    /// An episode's feed item XML, made by `make` (or remembered).
    fn feed_item(&self, _episode: &Episode, make: &dyn Fn() -> Result<String>) -> Result<Arc<str>> {
        make().map(Arc::from)
    }
}

/// Remembers nothing: everything is made afresh.
pub struct Forget;

impl Remember for Forget {}

/// Where a build's output files go. A plain build writes every file into
/// its staging folder: a [`Staging`] is an emitter that renders and writes
/// everything. `serve` wraps its staging folder in an emitter that keeps,
/// from the live output, each file whose inputs did not change since the
/// last build (its memo); that machinery is serve's alone.
pub trait Emitter: Remember {
    /// The staging folder the files go to.
    fn staging(&self) -> &Staging;

    /// Whether the file at `rel`, made from what `key` adds to a [`Key`],
    /// is the same as the live output's: then the emitter has put it in
    /// place and it need not be rendered. A plain build never keeps one.
    fn keep(&self, _rel: &str, _key: &dyn Fn(&mut Key)) -> Result<bool> {
        Ok(false)
    }
}

impl Remember for Staging {}

impl Emitter for Staging {
    fn staging(&self) -> &Staging {
        self
    }
}

/// Writes the output file `rel` made by `render`, unless `out` keeps the
/// live one (its inputs, which `key` adds to the key, did not change).
pub(crate) fn emit<T: AsRef<[u8]>>(
    out: &dyn Emitter,
    rel: &str,
    key: impl Fn(&mut Key),
    render: impl FnOnce() -> Result<T>,
) -> Result<()> {
    if out.keep(rel, &key)? {
        return Ok(());
    }
    out.staging().write(rel, render()?.as_ref())
}

/// Like [`emit`], for a file made piece by piece ([`Staging::write_pieces`]).
pub(crate) fn emit_pieces(
    out: &dyn Emitter,
    rel: &str,
    key: impl Fn(&mut Key),
    fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()>,
) -> Result<()> {
    if out.keep(rel, &key)? {
        return Ok(());
    }
    out.staging().write_pieces(rel, fill)
}

/// The key of what every output file depends on: podsmith's version, the
/// theme, the render options, the settings, what every page's frame shows,
/// the pages and the tags. (Each file adds the episodes it shows.)
pub fn site_key(site: &Site, theme: &Theme, options: &RenderOptions) -> u128 {
    let mut key = Key::new();
    env!("CARGO_PKG_VERSION").hash(&mut key);
    theme.fingerprint.hash(&mut key);
    let RenderOptions {} = options;
    serde_json::to_vec(&site.config)
        .unwrap_or_default()
        .hash(&mut key);
    serde_json::to_vec(&base_view(site))
        .unwrap_or_default()
        .hash(&mut key);
    for page in &site.pages {
        let crate::site::Page {
            source,
            slug,
            url,
            title,
            description,
            html,
            extra,
        } = page;
        (
            source,
            slug,
            url,
            title,
            description,
            html,
            extra.to_string(),
        )
            .hash(&mut key);
    }
    for tag in &site.tags {
        let crate::site::Tag {
            name,
            slug,
            url,
            episodes,
        } = tag;
        (name, slug, url, episodes).hash(&mut key);
    }
    site.episodes.len().hash(&mut key);
    key.digest()
}

/// Adds every episode's fingerprint, in order, to a key.
pub(crate) fn all_episodes(site: &Site, key: &mut Key) {
    for e in &site.episodes {
        e.fingerprint.hash(key);
    }
}

/// The help for a template error.
const TEMPLATE_HELP: &str = "fix the template; `podsmith build` shows the first error it meets";

/// The help for a template that still uses Tera 1's macros.
const TERA_1_HELP: &str = "podsmith 0.2 uses Tera 2, which has components instead of macros and \
     imports: see \"Upgrading templates written for Tera 1\" in docs/templates.md";

/// Turns a Tera error into a diagnostic naming the template file, line
/// and column.
fn template_error(error: &tera::Error, origins: &HashMap<String, PathBuf>, help: &str) -> Error {
    let report = match error.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let mut message = match report {
        Some(report) => report.message().to_string(),
        None => error.to_string(),
    };
    // Tera's full report adds where a component was called from.
    let full = error.to_string();
    for note in full.lines().filter_map(|l| l.trim().strip_prefix("note: ")) {
        let location = full
            .lines()
            .skip_while(|l| !l.trim().ends_with(note))
            .find_map(|l| l.trim().strip_prefix("--> "));
        match location {
            Some(at) => message.push_str(&format!(" ({note} {at})")),
            None => message.push_str(&format!(" ({note})")),
        }
    }
    if message.len() > 2000 {
        let mut end = 2000;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
    }
    let file = report.and_then(|r| origins.get(r.filename())).cloned();
    let mut diagnostic = Diagnostic::error(file, format!("template error: {message}")).help(help);
    if let Some(span) = report.map(|r| r.span()) {
        diagnostic = diagnostic.at(span.start_line, span.start_col + 1);
    }
    diagnostic.into()
}

/// What every page's context starts from.
#[derive(Serialize)]
struct BaseView<'a> {
    site: SiteView<'a>,
    page_description: &'a str,
}

fn base_view(site: &Site) -> BaseView<'_> {
    let config = &site.config;
    let pages: Vec<NavLink<'_>> = site
        .pages
        .iter()
        .map(|p| NavLink {
            title: &p.title,
            url: &p.url,
        })
        .collect();
    BaseView {
        site: SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            language: &config.language,
            author: &config.author,
            image_url: site_image_url(config),
            feed_url: config.feed_url(),
            copyright: config.copyright.as_deref(),
            explicit: config.explicit,
            funding: &config.funding,
            subscribe: &config.subscribe,
            credits: &config.credits,
            pages,
            episode_count: site.episodes.len(),
            generator: concat!("podsmith ", env!("CARGO_PKG_VERSION")),
            extra: &config.extra,
        },
        page_description: &config.description,
    }
}

fn base_context(site: &Site) -> Result<Context> {
    Context::from_serialize(&base_view(site))
        .map_err(|e| Error::new(None, format!("cannot make the template context: {e}")))
}

/// What every site-wide list page is rendered with.
struct SectionPage<'a> {
    site: &'a Site,
    out: &'a dyn Emitter,
    base: &'a Context,
}

/// Every template's `site` variable.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
    author: &'a str,
    image_url: Option<String>,
    feed_url: String,
    copyright: Option<&'a str>,
    explicit: bool,
    funding: &'a [Funding],
    subscribe: &'a [Subscribe],
    credits: &'a [Credit],
    pages: Vec<NavLink<'a>>,
    episode_count: usize,
    generator: &'static str,
    extra: &'a toml::Table,
}

#[derive(Serialize)]
struct NavLink<'a> {
    title: &'a str,
    url: &'a str,
}

/// An episode as templates see it.
#[derive(Serialize)]
struct EpisodeView<'a> {
    slug: &'a str,
    url: &'a str,
    title: &'a str,
    number: Option<u32>,
    season: Option<u32>,
    episode_type: &'static str,
    /// RFC 3339.
    date: String,
    /// "6 October 2026".
    date_display: String,
    year: i32,
    summary: &'a str,
    content: &'a str,
    guid: &'a str,
    explicit: bool,
    draft: bool,
    scheduled: bool,
    audio: Option<AudioView<'a>>,
    image_url: Option<&'a str>,
    feedback: Vec<FeedbackView<'a>>,
    /// Show-wide credits, then the episode's own.
    credits: &'a [Credit],
    /// Everyone who sent feedback, once each, in order.
    feedback_names: Vec<&'a str>,
    supporters: &'a [String],
    chapters: Vec<ChapterView<'a>>,
    chapters_from_file: bool,
    tags: Vec<TagView<'a>>,
    transcript_url: Option<&'a str>,
    extra: &'a toml::Table,
    /// The picture for link previews: the episode's image, else the show's cover.
    share_image_url: Option<String>,
    /// schema.org `PodcastEpisode` as JSON, safe inside `<script>` (`<`, `>`
    /// and `&` are `\u` escapes); emit it with `| safe`.
    json_ld: String,
}

#[derive(Serialize)]
struct AudioView<'a> {
    url: &'a str,
    mime: &'a str,
    size: u64,
    /// "4.2 MB".
    size_display: String,
    /// Whole seconds.
    duration: u64,
    /// "42:10" or "1:02:03".
    duration_display: String,
    /// ISO 8601, e.g. "PT42M10S" (for structured data).
    duration_iso: String,
}

#[derive(Serialize)]
struct FeedbackView<'a> {
    from: &'a str,
    via: Option<&'a str>,
    /// HTML.
    intro: Option<&'a str>,
    /// HTML.
    quote: Option<&'a str>,
}

#[derive(Serialize)]
struct ChapterView<'a> {
    /// Seconds.
    start: f64,
    start_display: String,
    /// Whole or fractional seconds as short text ("75", "62.5"), for `#t=`.
    start_seconds: String,
    end: Option<f64>,
    title: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct TagView<'a> {
    name: &'a str,
    url: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    url: &'a str,
    content: &'a str,
    extra: &'a toml::Table,
}

#[derive(Serialize)]
struct Paginator {
    number: usize,
    total: usize,
    previous_url: Option<String>,
    next_url: Option<String>,
}

/// A light reference to an episode (neighbours, archive).
#[derive(Serialize, Debug, Hash)]
struct EpisodeLink<'a> {
    title: &'a str,
    url: &'a str,
    number: Option<u32>,
    date: String,
    date_display: String,
    year: i32,
    duration_display: Option<String>,
}

#[derive(Serialize)]
struct YearView<'a> {
    year: i32,
    episodes: Vec<&'a EpisodeLink<'a>>,
}

#[derive(Serialize)]
struct SupporterView<'a> {
    name: &'a str,
    /// How many episodes this person supported.
    count: usize,
}

impl<'a> EpisodeView<'a> {
    fn new(e: &'a Episode, site: &'a Site) -> Self {
        let mut feedback_names: Vec<&str> = Vec::new();
        for f in &e.feedback {
            if !feedback_names.contains(&f.from.as_str()) {
                feedback_names.push(&f.from);
            }
        }
        let share_image_url = e.image_url.clone().or_else(|| site_image_url(&site.config));
        let json_ld = episode_json_ld(e, site, share_image_url.as_deref());
        EpisodeView {
            slug: &e.slug,
            url: &e.url,
            title: &e.title,
            number: e.number,
            season: e.season,
            episode_type: e.episode_type.as_str(),
            date: e.date.to_rfc3339(),
            date_display: date_display(e),
            year: chrono::Datelike::year(&e.date),
            summary: &e.summary,
            content: &e.notes_html,
            guid: &e.guid,
            explicit: e.explicit,
            draft: e.draft,
            scheduled: e.scheduled,
            audio: e.audio.as_ref().map(|a| AudioView {
                url: &a.url,
                mime: &a.info.mime,
                size: a.info.size,
                size_display: size_display(a.info.size),
                duration: a.info.duration.round() as u64,
                duration_display: format_clock(a.info.duration),
                duration_iso: duration_iso(a.info.duration),
            }),
            image_url: e.image_url.as_deref(),
            feedback: e
                .feedback
                .iter()
                .map(|f| FeedbackView {
                    from: &f.from,
                    via: f.via.as_deref(),
                    intro: f.intro_html.as_deref(),
                    quote: f.quote_html.as_deref(),
                })
                .collect(),
            credits: &e.credits,
            feedback_names,
            supporters: &e.supporters,
            chapters: e
                .chapters
                .iter()
                .map(|c| ChapterView {
                    start: c.start,
                    start_display: format_clock(c.start),
                    start_seconds: seconds_text(c.start),
                    end: c.end,
                    title: &c.title,
                    url: c.url.as_deref(),
                })
                .collect(),
            chapters_from_file: e.chapters_from_file,
            tags: e
                .tags
                .iter()
                .map(|t| TagView {
                    name: &t.name,
                    url: site
                        .tags
                        .iter()
                        .find(|tag| tag.slug == t.slug)
                        .map_or("", |tag| tag.url.as_str()),
                    count: 0,
                })
                .collect(),
            transcript_url: e.transcript.as_ref().map(|t| t.url.as_str()),
            extra: &e.extra,
            share_image_url,
            json_ld,
        }
    }
}

impl<'a> EpisodeLink<'a> {
    fn new(e: &'a Episode) -> Self {
        EpisodeLink {
            title: &e.title,
            url: &e.url,
            number: e.number,
            date: e.date.to_rfc3339(),
            date_display: date_display(e),
            year: chrono::Datelike::year(&e.date),
            duration_display: e
                .audio
                .as_ref()
                .filter(|a| a.info.duration > 0.0)
                .map(|a| format_clock(a.info.duration)),
        }
    }
}

/// The show's cover as an absolute address.
fn site_image_url(config: &crate::config::Config) -> Option<String> {
    config
        .image
        .as_ref()
        .map(|i| format!("{}{}", config.base_url, crate::slug::encode_path(i)))
}

/// Seconds as short text: "75", "62.5", "0".
fn seconds_text(seconds: f64) -> String {
    let rounded = (seconds.max(0.0) * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as u64)
    } else {
        format!("{rounded}")
    }
}

/// schema.org `PodcastEpisode` structured data, as JSON text that cannot end
/// the `<script>` element it goes in.
fn episode_json_ld(e: &Episode, site: &Site, image: Option<&str>) -> String {
    let config = &site.config;
    let duration = e
        .audio
        .as_ref()
        .filter(|a| a.info.duration > 0.0)
        .map(|a| duration_iso(a.info.duration));
    let data = JsonLd {
        context: "https://schema.org",
        kind: "PodcastEpisode",
        associated_media: e.audio.as_ref().map(|a| MediaLd {
            kind: "MediaObject",
            content_size: (a.info.size > 0).then(|| size_display(a.info.size)),
            content_url: &a.url,
            duration: duration.as_deref(),
            encoding_format: &a.info.mime,
        }),
        date_published: e.date.to_rfc3339(),
        description: &e.summary,
        episode_number: e.number,
        image,
        in_language: &config.language,
        name: &e.title,
        part_of_season: e.season.map(|season_number| SeasonLd {
            kind: "PodcastSeason",
            season_number,
        }),
        part_of_series: SeriesLd {
            kind: "PodcastSeries",
            name: &config.title,
            url: &config.base_url,
        },
        time_required: duration.as_deref(),
        url: &e.url,
    };
    let text = serde_json::to_string(&data).unwrap_or_default();
    script_safe_json(&text)
}

/// schema.org `PodcastEpisode`, its fields in the order of their names (as
/// they always were written).
#[derive(Serialize)]
struct JsonLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "associatedMedia", skip_serializing_if = "Option::is_none")]
    associated_media: Option<MediaLd<'a>>,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(rename = "episodeNumber", skip_serializing_if = "Option::is_none")]
    episode_number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    name: &'a str,
    #[serde(rename = "partOfSeason", skip_serializing_if = "Option::is_none")]
    part_of_season: Option<SeasonLd>,
    #[serde(rename = "partOfSeries")]
    part_of_series: SeriesLd<'a>,
    #[serde(rename = "timeRequired", skip_serializing_if = "Option::is_none")]
    time_required: Option<&'a str>,
    url: &'a str,
}

#[derive(Serialize)]
struct MediaLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "contentSize", skip_serializing_if = "Option::is_none")]
    content_size: Option<String>,
    #[serde(rename = "contentUrl")]
    content_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<&'a str>,
    #[serde(rename = "encodingFormat")]
    encoding_format: &'a str,
}

#[derive(Serialize)]
struct SeasonLd {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "seasonNumber")]
    season_number: u32,
}

#[derive(Serialize)]
struct SeriesLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}

/// Escapes `<`, `>` and `&` in JSON text as `\u` sequences (still the same
/// JSON), so it can sit in a `<script>` element.
fn script_safe_json(json: &str) -> String {
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            c => safe.push(c),
        }
    }
    safe
}

fn date_display(e: &Episode) -> String {
    e.date.format("%-d %B %Y").to_string()
}

/// "4.2 MB", in decimal units as podcast apps show them.
fn size_display(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} kB", (b as f64 / 1e3).round() as u64),
        b => format!("{b} bytes"),
    }
}

fn duration_iso(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || total == 0 {
        out.push_str(&format!("{s}S"));
    }
    out
}

fn archive_years<'a>(links: &'a [EpisodeLink<'a>]) -> Vec<YearView<'a>> {
    let mut years: Vec<YearView<'a>> = Vec::new();
    for link in links {
        match years.last_mut() {
            Some(y) if y.year == link.year => y.episodes.push(link),
            _ => years.push(YearView {
                year: link.year,
                episodes: vec![link],
            }),
        }
    }
    years
}

fn supporter_counts(site: &Site) -> Vec<SupporterView<'_>> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for e in &site.episodes {
        let mut seen = std::collections::HashSet::new();
        for name in &e.supporters {
            if seen.insert(name.as_str()) {
                *counts.entry(name.as_str()).or_default() += 1;
            }
        }
    }
    let mut list: Vec<SupporterView<'_>> = counts
        .into_iter()
        .map(|(name, count)| SupporterView { name, count })
        .collect();
    list.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(b.name))
    });
    list
}

/// `sitemap.xml`: every page, with the newest episode date where it applies.
fn sitemap(site: &Site) -> String {
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
        entry(&e.url, Some(e.date.format("%Y-%m-%d").to_string()));
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

/// Tera's escape function: text for HTML text and quoted attributes.
fn write_escaped_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape(text, "&#39;", |piece| out.write_all(piece.as_bytes()))
}

/// Escapes text for HTML text and quoted attributes.
#[cfg(test)]
fn escape_html(text: &str) -> String {
    escape_to_string(text, "&#39;")
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(text: &str) -> String {
    escape_to_string(text, "&apos;")
}

fn escape_to_string(text: &str, apostrophe: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let _ = escape(text, apostrophe, |piece| -> std::io::Result<()> {
        out.push_str(piece);
        Ok(())
    });
    out
}

/// Replaces `& < > " '` with entities, handing `put` the text between them
/// in whole runs. Working on bytes is safe: these are ASCII, and no byte of
/// a multi-byte UTF-8 character is below 0x80.
fn escape<E>(
    text: &str,
    apostrophe: &str,
    mut put: impl FnMut(&str) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut copied = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => apostrophe,
            _ => continue,
        };
        put(&text[copied..i])?;
        put(entity)?;
        copied = i + 1;
    }
    put(&text[copied..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_every_other_character() {
        let text = "Grüße <b>\"日本\"</b> & 'ok' 🎙";
        assert_eq!(
            escape_html(text),
            "Grüße &lt;b&gt;&quot;日本&quot;&lt;/b&gt; &amp; &#39;ok&#39; 🎙"
        );
        assert_eq!(xml_escape("a'b"), "a&apos;b");
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("&"), "&amp;");
    }

    #[test]
    fn formats() {
        assert_eq!(size_display(4_200_000), "4.2 MB");
        assert_eq!(size_display(51_234), "51 kB");
        assert_eq!(duration_iso(3723.0), "PT1H2M3S");
        assert_eq!(duration_iso(0.0), "PT0S");
        assert_eq!(seconds_text(75.0), "75");
        assert_eq!(seconds_text(62.5), "62.5");
        assert_eq!(seconds_text(-1.0), "0");
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let text = script_safe_json(r#"{"name":"</script><b>&"}"#);
        assert!(!text.contains('<') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><b>&");
    }
}
