//! P100's webhooks, at P100's paths, with P100's `Authorization` token (from the token file).
//! The token is checked before a body byte is read; a body is at most 64 KiB and must be one of
//! the documented events. An event is recorded as a claim on the user's timeline — a few rows in
//! one transaction, so P100 is answered at once — and confirmed with P100 later by whichever
//! replica's worker takes it (`claims`): it moves nobody until P100 says the same.

use super::Hub;
use super::failure::Failure;
use crate::PgLedger;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, Uri, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use desk::ledger::claims::Recorded;
use desk::ledger::in_tx_blocking;
use desk::sync::answers;
use p100::webhooks::{MAX_BODY_BYTES, PATHS};
use std::sync::Arc;

pub fn router(hub: Arc<Hub>) -> Router<Arc<Hub>> {
    let mut r = Router::new();
    for path in PATHS {
        r = r.route(path, post(event));
    }
    r.layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(hub, require_token))
}

/// P100 sends the bare token; proxies sometimes add `Bearer `.
async fn require_token(State(hub): State<Arc<Hub>>, req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v));
    match presented {
        Some(t) if hub.webhook_token.matches(t) => next.run(req).await,
        _ => Failure::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the Authorization token is not the hub's webhook token",
        )
        .into_response(),
    }
}

async fn event(State(hub): State<Arc<Hub>>, uri: Uri, body: axum::body::Bytes) -> Response {
    let event = match answers::parse(uri.path(), &body) {
        Ok(e) => e,
        Err(refusal) => return *refusal,
    };
    let env = hub.environment;
    let ledger = Arc::new(PgLedger::new(hub.db.clone(), super::HUB_ACTOR));
    let written = in_tx_blocking(ledger, move |tx| tx.record_claim(env, &event)).await;
    if let Ok(Recorded::New { .. }) = &written {
        // This replica's workers look now; the others find it on their next look.
        hub.wake.notify_one();
    }
    answers::acknowledge(&written)
}
