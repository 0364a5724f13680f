//! Virtual cards (REFERENCE-user-money.md §2). A card's full number, CVV and PIN are secrets:
//! the types that hold them print `***` for them in `Debug`, so a log line never carries one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A card's status. `ACTIVE` and `LOCKED_BY_USER` are in P100's examples; `BLOCKED`,
/// `SUSPENDED` and `DELETED` only in one integrator's client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CardStatus {
    Active,
    /// Blocked by the partner (Block Card); Unblock Card makes it active again.
    LockedByUser,
    /// Blocked by the issuer; the partner cannot unblock it.
    Blocked,
    Suspended,
    Deleted,
}

impl CardStatus {
    /// Whether the card can pay: P100 refuses to suspend a user while one is (`P454`).
    pub fn is_active(self) -> bool {
        self == Self::Active
    }

    /// Counted against the 10 cards a user may hold at once.
    pub fn is_live(self) -> bool {
        self != Self::Deleted
    }
}

/// Create Virtual Card's body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCardRequest {
    pub external_user_id: String,
    /// 3 to 30 characters.
    pub label: String,
    /// Exactly 4 digits.
    pub pin: String,
}

impl std::fmt::Debug for CreateCardRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateCardRequest")
            .field("external_user_id", &self.external_user_id)
            .field("label", &self.label)
            .field("pin", &"***")
            .finish()
    }
}

/// Create Virtual Card's answer: the card with its full number and CVV, once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedCard {
    pub card_id: String,
    pub card_number: String,
    pub cvv: String,
    /// `MM/YY`.
    pub exp: String,
}

impl std::fmt::Debug for CreatedCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedCard")
            .field("card_id", &self.card_id)
            .field("card_number", &"***")
            .field("cvv", &"***")
            .field("exp", &self.exp)
            .finish()
    }
}

/// One card of Get All User Cards: never the full number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardSummary {
    pub card_id: String,
    pub status: CardStatus,
    pub label: String,
    pub card_last_digits: String,
}

/// Get All User Cards' answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardList {
    pub cards: Vec<CardSummary>,
}

/// Get Card Details' answer: the sensitive data and the status.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardDetails {
    pub status: CardStatus,
    pub card_number: String,
    pub cvv: String,
    /// `MM/YY`.
    pub exp: String,
}

impl std::fmt::Debug for CardDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardDetails")
            .field("status", &self.status)
            .field("card_number", &"***")
            .field("cvv", &"***")
            .field("exp", &self.exp)
            .finish()
    }
}

/// The body of Block, Unblock and Delete Card: which card of which user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardRef {
    pub external_user_id: String,
    pub card_id: String,
}

/// Update Card PIN's body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardPinRequest {
    pub external_user_id: String,
    pub card_id: String,
    /// Exactly 4 digits.
    pub pin: String,
}

impl std::fmt::Debug for CardPinRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardPinRequest")
            .field("external_user_id", &self.external_user_id)
            .field("card_id", &self.card_id)
            .field("pin", &"***")
            .finish()
    }
}

/// A card's spending limits, in euros (how one integrator shows them; P100 is silent on units):
/// per day and per month, for everything, for cash (ATM) and for online payments.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardLimits {
    pub monthly_trx_all: f64,
    pub daily_trx_all: f64,
    pub monthly_trx_atm: f64,
    pub daily_trx_atm: f64,
    pub monthly_trx_ecom: f64,
    pub daily_trx_ecom: f64,
}

impl CardLimits {
    /// The sandbox's limits for a new card (P100's defaults are not published).
    pub const NEW_CARD: CardLimits = CardLimits {
        monthly_trx_all: 10_000.0,
        daily_trx_all: 2_000.0,
        monthly_trx_atm: 2_000.0,
        daily_trx_atm: 500.0,
        monthly_trx_ecom: 5_000.0,
        daily_trx_ecom: 1_000.0,
    };

    /// The limits' wire names, in [`CardLimits::values`]' order.
    pub const NAMES: [&'static str; 6] = [
        "monthlyTrxAll",
        "dailyTrxAll",
        "monthlyTrxAtm",
        "dailyTrxAtm",
        "monthlyTrxEcom",
        "dailyTrxEcom",
    ];

    /// The six values, monthly and daily of a kind side by side.
    pub fn values(&self) -> [f64; 6] {
        [
            self.monthly_trx_all,
            self.daily_trx_all,
            self.monthly_trx_atm,
            self.daily_trx_atm,
            self.monthly_trx_ecom,
            self.daily_trx_ecom,
        ]
    }

    /// The limits from their values in [`CardLimits::NAMES`]' order.
    pub fn from_values(v: [f64; 6]) -> Self {
        CardLimits {
            monthly_trx_all: v[0],
            daily_trx_all: v[1],
            monthly_trx_atm: v[2],
            daily_trx_atm: v[3],
            monthly_trx_ecom: v[4],
            daily_trx_ecom: v[5],
        }
    }

    /// Each limit with its wire name.
    pub fn named(&self) -> [(&'static str, f64); 6] {
        let v = self.values();
        std::array::from_fn(|i| (Self::NAMES[i], v[i]))
    }
}

/// Update Card Limits' body: all six limits, every time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardLimitsUpdate {
    pub external_user_id: String,
    pub card_id: String,
    #[serde(flatten)]
    pub limits: CardLimits,
}

/// The answer of the card changes whose body P100 does not publish (`{message}`, as one
/// integrator reads it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub message: String,
}

/// The card's last four digits, as the list shows them.
pub fn last_digits(card_number: &str) -> String {
    let n = card_number.len();
    card_number[n.saturating_sub(4)..].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let created = CreatedCard {
            card_id: "c1".into(),
            card_number: "4000123412341234".into(),
            cvv: "987".into(),
            exp: "01/30".into(),
        };
        let pin = CardPinRequest {
            external_user_id: "u".into(),
            card_id: "c1".into(),
            pin: "4321".into(),
        };
        for shown in [format!("{created:?}"), format!("{pin:?}")] {
            for secret in ["4000123412341234", "987", "4321"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
        assert_eq!(last_digits("4000123412341234"), "1234");
    }

    #[test]
    fn limits_travel_flat_with_the_card() {
        let body = CardLimitsUpdate {
            external_user_id: "u".into(),
            card_id: "c".into(),
            limits: CardLimits::NEW_CARD,
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["dailyTrxAtm"], 500.0);
        assert_eq!(json["cardId"], "c");
        assert_eq!(
            serde_json::to_value(CardStatus::LockedByUser).unwrap(),
            "LOCKED_BY_USER"
        );
    }
}
