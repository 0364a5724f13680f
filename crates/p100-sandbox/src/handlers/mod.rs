//! Route handlers, mounted on the paths of `p100::routes`. Each reads its input the way P100's
//! validation layer does (every problem in one `P403`) and calls one [`crate::state::Sandbox`]
//! operation.

pub mod admin;
mod body;
mod cards;
mod kyc;
mod money;
mod poa;
pub mod provider;
mod users;

use crate::error::ApiError;
use crate::state::Sandbox;
use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, patch, post};
use p100::routes as r;
use std::sync::Arc;

/// The `/v1` routes that need the API key.
pub fn authenticated() -> Router<Arc<Sandbox>> {
    Router::new()
        .route(r::CREATE_USER.template, post(users::create_user))
        .route(
            r::CREATE_USER_WITHOUT_KYC.template,
            post(users::create_user_without_kyc),
        )
        .route(
            r::UPDATE_USER.template,
            patch(users::update_user).delete(users::delete_user),
        )
        .route(r::SUSPEND_USER.template, patch(users::suspend_user))
        .route(r::UNSUSPEND_USER.template, patch(users::unsuspend_user))
        .route(r::EXTEND_USER.template, post(users::extend_user))
        .route(r::GET_USER_BALANCES.template, get(users::balances))
        .route(r::GET_USER_TRANSACTIONS.template, get(users::transactions))
        .route(r::ADD_KYC_FILE.template, post(kyc::add_kyc_files))
        .route(r::ADD_POA_FILE.template, post(poa::add_poa_files))
        .route(
            r::ADD_USER_VERIFICATION.template,
            post(kyc::add_verification),
        )
        .route(
            r::CREATE_KYC_VERIFICATION.template,
            post(kyc::create_verification),
        )
        .route(r::GET_KYC_STATUS.template, get(kyc::get_kyc_status))
        .route(r::CREATE_CARD.template, post(cards::create_card))
        .route(r::LIST_CARDS.template, get(cards::list_cards))
        .route(r::GET_CARD_DETAILS.template, get(cards::card_details))
        .route(r::UPDATE_CARD_PIN.template, patch(cards::update_pin))
        .route(r::BLOCK_CARD.template, patch(cards::block))
        .route(r::UNBLOCK_CARD.template, patch(cards::unblock))
        .route(r::GET_CARD_LIMITS.template, get(cards::limits))
        .route(r::UPDATE_CARD_LIMITS.template, patch(cards::update_limits))
        .route(
            r::DELETE_CARD.template,
            axum::routing::delete(cards::delete),
        )
        .route(
            r::GET_PARTNER_BALANCES.template,
            get(money::partner_balances),
        )
        .route(r::CREATE_TRANSFER.template, post(money::create_transfer))
        .route(r::GET_TRANSFER.template, get(money::transfer))
        .route(r::GET_EXCHANGE_RATE.template, get(money::exchange_rates))
        .route(r::GET_EXCHANGE_LOCK.template, get(money::exchange_lock))
        .route(r::CREATE_EXCHANGE.template, post(money::create_exchange))
        .route(r::GET_EXCHANGE.template, get(money::exchange))
        .route(r::GET_NETWORK_FEE.template, get(money::network_fee))
        .route(
            r::CREATE_CRYPTO_WITHDRAWAL.template,
            post(money::create_withdrawal),
        )
        .route(r::GET_CRYPTO_WITHDRAWAL.template, get(money::withdrawal))
        .route(
            r::UPDATE_TRAVEL_RULE.template,
            patch(money::update_travel_rule),
        )
        .layer(from_fn(utf8_path))
}

/// `/v1` routes opened by the end user's browser: no API key (docs/decisions.md).
pub fn public() -> Router<Arc<Sandbox>> {
    Router::new()
        .route(
            r::REDIRECT_TO_VERIFICATION.template,
            get(provider::redirect),
        )
        .layer(from_fn(utf8_path))
}

/// A path parameter whose percent-decoding is not UTF-8 (`/v1/kyc/status/%FF`) is a `P403`, not
/// the plain-text 400 that axum's `Path` extractor would answer.
async fn utf8_path(req: Request, next: Next) -> Response {
    if percent_decodes_to_utf8(req.uri().path()) {
        next.run(req).await
    } else {
        ApiError::validation_message("path must be UTF-8 once percent-decoded.").into_response()
    }
}

/// Decodes `%XX` as axum does (a `%` without two hex digits stays as it is) and checks the bytes.
fn percent_decodes_to_utf8(path: &str) -> bool {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&out).is_ok()
}

/// Unknown paths answer like the NestJS default P100 appears to run on (docs/decisions.md).
pub async fn not_found(method: Method, uri: Uri) -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({
            "statusCode": 404,
            "message": format!("Cannot {method} {}", uri.path()),
            "error": "Not Found",
        })),
    )
}

#[cfg(test)]
mod tests {
    use super::percent_decodes_to_utf8;

    #[test]
    fn paths_must_decode_to_utf8() {
        assert!(percent_decodes_to_utf8("/v1/kyc/status/abc-1"));
        assert!(percent_decodes_to_utf8("/v1/kyc/status/%C3%A9%2F%zz%"));
        assert!(!percent_decodes_to_utf8("/v1/kyc/status/%FF"));
        assert!(!percent_decodes_to_utf8("/v1/kyc/verification/%E2/%82%AC"));
    }
}
