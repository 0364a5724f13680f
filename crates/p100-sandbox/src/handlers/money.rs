//! Money operations: each body read as P100's validation layer does (every problem in one
//! `P403`, unknown properties refused; a currency P100 does not have is `P410`), then one
//! [`Sandbox`] money operation.

use super::body::{Fields, json_object};
use crate::error::ApiError;
use crate::state::Sandbox;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use p100::models::money::{
    CryptoWithdrawalRequest, Currency, DepositWalletType, ExchangeCreated, ExchangeDetails,
    ExchangeLock, ExchangeRates, ExchangeRequest, Network, NetworkFee, ReceiverType,
    TransferCreated, TransferDetails, TransferRequest, TravelRuleDetails, TravelRuleUpdate,
    WalletType, WithdrawalCreated, WithdrawalDetails,
};
use p100::models::{Message, UserBalances};
use p100::validate::money as rules;
use std::collections::BTreeMap;
use std::sync::Arc;

type Answer<T> = Result<Json<T>, ApiError>;

/// Reads a currency field: `Ok(None)` when absent (the required check reports it), `Err(P410)`
/// kept aside when it is a string P100 has no currency for.
struct Currencies {
    unknown: Option<String>,
}

impl Currencies {
    fn read(&mut self, f: &mut Fields<'_>, name: &str) -> Option<Currency> {
        let raw = f.string(name);
        let raw = f.require(name, raw)?;
        let c = Currency::parse(&raw);
        if c.is_none() && self.unknown.is_none() {
            self.unknown = Some(raw);
        }
        c
    }

    /// `P403` first (the validation layer), then `P410`.
    fn finish(self, f: Fields<'_>) -> Result<(), ApiError> {
        f.finish()?;
        match self.unknown {
            Some(c) => Err(ApiError::invalid_currency(&c)),
            None => Ok(()),
        }
    }
}

fn amount(f: &mut Fields<'_>) -> f64 {
    let a = f.number("amount");
    f.require("amount", a).unwrap_or_default()
}

fn required_string(f: &mut Fields<'_>, name: &str) -> String {
    let v = f.string(name);
    f.require(name, v).unwrap_or_default()
}

pub async fn partner_balances(State(s): State<Arc<Sandbox>>) -> Answer<UserBalances> {
    Ok(Json(s.partner_balances()))
}

/// Create a Transfer: `P403` for the body, `P410` for the currency, then `P424` when it names
/// neither user.
pub async fn create_transfer(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<TransferCreated> {
    let map = json_object(&headers, &bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(&[
        "sourceExternalUserId",
        "destinationExternalUserId",
        "amount",
        "currency",
    ]);
    let mut currencies = Currencies { unknown: None };
    let req = TransferRequest {
        source_external_user_id: f.string("sourceExternalUserId"),
        destination_external_user_id: f.string("destinationExternalUserId"),
        amount: amount(&mut f),
        currency: currencies.read(&mut f, "currency").unwrap_or(Currency::Eur),
    };
    // The amount's places are the currency's: checked once the currency is one P100 has.
    if currencies.unknown.is_none() && f.errors.iter().all(|e| e.field != "amount") {
        rules::transfer(&req, &mut f.errors);
    }
    currencies.finish(f)?;
    Ok(Json(s.create_transfer(req)?))
}

pub async fn transfer(
    State(s): State<Arc<Sandbox>>,
    Path(id): Path<String>,
) -> Answer<TransferDetails> {
    Ok(Json(s.transfer(&id)?))
}

pub async fn exchange_rates() -> Answer<ExchangeRates> {
    Ok(Json(crate::state::rates()))
}

pub async fn exchange_lock(
    State(s): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
) -> Answer<ExchangeLock> {
    Ok(Json(s.exchange_lock(&ext)?))
}

pub async fn create_exchange(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<ExchangeCreated> {
    let map = json_object(&headers, &bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(&[
        "sourceExternalUserId",
        "amount",
        "currencyFrom",
        "currencyTo",
        "lockId",
    ]);
    let mut currencies = Currencies { unknown: None };
    let source = required_string(&mut f, "sourceExternalUserId");
    let amount = amount(&mut f);
    let from = currencies.read(&mut f, "currencyFrom");
    let to = currencies.read(&mut f, "currencyTo");
    let lock_id = required_string(&mut f, "lockId");
    let req = from.zip(to).map(|(from, to)| ExchangeRequest {
        source_external_user_id: source,
        amount,
        currency_from: from,
        currency_to: to,
        lock_id,
    });
    if let Some(req) = &req
        && f.errors.is_empty()
    {
        rules::exchange(req, &mut f.errors);
    }
    currencies.finish(f)?;
    let req =
        req.ok_or_else(|| ApiError::validation_message("currencyFrom should not be empty."))?;
    Ok(Json(s.create_exchange(req)?))
}

pub async fn exchange(
    State(s): State<Arc<Sandbox>>,
    Path(id): Path<String>,
) -> Answer<ExchangeDetails> {
    Ok(Json(s.exchange(&id)?))
}

/// Get Network Fee: `currency` required (`P410` when unknown), `network` one of its networks.
pub async fn network_fee(Query(params): Query<BTreeMap<String, String>>) -> Answer<NetworkFee> {
    let mut errors = Vec::new();
    for k in params.keys() {
        if k != "currency" && k != "network" {
            errors.push(p100::FieldError::new(
                k,
                format!("property {k} should not exist"),
            ));
        }
    }
    let network = match params.get("network").map(|n| Network::parse(n).ok_or(n)) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(n)) => {
            errors.push(p100::FieldError::new(
                "network",
                format!("network {n} is not one of: btc, doge, ethereum, ltc, polygon"),
            ));
            None
        }
    };
    let currency = match params.get("currency") {
        None => {
            errors.push(p100::FieldError::new(
                "currency",
                "currency should not be empty",
            ));
            None
        }
        Some(c) => match Currency::parse(c) {
            Some(c) => Some(c),
            None if errors.is_empty() => return Err(ApiError::invalid_currency(c)),
            None => None,
        },
    };
    let chosen = currency.and_then(|c| rules::network_for(c, network, &mut errors).map(|n| (c, n)));
    if !errors.is_empty() {
        return Err(ApiError::validation(&super::body::dedup(errors)));
    }
    let (c, n) =
        chosen.ok_or_else(|| ApiError::validation_message("currency should not be empty."))?;
    Ok(Json(Sandbox::network_fee(c, n)?))
}

pub async fn create_withdrawal(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<WithdrawalCreated> {
    const WALLET_TYPES: &[&str] = &["CUSTODIAL", "NON_CUSTODIAL", "OTHER"];
    const RECEIVER_TYPES: &[&str] = &["NATURAL", "LEGAL"];
    let map = json_object(&headers, &bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(&[
        "sourceExternalUserId",
        "currency",
        "amount",
        "walletAddress",
        "memo",
        "network",
        "name",
        "walletType",
        "receiverType",
    ]);
    let mut currencies = Currencies { unknown: None };
    let source = required_string(&mut f, "sourceExternalUserId");
    let currency = currencies.read(&mut f, "currency");
    let amount = amount(&mut f);
    let wallet_address = required_string(&mut f, "walletAddress");
    let memo = f.string("memo");
    let network = f.one_of::<Network>("network", &["btc", "doge", "ethereum", "ltc", "polygon"]);
    let name = required_string(&mut f, "name");
    let wallet_type = f.one_of::<WalletType>("walletType", WALLET_TYPES);
    let wallet_type = f.require("walletType", wallet_type);
    let receiver_type = f.one_of::<ReceiverType>("receiverType", RECEIVER_TYPES);
    let receiver_type = f.require("receiverType", receiver_type);
    let req = match (currency, wallet_type, receiver_type) {
        (Some(currency), Some(wallet_type), Some(receiver_type)) => Some(CryptoWithdrawalRequest {
            source_external_user_id: source,
            currency,
            amount,
            wallet_address,
            memo,
            network,
            name,
            wallet_type,
            receiver_type,
        }),
        _ => None,
    };
    if let Some(req) = &req
        && !f.errors.iter().any(|e| e.field == "amount")
    {
        rules::withdrawal(req, &mut f.errors);
    }
    currencies.finish(f)?;
    let req = req.ok_or_else(|| ApiError::validation_message("currency should not be empty."))?;
    let mut errors = Vec::new();
    let network = rules::network_for(req.currency, req.network, &mut errors)
        .ok_or_else(|| ApiError::validation(&errors))?;
    Ok(Json(s.create_withdrawal(req, network)?))
}

pub async fn withdrawal(
    State(s): State<Arc<Sandbox>>,
    Path(id): Path<String>,
) -> Answer<WithdrawalDetails> {
    Ok(Json(s.withdrawal(&id)?))
}

/// Update Travel Rule: `walletType`, an optional `externalUserId`, the sender's `details`.
pub async fn update_travel_rule(
    State(s): State<Arc<Sandbox>>,
    Path(deposit_id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<Message> {
    let map = json_object(&headers, &bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(&["walletType", "externalUserId", "details"]);
    let wallet_type = f.one_of::<DepositWalletType>("walletType", &["CUSTODIAL", "SELF_CUSTODY"]);
    let wallet_type = f.require("walletType", wallet_type);
    let external_user_id = f.string("externalUserId");
    let details = match map.get("details") {
        None | Some(serde_json::Value::Null) => {
            f.errors.push(p100::FieldError::new(
                "details",
                "details should not be empty",
            ));
            None
        }
        Some(serde_json::Value::Object(d)) => {
            let mut g = Fields::new(d);
            g.forbid_others(&[
                "iAmOwnerOfWallet",
                "firstName",
                "lastName",
                "city",
                "street",
                "postCode",
                "country",
                "companyName",
                "vatId",
            ]);
            let details = TravelRuleDetails {
                i_am_owner_of_wallet: g.boolean("iAmOwnerOfWallet"),
                first_name: g.string("firstName"),
                last_name: g.string("lastName"),
                city: g.string("city"),
                street: g.string("street"),
                post_code: g.string("postCode"),
                country: g.string("country"),
                company_name: g.string("companyName"),
                vat_id: g.string("vatId"),
            };
            f.errors.append(&mut g.errors);
            Some(details)
        }
        Some(_) => {
            f.errors.push(p100::FieldError::new(
                "details",
                "details must be an object",
            ));
            None
        }
    };
    let req = wallet_type
        .zip(details)
        .map(|(wallet_type, details)| TravelRuleUpdate {
            wallet_type,
            external_user_id,
            details,
        });
    if let Some(req) = &req
        && f.errors.is_empty()
    {
        rules::travel_rule(req, &mut f.errors);
    }
    f.finish()?;
    let req = req.ok_or_else(|| ApiError::validation_message("details should not be empty."))?;
    Ok(Json(s.update_travel_rule(&deposit_id, req)?))
}
