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

    /// `P445`: Get KYC Status for a user with no KYC yet.
    pub fn kyc_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "P445",
            Some("kyc-not-found"),
            "KYC not found",
        )
    }
}
