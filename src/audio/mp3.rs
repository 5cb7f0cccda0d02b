//! A small MPEG audio (MP1/MP2/MP3) frame scanner: skips ID3v2/ID3v1/APEv2/Lyrics3
//! tags, reads Xing/Info/VBRI headers and the LAME gapless fields, and walks
//! every frame header when the header cannot be trusted.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Largest read from the file while walking frames.
const CHUNK: usize = 256 * 1024;
/// First read: enough for a first frame with a Xing header in most files.
const FIRST_CHUNK: usize = 8 * 1024;

/// Header fields of one MPEG audio frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    /// 0 = MPEG-1, 1 = MPEG-2, 2 = MPEG-2.5.
    pub version: u8,
    /// 1, 2 or 3.
    pub layer: u8,
    pub sample_rate: u32,
    pub bitrate_kbps: u32,
    pub mono: bool,
    /// Frame length in bytes, header included.
    pub len: u32,
    /// PCM samples per channel in this frame.
    pub samples: u32,
}

impl FrameHeader {
    /// True when two headers belong to the same stream.
    fn same_stream(&self, other: &FrameHeader) -> bool {
        self.version == other.version
            && self.layer == other.layer
            && self.sample_rate == other.sample_rate
    }
}

const BITRATES: [[[u16; 16]; 3]; 2] = [
    // MPEG-1: layer I, II, III
    [
        [
            0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0,
        ],
        [
            0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0,
        ],
        [
            0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0,
        ],
    ],
    // MPEG-2 and 2.5: layer I, II, III
    [
        [
            0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0,
        ],
        [
            0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0,
        ],
        [
            0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0,
        ],
    ],
];

const SAMPLE_RATES: [[u32; 3]; 3] = [
    [44100, 48000, 32000],
    [22050, 24000, 16000],
    [11025, 12000, 8000],
];

/// Parses a 4-byte frame header. Free-format (bitrate index 0) is refused.
pub(crate) fn parse_header(b: &[u8]) -> Option<FrameHeader> {
    if b.len() < 4 || b[0] != 0xFF || b[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = match (b[1] >> 3) & 3 {
        3 => 0u8,
        2 => 1,
        0 => 2,
        _ => return None,
    };
    let layer = match (b[1] >> 1) & 3 {
        3 => 1u8,
        2 => 2,
        1 => 3,
        _ => return None,
    };
    let br_idx = (b[2] >> 4) as usize;
    let sr_idx = ((b[2] >> 2) & 3) as usize;
    if br_idx == 0 || br_idx == 15 || sr_idx == 3 {
        return None;
    }
    // Emphasis value 2 is reserved.
    if b[3] & 3 == 2 {
        return None;
    }
    let padding = u32::from((b[2] >> 1) & 1);
    let table = if version == 0 { 0 } else { 1 };
    let bitrate_kbps = u32::from(BITRATES[table][usize::from(layer - 1)][br_idx]);
    let sample_rate = SAMPLE_RATES[usize::from(version)][sr_idx];
    let bitrate = bitrate_kbps * 1000;
    let (len, samples) = match layer {
        1 => ((12 * bitrate / sample_rate + padding) * 4, 384),
        2 => (144 * bitrate / sample_rate + padding, 1152),
        _ if version == 0 => (144 * bitrate / sample_rate + padding, 1152),
        _ => (72 * bitrate / sample_rate + padding, 576),
    };
    if len < 4 {
        return None;
    }
    Some(FrameHeader {
        version,
        layer,
        sample_rate,
        bitrate_kbps,
        mono: (b[3] >> 6) == 3,
        len,
        samples,
    })
}

/// What the first frame's Xing/Info/VBRI header says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct VbrHeader {
    pub kind: &'static str,
    /// Audio frames, excluding the header frame itself.
    pub frames: Option<u32>,
    /// Stream bytes, including the header frame.
    pub bytes: Option<u32>,
    /// LAME/Lavc encoder delay and padding, in samples.
    pub delay: u32,
    pub padding: u32,
    pub gapless: bool,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Looks for a Xing/Info or VBRI header in `frame` (one whole frame).
pub(crate) fn parse_vbr_header(h: &FrameHeader, frame: &[u8]) -> Option<VbrHeader> {
    if h.layer == 3 {
        let side = match (h.version == 0, h.mono) {
            (true, false) => 32,
            (true, true) => 17,
            (false, false) => 17,
            (false, true) => 9,
        };
        let off = 4 + side;
        let tag = frame.get(off..off + 4)?;
        if tag == b"Xing" || tag == b"Info" {
            let flags = be32(frame, off + 4)?;
            let mut p = off + 8;
            let mut v = VbrHeader {
                kind: if tag == b"Xing" { "Xing" } else { "Info" },
                ..VbrHeader::default()
            };
            if flags & 1 != 0 {
                v.frames = be32(frame, p);
                p += 4;
            }
            if flags & 2 != 0 {
                v.bytes = be32(frame, p);
                p += 4;
            }
            if flags & 4 != 0 {
                p += 100;
            }
            if flags & 8 != 0 {
                p += 4;
            }
            // LAME extension: 9-byte encoder string, delay/padding at +21.
            if let Some(enc) = frame.get(p..p + 4) {
                if enc == b"LAME" || enc == b"Lavf" || enc == b"Lavc" || enc == b"L3.9" {
                    if let Some(dp) = frame.get(p + 21..p + 24) {
                        v.delay = (u32::from(dp[0]) << 4) | (u32::from(dp[1]) >> 4);
                        v.padding = ((u32::from(dp[1]) & 0x0F) << 8) | u32::from(dp[2]);
                        v.gapless = true;
                    }
                }
            }
            return Some(v);
        }
    }
    // VBRI (Fraunhofer) sits 32 bytes after the 4-byte header.
    if frame.get(36..40) == Some(b"VBRI".as_slice()) {
        return Some(VbrHeader {
            kind: "VBRI",
            bytes: be32(frame, 36 + 10),
            frames: be32(frame, 36 + 14),
            ..VbrHeader::default()
        });
    }
    None
}

/// Result of reading an MPEG audio stream.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mp3Stream {
    pub duration: f64,
    /// Audio frames counted (or taken from the header).
    pub frames: u64,
    /// "header" (trusted Xing/Info/VBRI) or "scan".
    pub method: &'static str,
    pub warnings: Vec<String>,
}

/// Why a stream could not be read.
#[derive(Debug)]
pub(crate) enum Mp3Error {
    Io(io::Error),
    /// No run of valid frames at all.
    NoFrames,
    /// A header promises much more audio than the file holds.
    Truncated {
        promised: f64,
        found: f64,
    },
}

impl From<io::Error> for Mp3Error {
    fn from(e: io::Error) -> Self {
        Mp3Error::Io(e)
    }
}

/// A forward-moving window over the file, read in chunks.
struct Window<'f> {
    file: &'f File,
    len: u64,
    start: u64,
    buf: Vec<u8>,
    /// Size of the next read: doubles on every read, up to [`CHUNK`], so a
    /// header-only reading stays small and a full scan reads big chunks.
    chunk: usize,
}

impl<'f> Window<'f> {
    fn new(file: &'f File, len: u64) -> Self {
        Window {
            file,
            len,
            start: 0,
            buf: Vec::new(),
            chunk: FIRST_CHUNK,
        }
    }

    /// The bytes `[pos, pos + n)`, or fewer if the file ends first.
    fn get(&mut self, pos: u64, n: usize) -> io::Result<&[u8]> {
        let end = self.start + self.buf.len() as u64;
        let want_end = pos.saturating_add(n as u64).min(self.len);
        if pos < self.start || want_end > end {
            self.fill(pos, n)?;
        }
        let off = usize::try_from(pos.saturating_sub(self.start)).unwrap_or(usize::MAX);
        let avail = self.buf.get(off..).unwrap_or(&[]);
        Ok(&avail[..avail.len().min(n)])
    }

    fn fill(&mut self, pos: u64, n: usize) -> io::Result<()> {
        let cap = self.chunk.max(n);
        self.chunk = (self.chunk * 2).min(CHUNK);
        let want = usize::try_from(self.len.saturating_sub(pos))
            .unwrap_or(usize::MAX)
            .min(cap);
        self.buf.clear();
        self.buf.resize(want, 0);
        let mut f = self.file;
        f.seek(SeekFrom::Start(pos))?;
        let mut got = 0;
        while got < want {
            match f.read(&mut self.buf[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.buf.truncate(got);
        self.start = pos;
        Ok(())
    }
}

/// Size of an ID3v2 tag starting at `b` (header, body and footer), if `b` starts one.
pub(crate) fn id3v2_len(b: &[u8]) -> Option<Result<u64, ()>> {
    if b.len() < 10 || &b[..3] != b"ID3" {
        return None;
    }
    if b[3] == 0xFF || b[4] == 0xFF || b[6..10].iter().any(|&x| x & 0x80 != 0) {
        return Some(Err(()));
    }
    let size = (u64::from(b[6]) << 21)
        | (u64::from(b[7]) << 14)
        | (u64::from(b[8]) << 7)
        | u64::from(b[9]);
    let footer = if b[5] & 0x10 != 0 { 10 } else { 0 };
    Some(Ok(10 + size + footer))
}

/// Where the audio ends: before ID3v1, APEv2 and Lyrics3 tags at the end.
fn audio_end(win: &mut Window<'_>, start: u64) -> io::Result<u64> {
    let mut end = win.len;
    for _ in 0..4 {
        if end < start + 32 {
            break;
        }
        if end >= start + 128 {
            let t = win.get(end - 128, 3)?;
            if t == b"TAG" {
                end -= 128;
                continue;
            }
        }
        let t = win.get(end - 32, 32)?.to_vec();
        if t.len() == 32 && &t[..8] == b"APETAGEX" {
            let size = u64::from(u32::from_le_bytes([t[12], t[13], t[14], t[15]]));
            let flags = u32::from_le_bytes([t[20], t[21], t[22], t[23]]);
            let header = if flags & 0x8000_0000 != 0 { 32 } else { 0 };
            let total = size + header;
            if total <= end - start {
                end -= total;
                continue;
            }
        }
        if end >= start + 15 {
            let t = win.get(end - 15, 15)?.to_vec();
            if t.len() == 15 && &t[6..] == b"LYRICS200" {
                let digits = std::str::from_utf8(&t[..6]).ok();
                if let Some(n) = digits.and_then(|d| d.parse::<u64>().ok()) {
                    if n + 15 <= end - start {
                        end -= n + 15;
                        continue;
                    }
                }
            }
        }
        break;
    }
    Ok(end)
}

/// True if the bytes at `pos` look like the start of a tag that ends the audio.
fn is_trailing_tag(b: &[u8]) -> bool {
    b.starts_with(b"TAG") || b.starts_with(b"APETAGEX") || b.starts_with(b"LYRICSBEGIN")
}

/// Finds the first frame at or after `pos` that is followed by another valid
/// frame of the same stream (or by the end of the audio), and matches `lock` if given.
fn resync(
    win: &mut Window<'_>,
    mut pos: u64,
    end: u64,
    lock: Option<&FrameHeader>,
) -> io::Result<Option<(u64, FrameHeader)>> {
    while pos + 4 <= end {
        let chunk_len = usize::try_from((end - pos).min(win.chunk as u64)).unwrap_or(CHUNK);
        let buf = win.get(pos, chunk_len)?;
        let n = buf.len();
        if n < 4 {
            return Ok(None);
        }
        let mut i = 0;
        let mut candidates = Vec::new();
        while i + 4 <= n {
            match memchr_ff(&buf[i..n - 3]) {
                None => break,
                Some(k) => {
                    i += k;
                    if let Some(h) = parse_header(&buf[i..]) {
                        if lock.is_none_or(|l| l.same_stream(&h)) {
                            candidates.push((pos + i as u64, h));
                        }
                    }
                    i += 1;
                }
            }
        }
        for (at, h) in candidates {
            let next = at + u64::from(h.len);
            if next == end || (next + 4 > end && next <= end) {
                return Ok(Some((at, h)));
            }
            if next > end {
                continue;
            }
            let nb = win.get(next, 4)?;
            if let Some(h2) = parse_header(nb) {
                if h.same_stream(&h2) {
                    return Ok(Some((at, h)));
                }
            }
        }
        // Overlap by 3 bytes so a header split across chunks is not missed.
        pos += (n - 3) as u64;
    }
    Ok(None)
}

/// Shortest and longest frame this stream's version, layer and rate allow.
fn frame_len_range(h: &FrameHeader) -> (u32, u32) {
    let table = if h.version == 0 { 0 } else { 1 };
    let rates = &BITRATES[table][usize::from(h.layer - 1)];
    let len = |kbps: u16| -> u32 {
        let br = u32::from(kbps) * 1000;
        match (h.layer, h.version) {
            (1, _) => 12 * br / h.sample_rate * 4,
            (2, _) | (3, 0) => 144 * br / h.sample_rate,
            _ => 72 * br / h.sample_rate,
        }
    };
    (len(rates[1]), len(rates[14]) + 4)
}

fn memchr_ff(b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == 0xFF)
}

/// Reads the stream of `file` (of `len` bytes), whose audio starts at `start`.
pub(crate) fn read_stream(file: &File, len: u64, start: u64) -> Result<Mp3Stream, Mp3Error> {
    let mut win = Window::new(file, len);
    let mut warnings = Vec::new();
    let end = audio_end(&mut win, start)?;
    let Some((first_pos, first)) = resync(&mut win, start, end, None)? else {
        return Err(Mp3Error::NoFrames);
    };
    if first_pos > start {
        warnings.push(format!(
            "skipped {} bytes of non-audio data before the first frame (offset {})",
            first_pos - start,
            start
        ));
    }
    let first_frame = win.get(first_pos, first.len as usize)?.to_vec();
    let vbr = parse_vbr_header(&first, &first_frame);
    let sr = f64::from(first.sample_rate);
    let mut out = Mp3Stream::default();
    let trim = match vbr {
        Some(v) if v.gapless => u64::from(v.delay) + u64::from(v.padding),
        _ => 0,
    };
    let stream_bytes = end - first_pos;

    // A header is trusted when it states both frames and bytes, and the
    // byte count matches what is really in the file.
    if let Some(v) = vbr {
        if let (Some(frames), Some(bytes)) = (v.frames, v.bytes) {
            let bytes = u64::from(bytes);
            let tail = len - end;
            let exact = bytes == stream_bytes
                || bytes == stream_bytes + tail
                || bytes == stream_bytes + first_pos
                || bytes == stream_bytes + first_pos + tail;
            // The average frame must be a size this stream can have.
            let avg = stream_bytes as f64 / (f64::from(frames) + 1.0);
            let (min_len, max_len) = frame_len_range(&first);
            let plausible = avg >= f64::from(min_len) * 0.9 && avg <= f64::from(max_len) * 1.1;
            if exact && plausible && frames > 0 {
                let samples = u64::from(frames) * u64::from(first.samples);
                out.frames = u64::from(frames);
                out.duration = samples.saturating_sub(trim) as f64 / sr;
                out.method = "header";
                out.warnings = warnings;
                return Ok(out);
            }
        }
    }

    // Walk every frame.
    let mut pos = if vbr.is_some() {
        first_pos + u64::from(first.len)
    } else {
        first_pos
    };
    let mut frames: u64 = 0;
    let mut samples: u64 = 0;
    let mut junk_bytes: u64 = 0;
    let mut junk_runs = 0u32;
    let mut first_junk_at = None;
    loop {
        if pos + 4 > end {
            break;
        }
        let b = win.get(pos, 4)?;
        match parse_header(b) {
            Some(h) if h.same_stream(&first) => {
                let next = pos + u64::from(h.len);
                if next > end {
                    warnings.push(format!(
                        "the last frame is cut short ({} of {} bytes): the file may be incomplete",
                        end - pos,
                        h.len
                    ));
                    break;
                }
                frames += 1;
                samples += u64::from(h.samples);
                pos = next;
            }
            _ => {
                if is_trailing_tag(b) {
                    break;
                }
                match resync(&mut win, pos + 1, end, Some(&first))? {
                    Some((at, _)) => {
                        junk_bytes += at - pos;
                        junk_runs += 1;
                        first_junk_at.get_or_insert(pos);
                        pos = at;
                    }
                    None => {
                        let rest = end - pos;
                        // Zero padding or a stray tag at the end is harmless.
                        let tail = win.get(pos, rest.min(4096) as usize)?;
                        if !tail.iter().all(|&x| x == 0) && !is_trailing_tag(tail) {
                            junk_bytes += rest;
                            junk_runs += 1;
                            first_junk_at.get_or_insert(pos);
                        }
                        break;
                    }
                }
            }
        }
    }
    if frames == 0 {
        return Err(Mp3Error::NoFrames);
    }
    if junk_runs > 0 {
        warnings.push(format!(
            "skipped {junk_bytes} bytes of junk between audio frames in {junk_runs} place(s), first at offset {}",
            first_junk_at.unwrap_or(0)
        ));
    }
    out.frames = frames;
    out.duration = samples.saturating_sub(trim) as f64 / sr;
    out.method = "scan";
    if let Some(v) = vbr {
        if let Some(hf) = v.frames {
            let promised = u64::from(hf) * u64::from(first.samples);
            let promised_secs = promised.saturating_sub(trim) as f64 / sr;
            // More than 2 % (and a second) less audio than the header says:
            // the file was cut off.
            if out.duration + 1.0 < promised_secs && out.duration < promised_secs * 0.98 {
                return Err(Mp3Error::Truncated {
                    promised: promised_secs,
                    found: out.duration,
                });
            }
            if u64::from(hf) != frames {
                warnings.push(format!(
                    "the {} header says {} frames but the file holds {}; the duration comes from counting frames",
                    v.kind, hf, frames
                ));
            }
        }
    }
    out.warnings = warnings;
    Ok(out)
}
