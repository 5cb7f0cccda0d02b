//! `cargo bench --bench audio`: cold/warm time per file over 1,000 copies of
//! fixtures, and frame-scan speed on a ~60 MB header-less VBR MP3 (ours vs
//! symphonia's packet scan). Plain std::time; prints medians of 5 runs.

use podsmith::audio::{mp3_details, probe, AudioCache};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn copies(dir: &Path, src: &str, n: usize) -> Vec<PathBuf> {
    let sub = dir.join(src.replace('.', "_"));
    fs::create_dir_all(&sub).unwrap();
    (0..n)
        .map(|i| {
            let p = sub.join(format!("ep{i:04}.mp3"));
            fs::copy(fixture(src), &p).unwrap();
            p
        })
        .collect()
}

fn symphonia_scan(path: &Path) -> f64 {
    use symphonia::core::formats::probe::Hint;
    use symphonia::core::formats::{FormatOptions, TrackType};
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    let mss = MediaSourceStream::new(Box::new(fs::File::open(path).unwrap()), Default::default());
    let mut hint = Hint::new();
    hint.with_extension("mp3");
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
    let mut raw = 0u64;
    while let Ok(Some(pkt)) = fmt.next_packet() {
        if pkt.track_id == id {
            raw += pkt.dur.get();
        }
    }
    raw as f64 * f64::from(tb.numer.get()) / f64::from(tb.denom.get())
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    println!("podsmith audio bench: medians of {RUNS} runs, files in the page cache");
    for src in ["vbr-v5-xing.mp3", "vbr-v5-noxing.mp3", "big-cover.mp3"] {
        let files = copies(dir.path(), src, 1000);
        let cold = median(
            (0..RUNS)
                .map(|_| {
                    let t = Instant::now();
                    for p in &files {
                        probe(p).unwrap();
                    }
                    t.elapsed()
                })
                .collect(),
        );
        let cache_dir = dir.path().join("cache");
        let cache = AudioCache::open(&cache_dir);
        for p in &files {
            cache.get(p).unwrap();
        }
        let warm = median(
            (0..RUNS)
                .map(|_| {
                    let t = Instant::now();
                    for p in &files {
                        cache.get(p).unwrap();
                    }
                    t.elapsed()
                })
                .collect(),
        );
        let method = mp3_details(&files[0]).unwrap().method;
        let sym = median(
            (0..RUNS)
                .map(|_| {
                    let t = Instant::now();
                    for p in &files[..200] {
                        symphonia_scan(p);
                    }
                    t.elapsed()
                })
                .collect(),
        );
        println!(
            "{src:<20} symphonia probe + packet scan: {:>8.1} us/file",
            sym.as_secs_f64() * 1e6 / 200.0
        );
        println!(
            "{src:<20} ({method:<6}) 1000 files: cold {:>8.1} us/file, warm {:>6.2} us/file",
            cold.as_secs_f64() * 1e6 / 1000.0,
            warm.as_secs_f64() * 1e6 / 1000.0
        );
    }

    // ~60 MB header-less VBR: raw frames of a fixture repeated.
    let frames = fs::read(fixture("vbr-v5-noxing.mp3")).unwrap();
    let n = 60_000_000 / frames.len() + 1;
    let big = dir.path().join("big.mp3");
    fs::write(&big, frames.repeat(n)).unwrap();
    let mb = fs::metadata(&big).unwrap().len() as f64 / 1e6;
    let mut secs = 0.0;
    let ours = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let d = mp3_details(&big).unwrap();
                assert_eq!(d.method, "scan");
                secs = d.duration;
                t.elapsed()
            })
            .collect(),
    );
    println!(
        "frame scan (ours)      {mb:.1} MB, {secs:.1} s of audio: {:>7.1} ms = {:>6.0} MB/s",
        ours.as_secs_f64() * 1e3,
        mb / ours.as_secs_f64()
    );
    let sym = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                secs = symphonia_scan(&big);
                t.elapsed()
            })
            .collect(),
    );
    println!(
        "packet scan (symphonia) {mb:.1} MB, {secs:.1} s of audio: {:>7.1} ms = {:>6.0} MB/s",
        sym.as_secs_f64() * 1e3,
        mb / sym.as_secs_f64()
    );
}
