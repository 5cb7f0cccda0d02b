//! podsmith: a static-site generator for podcasts.

pub mod audio;
