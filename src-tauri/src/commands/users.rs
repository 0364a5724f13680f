//! User account operations.

use super::DeskState;
use crate::error::CommandResult;
use desk::ledger::journal::{JournalEntry, JournalFilter};
use desk::ledger::roster::UserRecord;
use desk::users::{NewUser, VerificationForm};
use p100::models::{TransactionPage, TransactionQuery, UserBalances, UserProfile};

#[tauri::command]
pub async fn users_list(desk: DeskState<'_>) -> CommandResult<Vec<UserRecord>> {
    Ok(desk.users().await?)
}

#[tauri::command]
pub async fn user_create(desk: DeskState<'_>, form: NewUser) -> CommandResult<UserRecord> {
    Ok(desk.create_user(form).await?)
}

#[tauri::command]
pub async fn user_update(
    desk: DeskState<'_>,
    external_user_id: String,
    profile: UserProfile,
) -> CommandResult<UserRecord> {
    Ok(desk.update_user(&external_user_id, profile).await?)
}

#[tauri::command]
pub async fn user_delete(
    desk: DeskState<'_>,
    external_user_id: String,
    confirmation: String,
) -> CommandResult<UserRecord> {
    Ok(desk.delete_user(&external_user_id, &confirmation).await?)
}

#[tauri::command]
pub async fn user_suspend(
    desk: DeskState<'_>,
    external_user_id: String,
    reason: String,
) -> CommandResult<UserRecord> {
    Ok(desk.suspend_user(&external_user_id, reason).await?)
}

#[tauri::command]
pub async fn user_unsuspend(
    desk: DeskState<'_>,
    external_user_id: String,
    reason: String,
) -> CommandResult<UserRecord> {
    Ok(desk.unsuspend_user(&external_user_id, reason).await?)
}

#[tauri::command]
pub async fn user_extend(
    desk: DeskState<'_>,
    external_user_id: String,
) -> CommandResult<UserRecord> {
    Ok(desk.extend_user(&external_user_id).await?)
}

#[tauri::command]
pub async fn user_verify(
    desk: DeskState<'_>,
    external_user_id: String,
    form: VerificationForm,
) -> CommandResult<UserRecord> {
    Ok(desk.add_verification(&external_user_id, form).await?)
}

#[tauri::command]
pub async fn user_balances(
    desk: DeskState<'_>,
    external_user_id: String,
) -> CommandResult<UserBalances> {
    Ok(desk.balances(&external_user_id).await?)
}

#[tauri::command]
pub async fn user_transactions(
    desk: DeskState<'_>,
    external_user_id: String,
    query: TransactionQuery,
) -> CommandResult<TransactionPage> {
    Ok(desk.transactions(&external_user_id, query).await?)
}

#[tauri::command]
pub async fn journal_recent(
    desk: DeskState<'_>,
    limit: Option<u32>,
) -> CommandResult<Vec<JournalEntry>> {
    Ok(desk.journal(limit.unwrap_or(100).min(1000)).await?)
}

#[tauri::command]
pub async fn journal_query(
    desk: DeskState<'_>,
    filter: JournalFilter,
) -> CommandResult<Vec<JournalEntry>> {
    Ok(desk.journal_query(filter).await?)
}
