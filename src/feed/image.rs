//! A tiny reader for cover art headers: format (by content), size, and
//! colour model, enough for Apple's artwork rules. Reads PNG's IHDR (and
//! looks for a tRNS chunk) and JPEG's SOF marker; decodes no pixels.

/// The image formats podcast apps accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
}

/// How the pixels are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Rgb,
    /// PNG palette (RGB entries).
    Palette,
    Grey,
    Cmyk,
    /// JPEG with another component count.
    Other(u8),
}

/// What the header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageHeader {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub colour: Colour,
    /// An alpha channel or PNG transparency (tRNS).
    pub alpha: bool,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Reads an image header; `Err` names what is wrong.
pub fn read_header(bytes: &[u8]) -> Result<ImageHeader, String> {
    if bytes.starts_with(PNG_SIGNATURE) {
        png(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else {
        Err("the file is neither PNG nor JPEG".into())
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn png(bytes: &[u8]) -> Result<ImageHeader, String> {
    let truncated = || "the PNG file is truncated".to_string();
    let ihdr = bytes.get(8..8 + 8 + 13).ok_or_else(truncated)?;
    if &ihdr[4..8] != b"IHDR" {
        return Err("the PNG file does not start with its IHDR header".into());
    }
    let width = be32(&ihdr[8..12]);
    let height = be32(&ihdr[12..16]);
    let colour_type = ihdr[17];
    let (colour, mut alpha) = match colour_type {
        0 => (Colour::Grey, false),
        2 => (Colour::Rgb, false),
        3 => (Colour::Palette, false),
        4 => (Colour::Grey, true),
        6 => (Colour::Rgb, true),
        other => return Err(format!("unknown PNG colour type {other}")),
    };
    // Walk the chunks up to the image data, looking for transparency.
    let mut pos = 8;
    loop {
        let head = bytes.get(pos..pos + 8).ok_or_else(truncated)?;
        let len = be32(&head[0..4]) as usize;
        match &head[4..8] {
            b"tRNS" => alpha = true,
            b"IDAT" | b"IEND" => break,
            _ => {}
        }
        pos = pos.saturating_add(12).saturating_add(len);
    }
    Ok(ImageHeader {
        format: Format::Png,
        width,
        height,
        colour,
        alpha,
    })
}

fn jpeg(bytes: &[u8]) -> Result<ImageHeader, String> {
    let mut pos = 2;
    loop {
        // Skip fill bytes before a marker.
        while bytes.get(pos) == Some(&0xFF) && bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            return Err("the JPEG file has no frame header (SOF)".into());
        };
        pos += 2;
        if (0xD0..=0xD9).contains(&marker) || marker == 0x01 {
            continue; // markers without a length
        }
        let len = bytes
            .get(pos..pos + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or("the JPEG file is truncated")?;
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let sof = bytes
                .get(pos + 2..pos + 8)
                .ok_or("the JPEG file is truncated")?;
            let height = u32::from(u16::from_be_bytes([sof[1], sof[2]]));
            let width = u32::from(u16::from_be_bytes([sof[3], sof[4]]));
            let colour = match sof[5] {
                1 => Colour::Grey,
                3 => Colour::Rgb,
                4 => Colour::Cmyk,
                n => Colour::Other(n),
            };
            return Ok(ImageHeader {
                format: Format::Jpeg,
                width,
                height,
                colour,
                alpha: false,
            });
        }
        pos += len;
    }
}

/// A PNG header with the given size and colour type (for tests and fixtures).
pub fn png_header(width: u32, height: u32, colour_type: u8) -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(b"IHDR");
    out.extend_from_slice(&width.to_be_bytes());
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&[8, colour_type, 0, 0, 0]);
    out.extend_from_slice(&[0; 4]); // CRC, not checked here
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(b"IEND");
    out.extend_from_slice(&[0; 4]);
    out
}

/// A JPEG header (SOI, APP0, SOF0) with the given size and component count.
pub fn jpeg_header(width: u16, height: u16, components: u8) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
    out.extend_from_slice(&[0xFF, 0xC0, 0x00, 8 + 3 * components, 8]);
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&width.to_be_bytes());
    out.push(components);
    for i in 0..components {
        out.extend_from_slice(&[i + 1, 0x11, 0]);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_png_headers() {
        let h = read_header(&png_header(1400, 1400, 2)).unwrap();
        assert_eq!((h.format, h.width, h.height), (Format::Png, 1400, 1400));
        assert_eq!((h.colour, h.alpha), (Colour::Rgb, false));
        assert!(read_header(&png_header(10, 10, 6)).unwrap().alpha);
        // Cut before the image data: transparency could still follow.
        let cut = png_header(10, 10, 2);
        assert!(read_header(&cut[..cut.len() - 12]).is_err());
        let starter = include_bytes!("../starter/cover.png");
        let h = read_header(starter).unwrap();
        assert_eq!(
            (h.width, h.height, h.colour, h.alpha),
            (1400, 1400, Colour::Rgb, false)
        );
    }

    #[test]
    fn reads_jpeg_headers() {
        let h = read_header(&jpeg_header(3000, 2999, 3)).unwrap();
        assert_eq!((h.format, h.width, h.height), (Format::Jpeg, 3000, 2999));
        assert_eq!(h.colour, Colour::Rgb);
        assert_eq!(
            read_header(&jpeg_header(1, 1, 4)).unwrap().colour,
            Colour::Cmyk
        );
        assert!(read_header(b"GIF89a").is_err());
        assert!(read_header(&[0xFF, 0xD8, 0xFF]).is_err());
    }
}
