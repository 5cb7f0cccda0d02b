//! `podsmith deploy` to real servers started by the test on 127.0.0.1:
//! an S3-compatible server (s3s-fs) and OpenSSH's sshd with rsync. Ignored
//! by a plain `cargo test`; `bash tests/conformance/setup.sh` installs the
//! tools, and with `--include-ignored` a missing tool is a failure, never
//! a skip.

use crate::common;

use common::{episode, FixtureSite, BASIC_CONFIG, SAMPLE_MP3};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};
use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SETUP: &str = "run `bash tests/conformance/setup.sh` (as root) to install it";

/// A program on the PATH (or in ~/.cargo/bin); panics when it is missing.
fn tool(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin")))
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("{name} is missing: {SETUP}"))
}

/// A port free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something listens on `port`.
fn wait_for_port(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited: {status}");
        }
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Kills a server started by the test.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn deploy(site: &FixtureSite, env: &[(&str, &str)]) -> String {
    let out = Command::new(common::bin())
        .arg("deploy")
        .envs(env.iter().copied())
        .current_dir(site.root())
        .output()
        .expect("run podsmith");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "deploy failed:\n{text}");
    text
}

/// A site with two episodes deploying with `deploy` settings.
fn two_episode_site(deploy: &str) -> FixtureSite {
    let site = FixtureSite::new(&format!("{BASIC_CONFIG}\n[deploy]\n{deploy}"));
    site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    site.write("content/episodes/001-one.md", &episode("One", 1, "one.mp3"));
    site.write_bytes("static/media/two.mp3", SAMPLE_MP3);
    site.write("content/episodes/002-two.md", &episode("Two", 2, "two.mp3"));
    site
}

/// The build's files (bookkeeping left out), with their bytes.
fn built(site: &FixtureSite) -> BTreeMap<String, Vec<u8>> {
    site.snapshot_out()
        .into_iter()
        .filter(|(rel, _)| !rel.starts_with(".podsmith"))
        .collect()
}

/// What the bucket holds under `prefix`: key → (time and ETag, type, caching).
fn listing(
    rt: &tokio::runtime::Runtime,
    store: &AmazonS3,
    prefix: &str,
) -> BTreeMap<String, (String, String, String)> {
    rt.block_on(async {
        let mut objects = BTreeMap::new();
        let prefix_path = ObjectPath::from(prefix);
        let metas: Vec<object_store::ObjectMeta> = {
            use futures_util::TryStreamExt;
            store.list(Some(&prefix_path)).try_collect().await.unwrap()
        };
        for meta in metas {
            let got = store.get(&meta.location).await.unwrap();
            let attr = |a: &Attribute| {
                got.attributes
                    .get(a)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            };
            let kind = attr(&Attribute::ContentType);
            let cache = attr(&Attribute::CacheControl);
            let rel = meta.location.as_ref()[prefix.len() + 1..].to_string();
            // When and what was stored: a new upload changes the time.
            let stored = format!(
                "{} {}",
                got.meta.last_modified.to_rfc3339(),
                got.meta.e_tag.clone().unwrap_or_default()
            );
            objects.insert(rel, (stored, kind, cache));
        }
        objects
    })
}

#[test]
#[ignore = "conformance: needs s3s-fs (tests/conformance/setup.sh); run with --include-ignored"]
fn deploys_to_an_s3_compatible_bucket() {
    let s3s = tool("s3s-fs");
    let data = tempfile::tempdir().unwrap();
    std::fs::create_dir(data.path().join("podcasts")).unwrap();
    let port = free_port();
    let mut child = Command::new(&s3s)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--access-key", "AKTEST", "--secret-key", "SKTEST"])
        .arg(data.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", s3s.display()));
    wait_for_port(port, &mut child);
    let _guard = Guard(child);
    let endpoint = format!("http://127.0.0.1:{port}");
    let site = two_episode_site(&format!(
        "target = \"s3://podcasts/show/\"\nendpoint = \"{endpoint}\"\nregion = \"us-east-1\"\n"
    ));
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKTEST"),
        ("AWS_SECRET_ACCESS_KEY", "SKTEST"),
    ];
    let store = AmazonS3Builder::new()
        .with_bucket_name("podcasts")
        .with_region("us-east-1")
        .with_endpoint(&endpoint)
        .with_allow_http(true)
        .with_access_key_id("AKTEST")
        .with_secret_access_key("SKTEST")
        .build()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();

    let text = deploy(&site, &env);
    assert!(text.contains("Deployed to s3://podcasts/show/"), "{text}");
    let first = built(&site);
    let objects = listing(&rt, &store, "show");
    let mut keys: Vec<&String> = objects.keys().collect();
    keys.retain(|k| *k != ".podsmith-deploy.json");
    assert_eq!(keys, first.keys().collect::<Vec<_>>());
    let expect = [
        (
            "feed.xml",
            "application/rss+xml; charset=utf-8",
            "public, max-age=300",
        ),
        (
            "index.html",
            "text/html; charset=utf-8",
            "public, max-age=300",
        ),
        ("media/one.mp3", "audio/mpeg", "public, max-age=2592000"),
        ("cover.png", "image/png", "public, max-age=2592000"),
        (
            "episodes/001-one/chapters.json",
            "application/json+chapters",
            "public, max-age=3600",
        ),
    ];
    for (rel, kind, cache) in expect {
        if rel.ends_with("chapters.json") && !objects.contains_key(rel) {
            continue; // the fixture episode has no chapters
        }
        let (_, got_kind, got_cache) = &objects[rel];
        assert_eq!(
            (got_kind.as_str(), got_cache.as_str()),
            (kind, cache),
            "{rel}"
        );
    }
    // The stored bytes are the built ones.
    let feed = rt
        .block_on(async {
            store
                .get(&ObjectPath::from("show/feed.xml"))
                .await
                .unwrap()
                .bytes()
                .await
        })
        .unwrap();
    assert_eq!(&feed[..], &first["feed.xml"][..]);

    // Again: nothing uploaded.
    let text = deploy(&site, &env);
    assert!(text.contains("Nothing to upload"), "{text}");
    assert_eq!(listing(&rt, &store, "show"), objects);

    // One episode edited: exactly the files whose bytes changed are new
    // (a second later, so that a new upload has a new time).
    std::thread::sleep(Duration::from_millis(1100));
    site.write(
        "content/episodes/002-two.md",
        &episode("Two", 2, "two.mp3").replace("Notes for Two.", "Edited."),
    );
    deploy(&site, &env);
    let second = built(&site);
    let after = listing(&rt, &store, "show");
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| objects.get(*k).map(|o| &o.0) != Some(&v.0))
        .map(|(k, _)| k)
        .filter(|k| *k != ".podsmith-deploy.json")
        .collect();
    let expected: Vec<&String> = second
        .iter()
        .filter(|(k, v)| first.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(!expected.is_empty());
    assert!(expected
        .iter()
        .any(|k| k.as_str() == "episodes/002-two/index.html"));
    assert!(!expected.iter().any(|k| k.ends_with(".mp3")));
    assert_eq!(changed, expected);

    // A deploy stopped before the feed: the new audio and pages are up, the
    // bucket still serves the old feed; the next deploy finishes.
    let get = |key: &str| {
        rt.block_on(async {
            match store.get(&ObjectPath::from(key)).await {
                Ok(got) => Some(got.bytes().await.unwrap().to_vec()),
                Err(object_store::Error::NotFound { .. }) => None,
                Err(e) => panic!("{key}: {e}"),
            }
        })
    };
    site.write_bytes("static/media/three.mp3", SAMPLE_MP3);
    site.write(
        "content/episodes/003-three.md",
        &episode("Three", 3, "three.mp3"),
    );
    let out = Command::new(common::bin())
        .arg("deploy")
        .envs(env)
        .env("PODSMITH_FAILPOINT", "deploy-after-pages")
        .current_dir(site.root())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the failpoint did not stop the deploy"
    );
    assert!(get("show/media/three.mp3").is_some());
    assert!(get("show/episodes/003-three/index.html").is_some());
    assert_eq!(get("show/feed.xml").unwrap(), second["feed.xml"]);
    let text = deploy(&site, &env);
    assert!(text.contains("uploaded 1 file "), "{text}");
    assert_eq!(get("show/feed.xml").unwrap(), built(&site)["feed.xml"]);
}

/// `ssh-keygen` into `dir`; returns the private key's path.
fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    let ok = Command::new(tool("ssh-keygen"))
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .unwrap()
        .success();
    assert!(ok, "ssh-keygen failed");
    key
}

#[test]
#[ignore = "conformance: needs sshd and rsync (tests/conformance/setup.sh); run with --include-ignored"]
fn deploys_over_ssh_with_rsync() {
    let sshd = tool("sshd");
    tool("rsync");
    let dir = tempfile::tempdir().unwrap();
    let host_key = keygen(dir.path(), "host_key");
    let user_key = keygen(dir.path(), "user_key");
    std::fs::copy(
        dir.path().join("user_key.pub"),
        dir.path().join("authorized_keys"),
    )
    .unwrap();
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let port = free_port();
    let config = dir.path().join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "ListenAddress 127.0.0.1\nPort {port}\nHostKey {}\nAuthorizedKeysFile {}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\nPidFile none\nSubsystem sftp internal-sftp\n",
            host_key.display(),
            dir.path().join("authorized_keys").display()
        ),
    )
    .unwrap();
    // sshd wants its privilege separation folder.
    let _ = std::fs::create_dir_all("/run/sshd");
    let mut child = Command::new(&sshd)
        .args(["-D", "-e", "-f"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_port(port, &mut child);
    let _guard = Guard(child);
    let known = dir.path().join("known_hosts");
    let ssh_command = format!(
        "ssh -i {} -o IdentitiesOnly=yes -o UserKnownHostsFile={} -o StrictHostKeyChecking=accept-new",
        user_key.display(),
        known.display()
    );
    let www = dir.path().join("www");
    let site = two_episode_site(&format!(
        "target = \"ssh://{user}@127.0.0.1:{port}{}/\"\n",
        www.display()
    ));
    // podsmith's temporary folders (the ssh connection's socket) in the
    // test's own, so that the aborted deploy below leaves nothing behind.
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let env = [
        ("PODSMITH_SSH_COMMAND", ssh_command.as_str()),
        ("TMPDIR", tmp.to_str().unwrap()),
    ];

    let text = deploy(&site, &env);
    assert!(text.contains("Deployed to ssh://"), "{text}");
    let first = built(&site);
    let deployed = |www: &Path| -> BTreeMap<String, Vec<u8>> {
        common::snapshot_dir(www)
            .into_iter()
            .filter(|(rel, _)| rel != ".podsmith-deploy.json")
            .collect()
    };
    assert_eq!(deployed(&www), first);
    let mtime = |rel: &str| {
        std::fs::metadata(www.join(rel))
            .unwrap()
            .modified()
            .unwrap()
    };
    let audio_time = mtime("media/one.mp3");

    let text = deploy(&site, &env);
    assert!(text.contains("Nothing to upload"), "{text}");

    // Stopped before the feed (the process aborts, as if killed): the old
    // feed stays, and no ssh connection of its outlives it.
    let old_feed = std::fs::read(www.join("feed.xml")).unwrap();
    site.write(
        "content/episodes/001-one.md",
        &episode("One", 1, "one.mp3").replace("Notes for One.", "Edited."),
    );
    let out = Command::new(common::bin())
        .arg("deploy")
        .envs(env)
        .env("PODSMITH_FAILPOINT", "deploy-after-pages")
        .current_dir(site.root())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the failpoint did not stop the deploy"
    );
    assert!(
        std::fs::read_to_string(www.join("episodes/001-one/index.html"))
            .unwrap()
            .contains("Edited.")
    );
    assert_eq!(std::fs::read(www.join("feed.xml")).unwrap(), old_feed);
    let ours = || {
        let ps = Command::new("ps")
            .args(["-eo", "pid,args"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&ps.stdout)
            .lines()
            .filter(|l| l.contains(&*known.to_string_lossy()))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ours().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        ours(),
        Vec::<String>::new(),
        "ssh outlived the stopped deploy"
    );
    let text = deploy(&site, &env);
    assert!(text.contains("uploaded 1 file "), "{text}");
    assert_eq!(deployed(&www), built(&site));

    std::fs::remove_file(site.path("content/episodes/002-two.md")).unwrap();
    let out = Command::new(common::bin())
        .args(["deploy", "--accept-feed-changes"])
        .envs(env)
        .current_dir(site.root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(deployed(&www), built(&site));
    assert!(!www.join("media/two.mp3").exists());
    assert_eq!(
        mtime("media/one.mp3"),
        audio_time,
        "unchanged audio was uploaded again"
    );
}
