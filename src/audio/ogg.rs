//! Ogg Opus / Vorbis duration from granule positions: the last page's granule
//! position (minus the Opus pre-skip) over the sample rate. Reads the first
//! pages and the last 64 KiB only.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Largest possible Ogg page (27 + 255 + 255 * 255).
const MAX_PAGE: u64 = 65_307;

#[derive(Debug)]
pub(crate) struct OggStream {
    pub duration: f64,
    pub warnings: Vec<String>,
}

pub(crate) fn read_stream(file: &File, len: u64) -> Result<OggStream, String> {
    let mut f = file;
    let head_len = usize::try_from(len.min(MAX_PAGE)).unwrap_or(0);
    let mut head = vec![0; head_len];
    f.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    f.read_exact(&mut head).map_err(|e| e.to_string())?;
    if head.len() < 28 || &head[..4] != b"OggS" {
        return Err("no Ogg page at the start".into());
    }
    let serial = le32(&head, 14).ok_or("short Ogg page")?;
    let nseg = usize::from(head[26]);
    let body = 27 + nseg;
    let packet = head.get(body..).ok_or("short Ogg page")?;
    let (_codec, rate, pre_skip) = if packet.starts_with(b"OpusHead") {
        let pre = packet.get(10..12).ok_or("short OpusHead")?;
        (
            "opus",
            48_000u32,
            u64::from(u16::from_le_bytes([pre[0], pre[1]])),
        )
    } else if packet.len() >= 16 && packet[0] == 1 && &packet[1..7] == b"vorbis" {
        let rate = le32(packet, 12).ok_or("short Vorbis header")?;
        ("vorbis", rate, 0)
    } else if packet.starts_with(b"\x7fFLAC") {
        return Err("it holds FLAC in Ogg, which podsmith does not read; export Opus, Vorbis or MP3 instead".into());
    } else {
        return Err("it holds an Ogg stream that is neither Opus nor Vorbis".into());
    };
    if rate == 0 {
        return Err("the stream header gives a sample rate of 0".into());
    }
    let (granule, eos) = last_granule(file, len, serial)
        .map_err(|e| e.to_string())?
        .ok_or("no Ogg page with a granule position was found: the file is probably cut short")?;
    let samples = granule.saturating_sub(pre_skip);
    let mut warnings = Vec::new();
    if !eos {
        warnings.push(
            "the last Ogg page has no end-of-stream flag: the file may be incomplete".to_string(),
        );
    }
    Ok(OggStream {
        duration: samples as f64 / f64::from(rate),
        warnings,
    })
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The granule position of the last page of stream `serial`, and whether it ends the stream.
fn last_granule(file: &File, len: u64, serial: u32) -> io::Result<Option<(u64, bool)>> {
    let mut f = file;
    let start = len.saturating_sub(MAX_PAGE);
    let mut tail = vec![0; usize::try_from(len - start).unwrap_or(0)];
    f.seek(SeekFrom::Start(start))?;
    f.read_exact(&mut tail)?;
    let mut i = tail.len();
    while i >= 4 {
        i -= 1;
        if i + 27 > tail.len() || &tail[i..i + 4] != b"OggS" || tail[i + 4] != 0 {
            continue;
        }
        let g = &tail[i + 6..i + 14];
        let granule = i64::from_le_bytes([g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]]);
        if le32(&tail, i + 14) != Some(serial) || granule < 0 {
            continue;
        }
        return Ok(Some((granule as u64, tail[i + 5] & 4 != 0)));
    }
    Ok(None)
}
