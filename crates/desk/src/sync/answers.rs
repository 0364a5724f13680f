//! What a webhook receiver answers P100 — the desk's own and the hub's alike: a body that is not
//! one of the documented events is refused (404 for a path P100 does not post to, 400 for a body
//! outside the documented shape), and once the claim is stored (or not) P100 is told so.

use crate::error::Result;
use crate::ledger::claims::Recorded;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use p100::webhooks::{WebhookError, WebhookEvent};
use serde_json::json;

fn answer(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"status": status.as_u16(), "message": message})),
    )
        .into_response()
}

/// The event a body at `path` carries, or the answer that refuses it (boxed: results stay small).
pub fn parse(path: &str, body: &[u8]) -> std::result::Result<WebhookEvent, Box<Response>> {
    WebhookEvent::parse(path, body).map_err(|e| {
        Box::new(match e {
            WebhookError::UnknownPath(p) => answer(
                StatusCode::NOT_FOUND,
                &format!("no webhook is served at {p}"),
            ),
            WebhookError::Invalid(why) => answer(StatusCode::BAD_REQUEST, &why),
        })
    })
}

/// What P100 is told once the claim was recorded, found repeated, ignored, or not stored.
pub fn acknowledge(written: &Result<Recorded>) -> Response {
    match written {
        Ok(Recorded::New { .. }) => answer(
            StatusCode::OK,
            "recorded as a claim; P100 is asked to confirm it",
        ),
        Ok(Recorded::Repeated) => answer(StatusCode::OK, "already recorded"),
        Ok(Recorded::Noted { .. }) => answer(StatusCode::OK, "recorded"),
        // Acknowledged so that P100 does not retry a user this roster never had (another
        // desk's, or one created outside it); nothing is stored.
        Ok(Recorded::UnknownUser) => {
            answer(StatusCode::ACCEPTED, "unknown externalUserId: ignored")
        }
        // 5xx: P100 delivers it again later.
        Err(e) => {
            tracing::error!(error = %e, "a webhook could not be stored");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the event could not be stored; send it again later",
            )
        }
    }
}
