//! Hosted KYC (Method B) and KYC status. The verification link opens in the system browser,
//! never in the app's webview.

use super::DeskState;
use crate::error::{CommandError, CommandResult};
use desk::ledger::roster::UserRecord;
use desk::users::{HostedKycForm, HostedKycSession};

#[tauri::command]
pub async fn kyc_hosted_start(
    desk: DeskState<'_>,
    external_user_id: String,
    form: HostedKycForm,
) -> CommandResult<HostedKycSession> {
    Ok(desk.start_hosted_kyc(&external_user_id, form).await?)
}

#[tauri::command]
pub async fn kyc_hosted_open(desk: DeskState<'_>, external_user_id: String) -> CommandResult<()> {
    let url = desk.hosted_kyc_url(&external_user_id).await?;
    // The URL is built by the client from the environment's base URL: always http(s).
    tokio::task::spawn_blocking(move || open::that_detached(&url))
        .await
        .map_err(|e| CommandError::internal(e.to_string()))?
        .map_err(|e| CommandError::internal(format!("could not open the browser: {e}")))
}

#[tauri::command]
pub async fn kyc_refresh(
    desk: DeskState<'_>,
    external_user_id: String,
) -> CommandResult<UserRecord> {
    Ok(desk.refresh_kyc_status(&external_user_id).await?)
}
