//! The site model: validated episodes (with their audio metadata and rendered
//! notes), pages and tags, checked against each other. Renderers read it;
//! nothing here writes files.

mod episode;
mod load;
mod model;
mod notes_cache;
mod publish;

pub use episode::media_url;
pub use load::{EpisodeCache, LoadOptions, CACHE_DIR};
pub use model::{
    derived_guid, format_clock, Chapter, Episode, EpisodeAudio, EpisodeExtras, FeedbackItem,
    HeldBack, Page, Site, Tag, TagRef, Transcript, EPISODE_GUID_NAMESPACE,
};
pub use publish::{files_to_publish, is_unpublished_name, Published};
