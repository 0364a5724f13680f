//! Keys go in and are tested or removed here; no command returns one.

use super::DeskState;
use crate::error::CommandResult;
use desk::EnvironmentKind;
use desk::desk::{CredentialStatus, KeyTest};

#[tauri::command]
pub async fn credentials_list(desk: DeskState<'_>) -> CommandResult<Vec<CredentialStatus>> {
    Ok(desk.credentials().await?)
}

#[tauri::command]
pub async fn credentials_set(
    desk: DeskState<'_>,
    kind: EnvironmentKind,
    api_key: String,
) -> CommandResult<()> {
    Ok(desk.set_api_key(kind, api_key).await?)
}

#[tauri::command]
pub async fn credentials_remove(desk: DeskState<'_>, kind: EnvironmentKind) -> CommandResult<bool> {
    Ok(desk.remove_api_key(kind).await?)
}

#[tauri::command]
pub async fn credentials_test(
    desk: DeskState<'_>,
    kind: EnvironmentKind,
) -> CommandResult<KeyTest> {
    Ok(desk.test_api_key(kind).await?)
}
