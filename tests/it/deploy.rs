//! `podsmith deploy` to a folder (`file://`), end to end with the real
//! binary: only changes go up, stale files go last, a stopped deploy keeps
//! the old feed until everything it names is up and the next one finishes,
//! a failed build deploys nothing; and the WebSub and Podping pings, sent
//! to a local server that records them.

use crate::common;
use crate::http_fixture;

use common::{episode, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};
use http_fixture::{Response, TestServer};
use std::path::Path;
use std::time::SystemTime;

/// A site deploying to `target` (a folder), with `extra` settings.
fn site_to(target: &Path, extra: &str) -> FixtureSite {
    let config = format!(
        "{BASIC_CONFIG}{extra}\n[deploy]\ntarget = \"file://{}/\"\n",
        target.display()
    );
    let site = FixtureSite::new(&config);
    site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    site
}

fn deploy(site: &FixtureSite, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let out = std::process::Command::new(common::bin())
        .arg("deploy")
        .args(args)
        .envs(env.iter().copied())
        .current_dir(site.root())
        .output()
        .expect("run podsmith");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn deploy_ok(site: &FixtureSite) -> String {
    let (ok, text) = deploy(site, &[], &[]);
    assert!(ok, "deploy failed:\n{text}");
    text
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .modified()
        .unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Waits so that a rewritten file gets a later modification time.
fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(20));
}

#[test]
fn deploys_only_changes_and_deletes_stale_files_last() {
    let target = tempfile::tempdir().unwrap();
    let dest = target.path().join("www");
    let site = site_to(&dest, "");
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write("content/episodes/002-two.md", &episode("Two", 2, "two.mp3"));

    // --dry-run: the plan, and nothing written at the target.
    let (ok, plan) = deploy(&site, &["--dry-run"], &[]);
    assert!(ok, "{plan}");
    assert!(
        plan.contains("upload") && plan.contains("media/one.mp3"),
        "{plan}"
    );
    assert!(plan.contains("feed.xml  (feed)"), "{plan}");
    assert!(plan.contains("nothing was changed"), "{plan}");
    assert!(!dest.exists(), "--dry-run wrote to the target");

    let text = deploy_ok(&site);
    assert!(text.contains("Deployed to file://"), "{text}");
    // The target holds the build, byte for byte, and the manifest.
    let built = common::snapshot_dir(&site.path("public"));
    let deployed: Vec<_> = common::snapshot_dir(&dest)
        .into_iter()
        .filter(|(rel, _)| rel != ".podsmith-deploy.json")
        .collect();
    let built: Vec<_> = built
        .into_iter()
        .filter(|(rel, _)| !rel.starts_with(".podsmith"))
        .collect();
    assert_eq!(
        deployed.iter().map(|f| &f.0).collect::<Vec<_>>(),
        built.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(deployed == built, "deployed bytes differ from the build");
    assert!(read(&dest.join("feed.xml")).contains("Two"));

    // Again, unchanged: nothing uploaded, nothing touched.
    let feed_time = modified(&dest.join("feed.xml"));
    let audio_time = modified(&dest.join("media/one.mp3"));
    tick();
    let text = deploy_ok(&site);
    assert!(text.contains("Nothing to upload"), "{text}");
    assert_eq!(modified(&dest.join("feed.xml")), feed_time);

    // One episode edited: its page, the lists and the feed go up; the audio stays.
    site.write(
        "content/episodes/002-two.md",
        &episode("Two", 2, "two.mp3").replace("Notes for Two.", "Edited notes."),
    );
    tick();
    let text = deploy_ok(&site);
    assert!(!text.contains("uploaded 0 files"), "{text}");
    assert!(read(&dest.join("episodes/002-two/index.html")).contains("Edited notes."));
    assert_eq!(
        modified(&dest.join("media/one.mp3")),
        audio_time,
        "unchanged audio was uploaded again"
    );
    assert_ne!(modified(&dest.join("feed.xml")), feed_time);

    // An episode removed: its page and audio are deleted (after the upload).
    std::fs::remove_file(site.path("content/episodes/002-two.md")).unwrap();
    std::fs::remove_file(site.path("static/media/two.mp3")).unwrap();
    let (ok, plan) = deploy(&site, &["--dry-run", "--accept-feed-changes"], &[]);
    assert!(ok, "{plan}");
    assert!(plan.contains("delete    25.9 KB  media/two.mp3"), "{plan}");
    assert!(dest.join("media/two.mp3").exists(), "--dry-run deleted");
    let text = deploy(&site, &["--accept-feed-changes"], &[]);
    assert!(text.0, "{}", text.1);
    assert!(text.1.contains("deleted"), "{}", text.1);
    assert!(!dest.join("media/two.mp3").exists());
    assert!(
        !dest.join("episodes/002-two").exists(),
        "the empty folder stayed"
    );
    assert!(!read(&dest.join("feed.xml")).contains("Two"));
    let manifest = read(&dest.join(".podsmith-deploy.json"));
    assert!(!manifest.contains("two.mp3"), "{manifest}");
    assert!(manifest.contains("\"media/one.mp3\""), "{manifest}");
}

#[test]
fn a_stopped_deploy_keeps_the_old_feed_and_the_next_one_finishes() {
    let target = tempfile::tempdir().unwrap();
    let dest = target.path().join("www");
    let site = site_to(&dest, "");
    deploy_ok(&site);
    let old_feed = read(&dest.join("feed.xml"));

    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write("content/episodes/002-two.md", &episode("Two", 2, "two.mp3"));
    // Stopped once the audio is up: pages and feed are the old ones.
    let (ok, text) = deploy(&site, &[], &[("PODSMITH_FAILPOINT", "deploy-after-assets")]);
    assert!(!ok, "the failpoint did not stop the deploy:\n{text}");
    assert!(dest.join("media/two.mp3").exists(), "{text}");
    assert!(!dest.join("episodes/002-two/index.html").exists());
    assert_eq!(read(&dest.join("feed.xml")), old_feed);

    // Stopped once the pages are up: still the old feed.
    let (ok, text) = deploy(&site, &[], &[("PODSMITH_FAILPOINT", "deploy-after-pages")]);
    assert!(!ok, "{text}");
    assert!(dest.join("episodes/002-two/index.html").exists(), "{text}");
    assert_eq!(read(&dest.join("feed.xml")), old_feed);

    // The next deploy uploads only what is still missing: the feed.
    let text = deploy_ok(&site);
    assert!(text.contains("uploaded 1 file "), "{text}");
    let feed = read(&dest.join("feed.xml"));
    assert!(feed.contains("two.mp3"), "{feed}");
    assert_eq!(feed, site.read_out("feed.xml"));
}

#[test]
fn a_failed_build_deploys_nothing() {
    let target = tempfile::tempdir().unwrap();
    let dest = target.path().join("www");
    let site = site_to(&dest, "");
    site.write(
        "content/episodes/002-broken.md",
        "+++\ntitle = \"Broken\"\ndate = \"not a date\"\n+++\n",
    );
    let (ok, text) = deploy(&site, &[], &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("002-broken.md"), "{text}");
    assert!(!dest.exists(), "a failed build deployed");
}

#[test]
fn deploy_without_a_target_says_how_to_name_one() {
    let site = FixtureSite::basic();
    let (ok, text) = deploy(&site, &[], &[]);
    assert!(!ok);
    assert!(text.contains("[deploy] target"), "{text}");
    assert!(!site.path("public").exists(), "built without a target");
    site.write(
        "podcast.toml",
        &format!("{BASIC_CONFIG}\n[deploy]\ntarget = \"ftp://example.org/\"\n"),
    );
    let (ok, text) = deploy(&site, &[], &[]);
    assert!(!ok);
    assert!(
        text.contains("podcast.toml") && text.contains("ftp:"),
        "{text}"
    );
    // A folder inside the site (its output folder too) is refused.
    for inside in ["public", "deployed"] {
        site.write(
            "podcast.toml",
            &format!(
                "{BASIC_CONFIG}\n[deploy]\ntarget = \"file://{}/\"\n",
                site.path(inside).display()
            ),
        );
        let (ok, text) = deploy(&site, &[], &[]);
        assert!(!ok, "{text}");
        assert!(text.contains("inside the site's folder"), "{text}");
        assert!(!site.path(inside).join(".podsmith-deploy.json").exists());
    }
}

#[test]
fn pings_websub_and_podping_after_the_feed_changed() {
    let target = tempfile::tempdir().unwrap();
    // Each ping must come once the new feed is up at the target.
    let live_feed = target.path().join("www/feed.xml");
    let server = TestServer::start(move |r| {
        let feed = std::fs::read_to_string(&live_feed).unwrap_or_default();
        if !feed.contains("one.mp3") {
            return Response::new(500, "pinged before the feed was up");
        }
        if r.path.starts_with("/hub") {
            Response::new(204, "")
        } else {
            Response::new(200, "Success!")
        }
    });
    let hub = format!("http://127.0.0.1:{}/hub", server.port);
    let extra = format!("\n[feed]\nwebsub_hub = \"{hub}\"\npodping = true\n");
    let site = site_to(&target.path().join("www"), &extra);
    let gateway = format!("http://127.0.0.1:{}/podping", server.port);
    let mut toml = std::fs::read_to_string(site.path("podcast.toml")).unwrap();
    toml.push_str(&format!("podping_gateway = \"{gateway}\"\n"));
    site.write("podcast.toml", &toml);

    let (ok, text) = deploy(&site, &[], &[("PODPING_TOKEN", "the-token")]);
    assert!(ok, "{text}");
    let feed = site.read_out("feed.xml");
    assert!(
        feed.contains(&format!("<atom:link href=\"{hub}\" rel=\"hub\"/>")),
        "{feed}"
    );
    assert!(
        feed.contains("<podcast:podping usesPodping=\"true\">"),
        "{feed}"
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let websub = requests
        .iter()
        .find(|r| r.path == "/hub")
        .expect("a WebSub ping");
    assert_eq!(websub.method, "POST");
    assert_eq!(
        websub.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&websub.body),
        "hub.mode=publish&hub.url=https%3A%2F%2Fexample%2Eorg%2Fshow%2Ffeed%2Exml"
    );
    let podping = requests
        .iter()
        .find(|r| r.path.starts_with("/podping"))
        .expect("a Podping notification");
    assert_eq!(podping.method, "GET");
    assert_eq!(
        podping.path,
        "/podping?url=https%3A%2F%2Fexample%2Eorg%2Fshow%2Ffeed%2Exml&reason=update&medium=podcast"
    );
    assert_eq!(podping.header("authorization"), Some("the-token"));
    assert!(
        text.contains("Notified WebSub hub") && text.contains("Notified Podping"),
        "{text}"
    );

    // Nothing changed: nobody is told.
    let (ok, text) = deploy(&site, &[], &[("PODPING_TOKEN", "the-token")]);
    assert!(ok, "{text}");
    assert_eq!(server.requests().len(), 2, "{text}");
}

#[test]
fn a_failed_ping_is_a_warning_never_a_failed_deploy() {
    let server = TestServer::start(|_| Response::new(500, "hub is down"));
    let target = tempfile::tempdir().unwrap();
    let extra = format!(
        "\n[feed]\nwebsub_hub = \"http://127.0.0.1:{}/hub\"\npodping = true\n",
        server.port
    );
    let site = site_to(&target.path().join("www"), &extra);
    let out = std::process::Command::new(common::bin())
        .arg("deploy")
        .env_remove("PODPING_TOKEN")
        .current_dir(site.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: could not notify WebSub hub") && stderr.contains("500"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Podping") && stderr.contains("PODPING_TOKEN"),
        "{stderr}"
    );
    assert!(target.path().join("www/feed.xml").exists());
}

#[test]
fn a_tampered_manifest_cannot_delete_outside_the_target() {
    let target = tempfile::tempdir().unwrap();
    let dest = target.path().join("www");
    let victim = target.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let site = site_to(&dest, "");
    deploy_ok(&site);
    let manifest = dest.join(".podsmith-deploy.json");
    let text = read(&manifest).replacen(
        "\"files\": {",
        "\"files\": {\n    \"../victim.txt\": {\"hash\": \"x\", \"size\": 7},",
        1,
    );
    std::fs::write(&manifest, text).unwrap();
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace("Notes for One.", "Changed."),
    );
    deploy_ok(&site);
    assert_eq!(read(&victim), "keep me");
}
