//! `podsmith host-config nginx` in a real nginx started by the test on
//! 127.0.0.1: the built site served with the snippet passes
//! `podsmith check --remote` (types, byte ranges, CORS), and the feed's
//! old address redirects to it. Ignored by a plain `cargo test`;
//! `bash tests/conformance/setup.sh` installs nginx, and with
//! `--include-ignored` a missing nginx is a failure, never a skip.

use crate::common;

use common::{FixtureSite, BASIC_CONFIG, SAMPLE_MP3};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[ignore = "conformance: needs nginx (tests/conformance/setup.sh); run with --include-ignored"]
fn the_nginx_snippet_serves_what_apps_need() {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or_else(|| {
            panic!("nginx is missing: run `bash tests/conformance/setup.sh` (as root)")
        });
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/show/");
    let site = FixtureSite::new(&BASIC_CONFIG.replace("https://example.org/show/", &base));
    site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    site.write(
        "static/media/one.vtt",
        "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n",
    );
    site.write(
        "content/episodes/001-one.md",
        "+++\ntitle = \"One\"\ndate = 2026-01-01T08:00:00Z\naudio = \"one.mp3\"\nguid = \"guid-1\"\nsummary = \"One.\"\n[[chapters]]\nstart = \"00:00\"\ntitle = \"Start\"\n+++\n\nNotes.\n",
    );
    site.build_ok();
    let out = site.run(&["host-config", "nginx", "--redirect-from", "/old/rss.xml"]);
    assert!(out.status.success());
    let snippet = String::from_utf8(out.stdout).unwrap();

    // The site under /show/: a folder whose parent is the document root.
    let www = tempfile::tempdir().unwrap();
    std::fs::rename(site.path("public"), www.path().join("show")).unwrap();
    let conf = www.path().join("nginx.conf");
    let user = if Command::new("id").arg("-u").output().unwrap().stdout == b"0\n" {
        "user root;\n"
    } else {
        ""
    };
    std::fs::write(
        &conf,
        format!(
            "{user}daemon off;\nmaster_process off;\npid {pid};\nerror_log stderr;\nevents {{}}\nhttp {{\n    include /etc/nginx/mime.types;\n    access_log off;\n    server {{\n        listen 127.0.0.1:{port};\n        root {root};\n{snippet}\n    }}\n}}\n",
            pid = www.path().join("nginx.pid").display(),
            root = www.path().display(),
        ),
    )
    .unwrap();
    let test = Command::new(nginx)
        .args(["-t", "-c"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "nginx refuses the snippet:\n{}\n{}",
        String::from_utf8_lossy(&test.stderr),
        std::fs::read_to_string(&conf).unwrap()
    );
    let mut child = Command::new(nginx)
        .args(["-c"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(child.try_wait().unwrap().is_none(), "nginx exited");
        assert!(Instant::now() < deadline, "nginx does not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _guard = Guard(child);

    let out = Command::new(common::bin())
        .args([
            "check",
            "--remote",
            &format!("{base}feed.xml"),
            "--timeout",
            "10",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("0 failed, 0 with warnings"), "{text}");
    for what in ["enclosure", "chapters", "transcript", "cover"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("ok") && l.contains(what)),
            "{what}:\n{text}"
        );
    }

    // The feed's old address redirects permanently to the feed.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    write!(
        stream,
        "GET /old/rss.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 301"), "{answer}");
    assert!(
        answer.contains(&format!("Location: {base}feed.xml")),
        "{answer}"
    );
}
