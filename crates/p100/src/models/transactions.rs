use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransactionType {
    Deposit,
    Withdrawal,
    TransferIn,
    TransferOut,
    Fee,
    /// The credited side of an exchange (in `currencyTo`).
    ExchangeIn,
    /// The debited side of an exchange (in `currencyFrom`).
    ExchangeOut,
}

impl TransactionType {
    pub const ALL: [Self; 7] = [
        Self::Deposit,
        Self::Withdrawal,
        Self::TransferIn,
        Self::TransferOut,
        Self::Fee,
        Self::ExchangeIn,
        Self::ExchangeOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deposit => "DEPOSIT",
            Self::Withdrawal => "WITHDRAWAL",
            Self::TransferIn => "TRANSFER_IN",
            Self::TransferOut => "TRANSFER_OUT",
            Self::Fee => "FEE",
            Self::ExchangeIn => "EXCHANGE_IN",
            Self::ExchangeOut => "EXCHANGE_OUT",
        }
    }

    /// Money coming into the user's balance.
    pub fn is_credit(self) -> bool {
        matches!(self, Self::Deposit | Self::TransferIn | Self::ExchangeIn)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransactionStatus {
    Completed,
    Pending,
    Failed,
}

impl TransactionStatus {
    pub const ALL: [Self; 3] = [Self::Completed, Self::Pending, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "COMPLETED",
            Self::Pending => "PENDING",
            Self::Failed => "FAILED",
        }
    }
}

/// One entry of Get User Transaction History (shape chosen: docs/decisions.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    #[serde(rename = "type")]
    pub kind: TransactionType,
    pub status: TransactionStatus,
    /// Lower-case currency, as in balances.
    pub currency: String,
    /// Positive decimal string with the currency's precision.
    pub amount: String,
    pub description: String,
}

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransactionPage {
    pub items: Vec<Transaction>,
    pub page: u32,
    pub limit: u32,
    pub total: u32,
    pub total_pages: u32,
}

/// Query of Get User Transaction History; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransactionQuery {
    /// 1-based page, default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub page: Option<u32>,
    /// 1–100, default 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub currency: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kind: Option<TransactionType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<TransactionStatus>,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to: Option<String>,
}
