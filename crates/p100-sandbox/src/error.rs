//! P100's error answers, exactly as the docs show them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use p100::FieldError;
use p100::codes::Code;
use serde::Serialize;

/// `{errorCode, errorName?, errorMessage}` with its HTTP status.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Code,
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
            error_code: self.code.as_str(),
            error_name: self.code.error_name(),
            error_message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

impl ApiError {
    /// The code's documented status and `errorName` (`p100::codes`), with `message`.
    fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
            code,
            message: message.into(),
        }
    }

    /// `P403`: always 400, never an `errorName`, every failure joined into one message.
    pub fn validation(errors: &[FieldError]) -> Self {
        Self::new(Code::Validation, p100::validate::join_messages(errors))
    }

    pub fn validation_message(message: impl Into<String>) -> Self {
        Self::new(Code::Validation, message)
    }

    /// `P412 invalid-user`, as in the Redirect to Verification page's example.
    pub fn invalid_user() -> Self {
        Self::new(Code::UserNotFound, "User does not exist")
    }

    /// Duplicate `externalUserId`. The code is undocumented; `P411 user-exists` follows the one
    /// client that typed it (docs/decisions.md).
    pub fn user_exists() -> Self {
        Self::new(
            Code::UserExists,
            "User with this externalUserId already exists",
        )
    }

    /// `P445`: no KYC (no Method A files, no hosted session) exists for the user.
    pub fn kyc_not_found() -> Self {
        Self::new(Code::KycNotFound, "KYC not found")
    }

    /// `P211`, answered with HTTP 202: a POA is already waiting for review.
    pub fn poa_pending() -> Self {
        Self::new(Code::PoaPending, "POA verification is pending")
    }

    pub fn invalid_file_type(name: &str) -> Self {
        Self::new(
            Code::InvalidFileType,
            format!("Invalid file type: {name}. Allowed: image/jpeg, image/png, application/pdf"),
        )
    }

    pub fn file_too_large(name: &str) -> Self {
        Self::new(
            Code::FileTooLarge,
            format!("File too large: {name}. Maximum size is 5 MB"),
        )
    }

    pub fn poa_already_verified() -> Self {
        Self::new(Code::PoaAlreadyVerified, "POA is already verified")
    }

    /// `P454`: suspension refused while the user has active cards.
    pub fn active_cards() -> Self {
        Self::new(
            Code::ActiveCards,
            "Suspension is not possible due to active cards",
        )
    }

    /// `P455 user-suspended` (seen only in a third-party client): the user is suspended.
    pub fn user_suspended() -> Self {
        Self::new(Code::UserSuspended, "User is suspended")
    }

    pub fn not_verified() -> Self {
        Self::new(Code::UserNotVerified, "User not verified")
    }

    /// `P460`: no POA verification exists (POA not required for this user, none uploaded, or the
    /// last one was refused).
    pub fn poa_not_found(detail: &str) -> Self {
        Self::new(
            Code::PoaNotFound,
            format!("POA verification not found: {detail}"),
        )
    }

    /// `P461`: the user has not reached the extended level.
    pub fn not_extended() -> Self {
        Self::new(Code::UserNotExtended, "User not extended")
    }

    /// `P434 invalid-card`, in the docs' words.
    pub fn invalid_card() -> Self {
        Self::new(Code::InvalidCard, "Card not exist")
    }

    /// `P451 forbidden-country-card`: the user's country may not have a card.
    pub fn forbidden_country_card() -> Self {
        Self::new(
            Code::ForbiddenCountryCard,
            "Cards are not available for the user's country",
        )
    }

    /// `P902 card-quota` — the sandbox's own code for the documented card quotas.
    pub fn card_quota(message: impl Into<String>) -> Self {
        Self::new(Code::CardQuota, message)
    }

    /// `P410 invalid-currency` (G0 crypto withdrawals).
    pub fn invalid_currency(currency: &str) -> Self {
        Self::new(
            Code::InvalidCurrency,
            format!("Currency {currency} not found"),
        )
    }

    /// `P424 source-or-destination-required`, as G3's error example.
    pub fn source_or_destination_required() -> Self {
        Self::new(
            Code::SourceOrDestinationRequired,
            "Source or destination external user id is required",
        )
    }

    /// `P433 insufficient-funds` (the code G3 cites beside insufficient funds).
    pub fn insufficient_funds(message: impl Into<String>) -> Self {
        Self::new(Code::InsufficientFunds, message)
    }

    /// `P903 invalid-lock` — the sandbox's own; the message says what is wrong with the lock.
    pub fn invalid_lock(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidLock, message)
    }

    /// `P904 not-found` (404) — the sandbox's own: no such transfer, exchange, withdrawal or
    /// deposit.
    pub fn move_not_found(what: &str) -> Self {
        Self::new(Code::MoveNotFound, format!("{what} not found"))
    }

    pub fn unknown_exception() -> Self {
        Self::new(Code::UnknownException, "Unknown exception")
    }

    pub fn unavailable() -> Self {
        Self::new(Code::Unavailable, "Service temporarily unavailable")
    }

    /// `P901 invalid-state` — chosen by the sandbox (P9xx is never a P100 code): the operation is
    /// not allowed in the user's current state; the message says why.
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidState, message)
    }
}
