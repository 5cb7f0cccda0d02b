//! The feed rules `podsmith check` applies: Apple Podcasts' requirements and
//! the Podcasting 2.0 tag rules, each problem with its file and a fix.
//! (GUID stability against a published feed is in [`super::stability`].)

use super::image::{read_header, Colour, Format};
use super::{feed_episodes, persons};
use crate::config::{Config, CONFIG_FILE};
use crate::error::{nearest, Diagnostic};
use crate::site::Site;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Apple Podcasts' categories and their subcategories (the exact `text`
/// values, unescaped).
pub const APPLE_CATEGORIES: &[(&str, &[&str])] = &[
    (
        "Arts",
        &[
            "Books",
            "Design",
            "Fashion & Beauty",
            "Food",
            "Performing Arts",
            "Visual Arts",
        ],
    ),
    (
        "Business",
        &[
            "Careers",
            "Entrepreneurship",
            "Investing",
            "Management",
            "Marketing",
            "Non-Profit",
        ],
    ),
    ("Comedy", &["Comedy Interviews", "Improv", "Stand-Up"]),
    (
        "Education",
        &["Courses", "How To", "Language Learning", "Self-Improvement"],
    ),
    ("Fiction", &["Comedy Fiction", "Drama", "Science Fiction"]),
    ("Government", &[]),
    ("History", &[]),
    (
        "Health & Fitness",
        &[
            "Alternative Health",
            "Fitness",
            "Medicine",
            "Mental Health",
            "Nutrition",
            "Sexuality",
        ],
    ),
    (
        "Kids & Family",
        &[
            "Education for Kids",
            "Parenting",
            "Pets & Animals",
            "Stories for Kids",
        ],
    ),
    (
        "Leisure",
        &[
            "Animation & Manga",
            "Automotive",
            "Aviation",
            "Crafts",
            "Games",
            "Hobbies",
            "Home & Garden",
            "Video Games",
        ],
    ),
    (
        "Music",
        &["Music Commentary", "Music History", "Music Interviews"],
    ),
    (
        "News",
        &[
            "Business News",
            "Daily News",
            "Entertainment News",
            "News Commentary",
            "Politics",
            "Sports News",
            "Tech News",
        ],
    ),
    (
        "Religion & Spirituality",
        &[
            "Buddhism",
            "Christianity",
            "Hinduism",
            "Islam",
            "Judaism",
            "Religion",
            "Spirituality",
        ],
    ),
    (
        "Science",
        &[
            "Astronomy",
            "Chemistry",
            "Earth Sciences",
            "Life Sciences",
            "Mathematics",
            "Natural Sciences",
            "Nature",
            "Physics",
            "Social Sciences",
        ],
    ),
    (
        "Society & Culture",
        &[
            "Documentary",
            "Personal Journals",
            "Philosophy",
            "Places & Travel",
            "Relationships",
        ],
    ),
    (
        "Sports",
        &[
            "Baseball",
            "Basketball",
            "Cricket",
            "Fantasy Sports",
            "Football",
            "Golf",
            "Hockey",
            "Rugby",
            "Running",
            "Soccer",
            "Swimming",
            "Tennis",
            "Volleyball",
            "Wilderness",
            "Wrestling",
        ],
    ),
    ("Technology", &[]),
    ("True Crime", &[]),
    (
        "TV & Film",
        &[
            "After Shows",
            "Film History",
            "Film Interviews",
            "Film Reviews",
            "TV Reviews",
        ],
    ),
];

/// Apple's limit on `description` (show and episode), in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 4000;
/// Podcasting 2.0's limit on `podcast:funding` and `podcast:person` text.
pub const MAX_P20_TEXT: usize = 128;
/// Apple's artwork size range, in pixels.
pub const MIN_ART: u32 = 1400;
pub const MAX_ART: u32 = 3000;
/// Enclosure types Apple accepts.
pub const APPLE_MIME_TYPES: &[&str] = &[
    "audio/mpeg",
    "audio/x-m4a",
    // What podsmith reports for .m4a; Apple's list says audio/x-m4a, but
    // Apple ingests audio/mp4 enclosures too.
    "audio/mp4",
    "video/mp4",
    "video/x-m4v",
    "video/quicktime",
    "application/pdf",
];

/// Checks a category name (`"Parent"` or `"Parent > Child"`) against Apple's
/// list; `Err` says what is wrong and suggests the nearest name.
pub fn check_category(text: &str) -> Result<(), String> {
    let mut parts = text.split('>').map(str::trim);
    let parent = parts.next().unwrap_or("");
    let child = parts.next();
    if parts.next().is_some() {
        return Err(format!(
            "category {text:?} has more than two levels; Apple allows \"Parent > Child\""
        ));
    }
    let parents: Vec<&str> = APPLE_CATEGORIES.iter().map(|(p, _)| *p).collect();
    let Some((_, subs)) = APPLE_CATEGORIES.iter().find(|(p, _)| *p == parent) else {
        // A subcategory written alone, or under the wrong parent?
        if let Some((p, _)) = APPLE_CATEGORIES.iter().find(|(_, s)| s.contains(&parent)) {
            return Err(format!(
                "{parent:?} is a subcategory of {p:?}: write \"{p} > {parent}\""
            ));
        }
        return Err(match nearest(parent, &parents) {
            Some(n) => format!("{parent:?} is not one of Apple's categories; did you mean {n:?}?"),
            None => format!("{parent:?} is not one of Apple's categories"),
        });
    };
    let Some(child) = child else {
        return Ok(());
    };
    if subs.contains(&child) {
        return Ok(());
    }
    if let Some((p, _)) = APPLE_CATEGORIES.iter().find(|(_, s)| s.contains(&child)) {
        return Err(format!(
            "{child:?} belongs under {p:?}, not {parent:?}: write \"{p} > {child}\""
        ));
    }
    Err(match (subs.is_empty(), nearest(child, subs)) {
        (true, _) => format!("{parent:?} has no subcategories; write just \"{parent}\""),
        (false, Some(n)) => {
            format!("{child:?} is not a subcategory of {parent:?}; did you mean {n:?}?")
        }
        (false, None) => format!(
            "{child:?} is not a subcategory of {parent:?} (its subcategories: {})",
            subs.join(", ")
        ),
    })
}

/// Whether `tag` looks like an ISO 639 language code, optionally with a
/// region (`en`, `en-us`, `pt-BR`).
fn is_language_code(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_http_url(url: &str) -> bool {
    let url = url.trim();
    url.starts_with("https://") || url.starts_with("http://")
}

/// The start of an image file, enough for [`read_header`]: its first
/// 256 KiB, or all of it when the header lies further in (metadata before
/// a JPEG's frame header). Builds check every image, so they must not read
/// every image whole.
fn read_image_head(path: &Path) -> std::io::Result<Vec<u8>> {
    const HEAD: u64 = 256 * 1024;
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    (&mut file).take(HEAD).read_to_end(&mut bytes)?;
    if bytes.len() as u64 == HEAD && read_header(&bytes).is_err() {
        file.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// Checks one artwork file against Apple's rules.
fn check_artwork(path: &Path, blame: &Path, what: &str, out: &mut Vec<Diagnostic>) {
    let bytes = match read_image_head(path) {
        Ok(b) => b,
        Err(e) => {
            out.push(
                Diagnostic::error(
                    blame.to_path_buf(),
                    format!("{what} {}: cannot read it: {e}", path.display()),
                )
                .help("put the image under static/ and name it relative to static/"),
            );
            return;
        }
    };
    let err = |msg: String, help: &str| Diagnostic::error(path.to_path_buf(), msg).help(help);
    let header = match read_header(&bytes) {
        Ok(h) => h,
        Err(why) => {
            out.push(err(
                format!("{what}: {why}"),
                "Apple accepts JPEG or PNG; export the image as one",
            ));
            return;
        }
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let ext_ok = match header.format {
        Format::Png => ext == "png",
        Format::Jpeg => ext == "jpg" || ext == "jpeg",
    };
    if !ext_ok {
        out.push(err(
            format!("{what}: the file is {:?} but named .{ext}", header.format),
            "rename it to match its real type (.png, or .jpg/.jpeg)",
        ));
    }
    if header.width != header.height {
        out.push(err(
            format!(
                "{what} is {}×{} px, not square",
                header.width, header.height
            ),
            "crop it to a square, 3000×3000 px ideally",
        ));
    }
    let side = header.width.min(header.height);
    let big = header.width.max(header.height);
    if side < MIN_ART || big > MAX_ART {
        out.push(err(
            format!(
                "{what} is {}×{} px; Apple needs 1400×1400 to 3000×3000",
                header.width, header.height
            ),
            "export it at 3000×3000 px (or at least 1400×1400)",
        ));
    }
    if header.alpha {
        out.push(err(
            format!("{what} has an alpha channel (transparency)"),
            "export it without transparency (flatten it onto a background)",
        ));
    }
    match header.colour {
        Colour::Rgb | Colour::Palette => {}
        Colour::Cmyk => out.push(err(
            format!("{what} is CMYK; Apple needs RGB"),
            "convert it to RGB (sRGB) in your image editor",
        )),
        Colour::Grey => out.push(
            Diagnostic::warning(
                path.to_path_buf(),
                format!("{what} is greyscale; Apple asks for RGB"),
            )
            .help("save it as an RGB image"),
        ),
        Colour::Other(n) => out.push(err(
            format!("{what} has {n} colour components; Apple needs RGB"),
            "convert it to RGB (sRGB)",
        )),
    }
}

/// Every feed problem of `site`: errors and warnings, in a stable order.
/// The cover art problem a build refuses, because it breaks the show in
/// apps (`itunes:image` would point at nothing): `image` names a file
/// under `static/` that is missing or cannot be read. The other artwork
/// rules are [`check`]'s.
pub fn cover_error(root: &Path, config: &Config) -> Option<Diagnostic> {
    let image = config
        .image
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty() && !crate::config::is_remote_image(i))?;
    let path = root.join("static").join(image);
    let problem = match std::fs::File::open(&path) {
        // Reading one byte also fails on a folder.
        Ok(mut file) => match file.read(&mut [0u8; 1]) {
            Ok(_) => return None,
            Err(e) => format!("cannot read the cover art static/{image}: {e}"),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("cover art not found: static/{image}")
        }
        Err(e) => format!("cannot read the cover art static/{image}: {e}"),
    };
    Some(config_diagnostic(
        Diagnostic::error(root.join(CONFIG_FILE), problem)
            .help("put a square 1400–3000 px JPEG or PNG under static/, or correct `image`"),
        &config.text,
        &["image"],
    ))
}

/// `d` pointing at the value of the setting at `keys` in podcast.toml's
/// `text` (no keys: a setting that is missing, so nowhere).
fn config_diagnostic(d: Diagnostic, text: &str, keys: &[&str]) -> Diagnostic {
    if keys.is_empty() {
        return d;
    }
    match crate::config::locate(text, keys) {
        Some((line, column)) => d.at(line, column),
        None => d,
    }
}

/// The feed rules' findings about a site, each in a stable order.
#[derive(Debug, Default)]
pub struct Findings {
    /// What apps refuse or show wrongly, and what they ask for: `check`
    /// reports these as they are; a build prints them as warnings (only
    /// [`cover_error`] stops it).
    pub problems: Vec<Diagnostic>,
    /// What nothing breaks on but could be better (a credit whose role has
    /// no Podcasting 2.0 person): `check` reports these, builds do not.
    pub advice: Vec<Diagnostic>,
}

/// Every feed problem of `site`, and the advice (see [`Findings`]).
pub fn check(site: &Site) -> Findings {
    let config = &site.config;
    let toml_path = site.root.join(CONFIG_FILE);
    let at = |d: Diagnostic, keys: &[&str]| config_diagnostic(d, &config.text, keys);
    let cfg_err = |keys: &[&str], msg: String, help: &str| {
        at(Diagnostic::error(toml_path.clone(), msg).help(help), keys)
    };
    let cfg_warn = |keys: &[&str], msg: String, help: &str| {
        at(Diagnostic::warning(toml_path.clone(), msg).help(help), keys)
    };
    let mut out = Vec::new();
    let mut advice = Vec::new();

    // --- The show (Apple).
    match config.image.as_deref().map(str::trim) {
        None | Some("") => out.push(cfg_err(
            &[],
            "no cover art: `image` is not set".into(),
            "add `image = \"cover.png\"` with a square 1400–3000 px JPEG or PNG under static/",
        )),
        Some(image) if crate::config::is_remote_image(image) => out.push(cfg_warn(
            &["image"],
            format!("the cover art is a remote image ({image}): podsmith cannot check its size or format"),
            "apps need a square 1400–3000 px JPEG or PNG; download it into static/ and set image = \"cover.jpg\" to have it checked (and served by the site)",
        )),
        Some(image) => match cover_error(&site.root, config) {
            Some(error) => out.push(error),
            None => check_artwork(
                &site.root.join("static").join(image),
                &toml_path,
                "the cover art",
                &mut out,
            ),
        },
    }
    if config.categories.is_empty() {
        out.push(cfg_err(
            &[],
            "no `categories`: Apple needs at least one".into(),
            "add e.g. categories = [\"Technology\"] (Apple's names; \"Parent > Child\" for a subcategory)",
        ));
    }
    for (i, c) in config.categories.iter().enumerate() {
        if let Err(why) = check_category(c) {
            out.push(cfg_err(
                &["categories", &i.to_string()],
                format!("category {c:?}: {why}"),
                "use a name from Apple's list (see docs/feed.md), spelled exactly",
            ));
        }
    }
    match &config.owner {
        None => out.push(cfg_err(
            &[],
            "no `[owner]`: apps verify the feed through the owner's email".into(),
            "add [owner] with name = \"...\" and email = \"you@example.org\"",
        )),
        Some(owner) => {
            let email = owner.email.trim();
            if email.is_empty() || !email.contains('@') || email.contains(char::is_whitespace) {
                out.push(cfg_err(
                    &["owner", "email"],
                    format!(
                        "`[owner] email` = {:?} is not an email address",
                        owner.email
                    ),
                    "write the address that should receive verification mail",
                ));
            }
            if owner.name.trim().is_empty() {
                out.push(cfg_warn(
                    &["owner", "name"],
                    "`[owner] name` is empty".into(),
                    "write the owner's name",
                ));
            }
        }
    }
    let raw: Option<toml::Table> = config.text.parse().ok().filter(|_| !config.text.is_empty());
    if raw.as_ref().is_some_and(|t| !t.contains_key("explicit")) {
        out.push(cfg_warn(
            &[],
            "`explicit` is not set; the feed says `false`".into(),
            "state it: explicit = false (or true); episodes can override it",
        ));
    }
    if !is_language_code(config.language.trim()) {
        out.push(cfg_err(
            &["language"],
            format!("`language` = {:?} is not an ISO 639 code", config.language),
            "write e.g. \"en\", \"en-us\" or \"de\"",
        ));
    }
    if config.description.trim().is_empty() {
        out.push(cfg_err(
            &["description"],
            "`description` is empty; Apple requires one".into(),
            "describe the show in two or three sentences",
        ));
    } else if config.description.len() > MAX_DESCRIPTION_BYTES {
        out.push(cfg_err(
            &["description"],
            format!(
                "`description` is {} bytes; Apple allows {MAX_DESCRIPTION_BYTES}",
                config.description.len()
            ),
            "shorten it",
        ));
    }
    if config.author.trim().is_empty() {
        out.push(cfg_warn(
            &["author"],
            "`author` is empty: no itunes:author and no host in podcast:person".into(),
            "write the host's or the company's name",
        ));
    }

    // --- The show (Podcasting 2.0).
    if let Some(guid) = config.podcast_guid.as_deref() {
        if uuid::Uuid::parse_str(guid.trim()).is_err() {
            out.push(cfg_err(
                &["podcast_guid"],
                format!("`podcast_guid` = {guid:?} is not a UUID"),
                format!(
                    "remove it to use the one derived from the feed URL ({}), or paste the feed's original GUID",
                    super::derived_podcast_guid(&config.feed_url())
                )
                .as_str(),
            ));
        }
    }
    for (i, f) in config.funding.iter().enumerate() {
        let i = i.to_string();
        if f.text.trim().is_empty() {
            out.push(cfg_err(
                &["funding", &i, "text"],
                format!("`[[funding]]` {:?} has no text", f.url),
                "write what the link is, e.g. text = \"Support the show\"",
            ));
        } else if f.text.trim().chars().count() > MAX_P20_TEXT {
            out.push(cfg_err(
                &["funding", &i, "text"],
                format!(
                    "`[[funding]] text` is {} characters; podcast:funding allows {MAX_P20_TEXT}",
                    f.text.trim().chars().count()
                ),
                "shorten it",
            ));
        }
        if !is_http_url(&f.url) {
            out.push(cfg_err(
                &["funding", &i, "url"],
                format!(
                    "`[[funding]] url` = {:?} is not an absolute http(s) address",
                    f.url
                ),
                "write the full address, e.g. \"https://example.org/support\"",
            ));
        }
    }
    if config.locked && config.owner.is_none() {
        out.push(cfg_warn(
            &["locked"],
            "`locked = true` without an `[owner]` email".into(),
            "add [owner] so a move of the feed can be verified",
        ));
    }
    if persons_too_long(&config.author) {
        out.push(cfg_err(
            &["author"],
            format!("`author` is longer than {MAX_P20_TEXT} characters (podcast:person)"),
            "shorten it",
        ));
    }
    for (i, credit) in config.credits.iter().enumerate() {
        let i = i.to_string();
        check_credit(credit, &toml_path, &mut out, &mut advice, &|d, key| {
            at(d, &["credits", &i, key])
        });
    }

    // --- The episodes.
    let serial = config.show_type == crate::config::ShowType::Serial;
    let mut enclosures: HashMap<&str, &Path> = HashMap::new();
    let show_credits = config.credits.len();
    for e in &site.episodes {
        let file = e.source.clone();
        let err = |msg: String, help: &str| Diagnostic::error(file.clone(), msg).help(help);
        let warn = |msg: String, help: &str| Diagnostic::warning(file.clone(), msg).help(help);
        if e.title.trim().is_empty() {
            out.push(err("`title` is empty".into(), "give the episode a title"));
        }
        if e.guid.trim().is_empty() {
            out.push(err(
                "`guid` is empty".into(),
                "remove it to use the derived one, or pin a UUID",
            ));
        }
        if e.summary.trim().is_empty() {
            out.push(warn(
                "no description: no `summary` and no first paragraph".into(),
                "add summary = \"...\" (one or two sentences)",
            ));
        } else if e.summary.len() > MAX_DESCRIPTION_BYTES {
            out.push(err(
                format!(
                    "the description (summary) is {} bytes; Apple allows {MAX_DESCRIPTION_BYTES}",
                    e.summary.len()
                ),
                "shorten `summary` (or the first paragraph of the notes)",
            ));
        }
        if serial && e.number.is_none() {
            out.push(err(
                "`show_type = \"serial\"` needs an `episode` number on every episode".into(),
                "add episode = N",
            ));
        }
        if e.number == Some(0) {
            out.push(err(
                "`episode = 0`: Apple needs a non-zero number".into(),
                "number episodes from 1",
            ));
        }
        if e.season == Some(0) {
            out.push(err(
                "`season = 0`: Apple needs a non-zero number".into(),
                "number seasons from 1",
            ));
        }
        if let Some(audio) = &e.audio {
            if audio.info.size == 0 && audio.recorded {
                out.push(warn(
                    format!("the recorded enclosure length of {} is 0", audio.url),
                    "apps use the length to show download sizes; write the file's size in bytes as `length` in `[enclosure]`",
                ));
            } else if audio.info.size == 0 {
                out.push(err(
                    format!("the audio file {} is empty (0 bytes)", audio.rel),
                    "export the audio again",
                ));
            }
            if super::whole_seconds(audio.info.duration) == 0 {
                if audio.recorded {
                    out.push(warn(
                        format!("no duration is recorded for {}: the feed has no itunes:duration for it", audio.url),
                        "write it as `duration` in `[enclosure]`, e.g. duration = \"1:02:03\"",
                    ));
                } else {
                    out.push(warn(
                        format!(
                            "the duration of {} is unknown: itunes:duration will be 0",
                            audio.rel
                        ),
                        "re-export the audio so its length can be read",
                    ));
                }
            }
            if !APPLE_MIME_TYPES.contains(&audio.info.mime.as_str()) {
                out.push(warn(
                    format!(
                        "{} is {}, which Apple Podcasts does not accept",
                        audio.name(),
                        audio.info.mime
                    ),
                    "publish MP3 (audio/mpeg) or AAC (.m4a)",
                ));
            }
            if !audio.url.is_ascii() || audio.rel.contains(' ') {
                out.push(warn(
                    format!(
                        "the audio file name {:?} has spaces or non-ASCII letters",
                        audio.name()
                    ),
                    "rename it with a-z, 0-9, - and _ only; some apps mangle other names",
                ));
            }
            if let Some(first) = enclosures.insert(audio.url.as_str(), e.source.as_path()) {
                out.push(err(
                    format!(
                        "the enclosure {} is also used by {}; Apple ignores a repeated URL",
                        audio.url,
                        crate::error::display_path(first)
                    ),
                    "give each episode its own audio file",
                ));
            }
        }
        if let (Some(url), true) = (&e.image_url, e.extras.image_remote) {
            out.push(
                Diagnostic::warning(
                    e.source.clone(),
                    format!("the episode's image is a remote image ({url}): podsmith cannot check its size or format"),
                )
                .help("download it into static/ and set `image` to its path there to have it checked"),
            );
        } else if let Some(url) = &e.image_url {
            if let Some(rel) = url.strip_prefix(&config.base_url) {
                let path = site
                    .root
                    .join("static")
                    .join(crate::slug::percent_decode(rel));
                check_artwork(&path, &e.source, "the episode's image", &mut out);
            }
        }
        for credit in e.credits.iter().skip(show_credits) {
            check_credit(credit, &e.source, &mut out, &mut advice, &|d, _| d);
        }
    }
    let in_feed = feed_episodes(site).len();
    let with_audio = site.episodes.iter().filter(|e| e.audio.is_some()).count();
    if in_feed < with_audio {
        out.push(cfg_warn(
            &["feed_limit"],
            format!(
                "`feed_limit` moves {} older episode(s) out of feed.xml onto its older pages (feed-page-2.xml…, and feed-all.xml); Apple reads feed.xml only and removes them from the show",
                with_audio - in_feed
            ),
            "remove `feed_limit` to keep every episode in apps",
        ));
    }
    for (i, variant) in config.feeds.iter().enumerate() {
        let ext = format!(".{}", variant.prefer.trim().to_ascii_lowercase());
        let any = site
            .episodes
            .iter()
            .flat_map(|e| &e.extras.alternates)
            .any(|a| a.rel.to_ascii_lowercase().ends_with(&ext));
        if !any {
            out.push(cfg_warn(
                &["feeds", &i.to_string(), "prefer"],
                format!(
                    "no episode has a {:?} file in `alternate_audio`, so feed-{}.xml is the same as feed.xml",
                    variant.prefer,
                    variant.name.trim()
                ),
                "add the files (alternate_audio = [\"050.opus\"]) or remove this [[feeds]]",
            ));
        }
    }
    Findings {
        problems: out,
        advice,
    }
}

fn persons_too_long(name: &str) -> bool {
    name.trim().chars().count() > MAX_P20_TEXT
}

/// Checks a credit; `at` points a finding at the credit's `name` or `role`.
fn check_credit(
    credit: &crate::config::Credit,
    file: &Path,
    out: &mut Vec<Diagnostic>,
    advice: &mut Vec<Diagnostic>,
    at: &dyn Fn(Diagnostic, &str) -> Diagnostic,
) {
    let file: PathBuf = file.to_path_buf();
    if persons_too_long(&credit.name) {
        out.push(at(
            Diagnostic::error(
                file.clone(),
                format!(
                    "credit name {:?} is longer than {MAX_P20_TEXT} characters (podcast:person)",
                    credit.name
                ),
            )
            .help("shorten it"),
            "name",
        ));
    }
    if persons::map_role(&credit.role).is_none() {
        advice.push(at(
            Diagnostic::warning(
                file,
                format!(
                    "credit role {:?} ({}) is not in the Podcasting 2.0 person taxonomy, so the feed has no podcast:person for it",
                    credit.role, credit.name
                ),
            )
            .help("it still shows in the notes; use a taxonomy role (e.g. \"audio editor\", \"theme music\", \"guest\") to list the person in apps; see docs/feed.md"),
            "role",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_checked() {
        assert!(check_category("Technology").is_ok());
        assert!(check_category("Society & Culture > Documentary").is_ok());
        assert!(check_category("Education > How To").is_ok());
        let e = check_category("Technology > Tech News").unwrap_err();
        assert!(e.contains("belongs under \"News\""), "{e}");
        let e = check_category("Documentary").unwrap_err();
        assert!(e.contains("Society & Culture > Documentary"), "{e}");
        let e = check_category("Tecnology").unwrap_err();
        assert!(e.contains("did you mean \"Technology\""), "{e}");
        assert!(check_category("Kids & family").is_err());
        assert!(check_category("Games & Hobbies").is_err());
        assert_eq!(APPLE_CATEGORIES.len(), 19);
    }

    #[test]
    fn language_codes() {
        assert!(is_language_code("en"));
        assert!(is_language_code("en-us"));
        assert!(is_language_code("pt-BR"));
        assert!(!is_language_code("english"));
        assert!(!is_language_code(""));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(crate::slug::percent_decode("a%20b/%C3%BC.png"), "a b/ü.png");
        assert_eq!(crate::slug::percent_decode("50%"), "50%");
    }
}
