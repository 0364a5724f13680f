//! Keys go in and are tested or removed here; no command returns one.

use crate::error::CommandResult;
use desk::desk::{CredentialStatus, KeyTest};
use desk::{Desk, EnvironmentKind};
use tauri::State;

#[tauri::command]
pub async fn credentials_list(desk: State<'_, Desk>) -> CommandResult<Vec<CredentialStatus>> {
    Ok(desk.credentials().await?)
}

#[tauri::command]
pub async fn credentials_set(
    desk: State<'_, Desk>,
    kind: EnvironmentKind,
    api_key: String,
) -> CommandResult<()> {
    Ok(desk.set_api_key(kind, api_key).await?)
}

#[tauri::command]
pub async fn credentials_remove(
    desk: State<'_, Desk>,
    kind: EnvironmentKind,
) -> CommandResult<bool> {
    Ok(desk.remove_api_key(kind).await?)
}

#[tauri::command]
pub async fn credentials_test(
    desk: State<'_, Desk>,
    kind: EnvironmentKind,
) -> CommandResult<KeyTest> {
    Ok(desk.test_api_key(kind).await?)
}
