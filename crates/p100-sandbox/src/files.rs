//! Multipart uploads as P100 judges them: JPEG, PNG or PDF by content (not by name or declared
//! type), at most 5 MB each. Files are streamed and only their first bytes are kept: the sandbox
//! needs the verdict, not the document.

use crate::error::ApiError;
use axum::extract::{FromRequest, Multipart, Request};
use std::collections::BTreeMap;

pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// Whole-request ceiling for upload routes: three maximal files plus form overhead.
pub const MAX_UPLOAD_BODY: usize = 3 * MAX_FILE_BYTES as usize + 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub file_name: String,
    pub size: u64,
    /// The type the content shows, if it is one P100 accepts.
    pub mime: Option<&'static str>,
}

impl Upload {
    /// P426 / P440, in that order, as P100 lists them.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.mime.is_none() {
            return Err(ApiError::invalid_file_type(&self.file_name));
        }
        if self.size > MAX_FILE_BYTES {
            return Err(ApiError::file_too_large(&self.file_name));
        }
        Ok(())
    }
}

/// What a multipart body carried: its files, and its short text fields.
pub struct Form {
    pub files: Vec<Upload>,
    pub text: BTreeMap<String, String>,
}

pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Reads a `multipart/form-data` body. A part with a file name is a file; any other part is a
/// text field (at most 1 KiB). A body that is not multipart is a `P403`.
pub async fn read_form(req: Request) -> Result<Form, ApiError> {
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|_| ApiError::validation_message("body must be multipart/form-data."))?;
    let mut files = Vec::new();
    let mut text = BTreeMap::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::validation_message(format!(
                    "multipart body is malformed: {e}."
                )));
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let mut field = field;
                let mut head = Vec::with_capacity(16);
                let mut size = 0u64;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if head.len() < 16 {
                                let take = (16 - head.len()).min(chunk.len());
                                head.extend_from_slice(&chunk[..take]);
                            }
                            size += chunk.len() as u64;
                        }
                        Ok(None) => break,
                        Err(e) => {
                            return Err(ApiError::validation_message(format!(
                                "file {file_name} could not be read: {e}."
                            )));
                        }
                    }
                }
                files.push(Upload {
                    field: name,
                    file_name,
                    size,
                    mime: sniff(&head),
                });
            }
            None => {
                let value = field.text().await.map_err(|e| {
                    ApiError::validation_message(format!("field {name} could not be read: {e}."))
                })?;
                if value.len() > 1024 {
                    return Err(ApiError::validation_message(format!(
                        "{name} must be at most 1024 characters."
                    )));
                }
                text.insert(name, value);
            }
        }
    }
    Ok(Form { files, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }
}
