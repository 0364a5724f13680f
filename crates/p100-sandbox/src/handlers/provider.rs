//! Redirect to Verification and the sandbox's stand-in for the identity provider's pages.
//!
//! P100 answers the redirect link with `200 text/html`, a loading page whose script sends the
//! browser on to the provider. The sandbox does the same, to a page of its own where the tester
//! passes or fails the check.

use crate::error::ApiError;
use crate::model::Outcome;
use crate::state::{DEFAULT_REJECTION, Sandbox};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use p100::models::AttemptStatus;
use serde::Deserialize;
use std::sync::Arc;

/// Reasons the provider page offers; `NO_FACE_FOUND` is the docs' sample.
pub const REJECTION_REASONS: &[&str] = &[
    "NO_FACE_FOUND",
    "DOCUMENT_DAMAGED",
    "DOCUMENT_EXPIRED",
    "FACE_MISMATCH",
    "SUSPECTED_FRAUD",
    "UNSUPPORTED_DOCUMENT",
];

const STYLE: &str = "body{font:16px system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b2430}\
button{font:inherit;padding:.5rem 1rem;margin:.25rem .5rem .25rem 0;border-radius:6px;border:1px solid #888;cursor:pointer}\
.pass{background:#1f7a3a;color:#fff;border-color:#1f7a3a}.fail{background:#b3261e;color:#fff;border-color:#b3261e}\
small{color:#555}";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    );
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        Html(html),
    )
        .into_response()
}

fn provider_url(ext: &str, verification_id: &str) -> String {
    format!(
        "/_sandbox/provider/{}/{}",
        urlencode(ext),
        urlencode(verification_id)
    )
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `GET /v1/kyc/verification/{externalUserId}/{verificationId}`: the loading page.
pub async fn redirect(
    State(state): State<Arc<Sandbox>>,
    Path((ext, verification_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.hosted_session(&ext, &verification_id)?;
    let to = provider_url(&ext, &verification_id);
    let body = format!(
        "<p>Loading verification…</p><p><small>If nothing happens, <a href=\"{to}\">continue</a>.</small></p>\
         <script>window.location.replace({})</script>",
        serde_json::to_string(&to).unwrap_or_default()
    );
    let mut resp = page("Verification", &body);
    resp.headers_mut().insert(
        header::REFRESH,
        format!("1; url={to}")
            .parse()
            .map_err(|_| ApiError::unknown_exception())?,
    );
    Ok(resp)
}

/// The provider page: who is being verified, and Pass / Fail.
pub async fn provider_page(
    State(state): State<Arc<Sandbox>>,
    Path((ext, verification_id)): Path<(String, String)>,
) -> Response {
    let Ok((user, attempt)) = state.hosted_session(&ext, &verification_id) else {
        return (
            StatusCode::NOT_FOUND,
            page("Not found", "<h1>Verification not found</h1>"),
        )
            .into_response();
    };
    let name = [
        user.profile.first_name.as_deref(),
        user.profile.last_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    if attempt != AttemptStatus::Pending {
        return page(
            "Verification",
            &format!(
                "<h1>Verification {}</h1><p>This check was already completed ({}).</p>",
                escape(&name),
                attempt.as_str()
            ),
        );
    }
    let reasons: String = REJECTION_REASONS
        .iter()
        .map(|r| format!("<option value=\"{r}\">{r}</option>"))
        .collect();
    page(
        "Sandbox identity check",
        &format!(
            "<h1>Sandbox identity check</h1><p>Verifying <strong>{}</strong>.</p>\
             <p><small>P100 sandbox: no documents are read. Choose the outcome the provider reports.</small></p>\
             <form method=\"post\"><button class=\"pass\" name=\"outcome\" value=\"pass\" data-testid=\"provider-pass\">Pass</button>\
             <button class=\"fail\" name=\"outcome\" value=\"fail\" data-testid=\"provider-fail\">Fail</button> with reason \
             <select name=\"reason\" data-testid=\"provider-reason\">{reasons}</select></form>",
            escape(&name)
        ),
    )
}

#[derive(Deserialize)]
pub struct Decision {
    outcome: String,
    #[serde(default)]
    reason: Option<String>,
}

pub async fn provider_submit(
    State(state): State<Arc<Sandbox>>,
    Path((ext, verification_id)): Path<(String, String)>,
    Form(d): Form<Decision>,
) -> Response {
    let outcome = match d.outcome.as_str() {
        "pass" => Outcome::Approve,
        "fail" => Outcome::Reject {
            reason: d
                .reason
                .filter(|r| REJECTION_REASONS.contains(&r.as_str()))
                .unwrap_or_else(|| DEFAULT_REJECTION.to_owned()),
        },
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                page("Bad request", "<h1>Choose pass or fail</h1>"),
            )
                .into_response();
        }
    };
    match state.complete_hosted(&ext, &verification_id, outcome) {
        Ok(()) => page(
            "Thank you",
            "<h1>Thank you</h1><p data-testid=\"provider-done\">Your documents were submitted for review. You can close this window.</p>",
        ),
        Err(e) => (
            StatusCode::CONFLICT,
            page(
                "Verification",
                &format!("<h1>Not possible</h1><p>{}</p>", escape(&e.message)),
            ),
        )
            .into_response(),
    }
}
