//! Refusals and failures as HTTP answers: the core's [`CommandError`] (what the desktop shows),
//! with the status that says the same to any HTTP client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use desk::api::CommandError;

/// An answer that is not a success.
#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    /// Boxed: results carrying a failure stay small.
    pub body: Box<CommandError>,
}

impl Failure {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: Box::new(CommandError::plain(code, message.into())),
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in with an operator token: Authorization: Bearer <token>.",
        )
    }

    pub fn forbidden(role: &str, operation: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("The {role} role may not {operation}."),
        )
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        desk::Error::Invalid(vec![p100::FieldError::new(field, message)]).into()
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

/// The status of each stable kind of the core's errors.
fn status_of(code: &str) -> StatusCode {
    match code {
        "invalid" => StatusCode::BAD_REQUEST,
        "notFound" => StatusCode::NOT_FOUND,
        // P100 refused the operation for a business reason (its code is in the body).
        "p100" => StatusCode::UNPROCESSABLE_ENTITY,
        "rateLimited" => StatusCode::TOO_MANY_REQUESTS,
        // P100 refused the hub's key, answered badly, or could not be reached.
        "accessDenied" | "server" | "network" => StatusCode::BAD_GATEWAY,
        "noApiKey" | "store" => StatusCode::SERVICE_UNAVAILABLE,
        "cancelled" => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<desk::Error> for Failure {
    fn from(e: desk::Error) -> Self {
        let body = CommandError::from(e);
        Self {
            status: status_of(&body.code),
            body: Box::new(body),
        }
    }
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Self {
        desk::Error::from(e).into()
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
