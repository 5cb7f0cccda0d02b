//! The Tera theme: the built-in templates, the site's overrides of them in
//! `templates/`, and template errors as diagnostics naming file and line.

use super::escape::write_escaped_html;
use super::{recursion, Key};
use crate::error::{Diagnostic, Error, Result};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::{Context, Tera};

/// The built-in theme's templates, compiled into the binary: the pages, and
/// one file per component under `components/` (a site's
/// `templates/components/NAME.html` replaces just that component).
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("episode.html", include_str!("../../templates/episode.html")),
    ("page.html", include_str!("../../templates/page.html")),
    ("tag.html", include_str!("../../templates/tag.html")),
    ("tags.html", include_str!("../../templates/tags.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
    (
        "supporters.html",
        include_str!("../../templates/supporters.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "feed_item.html",
        include_str!("../../templates/feed_item.html"),
    ),
    (
        "components/episode_meta.html",
        include_str!("../../templates/components/episode_meta.html"),
    ),
    (
        "components/player.html",
        include_str!("../../templates/components/player.html"),
    ),
    (
        "components/download.html",
        include_str!("../../templates/components/download.html"),
    ),
    (
        "components/episode_card.html",
        include_str!("../../templates/components/episode_card.html"),
    ),
    (
        "components/subscribe.html",
        include_str!("../../templates/components/subscribe.html"),
    ),
    (
        "components/funding_links.html",
        include_str!("../../templates/components/funding_links.html"),
    ),
    (
        "components/feedback.html",
        include_str!("../../templates/components/feedback.html"),
    ),
    (
        "components/funding.html",
        include_str!("../../templates/components/funding.html"),
    ),
    (
        "components/credits.html",
        include_str!("../../templates/components/credits.html"),
    ),
    (
        "components/supporters.html",
        include_str!("../../templates/components/supporters.html"),
    ),
    (
        "components/app_buttons.html",
        include_str!("../../templates/components/app_buttons.html"),
    ),
    (
        "components/cover_image.html",
        include_str!("../../templates/components/cover_image.html"),
    ),
    (
        "components/share.html",
        include_str!("../../templates/components/share.html"),
    ),
    (
        "components/transcript.html",
        include_str!("../../templates/components/transcript.html"),
    ),
    (
        "transcript.html",
        include_str!("../../templates/transcript.html"),
    ),
    ("search.html", include_str!("../../templates/search.html")),
    (
        "components/value_tip.html",
        include_str!("../../templates/components/value_tip.html"),
    ),
];

/// The built-in theme's static files, written under the output root unless
/// the site's `static/` has a file of the same name.
pub const BUILTIN_ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../../static/assets/style.css"),
    ),
    (
        "assets/podsmith.js",
        include_bytes!("../../static/assets/podsmith.js"),
    ),
    ("favicon.svg", include_bytes!("../../static/favicon.svg")),
    (
        "assets/apps/apple.svg",
        include_bytes!("../../static/assets/apps/apple.svg"),
    ),
    (
        "assets/apps/spotify.svg",
        include_bytes!("../../static/assets/apps/spotify.svg"),
    ),
    (
        "assets/apps/overcast.svg",
        include_bytes!("../../static/assets/apps/overcast.svg"),
    ),
    (
        "assets/apps/pocketcasts.svg",
        include_bytes!("../../static/assets/apps/pocketcasts.svg"),
    ),
    (
        "assets/apps/antennapod.svg",
        include_bytes!("../../static/assets/apps/antennapod.svg"),
    ),
    (
        "assets/apps/podcastaddict.svg",
        include_bytes!("../../static/assets/apps/podcastaddict.svg"),
    ),
    (
        "assets/apps/castro.svg",
        include_bytes!("../../static/assets/apps/castro.svg"),
    ),
    (
        "assets/apps/podverse.svg",
        include_bytes!("../../static/assets/apps/podverse.svg"),
    ),
    (
        "assets/apps/fountain.svg",
        include_bytes!("../../static/assets/apps/fountain.svg"),
    ),
    (
        "assets/apps/app.svg",
        include_bytes!("../../static/assets/apps/app.svg"),
    ),
    (
        "assets/apps/rss.svg",
        include_bytes!("../../static/assets/apps/rss.svg"),
    ),
];

/// The built-in label tables, by language (see [`Theme::strings`]).
pub const BUILTIN_STRINGS: &[(&str, &str)] = &[
    ("en", include_str!("../../i18n/en.toml")),
    ("de", include_str!("../../i18n/de.toml")),
];

/// The site's folder of label tables (`i18n/LANG.toml`), in its root.
pub const STRINGS_DIR: &str = "i18n";

/// The site's template folder, in its root.
pub const TEMPLATES_DIR: &str = "templates";

/// The parsed templates of one build.
pub struct Theme {
    tera: Tera,
    /// Where each template came from (the site's file, or built-in).
    origins: HashMap<String, PathBuf>,
    /// Each template's text, for locating a runaway component recursion.
    texts: BTreeMap<String, String>,
    /// The label tables, by lower-case language tag: the built-in ones
    /// with the site's `i18n/LANG.toml` over them.
    strings: BTreeMap<String, BTreeMap<String, String>>,
    /// A hash of every template's and label table's name and text.
    pub(super) fingerprint: u128,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.origins.keys().collect::<Vec<_>>())
            .finish()
    }
}

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
        // A site template that defines a built-in component itself (say, an
        // old `components.html` override holding them all) replaces the
        // built-in file of that component: a name may be defined only once.
        let own: HashSet<&str> = sources
            .values()
            .filter(|(_, path)| path.starts_with(&dir))
            .flat_map(|(text, _)| recursion::defined_components(text))
            .collect();
        let replaced: Vec<String> = BUILTIN_TEMPLATES
            .iter()
            .filter_map(|(name, _)| {
                let component = name.strip_prefix("components/")?.strip_suffix(".html")?;
                let builtin = sources
                    .get(*name)
                    .is_some_and(|(_, p)| !p.starts_with(&dir));
                (builtin && own.contains(component)).then(|| name.to_string())
            })
            .collect();
        for name in replaced {
            sources.remove(&name);
        }
        let strings_sources = read_strings(root)?;
        let fingerprint = Key::of(&(&sources, &strings_sources));
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
        let strings = parse_strings(&strings_sources)?;
        Ok(Arc::new(Theme {
            tera,
            strings,
            origins,
            texts: sources.into_iter().map(|(n, (t, _))| (n, t)).collect(),
            fingerprint,
        }))
    }

    /// The tables that apply to `language` (e.g. `de-AT`), most specific
    /// first: its own, its primary language's (`de`), then English.
    fn tables(&self, language: &str) -> Vec<&BTreeMap<String, String>> {
        let language = language.to_ascii_lowercase();
        let primary = language.split(['-', '_']).next().unwrap_or("");
        [language.as_str(), primary, "en"]
            .into_iter()
            .filter_map(|lang| self.strings.get(lang))
            .collect()
    }

    /// The labels for `language`: its table over its primary language's
    /// over the English one, so a key a table lacks is in English.
    pub(super) fn strings(&self, language: &str) -> BTreeMap<&str, &str> {
        let mut table = BTreeMap::new();
        for t in self.tables(language).into_iter().rev() {
            table.extend(t.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        table
    }

    /// The label `key` in the show's language (for the page titles the
    /// renderer sets); the key itself if no table has it.
    pub(super) fn label(&self, site: &crate::site::Site, key: &str) -> String {
        self.tables(&site.config.language)
            .into_iter()
            .find_map(|t| t.get(key))
            .map_or_else(|| key.to_string(), String::clone)
    }

    /// How the show's language writes dates (see [`Dates`]).
    pub(super) fn dates(&self, site: &crate::site::Site) -> super::views::Dates {
        let tables = self.tables(&site.config.language);
        super::views::Dates::new(|key| tables.iter().find_map(|t| t.get(key)).cloned())
    }

    /// The context every page starts from: `site`, `page_description`,
    /// and the labels `t` in the show's language.
    pub(super) fn base_context(&self, site: &crate::site::Site) -> Result<Context> {
        let mut context = super::views::base_context(site)?;
        context.insert("t", &self.strings(&site.config.language));
        Ok(context)
    }

    pub(super) fn render(&self, name: &str, context: &Context) -> Result<String> {
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
}

/// The label tables' texts by language, with where each came from: the
/// built-in ones, then the site's `i18n/*.toml` (each after the built-in
/// table of its language, which it overrides key by key).
fn read_strings(root: &Path) -> Result<Vec<(String, String, PathBuf)>> {
    let mut out: Vec<(String, String, PathBuf)> = BUILTIN_STRINGS
        .iter()
        .map(|(lang, text)| {
            let path = PathBuf::from(format!("(built-in theme)/{STRINGS_DIR}/{lang}.toml"));
            (lang.to_string(), text.to_string(), path)
        })
        .collect();
    let dir = root.join(STRINGS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let (Some(lang), Some("toml")) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, "read", e))?;
        out.push((lang.to_ascii_lowercase(), text, path));
    }
    Ok(out)
}

/// Parses the label tables read by [`read_strings`]: every value must be
/// a string.
fn parse_strings(
    sources: &[(String, String, PathBuf)],
) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    let mut tables: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (lang, text, path) in sources {
        let parsed: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let mut d = Diagnostic::error(
                path.clone(),
                format!("invalid label table: {}", e.message()),
            );
            if let Some(span) = e.span() {
                let (line, column) = crate::error::line_col(text, span.start);
                d = d.at(line, column);
            }
            Error::from(
                d.help("write one `key = \"text\"` a line, as in podsmith's built-in i18n/en.toml"),
            )
        })?;
        let table = tables.entry(lang.clone()).or_default();
        for (key, value) in parsed {
            let Some(text) = value.as_str() else {
                return Err(Diagnostic::error(
                    path.clone(),
                    format!("label `{key}` must be text in quotes"),
                )
                .help("write `key = \"text\"`")
                .into());
            };
            table.insert(key, text.to_string());
        }
    }
    Ok(tables)
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
