//! Documents in (native dialog, window drops) and uploads out, with progress over a channel and
//! cancel. The webview only ever holds tokens.

use super::DeskState;
use crate::error::{CommandError, CommandResult};
use desk::documents::Admitted;
use desk::ledger::roster::UserRecord;
use p100::models::{DocumentType, KycFileSide};
use p100::upload::{ProgressFn, UploadProgress};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

/// Uploads under way, by the id the UI gave them, so that Cancel can stop one.
#[derive(Default)]
pub struct Uploads(Mutex<HashMap<String, tokio::task::AbortHandle>>);

impl Uploads {
    /// Stops the upload; `false` when none runs under that id (already finished).
    fn cancel(&self, upload_id: &str) -> bool {
        match self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(upload_id)
        {
            Some(handle) => {
                handle.abort();
                true
            }
            None => false,
        }
    }
}

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

async fn cancellable<T: Send + 'static>(
    uploads: &Uploads,
    upload_id: String,
    work: impl Future<Output = desk::Result<T>> + Send + 'static,
) -> CommandResult<T> {
    let task = tokio::spawn(work);
    uploads
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(upload_id.clone(), task.abort_handle());
    let outcome = task.await;
    uploads
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&upload_id);
    match outcome {
        Ok(result) => Ok(result?),
        Err(e) if e.is_cancelled() => Err(CommandError::cancelled()),
        Err(e) => Err(CommandError::internal(e.to_string())),
    }
}

#[tauri::command]
pub async fn kyc_upload(
    desk: DeskState<'_>,
    uploads: State<'_, Uploads>,
    upload_id: String,
    external_user_id: String,
    document_type: DocumentType,
    files: Vec<KycFileRef>,
    on_progress: Channel<UploadProgress>,
) -> CommandResult<UserRecord> {
    let desk = desk.inner().clone();
    let files = files.into_iter().map(|f| (f.side, f.token)).collect();
    let progress = reporter(on_progress);
    cancellable(&uploads, upload_id, async move {
        desk.add_kyc_files(&external_user_id, document_type, files, Some(progress))
            .await
    })
    .await
}

#[tauri::command]
pub async fn poa_upload(
    desk: DeskState<'_>,
    uploads: State<'_, Uploads>,
    upload_id: String,
    external_user_id: String,
    tokens: Vec<String>,
    on_progress: Channel<UploadProgress>,
) -> CommandResult<UserRecord> {
    let desk = desk.inner().clone();
    let progress = reporter(on_progress);
    cancellable(&uploads, upload_id, async move {
        desk.add_poa_files(&external_user_id, tokens, Some(progress))
            .await
    })
    .await
}

#[tauri::command]
pub fn upload_cancel(uploads: State<'_, Uploads>, upload_id: String) -> bool {
    uploads.cancel(&upload_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn cancel_stops_the_upload_task_and_says_so() {
        let uploads = Arc::new(Uploads::default());
        let finished = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let done = finished.clone();
        let running = {
            let uploads = uploads.clone();
            tokio::spawn(async move {
                cancellable(&uploads, "u1".into(), async move {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    done.store(true, std::sync::atomic::Ordering::SeqCst);
                    Ok(())
                })
                .await
            })
        };
        while uploads.0.lock().unwrap().is_empty() {
            tokio::task::yield_now().await;
        }
        assert!(uploads.cancel("u1"));
        let err = running.await.unwrap().unwrap_err();
        assert_eq!(err.code, "cancelled");
        assert!(!finished.load(std::sync::atomic::Ordering::SeqCst));
        assert!(
            uploads.0.lock().unwrap().is_empty(),
            "nothing left registered"
        );
    }

    #[tokio::test]
    async fn a_finished_upload_is_no_longer_cancellable() {
        let uploads = Uploads::default();
        let out: CommandResult<u8> = cancellable(&uploads, "u2".into(), async { Ok(7) }).await;
        assert_eq!(out.unwrap(), 7);
        assert!(!uploads.cancel("u2"), "nothing to cancel once finished");
    }
}
