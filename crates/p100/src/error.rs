//! One error type for every Partner API call, keeping P100's `errorCode`.

use crate::codes::Code;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem with one field of a request, found before sending or mapped back from a `P403`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The API field name, e.g. `birthDate`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Which of P100's 401 cases (`Access Denied. xo1|xo2|xo3`) was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenyReason {
    /// `xo1`: no API key was sent.
    NoKey,
    /// `xo2`: the API key is wrong.
    WrongKey,
    /// `xo3`: the caller's IP is not on the production allow-list.
    IpNotAllowed,
    /// A 401 whose body names none of the documented cases.
    Other,
}

impl DenyReason {
    pub fn code(&self) -> &'static str {
        match self {
            DenyReason::NoKey => "xo1",
            DenyReason::WrongKey => "xo2",
            DenyReason::IpNotAllowed => "xo3",
            DenyReason::Other => "401",
        }
    }
}

/// Everything a Partner API call can end with, other than success.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request was refused before sending: these fields break P100's rules.
    #[error("invalid request: {}", join_fields(.0))]
    InvalidRequest(Vec<FieldError>),
    /// HTTP 401.
    #[error("access denied ({})", .0.code())]
    AccessDenied(DenyReason),
    /// `P403`: P100's validation failed; `message` joins every failure.
    #[error("P403 validation failed: {message}")]
    Validation { message: String },
    /// Any other `{errorCode, errorName?, errorMessage}` answer, including `P211` sent as 202 and
    /// `P500`/`P501` sent as 400.
    #[error("{code} ({status}): {message}")]
    Api {
        status: u16,
        code: String,
        name: Option<String>,
        message: String,
    },
    /// HTTP 429.
    #[error("rate limited")]
    RateLimited { retry_after: Option<Duration> },
    /// A 5xx without P100's error envelope (gateway, load balancer, crash).
    #[error("server error HTTP {status}")]
    Server { status: u16 },
    /// A response that is not what the API promises.
    #[error("unexpected response HTTP {status}: {detail}")]
    UnexpectedResponse { status: u16, detail: String },
    /// An answer larger than the client reads (`client::MAX_ANSWER_BYTES`).
    #[error("the answer (HTTP {status}) is larger than {limit} bytes and was not read")]
    AnswerTooLarge { status: u16, limit: usize },
    #[error("the request timed out")]
    Timeout,
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("network error: {0}")]
    Transport(String),
    /// The operator cancelled while the call waited to be retried. `outcome_unknown`: an earlier
    /// attempt may have reached P100 and acted.
    #[error("cancelled by the operator while waiting to retry")]
    Cancelled { outcome_unknown: bool },
}

fn join_fields(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// P100's `errorCode` as sent (`P403` for validation), when the answer carried one.
    pub fn p100_code(&self) -> Option<&str> {
        match self {
            Error::Validation { .. } => Some(Code::Validation.as_str()),
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The answer's `errorCode`, when it is one the project knows.
    pub fn code(&self) -> Option<Code> {
        self.p100_code().and_then(Code::parse)
    }

    /// The HTTP status P100 answered with, when it answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::AccessDenied(_) => Some(401),
            Error::Validation { .. } => Some(400),
            Error::Api { status, .. }
            | Error::Server { status }
            | Error::UnexpectedResponse { status, .. }
            | Error::AnswerTooLarge { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// True when the request may have reached P100 and its effect is unknown: the outbox keeps
    /// such an operation open instead of calling it failed.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Timeout | Error::Transport(_) | Error::Server { .. } => true,
            // "Unknown exception": P100 may have failed after acting.
            Error::Api { .. } => self.code() == Some(Code::UnknownException),
            Error::Cancelled { outcome_unknown } => *outcome_unknown,
            // A success whose answer was not read: the call acted, what it said is unknown.
            Error::AnswerTooLarge { status, .. } => (200..300).contains(status),
            _ => false,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        // reqwest's Display names the URL, never headers, so the key cannot leak through here.
        let (timeout, connect) = (e.is_timeout(), e.is_connect());
        let text = e.without_url().to_string();
        if timeout {
            Error::Timeout
        } else if connect {
            Error::Connect(text)
        } else {
            Error::Transport(text)
        }
    }
}
