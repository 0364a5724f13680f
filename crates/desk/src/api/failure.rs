//! How an operation's failure leaves the core — to the webview in solo mode, over HTTP from the
//! hub in team mode: a small typed object, never a secret, never a raw path. One shape, so that
//! the page reads a hub's refusal exactly as a local one.

use crate::Error;
use p100::FieldError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    /// Stable kind: `invalid`, `accessDenied`, `p100`, `rateLimited`, `server`, `network`,
    /// `noApiKey`, `keychain`, `store`, `sandbox`, `cancelled`, `alreadyRunning`, `notFound`,
    /// `internal`.
    pub code: String,
    /// The sentence to show the operator.
    pub message: String,
    /// The first field at fault, for focusing it.
    pub field: Option<String>,
    /// Every field at fault with its message.
    pub fields: Vec<FieldError>,
    pub p100_code: Option<String>,
    pub retry_after_secs: Option<u64>,
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        // A hub's answer passes through as the hub gave it.
        let e = match e {
            Error::Remote(r) => {
                let r = *r;
                return CommandError {
                    code: r.code,
                    message: r.message,
                    field: r.field,
                    fields: r.fields,
                    p100_code: r.p100_code,
                    retry_after_secs: r.retry_after_secs,
                };
            }
            other => other,
        };
        // The desk's errors carry no secrets (keys are redacted by type), so logging is safe.
        tracing::warn!(error = %e, "command failed");
        let fields = e.field_errors();
        let retry_after_secs = match &e {
            Error::P100(p100::Error::RateLimited { retry_after }) => {
                retry_after.map(|d| d.as_secs())
            }
            _ => None,
        };
        let p100_code = match &e {
            Error::P100(p) => p.p100_code().map(str::to_owned),
            _ => None,
        };
        CommandError {
            code: e.kind().to_owned(),
            message: e.operator_message(),
            field: fields
                .first()
                .map(|f| f.field.clone())
                .filter(|f| !f.is_empty()),
            fields,
            p100_code,
            retry_after_secs,
        }
    }
}

impl CommandError {
    pub fn plain(code: &str, message: String) -> Self {
        CommandError {
            code: code.to_owned(),
            message,
            field: None,
            fields: Vec::new(),
            p100_code: None,
            retry_after_secs: None,
        }
    }

    pub fn internal(message: String) -> Self {
        tracing::warn!(%message, "command failed");
        Self::plain("internal", message)
    }
}
