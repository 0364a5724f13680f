use super::DeskState;
use crate::error::CommandResult;
use desk::{EnvironmentInfo, EnvironmentKind};

#[tauri::command]
pub async fn environment_get(desk: DeskState<'_>) -> CommandResult<EnvironmentInfo> {
    Ok(desk.environment().await?)
}

#[tauri::command]
pub async fn environment_select(
    desk: DeskState<'_>,
    kind: EnvironmentKind,
    custom_url: Option<String>,
) -> CommandResult<EnvironmentInfo> {
    Ok(desk.select_environment(kind, custom_url).await?)
}
