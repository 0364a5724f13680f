//! Documents in (native dialog, window drops) and uploads out, with progress over a channel and
//! cancel. The webview only ever holds tokens. In team mode the desk core streams the files to
//! the hub, which sends them on to P100.

use super::DeskState;
use crate::error::CommandResult;
use desk::documents::Admitted;
use desk::ledger::roster::UserRecord;
use p100::models::{DocumentType, KycFileSide};
use p100::upload::{ProgressFn, UploadProgress};
use serde::Deserialize;
use std::sync::Arc;
use tauri::ipc::Channel;
use ts_rs::TS;

/// The native file dialog (GTK on Linux). Async: a dialog opened from the main thread would
/// block the event loop.
#[tauri::command]
pub async fn documents_pick(desk: DeskState<'_>, multiple: bool) -> CommandResult<Admitted> {
    let dialog = rfd::AsyncFileDialog::new()
        .set_title("Add documents")
        .add_filter(
            "Documents (JPEG, PNG, PDF)",
            &["jpg", "jpeg", "png", "pdf", "JPG", "JPEG", "PNG", "PDF"],
        )
        .add_filter("All files", &["*"]);
    let paths: Vec<_> = if multiple {
        dialog
            .pick_files()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|f| f.path().to_path_buf())
            .collect()
    } else {
        dialog
            .pick_file()
            .await
            .map(|f| vec![f.path().to_path_buf()])
            .unwrap_or_default()
    };
    Ok(desk.admit_files(paths).await?)
}

/// One KYC image and the side it shows.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KycFileRef {
    pub side: KycFileSide,
    pub token: String,
}

fn reporter(channel: Channel<UploadProgress>) -> ProgressFn {
    Arc::new(move |p| {
        // A closed channel (window reloaded) must not fail the upload.
        let _ = channel.send(p);
    })
}

#[tauri::command]
pub async fn kyc_upload(
    desk: DeskState<'_>,
    upload_id: String,
    external_user_id: String,
    document_type: DocumentType,
    files: Vec<KycFileRef>,
    on_progress: Channel<UploadProgress>,
) -> CommandResult<UserRecord> {
    let files = files.into_iter().map(|f| (f.side, f.token)).collect();
    let progress = reporter(on_progress);
    let upload = desk.add_kyc_files(&external_user_id, document_type, files, Some(progress));
    Ok(desk.cancellable(&upload_id, upload).await?)
}

#[tauri::command]
pub async fn poa_upload(
    desk: DeskState<'_>,
    upload_id: String,
    external_user_id: String,
    tokens: Vec<String>,
    on_progress: Channel<UploadProgress>,
) -> CommandResult<UserRecord> {
    let progress = reporter(on_progress);
    let upload = desk.add_poa_files(&external_user_id, tokens, Some(progress));
    Ok(desk.cancellable(&upload_id, upload).await?)
}

/// Uploads and retry waits share the desk's one cancel registry.
#[tauri::command]
pub fn upload_cancel(desk: DeskState<'_>, upload_id: String) -> bool {
    desk.cancel_operation(&upload_id)
}

/// A picked document's bytes, for the viewer: the page renders them (an image through a blob
/// URL, a PDF through pdf.js) and never learns where the file is.
#[tauri::command]
pub async fn document_bytes(
    desk: DeskState<'_>,
    token: String,
) -> CommandResult<tauri::ipc::Response> {
    let (_mime, bytes) = desk.document_contents(token).await?;
    Ok(tauri::ipc::Response::new(bytes))
}
