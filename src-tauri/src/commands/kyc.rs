//! Hosted KYC's page opens in the system browser, never in the app's webview.

use super::DeskState;
use crate::error::{CommandError, CommandResult};

#[tauri::command]
pub async fn kyc_hosted_open(desk: DeskState<'_>, external_user_id: String) -> CommandResult<()> {
    let url = desk.hosted_kyc_url(&external_user_id).await?;
    // The URL is built by the client from the environment's base URL: always http(s).
    tokio::task::spawn_blocking(move || open::that_detached(&url))
        .await
        .map_err(|e| CommandError::internal(e.to_string()))?
        .map_err(|e| CommandError::internal(format!("could not open the browser: {e}")))
}
