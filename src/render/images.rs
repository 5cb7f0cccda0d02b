//! Responsive images: the show's cover (and episodes' own images) made at 160, 320 and 640 px wide
//! (and its own size, up to 1400 px) under `assets/img/`, so that a 44 px
//! logo does not load a 1400 px picture: as JPEG (quality 85) from a JPEG
//! or an opaque PNG, as PNG and lossless WebP from a PNG with transparency
//! (the `image` crate writes lossless WebP only, which is larger than JPEG
//! for a picture without transparency, so such a cover gets no WebP). A
//! copy is made only while it is smaller than the original, which stays the
//! largest choice in `srcset`. Link previews (`og:image`) and the feed keep the
//! original. Made with the `image` crate and kept in
//! `.podsmith-cache/images/` between builds, by the source's hash.

use crate::emit::{emit, Emitter};
use crate::error::Result;
use serde::Serialize;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The widths made, when the source is at least that wide.
pub const WIDTHS: [u32; 4] = [160, 320, 640, 1400];

/// Where made images are kept between builds, in the site's cache folder.
const CACHE: &str = "images";

/// One picture's variants, as templates see it (`site.cover`).
#[derive(Debug, Clone, Serialize)]
pub struct Responsive {
    /// The smallest fallback (PNG or JPEG), for `src`.
    pub src: String,
    /// `URL 160w, URL 320w, ...` of the fallback kind.
    pub srcset: String,
    /// The same in WebP, or empty when WebP is not smaller (JPEG sources).
    pub srcset_webp: String,
    /// The fallback's type: `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// The copies to write: path in the output, bytes.
    #[serde(skip)]
    files: Vec<(String, Arc<Vec<u8>>)>,
}

/// The variants of the image at `source` (a file under `static/`, `rel`
/// its path there), or none when it is not a PNG or JPEG podsmith can size.
/// Each answer is kept while the file's size and time are the same (every
/// episode's value asks for the cover); one image is made once even when
/// pages ask for it at the same time, different images side by side.
pub fn plan(source: &Path, rel: &str, base_url: &str, cache_dir: &Path) -> Option<Responsive> {
    type Key = (PathBuf, String, String, u64, Option<std::time::SystemTime>);
    type Cell = Arc<std::sync::OnceLock<Option<Responsive>>>;
    static KEPT: std::sync::Mutex<Option<std::collections::HashMap<Key, Cell>>> =
        std::sync::Mutex::new(None);
    let meta = std::fs::metadata(source).ok()?;
    let key = (
        source.to_path_buf(),
        rel.to_string(),
        base_url.to_string(),
        meta.len(),
        meta.modified().ok(),
    );
    let cell: Cell = {
        let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
        let map = kept.get_or_insert_with(Default::default);
        // A changed file's older answers go.
        map.retain(|k, _| k.0 != key.0 || *k == key);
        map.entry(key).or_default().clone()
    };
    cell.get_or_init(|| plan_uncached(source, rel, base_url, cache_dir))
        .clone()
}

fn plan_uncached(source: &Path, rel: &str, base_url: &str, cache_dir: &Path) -> Option<Responsive> {
    let kind = Path::new(rel).extension()?.to_str()?.to_ascii_lowercase();
    let bytes = std::fs::read(source).ok()?;
    let (width, alpha) = match kind.as_str() {
        "png" => {
            let header = crate::feed::image::read_header(&bytes).ok()?;
            (header.width, header.alpha)
        }
        "jpg" | "jpeg" => (imagesize::blob_size(&bytes).ok()?.width as u32, false),
        _ => return None,
    };
    let (ext, mime) = if alpha {
        ("png", "image/png")
    } else {
        ("jpg", "image/jpeg")
    };
    // The file's name, and a hash of its path: two images of one name in
    // different folders get different copies.
    let stem = format!(
        "{}-{:08x}",
        crate::slug::slugify(
            Path::new(rel)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("image"),
        ),
        xxhash_rust::xxh3::xxh3_64(rel.as_bytes()) as u32
    );
    let hash = xxhash_rust::xxh3::xxh3_128(&bytes);
    let mut decoded: Option<image::DynamicImage> = None;
    let mut made = |w: u32, kind: &str| -> Option<Arc<Vec<u8>>> {
        let cached = cache_dir
            .join(CACHE)
            .join(format!("{hash:032x}-{w}.{kind}"));
        if let Ok(bytes) = std::fs::read(&cached) {
            return Some(Arc::new(bytes));
        }
        if decoded.is_none() {
            decoded = Some(image::load_from_memory(&bytes).ok()?);
        }
        let out = crate::timed("  image copy", || encode(decoded.as_ref()?, w, kind).ok())?;
        // Written whole: a half-written copy would be published by the next
        // build. The cache only saves time: a failure to keep it is not an
        // error.
        let _ = crate::cache_file::write_whole(&cached, &out);
        Some(Arc::new(out))
    };
    // A copy is kept only while it is smaller than the original (a flat
    // drawing in PNG may be smaller at 1400 px than a photo-like JPEG at 640).
    let mut fallback = Vec::new();
    let mut webp = Vec::new();
    for w in WIDTHS.iter().copied().filter(|w| *w < width) {
        let Some(file) = made(w, ext) else { break };
        if file.len() >= bytes.len() {
            break;
        }
        if alpha {
            if let Some(small) = made(w, "webp") {
                webp.push((w, small));
            }
        }
        fallback.push((w, file));
    }
    if fallback.is_empty() {
        return None;
    }
    let original = format!("{base_url}{}", crate::slug::encode_path(rel));
    let path = |w: u32, kind: &str| format!("assets/img/{stem}-{w}.{kind}");
    let set = |list: &[(u32, Arc<Vec<u8>>)], kind: &str| {
        list.iter()
            .map(|(w, _)| format!("{base_url}{} {w}w", path(*w, kind)))
            .chain(std::iter::once(format!("{original} {width}w")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // WebP only where every copy is smaller than its PNG.
    let webp_smaller = webp.len() == fallback.len()
        && webp
            .iter()
            .zip(&fallback)
            .all(|((_, a), (_, b))| a.len() < b.len());
    let mut files: Vec<(String, Arc<Vec<u8>>)> = fallback
        .iter()
        .map(|(w, f)| (path(*w, ext), f.clone()))
        .collect();
    if webp_smaller {
        files.extend(webp.iter().map(|(w, f)| (path(*w, "webp"), f.clone())));
    }
    Some(Responsive {
        src: format!("{base_url}{}", path(fallback[0].0, ext)),
        srcset: set(&fallback, ext),
        srcset_webp: if webp_smaller {
            set(&webp, "webp")
        } else {
            String::new()
        },
        mime,
        files,
    })
}

/// Writes the copies of `image` through `out`.
pub fn write(image: &Responsive, out: &dyn Emitter) -> Result<()> {
    for (rel, bytes) in &image.files {
        emit(
            out,
            rel,
            |k| xxhash_rust::xxh3::xxh3_64(bytes).hash(k),
            || Ok(bytes.as_slice()),
        )?;
    }
    Ok(())
}

/// `img` resized to `width` (keeping its proportions), encoded as `kind`.
fn encode(img: &image::DynamicImage, width: u32, kind: &str) -> image::ImageResult<Vec<u8>> {
    let height = ((img.height() as u64 * width as u64 + img.width() as u64 / 2)
        / img.width().max(1) as u64)
        .max(1) as u32;
    // Area averaging: fast, and as good as a filter when making smaller.
    let small = img.thumbnail_exact(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    match kind {
        "jpg" => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&small.to_rgb8())?,
        "webp" => small.write_to(&mut out, image::ImageFormat::WebP)?,
        _ => small.write_to(&mut out, image::ImageFormat::Png)?,
    }
    Ok(out.into_inner())
}
