//! serve's incremental rebuilds, behind one small interface: a
//! [`Rebuilder`] keeps, between the builds of one process, the loaded
//! episodes (only changed files are read again) and the rendered output's
//! memo (only pages whose inputs changed are rendered again; see
//! [`super::memo`]). `podsmith build` uses neither.

use super::memo::{MemoEmitter, RenderMemo};
use crate::error::Result;
use crate::output::{OutputOptions, Staging};
use crate::site::{EpisodeCache, Site};
use crate::{load_site_cached, render_with, BuildOptions};

/// What serve keeps between rebuilds of one site.
#[derive(Default)]
pub struct Rebuilder {
    episodes: EpisodeCache,
    memo: RenderMemo,
}

/// A rendered build, not yet swapped in.
pub struct Rendered {
    staging: Staging,
    memo: RenderMemo,
}

impl Rendered {
    /// How many files this build kept from the live output unrendered.
    pub fn kept(&self) -> usize {
        self.memo.kept()
    }
}

impl Rebuilder {
    /// Loads the site as `options` say, reading only episode files that
    /// changed since the last load, and begins the next staging folder (the
    /// recycled previous output) beside it once there is an output.
    pub fn load(&mut self, options: &BuildOptions) -> Result<(Site, Staging)> {
        let episodes = &mut self.episodes;
        let mut load = || {
            crate::timed("load", || {
                load_site_cached(
                    &options.root,
                    &options.load,
                    options.base_url.as_deref(),
                    episodes,
                )
            })
        };
        // serve's output folder is its own, in a fresh temporary folder
        // that nothing else writes to and that is never published: it
        // links the audio rather than copying gigabytes on every start.
        let output = OutputOptions {
            hard_links: true,
            private: true,
        };
        let begin = || {
            crate::timed("staging", || {
                Staging::begin_with(&options.out, &options.root, output)
            })
        };
        // As `build` does: beside the load only when an output is there
        // (a staging folder begun for a site that fails to load is put
        // back as it was when dropped).
        if options.out.is_dir() {
            let (site, staging) = rayon::join(load, begin);
            Ok((site?, staging?))
        } else {
            let site = load()?;
            Ok((site, begin()?))
        }
    }

    /// Renders `site` into `staging`, keeping what did not change.
    pub fn render(
        &mut self,
        site: &Site,
        staging: Staging,
        options: &BuildOptions,
    ) -> Result<Rendered> {
        let theme = self.memo.theme(&site.root)?;
        let emitter = MemoEmitter::new(&self.memo, &staging, site, &theme, &options.render);
        render_with(site, &emitter, &options.render, &theme)?;
        let memo = emitter.finish(theme);
        Ok(Rendered { staging, memo })
    }

    /// Swaps a rendered build in (call it with readers of the output locked
    /// out). On failure nothing is known of the output, so the next build
    /// renders everything.
    pub fn commit(&mut self, rendered: Rendered) -> Result<()> {
        self.memo = RenderMemo::default();
        crate::timed("commit", || rendered.staging.commit())?;
        self.memo = rendered.memo;
        Ok(())
    }

    /// Forgets the loaded episodes, so the next load reads every file
    /// (after a change to something episodes are made from besides their
    /// own file: settings, audio, transcripts, images).
    pub fn forget_episodes(&mut self) {
        self.episodes.clear();
    }

    /// Prepares the folder the next build reuses (for idle time, after the
    /// first build; see [`crate::output::prepare_previous`]).
    pub fn prepare_spare(&mut self, out: &std::path::Path) {
        let _ = crate::output::prepare_previous(out);
    }
}
