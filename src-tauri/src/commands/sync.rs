//! Live sync settings: the webhook receiver's address and tokens (set or removed, never read).

use super::DeskState;
use crate::error::CommandResult;
use desk::EnvironmentKind;
use desk::sync::SyncStatus;
use serde::Serialize;
use ts_rs::TS;

/// What the page learns of a token the desk generated: that it is on the clipboard, for how
/// long, and a fingerprint to tell it by. Never the token.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedToken {
    pub status: SyncStatus,
    pub fingerprint: String,
    pub clipboard_cleared_after_secs: u64,
}

#[tauri::command]
pub async fn sync_status(desk: DeskState<'_>) -> CommandResult<SyncStatus> {
    Ok(desk.sync_status().await?)
}

#[tauri::command]
pub async fn webhook_token_set(
    desk: DeskState<'_>,
    kind: EnvironmentKind,
    token: String,
) -> CommandResult<SyncStatus> {
    Ok(desk.set_webhook_token(kind, token).await?)
}

/// A new random token for `kind`, copied to the OS clipboard by Rust (the page never sees it).
#[tauri::command]
pub async fn webhook_token_generate(
    desk: DeskState<'_>,
    kind: EnvironmentKind,
) -> CommandResult<GeneratedToken> {
    let (status, token) = desk
        .generate_webhook_token(kind, |t| {
            crate::clipboard::copy_secret(t.reveal_to_operator())
        })
        .await?;
    Ok(GeneratedToken {
        status,
        fingerprint: token.fingerprint(),
        clipboard_cleared_after_secs: crate::clipboard::CLEAR_AFTER.as_secs(),
    })
}

#[tauri::command]
pub async fn webhook_token_remove(
    desk: DeskState<'_>,
    kind: EnvironmentKind,
) -> CommandResult<SyncStatus> {
    Ok(desk.remove_webhook_token(kind).await?)
}

#[tauri::command]
pub async fn webhook_port_set(desk: DeskState<'_>, port: u16) -> CommandResult<SyncStatus> {
    Ok(desk.set_webhook_port(port).await?)
}
