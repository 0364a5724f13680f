//! A webhook token the desk generates goes to the OS clipboard, not to the page.

use super::DeskState;
use crate::error::CommandResult;
use desk::EnvironmentKind;
use desk::sync::SyncStatus;
use serde::Serialize;
use ts_rs::TS;

/// What the page learns of a token the desk generated: that it is on the clipboard, for how
/// long, and a fingerprint to tell it by. Never the token.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedToken {
    pub status: SyncStatus,
    pub fingerprint: String,
    pub clipboard_cleared_after_secs: u64,
}

/// A new random token for `kind`, copied to the OS clipboard by Rust (the page never sees it).
#[tauri::command]
pub async fn webhook_token_generate(
    desk: DeskState<'_>,
    kind: EnvironmentKind,
) -> CommandResult<GeneratedToken> {
    let (status, token) = desk
        .generate_webhook_token(kind, |t| {
            crate::clipboard::copy_secret(t.reveal_to_operator())
        })
        .await?;
    Ok(GeneratedToken {
        status,
        fingerprint: token.fingerprint(),
        clipboard_cleared_after_secs: crate::clipboard::CLEAR_AFTER.as_secs(),
    })
}
