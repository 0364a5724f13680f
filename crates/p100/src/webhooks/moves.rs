//! The money and card webhooks (REFERENCE-user-money.md §7): their paths and bodies. G0 gives
//! the transfer's and the crypto withdrawal's paths; the rest are chosen (docs/decisions.md,
//! "Money and card webhooks"), their bodies shaped as the matching details reads, camelCase as
//! every G3 example. A card's one-time codes are secrets: `Debug` never prints one.

use crate::models::money::Currency;
use serde::{Deserialize, Serialize};

/// G0's `/transfer-webhook`: a transfer's details.
pub const TRANSFER_PATH: &str = "/transfer-webhook";
/// G0's `/crypto-withdrawal-webhook`: a withdrawal's details.
pub const CRYPTO_WITHDRAWAL_PATH: &str = "/crypto-withdrawal-webhook";
/// Chosen: a crypto deposit's status (G3's flat body).
pub const CRYPTO_DEPOSIT_PATH: &str = "/webhook/crypto-deposit";
/// Chosen: an exchange's final state.
pub const EXCHANGE_PATH: &str = "/webhook/exchange";
/// Chosen: a payment with a card.
pub const CARD_TRANSACTION_PATH: &str = "/webhook/card/transaction";
/// Chosen: a one-time code for an online payment (3-D Secure).
pub const CARD_3DS_PATH: &str = "/webhook/card/3ds-code";
/// Chosen: a card's activation code.
pub const CARD_ACTIVATION_PATH: &str = "/webhook/card/activation-code";

/// The longest id, merchant or hash a money or card webhook may carry.
pub const MAX_TEXT_CHARS: usize = 200;

/// What the card network said of a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CardTransactionStatus {
    Approved,
    Declined,
}

/// A payment with one of the user's cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardTransaction {
    pub external_user_id: String,
    pub card_id: String,
    pub card_last_digits: String,
    pub transaction_id: String,
    pub amount: f64,
    pub currency: Currency,
    pub merchant: String,
    pub status: CardTransactionStatus,
    pub created_at: String,
}

/// A one-time code P100 sends for the cardholder (3-D Secure, or activation): a secret, which
/// the desk never keeps.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardCode {
    pub external_user_id: String,
    pub card_id: String,
    pub card_last_digits: String,
    pub code: String,
    pub created_at: String,
}

impl std::fmt::Debug for CardCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardCode")
            .field("external_user_id", &self.external_user_id)
            .field("card_id", &self.card_id)
            .field("card_last_digits", &self.card_last_digits)
            .field("code", &"***")
            .finish()
    }
}

/// Why a text field of a money or card webhook is not believed, if it is not.
pub(super) fn text_problem(field: &str, v: &str) -> Option<String> {
    (v.trim().is_empty() || v.chars().count() > MAX_TEXT_CHARS || v.chars().any(char::is_control))
        .then(|| {
            format!("{field} must be 1 to {MAX_TEXT_CHARS} characters with no control characters")
        })
}

/// Why an amount is not believed, if it is not: a finite number above zero.
pub(super) fn amount_problem(field: &str, v: f64) -> Option<String> {
    (!v.is_finite() || v <= 0.0).then(|| format!("{field} must be a number above 0"))
}

/// A card's last four digits and a one-time code of 4 to 10 digits.
pub(super) fn card_problem(last_digits: &str, code: Option<&str>) -> Option<String> {
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(last_digits, 4..=4) {
        return Some("cardLastDigits must be 4 digits".into());
    }
    match code {
        Some(c) if !digits(c, 4..=10) => Some("code must be 4 to 10 digits".into()),
        _ => None,
    }
}
