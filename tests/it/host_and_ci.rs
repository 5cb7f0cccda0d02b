//! `podsmith host-config`, `podsmith init --ci`, and the line `build`
//! prints about the next scheduled episode.

use crate::common;

use common::{episode, FixtureSite};
use std::process::Command;

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn host_config_prints_types_cors_caching_and_the_redirect() {
    let site = FixtureSite::basic();
    for server in ["nginx", "caddy", "apache", "netlify", "cloudflare"] {
        let out = site.run(&["host-config", server, "--redirect-from", "/old/rss"]);
        let snippet = text(&out);
        assert!(out.status.success(), "{server}: {snippet}");
        for needle in [
            "text/vtt",
            "application/x-subrip",
            "chapters",
            "Access-Control-Allow-Origin",
            "max-age=300",
            "/old/rss",
            "https://example.org/show/feed.xml",
        ] {
            assert!(
                snippet.contains(needle),
                "{server} lacks {needle}:\n{snippet}"
            );
        }
        // The site lives under /show/: the rules name that path.
        assert!(snippet.contains("/show/"), "{server}:\n{snippet}");
    }
    let out = site.run(&["host-config", "nginx"]);
    assert!(
        !text(&out).contains("return 301"),
        "a redirect nobody asked for"
    );
    let out = site.run(&["host-config", "iis"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("nginx"), "{}", text(&out));
}

#[test]
fn init_ci_writes_a_workflow_and_never_overwrites_one() {
    let parent = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(common::bin())
            .args(args)
            .current_dir(parent.path())
            .output()
            .unwrap()
    };
    let out = run(&["init", "show", "--ci", "github"]);
    assert!(out.status.success(), "{}", text(&out));
    let workflow = parent.path().join("show/.github/workflows/podsmith.yml");
    let yaml = std::fs::read_to_string(&workflow).unwrap();
    for needle in [
        "podsmith check",
        "podsmith deploy",
        "schedule:",
        "push:",
        "cargo install --locked podsmith --version",
        "secrets.AWS_SECRET_ACCESS_KEY",
    ] {
        assert!(yaml.contains(needle), "{needle}:\n{yaml}");
    }
    assert!(parent.path().join("show/podcast.toml").exists());
    // An existing site gets only the workflow; an existing workflow stays.
    let out = run(&["init", "show", "--ci", "forgejo"]);
    assert!(out.status.success(), "{}", text(&out));
    let forgejo =
        std::fs::read_to_string(parent.path().join("show/.forgejo/workflows/podsmith.yml"))
            .unwrap();
    assert!(
        forgejo.contains("code.forgejo.org/actions/checkout"),
        "{forgejo}"
    );
    std::fs::write(&workflow, "mine").unwrap();
    let out = run(&["init", "show", "--ci", "github"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("already there"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&workflow).unwrap(), "mine");
    // The workflow is YAML a parser reads, with the job's steps.
    let parsed = Command::new("python3")
        .args([
            "-c",
            "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(len(d['jobs']['publish']['steps']))",
        ])
        .arg(parent.path().join("show/.forgejo/workflows/podsmith.yml"))
        .output();
    if let Ok(parsed) = parsed {
        if parsed.status.success() {
            assert_eq!(String::from_utf8_lossy(&parsed.stdout).trim(), "5");
        }
    }
}

#[test]
fn build_says_when_the_next_scheduled_episode_is_due() {
    let site = FixtureSite::basic();
    let later =
        episode("Later", 2, "one.mp3").replace("2026-01-02T08:00:00Z", "2099-03-04T05:06:07Z");
    site.write("content/episodes/002-later.md", &later);
    let output = site.build_ok();
    assert!(
        output.contains("Next scheduled episode: \"Later\" is due at 2099-03-04T05:06:07Z"),
        "{output}"
    );
    std::fs::remove_file(site.path("content/episodes/002-later.md")).unwrap();
    let output = site.build_ok();
    assert!(!output.contains("Next scheduled"), "{output}");
}
