//! P100's user and KYC webhooks as types (REFERENCE.md §7): the sandbox sends them, the desk's
//! receiver (and the hub's) parse them. Flat JSON bodies with no event-type field: the path
//! tells the kind apart. Parsing is strict where it matters — the documented enums only, an
//! `externalUserId` the API could address, bounded strings — and lenient where P100 may grow
//! (fields it adds later are ignored).

use crate::models::{AttemptStatus, KycFileStatus, PoaStatus, UserStatus, VerificationStatus};
use serde::Deserialize;
use serde_json::Value;

/// The largest webhook body a receiver reads. P100's are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest `rejectionReason` taken (the documented sample is `NO_FACE_FOUND`).
pub const MAX_REASON_CHARS: usize = 200;

/// `/webhook/user/status` (documented).
pub const USER_STATUS_PATH: &str = "/webhook/user/status";
/// `/webhook/poa-verification/status` (documented path; payload inferred).
pub const POA_STATUS_PATH: &str = "/webhook/poa-verification/status";
/// `/webhook/kyc-file/status` (path chosen: docs/decisions.md).
pub const KYC_FILE_PATH: &str = "/webhook/kyc-file/status";
/// `/webhook/kyc-verification/status` (path chosen: docs/decisions.md).
pub const KYC_VERIFICATION_PATH: &str = "/webhook/kyc-verification/status";
/// Every event path, for receivers to mount.
pub const PATHS: [&str; 4] = [
    USER_STATUS_PATH,
    POA_STATUS_PATH,
    KYC_FILE_PATH,
    KYC_VERIFICATION_PATH,
];

/// One webhook, as P100 sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    UserStatus {
        external_user_id: String,
        status: UserStatus,
    },
    PoaStatus {
        external_user_id: String,
        status: PoaStatus,
    },
    KycFile {
        external_user_id: String,
        status: KycFileStatus,
    },
    KycVerification {
        external_user_id: String,
        verification_status: VerificationStatus,
        attempt_status: Option<AttemptStatus>,
        rejection_reason: Option<String>,
    },
}

/// Why a webhook was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("no webhook is served at {0}")]
    UnknownPath(String),
    #[error("{0}")]
    Invalid(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody<S> {
    external_user_id: String,
    status: S,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KycBody {
    external_user_id: String,
    verification_status: VerificationStatus,
    #[serde(default)]
    attempt_status: Option<AttemptStatus>,
    #[serde(default)]
    rejection_reason: Option<String>,
}

impl WebhookEvent {
    /// Reads the event posted to `path`. Unknown paths, bodies that are not the documented
    /// JSON, values outside the documented enums and oversized strings are refused.
    pub fn parse(path: &str, body: &[u8]) -> Result<Self, WebhookError> {
        fn read<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
            serde_json::from_slice(body).map_err(|e| {
                WebhookError::Invalid(format!("the body is not the documented JSON: {e}"))
            })
        }
        let event = match path {
            USER_STATUS_PATH => {
                let b: StatusBody<UserStatus> = read(body)?;
                WebhookEvent::UserStatus {
                    external_user_id: b.external_user_id,
                    status: b.status,
                }
            }
            POA_STATUS_PATH => {
                let b: StatusBody<PoaStatus> = read(body)?;
                WebhookEvent::PoaStatus {
                    external_user_id: b.external_user_id,
                    status: b.status,
                }
            }
            KYC_FILE_PATH => {
                let b: StatusBody<KycFileStatus> = read(body)?;
                WebhookEvent::KycFile {
                    external_user_id: b.external_user_id,
                    status: b.status,
                }
            }
            KYC_VERIFICATION_PATH => {
                let b: KycBody = read(body)?;
                WebhookEvent::KycVerification {
                    external_user_id: b.external_user_id,
                    verification_status: b.verification_status,
                    attempt_status: b.attempt_status,
                    rejection_reason: b.rejection_reason,
                }
            }
            other => return Err(WebhookError::UnknownPath(other.to_owned())),
        };
        event.check()?;
        Ok(event)
    }

    fn check(&self) -> Result<(), WebhookError> {
        if let Some(problem) = crate::validate::external_user_id_problem(self.external_user_id()) {
            return Err(WebhookError::Invalid(problem));
        }
        if let WebhookEvent::KycVerification {
            rejection_reason: Some(r),
            ..
        } = self
            && (r.chars().count() > MAX_REASON_CHARS || r.chars().any(char::is_control))
        {
            return Err(WebhookError::Invalid(format!(
                "rejectionReason must be at most {MAX_REASON_CHARS} characters with no control characters"
            )));
        }
        Ok(())
    }

    pub fn path(&self) -> &'static str {
        match self {
            WebhookEvent::UserStatus { .. } => USER_STATUS_PATH,
            WebhookEvent::PoaStatus { .. } => POA_STATUS_PATH,
            WebhookEvent::KycFile { .. } => KYC_FILE_PATH,
            WebhookEvent::KycVerification { .. } => KYC_VERIFICATION_PATH,
        }
    }

    /// The event's name in delivery logs and timelines.
    pub fn name(&self) -> &'static str {
        match self {
            WebhookEvent::UserStatus { .. } => "userStatus",
            WebhookEvent::PoaStatus { .. } => "poaVerificationStatus",
            WebhookEvent::KycFile { .. } => "kycFileAdded",
            WebhookEvent::KycVerification { .. } => "kycVerificationStatus",
        }
    }

    /// The user the event is about.
    pub fn external_user_id(&self) -> &str {
        match self {
            WebhookEvent::UserStatus {
                external_user_id, ..
            }
            | WebhookEvent::PoaStatus {
                external_user_id, ..
            }
            | WebhookEvent::KycFile {
                external_user_id, ..
            }
            | WebhookEvent::KycVerification {
                external_user_id, ..
            } => external_user_id,
        }
    }

    /// The JSON body, as P100 sends it (the enums serialize to their wire names).
    pub fn payload(&self) -> Value {
        match self {
            WebhookEvent::UserStatus {
                external_user_id,
                status,
            } => serde_json::json!({ "externalUserId": external_user_id, "status": status }),
            WebhookEvent::PoaStatus {
                external_user_id,
                status,
            } => serde_json::json!({ "externalUserId": external_user_id, "status": status }),
            WebhookEvent::KycFile {
                external_user_id,
                status,
            } => serde_json::json!({ "externalUserId": external_user_id, "status": status }),
            WebhookEvent::KycVerification {
                external_user_id,
                verification_status,
                attempt_status,
                rejection_reason,
            } => serde_json::json!({
                "externalUserId": external_user_id,
                "verificationStatus": verification_status,
                "attemptStatus": attempt_status,
                "rejectionReason": rejection_reason,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_parses_back_from_its_own_payload() {
        let events = [
            WebhookEvent::UserStatus {
                external_user_id: "u-1".into(),
                status: UserStatus::Active,
            },
            WebhookEvent::PoaStatus {
                external_user_id: "u-1".into(),
                status: PoaStatus::Questioned,
            },
            WebhookEvent::KycFile {
                external_user_id: "u-1".into(),
                status: KycFileStatus::Error,
            },
            WebhookEvent::KycVerification {
                external_user_id: "u-1".into(),
                verification_status: VerificationStatus::NotVerified,
                attempt_status: Some(AttemptStatus::RejectedByProvider),
                rejection_reason: Some("NO_FACE_FOUND".into()),
            },
        ];
        for e in events {
            let body = e.payload().to_string();
            assert_eq!(WebhookEvent::parse(e.path(), body.as_bytes()), Ok(e));
        }
    }

    #[test]
    fn what_the_docs_do_not_allow_is_refused() {
        let bad = [
            (
                USER_STATUS_PATH,
                r#"{"externalUserId":"u","status":"GODMODE"}"#,
            ),
            (
                USER_STATUS_PATH,
                r#"{"externalUserId":"u","status":"active"}"#,
            ),
            (USER_STATUS_PATH, r#"{"status":"ACTIVE"}"#),
            (
                USER_STATUS_PATH,
                r#"{"externalUserId":"../x","status":"ACTIVE"}"#,
            ),
            (
                USER_STATUS_PATH,
                r#"{"externalUserId":"","status":"ACTIVE"}"#,
            ),
            (
                POA_STATUS_PATH,
                r#"{"externalUserId":"u","status":"MAYBE"}"#,
            ),
            (KYC_FILE_PATH, r#"{"externalUserId":"u","status":1}"#),
            (
                KYC_VERIFICATION_PATH,
                r#"{"externalUserId":"u","verificationStatus":"SORT_OF"}"#,
            ),
            (
                KYC_VERIFICATION_PATH,
                r#"{"externalUserId":"u","verificationStatus":"VERIFIED","attemptStatus":"NOPE"}"#,
            ),
            (KYC_VERIFICATION_PATH, "not json"),
        ];
        for (path, body) in bad {
            assert!(
                matches!(
                    WebhookEvent::parse(path, body.as_bytes()),
                    Err(WebhookError::Invalid(_))
                ),
                "{path} {body}"
            );
        }
        let long_id = format!(
            r#"{{"externalUserId":"{}","status":"ACTIVE"}}"#,
            "a".repeat(101)
        );
        assert!(WebhookEvent::parse(USER_STATUS_PATH, long_id.as_bytes()).is_err());
        let long_reason = format!(
            r#"{{"externalUserId":"u","verificationStatus":"NOT_VERIFIED","rejectionReason":"{}"}}"#,
            "R".repeat(MAX_REASON_CHARS + 1)
        );
        assert!(WebhookEvent::parse(KYC_VERIFICATION_PATH, long_reason.as_bytes()).is_err());
        assert_eq!(
            WebhookEvent::parse("/webhook/else", b"{}"),
            Err(WebhookError::UnknownPath("/webhook/else".into()))
        );
        // Fields P100 may add later are ignored.
        let extra = r#"{"externalUserId":"u","status":"ACTIVE","at":"2026-01-01"}"#;
        assert!(WebhookEvent::parse(USER_STATUS_PATH, extra.as_bytes()).is_ok());
    }
}
