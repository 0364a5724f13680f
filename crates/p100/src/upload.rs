//! Streaming multipart uploads with progress: files are read from disk in 256 KiB chunks as the
//! request goes out, never held whole in memory.

use crate::error::{Error, Result};
use futures_util::StreamExt;
use reqwest::multipart::{Form, Part};
use serde::Serialize;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use ts_rs::TS;

/// Bytes per read. Bigger reads mean fewer hand-offs between the reading thread and the
/// connection; 256 KiB keeps a 5 MB file's progress bar moving in 20 steps.
const CHUNK: usize = 256 * 1024;
/// Chunks read ahead of the connection: reading the next one overlaps sending this one, and
/// memory stays bounded at about (AHEAD + 2) × CHUNK per file, whatever its size. On the sandbox
/// (bench/upload-bench, 3 × 5 MiB) this and CHUNK took the upload from 10.7 ms (64 KiB read
/// only when asked for, as `ReaderStream` does) to ~6.2 ms; the same request from memory is ~5.
const AHEAD: usize = 2;

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

/// The multipart body: text fields first, then each file as a stream. Public for the desk's
/// connection to its team's hub, which takes the same upload shape as P100.
pub async fn form(
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
            .map_err(|e| Error::Transport(format!("cannot read {}: {e}", f.file_name)))?
            .into_std()
            .await;
        let total = f.size;
        let progress = progress.clone();
        let mut sent = 0u64;
        let stream = read_ahead(file).map(move |chunk| {
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

/// The file's chunks, read by a blocking-pool thread that starts on the first poll (so the
/// files of a request are read one after the other, as they are sent) and stays AHEAD chunks in
/// front of the connection. Dropping the stream (a cancelled or retried request) stops it.
fn read_ahead(
    mut file: std::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send {
    futures_util::stream::once(async move {
        let (tx, mut rx) = tokio::sync::mpsc::channel(AHEAD);
        tokio::task::spawn_blocking(move || {
            loop {
                // read_to_end reads into the spare capacity: no zeroing 256 KiB per chunk.
                let mut buf = Vec::with_capacity(CHUNK);
                let read = match (&mut file).take(CHUNK as u64).read_to_end(&mut buf) {
                    Ok(0) => return,
                    Ok(_) => Ok(buf),
                    Err(e) => Err(e),
                };
                let failed = read.is_err();
                if tx.blocking_send(read).is_err() || failed {
                    return;
                }
            }
        });
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
    })
    .flatten()
}
