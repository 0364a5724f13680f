//! Live sync settings: the webhook receiver's address and tokens (set or removed, never read).

use super::DeskState;
use crate::error::CommandResult;
use desk::EnvironmentKind;
use desk::sync::SyncStatus;

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
