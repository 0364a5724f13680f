//! The desk's one error type, and what an operator is told about each case.

use crate::vocabulary::EnvironmentKind;
use p100::codes::Code;
use p100::{DenyReason, FieldError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A refusal as the team's hub sent it: the wire form of its core's error (`api::CommandError`),
/// kept whole so that the page shows it as the hub's core said it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteRefusal {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldError>,
    #[serde(default)]
    pub p100_code: Option<String>,
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The operator's input breaks a rule; nothing was sent.
    #[error("invalid input: {}", .0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    P100(#[from] p100::Error),
    #[error("no API key is set for {}", .0.label())]
    NoApiKey(EnvironmentKind),
    /// No Secret Service / Keychain / Credential Manager to talk to. There is no plaintext
    /// fallback, by design.
    #[error("the OS keychain is not available: {0}")]
    KeychainUnavailable(String),
    #[error("keychain error: {0}")]
    Keychain(String),
    #[error("{0}")]
    InvalidApiKey(#[from] p100::InvalidApiKey),
    #[error("custom URL: {0}")]
    InvalidUrl(String),
    #[error("database error: {0}")]
    Store(#[from] rusqlite::Error),
    /// Another ledger's database (the hub's PostgreSQL) failed; its own error, as text, since the
    /// desk core does not depend on that database's driver.
    #[error("database error: {0}")]
    Ledger(String),
    /// A stored value this desk does not know (written by a newer desk, or damaged): an error,
    /// never a silent default.
    #[error("{what} is stored as {value:?}, which this desk does not know")]
    Unreadable { what: &'static str, value: String },
    /// Another desk (another launch of the app) has this data folder open.
    #[error("another Partner Desk has the data folder {} open", .0.display())]
    AlreadyRunning(std::path::PathBuf),
    /// The database was written by a newer Partner Desk: this one refuses to run on it.
    #[error("the database has schema version {found}; this Partner Desk knows up to {known}")]
    NewerDatabase { found: i64, known: i64 },
    /// No user of that externalUserId in the roster (of the selected environment).
    #[error("no user {0:?} in the roster")]
    NotInRoster(String),
    /// The team's hub refused or failed the operation; its answer, as the hub's core said it.
    #[error("the hub answered {}: {}", .0.code, .0.message)]
    Remote(Box<RemoteRefusal>),
    /// The team's hub could not be reached, or answered something that is not the hub's API.
    #[error("the hub: {0}")]
    Hub(String),
    /// The operator stopped an upload while it was being sent.
    #[error("the upload was cancelled")]
    UploadCancelled,
    #[error("the embedded sandbox could not start: {0}")]
    Sandbox(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A stable, machine-readable kind for the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::P100(p100::Error::InvalidRequest(_)) => "invalid",
            Error::P100(p100::Error::Validation { .. }) => "invalid",
            Error::P100(p100::Error::AccessDenied(_)) => "accessDenied",
            Error::P100(p100::Error::Api { .. }) => "p100",
            Error::P100(p100::Error::RateLimited { .. }) => "rateLimited",
            Error::P100(
                p100::Error::Server { .. }
                | p100::Error::UnexpectedResponse { .. }
                | p100::Error::AnswerTooLarge { .. },
            ) => "server",
            Error::P100(
                p100::Error::Timeout | p100::Error::Connect(_) | p100::Error::Transport(_),
            ) => "network",
            Error::P100(p100::Error::Cancelled { .. }) | Error::UploadCancelled => "cancelled",
            Error::NoApiKey(_) => "noApiKey",
            Error::KeychainUnavailable(_) | Error::Keychain(_) => "keychain",
            Error::InvalidApiKey(_) => "invalid",
            Error::InvalidUrl(_) => "invalid",
            Error::Store(_)
            | Error::Ledger(_)
            | Error::NewerDatabase { .. }
            | Error::Unreadable { .. } => "store",
            Error::AlreadyRunning(_) => "alreadyRunning",
            Error::NotInRoster(_) => "notFound",
            Error::Remote(r) => remote_kind(&r.code),
            Error::Hub(_) => "network",
            Error::Sandbox(_) => "sandbox",
            Error::Internal(_) => "internal",
        }
    }

    /// Field-level problems, from our checks or mapped back from P100's `P403` message.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Error::Invalid(f) | Error::P100(p100::Error::InvalidRequest(f)) => f.clone(),
            Error::P100(p100::Error::Validation { message }) => {
                p100::validate::fields_from_p403(message)
            }
            Error::InvalidUrl(message) => vec![FieldError::new("customUrl", message.clone())],
            Error::Remote(r) => r.fields.clone(),
            _ => Vec::new(),
        }
    }

    /// What the operator reads: a sentence per case and per P100 code, never P100's raw
    /// `errorMessage` alone (its docs say that text is for logs).
    pub fn operator_message(&self) -> String {
        match self {
            Error::Invalid(_) | Error::P100(p100::Error::InvalidRequest(_)) => {
                "Some fields need attention; nothing was sent to P100.".into()
            }
            Error::P100(e) => p100_message(e),
            Error::NoApiKey(env) => format!(
                "No API key is set for {}. Add one under Settings → Credentials.",
                env.label()
            ),
            Error::KeychainUnavailable(detail) => format!(
                "The OS keychain is not available ({detail}). On Linux, start and unlock a Secret Service \
                 such as GNOME Keyring or KWallet; keys are never stored anywhere else."
            ),
            Error::Keychain(detail) => format!("The OS keychain refused the operation: {detail}"),
            Error::InvalidApiKey(e) => format!("That API key cannot be used: {e}."),
            Error::InvalidUrl(e) => format!("The custom URL cannot be used: {e}"),
            Error::Store(e) => format!("The local database failed: {e}"),
            Error::Ledger(e) => format!("The team's database failed: {e}"),
            Error::NotInRoster(id) => format!("There is no user {id:?} in the roster."),
            Error::Remote(r) => r.message.clone(),
            Error::Hub(why) => format!("The team's hub cannot be reached: {why}"),
            Error::Unreadable { what, value } => format!(
                "The local database holds {what} as {value:?}, which this Partner Desk does not \
                 know (a newer desk wrote it, or the file is damaged)."
            ),
            Error::AlreadyRunning(dir) => format!(
                "Partner Desk is already running with the data in {}: use that window.",
                dir.display()
            ),
            Error::NewerDatabase { found, known } => format!(
                "This database was written by a newer Partner Desk (schema {found}; this version \
                 knows up to {known}). Install that version again, or the newest one: running \
                 an older desk on it could misread or undo its records. Nothing was changed."
            ),
            Error::UploadCancelled => {
                "The upload was cancelled. P100 may or may not have received \
                 it; check the user's status."
                    .into()
            }
            Error::Sandbox(e) => format!("The embedded sandbox could not start: {e}"),
            Error::Internal(e) => format!("Something went wrong inside the desk: {e}"),
        }
    }
}

fn p100_message(e: &p100::Error) -> String {
    use p100::Error as E;
    match e {
        E::AccessDenied(DenyReason::NoKey) => {
            "P100 refused the call: no API key was sent (xo1).".into()
        }
        E::AccessDenied(DenyReason::WrongKey) => {
            "P100 refused the API key (xo2). Check that the key belongs to this environment.".into()
        }
        E::AccessDenied(DenyReason::IpNotAllowed) => {
            "P100 refused this computer's IP address (xo3). Production calls must come from an \
             allow-listed address; ask P100 to add it."
                .into()
        }
        E::AccessDenied(DenyReason::Other) => "P100 denied access (HTTP 401).".into(),
        E::Validation { .. } => {
            "P100 rejected some fields (P403); see the messages at the fields.".into()
        }
        E::Api { code, message, .. } => match e.code() {
            Some(Code::PoaPending) => {
                "A proof of address is already under review (P211); wait for its result.".into()
            }
            Some(Code::UserExists) => {
                "A user with this external id already exists at P100 (P411).".into()
            }
            Some(Code::UserNotFound) => "P100 does not know this user (P412).".into(),
            Some(Code::InvalidFileType) => {
                "P100 does not accept this file type (P426): use JPEG, PNG or PDF.".into()
            }
            Some(Code::FileTooLarge) => {
                "The file is too large for P100 (P440): at most 5 MB per file.".into()
            }
            Some(Code::KycNotFound) => {
                "No KYC exists for this user yet (P445): upload documents or start hosted KYC."
                    .into()
            }
            Some(Code::PoaAlreadyVerified) => {
                "This user's proof of address is already verified (P447).".into()
            }
            Some(Code::ActiveCards) => {
                "The user cannot be suspended while they have active cards (P454).".into()
            }
            Some(Code::UserSuspended) => "The user is suspended (P455).".into(),
            Some(Code::UserNotVerified) => "The user is not verified yet (P459).".into(),
            Some(Code::PoaNotFound) => {
                "No proof-of-address verification was found for this user (P460).".into()
            }
            Some(Code::UnknownException) => {
                "P100 hit an unknown error (P500). Try again; if it persists, contact P100.".into()
            }
            Some(Code::Unavailable) => {
                "P100 is temporarily unavailable (P501). Try again in a moment.".into()
            }
            Some(Code::InvalidCard) => {
                "P100 does not know this card for this user, or it was deleted (P434).".into()
            }
            Some(Code::ForbiddenCountryCard) => {
                "Cards are not offered to users living in this user's country (P451).".into()
            }
            Some(Code::UserNotExtended) => {
                "The user has not reached the extended level yet (P461): extend them first.".into()
            }
            Some(Code::InvalidCurrency) => "P100 has no such currency (P410).".into(),
            Some(Code::SourceOrDestinationRequired) => {
                "A transfer must name the user to fund or the user to collect from (P424).".into()
            }
            Some(Code::InsufficientFunds) => format!(
                "Not enough money for this: {} (P433).",
                message.trim_end_matches('.')
            ),
            // The sandbox's own codes: its message is the explanation.
            Some(Code::InvalidLock) => format!(
                "The exchange rate lock cannot be used: {} (P903).",
                message.trim_end_matches('.')
            ),
            Some(Code::MoveNotFound) => format!(
                "P100 does not know this {} (P904).",
                message.trim_end_matches(" not found").to_lowercase()
            ),
            Some(Code::CardQuota) => format!(
                "Card limit reached: {} (P902).",
                message.trim_end_matches('.')
            ),
            Some(Code::InvalidState) => format!(
                "Not possible in the user's current state: {} (P901).",
                message.trim_end_matches('.')
            ),
            Some(Code::Validation) | None => format!("P100 refused the operation ({code})."),
        },
        E::RateLimited {
            retry_after: Some(d),
        } => {
            format!(
                "P100 is rate limiting this key; try again in {} s.",
                d.as_secs().max(1)
            )
        }
        E::RateLimited { retry_after: None } => {
            "P100 is rate limiting this key; try again shortly.".into()
        }
        E::Server { status } => {
            format!("P100 answered with a server error (HTTP {status}). The outcome is unknown.")
        }
        E::Cancelled {
            outcome_unknown: true,
        } => "Cancelled while waiting to retry. An earlier attempt may have reached P100: the \
              operation stays open in the journal's Open operations to retry or resolve."
            .into(),
        E::Cancelled {
            outcome_unknown: false,
        } => "Cancelled while waiting to retry; nothing was done at P100.".into(),
        E::UnexpectedResponse { status, .. } => {
            format!("P100 sent an answer the desk does not understand (HTTP {status}).")
        }
        E::AnswerTooLarge { status, limit } => format!(
            "P100's answer (HTTP {status}) was larger than {} MB and was not read{}.",
            limit / (1024 * 1024),
            if (200..300).contains(status) {
                ": the outcome is unknown"
            } else {
                ""
            }
        ),
        E::Timeout => "P100 did not answer in time. The outcome is unknown.".into(),
        E::Connect(_) => "Could not reach P100. Check the network or the environment's URL.".into(),
        E::Transport(_) => {
            "The connection to P100 failed during the call. The outcome is unknown.".into()
        }
        E::InvalidRequest(_) => "Some fields need attention; nothing was sent to P100.".into(),
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::Internal(e.to_string())
    }
}

/// The stable kind of a hub's answer, among the kinds this desk knows (a newer hub's own kind
/// reads as `internal`, with its message kept).
fn remote_kind(code: &str) -> &'static str {
    const KNOWN: [&str; 17] = [
        "invalid",
        "accessDenied",
        "p100",
        "rateLimited",
        "server",
        "network",
        "noApiKey",
        "keychain",
        "store",
        "sandbox",
        "cancelled",
        "alreadyRunning",
        "notFound",
        "unauthorized",
        "forbidden",
        "conflict",
        "internal",
    ];
    KNOWN.into_iter().find(|k| *k == code).unwrap_or("internal")
}
