//! What the board, the funnel and a user's timeline read.

use super::DeskState;
use crate::error::CommandResult;
use desk::EnvironmentKind;
use desk::ledger::events::TimelineEvent;
use desk::ledger::funnel::Funnel;

#[tauri::command]
pub async fn user_timeline(
    desk: DeskState<'_>,
    external_user_id: String,
) -> CommandResult<Vec<TimelineEvent>> {
    Ok(desk.timeline(&external_user_id).await?)
}

#[tauri::command]
pub async fn funnel_get(
    desk: DeskState<'_>,
    environment: Option<EnvironmentKind>,
    from: Option<String>,
) -> CommandResult<Funnel> {
    Ok(desk.funnel(environment, from).await?)
}
