//! End to end in a real browser (ignored by a plain `cargo test`; needs the
//! tools of tests/conformance/setup.sh, run with `--include-ignored`): the demo
//! site served by `podsmith serve`, an episode page opened in headless
//! Chromium. The audio loads, a chapter click seeks the player, the page
//! asks nothing of any other host, and edits to the episode's Markdown show
//! up in the open page (live reload). Saves a screenshot in target/.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Kills the server when the test ends, however it ends.
struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Starts `podsmith serve --port 0` on a copy of the demo and returns its URL.
fn serve_demo(site: &Path) -> (ServerGuard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsmith"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start podsmith serve");
    let stdout = child.stdout.take().unwrap();
    let guard = ServerGuard(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("Serving ").nth(1) {
                let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve printed no URL");
    (guard, url)
}

#[test]
#[ignore = "conformance: needs the tools of tests/conformance/setup.sh; run with --include-ignored"]
fn episode_page_plays_and_seeks_in_chromium() {
    let script = repo_root().join("tests/browser/episode.cjs");
    let playwright = repo_root().join("tests/conformance/node_modules/playwright-core");
    assert!(
        playwright.is_dir() && Path::new("/usr/bin/chromium").is_file(),
        "playwright-core or chromium is missing: run `bash tests/conformance/setup.sh`"
    );
    let site = tempfile::tempdir().unwrap();
    for dir in ["content", "static", "templates"] {
        copy_dir(&repo_root().join(dir), &site.path().join(dir));
    }
    std::fs::copy(
        repo_root().join("podcast.toml"),
        site.path().join("podcast.toml"),
    )
    .unwrap();
    let (_server, base) = serve_demo(site.path());
    let origin = base.trim_end_matches('/').to_string();

    let shots = repo_root().join("target/browser-test");
    std::fs::create_dir_all(&shots).unwrap();
    let screenshot = shots.join("episode.png");
    let started = Instant::now();
    let output = Command::new("node")
        .arg(&script)
        .arg(format!("{base}episodes/001-the-envelope-problem/"))
        .arg(&screenshot)
        .arg(
            site.path()
                .join("content/episodes/001-the-envelope-problem.md"),
        )
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or("");
    let result: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| {
        panic!(
            "no result from the browser ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    eprintln!("browser result after {:?}: {result}", started.elapsed());

    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
    let duration = result["duration"].as_f64().unwrap();
    assert!(
        (duration - 8.04).abs() < 0.5,
        "the audio's duration in the browser: {duration}"
    );
    let clicked = result["clickedStart"].as_f64().unwrap();
    let now = result["currentTime"].as_f64().unwrap();
    assert!(
        clicked > 0.0 && (now - clicked).abs() < 1.0,
        "clicking the chapter at {clicked} s left the player at {now} s"
    );
    assert_eq!(
        result["currentChapter"].as_f64(),
        Some(clicked),
        "the current chapter is highlighted"
    );
    let requests: Vec<&str> = result["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    assert!(requests.iter().any(|r| r.ends_with(".mp3")), "{requests:?}");
    for request in &requests {
        assert!(
            request.starts_with(&origin),
            "a request to another host: {request}"
        );
    }
    assert!(
        std::fs::metadata(&screenshot).unwrap().len() > 10_000,
        "screenshot saved"
    );
    // Live reload in a real browser: each edit shows up in the open page.
    // (How fast is reported, not asserted: see docs/authoring.md.)
    let edits = result["liveEditMs"].as_array().expect("live edits timed");
    assert_eq!(edits.len(), 3, "{result}");
    assert!(
        edits.iter().all(|ms| ms.as_u64().is_some()),
        "an edit never showed in the open page: {edits:?}"
    );
    let edits: Vec<u64> = edits.iter().filter_map(|ms| ms.as_u64()).collect();
    eprintln!("edit -> shown in Chromium, ms: {edits:?}");
}
