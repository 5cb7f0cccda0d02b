//! MP4/M4A duration from the movie header (`moov/mvhd`), found by walking the
//! top-level boxes with seeks (the `moov` may sit at the end of the file).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

pub(crate) fn read_duration(file: &File, len: u64) -> Result<f64, String> {
    let mut f = file;
    let mut pos = 0u64;
    while pos + 8 <= len {
        let (size, kind, hdr) = box_header(&mut f, pos, len)?;
        if &kind == b"moov" {
            return mvhd_in(&mut f, pos + hdr, pos + size);
        }
        pos += size;
    }
    Err("no `moov` box: the file is cut short or was not finalised; re-export it".into())
}

/// Reads the box header at `pos`: (total size, type, header size).
fn box_header(f: &mut &File, pos: u64, limit: u64) -> Result<(u64, [u8; 4], u64), String> {
    let mut h = [0u8; 16];
    f.seek(SeekFrom::Start(pos)).map_err(|e| e.to_string())?;
    f.read_exact(&mut h[..8]).map_err(|e| e.to_string())?;
    let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let kind = [h[4], h[5], h[6], h[7]];
    let (size, hdr) = match size32 {
        0 => (limit - pos, 8),
        1 => {
            f.read_exact(&mut h[8..16]).map_err(|e| e.to_string())?;
            let s = u64::from_be_bytes([h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]]);
            (s, 16)
        }
        s => (u64::from(s), 8),
    };
    if size < hdr || pos.checked_add(size).is_none_or(|e| e > limit) {
        return Err(format!(
            "the `{}` box at offset {pos} runs past the end of the file: it is cut short or damaged; re-export it",
            String::from_utf8_lossy(&kind)
        ));
    }
    Ok((size, kind, hdr))
}

fn mvhd_in(f: &mut &File, mut pos: u64, end: u64) -> Result<f64, String> {
    while pos + 8 <= end {
        let (size, kind, hdr) = box_header(f, pos, end)?;
        if &kind == b"mvhd" {
            let mut b = [0u8; 32];
            let n = usize::try_from((size - hdr).min(32)).unwrap_or(0);
            f.read_exact(&mut b[..n]).map_err(|e| e.to_string())?;
            let (scale, dur) = if b[0] == 1 && n >= 32 {
                let scale = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
                let d =
                    u64::from_be_bytes([b[24], b[25], b[26], b[27], b[28], b[29], b[30], b[31]]);
                (scale, d)
            } else if n >= 20 {
                let scale = u32::from_be_bytes([b[12], b[13], b[14], b[15]]);
                (
                    scale,
                    u64::from(u32::from_be_bytes([b[16], b[17], b[18], b[19]])),
                )
            } else {
                return Err("the `mvhd` box is too short".into());
            };
            if scale == 0 {
                return Err("the `mvhd` box gives a time scale of 0".into());
            }
            return Ok(dur as f64 / f64::from(scale));
        }
        pos += size;
    }
    Err("no `mvhd` box inside `moov`".into())
}
