//! P100's user and KYC webhooks as types (REFERENCE.md §7): the sandbox sends them, the desk's
//! receiver (and the hub's) parse them. Flat JSON bodies with no event-type field: the path
//! tells the kind apart. Parsing is strict where it matters — the documented enums only, an
//! `externalUserId` the API could address, bounded strings — and lenient where P100 may grow
//! (fields it adds later are ignored).

mod moves;

use crate::models::money::{CryptoDeposit, ExchangeDetails, TransferDetails, WithdrawalDetails};
use crate::models::{AttemptStatus, KycFileStatus, PoaStatus, UserStatus, VerificationStatus};
pub use moves::{
    CARD_3DS_PATH, CARD_ACTIVATION_PATH, CARD_TRANSACTION_PATH, CRYPTO_DEPOSIT_PATH,
    CRYPTO_WITHDRAWAL_PATH, CardCode, CardTransaction, CardTransactionStatus, EXCHANGE_PATH,
    MAX_TEXT_CHARS, TRANSFER_PATH,
};
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
pub const PATHS: [&str; 11] = [
    USER_STATUS_PATH,
    POA_STATUS_PATH,
    KYC_FILE_PATH,
    KYC_VERIFICATION_PATH,
    TRANSFER_PATH,
    EXCHANGE_PATH,
    CRYPTO_WITHDRAWAL_PATH,
    CRYPTO_DEPOSIT_PATH,
    CARD_TRANSACTION_PATH,
    CARD_3DS_PATH,
    CARD_ACTIVATION_PATH,
];

/// One webhook, as P100 sends it.
#[derive(Debug, Clone, PartialEq)]
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
    /// A transfer between the partner and one user, settled or not.
    Transfer(TransferDetails),
    /// An exchange's final state.
    Exchange(ExchangeDetails),
    CryptoWithdrawal(WithdrawalDetails),
    CryptoDeposit(CryptoDeposit),
    CardTransaction(CardTransaction),
    /// A 3-D Secure code for the cardholder (a secret).
    Card3dsCode(CardCode),
    /// A card's activation code (a secret).
    CardActivationCode(CardCode),
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
            TRANSFER_PATH => WebhookEvent::Transfer(read(body)?),
            EXCHANGE_PATH => WebhookEvent::Exchange(read(body)?),
            CRYPTO_WITHDRAWAL_PATH => WebhookEvent::CryptoWithdrawal(read(body)?),
            CRYPTO_DEPOSIT_PATH => WebhookEvent::CryptoDeposit(read(body)?),
            CARD_TRANSACTION_PATH => WebhookEvent::CardTransaction(read(body)?),
            CARD_3DS_PATH => WebhookEvent::Card3dsCode(read(body)?),
            CARD_ACTIVATION_PATH => WebhookEvent::CardActivationCode(read(body)?),
            other => return Err(WebhookError::UnknownPath(other.to_owned())),
        };
        event.check()?;
        Ok(event)
    }

    fn check(&self) -> Result<(), WebhookError> {
        if let Some(problem) = crate::validate::external_user_id_problem(self.external_user_id()) {
            return Err(WebhookError::Invalid(problem));
        }
        if let Some(problem) = self.money_problem() {
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

    /// What a money or card webhook carries that is not believable: a transfer naming no user
    /// or two, an amount that is no amount, ids and texts empty, oversized or with control
    /// characters, a card's digits or code that are not digits.
    fn money_problem(&self) -> Option<String> {
        use moves::{amount_problem, card_problem, text_problem};
        match self {
            WebhookEvent::Transfer(t) => {
                if t.source_external_user_id.is_some() == t.destination_external_user_id.is_some() {
                    return Some(
                        "a transfer names exactly one of sourceExternalUserId and destinationExternalUserId"
                            .into(),
                    );
                }
                text_problem("id", &t.id).or_else(|| amount_problem("amount", t.amount))
            }
            WebhookEvent::Exchange(e) => text_problem("id", &e.id)
                .or_else(|| amount_problem("amountFrom", e.amount_from))
                .or_else(|| text_problem("lockId", &e.lock_id)),
            WebhookEvent::CryptoWithdrawal(w) => text_problem("id", &w.id)
                .or_else(|| amount_problem("amount", w.amount))
                .or_else(|| text_problem("destination", &w.destination)),
            WebhookEvent::CryptoDeposit(d) => text_problem("cryptoDepositId", &d.crypto_deposit_id)
                .or_else(|| amount_problem("amount", d.amount)),
            WebhookEvent::CardTransaction(t) => text_problem("cardId", &t.card_id)
                .or_else(|| text_problem("transactionId", &t.transaction_id))
                .or_else(|| text_problem("merchant", &t.merchant))
                .or_else(|| amount_problem("amount", t.amount))
                .or_else(|| card_problem(&t.card_last_digits, None)),
            WebhookEvent::Card3dsCode(c) | WebhookEvent::CardActivationCode(c) => {
                text_problem("cardId", &c.card_id)
                    .or_else(|| card_problem(&c.card_last_digits, Some(&c.code)))
            }
            _ => None,
        }
    }

    pub fn path(&self) -> &'static str {
        match self {
            WebhookEvent::UserStatus { .. } => USER_STATUS_PATH,
            WebhookEvent::PoaStatus { .. } => POA_STATUS_PATH,
            WebhookEvent::KycFile { .. } => KYC_FILE_PATH,
            WebhookEvent::KycVerification { .. } => KYC_VERIFICATION_PATH,
            WebhookEvent::Transfer(_) => TRANSFER_PATH,
            WebhookEvent::Exchange(_) => EXCHANGE_PATH,
            WebhookEvent::CryptoWithdrawal(_) => CRYPTO_WITHDRAWAL_PATH,
            WebhookEvent::CryptoDeposit(_) => CRYPTO_DEPOSIT_PATH,
            WebhookEvent::CardTransaction(_) => CARD_TRANSACTION_PATH,
            WebhookEvent::Card3dsCode(_) => CARD_3DS_PATH,
            WebhookEvent::CardActivationCode(_) => CARD_ACTIVATION_PATH,
        }
    }

    /// The event's name in delivery logs and timelines.
    pub fn name(&self) -> &'static str {
        match self {
            WebhookEvent::UserStatus { .. } => "userStatus",
            WebhookEvent::PoaStatus { .. } => "poaVerificationStatus",
            WebhookEvent::KycFile { .. } => "kycFileAdded",
            WebhookEvent::KycVerification { .. } => "kycVerificationStatus",
            WebhookEvent::Transfer(_) => "transfer",
            WebhookEvent::Exchange(_) => "exchange",
            WebhookEvent::CryptoWithdrawal(_) => "cryptoWithdrawal",
            WebhookEvent::CryptoDeposit(_) => "cryptoDeposit",
            WebhookEvent::CardTransaction(_) => "cardTransaction",
            WebhookEvent::Card3dsCode(_) => "card3dsCode",
            WebhookEvent::CardActivationCode(_) => "cardActivationCode",
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
            // Checked on parse: exactly one of the two.
            WebhookEvent::Transfer(t) => t
                .destination_external_user_id
                .as_deref()
                .or(t.source_external_user_id.as_deref())
                .unwrap_or(""),
            WebhookEvent::Exchange(e) => &e.source_external_user_id,
            WebhookEvent::CryptoWithdrawal(w) => &w.source_external_user_id,
            WebhookEvent::CryptoDeposit(d) => &d.external_user_id,
            WebhookEvent::CardTransaction(t) => &t.external_user_id,
            WebhookEvent::Card3dsCode(c) | WebhookEvent::CardActivationCode(c) => {
                &c.external_user_id
            }
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
            WebhookEvent::Transfer(t) => json_of(t),
            WebhookEvent::Exchange(e) => json_of(e),
            WebhookEvent::CryptoWithdrawal(w) => json_of(w),
            WebhookEvent::CryptoDeposit(d) => json_of(d),
            WebhookEvent::CardTransaction(t) => json_of(t),
            WebhookEvent::Card3dsCode(c) | WebhookEvent::CardActivationCode(c) => json_of(c),
        }
    }

    /// The one-time code a card webhook carries, if it is one (a secret: shown, never kept).
    pub fn card_code(&self) -> Option<&CardCode> {
        match self {
            WebhookEvent::Card3dsCode(c) | WebhookEvent::CardActivationCode(c) => Some(c),
            _ => None,
        }
    }
}

fn json_of<T: serde::Serialize>(body: &T) -> Value {
    serde_json::to_value(body).unwrap_or_default()
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
        for e in events.into_iter().chain(money_events()) {
            let body = e.payload().to_string();
            assert_eq!(WebhookEvent::parse(e.path(), body.as_bytes()), Ok(e));
        }
    }

    fn money_events() -> Vec<WebhookEvent> {
        use crate::models::money::*;
        let code = CardCode {
            external_user_id: "u-1".into(),
            card_id: "c-1".into(),
            card_last_digits: "4242".into(),
            code: "739164".into(),
            created_at: "2026-12-04T10:00:00.000Z".into(),
        };
        vec![
            WebhookEvent::Transfer(TransferDetails {
                id: "t-1".into(),
                source_external_user_id: None,
                destination_external_user_id: Some("u-1".into()),
                amount: 10.5,
                currency: Currency::Eur,
                status: MoveStatus::Successful,
                created_at: "2026-12-04T10:00:00.000Z".into(),
                error: None,
            }),
            WebhookEvent::CryptoDeposit(CryptoDeposit {
                external_user_id: "u-1".into(),
                crypto_deposit_id: "d-1".into(),
                amount: 0.001,
                currency: Currency::Eth,
                status: DepositStatus::WaitingForTrData,
                transaction_hash: Some("0x10d5".into()),
                created_at: "2025-03-20T11:34:37.646Z".into(),
            }),
            WebhookEvent::CardTransaction(CardTransaction {
                external_user_id: "u-1".into(),
                card_id: "c-1".into(),
                card_last_digits: "4242".into(),
                transaction_id: "x-1".into(),
                amount: 12.99,
                currency: Currency::Eur,
                merchant: "Corner Shop".into(),
                status: CardTransactionStatus::Approved,
                created_at: "2026-12-04T10:00:00.000Z".into(),
            }),
            WebhookEvent::Card3dsCode(code.clone()),
            WebhookEvent::CardActivationCode(code),
        ]
    }

    #[test]
    fn money_and_card_webhooks_are_checked_before_they_are_believed() {
        let mut events = money_events();
        let WebhookEvent::Transfer(t) = &mut events[0] else {
            unreachable!()
        };
        t.source_external_user_id = Some("u-2".into());
        let WebhookEvent::CardTransaction(x) = &mut events[2] else {
            unreachable!()
        };
        x.merchant = "Shop\u{7}".into();
        let WebhookEvent::Card3dsCode(c) = &mut events[3] else {
            unreachable!()
        };
        c.code = "12ab".into();
        let WebhookEvent::CryptoDeposit(d) = &mut events[1] else {
            unreachable!()
        };
        d.amount = -1.0;
        for e in events.iter().take(4) {
            let body = e.payload().to_string();
            assert!(
                matches!(
                    WebhookEvent::parse(e.path(), body.as_bytes()),
                    Err(WebhookError::Invalid(_))
                ),
                "{body}"
            );
        }
        // A code never shows in Debug (a log line).
        assert!(!format!("{:?}", money_events()[3]).contains("739164"));
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
