//! Documents from operators' desktops, on to P100: `POST /api/user/kyc-files/{externalUserId}`
//! and `/api/user/poa-files/{externalUserId}` take P100's own multipart shape (`documentType`,
//! then a part per side; or 1 to 3 `files` parts).
//!
//! Each part is streamed to a private spool file as it arrives, never held whole: memory stays
//! at a chunk per request whatever the files' size. The desk core then admits the spooled files
//! exactly as it admits a desktop's (type by content, size, image dimensions) and runs the
//! upload as the operator, through the outbox and journal; P100's retries re-read the spool,
//! which a pass-through stream could not give them. The spool is removed when the request ends,
//! however it ends.

use super::Hub;
use super::failure::Failure;
use crate::operators::Authenticated;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Extension, Json, Router};
use desk::api::Access;
use desk::documents::MAX_BYTES;
use desk::ledger::roster::UserRecord;
use p100::models::{DocumentType, KycFileSide};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Three files of the largest size P100 takes, and the multipart framing around them.
const MAX_BODY_BYTES: usize = 3 * MAX_BYTES as usize + 64 * 1024;
/// At most this many file parts in one request (P100's POA limit; KYC has at most 3 sides).
const MAX_FILES: usize = 3;
/// The longest text part read (`documentType`).
const MAX_TEXT_BYTES: usize = 64;

pub fn router() -> Router<Arc<Hub>> {
    Router::new()
        .route("/api/user/kyc-files/{externalUserId}", post(kyc_files))
        .route("/api/user/poa-files/{externalUserId}", post(poa_files))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The files of one request on disk, removed when it is dropped.
struct Spool {
    dir: tempfile::TempDir,
    /// Each file part: its field name and where it was written.
    files: Vec<(String, PathBuf)>,
    document_type: Option<String>,
}

impl Spool {
    fn new() -> Result<Self, Failure> {
        // tempfile makes the directory 0700: other local users cannot read the documents.
        let dir = tempfile::Builder::new()
            .prefix("partner-desk-hub-upload-")
            .tempdir()
            .map_err(|e| Failure::internal(format!("cannot make a spool directory: {e}")))?;
        Ok(Self {
            dir,
            files: Vec::new(),
            document_type: None,
        })
    }

    /// Reads the whole multipart body: text parts kept, file parts written to disk, every limit
    /// checked as the bytes arrive.
    async fn receive(mut self, mut multipart: Multipart, text: &[&str]) -> Result<Self, Failure> {
        while let Some(field) = multipart.next_field().await.map_err(refused_body)? {
            let name = field.name().unwrap_or_default().to_owned();
            if field.file_name().is_none() {
                if !text.contains(&name.as_str()) {
                    return Err(Failure::invalid(&name, "is not a field of this upload"));
                }
                let value = read_text(field, &name).await?;
                self.document_type = Some(value);
                continue;
            }
            if self.files.len() == MAX_FILES {
                return Err(Failure::invalid(
                    "files",
                    format!("send at most {MAX_FILES} files"),
                ));
            }
            let path = self.spool_path(&field);
            write_part(field, &name, &path).await?;
            self.files.push((name, path));
        }
        Ok(self)
    }

    /// `<spool>/<n>/<name>`: the sender's file name, reduced to one safe path component, so the
    /// timeline and P100 see the name the operator picked.
    fn spool_path(&self, field: &Field<'_>) -> PathBuf {
        let raw = field.file_name().unwrap_or_default();
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let clean: String = last
            .chars()
            .filter(|c| *c != '\0')
            .take(desk::documents::MAX_NAME_CHARS)
            .collect();
        let name = match clean.trim() {
            "" | "." | ".." => "file".to_owned(),
            c => c.to_owned(),
        };
        self.dir
            .path()
            .join(self.files.len().to_string())
            .join(name)
    }

    /// Admits each spooled file through the desk core; a file it refuses is refused at its
    /// field. Returns each file's field and token.
    async fn admit(&self, desk: &desk::Desk) -> Result<Vec<(String, String)>, Failure> {
        let mut tokens = Vec::new();
        for (field, path) in &self.files {
            let admitted = desk.admit_files(vec![path.clone()]).await?;
            match (admitted.accepted.first(), admitted.rejected.first()) {
                (Some(token), _) => tokens.push((field.clone(), token.id.clone())),
                (None, Some(rejected)) => {
                    desk.forget_files(&ids(&tokens));
                    return Err(Failure::invalid(field, rejected.message.clone()));
                }
                (None, None) => {
                    desk.forget_files(&ids(&tokens));
                    return Err(Failure::internal(
                        "a received file was neither taken nor refused",
                    ));
                }
            }
        }
        Ok(tokens)
    }
}

fn ids(tokens: &[(String, String)]) -> Vec<String> {
    tokens.iter().map(|(_, id)| id.clone()).collect()
}

async fn read_text(mut field: Field<'_>, name: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(refused_body)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_BYTES {
            return Err(Failure::invalid(name, "is longer than any value it takes"));
        }
    }
    String::from_utf8(bytes).map_err(|_| Failure::invalid(name, "is not UTF-8 text"))
}

/// Writes one file part to `path` chunk by chunk, refusing it at its field once it is larger
/// than P100 takes (without reading the rest).
async fn write_part(
    mut field: Field<'_>,
    name: &str,
    path: &std::path::Path,
) -> Result<(), Failure> {
    let write_failed = |e: std::io::Error| Failure::internal(format!("cannot spool a file: {e}"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir(dir).map_err(write_failed)?;
    }
    let mut file = std::fs::File::create(path).map_err(write_failed)?;
    let mut written = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(refused_body)? {
        written += chunk.len() as u64;
        if written > MAX_BYTES {
            return Err(Failure::invalid(
                name,
                format!(
                    "is larger than P100 takes ({} MB at most)",
                    MAX_BYTES / 1024 / 1024
                ),
            ));
        }
        // A chunk is at most a few tens of KiB into the page cache: writing it inline is
        // shorter than a hand-off to a blocking thread. No fsync: the spool outlives nothing.
        file.write_all(&chunk).map_err(write_failed)?;
    }
    Ok(())
}

/// A body that broke off, went over the limit or is not multipart.
fn refused_body(e: MultipartError) -> Failure {
    let status = e.status();
    let message = e.body_text();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return Failure::new(
            status,
            "invalid",
            format!("the upload is larger than {MAX_BODY_BYTES} bytes"),
        );
    }
    Failure::new(
        StatusCode::BAD_REQUEST,
        "invalid",
        format!("not a readable multipart upload: {message}"),
    )
}

/// The role check, before a byte of the body is read.
fn may_upload(who: &Authenticated) -> Result<(), Failure> {
    if who.role.allows(Access::Operate) {
        Ok(())
    } else {
        Err(Failure::forbidden(who.role.as_str(), "upload documents"))
    }
}

async fn kyc_files(
    State(hub): State<Arc<Hub>>,
    Extension(who): Extension<Authenticated>,
    Path(external_user_id): Path<String>,
    multipart: Multipart,
) -> Result<Json<UserRecord>, Failure> {
    may_upload(&who)?;
    let spool = Spool::new()?.receive(multipart, &["documentType"]).await?;
    let document_type: DocumentType = match spool.document_type.as_deref() {
        None => return Err(Failure::invalid("documentType", "is required")),
        Some(t) => {
            serde_json::from_value(serde_json::Value::String(t.to_owned())).map_err(|_| {
                Failure::invalid("documentType", format!("{t:?} is not a document type"))
            })?
        }
    };
    let mut sides = Vec::new();
    for (field, _) in &spool.files {
        let side: KycFileSide = serde_json::from_value(serde_json::Value::String(field.clone()))
            .map_err(|_| Failure::invalid(field, "is not a side: send front, back or selfie"))?;
        sides.push(side);
    }
    send_admitted(&hub, &who, &spool, |desk, ids| async move {
        let files = sides.into_iter().zip(ids).collect();
        desk.add_kyc_files(&external_user_id, document_type, files, None)
            .await
    })
    .await
}

async fn poa_files(
    State(hub): State<Arc<Hub>>,
    Extension(who): Extension<Authenticated>,
    Path(external_user_id): Path<String>,
    multipart: Multipart,
) -> Result<Json<UserRecord>, Failure> {
    may_upload(&who)?;
    let spool = Spool::new()?.receive(multipart, &[]).await?;
    if let Some((field, _)) = spool.files.iter().find(|(f, _)| f != "files") {
        return Err(Failure::invalid(
            field,
            "proof of address is sent as `files` parts",
        ));
    }
    send_admitted(&hub, &who, &spool, |desk, ids| async move {
        desk.add_poa_files(&external_user_id, ids, None).await
    })
    .await
}

/// Admits the spooled files as the operator, sends them with `send` (given the desk and the
/// files' tokens, in the parts' order), and forgets the tokens however the send ended.
async fn send_admitted<Sent>(
    hub: &Hub,
    who: &Authenticated,
    spool: &Spool,
    send: impl FnOnce(desk::Desk, Vec<String>) -> Sent,
) -> Result<Json<UserRecord>, Failure>
where
    Sent: Future<Output = desk::Result<UserRecord>>,
{
    let desk = hub.desk_for(&who.name);
    let tokens = ids(&spool.admit(&desk).await?);
    let sent = send(desk.clone(), tokens.clone()).await;
    desk.forget_files(&tokens);
    Ok(Json(sent?))
}
