//! The site's HTML pages, kind by kind: episode pages, the index pages,
//! tag pages, the site-wide lists (tags, archive, supporters), standalone
//! pages, the 404 page, and the sitemap beside them.

use super::sitemap::sitemap;
use super::views::{
    archive_years, supporter_counts, transcript_view, EpisodeLink, PageView, Paginator, TagView,
};
use super::{EpisodeValues, Key, RenderOptions, Theme};
use crate::emit::{all_episodes, emit, Emitter};
use crate::error::{Error, Result};
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::hash::Hash;
use tera::{Context, Value};

impl Theme {
    /// Renders every HTML page of the site into `out` (see [`Emitter`]).
    pub fn render_site(
        &self,
        site: &Site,
        out: &dyn Emitter,
        options: &RenderOptions,
        values: &EpisodeValues<'_>,
    ) -> Result<()> {
        let RenderOptions {} = options;
        let base = self.base_context(site)?;
        let dates = self.dates(site);
        let links: Vec<EpisodeLink<'_>> = (site.episodes.iter())
            .map(|e| EpisodeLink::new(e, &dates))
            .collect();
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
                            let transcript = transcript_view(episode, site);
                            ctx.insert_value("transcript", value(&transcript)?);
                            self.render("episode.html", &ctx)
                        },
                    )?;
                    self.render_transcript_page(site, out, &base, values, i)
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

    /// An episode's transcript page, `episodes/<slug>/transcript/`, when
    /// it has a transcript with readable cues.
    fn render_transcript_page(
        &self,
        site: &Site,
        out: &dyn Emitter,
        base: &Context,
        values: &EpisodeValues<'_>,
        i: usize,
    ) -> Result<()> {
        let episode = &site.episodes[i];
        if crate::transcript::displayed(&episode.transcripts).is_none() {
            return Ok(());
        }
        let Some(transcript) = transcript_view(episode, site) else {
            return Ok(());
        };
        emit(
            out,
            &format!("episodes/{}/transcript/index.html", episode.slug),
            |k| episode.fingerprint.hash(k),
            || {
                let mut ctx = base.clone();
                ctx.insert(
                    "page_title",
                    &self
                        .label(site, "transcript_of")
                        .replace("{title}", &episode.title),
                );
                ctx.insert("page_url", &format!("{}transcript/", episode.url));
                ctx.insert("page_description", episode.summary.as_str());
                ctx.insert_value("episode", values.get(i)?);
                ctx.insert_value("transcript", value(&transcript)?);
                self.render("transcript.html", &ctx)
            },
        )
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
                        ctx.insert(
                            "page_title",
                            &self
                                .label(site, "episodes_tagged")
                                .replace("{tag}", &tag.name),
                        );
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
        // The search index beside the index and tag pages: each has long
        // serial stretches.
        let search_index = || {
            crate::timed("  search index", || {
                let words = super::search::all_words(site, out);
                emit(
                    out,
                    super::search::SEARCH_INDEX,
                    |k| super::search::index_key(site, &words, k),
                    || Ok(super::search::search_index(site, &words)),
                )
            })
        };
        let ((index, tags), search) = rayon::join(
            || {
                rayon::join(
                    || crate::timed("  index", || self.render_index(site, out, base, values)),
                    || crate::timed("  tags", tag_pages),
                )
            },
            search_index,
        );
        index.and(tags).and(search)?;

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
        crate::timed("  lists", || -> Result<()> {
            self.render_section(
                &section,
                "tags",
                &self.label(site, "tags"),
                "tags",
                |_| {},
                || tags,
            )?;
            self.render_section(
                &section,
                "archive",
                &self.label(site, "archive"),
                "years",
                |k| links.hash(k),
                || archive_years(links),
            )?;
            self.render_section(
                &section,
                "supporters",
                &self.label(site, "supporters"),
                "supporters",
                |k| {
                    for e in &site.episodes {
                        e.supporters.hash(k);
                    }
                },
                || supporter_counts(site),
            )?;
            Ok(())
        })?;

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
            "search/index.html",
            |_| {},
            || {
                let mut ctx = base.clone();
                ctx.insert("page_title", &self.label(site, "search"));
                ctx.insert("page_url", &format!("{}search/", site.config.base_url));
                self.render("search.html", &ctx)
            },
        )?;

        emit(
            out,
            "404.html",
            |_| {},
            || {
                let mut ctx = base.clone();
                ctx.insert("page_title", &self.label(site, "page_not_found"));
                ctx.insert("page_url", &format!("{}404.html", site.config.base_url));
                self.render("404.html", &ctx)
            },
        )?;

        crate::timed("  sitemap", || {
            emit(
                out,
                "sitemap.xml",
                |k| all_episodes(site, k),
                || Ok(sitemap(site)),
            )
        })
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
                                self.label(site, "page_n")
                                    .replace("{number}", &number.to_string())
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

/// `value` as a template value.
fn value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    Value::try_from_serializable(value)
        .map_err(|e| Error::new(None, format!("cannot make a template value: {e}")))
}

/// A list of template values.
fn list(values: impl Iterator<Item = Result<Value>>) -> Result<Value> {
    Ok(Value::from(values.collect::<Result<Vec<Value>>>()?))
}

/// What every site-wide list page is rendered with.
struct SectionPage<'a> {
    site: &'a Site,
    out: &'a dyn Emitter,
    base: &'a Context,
}
