//! `multipart/form-data` bodies built from fuzz bytes, so that most inputs get past the framing
//! and into the upload handlers' own rules (field names, document types, file sniffing, sizes).

use crate::input::Input;

pub const BOUNDARY: &str = "fuzz-boundary-7MA4YWxkTrZu0gW";

/// Field names the upload routes know, and a few they refuse.
const FIELD_NAMES: &[&[u8]] = &[
    b"documentType",
    b"front",
    b"back",
    b"selfie",
    b"files",
    b"files[]",
    b"file",
    b"",
];

const FILE_NAMES: &[&[u8]] = &[
    b"passport.jpg",
    b"selfie.png",
    b"bill.pdf",
    b"error.jpg",
    b"reject.pdf",
    b"question.pdf",
    b"manual.pdf",
    b"",
];

const TEXT_VALUES: &[&[u8]] = &[
    b"PASSPORT",
    b"ID_CARD",
    b"RESIDENCE_PERMIT",
    b"DRIVER_LICENSE",
    b"passport",
    b"",
];

const PART_TYPES: &[&[u8]] = &[
    b"image/jpeg",
    b"image/png",
    b"application/pdf",
    b"text/plain",
    b"application/octet-stream",
];

/// The smallest heads the sandbox's content sniffer accepts.
const MAGIC: [&[u8]; 4] = [
    b"",
    b"\xFF\xD8\xFF\xE0",
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-1.7\n",
];

/// Just over the sandbox's 5 MB per-file limit (P440).
const OVERSIZE: usize = 5 * 1024 * 1024 + 1;

/// Reads parts until the input runs out (at most 8). Each part is a flags byte, then its name,
/// then — per the flags — a file name and a part `Content-Type`, then its content:
///
/// * bit 0: a file part (`filename=` given); else a text field
/// * bit 1: the part carries a `Content-Type`
/// * bits 2-3: the file starts with nothing, a JPEG, PNG or PDF head
/// * bits 4-7 all set: the file is padded past 5 MB (rare on purpose: it is slow)
///
/// The closing delimiter is left out when the last flags byte has bit 0 of its `end` byte set.
pub fn body(inp: &mut Input<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    let count = inp.byte() % 9;
    for _ in 0..count {
        let flags = inp.byte();
        let name = inp.pick(FIELD_NAMES);
        out.extend_from_slice(b"--");
        out.extend_from_slice(BOUNDARY.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        out.extend_from_slice(name);
        out.push(b'"');
        let file = flags & 1 != 0;
        if file {
            out.extend_from_slice(b"; filename=\"");
            out.extend_from_slice(inp.pick(FILE_NAMES));
            out.push(b'"');
        }
        out.extend_from_slice(b"\r\n");
        if flags & 2 != 0 {
            out.extend_from_slice(b"Content-Type: ");
            out.extend_from_slice(inp.pick(PART_TYPES));
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if file {
            out.extend_from_slice(MAGIC[usize::from(flags >> 2) & 3]);
            let len = usize::from(inp.byte());
            out.extend_from_slice(inp.bytes(len));
            if flags & 0xF0 == 0xF0 {
                out.resize(out.len() + OVERSIZE, b'.');
            }
        } else {
            out.extend_from_slice(inp.pick(TEXT_VALUES));
        }
        out.extend_from_slice(b"\r\n");
    }
    if inp.byte() & 1 == 0 {
        out.extend_from_slice(b"--");
        out.extend_from_slice(BOUNDARY.as_bytes());
        out.extend_from_slice(b"--\r\n");
    }
    out
}
