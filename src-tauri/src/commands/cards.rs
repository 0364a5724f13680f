//! A card's number goes to the OS clipboard from Rust: the page asks for the copy, never gets
//! the number for it, and the clipboard is emptied after 30 s if it still holds it.

use super::DeskState;
use crate::error::CommandResult;
use desk::api::DeskApi;
use serde::Serialize;
use std::time::Duration;
use ts_rs::TS;

/// How long a copied card number stays on the clipboard.
pub const CARD_NUMBER_CLEARED_AFTER: Duration = Duration::from_secs(30);

/// What the page learns of a copied card number: which card, and for how long.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CopiedCardNumber {
    pub last_digits: String,
    pub clipboard_cleared_after_secs: u64,
}

/// Reads the card's number (as a reveal does: journaled; in team mode through the hub, with its
/// role check) and puts it on the clipboard.
#[tauri::command]
pub async fn card_number_copy(
    desk: DeskState<'_>,
    external_user_id: String,
    card_id: String,
) -> CommandResult<CopiedCardNumber> {
    let local = desk.inner().as_ref();
    let card = match local.hub() {
        Some(hub) => DeskApi::card_reveal(&hub, external_user_id, card_id).await?,
        None => DeskApi::card_reveal(local, external_user_id, card_id).await?,
    };
    crate::clipboard::copy_secret_for(&card.card_number, CARD_NUMBER_CLEARED_AFTER)
        .map_err(|e| crate::error::CommandError::internal(format!("could not copy: {e}")))?;
    let n = card.card_number.len();
    Ok(CopiedCardNumber {
        last_digits: card.card_number[n.saturating_sub(4)..].to_owned(),
        clipboard_cleared_after_secs: CARD_NUMBER_CLEARED_AFTER.as_secs(),
    })
}
