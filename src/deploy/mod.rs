//! `podsmith deploy`: puts the built site at its target (a folder, an S3
//! bucket, a server over ssh) and tells apps the feed changed.
//!
//! The target keeps a manifest of what podsmith put there ([`plan`]); a
//! deploy uploads only what differs from it, in the order apps need
//! (assets, then pages, then the feed), then deletes what the build no
//! longer has. The manifest is written before each step with the files
//! about to change marked unknown, so a deploy stopped anywhere leaves the
//! old feed live until everything it names is up, and the next deploy
//! finishes the job.

pub mod notify;
pub mod plan;
pub mod target;

use crate::error::{Diagnostic, Result};
use crate::text::plural;
use indicatif::{ProgressBar, ProgressStyle};
use plan::{human_size, Entry, LocalFile, Manifest, Phase, Plan};
use serde::{Deserialize, Serialize};
use std::path::Path;
use target::TargetUrl;

/// `[deploy]` in podcast.toml: where the site goes. Credentials are never
/// here: S3 reads the `AWS_*` environment variables, ssh the user's agent
/// and keys.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    /// `s3://BUCKET/prefix/`, `file:///srv/www/show/` or
    /// `ssh://user@host:22/var/www/show/`.
    #[serde(default)]
    pub target: Option<String>,
    /// An S3-compatible service's address (omit for AWS).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The bucket's region.
    #[serde(default)]
    pub region: Option<String>,
    /// Podping's HTTP gateway (default: [`notify::PODPING_GATEWAY`]).
    #[serde(default)]
    pub podping_gateway: Option<String>,
}

/// A problem with a setting: the keys naming it, the message, the help.
pub type SettingProblem = (Vec<&'static str>, (String, String));

impl DeployConfig {
    /// What is wrong with the settings, for [`crate::config::Config`]'s checks.
    pub fn problems(&self) -> Vec<SettingProblem> {
        let mut problems = Vec::new();
        if let Some(target) = &self.target {
            if let Err(why) = TargetUrl::parse(target) {
                problems.push((
                    vec!["deploy", "target"],
                    (
                        format!("`[deploy] target` = {target:?} {why}"),
                        "write s3://BUCKET/prefix/, file:///srv/www/show/ or ssh://user@host/var/www/show/".into(),
                    ),
                ));
            }
        }
        for (key, value) in [
            ("endpoint", &self.endpoint),
            ("podping_gateway", &self.podping_gateway),
        ] {
            if let Some(url) = value {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    problems.push((
                        vec!["deploy", key],
                        (
                            format!("`[deploy] {key}` = {url:?} is not an http(s) address"),
                            "write the service's address, e.g. \"https://s3.example.net\"".into(),
                        ),
                    ));
                }
            }
        }
        problems
    }
}

/// What a deploy did.
#[derive(Debug, Default)]
pub struct DeployReport {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub kept: usize,
    pub deleted: usize,
    /// Whether the feed went up (then apps are told).
    pub feed_changed: bool,
}

/// Test hook: `PODSMITH_FAILPOINT=deploy-after-assets` (or
/// `deploy-after-pages`) stops the process after that step, as a killed
/// deploy would.
fn failpoint(name: &str) {
    if std::env::var("PODSMITH_FAILPOINT").is_ok_and(|p| p == name) {
        eprintln!("podsmith: failpoint {name}: aborting");
        std::process::abort();
    }
}

/// The target `[deploy]` names, or an error saying how to name one.
pub fn target_url(config: &crate::config::Config, settings: &Path) -> Result<TargetUrl> {
    let Some(text) = &config.deploy.target else {
        return Err(Diagnostic::error(
            settings.to_path_buf(),
            "podcast.toml has no [deploy] target: podsmith does not know where to upload",
        )
        .help("add e.g.\n[deploy]\ntarget = \"s3://my-bucket/show/\"   # or file:///srv/www/show/, ssh://me@host/var/www/show/")
        .into());
    };
    // Checked when the settings were loaded.
    TargetUrl::parse(text).map_err(|why| Diagnostic::error(settings.to_path_buf(), why).into())
}

/// `podsmith deploy`: checks the target, builds with `build` (which
/// prints what it did and returns the output folder), deploys, and tells
/// the apps when the feed changed.
pub fn command(
    root: &Path,
    dry_run: bool,
    build: impl FnOnce() -> Result<std::path::PathBuf>,
) -> Result<()> {
    let config = crate::config::Config::load(root)?;
    let settings = root.join(crate::config::CONFIG_FILE);
    let url = target_url(&config, &settings)?;
    check_target_place(&url, root, &settings)?;
    let out = build()?;
    let report = run(&config, &url, &out, dry_run)?;
    if report.feed_changed {
        for outcome in notify::after_deploy(&config) {
            match outcome.result {
                Ok(_) => println!("{outcome}"),
                Err(_) => eprintln!("{outcome}"),
            }
        }
    }
    Ok(())
}

/// Refuses a `file://` target inside the site's folder (its output
/// folder included) or one that holds the site: a deploy there would write
/// among the sources, or delete them.
pub fn check_target_place(url: &TargetUrl, site_root: &Path, settings: &Path) -> Result<()> {
    let TargetUrl::File(target) = url else {
        return Ok(());
    };
    // The target may not exist yet: resolve its nearest existing folder.
    let resolve = |path: &Path| -> std::path::PathBuf {
        let mut existing = path.to_path_buf();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (
                existing.file_name().map(|n| n.to_owned()),
                existing.parent(),
            ) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut real = existing.canonicalize().unwrap_or(existing);
        real.extend(rest.iter().rev());
        real
    };
    let (target, site) = (resolve(target), resolve(site_root));
    if target.starts_with(&site) || site.starts_with(&target) {
        return Err(Diagnostic::error(
            settings.to_path_buf(),
            format!(
                "`[deploy] target` {} is {} the site's folder",
                target.display(),
                if target.starts_with(&site) { "inside" } else { "a folder holding" }
            ),
        )
        .help("deploy to a folder outside the site, e.g. the web server's document root (file:///srv/www/show/)")
        .into());
    }
    Ok(())
}

/// Prints the plan (`--dry-run`).
fn print_plan(plan: &Plan, target: &str) {
    println!("Plan for {target}:");
    for file in &plan.upload {
        println!(
            "  upload  {:>9}  {}  ({})",
            human_size(file.size),
            file.rel,
            Phase::of(&file.rel).name()
        );
    }
    for (rel, size) in &plan.delete {
        println!("  delete  {:>9}  {rel}", human_size(*size));
    }
    let kept: u64 = plan.keep.iter().map(|f| f.size).sum();
    println!(
        "Would upload {} file{} ({}), keep {} ({}), delete {}; nothing was changed (--dry-run).",
        plan.upload.len(),
        plural(plan.upload.len()),
        human_size(plan.upload_bytes()),
        plan.keep.len(),
        human_size(kept),
        plan.delete.len()
    );
}

/// Deploys the built site in `out` to the target `[deploy]` names.
pub fn run(
    config: &crate::config::Config,
    url: &TargetUrl,
    out: &Path,
    dry_run: bool,
) -> Result<DeployReport> {
    let mut target = target::open(url, &config.deploy)?;
    let shown = target.describe();
    let local = plan::local_files(out)?;
    let mut remote = match target.read_manifest()? {
        Some(bytes) => Manifest::parse(&bytes).unwrap_or_else(|| {
            eprintln!(
                "warning: {shown}: the deploy manifest is unreadable; uploading everything again"
            );
            Manifest::default()
        }),
        None => Manifest::default(),
    };
    let plan = Plan::new(&local, &remote);
    if dry_run {
        print_plan(&plan, &shown);
        return Ok(DeployReport::default());
    }
    if plan.is_empty() {
        println!(
            "Nothing to upload: {shown} already has this build ({} file{}).",
            plan.keep.len(),
            plural(plan.keep.len())
        );
        return Ok(DeployReport {
            kept: plan.keep.len(),
            ..DeployReport::default()
        });
    }
    // What is about to change is marked unknown first: if the deploy
    // stops, the next one uploads it again (or deletes it).
    for file in &plan.upload {
        remote.files.insert(
            file.rel.clone(),
            Entry {
                hash: None,
                size: file.size,
            },
        );
    }
    target.write_manifest(&remote.to_bytes())?;
    let progress = ProgressBar::new(plan.upload_bytes());
    progress.set_style(
        ProgressStyle::with_template("{msg:>8} [{bar:30}] {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    for phase in [Phase::Assets, Phase::Pages, Phase::Feed] {
        let files: Vec<&LocalFile> = plan.phase(phase);
        if files.is_empty() {
            continue;
        }
        progress.set_message(phase.name());
        if let Err(e) = target.upload(out, &files, &progress) {
            progress.abandon();
            return Err(e);
        }
        for file in &files {
            remote.files.insert(
                file.rel.clone(),
                Entry {
                    hash: Some(file.hash.clone()),
                    size: file.size,
                },
            );
        }
        target.write_manifest(&remote.to_bytes())?;
        failpoint(&format!("deploy-after-{}", phase.name()));
    }
    progress.finish_and_clear();
    // Stale files go only once everything new is up.
    let stale: Vec<String> = plan.delete.iter().map(|(rel, _)| rel.clone()).collect();
    target.delete(&stale)?;
    for rel in &stale {
        remote.files.remove(rel);
    }
    target.write_manifest(&remote.to_bytes())?;
    let report = DeployReport {
        uploaded: plan.upload.len(),
        uploaded_bytes: plan.upload_bytes(),
        kept: plan.keep.len(),
        deleted: stale.len(),
        feed_changed: plan.upload.iter().any(|f| Phase::of(&f.rel) == Phase::Feed),
    };
    println!(
        "Deployed to {shown}: uploaded {} file{} ({}), kept {}, deleted {}.",
        report.uploaded,
        plural(report.uploaded),
        human_size(report.uploaded_bytes),
        report.kept,
        report.deleted
    );
    Ok(report)
}
