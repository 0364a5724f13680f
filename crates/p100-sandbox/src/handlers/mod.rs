//! Route handlers, mounted on the paths of `p100::routes`. Each reads its input the way P100's
//! validation layer does (every problem in one `P403`) and calls one [`crate::state::Sandbox`]
//! operation.

pub mod admin;
mod body;
mod kyc;
mod poa;
pub mod provider;
mod users;

use crate::state::Sandbox;
use axum::Router;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Json};
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
}

/// `/v1` routes opened by the end user's browser: no API key (docs/decisions.md).
pub fn public() -> Router<Arc<Sandbox>> {
    Router::new().route(
        r::REDIRECT_TO_VERIFICATION.template,
        get(provider::redirect),
    )
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
