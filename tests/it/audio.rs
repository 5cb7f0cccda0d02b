//! Checks the audio reader against the committed fixtures (made by
//! tests/fixtures/audio/make.sh; the truth in expected.tsv comes from ffmpeg).

use crate::common;

use podsmith::audio::{mp3_details, probe, AudioCache};
use std::fs;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

struct Expected {
    file: String,
    size: u64,
    mime: String,
    duration: Option<f64>,
}

fn expected() -> Vec<Expected> {
    let text = fs::read_to_string(fixture("expected.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Expected {
                file: c[0].to_string(),
                size: c[1].parse().unwrap(),
                mime: c[2].to_string(),
                duration: c[3].parse().ok(),
            }
        })
        .collect()
}

fn expected_duration(file: &str) -> f64 {
    expected()
        .into_iter()
        .find(|e| e.file == file)
        .and_then(|e| e.duration)
        .unwrap()
}

#[test]
fn every_fixture_matches_ffmpeg() {
    let mut report = String::new();
    for e in expected() {
        let path = fixture(&e.file);
        assert_eq!(fs::metadata(&path).unwrap().len(), e.size, "{}", e.file);
        let got = probe(&path);
        match (e.mime.as_str(), got) {
            ("error", Err(err)) => {
                assert!(err.message.contains(&e.file), "{err}");
                report.push_str(&format!("{}: error: {}\n", e.file, err.message));
            }
            ("error", Ok(info)) => panic!("{}: expected an error, got {info:?}", e.file),
            (_, Err(err)) => panic!("{}: {err}", e.file),
            (mime, Ok(info)) => {
                let want = e.duration.unwrap();
                report.push_str(&format!(
                    "{}: {:.6} (ffmpeg {:.6}, diff {:+.4})\n",
                    e.file,
                    info.duration,
                    want,
                    info.duration - want
                ));
                assert_eq!(info.size, e.size, "{}", e.file);
                assert_eq!(info.mime, mime, "{}", e.file);
                assert!(
                    (info.duration - want).abs() < 0.5,
                    "{}: {} vs {}",
                    e.file,
                    info.duration,
                    want
                );
            }
        }
    }
    println!("{report}");
}

/// MP3s with a LAME/Lavf tag or none at all come out to the sample.
#[test]
fn mp3_durations_are_sample_exact() {
    for f in [
        "cbr64-mono.mp3",
        "vbr-v5-xing.mp3",
        "vbr-v5-noxing.mp3",
        "mpeg2-22k.mp3",
        "mpeg2-16k-noxing.mp3",
        "mpeg25-8k.mp3",
        "mpeg25-11k-noxing.mp3",
        "big-cover.mp3",
        "chapters.mp3",
        "corrupt-id3.mp3",
    ] {
        let got = probe(&fixture(f)).unwrap().duration;
        let want = expected_duration(f);
        assert!((got - want).abs() < 0.001, "{f}: {got} vs {want}");
    }
}

#[test]
fn trusted_headers_are_used_and_others_scanned() {
    assert_eq!(
        mp3_details(&fixture("vbr-v5-xing.mp3")).unwrap().method,
        "header"
    );
    assert_eq!(
        mp3_details(&fixture("cbr64-mono.mp3")).unwrap().method,
        "header"
    );
    assert_eq!(
        mp3_details(&fixture("chapters.mp3")).unwrap().method,
        "header"
    );
    for f in [
        "vbr-v5-noxing.mp3",
        "big-cover.mp3",
        "mpeg25-11k-noxing.mp3",
    ] {
        assert_eq!(mp3_details(&fixture(f)).unwrap().method, "scan", "{f}");
    }
}

/// The header shortcut and the full frame walk agree on the sample.
#[test]
fn header_agrees_with_scan() {
    for f in ["cbr64-mono.mp3", "vbr-v5-xing.mp3", "chapters.mp3"] {
        let header = mp3_details(&fixture(f)).unwrap();
        // Appending a byte breaks the byte count, so the file is scanned.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(f);
        let mut data = fs::read(fixture(f)).unwrap();
        data.push(0);
        fs::write(&p, data).unwrap();
        let scan = mp3_details(&p).unwrap();
        assert_eq!(scan.method, "scan");
        assert_eq!(header.frames, scan.frames, "{f}");
        assert!((header.duration - scan.duration).abs() < 1e-9, "{f}");
    }
}

#[test]
fn bad_files_give_helpful_errors() {
    let msg = |f: &str| probe(&fixture(f)).unwrap_err().to_string();
    let m = msg("empty.mp3");
    assert!(m.contains("empty.mp3") && m.contains("empty"), "{m}");
    let m = msg("png-renamed.mp3");
    assert!(
        m.contains("PNG image") && m.contains("png-renamed.mp3"),
        "{m}"
    );
    let m = msg("ogg-renamed.mp3");
    assert!(m.contains("Ogg") && m.contains(".ogg"), "{m}");
    let m = msg("truncated.mp3");
    assert!(m.contains("cut short") && m.contains("re-export"), "{m}");
}

#[test]
fn junk_and_corrupt_tags_are_warnings() {
    let info = probe(&fixture("junk-between-frames.mp3")).unwrap();
    assert!(
        info.warnings.iter().any(|w| w.contains("junk")),
        "{:?}",
        info.warnings
    );
    let info = probe(&fixture("corrupt-id3.mp3")).unwrap();
    assert!(
        info.warnings.iter().any(|w| w.contains("ID3")),
        "{:?}",
        info.warnings
    );
    let clean = probe(&fixture("vbr-v5-noxing.mp3")).unwrap();
    assert!(clean.warnings.is_empty(), "{:?}", clean.warnings);
}

/// Cutting any fixture anywhere, or flipping bytes, never panics.
#[test]
fn damaged_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    for e in expected() {
        let data = fs::read(fixture(&e.file)).unwrap();
        let p = dir.path().join(&e.file);
        let step = (data.len() / 37).max(1);
        for cut in (0..data.len())
            .step_by(step)
            .chain([1, 2, 3, 4, 9, 10, 11, 127, 128])
        {
            fs::write(&p, &data[..cut.min(data.len())]).unwrap();
            let _ = probe(&p);
        }
        let mut seed = 0x2545_f491_u64;
        for _ in 0..20 {
            let mut d = data.clone();
            for _ in 0..16 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                if !d.is_empty() {
                    let i = (seed as usize) % d.len().min(4096.max(d.len() / 8));
                    d[i] = (seed >> 32) as u8;
                }
            }
            fs::write(&p, &d).unwrap();
            let _ = probe(&p);
        }
    }
}

#[test]
fn tags_and_cover() {
    let info = probe(&fixture("big-cover.mp3")).unwrap();
    let t = &info.tags;
    assert_eq!(t.title.as_deref(), Some("Big Cover Episode"));
    assert_eq!(t.artist.as_deref(), Some("Podsmith Tester"));
    assert_eq!(t.album.as_deref(), Some("Fixtures"));
    assert_eq!(t.year, Some(2024));
    assert_eq!(t.track, Some(7));
    assert_eq!(t.comment.as_deref(), Some("cover test"));
    let c = t.cover.as_ref().unwrap();
    assert_eq!(c.mime, "image/png");
    assert_eq!((c.width, c.height), (Some(330), Some(330)));
    assert!(c.bytes > 300_000, "{}", c.bytes);
}

#[test]
fn chapters_written_by_ffmpeg() {
    let info = probe(&fixture("chapters.mp3")).unwrap();
    let titles: Vec<_> = info
        .chapters
        .iter()
        .map(|c| (c.start, c.end, c.title.clone().unwrap()))
        .collect();
    assert_eq!(
        titles,
        vec![
            (0.0, Some(2.0), "Intro".to_string()),
            (2.0, Some(5.0), "Main part".to_string()),
            (5.0, Some(8.0), "Goodbye".to_string()),
        ]
    );
    assert_eq!(info.tags.title.as_deref(), Some("Chapters Episode"));
}

fn chap(id: &str, start: u32, end: u32, title: &str, url: Option<&str>) -> id3::frame::Chapter {
    let mut frames = vec![id3::Frame::text("TIT2", title)];
    if let Some(u) = url {
        frames.push(id3::Frame::with_content(
            "WXXX",
            id3::Content::ExtendedLink(id3::frame::ExtendedLink {
                description: String::new(),
                link: u.to_string(),
            }),
        ));
    }
    id3::frame::Chapter {
        element_id: id.to_string(),
        start_time: start,
        end_time: end,
        start_offset: u32::MAX,
        end_offset: u32::MAX,
        frames,
    }
}

#[test]
fn chapters_written_with_id3_crate() {
    use id3::TagLike;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ep.mp3");
    fs::copy(fixture("vbr-v5-noxing.mp3"), &p).unwrap();
    let mut tag = id3::Tag::new();
    tag.set_title("Chaptered");
    // Stored out of order, no table of contents: sorted by start.
    tag.add_frame(chap("chp0", 0, 3000, "One", Some("https://example.com/1")));
    tag.add_frame(chap("chp2", 8000, 12000, "Three", None));
    tag.add_frame(chap("chp1", 3000, 8000, "Two", None));
    tag.write_to_path(&p, id3::Version::Id3v24).unwrap();
    let info = probe(&p).unwrap();
    let got: Vec<_> = info
        .chapters
        .iter()
        .map(|c| c.title.clone().unwrap())
        .collect();
    assert_eq!(got, ["One", "Two", "Three"]);
    assert_eq!(
        info.chapters[0].url.as_deref(),
        Some("https://example.com/1")
    );
    assert_eq!(info.chapters[2].start, 8.0);
    assert_eq!(info.chapters[2].end, Some(12.0));
    assert!((info.duration - expected_duration("vbr-v5-noxing.mp3")).abs() < 0.001);

    // With a CTOC, its order wins.
    tag.add_frame(id3::frame::TableOfContents {
        element_id: "toc".to_string(),
        top_level: true,
        ordered: true,
        elements: vec!["chp2".into(), "chp0".into(), "chp1".into()],
        frames: Vec::new(),
    });
    tag.write_to_path(&p, id3::Version::Id3v24).unwrap();
    let info = probe(&p).unwrap();
    let got: Vec<_> = info
        .chapters
        .iter()
        .map(|c| c.title.clone().unwrap())
        .collect();
    assert_eq!(got, ["Three", "One", "Two"]);
}

/// Raw frames of a header-less VBR fixture repeated into a one-hour file.
pub fn build_long_mp3(path: &Path, min_secs: f64) -> (f64, usize) {
    let frames = fs::read(fixture("vbr-v5-noxing.mp3")).unwrap();
    let one = expected_duration("vbr-v5-noxing.mp3");
    let n = (min_secs / one).ceil() as usize;
    let mut out = Vec::with_capacity(frames.len() * n + 128);
    for _ in 0..n {
        out.extend_from_slice(&frames);
    }
    let mut v1 = vec![0u8; 128];
    v1[..3].copy_from_slice(b"TAG");
    v1[3..8].copy_from_slice(b"Long!");
    out.extend_from_slice(&v1);
    fs::write(path, &out).unwrap();
    (one * n as f64, out.len())
}

#[test]
fn one_hour_headerless_vbr() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hour.mp3");
    let (want, size) = build_long_mp3(&p, 3600.0);
    let t = std::time::Instant::now();
    let info = probe(&p).unwrap();
    println!(
        "one hour: {:.3} s (want {want:.3}), {} bytes, {:?}",
        info.duration,
        size,
        t.elapsed()
    );
    assert!(info.duration >= 3600.0);
    // Frames are counted exactly, so this is far inside the 0.5 s aim.
    assert!(
        (info.duration - want).abs() < 0.001,
        "{} vs {want}",
        info.duration
    );
    assert_eq!(info.size, size as u64);
    assert_eq!(info.tags.title.as_deref(), Some("Long!"));
    assert!(info.warnings.is_empty(), "{:?}", info.warnings);
}

/// Symphonia's packet scan (sum of packet durations minus LAME delay and
/// padding) as an independent check of our frame walker.
fn symphonia_duration(path: &Path) -> f64 {
    use symphonia::core::formats::probe::Hint;
    use symphonia::core::formats::{FormatOptions, TrackType};
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    let mss = MediaSourceStream::new(Box::new(fs::File::open(path).unwrap()), Default::default());
    let ext = path.extension().unwrap().to_str().unwrap();
    let mut hint = Hint::new();
    hint.with_extension(ext);
    let mut fmt = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .unwrap();
    let t = fmt.default_track(TrackType::Audio).unwrap();
    let (id, tb) = (t.id, t.time_base.unwrap());
    let trim = u64::from(t.delay.unwrap_or(0)) + u64::from(t.padding.unwrap_or(0));
    let (mut raw, mut trimmed) = (0u64, 0u64);
    while let Ok(Some(pkt)) = fmt.next_packet() {
        if pkt.track_id == id {
            raw += pkt.dur.get();
            trimmed += pkt
                .dur
                .get()
                .saturating_sub(pkt.trim_start.get() + pkt.trim_end.get());
        }
    }
    // MP3: raw sum minus LAME delay/padding (its trimming relies on the
    // header's frame count). M4A/Ogg: the demuxer-trimmed sum.
    let ticks = if ext == "mp3" {
        raw.saturating_sub(trim)
    } else {
        trimmed
    };
    ticks as f64 * f64::from(tb.numer.get()) / f64::from(tb.denom.get())
}

#[test]
fn frame_walker_agrees_with_symphonia() {
    for f in [
        "cbr64-mono.mp3",
        "vbr-v5-xing.mp3",
        "vbr-v5-noxing.mp3",
        "mpeg2-22k.mp3",
        "mpeg2-16k-noxing.mp3",
        "mpeg25-8k.mp3",
        "mpeg25-11k-noxing.mp3",
        "big-cover.mp3",
        "chapters.mp3",
        "junk-between-frames.mp3",
        "aac.m4a",
        "opus.opus",
        "vorbis.ogg",
    ] {
        let ours = probe(&fixture(f)).unwrap().duration;
        let theirs = symphonia_duration(&fixture(f));
        println!("{f}: ours {ours:.6} symphonia {theirs:.6}");
        assert!((ours - theirs).abs() < 0.1, "{f}: {ours} vs {theirs}");
    }
}

#[test]
fn cache_hits_misses_and_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join(".podsmith-cache");
    let audio = dir.path().join("ep.mp3");
    fs::copy(fixture("cbr64-mono.mp3"), &audio).unwrap();
    let mtime = fs::metadata(&audio).unwrap().modified().unwrap();

    let cache = AudioCache::open(&cache_dir);
    let cold = cache.get(&audio).unwrap();
    assert_eq!(cold, probe(&audio).unwrap());
    cache.save().unwrap();
    assert!(cache.file().exists());

    // Warm: same size and mtime, so the file is not read. Prove it by
    // swapping the content for a PNG of the same size with the same mtime.
    let cache = AudioCache::open(&cache_dir);
    assert_eq!(cache.len(), 1);
    let size = fs::metadata(&audio).unwrap().len() as usize;
    let mut png = fs::read(fixture("png-renamed.mp3")).unwrap();
    png.resize(size, 0);
    fs::write(&audio, &png).unwrap();
    fs::File::options()
        .write(true)
        .open(&audio)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(cache.get(&audio).unwrap(), cold);

    // Nothing changed: save does not write.
    fs::remove_file(cache.file()).unwrap();
    cache.save().unwrap();
    assert!(!cache.file().exists());

    // A new mtime: probed again (and now it is a PNG).
    fs::File::options()
        .write(true)
        .open(&audio)
        .unwrap()
        .set_modified(mtime + std::time::Duration::from_secs(5))
        .unwrap();
    assert!(cache.get(&audio).is_err());

    // A new size: probed again.
    fs::copy(fixture("vbr-v5-xing.mp3"), &audio).unwrap();
    fs::File::options()
        .write(true)
        .open(&audio)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let info = cache.get(&audio).unwrap();
    assert_eq!(info.size, 119_118);
    cache.save().unwrap();
    assert_eq!(AudioCache::open(&cache_dir).get(&audio).unwrap(), info);

    // Garbage and other versions are ignored, then rebuilt.
    for junk in [
        &b"{not json"[..],
        br#"{"format":"podsmith-audio-cache","version":999,"entries":{}}"#,
        b"",
        &[0xFF, 0xFE, 0x00][..],
    ] {
        fs::write(cache_dir.join("audio.json"), junk).unwrap();
        let cache = AudioCache::open(&cache_dir);
        assert!(cache.is_empty());
        assert_eq!(cache.get(&audio).unwrap(), info);
        cache.save().unwrap();
        assert_eq!(AudioCache::open(&cache_dir).len(), 1);
    }
}

#[test]
fn a_kept_cache_knows_when_its_file_was_written_by_someone_else() {
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join(".podsmith-cache");
    let audio = dir.path().join("ep.mp3");
    fs::copy(fixture("cbr64-mono.mp3"), &audio).unwrap();

    let kept = AudioCache::open(&cache_dir);
    assert!(!kept.is_current(), "no file yet: nothing to trust");
    kept.get(&audio).unwrap();
    kept.save().unwrap();
    assert!(kept.is_current(), "the file it wrote itself");

    // Another build adds an entry and writes the file: the kept cache
    // must be read again, or it would write the file back without it.
    let other = AudioCache::open(&cache_dir);
    let second = dir.path().join("second.mp3");
    fs::copy(fixture("vbr-v5-xing.mp3"), &second).unwrap();
    other.get(&second).unwrap();
    other.save().unwrap();
    assert!(other.is_current());
    assert!(!kept.is_current());
    assert_eq!(AudioCache::open(&cache_dir).len(), 2);

    fs::remove_file(other.file()).unwrap();
    assert!(!other.is_current(), "a removed file");
}

#[test]
fn cache_from_many_threads() {
    use rayon::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = (0..40)
        .map(|i| {
            let p = dir.path().join(format!("ep{i}.mp3"));
            let src = if i % 2 == 0 {
                "vbr-v5-noxing.mp3"
            } else {
                "big-cover.mp3"
            };
            fs::copy(fixture(src), &p).unwrap();
            p
        })
        .collect();
    let cache = AudioCache::open(&dir.path().join("cache"));
    let a: Vec<_> = files.par_iter().map(|p| cache.get(p).unwrap()).collect();
    let b: Vec<_> = files.par_iter().map(|p| cache.get(p).unwrap()).collect();
    assert_eq!(a, b);
    assert_eq!(cache.len(), 40);
    cache.save().unwrap();
    assert_eq!(AudioCache::open(&dir.path().join("cache")).len(), 40);
}

/// Found by `cargo fuzz run id3_chapters` (docs/fuzzing.md): an ID3v2.3 frame
/// header declares ~2.7 GB, and the `id3` crate allocates a buffer of that
/// size (id3-1.17.2 src/stream/frame/v3.rs:57) before reading. podsmith now
/// cuts the tag before such a frame (`audio::id3tags::bounded_tag`) and warns.
#[test]
fn fuzz_id3_frame_size_larger_than_tag_does_not_allocate_it() {
    // The input the fuzzer found: a tag and no audio. It must end in the
    // ordinary "no audio" error, not an abort.
    let found =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/id3-huge-frame-size.mp3");
    let err = probe(&found).unwrap_err();
    assert!(
        err.to_string().contains("no readable MP3 audio frames"),
        "{err}"
    );

    // The same damage in front of real audio: the frames before the bad one
    // are kept, the audio is read, and the warning names the frame.
    let clean = fs::read(fixture("cbr64-mono.mp3")).unwrap();
    let file = common::mp3_with_oversized_id3_frame(&clean);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.mp3");
    fs::write(&path, &file).unwrap();

    let info = probe(&path).expect("the audio after a damaged tag is still read");
    assert_eq!(info.size, file.len() as u64);
    assert_eq!(info.tags.title.as_deref(), Some("Kept."));
    assert!(
        info.warnings
            .iter()
            .any(|w| w.contains("frame `APIC` claims 2684354560 bytes")),
        "{:?}",
        info.warnings
    );
    let reference = probe(&fixture("cbr64-mono.mp3")).unwrap();
    assert!((info.duration - reference.duration).abs() < 1e-9);
}

/// Found by `cargo fuzz run audio_probe` and `id3_chapters`: an ID3 tag
/// whose end is followed by another "ID3" made the content sniffer recurse
/// until the stack overflowed. Both inputs now end in an ordinary answer.
#[test]
fn fuzz_id3_tag_after_id3_tag_does_not_overflow_the_stack() {
    for name in ["id3-after-id3.mp3", "id3-chain.mp3"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz")
            .join(name);
        // A thread with a small stack, so a recursion shows at once.
        let outcome = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || probe(&path).map(|_| ()).map_err(|e| e.to_string()))
            .unwrap()
            .join()
            .expect("no panic and no stack overflow");
        if let Err(e) = outcome {
            assert!(e.contains(name), "{e}");
        }
    }
}

/// Found by `cargo fuzz run id3_chapters` and `audio_probe` after the fix
/// above: a frame embedded in a CHAP frame claims ~2.3 GB, and the `id3`
/// crate decodes embedded frames the same way. The chapter is left out and
/// the warning says why; the rest of the tag and the audio are read.
#[test]
fn fuzz_chapter_subframe_size_larger_than_chapter_is_left_out() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let info = probe(&dir.join("chap-subframe-huge.mp3")).expect("the audio is fine");
    assert!(
        info.warnings
            .iter()
            .any(|w| w.contains("claims") && w.contains("its `CHAP` frame")),
        "{:?}",
        info.warnings
    );
    assert_eq!(info.tags.title.as_deref(), Some("Chapters Episode"));
    assert!(info.duration > 1.0);
    // The second input has no audio after its tag: the ordinary error.
    let err = probe(&dir.join("chap-subframe-huge-short.mp3")).unwrap_err();
    assert!(
        err.to_string().contains("no readable MP3 audio frames"),
        "{err}"
    );
}
