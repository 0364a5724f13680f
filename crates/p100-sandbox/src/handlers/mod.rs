//! Route handlers, mounted on the paths of `p100::routes`.

mod body;
mod kyc;
mod users;

use crate::state::Sandbox;
use axum::Router;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Json};
use axum::routing::{get, post};
use p100::routes;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sandbox>> {
    Router::new()
        .route(routes::CREATE_USER.template, post(users::create_user))
        .route(routes::GET_KYC_STATUS.template, get(kyc::get_kyc_status))
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
