//! Documents enter the desk only as files the operator picked in the native dialog or dropped
//! on the window. Each becomes a token: an unguessable id the UI may hold, with what the UI may
//! show (name, size, type judged by content, a thumbnail or page count). Uploads take tokens,
//! never paths, and re-check the file's hash first, so a forged token, a raw path, or a file
//! swapped after picking never reaches P100. The transport then reads the very file that was
//! checked ([`ReadyFile::transport_path`]), not whatever the path names by then.

use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use ts_rs::TS;

pub const MAX_BYTES: u64 = 5 * 1024 * 1024;
const THUMB_PX: u32 = 160;
/// Longest file name kept, in characters; a longer one keeps its start and its extension.
pub const MAX_NAME_CHARS: usize = 100;

/// What the UI knows of a picked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentToken {
    pub id: String,
    pub name: String,
    pub size: u64,
    /// `image/jpeg`, `image/png` or `application/pdf`, judged by content.
    pub mime: String,
    /// A small PNG `data:` URL for images.
    pub thumbnail: Option<String>,
}

/// A file the desk would not take, and why, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRejection {
    pub name: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Admitted {
    pub accepted: Vec<DocumentToken>,
    pub rejected: Vec<DocumentRejection>,
}

struct Picked {
    path: PathBuf,
    sha256: [u8; 32],
    token: DocumentToken,
}

/// A picked file, checked again just before sending.
#[derive(Debug, Clone)]
pub struct ReadyFile {
    pub path: PathBuf,
    pub name: String,
    pub mime: String,
    pub size: u64,
    /// The file as opened and hashed by the check; held open until the upload is over.
    file: Arc<std::fs::File>,
}

impl ReadyFile {
    /// What the transport should open to read the checked file. On Linux that is the handle
    /// the check read (`/proc/self/fd/N` opens the same file even if the path was swapped for a
    /// link or another file since, on every retry); elsewhere the path itself.
    /// Valid while this `ReadyFile` lives.
    pub fn transport_path(&self) -> PathBuf {
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let fd = PathBuf::from(format!("/proc/self/fd/{}", self.file.as_raw_fd()));
            if fd.exists() {
                return fd;
            }
        }
        self.path.clone()
    }

    /// The checked file's bytes, read through the handle the check hashed (at most
    /// [`MAX_BYTES`]: a file that grew since is refused, not read on).
    pub fn bytes(&self) -> std::io::Result<Vec<u8>> {
        use std::io::{Seek, SeekFrom};
        let mut file = &*self.file;
        file.seek(SeekFrom::Start(0))?;
        let mut bytes = Vec::with_capacity(self.size as usize);
        file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 != self.size {
            return Err(std::io::Error::other(format!(
                "{} changed while it was read; add it again",
                self.name
            )));
        }
        Ok(bytes)
    }
}

/// The session's picked files. Nothing is persisted: a restart forgets every token.
#[derive(Default)]
pub struct Documents {
    picked: Mutex<HashMap<String, Picked>>,
}

impl Documents {
    /// Checks each path and returns a token per acceptable file. Blocking (reads the files).
    pub fn admit(&self, paths: &[PathBuf]) -> Admitted {
        let mut out = Admitted::default();
        for path in paths {
            let name = display_name(path);
            match inspect(path) {
                Ok((sha256, mut token, _)) => {
                    token.name = name;
                    let id = uuid::Uuid::new_v4().to_string();
                    token.id = id.clone();
                    out.accepted.push(token.clone());
                    self.lock().insert(
                        id,
                        Picked {
                            path: path.clone(),
                            sha256,
                            token,
                        },
                    );
                }
                Err(message) => out.rejected.push(DocumentRejection { name, message }),
            }
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Picked>> {
        self.picked.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn token(&self, id: &str) -> Option<DocumentToken> {
        self.lock().get(id).map(|p| p.token.clone())
    }

    /// The file behind a token, after checking it is still the file that was picked.
    /// Blocking (hashes the file).
    pub fn ready(&self, id: &str) -> Result<ReadyFile, String> {
        let (path, sha, token) = {
            let picked = self.lock();
            let p = picked.get(id).ok_or_else(|| {
                "this document was not picked in this session; add it again".to_owned()
            })?;
            (p.path.clone(), p.sha256, p.token.clone())
        };
        let (now_sha, _, file) = inspect(&path).map_err(|m| format!("{}: {m}", token.name))?;
        if now_sha != sha {
            return Err(format!(
                "{} changed after it was picked; add it again",
                token.name
            ));
        }
        Ok(ReadyFile {
            path,
            name: token.name,
            mime: token.mime,
            size: token.size,
            file: Arc::new(file),
        })
    }

    pub fn forget(&self, id: &str) {
        self.lock().remove(id);
    }
}

fn human_size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// The name the operator, the timeline and P100 see: the last path component, with control
/// characters (a CR LF in a multipart `filename="…"` starts a new header line and breaks the
/// request), Unicode bidi controls (which make `invoice` + U+202E + `fdp.exe` read as
/// `invoiceexe.pdf`) and `"` and `\` (which multipart parsers unescape differently) each
/// replaced by `_`, and at most [`MAX_NAME_CHARS`] characters.
fn display_name(path: &Path) -> String {
    let raw = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: Vec<char> = raw
        .chars()
        .map(|c| if unsafe_in_name(c) { '_' } else { c })
        .collect();
    if clean.is_empty() {
        return "file".into();
    }
    if clean.len() <= MAX_NAME_CHARS {
        return clean.into_iter().collect();
    }
    // Keep a short extension (`.pdf`), since that is what tells a person what the file is.
    let ext = clean
        .iter()
        .rposition(|c| *c == '.')
        .filter(|&dot| dot > 0 && clean.len() - dot <= 10)
        .map_or(&[][..], |dot| &clean[dot..]);
    let head = MAX_NAME_CHARS - 1 - ext.len();
    clean[..head]
        .iter()
        .chain(['…'].iter())
        .chain(ext)
        .collect()
}

fn unsafe_in_name(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '"' | '\\' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Whether the opened file is the one `lstat` saw (not a link or another file swapped in
/// between the two).
#[cfg(unix)]
fn same_file(seen: &std::fs::Metadata, opened: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    seen.dev() == opened.dev() && seen.ino() == opened.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// Reads and judges one file: a regular file (not a link), at most 5 MB, JPEG/PNG/PDF by content.
/// Returns the file still open, so that what is sent later is what was judged.
fn inspect(path: &Path) -> Result<([u8; 32], DocumentToken, std::fs::File), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot be read ({e})"))?;
    if meta.file_type().is_symlink() {
        return Err("is a link; pick the file itself".into());
    }
    if !meta.is_file() {
        return Err("is not a file".into());
    }
    if meta.len() > MAX_BYTES {
        return Err(format!(
            "is {}; P100 accepts at most 5 MB per file",
            human_size(meta.len())
        ));
    }
    if meta.len() == 0 {
        return Err("is empty".into());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read ({e})"))?;
    let opened = file
        .metadata()
        .map_err(|e| format!("cannot be read ({e})"))?;
    if !opened.is_file() || !same_file(&meta, &opened) {
        return Err("was replaced while being opened; pick it again".into());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&file)
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read ({e})"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err("grew beyond 5 MB while being read".into());
    }
    let mime =
        sniff(&bytes).ok_or("is not a JPEG, PNG or PDF (judged by its content, not its name)")?;
    let sha256: [u8; 32] = Sha256::digest(&bytes).into();
    // PDFs get no thumbnail and no page count: counting pages takes a real parse of a file
    // built by whoever sent it (object streams, compressed page trees), which the desk does
    // not do for a hint (docs/decisions.md).
    let thumbnail = match mime {
        "application/pdf" => None,
        _ => thumbnail(&bytes),
    };
    let token = DocumentToken {
        id: String::new(),
        name: String::new(),
        size: bytes.len() as u64,
        mime: mime.to_owned(),
        thumbnail,
    };
    Ok((sha256, token, file))
}

pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// The largest image the desk decodes for a thumbnail: a 100-megapixel scan fits; a header that
/// claims more is not believed. Allocation is bounded too, whatever the header says.
pub const MAX_DECODE_SIDE: u32 = 12_000;
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// A small PNG of an image the right way up (EXIF orientation applied, as a phone's camera
/// means it), or none when it does not decode within the limits (the upload may still be
/// valid: P100 judges the file, the thumbnail is only for the operator).
fn thumbnail(bytes: &[u8]) -> Option<String> {
    use image::ImageDecoder as _;
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).ok()?;
    img.apply_orientation(orientation);
    let thumb = img.thumbnail(THUMB_PX, THUMB_PX);
    let mut png = Vec::new();
    thumb
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    Some(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_controls_and_bidi_overrides_and_keep_their_extension() {
        let name = |s: &str| display_name(Path::new(s));
        assert_eq!(name("/tmp/a\r\nb.pdf"), "a__b.pdf");
        assert_eq!(name("/tmp/invoice\u{202E}fdp.exe"), "invoice_fdp.exe");
        assert_eq!(name("/tmp/Zoë & Jo (1).pdf"), "Zoë & Jo (1).pdf");
        assert_eq!(name("/"), "file");
        let long = name(&format!("/tmp/{}.jpeg", "x".repeat(300)));
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert!(long.ends_with("x….jpeg"), "{long}");
        // No extension worth keeping: the start is kept.
        let dotless = name(&"y".repeat(300));
        assert_eq!(dotless.chars().count(), MAX_NAME_CHARS);
        assert!(dotless.ends_with("y…"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_transport_reads_the_checked_file_even_if_the_path_is_swapped_later() {
        let dir = std::env::temp_dir().join(format!("pd-docs-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        let picked = dir.join("id.pdf");
        let secret = dir.join("secret.pdf");
        std::fs::write(&picked, b"%PDF-1.4 the document").unwrap();
        std::fs::write(&secret, b"%PDF-1.4 something else entirely").unwrap();
        let docs = Documents::default();
        let id = docs.admit(std::slice::from_ref(&picked)).accepted[0]
            .id
            .clone();
        let ready = docs.ready(&id).unwrap();
        // After the last check, before (or between retries of) the transport's open: the path
        // now names a link to another file.
        std::fs::remove_file(&picked).unwrap();
        std::os::unix::fs::symlink(&secret, &picked).unwrap();
        let path = ready.transport_path();
        assert_ne!(path, picked);
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4 the document");
        // A second open (a retry) reads it from the start again.
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4 the document");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(test)]
mod viewer_tests {
    use super::*;

    #[test]
    fn the_viewer_gets_the_picked_bytes_and_nothing_once_the_file_changed() {
        let dir = tempfile::tempdir().unwrap();
        let picked = dir.path().join("bill.pdf");
        let content = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n%%EOF\n".to_vec();
        std::fs::write(&picked, &content).unwrap();
        let docs = Documents::default();
        let admitted = docs.admit(std::slice::from_ref(&picked));
        let id = admitted.accepted[0].id.clone();

        let ready = docs.ready(&id).unwrap();
        assert_eq!(ready.mime, "application/pdf");
        assert_eq!(ready.bytes().unwrap(), content);
        // Read twice (a second look in the viewer): from the start again.
        assert_eq!(ready.bytes().unwrap(), content);

        std::fs::write(&picked, b"%PDF-1.4 another file now").unwrap();
        let refused = docs.ready(&id).expect_err("a changed file is refused");
        assert!(refused.contains("changed after it was picked"), "{refused}");
        assert!(docs.ready("not-a-token").is_err());
    }
}
