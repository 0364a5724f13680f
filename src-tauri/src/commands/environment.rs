use crate::error::CommandResult;
use desk::{Desk, EnvironmentInfo, EnvironmentKind};
use tauri::State;

#[tauri::command]
pub async fn environment_get(desk: State<'_, Desk>) -> CommandResult<EnvironmentInfo> {
    Ok(desk.environment().await?)
}

#[tauri::command]
pub async fn environment_select(
    desk: State<'_, Desk>,
    kind: EnvironmentKind,
    custom_url: Option<String>,
) -> CommandResult<EnvironmentInfo> {
    Ok(desk.select_environment(kind, custom_url).await?)
}
