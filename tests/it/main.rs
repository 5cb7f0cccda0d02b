//! The integration tests, one module per file, in one test binary: each
//! test binary links podsmith and every dependency again, and with one
//! binary per file the suite spent most of its build linking (docs/dev/
//! test-build.md). Run one file's tests with `cargo test --test it NAME::`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../feed_fixture/mod.rs"]
mod feed_fixture;
#[path = "../http_fixture/mod.rs"]
mod http_fixture;
#[path = "../p20_fixture/mod.rs"]
mod p20_fixture;

mod atomicity;
mod audio;
mod browser;
mod build;
mod deploy;
mod deploy_conformance;
mod drafts;
mod escaping;
mod feed;
mod feed_alternates;
mod feed_bugs;
mod feed_conformance;
mod feed_items;
mod feed_namespace;
mod feed_p20_conformance;
mod feed_pages;
mod feed_transcripts;
mod feed_value;
mod host_and_ci;
mod host_config_conformance;
mod html_valid;
mod i18n;
mod id3_roundtrip;
mod import;
mod import_conformance;
mod import_real_feeds;
mod incremental;
mod listen_pages;
mod messages;
mod namespace_examples;
mod new;
mod output_property;
mod output_safety;
mod paths;
mod publish;
mod remote_check;
mod serve;
mod strange_input;
mod tag;
mod theme;
mod validation;
