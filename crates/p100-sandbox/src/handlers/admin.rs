//! `/_sandbox/…`: steer the sandbox from tests and demos. Needs the same API key as `/v1`,
//! except the provider pages, which an end user's browser opens.

use crate::error::ApiError;
use crate::faults::{FaultRule, RateLimit};
use crate::model::{Outcome, PoaOutcome, User};
use crate::state::{DEFAULT_REJECTION, Sandbox};
use crate::webhooks::Delivery;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use p100::models::money::Currency;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/users", get(users))
        .route("/_sandbox/users/{externalUserId}", get(user))
        .route("/_sandbox/users/{externalUserId}/kyc", post(decide_kyc))
        .route("/_sandbox/users/{externalUserId}/poa", post(decide_poa))
        .route("/_sandbox/users/{externalUserId}/cards", put(cards))
        .route(
            "/_sandbox/users/{externalUserId}/cards/age",
            post(age_cards),
        )
        .route("/_sandbox/users/{externalUserId}/deposits", post(deposit))
        .route(
            "/_sandbox/users/{externalUserId}/locks/expire",
            post(expire_locks),
        )
        .route("/_sandbox/partner/card-fees", post(bill_card_month))
        .route(
            "/_sandbox/users/{externalUserId}/cards/{cardId}/payment",
            post(card_payment),
        )
        .route(
            "/_sandbox/faults",
            get(faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sandbox/rate-limit", get(rate_limit).put(set_rate_limit))
        .route("/_sandbox/webhooks", get(webhooks).delete(clear_webhooks))
}

/// The provider pages: no key, like the redirect that leads to them. Their only body is the
/// Pass / Fail form, so anything larger than a few KB is refused unread.
pub fn provider_routes() -> Router<Arc<Sandbox>> {
    Router::new()
        .route(
            "/_sandbox/provider/{externalUserId}/{verificationId}",
            get(super::provider::provider_page).post(super::provider::provider_submit),
        )
        .layer(axum::extract::DefaultBodyLimit::max(PROVIDER_FORM_BYTES))
}

/// The largest Pass / Fail form the provider page takes.
pub const PROVIDER_FORM_BYTES: usize = 16 * 1024;

async fn reset(State(s): State<Arc<Sandbox>>) -> StatusCode {
    s.reset();
    StatusCode::NO_CONTENT
}

async fn users(State(s): State<Arc<Sandbox>>) -> Json<Vec<User>> {
    Json(s.all_users())
}

async fn user(
    State(s): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
) -> Result<Json<User>, ApiError> {
    s.user(&ext).map(Json).ok_or_else(ApiError::invalid_user)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KycDecision {
    decision: String,
    #[serde(default)]
    reason: Option<String>,
}

async fn decide_kyc(
    State(s): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    Json(d): Json<KycDecision>,
) -> Response {
    let outcome = match d.decision.as_str() {
        "approve" => Outcome::Approve,
        "reject" => Outcome::Reject {
            reason: d.reason.unwrap_or_else(|| DEFAULT_REJECTION.to_owned()),
        },
        _ => {
            return ApiError::validation_message(
                "decision must be one of the following values: approve, reject.",
            )
            .into_response();
        }
    };
    match s.decide_kyc(&ext, outcome) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct PoaDecision {
    decision: String,
}

async fn decide_poa(
    State(s): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    Json(d): Json<PoaDecision>,
) -> Response {
    let outcome = match d.decision.as_str() {
        "approve" => PoaOutcome::Approve,
        "reject" => PoaOutcome::Reject,
        "question" => PoaOutcome::Question,
        _ => {
            return ApiError::validation_message(
                "decision must be one of the following values: approve, reject, question.",
            )
            .into_response();
        }
    };
    match s.decide_poa_now(&ext, outcome) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct Cards {
    active: bool,
}

async fn cards(
    State(s): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    Json(c): Json<Cards>,
) -> Response {
    match s.set_active_cards(&ext, c.active) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct Age {
    days: u32,
}

/// Moves every card's creation `days` into the past, so the creation windows (5 a day, 10 in 30
/// days, 20 a year) can be walked without waiting.
async fn age_cards(
    State(s): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    Json(a): Json<Age>,
) -> Response {
    match s.age_cards(&ext, a.days) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewDeposit {
    currency: Currency,
    amount: f64,
    /// Held in `WAITING_FOR_TR_DATA` until Update Travel Rule (otherwise credited after the
    /// review delay).
    #[serde(default)]
    travel_rule: bool,
}

/// A crypto deposit arrives for the user (P100 has no call for this: it comes from a chain).
async fn deposit(
    State(s): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    Json(d): Json<NewDeposit>,
) -> Response {
    let mut errors = Vec::new();
    p100::validate::money::amount("amount", d.amount, d.currency, &mut errors);
    if !d.currency.is_crypto() {
        errors.push(p100::FieldError::new(
            "currency",
            "currency must be a crypto currency",
        ));
    }
    if !errors.is_empty() {
        return ApiError::validation(&errors).into_response();
    }
    match s.deposit(&ext, d.currency, d.amount, d.travel_rule) {
        Ok(deposit) => (StatusCode::CREATED, Json(deposit)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Payment {
    amount: f64,
    #[serde(default = "euro")]
    currency: Currency,
    merchant: String,
    /// A 3-D Secure code first (an online payment).
    #[serde(default)]
    three_ds: bool,
}

fn euro() -> Currency {
    Currency::Eur
}

/// A payment with the user's card: the card webhooks (3-D Secure code, transaction) follow.
async fn card_payment(
    State(s): State<Arc<Sandbox>>,
    Path((ext, card)): Path<(String, String)>,
    Json(p): Json<Payment>,
) -> Response {
    let mut errors = Vec::new();
    p100::validate::money::amount("amount", p.amount, p.currency, &mut errors);
    if p.merchant.trim().is_empty() || p.merchant.chars().count() > 100 {
        errors.push(p100::FieldError::new(
            "merchant",
            "merchant must be 1 to 100 characters",
        ));
    }
    if !errors.is_empty() {
        return ApiError::validation(&errors).into_response();
    }
    let payment = crate::state::CardPayment {
        amount: p.amount,
        currency: p.currency,
        merchant: p.merchant,
        three_ds: p.three_ds,
    };
    match s.card_payment(&ext, &card, payment) {
        Ok(t) => (
            StatusCode::CREATED,
            Json(p100::webhooks::WebhookEvent::CardTransaction(t).payload()),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Every exchange lock of the user past its 40 seconds, without waiting for them.
async fn expire_locks(State(s): State<Arc<Sandbox>>, Path(ext): Path<String>) -> Response {
    match s.expire_locks(&ext) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// Bills every live card's €0.25 to the partner, as when a month begins.
async fn bill_card_month(State(s): State<Arc<Sandbox>>) -> StatusCode {
    s.bill_card_month();
    StatusCode::NO_CONTENT
}

async fn faults(State(s): State<Arc<Sandbox>>) -> Json<Vec<FaultRule>> {
    Json(s.faults.rules())
}

async fn add_fault(State(s): State<Arc<Sandbox>>, Json(rule): Json<FaultRule>) -> StatusCode {
    s.faults.add(rule);
    StatusCode::CREATED
}

async fn clear_faults(State(s): State<Arc<Sandbox>>) -> StatusCode {
    s.faults.clear();
    StatusCode::NO_CONTENT
}

async fn rate_limit(State(s): State<Arc<Sandbox>>) -> Json<RateLimit> {
    Json(s.faults.rate_limit())
}

async fn set_rate_limit(
    State(s): State<Arc<Sandbox>>,
    Json(limit): Json<RateLimit>,
) -> Json<RateLimit> {
    s.faults.set_rate_limit(limit);
    Json(s.faults.rate_limit())
}

async fn webhooks(State(s): State<Arc<Sandbox>>) -> Json<Vec<Delivery>> {
    Json(s.webhooks.log())
}

async fn clear_webhooks(State(s): State<Arc<Sandbox>>) -> StatusCode {
    s.webhooks.clear();
    StatusCode::NO_CONTENT
}
