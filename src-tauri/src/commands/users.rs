use crate::error::CommandResult;
use desk::Desk;
use desk::store::journal::JournalEntry;
use desk::store::roster::UserRecord;
use desk::users::NewUser;
use tauri::State;

#[tauri::command]
pub async fn users_list(desk: State<'_, Desk>) -> CommandResult<Vec<UserRecord>> {
    Ok(desk.users().await?)
}

#[tauri::command]
pub async fn user_create(desk: State<'_, Desk>, form: NewUser) -> CommandResult<UserRecord> {
    Ok(desk.create_user(form).await?)
}

#[tauri::command]
pub async fn journal_recent(
    desk: State<'_, Desk>,
    limit: Option<u32>,
) -> CommandResult<Vec<JournalEntry>> {
    Ok(desk.journal(limit.unwrap_or(100).min(1000)).await?)
}
