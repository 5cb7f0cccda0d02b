//! `podsmith import`: from a URL (a real HTTP server on 127.0.0.1, started
//! here, answering ranges as file servers do), `--download-audio` (parallel,
//! resumable, lengths verified), what real feeds get wrong, and remote
//! audio (`[enclosure]`) in build and check.

use crate::common;

use common::{FixtureSite, BASIC_CONFIG, COVER_PNG, SAMPLE_MP3};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// A small HTTP/1.1 server on 127.0.0.1 serving fixed files, honouring
/// `Range: bytes=N-` (206), and recording every request line and range.
struct Server {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(files: HashMap<String, Vec<u8>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let files = Arc::new(files);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let files = files.clone();
                let seen = seen.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let mut range = None;
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0
                            || header.trim().is_empty()
                        {
                            break;
                        }
                        if let Some(v) = header.to_ascii_lowercase().strip_prefix("range: bytes=") {
                            range = v.trim().trim_end_matches('-').parse::<usize>().ok();
                        }
                    }
                    seen.lock().unwrap().push(format!("{path} {range:?}"));
                    let response = match files.get(&path) {
                        Some(body) => {
                            let from = range.unwrap_or(0).min(body.len());
                            let status = if range.is_some() { "206 Partial Content" } else { "200 OK" };
                            let mut head = format!(
                                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
                                body.len() - from
                            );
                            if range.is_some() {
                                head.push_str(&format!("Content-Range: bytes {from}-{}/{}\r\n", body.len() - 1, body.len()));
                            }
                            head.push_str("\r\n");
                            let mut r = head.into_bytes();
                            r.extend_from_slice(&body[from..]);
                            r
                        }
                        None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                    };
                    let _ = stream.write_all(&response);
                });
            }
        });
        Server { base, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn podsmith(args: &[&str], dir: &Path) -> Output {
    Command::new(common::bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run podsmith")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A feed whose enclosures are on `base`: `a.mp3` (the sample, length
/// right), and `b.mp3` (its recorded length wrong by one byte).
fn served_feed(base: &str) -> String {
    let n = SAMPLE_MP3.len();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Served Show</title><link>https://old.example.org/show/</link><description>From a server.</description>
<itunes:image href="{base}/cover.png"/>
<itunes:owner><itunes:name>Host</itunes:name><itunes:email>host@example.org</itunes:email></itunes:owner>
<itunes:category text="Technology"/>
<item><title>Episode A</title><guid isPermaLink="false">guid-a</guid><pubDate>Mon, 02 Mar 2026 08:00:00 +0100</pubDate>
<enclosure url="{base}/a.mp3" length="{n}" type="audio/mpeg"/><itunes:duration>6</itunes:duration><itunes:image href="{base}/art-a.png"/>
<podcast:chapters url="{base}/a-chapters.json" type="application/json+chapters"/></item>
<item><title>Episode B</title><guid isPermaLink="false">guid-b</guid><pubDate>Tue, 03 Mar 2026 08:00:00 +0100</pubDate>
<enclosure url="{base}/b.mp3" length="{wrong}" type="audio/mpeg"/><itunes:duration>6</itunes:duration><itunes:image href="{base}/cover.png"/></item>
</channel></rss>"#,
        wrong = n + 1
    )
}

/// The media server (audio, cover, chapters) and a feed server whose
/// feed points at it; `base` is "FEED_BASE|MEDIA_BASE", `requests` the
/// media server's.
fn server() -> Server {
    let mut files = HashMap::new();
    files.insert("/a.mp3".to_string(), SAMPLE_MP3.to_vec());
    files.insert("/b.mp3".to_string(), SAMPLE_MP3.to_vec());
    files.insert("/cover.png".to_string(), COVER_PNG.to_vec());
    files.insert("/art-a.png".to_string(), COVER_PNG.to_vec());
    files.insert(
        "/a-chapters.json".to_string(),
        br#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"Start"},{"startTime":2.5,"title":"Middle","url":"https://example.org/m"}]}"#.to_vec(),
    );
    let media = Server::start(files);
    let mut files = HashMap::new();
    files.insert(
        "/feed.xml".to_string(),
        served_feed(&media.base).into_bytes(),
    );
    let feed = Server::start(files);
    Server {
        base: format!("{}|{}", feed.base, media.base),
        requests: media.requests,
    }
}

#[test]
fn import_from_a_url_keeps_remote_audio_and_fetches_cover_and_chapters() {
    let s = server();
    let (feed_base, _) = s.base.split_once('|').unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = podsmith(
        &["import", &format!("{feed_base}/feed.xml"), "site"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let site = tmp.path().join("site");
    let config = std::fs::read_to_string(site.join("podcast.toml")).unwrap();
    assert!(config.contains("image = \"cover.png\""), "{config}");
    assert_eq!(
        std::fs::read(site.join("static/cover.png")).unwrap(),
        COVER_PNG
    );
    assert!(
        config.contains("base_url = \"https://old.example.org/show/\""),
        "{config}"
    );
    let a = std::fs::read_to_string(site.join("content/episodes/001-episode-a.md")).unwrap();
    assert!(a.contains("[enclosure]"), "{a}");
    assert!(a.contains(&format!("length = {}", SAMPLE_MP3.len())), "{a}");
    assert!(a.contains("date = 2026-03-02T08:00:00+01:00"), "{a}");
    assert!(
        a.contains("title = \"Middle\"") && a.contains("start = 2.5"),
        "{a}"
    );
    // Episode art is downloaded; art that is the show's cover is not again.
    assert!(a.contains("image = \"art/0001.png\""), "{a}");
    assert_eq!(
        std::fs::read(site.join("static/art/0001.png")).unwrap(),
        COVER_PNG
    );
    let b = std::fs::read_to_string(site.join("content/episodes/002-episode-b.md")).unwrap();
    assert!(
        !b.contains("image = ") && !site.join("static/art/0002.png").exists(),
        "{b}"
    );
    // Remote audio builds, using the recorded facts.
    let out = podsmith(&["build", "--root", "site"], tmp.path());
    assert!(out.status.success(), "{}", text(&out));
    let feed = std::fs::read_to_string(site.join("public/feed.xml")).unwrap();
    assert!(
        feed.contains(&format!(
            "url=\"{}/a.mp3\" length=\"{}\"",
            s.base.split_once('|').unwrap().1,
            SAMPLE_MP3.len()
        )),
        "{feed}"
    );
    assert!(
        !site.join("public/media").exists(),
        "remote audio is not copied"
    );
    let page =
        std::fs::read_to_string(site.join("public/episodes/001-episode-a/index.html")).unwrap();
    assert!(page.contains("/a.mp3"), "the player plays the remote file");
    // check names the episodes that rely on recorded facts, and the feed
    // compared with the original (from its URL) keeps its promise.
    let out = podsmith(
        &[
            "check",
            "--root",
            "site",
            "--against",
            &format!("{feed_base}/feed.xml"),
        ],
        tmp.path(),
    );
    let t = text(&out);
    assert!(t.contains("001-episode-a.md: remote audio"), "{t}");
    assert!(t.contains("2 episodes rely on recorded facts"), "{t}");
    assert!(!t.contains("GUID") && !t.contains("changed"), "{t}");
}

#[test]
fn download_audio_resumes_verifies_lengths_and_measures_the_files() {
    let s = server();
    let (feed_base, _) = s.base.split_once('|').unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    // An interrupted earlier run: its mark and half of a.mp3.
    std::fs::create_dir_all(site.join("static/media")).unwrap();
    std::fs::write(site.join(".podsmith-import"), "").unwrap();
    let half = SAMPLE_MP3.len() / 2;
    std::fs::write(
        site.join("static/media/001-episode-a.mp3.part"),
        &SAMPLE_MP3[..half],
    )
    .unwrap();
    let out = podsmith(
        &[
            "import",
            &format!("{feed_base}/feed.xml"),
            "site",
            "--download-audio",
        ],
        tmp.path(),
    );
    let t = text(&out);
    // b.mp3 is one byte shorter than the feed says: refused, named, kept remote.
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("\"Episode B\"") && t.contains("feed records"),
        "{t}"
    );
    assert!(
        s.requests()
            .iter()
            .any(|r| r == &format!("/a.mp3 Some({half})")),
        "{:?}",
        s.requests()
    );
    assert_eq!(
        std::fs::read(site.join("static/media/001-episode-a.mp3")).unwrap(),
        SAMPLE_MP3
    );
    assert!(!site.join("static/media/002-episode-b.mp3").exists());
    assert!(!site.join(".podsmith-import").exists());
    let a = std::fs::read_to_string(site.join("content/episodes/001-episode-a.md")).unwrap();
    assert!(
        a.contains("audio = \"001-episode-a.mp3\"") && !a.contains("[enclosure]"),
        "{a}"
    );
    let b = std::fs::read_to_string(site.join("content/episodes/002-episode-b.md")).unwrap();
    assert!(b.contains("[enclosure]"), "{b}");
    // The downloaded file is measured like any other.
    let out = podsmith(&["build", "--root", "site"], tmp.path());
    assert!(out.status.success(), "{}", text(&out));
    let feed = std::fs::read_to_string(site.join("public/feed.xml")).unwrap();
    assert!(
        feed.contains(&format!(
            "media/001-episode-a.mp3\" length=\"{}\"",
            SAMPLE_MP3.len()
        )),
        "{feed}"
    );
}

#[test]
fn import_refuses_a_folder_with_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("site")).unwrap();
    std::fs::write(tmp.path().join("site/keep.txt"), "mine").unwrap();
    std::fs::write(
        tmp.path().join("feed.xml"),
        "<rss><channel><title>x</title></channel></rss>",
    )
    .unwrap();
    let out = podsmith(&["import", "feed.xml", "site"], tmp.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("not empty"), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("site/keep.txt")).unwrap(),
        "mine"
    );
}

/// Everything real feeds get wrong, in one feed.
const BROKEN_FEED: &str = "\u{feff}  \n<?xml version=\"1.0\"?>
<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:podcast=\"https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md\" xmlns:pc=\"https://podcastindex.org/namespace/1.0\">
<channel><title>Broken&nbsp;Show</title><link>https://old.example.org/</link><description>A &gtgt; B</description>
<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid><pc:locked>yes</pc:locked>
<item><title>&lt;b&gt;Bold&lt;/b&gt; title</title><guid>dup</guid><pubDate>Sun, 1 Mar 26 08:00 EST</pubDate>
<enclosure url=\"https://cdn.example.org/1.mp3\" length=\"100\" type=\"audio/mpeg\"/><itunes:duration>75:30</itunes:duration>
<content:encoded><![CDATA[<p>Notes with <a href=\"https://example.org/\">a link</a></p><script>alert(1)</script>]]></content:encoded></item>
<item><title>Second with the same GUID</title><guid>dup</guid><pubDate>2 Mar 2026 08:00:00 GMT</pubDate>
<enclosure url=\"https://cdn.example.org/2.mp3\" length=\"200\" type=\"audio/mpeg\"/></item>
<item><title>No GUID</title><pubDate>3 March 2026 09:00 +0100</pubDate>
<enclosure url=\"https://cdn.example.org/3.mp3\" length=\"300\" type=\"audio/mpeg\"/><itunes:duration>1:02:03</itunes:duration></item>
<item><title>Just a post</title><guid>post-1</guid><pubDate>Wed, 04 Mar 2026 08:00:00 +0000</pubDate><description>Text only.</description></item>
</channel></rss>";

#[test]
fn what_real_feeds_get_wrong_does_not_stop_an_import() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("feed.xml"), BROKEN_FEED).unwrap();
    let out = podsmith(&["import", "feed.xml", "site", "--offline"], tmp.path());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    for expected in [
        "before the XML declaration",
        "HTML entit",
        "&gtgt;",
        "repeats the GUID \"dup\"",
        "\"<b>Bold</b> title\"",
        "has no GUID: its enclosure URL is its identity",
        "has no enclosure: imported as a post",
        "a two-digit year",
    ] {
        assert!(t.contains(expected), "{expected:?} not reported:\n{t}");
    }
    let site = tmp.path().join("site");
    let config = std::fs::read_to_string(site.join("podcast.toml")).unwrap();
    assert!(config.contains("title = \"Broken Show\""), "{config}");
    assert!(
        config.contains("podcast_guid = \"917393e3-1b1e-5cef-ace4-edaa54e1f810\""),
        "{config}"
    );
    assert!(
        config.contains("locked = true"),
        "both namespace addresses are read:\n{config}"
    );
    let files: Vec<String> = std::fs::read_dir(site.join("content/episodes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    let first = std::fs::read_to_string(site.join("content/episodes/001-bold-title.md")).unwrap();
    assert!(
        first.contains("date = 2026-03-01T08:00:00-05:00"),
        "{first}"
    );
    assert!(first.contains("duration = 4530"), "{first}");
    assert!(
        first.contains("[a link](https://example.org/)") && !first.contains("alert"),
        "{first}"
    );
    let out = podsmith(&["build", "--root", "site"], tmp.path());
    assert!(out.status.success(), "{}", text(&out));
    let out = podsmith(
        &["check", "--root", "site", "--against", "feed.xml"],
        tmp.path(),
    );
    let t = text(&out);
    for broken in [
        "changed its GUID",
        "enclosure URL",
        "no longer in the feed",
        "changed from",
        "not in the published feed",
    ] {
        assert!(!t.contains(broken), "{broken}: {t}");
    }
}

#[test]
fn remote_audio_front_matter_is_strict() {
    let site = FixtureSite::new(BASIC_CONFIG);
    site.write(
        "content/episodes/001-remote.md",
        "+++\ntitle = \"Remote\"\ndate = 2026-01-01T08:00:00Z\nguid = \"r-1\"\n\n[enclosure]\nurl = \"https://cdn.example.org/r.mp3\"\nlength = 1234\ntype = \"audio/mpeg\"\nduration = \"1:00\"\nsize = 3\n+++\nNotes.\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("001-remote.md:11:1") && err.contains("size"),
        "{err}"
    );
    site.write(
        "content/episodes/001-remote.md",
        "+++\ntitle = \"Remote\"\ndate = 2026-01-01T08:00:00Z\nguid = \"r-1\"\naudio = \"r.mp3\"\n\n[enclosure]\nurl = \"https://cdn.example.org/r.mp3\"\nlength = 1234\ntype = \"audio/mpeg\"\n+++\nNotes.\n",
    );
    let err = site.build_err();
    assert!(err.contains("both `audio` and `[enclosure]`"), "{err}");
    site.write(
        "content/episodes/001-remote.md",
        "+++\ntitle = \"Remote\"\ndate = 2026-01-01T08:00:00Z\nguid = \"r-1\"\n\n[enclosure]\nurl = \"ftp://cdn.example.org/r.mp3\"\nlength = 1234\ntype = \"audio/mpeg\"\n+++\nNotes.\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("001-remote.md:6:") && err.contains("not an http(s)://"),
        "{err}"
    );
    site.write(
        "content/episodes/001-remote.md",
        "+++\ntitle = \"Remote\"\ndate = 2026-01-01T08:00:00Z\nguid = \"r-1\"\n\n[enclosure]\nurl = \"https://cdn.example.org/r.mp3\"\nlength = 1234\ntype = \"audio/mpeg\"\nduration = \"1:01:01\"\n+++\nNotes.\n",
    );
    site.build_ok();
    let feed = site.read_out("feed.xml");
    assert!(feed.contains("<enclosure url=\"https://cdn.example.org/r.mp3\" length=\"1234\" type=\"audio/mpeg\"/>"), "{feed}");
    assert!(
        feed.contains("<itunes:duration>3661</itunes:duration>"),
        "{feed}"
    );
    // No file to copy, and no duration guessed when none is recorded.
    site.write(
        "content/episodes/001-remote.md",
        "+++\ntitle = \"Remote\"\ndate = 2026-01-01T08:00:00Z\nguid = \"r-1\"\n\n[enclosure]\nurl = \"https://cdn.example.org/r.mp3\"\nlength = 1234\ntype = \"audio/mpeg\"\n+++\nNotes.\n",
    );
    site.build_ok();
    let feed = site.read_out("feed.xml");
    assert!(!feed.contains("itunes:duration"), "{feed}");
    assert!(!site.path("public/media").exists());
}

#[test]
fn new_feed_url_tells_apps_the_show_moved() {
    let site = FixtureSite::basic();
    let config = format!("new_feed_url = \"https://new.example.net/feed.xml\"\n{BASIC_CONFIG}");
    site.write("podcast.toml", &config);
    site.build_ok();
    let feed = site.read_out("feed.xml");
    assert!(
        feed.contains(
            "<itunes:new-feed-url>https://new.example.net/feed.xml</itunes:new-feed-url>"
        ),
        "{feed}"
    );
    site.write(
        "podcast.toml",
        &format!("new_feed_url = \"new.example.net\"\n{BASIC_CONFIG}"),
    );
    let err = site.build_err();
    assert!(
        err.contains("podcast.toml:1:") && err.contains("new_feed_url"),
        "{err}"
    );
}

#[test]
fn a_source_that_is_not_a_feed_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("page.html"),
        "<html><body>Not a feed</body></html>",
    )
    .unwrap();
    let out = podsmith(&["import", "page.html", "site"], tmp.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("not an RSS feed"), "{}", text(&out));
    assert!(!tmp.path().join("site").exists());
    let out = podsmith(&["import", "missing.xml", "site"], tmp.path());
    assert!(!out.status.success());
    assert!(
        text(&out).contains("missing.xml: no such file"),
        "{}",
        text(&out)
    );
}

#[test]
fn an_unusable_item_is_an_error_naming_it_and_the_rest_is_imported() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("feed.xml"),
        r#"<rss version="2.0"><channel><title>Undated</title><link>not a web address</link><description>x</description>
<item><title>Good</title><guid>g-1</guid><pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate><enclosure url="https://cdn.example.org/1.mp3" length="10" type="audio/mpeg"/></item>
<item><title>No date anywhere</title><guid>g-2</guid><enclosure url="https://cdn.example.org/2.mp3" length="10" type="audio/mpeg"/></item>
<item><title>Relative audio</title><guid>g-3</guid><pubDate>Tue, 03 Mar 2026 08:00:00 +0000</pubDate><enclosure url="audio/3.mp3" length="10" type="audio/mpeg"/></item>
</channel></rss>"#,
    )
    .unwrap();
    let out = podsmith(&["import", "feed.xml", "site", "--offline"], tmp.path());
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("error: feed.xml: item 2 (\"No date anywhere\") has no readable pubDate"),
        "{t}"
    );
    assert!(
        t.contains(
            "error: feed.xml: item 3 (\"Relative audio\"): its enclosure has no usable address"
        ),
        "{t}"
    );
    assert!(t.contains("base_url set to https://example.org/"), "{t}");
    let files: Vec<String> = std::fs::read_dir(tmp.path().join("site/content/episodes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let out = podsmith(&["build", "--root", "site"], tmp.path());
    assert!(out.status.success(), "{}", text(&out));
}

const NODE_A: &str = "03ae9f91a0cb8ff43840e3c322c4c61f019d8c1c3cea15a25cfc425ac605e61a4a";

/// A feed with value-for-value blocks: the channel's (a node and a
/// Lightning address), an item's with a time split paying a remote item,
/// and an item's with a node address that is not one.
fn value_feed() -> String {
    let n = SAMPLE_MP3.len();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:p="https://podcastindex.org/namespace/1.0">
<channel><title>Value Show</title><link>https://old.example.org/</link><description>Paid in sats.</description>
<p:value type="lightning" method="keysend" suggested="0.00000005000">
  <p:valueRecipient name="Host" type="node" address="{NODE_A}" split="90" customKey="696969" customValue="abc"/>
  <p:valueRecipient name="App" type="lnaddress" address="app@example.com" split="10" fee="true"/>
</p:value>
<item><title>Split</title><guid isPermaLink="false">g-split</guid><pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate>
<enclosure url="https://cdn.example.org/split.mp3" length="{n}" type="audio/mpeg"/><itunes:duration>600</itunes:duration>
<p:value type="lightning" method="keysend">
  <p:valueRecipient name="Host" type="node" address="{NODE_A}" split="100"/>
  <p:valueTimeSplit startTime="60" duration="237.5" remoteStartTime="3" remotePercentage="95">
    <p:remoteItem feedGuid="917393e3-1b1e-5cef-ace4-edaa54e1f810" itemGuid="song-1"/>
  </p:valueTimeSplit>
</p:value></item>
<item><title>Bad node</title><guid isPermaLink="false">g-bad</guid><pubDate>Tue, 03 Mar 2026 08:00:00 +0000</pubDate>
<enclosure url="https://cdn.example.org/bad.mp3" length="{n}" type="audio/mpeg"/>
<p:value type="lightning" method="keysend"><p:valueRecipient name="Typo" type="node" address="03abc" split="100"/></p:value></item>
</channel></rss>"#
    )
}

#[test]
fn podcast_value_becomes_value_settings_and_is_published_again() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("feed.xml"), value_feed()).unwrap();
    let out = podsmith(&["import", "feed.xml", "site", "--offline"], tmp.path());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    // The bad block is reported and left out; the import goes on.
    assert!(
        t.contains("item 2 (\"Bad node\"): its podcast:value is left out")
            && t.contains("\"03abc\" is not a Lightning node address"),
        "{t}"
    );
    let site = tmp.path().join("site");
    let config = std::fs::read_to_string(site.join("podcast.toml")).unwrap();
    assert!(
        config.contains("[value]") && !config.contains("imported_value"),
        "{config}"
    );
    let split = std::fs::read_to_string(site.join("content/episodes/001-split.md")).unwrap();
    assert!(
        split.contains("[[value.time_splits]]") && !split.contains("[extra.imported.value]"),
        "{split}"
    );
    let bad = std::fs::read_to_string(site.join("content/episodes/002-bad-node.md")).unwrap();
    assert!(!bad.contains("value"), "{bad}");
    let out = podsmith(&["build", "--root", "site"], tmp.path());
    assert!(out.status.success(), "{}", text(&out));
    let feed = std::fs::read_to_string(site.join("public/feed.xml")).unwrap();
    let channel = rss::Channel::read_from(feed.as_bytes()).unwrap();
    let value = |ext: &rss::extension::ExtensionMap| {
        ext.get("podcast")
            .and_then(|m| m.get("value"))
            .and_then(|v| v.first())
            .cloned()
    };
    let v = value(channel.extensions()).expect("the channel's podcast:value");
    assert_eq!(v.attrs().get("suggested").unwrap(), "0.00000005000");
    let recipients = &v.children()["valueRecipient"];
    assert_eq!(recipients.len(), 2);
    let host = &recipients[0];
    assert_eq!(host.attrs()["address"], NODE_A);
    assert_eq!(host.attrs()["split"], "90");
    assert_eq!(host.attrs()["customKey"], "696969");
    assert_eq!(host.attrs()["customValue"], "abc");
    assert_eq!(recipients[1].attrs()["fee"], "true");
    assert_eq!(recipients[1].attrs()["type"], "lnaddress");
    let item = |guid: &str| {
        channel
            .items()
            .iter()
            .find(|i| i.guid().unwrap().value() == guid)
            .unwrap()
            .clone()
    };
    let iv = value(item("g-split").extensions()).expect("the item's podcast:value");
    let ts = &iv.children()["valueTimeSplit"][0];
    assert_eq!(ts.attrs()["startTime"], "60");
    assert_eq!(ts.attrs()["duration"], "237.5");
    assert_eq!(ts.attrs()["remoteStartTime"], "3");
    assert_eq!(ts.attrs()["remotePercentage"], "95");
    let remote = &ts.children()["remoteItem"][0];
    assert_eq!(
        remote.attrs()["feedGuid"],
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    );
    assert_eq!(remote.attrs()["itemGuid"], "song-1");
    assert!(value(item("g-bad").extensions()).is_none());
}

const VTT: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello.\n";

/// A served feed whose items list transcripts: A's audio downloads whole,
/// B's is one byte short (so B keeps remote audio and recorded
/// transcripts).
fn transcript_server() -> (Server, String) {
    let mut files = HashMap::new();
    files.insert("/a.mp3".to_string(), SAMPLE_MP3.to_vec());
    files.insert("/b.mp3".to_string(), SAMPLE_MP3.to_vec());
    files.insert("/a.vtt".to_string(), VTT.as_bytes().to_vec());
    // Malformed: `->` for `-->`.
    files.insert(
        "/a.srt".to_string(),
        b"1\n00:00:00,000 -> 00:00:02,000\nHi\n".to_vec(),
    );
    files.insert("/a.txt".to_string(), b"Hello.".to_vec());
    let media = Server::start(files);
    let n = SAMPLE_MP3.len();
    let base = &media.base;
    let feed = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Transcribed</title><link>https://old.example.org/</link><description>Words.</description><language>en</language>
<item><title>A</title><guid isPermaLink="false">g-a</guid><pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate>
<enclosure url="{base}/a.mp3" length="{n}" type="audio/mpeg"/>
<podcast:transcript url="{base}/a.vtt" type="text/vtt" rel="captions"/>
<podcast:transcript url="{base}/a.srt" type="application/x-subrip" rel="captions"/>
<podcast:transcript url="{base}/a.txt" type="text/plain"/></item>
<item><title>B</title><guid isPermaLink="false">g-b</guid><pubDate>Tue, 03 Mar 2026 08:00:00 +0000</pubDate>
<enclosure url="{base}/b.mp3" length="{wrong}" type="audio/mpeg"/>
<podcast:transcript url="{base}/b.vtt" type="text/vtt" language="de" rel="captions"/>
<podcast:transcript url="{base}/b.txt" type="text/plain" rel="chapters"/>
<podcast:transcript url="ftp://old.example.org/b.srt" type="application/x-subrip"/></item>
</channel></rss>"#,
        wrong = n + 1
    );
    (media, feed)
}

#[test]
fn transcripts_are_downloaded_beside_the_audio_or_recorded_with_remote_audio() {
    let (server, feed) = transcript_server();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("feed.xml"), feed).unwrap();
    let out = podsmith(
        &["import", "feed.xml", "site", "--download-audio"],
        tmp.path(),
    );
    let t = text(&out);
    let site = tmp.path().join("site");
    // A: the WebVTT file is beside the audio; the malformed SubRip file
    // and the plain text one are reported and left out.
    assert_eq!(
        std::fs::read_to_string(site.join("static/media/001-a.vtt")).unwrap(),
        VTT
    );
    assert!(!site.join("static/media/001-a.srt").exists(), "{t}");
    assert!(
        t.contains("a.srt: it is not a valid srt file")
            && t.contains("a.txt (text/plain) is not a format podsmith publishes"),
        "{t}"
    );
    assert!(!server.requests().iter().any(|r| r.starts_with("/b.vtt")));
    // B keeps remote audio, and its transcripts as recorded; the ftp one
    // and the unknown rel are reported and left out.
    let b = std::fs::read_to_string(site.join("content/episodes/002-b.md")).unwrap();
    assert!(
        b.contains(&format!(
            "[[enclosure.transcripts]]\nurl = \"{}/b.vtt\"\ntype = \"text/vtt\"\nlanguage = \"de\"\nrel = \"captions\"\n",
            server.base
        )),
        "{b}"
    );
    assert!(!b.contains("ftp:") && !b.contains("chapters"), "{b}");
    assert!(
        t.contains("rel = \"chapters\" is not \"captions\": that attribute is left out")
            && t.contains("is not an http(s):// address: the transcript is left out"),
        "{t}"
    );
    let out = podsmith(&["build", "--root", "site"], tmp.path());
    assert!(out.status.success(), "{}", text(&out));
    let feed = std::fs::read_to_string(site.join("public/feed.xml")).unwrap();
    let channel = rss::Channel::read_from(feed.as_bytes()).unwrap();
    let transcripts = |guid: &str| -> Vec<Vec<(String, String)>> {
        let item = channel
            .items()
            .iter()
            .find(|i| i.guid().unwrap().value() == guid)
            .unwrap();
        item.extensions()["podcast"]["transcript"]
            .iter()
            .map(|e| {
                let mut a: Vec<(String, String)> = e
                    .attrs()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                a.sort();
                a
            })
            .collect()
    };
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    // A's is the new site's copy, published like any other transcript.
    assert_eq!(
        transcripts("g-a"),
        [vec![
            pair("language", "en"),
            pair("rel", "captions"),
            pair("type", "text/vtt"),
            pair("url", "https://old.example.org/media/001-a.vtt"),
        ]]
    );
    assert_eq!(
        std::fs::read_to_string(site.join("public/media/001-a.vtt")).unwrap(),
        VTT
    );
    assert_eq!(
        transcripts("g-b"),
        [
            vec![
                pair("language", "de"),
                pair("rel", "captions"),
                pair("type", "text/vtt"),
                pair("url", &format!("{}/b.vtt", server.base)),
            ],
            vec![
                pair("type", "text/plain"),
                pair("url", &format!("{}/b.txt", server.base)),
            ]
        ]
    );
    let page = std::fs::read_to_string(site.join("public/episodes/002-b/index.html")).unwrap();
    assert!(
        page.contains(&format!("{}/b.vtt", server.base)),
        "the page links the transcript"
    );
}

#[test]
fn recorded_transcripts_are_strict() {
    let site = FixtureSite::new(BASIC_CONFIG);
    let episode = |extra: &str| {
        format!("+++\ntitle = \"Remote\"\ndate = 2026-01-01T08:00:00Z\nguid = \"r-1\"\n\n[enclosure]\nurl = \"https://cdn.example.org/r.mp3\"\nlength = 1234\ntype = \"audio/mpeg\"\n\n[[enclosure.transcripts]]\nurl = \"https://cdn.example.org/r.vtt\"\ntype = \"text/vtt\"\n{extra}+++\nNotes.\n")
    };
    site.write(
        "content/episodes/001-remote.md",
        &episode("lang = \"en\"\n"),
    );
    let err = site.build_err();
    assert!(
        err.contains("001-remote.md:14:1") && err.contains("lang"),
        "{err}"
    );
    site.write(
        "content/episodes/001-remote.md",
        &episode("rel = \"chapters\"\n"),
    );
    let err = site.build_err();
    assert!(
        err.contains("001-remote.md:14:") && err.contains("is not \"captions\""),
        "{err}"
    );
    site.write(
        "content/episodes/001-remote.md",
        &episode("language = \"en\"\n").replace("https://cdn.example.org/r.vtt", "r.vtt"),
    );
    let err = site.build_err();
    assert!(
        err.contains("001-remote.md:12:") && err.contains("not an http(s)://"),
        "{err}"
    );
    site.write(
        "content/episodes/001-remote.md",
        &episode("language = \"en\"\nrel = \"captions\"\n"),
    );
    site.build_ok();
    let feed = site.read_out("feed.xml");
    assert!(
        feed.contains("<podcast:transcript language=\"en\" rel=\"captions\" type=\"text/vtt\" url=\"https://cdn.example.org/r.vtt\">"),
        "{feed}"
    );
}

#[test]
fn a_remote_image_is_published_as_is_reported_by_check_and_not_embedded_by_tag() {
    let remote = "https://cdn.example.org/art/cover.jpg?v=2";
    let site = FixtureSite::new(
        &BASIC_CONFIG.replace("image = \"cover.png\"", &format!("image = \"{remote}\"")),
    );
    site.write_bytes("static/media/one.mp3", SAMPLE_MP3);
    site.write(
        "content/episodes/001-one.md",
        &common::episode("One", 1, "one.mp3"),
    );
    site.write(
        "content/episodes/002-two.md",
        "+++\ntitle = \"Two\"\ndate = 2026-01-02T08:00:00Z\nguid = \"guid-2\"\nimage = \"https://cdn.example.org/art/two.png\"\n\n[enclosure]\nurl = \"https://cdn.example.org/two.mp3\"\nlength = 1\ntype = \"audio/mpeg\"\n+++\nNotes.\n",
    );
    site.build_ok();
    let feed = site.read_out("feed.xml");
    let channel = rss::Channel::read_from(feed.as_bytes()).unwrap();
    assert_eq!(channel.itunes_ext().unwrap().image(), Some(remote));
    assert_eq!(channel.image().unwrap().url(), remote);
    let item_image = |guid: &str| {
        channel
            .items()
            .iter()
            .find(|i| i.guid().unwrap().value() == guid)
            .and_then(|i| i.itunes_ext()?.image().map(str::to_string))
    };
    assert_eq!(item_image("guid-1").as_deref(), Some(remote));
    assert_eq!(
        item_image("guid-2").as_deref(),
        Some("https://cdn.example.org/art/two.png")
    );
    let index = site.read_out("index.html");
    assert!(
        index.contains("src=\"https://cdn.example.org/art/cover.jpg?v=2\""),
        "{index}"
    );
    // check says what it cannot check, for the show and the episode.
    let out = site.run(&["check"]);
    let t = text(&out);
    assert!(
        t.contains("the cover art is a remote image (https://cdn.example.org/art/cover.jpg?v=2): podsmith cannot check its size")
            && t.contains("002-two.md: the episode's image is a remote image"),
        "{t}"
    );
    // tag skips it, saying so, and tags the rest.
    let out = site.run(&["tag"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains(
            "cover art not embedded: https://cdn.example.org/art/cover.jpg?v=2 is a remote image"
        ),
        "{t}"
    );
    let tag = id3::Tag::read_from_path(site.path("static/media/one.mp3")).unwrap();
    assert_eq!(tag.pictures().count(), 0);
    assert_eq!(
        id3::TagLike::title(&tag),
        Some("One"),
        "the other frames are written"
    );
    // A local image keeps every check: a missing file stops the build.
    site.write(
        "podcast.toml",
        &BASIC_CONFIG.replace("image = \"cover.png\"", "image = \"missing.png\""),
    );
    let err = site.build_err();
    assert!(err.contains("missing.png"), "{err}");
    // A remote address with a space is refused, naming the line.
    site.write(
        "podcast.toml",
        &BASIC_CONFIG.replace(
            "image = \"cover.png\"",
            "image = \"https://cdn.example.org/a b.jpg\"",
        ),
    );
    let err = site.build_err();
    assert!(
        err.contains("podcast.toml:6:") && err.contains("no spaces"),
        "{err}"
    );
}

#[test]
fn cover_art_that_cannot_be_downloaded_is_recorded_as_a_remote_image() {
    let s = Server::start(HashMap::new());
    let tmp = tempfile::tempdir().unwrap();
    let feed = served_feed(&s.base);
    std::fs::write(tmp.path().join("feed.xml"), feed).unwrap();
    let out = podsmith(&["import", "feed.xml", "site"], tmp.path());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("recorded as a remote image"), "{t}");
    let site = tmp.path().join("site");
    let config = std::fs::read_to_string(site.join("podcast.toml")).unwrap();
    let cover = format!("{}/cover.png", s.base);
    assert!(
        config.contains(&format!("\nimage = \"{cover}\"\n")),
        "{config}"
    );
    let a = std::fs::read_to_string(site.join("content/episodes/001-episode-a.md")).unwrap();
    assert!(
        a.contains(&format!("image = \"{}/art-a.png\"", s.base)) && !a.contains("image_url"),
        "{a}"
    );
    let out = podsmith(&["build", "--root", "site"], tmp.path());
    assert!(out.status.success(), "{}", text(&out));
    let feed = std::fs::read_to_string(site.join("public/feed.xml")).unwrap();
    assert!(
        feed.contains(&format!("<itunes:image href=\"{cover}\"")),
        "{feed}"
    );
}
