//! Loading the site: reading the episode and page files, validating them
//! and checking them against each other (slugs, GUIDs, numbers, audio,
//! chapters, links), and the episode cache `serve` keeps between builds.

use super::episode::{episode_slug, render_markdown, EpisodeContext, Loaded, MarkdownAt};
use super::model::{derived_guid, Episode, Page, Site, Tag};
use super::notes_cache::NotesCache;
use crate::audio::AudioCache;
use crate::config::Config;
use crate::content::{self, EpisodeFront, EpisodeType, PageFront, Source};
use crate::error::{display_path, Diagnostic, Error, Result};
use crate::markdown::RenderOptions;
use crate::slug::slugify;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Folder of the audio cache, in the site root.
pub const CACHE_DIR: &str = ".podsmith-cache";

/// Paths at the output's top level that pages may not take.
const RESERVED_SLUGS: &[&str] = &[
    "episodes",
    "tags",
    "page",
    "media",
    "archive",
    "supporters",
    "assets",
];

/// What a build includes.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Include drafts and episodes dated in the future.
    pub include_drafts: bool,
    /// "Now", for deciding which episodes are scheduled (injectable for tests).
    pub now: DateTime<Utc>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            include_drafts: false,
            now: Utc::now(),
        }
    }
}

/// The feed rules' findings as a build prints them: as warnings, and a rule
/// that many episodes break (a show-wide credit repeated in every episode)
/// shown twice, then counted, so a build's output stays readable; `check`
/// lists each one.
fn build_warnings(rules: &[Diagnostic]) -> Vec<Diagnostic> {
    const SHOWN: usize = 2;
    let key = |d: &Diagnostic| d.help.clone().unwrap_or_else(|| d.message.clone());
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut out = Vec::new();
    for d in rules {
        let k = key(d);
        let count = match seen.iter_mut().find(|(seen_key, _)| *seen_key == k) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                seen.push((k, 1));
                1
            }
        };
        if count <= SHOWN {
            out.push(Diagnostic {
                severity: crate::error::Severity::Warning,
                ..d.clone()
            });
        }
    }
    for (k, count) in seen {
        if count > SHOWN {
            let example = rules
                .iter()
                .find(|d| key(d) == k)
                .map(|d| d.message.as_str());
            out.push(
                Diagnostic::warning(
                    None,
                    format!(
                        "{} more like “{}”",
                        count - SHOWN,
                        example.unwrap_or_default()
                    ),
                )
                .help("`podsmith check` lists each one"),
            );
        }
    }
    out
}

/// Episodes kept between builds of one site (`serve`): each episode file's
/// parsed source and what it loaded to. An episode file whose stamp (size,
/// modification time, inode) is unchanged is neither read nor loaded again.
///
/// Loading an episode also reads the settings, the audio file (and the
/// transcript beside it) and checks its image in `static/`: the cache knows
/// the settings and load options it was filled with and empties itself when
/// they differ, but a change to anything else outside the episode files must
/// be followed by [`EpisodeCache::clear`] (serve does so).
pub struct EpisodeCache {
    /// The settings and load options the kept episodes were loaded with.
    key: String,
    files: HashMap<PathBuf, CachedEpisode>,
    /// The audio cache, kept while its file is unchanged (see
    /// [`AudioCache::is_current`]).
    audio: Option<AudioCache>,
    /// Whether anything is kept, and episodes get their
    /// [`Episode::fingerprint`] (only renderers that remember earlier builds
    /// need it; a plain build saves the time).
    remember: bool,
}

impl Default for EpisodeCache {
    fn default() -> Self {
        EpisodeCache {
            key: String::new(),
            files: HashMap::new(),
            audio: None,
            remember: true,
        }
    }
}

struct CachedEpisode {
    source: Arc<Source<EpisodeFront>>,
    loaded: Loaded,
}

impl EpisodeCache {
    /// Forgets every kept episode.
    pub fn clear(&mut self) {
        self.key.clear();
        self.files.clear();
        self.audio = None;
    }

    /// How many episode files are kept.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl Site {
    /// Loads and validates the site in `root`, reading audio through the cache.
    pub fn load(root: &Path, config: Config, options: &LoadOptions) -> Result<Site> {
        let mut once = EpisodeCache {
            remember: false,
            ..EpisodeCache::default()
        };
        Site::load_cached(root, config, options, &mut once)
    }

    /// Like [`Site::load`], but a cover that breaks the show in apps (see
    /// [`crate::feed::rules::cover_error`]) does not stop it: `check` lists
    /// it in [`Site::feed_rules`] with every other problem.
    pub fn load_for_check(root: &Path, config: Config, options: &LoadOptions) -> Result<Site> {
        let mut once = EpisodeCache {
            remember: false,
            ..EpisodeCache::default()
        };
        Site::load_with(root, config, options, &mut once, false)
    }

    /// Like [`Site::load`], reusing and refilling `kept`: only episode files
    /// that changed since are read and loaded again.
    pub fn load_cached(
        root: &Path,
        config: Config,
        options: &LoadOptions,
        kept: &mut EpisodeCache,
    ) -> Result<Site> {
        Site::load_with(root, config, options, kept, true)
    }

    /// [`Site::load_cached`]; `enforce` makes a cover that breaks the show
    /// an error.
    fn load_with(
        root: &Path,
        config: Config,
        options: &LoadOptions,
        kept: &mut EpisodeCache,
        enforce: bool,
    ) -> Result<Site> {
        let key = format!("{:?}\n{:?}\n{config:?}", root, options);
        if kept.key != key {
            kept.clear();
            kept.key = key;
        }
        let cache = match kept.audio.take() {
            Some(cache) if cache.is_current() => cache,
            _ => AudioCache::open(&root.join(CACHE_DIR)),
        };
        // serve keeps loaded episodes itself: its later builds render only
        // the notes of edited episodes, and need no cache of them.
        let notes = (!kept.remember || kept.files.is_empty())
            .then(|| NotesCache::open(&root.join(CACHE_DIR)));
        let site = Site::from_content(root, config, &cache, notes.as_ref(), options, kept, enforce);
        if let (Some(notes), Ok(_)) = (notes, &site) {
            notes.save();
        }
        // Forget audio files that are gone, so the cache does not only grow.
        // The episodes' files were just found; only the rest are looked at.
        let used: std::collections::HashSet<&Path> = site
            .iter()
            .flat_map(|site| &site.episodes)
            .filter_map(|e| e.audio.as_ref().filter(|a| !a.recorded))
            .map(|a| a.path.as_path())
            .collect();
        cache.retain(|path| used.contains(path) || path.is_file());
        if let Err(e) = cache.save() {
            log_cache_warning(root, &e);
        }
        if kept.remember {
            kept.audio = Some(cache);
        }
        site
    }

    /// Reads and loads every episode (each one as soon as its file is read,
    /// so that a build never holds all the sources at once) and the pages.
    fn from_content(
        root: &Path,
        config: Config,
        cache: &AudioCache,
        notes: Option<&NotesCache>,
        options: &LoadOptions,
        kept: &mut EpisodeCache,
        enforce: bool,
    ) -> Result<Site> {
        let ctx = EpisodeContext {
            root,
            config: &config,
            cache,
            notes,
            options,
            fingerprints: kept.remember,
        };
        let content = crate::timed("read and load episodes", || {
            let files = &kept.files;
            let remember = kept.remember;
            content::load_each(
                root,
                &|path, stamp| {
                    files
                        .get(path)
                        .filter(|c| c.source.stamp == Some(stamp))
                        .map(|c| Arc::clone(&c.source))
                },
                &|src| {
                    let result = match files.get(&src.path) {
                        Some(c) if Arc::ptr_eq(&c.source, &src) => Ok(c.loaded.clone()),
                        _ => ctx.episode(&src),
                    };
                    ReadEpisode {
                        identity: Identity::of(&src),
                        path: src.path.clone(),
                        // Only serve keeps sources; a build drops each here.
                        source: (remember && src.stamp.is_some()).then_some(src),
                        result,
                    }
                },
            )
        })?;
        // Keep what loaded (files gone or failing are dropped).
        let mut old = std::mem::take(&mut kept.files);
        kept.files = content
            .episodes
            .iter()
            .filter_map(|read| {
                let source = read.source.as_ref()?;
                let cached = match old.remove(&read.path) {
                    Some(c) if Arc::ptr_eq(&c.source, source) => c,
                    _ => CachedEpisode {
                        source: Arc::clone(source),
                        loaded: read.result.as_ref().ok()?.clone(),
                    },
                };
                Some((read.path.clone(), cached))
            })
            .collect();
        let duplicated = duplicates(&content.episodes);
        let mut errors = Vec::new();
        let mut episodes = Vec::new();
        let mut held_back = Vec::new();
        let mut warnings = config.warnings.clone();
        for read in content.episodes {
            match read.result {
                Ok(Loaded::Included(episode, mut w)) => {
                    warnings.append(&mut w);
                    episodes.push(episode);
                }
                Ok(Loaded::HeldBack(h)) => held_back.push(h),
                Err(e) => errors.push(e),
            }
        }
        errors.extend(duplicated);
        let pages = load_pages(&content.pages, &config, &mut errors, &mut warnings);
        // A cover that is not there breaks the show in apps: the one feed
        // rule a build enforces (`check` finds it in the feed rules).
        if enforce {
            errors.extend(crate::feed::rules::cover_error(root, &config).map(Error::from));
        }
        if !errors.is_empty() {
            return Err(Error::many(errors));
        }
        sort_newest_first(&mut episodes);
        let tags = collect_tags(&episodes, &config);
        held_back.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.source.cmp(&b.source)));
        warnings.sort_by(|a, b| {
            (a.file.cmp(&b.file))
                .then_with(|| a.line.cmp(&b.line))
                .then_with(|| a.column.cmp(&b.column))
                .then_with(|| a.message.cmp(&b.message))
        });
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            episodes,
            pages,
            tags,
            held_back,
            warnings,
            feed_rules: Vec::new(),
            loading_warnings: 0,
        };
        let rules = crate::timed("feed rules", || crate::feed::rules::check(&site));
        site.loading_warnings = site.warnings.len();
        site.warnings.extend(build_warnings(&rules.problems));
        site.feed_rules = rules.problems;
        site.feed_rules.extend(rules.advice);
        Ok(site)
    }
}

fn log_cache_warning(root: &Path, e: &std::io::Error) {
    eprintln!(
        "{}",
        Diagnostic::warning(
            root.join(CACHE_DIR),
            format!("cannot save the audio cache: {e}")
        )
        .help("the build is fine; the next one will read the audio again")
    );
}

/// Newest first; same date: higher episode number first, then by slug.
fn sort_newest_first(episodes: &mut [Arc<Episode>]) {
    episodes.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| b.number.cmp(&a.number))
            .then_with(|| a.slug.cmp(&b.slug))
    });
}

/// An episode file as it was read, with what it loaded to.
struct ReadEpisode {
    path: PathBuf,
    identity: Identity,
    /// The parsed file, kept only when the episode cache remembers it.
    source: Option<Arc<Source<EpisodeFront>>>,
    result: Result<Loaded>,
}

/// What must be unique to each episode file: its slug, GUID and number
/// (as text naming the season and type).
struct Identity {
    slug: Option<String>,
    guid: Option<String>,
    number: Option<String>,
}

impl Identity {
    fn of(src: &Source<EpisodeFront>) -> Identity {
        let slug = episode_slug(src).ok();
        let guid = src
            .front
            .guid
            .as_ref()
            .map(|g| g.get_ref().trim().to_string())
            .or_else(|| slug.as_deref().map(derived_guid));
        let number = src.front.episode.as_ref().map(|n| {
            let season = src
                .front
                .season
                .map(|s| format!("season {s}, "))
                .unwrap_or_default();
            let kind = match src.front.episode_type {
                EpisodeType::Full => String::new(),
                other => format!(" ({})", other.as_str()),
            };
            format!("{season}{}{kind}", n.get_ref())
        });
        Identity { slug, guid, number }
    }
}

/// Two episodes with the same slug, guid or number: names both files.
fn duplicates<'a>(episodes: &'a [ReadEpisode]) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut check = |kind: &str,
                     key: &'a Option<String>,
                     path: &'a Path,
                     seen: &mut HashMap<&'a str, &'a Path>| {
        if let Some(key) = key {
            if let Some(first) = seen.get(key.as_str()) {
                errors.push(Error::from(
                    Diagnostic::error(
                        path.to_path_buf(),
                        format!("{kind} {key:?} is also used by {}", display_path(first)),
                    )
                    .help(format!("give each episode its own {kind}")),
                ));
            } else {
                seen.insert(key, path);
            }
        }
    };
    let (mut slugs, mut guids, mut numbers) = (HashMap::new(), HashMap::new(), HashMap::new());
    for read in episodes {
        let Identity { slug, guid, number } = &read.identity;
        check("slug", slug, &read.path, &mut slugs);
        check("guid", guid, &read.path, &mut guids);
        check("episode number", number, &read.path, &mut numbers);
    }
    errors
}

fn load_pages(
    sources: &[Source<PageFront>],
    config: &Config,
    errors: &mut Vec<Error>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for src in sources.iter().filter(|s| !s.front.draft) {
        let slug = match &src.front.slug {
            Some(s) => slugify(s.get_ref()),
            None => slugify(&src.stem()),
        };
        if let Some(why) = crate::slug::too_long(&slug) {
            let message = format!("the web address (slug) of this page {why}");
            let diagnostic = match &src.front.slug {
                Some(s) => src.error_at(s, message).help("shorten `slug`"),
                None => Diagnostic::error(src.path.clone(), message)
                    .help("shorten the file name, or set a shorter `slug = \"...\"`"),
            };
            errors.push(diagnostic.into());
            continue;
        }
        if slug.is_empty() || RESERVED_SLUGS.contains(&slug.as_str()) {
            let msg = if slug.is_empty() {
                "this page's slug has no letter or digit".to_string()
            } else {
                format!("the slug {slug:?} is used by podsmith's own pages")
            };
            errors.push(
                Diagnostic::error(src.path.clone(), msg)
                    .help("set another `slug`")
                    .into(),
            );
            continue;
        }
        if let Some(first) = seen.get(&slug) {
            errors.push(
                Diagnostic::error(
                    src.path.clone(),
                    format!("slug {slug:?} is also used by {}", display_path(first)),
                )
                .help("give each page its own slug")
                .into(),
            );
            continue;
        }
        seen.insert(slug.clone(), src.path.clone());
        warnings.extend(src.warnings.iter().cloned());
        let url = format!("{}{}/", config.base_url, crate::slug::encode_segment(&slug));
        let html = render_markdown(
            &src.body,
            &RenderOptions {
                trusted_html: true,
                base_url: &config.base_url,
                page_url: &url,
                timestamps: false,
            },
            &src.path,
            MarkdownAt::Body(src.body_line),
            warnings,
        );
        pages.push(Page {
            source: src.path.clone(),
            slug,
            url,
            title: src.front.title.trim().to_string(),
            description: src.front.description.clone(),
            html,
            extra: src.front.extra.clone(),
        });
    }
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    pages
}

fn collect_tags(episodes: &[Arc<Episode>], config: &Config) -> Vec<Tag> {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, episode) in episodes.iter().enumerate() {
        for tag in &episode.tags {
            let entry = tags.entry(tag.slug.clone()).or_insert_with(|| Tag {
                name: tag.name.clone(),
                slug: tag.slug.clone(),
                url: format!(
                    "{}tags/{}/",
                    config.base_url,
                    crate::slug::encode_segment(&tag.slug)
                ),
                episodes: Vec::new(),
            });
            if entry.episodes.last() != Some(&i) {
                entry.episodes.push(i);
            }
        }
    }
    tags.into_values().collect()
}
