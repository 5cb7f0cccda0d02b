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
