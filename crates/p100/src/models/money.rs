//! A user's money beyond balances (REFERENCE-user-money.md §3–§6): internal transfers between
//! the partner and a user, exchange between a user's balances, crypto withdrawals to an outside
//! wallet, and the travel-rule data a held crypto deposit waits for. Paths and shapes P100 does
//! not publish are chosen in docs/decisions.md ("Money").

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A currency slug as P100 writes it (lower case; the docs' upper-case examples are read too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Currency {
    Eur,
    Btc,
    Doge,
    Eth,
    Eurt,
    Ltc,
    Pol,
    Usdc,
    Usdt,
}

impl Currency {
    /// Every currency of the exchange (G0's list), EUR first.
    pub const ALL: [Currency; 9] = [
        Currency::Eur,
        Currency::Btc,
        Currency::Doge,
        Currency::Eth,
        Currency::Eurt,
        Currency::Ltc,
        Currency::Pol,
        Currency::Usdc,
        Currency::Usdt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Currency::Eur => "eur",
            Currency::Btc => "btc",
            Currency::Doge => "doge",
            Currency::Eth => "eth",
            Currency::Eurt => "eurt",
            Currency::Ltc => "ltc",
            Currency::Pol => "pol",
            Currency::Usdc => "usdc",
            Currency::Usdt => "usdt",
        }
    }

    /// Case-insensitive, as the docs write both `btc` and `BTC`.
    pub fn parse(s: &str) -> Option<Currency> {
        Currency::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Decimal places an amount may have: EUR cents; 6 for the stablecoins (their tokens'
    /// precision); 8 for the rest ("Amount can have at most 8 decimal places", G3).
    pub fn decimals(self) -> u32 {
        match self {
            Currency::Eur => 2,
            Currency::Eurt | Currency::Usdc | Currency::Usdt => 6,
            _ => 8,
        }
    }

    pub fn is_crypto(self) -> bool {
        self != Currency::Eur
    }

    /// The networks a withdrawal of this currency may use, the default first (G0: USDC and USDT
    /// on Ethereum, the default, and Polygon; every other coin on its own chain). EUR has none.
    pub fn networks(self) -> &'static [Network] {
        match self {
            Currency::Eur => &[],
            Currency::Btc => &[Network::Btc],
            Currency::Doge => &[Network::Doge],
            Currency::Ltc => &[Network::Ltc],
            Currency::Pol => &[Network::Polygon],
            Currency::Eth | Currency::Eurt => &[Network::Ethereum],
            Currency::Usdc | Currency::Usdt => &[Network::Ethereum, Network::Polygon],
        }
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A blockchain network, keyed as in a balance's `networkConfig` (lower case; the withdrawal
/// body's upper-case `ETHEREUM`/`POLYGON` are read too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Btc,
    Doge,
    Ethereum,
    Ltc,
    Polygon,
}

impl Network {
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Btc => "btc",
            Network::Doge => "doge",
            Network::Ethereum => "ethereum",
            Network::Ltc => "ltc",
            Network::Polygon => "polygon",
        }
    }

    pub fn parse(s: &str) -> Option<Network> {
        [
            Network::Btc,
            Network::Doge,
            Network::Ethereum,
            Network::Ltc,
            Network::Polygon,
        ]
        .into_iter()
        .find(|n| n.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Reads a slug in any case with `parse`, naming the accepted values when it is none of them.
fn read_slug<'de, D, T>(
    d: D,
    parse: fn(&str) -> Option<T>,
    expected: &'static str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let s = String::deserialize(d)?;
    parse(&s)
        .ok_or_else(|| serde::de::Error::invalid_value(serde::de::Unexpected::Str(&s), &expected))
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_slug(
            d,
            Currency::parse,
            "eur, btc, doge, eth, eurt, ltc, pol, usdc or usdt",
        )
    }
}

impl<'de> Deserialize<'de> for Network {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_slug(d, Network::parse, "btc, doge, ethereum, ltc or polygon")
    }
}

// ----- internal transfers (§3) ------------------------------------------------------------------

/// Create a Transfer: `destinationExternalUserId` funds that user from the partner's balance,
/// `sourceExternalUserId` collects from that user to the partner's; exactly one of the two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransferRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub source_external_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub destination_external_user_id: Option<String>,
    pub amount: f64,
    pub currency: Currency,
}

impl TransferRequest {
    /// The user whose balance the transfer moves, and whether it is funded (true) or collected.
    pub fn user(&self) -> Option<(&str, bool)> {
        match (
            &self.destination_external_user_id,
            &self.source_external_user_id,
        ) {
            (Some(d), None) => Some((d, true)),
            (None, Some(s)) => Some((s, false)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransferCreated {
    pub transfer_id: String,
}

/// Where a move of money stands. Transfers and withdrawals use `SUCCESSFUL`/`UNSUCCESSFUL` (the
/// transfer and deposit webhooks' words); exchanges `COMPLETED`/`FAILED` (G3's later revision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MoveStatus {
    Pending,
    Successful,
    Unsuccessful,
}

/// Get Transfer Details, shaped as the transfer webhook's body (G0 `/transfer-webhook`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransferDetails {
    pub id: String,
    pub source_external_user_id: Option<String>,
    pub destination_external_user_id: Option<String>,
    pub amount: f64,
    pub currency: Currency,
    pub status: MoveStatus,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<MoveError>,
}

/// Why a move failed (`error` of the transfer webhook).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MoveError {
    pub description: String,
    pub status: String,
}

// ----- exchange (§4) ------------------------------------------------------------------------------

/// Retrieve Exchange Rate: EUR value of one unit of each currency (EUR is 1). Indicative only.
pub type ExchangeRates = BTreeMap<Currency, f64>;

/// Retrieve Exchange Rate and Create a Lock: the rates guaranteed for 40 seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeLock {
    /// The `lockId` to exchange with.
    pub id: String,
    #[ts(type = "Partial<Record<Currency, number>>")]
    pub rates: ExchangeRates,
    /// Percent of the amount kept as P100's fee, e.g. `1.49`.
    pub fee_percentage: f64,
    pub created_at: String,
    pub valid_until: String,
}

/// How long a lock holds (G0: 40 seconds).
pub const LOCK_SECONDS: i64 = 40;

/// Create and Finalize an Exchange: `amount` of `currencyFrom` at the lock's rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeRequest {
    pub source_external_user_id: String,
    pub amount: f64,
    pub currency_from: Currency,
    pub currency_to: Currency,
    pub lock_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeCreated {
    pub exchange_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExchangeStatus {
    Pending,
    Completed,
    Failed,
}

/// Retrieve Detailed Exchange Information (shape chosen: what the exchange was asked, what it
/// gave, and its fee in `currencyTo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeDetails {
    pub id: String,
    pub source_external_user_id: String,
    pub currency_from: Currency,
    pub currency_to: Currency,
    /// Debited, in `currencyFrom`.
    pub amount_from: f64,
    /// Credited after the fee, in `currencyTo`.
    pub amount_to: f64,
    /// Units of `currencyTo` per unit of `currencyFrom`, from the lock.
    pub rate: f64,
    pub fee_percentage: f64,
    /// Kept by P100, in `currencyTo`.
    pub fee: f64,
    pub lock_id: String,
    pub status: ExchangeStatus,
    pub created_at: String,
}

// ----- crypto withdrawals (§5) --------------------------------------------------------------------

/// Get Network Fee's query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NetworkFeeQuery {
    pub currency: Currency,
    /// Only for USDC/USDT on Polygon; omitted is the currency's default network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub network: Option<Network>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NetworkFee {
    /// In units of the currency.
    pub network_fee: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WalletType {
    Custodial,
    NonCustodial,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReceiverType {
    Natural,
    Legal,
}

/// Create Crypto Withdrawal's body (G0's table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CryptoWithdrawalRequest {
    pub source_external_user_id: String,
    pub currency: Currency,
    pub amount: f64,
    pub wallet_address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub memo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub network: Option<Network>,
    /// The beneficiary's name, for the travel rule.
    pub name: String,
    pub wallet_type: WalletType,
    pub receiver_type: ReceiverType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalCreated {
    pub withdrawal_id: String,
}

/// Get Crypto Withdrawal Details (shape chosen from the withdrawal webhook: `id, amount, fee,
/// destination, status`, plus what was asked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalDetails {
    pub id: String,
    pub source_external_user_id: String,
    pub currency: Currency,
    pub network: Network,
    /// Sent to the wallet.
    pub amount: f64,
    /// Charged besides the amount: the network's `feeWithdrawal`.
    pub fee: f64,
    /// The wallet address.
    pub destination: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub memo: Option<String>,
    pub status: MoveStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub transaction_hash: Option<String>,
    pub created_at: String,
}

// ----- crypto deposits and the travel rule (§6) ---------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DepositStatus {
    Successful,
    Unsuccessful,
    WaitingForVerification,
    /// Held until Update Travel Rule gives the sender's data.
    WaitingForTrData,
}

/// The crypto deposit webhook's body (G3's dedicated page, the flat form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CryptoDeposit {
    pub external_user_id: String,
    pub crypto_deposit_id: String,
    pub amount: f64,
    pub currency: Currency,
    pub status: DepositStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub transaction_hash: Option<String>,
    pub created_at: String,
}

/// Where the sender's wallet is (the deposit's enum, not the withdrawal's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DepositWalletType {
    Custodial,
    SelfCustody,
}

/// The sender, as far as the travel rule asks: the user's own wallet, a person, or a company.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TravelRuleDetails {
    #[serde(
        rename = "iAmOwnerOfWallet",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[ts(optional)]
    pub i_am_owner_of_wallet: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub post_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub vat_id: Option<String>,
}

/// Update Travel Rule's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TravelRuleUpdate {
    pub wallet_type: DepositWalletType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub external_user_id: Option<String>,
    pub details: TravelRuleDetails,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_read_back_in_either_case() {
        for c in Currency::ALL {
            assert_eq!(Currency::parse(c.as_str()), Some(c));
            assert_eq!(Currency::parse(&c.as_str().to_uppercase()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{c}\""));
            let upper: Currency =
                serde_json::from_str(&format!("\"{}\"", c.as_str().to_uppercase())).unwrap();
            assert_eq!(upper, c);
            assert_eq!(c.is_crypto(), !c.networks().is_empty());
        }
        let n: Network = serde_json::from_str("\"POLYGON\"").unwrap();
        assert_eq!(n, Network::Polygon);
        assert_eq!(Network::parse("Ethereum"), Some(Network::Ethereum));
    }

    #[test]
    fn a_transfer_names_exactly_one_user() {
        let mut t = TransferRequest {
            source_external_user_id: None,
            destination_external_user_id: Some("u".into()),
            amount: 1.0,
            currency: Currency::Eur,
        };
        assert_eq!(t.user(), Some(("u", true)));
        t.source_external_user_id = Some("v".into());
        assert_eq!(t.user(), None);
        t.destination_external_user_id = None;
        assert_eq!(t.user(), Some(("v", false)));
    }
}
