//! A build killed at any moment (SIGKILL) leaves the previous output
//! complete and readable, and the next build cleans up after it.

use crate::common;

use common::{episode, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};
use std::process::{Command, Stdio};
use std::time::Instant;

#[test]
fn killing_a_build_at_any_moment_keeps_the_previous_output() {
    let site = FixtureSite::new(BASIC_CONFIG);
    site.write_bytes("static/media/a.mp3", SAMPLE_MP3);
    let notes = "Some notes with a [link](https://example.org/).\n\n".repeat(400);
    for n in 1..=300 {
        site.write(
            &format!("content/episodes/{n:03}-e.md"),
            &format!("{}{notes}", episode(&format!("Episode {n}"), n, "a.mp3")),
        );
    }
    site.build_ok();
    let before = site.snapshot_out();
    let started = Instant::now();
    site.build_ok();
    let build_time = started.elapsed();
    assert_eq!(before, site.snapshot_out());

    // Kill builds at points spread over a whole build's length.
    let steps = 12;
    for i in 0..steps {
        let delay = build_time.mul_f64(i as f64 / steps as f64 * 1.2);
        let mut child = Command::new(common::bin())
            .arg("build")
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let after = site.snapshot_out();
        assert_eq!(
            before.len(),
            after.len(),
            "killed after {delay:?}: the output lost files"
        );
        assert!(
            before == after,
            "killed after {delay:?}: the output changed"
        );
    }
    site.build_ok();
    assert_eq!(before, site.snapshot_out());
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".podsmith-build") || n.starts_with(".podsmith-old"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}
