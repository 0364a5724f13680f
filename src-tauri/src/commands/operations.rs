//! Operations in flight and left open: cancel a retry wait, list, send again, resolve.

use super::DeskState;
use crate::error::CommandResult;
use desk::ledger::roster::UserRecord;
use desk::recovery::OpenOperation;

#[tauri::command]
pub async fn operation_cancel(desk: DeskState<'_>, operation_id: String) -> CommandResult<bool> {
    Ok(desk.cancel_operation(&operation_id))
}

#[tauri::command]
pub async fn operations_open(desk: DeskState<'_>) -> CommandResult<Vec<OpenOperation>> {
    Ok(desk.open_operations().await?)
}

#[tauri::command]
pub async fn operation_retry(
    desk: DeskState<'_>,
    operation_id: String,
) -> CommandResult<UserRecord> {
    Ok(desk.retry_operation(&operation_id).await?)
}

#[tauri::command]
pub async fn operation_resolve(
    desk: DeskState<'_>,
    operation_id: String,
    happened: bool,
) -> CommandResult<()> {
    Ok(desk.resolve_operation(&operation_id, happened).await?)
}
