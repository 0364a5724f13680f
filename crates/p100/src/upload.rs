//! Streaming multipart uploads with progress: files are read from disk in 64 KiB chunks as the
//! request goes out, never held whole in memory.

use crate::error::{Error, Result};
use futures_util::StreamExt;
use reqwest::multipart::{Form, Part};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use tokio_util::io::ReaderStream;
use ts_rs::TS;

const CHUNK: usize = 64 * 1024;

/// One file of an upload request. The caller has already checked it (type by content, size).
#[derive(Debug, Clone)]
pub struct UploadFile {
    /// Multipart field: `files` for POA, `front`/`back`/`selfie` for KYC files.
    pub field: String,
    pub file_name: String,
    pub mime: String,
    pub path: PathBuf,
    /// The size the request promises; a file that changed since is refused by the transport.
    pub size: u64,
}

/// Bytes of one file sent so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadProgress {
    /// Index of the file in the request.
    pub file: u32,
    pub sent: u64,
    pub total: u64,
}

/// Called from the upload task each time a chunk has been handed to the connection.
pub type ProgressFn = Arc<dyn Fn(UploadProgress) + Send + Sync>;

/// The multipart body: text fields first, then each file as a stream.
pub(crate) async fn form(
    text: &[(&str, String)],
    files: &[UploadFile],
    progress: Option<ProgressFn>,
) -> Result<Form> {
    let mut form = Form::new();
    for (k, v) in text {
        form = form.text(k.to_string(), v.clone());
    }
    for (i, f) in files.iter().enumerate() {
        let file = tokio::fs::File::open(&f.path)
            .await
            .map_err(|e| Error::Transport(format!("cannot read {}: {e}", f.file_name)))?;
        let total = f.size;
        let progress = progress.clone();
        let mut sent = 0u64;
        let stream = ReaderStream::with_capacity(file, CHUNK).map(move |chunk| {
            if let (Ok(bytes), Some(report)) = (&chunk, &progress) {
                sent += bytes.len() as u64;
                report(UploadProgress {
                    file: i as u32,
                    sent,
                    total,
                });
            }
            chunk
        });
        let part = Part::stream_with_length(reqwest::Body::wrap_stream(stream), total)
            .file_name(f.file_name.clone())
            .mime_str(&f.mime)
            .map_err(|e| Error::Transport(format!("bad type for {}: {e}", f.file_name)))?;
        form = form.part(f.field.clone(), part);
    }
    Ok(form)
}
