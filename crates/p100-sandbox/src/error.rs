//! P100's error answers, exactly as the docs show them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use p100::FieldError;
use serde::Serialize;

/// `{errorCode, errorName?, errorMessage}` with its HTTP status.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub name: Option<&'static str>,
    pub message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    error_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_name: Option<&'a str>,
    error_message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error_code: self.code,
            error_name: self.name,
            error_message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

impl ApiError {
    fn new(
        status: StatusCode,
        code: &'static str,
        name: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            name,
            message: message.into(),
        }
    }

    /// `P403`: always 400, never an `errorName`, every failure joined into one message.
    pub fn validation(errors: &[FieldError]) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P403",
            None,
            p100::validate::join_messages(errors),
        )
    }

    pub fn validation_message(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "P403", None, message)
    }

    /// `P412 invalid-user`, as in the Redirect to Verification page's example.
    pub fn invalid_user() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P412",
            Some("invalid-user"),
            "User does not exist",
        )
    }

    /// Duplicate `externalUserId`. The code is undocumented; `P411 user-exists` follows the one
    /// client that typed it (docs/decisions.md).
    pub fn user_exists() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P411",
            Some("user-exists"),
            "User with this externalUserId already exists",
        )
    }

    /// `P445`: no KYC (no Method A files, no hosted session) exists for the user.
    pub fn kyc_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "P445",
            Some("kyc-not-found"),
            "KYC not found",
        )
    }

    /// `P211`, answered with HTTP 202: a POA is already waiting for review.
    pub fn poa_pending() -> Self {
        Self::new(
            StatusCode::ACCEPTED,
            "P211",
            Some("poa-pending"),
            "POA verification is pending",
        )
    }

    pub fn invalid_file_type(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P426",
            Some("invalid-file-type"),
            format!("Invalid file type: {name}. Allowed: image/jpeg, image/png, application/pdf"),
        )
    }

    pub fn file_too_large(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P440",
            Some("file-too-large"),
            format!("File too large: {name}. Maximum size is 5 MB"),
        )
    }

    pub fn poa_already_verified() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P447",
            Some("poa-already-verified"),
            "POA is already verified",
        )
    }

    /// `P454`: suspension refused while the user has active cards.
    pub fn active_cards() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P454",
            Some("active-cards"),
            "Suspension is not possible due to active cards",
        )
    }

    /// `P455 user-suspended` (seen only in a third-party client): the user is suspended.
    pub fn user_suspended() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P455",
            Some("user-suspended"),
            "User is suspended",
        )
    }

    pub fn not_verified() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P459",
            Some("user-not-verified"),
            "User not verified",
        )
    }

    /// `P460`: no POA verification exists (POA not required for this user, none uploaded, or the
    /// last one was refused).
    pub fn poa_not_found(detail: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "P460",
            Some("poa-verification-not-found"),
            format!("POA verification not found: {detail}"),
        )
    }

    pub fn unknown_exception() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P500",
            Some("unknown-exception"),
            "Unknown exception",
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P501",
            Some("service-unavailable"),
            "Service temporarily unavailable",
        )
    }

    /// `P901 invalid-state` — chosen by the sandbox (P9xx is never a P100 code): the operation is
    /// not allowed in the user's current state; the message says why.
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "P901",
            Some("invalid-state"),
            message,
        )
    }
}
