use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Get User Balances. The page's fields were not recoverable; the shape is the partner-level
/// Get Balances (G0) and the G1 create response, which agree.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserBalances {
    pub fiat_balances: Vec<FiatBalance>,
    pub crypto_balances: Vec<CryptoBalance>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FiatBalanceStatus {
    Active,
    WaitingToBeActivated,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FiatBalance {
    pub id: String,
    /// Decimal string with the currency's precision, e.g. `"0.00"`.
    pub amount: String,
    /// Lower-case currency, e.g. `eur`.
    pub name: String,
    pub rate: f64,
    /// `null` until an IBAN is issued.
    pub iban: Option<String>,
    pub status: FiatBalanceStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CryptoBalance {
    pub id: String,
    pub amount: String,
    pub name: String,
    /// Deposit address; `null` until created.
    pub wallet: Option<String>,
    pub rate: f64,
    /// Keyed by network (`ethereum`, `polygon`, `btc`, `ltc`, …).
    pub network_config: BTreeMap<String, NetworkConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfig {
    pub mainnet: bool,
    /// e.g. `sepolia`, `amoy`, `test`.
    pub name: String,
    pub withdrawal: WithdrawalConfig,
    pub deposit: DepositConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalConfig {
    pub fee_withdrawal: f64,
    pub min_withdrawal: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DepositConfig {
    pub min_deposit: f64,
}
