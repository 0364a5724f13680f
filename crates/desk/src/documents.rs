//! Documents enter the desk only as files the operator picked in the native dialog or dropped
//! on the window. Each becomes a token: an unguessable id the UI may hold, with what the UI may
//! show (name, size, type judged by content, a thumbnail or page count). Uploads take tokens,
//! never paths, and re-check the file's hash first, so a forged token, a raw path, or a file
//! swapped after picking never reaches P100.

use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use ts_rs::TS;

pub const MAX_BYTES: u64 = 5 * 1024 * 1024;
const THUMB_PX: u32 = 160;

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
    /// Page count for PDFs (counted from the page objects; a hint, not a parse).
    pub pages: Option<u32>,
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
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".into());
            match inspect(path) {
                Ok((sha256, mut token)) => {
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
        let (now_sha, _) = inspect(&path).map_err(|m| format!("{}: {m}", token.name))?;
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
        })
    }

    pub fn forget(&self, id: &str) {
        self.lock().remove(id);
    }
}

fn human_size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// Reads and judges one file: a regular file (not a link), at most 5 MB, JPEG/PNG/PDF by content.
fn inspect(path: &Path) -> Result<([u8; 32], DocumentToken), String> {
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
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot be read ({e})"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err("grew beyond 5 MB while being read".into());
    }
    let mime =
        sniff(&bytes).ok_or("is not a JPEG, PNG or PDF (judged by its content, not its name)")?;
    let sha256: [u8; 32] = Sha256::digest(&bytes).into();
    let (thumbnail, pages) = match mime {
        "application/pdf" => (None, Some(pdf_pages(&bytes))),
        _ => (thumbnail(&bytes), None),
    };
    let token = DocumentToken {
        id: String::new(),
        name: String::new(),
        size: bytes.len() as u64,
        mime: mime.to_owned(),
        thumbnail,
        pages,
    };
    Ok((sha256, token))
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

/// A small PNG of an image, or none when it does not decode (the upload may still be valid).
fn thumbnail(bytes: &[u8]) -> Option<String> {
    let img = image::load_from_memory(bytes).ok()?;
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

/// Counts `/Type /Page` objects (not `/Pages`): right for ordinary PDFs, at least 1.
fn pdf_pages(bytes: &[u8]) -> u32 {
    let mut n = 0;
    let mut i = 0;
    while let Some(pos) = find(&bytes[i..], b"/Type") {
        let mut j = i + pos + 5;
        while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\n' || bytes[j] == b'\r') {
            j += 1;
        }
        let rest = &bytes[j..];
        if rest.starts_with(b"/Page") && !rest[5..].starts_with(b"s") {
            n += 1;
        }
        i = j;
    }
    n.max(1)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_from_page_objects() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 2 >>\n2 0 obj << /Type /Page >>\n3 0 obj <</Type/Page>>";
        assert_eq!(pdf_pages(pdf), 2);
        assert_eq!(pdf_pages(b"%PDF-1.4\n"), 1);
    }
}
