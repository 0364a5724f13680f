//! The `x-api-key` check, answering P100's documented 401 bodies.

use crate::state::Sandbox;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// `Access Denied. xo1` without a key, `xo2` with a wrong one. Plain text: the docs give the
/// message but not the shape (docs/decisions.md). Header names match in any case, as HTTP says.
pub async fn require_api_key(
    State(state): State<Arc<Sandbox>>,
    req: Request,
    next: Next,
) -> Response {
    let denied = match req.headers().get(p100::auth::API_KEY_HEADER) {
        None => Some("xo1"),
        Some(v) if v.as_bytes().is_empty() => Some("xo1"),
        Some(v) if !constant_time_eq(v.as_bytes(), state.config.api_key.as_bytes()) => Some("xo2"),
        Some(_) => None,
    };
    match denied {
        Some(code) => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("Access Denied. {code}"),
        )
            .into_response(),
        None => next.run(req).await,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
