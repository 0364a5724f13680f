//! What can happen to a user, as the timeline keeps it: one typed event per kind, with the
//! details each kind carries. Stored as the kind's name and its details as JSON; read back
//! strictly — a kind, a value or a missing detail this desk does not know is an error, never a
//! default (fields it does not use, such as those older desks wrote, are passed over). In
//! TypeScript the same type is a discriminated union on `kind`, so the timeline and the stage
//! derivation match on variants, not on strings.

use p100::models::money::{Currency, Network};
use p100::models::{
    AttemptStatus, CardLimits, DocumentType, KycFileSide, KycFileStatus, KycStatus, PoaStatus,
    UserStatus, VerificationStatus,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum EventSource {
    /// This desk's operator.
    Operator,
    /// A webhook: a claim, or P100's answer when the desk asked because of one.
    Webhook,
    /// The desk asked P100 (polling, a refresh, a balance read).
    Poll,
}

impl EventSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::Webhook => "webhook",
            Self::Poll => "poll",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Operator, Self::Webhook, Self::Poll]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// One file of an upload as the timeline keeps it: never the document, at most the 160 px
/// thumbnail the operator saw when picking it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileNote {
    /// `front`, `back`, `selfie` (KYC) or `files` (proof of address).
    pub side: String,
    pub name: String,
    pub size: u64,
    pub mime: String,
    #[serde(default)]
    pub thumbnail: Option<String>,
}

/// What P100 said of a user's KYC (Get KYC Status, Add User Verification's answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KycReport {
    pub verification_status: VerificationStatus,
    #[serde(default)]
    pub attempt_status: Option<AttemptStatus>,
    #[serde(default)]
    pub rejection_reason: Option<String>,
}

impl From<&KycStatus> for KycReport {
    fn from(s: &KycStatus) -> Self {
        Self {
            verification_status: s.verification_status,
            attempt_status: s.attempt_status,
            rejection_reason: s.rejection_reason.clone(),
        }
    }
}

/// Where a webhook claim's confirmation with P100 stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Confirmation {
    /// Not yet asked (or the answer did not come yet).
    Pending,
    /// P100's own answer says the same.
    Confirmed,
    /// P100 says otherwise, or no documented read can tell: the claim moved nothing.
    Unconfirmed,
}

impl Confirmation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Unconfirmed => "unconfirmed",
        }
    }
}

/// What was done to a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CardChange {
    Blocked,
    Unblocked,
    Deleted,
    PinChanged,
    LimitsChanged { limits: CardLimits },
}

/// What a card's one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CardCodePurpose {
    /// 3-D Secure: an online payment to approve.
    ThreeDs,
    Activation,
}

/// One thing that happened to a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    content = "detail",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// A user who already existed at P100 (made by the partner's own backend, or before this
    /// desk) is followed from now on, as P100's reads showed them: whether their balances
    /// exist (the account is active), and their KYC status when they have one.
    Tracked {
        active: bool,
        #[serde(default)]
        kyc: Option<KycReport>,
    },
    /// P100 created the user (its id is unknown when a lost answer was reconciled).
    Created {
        user_id: Option<String>,
        poa_required_for_extended: bool,
    },
    /// Profile fields P100 accepted.
    Updated {
        fields: Vec<String>,
        #[serde(default)]
        poa_required_for_extended: Option<bool>,
    },
    /// Method A files sent; `missing` are the sides P100 still needs.
    KycFilesUploaded {
        document_type: DocumentType,
        files: Vec<FileNote>,
        #[serde(default)]
        missing: Vec<KycFileSide>,
    },
    /// A hosted check (Method B) started.
    HostedKycStarted {
        verification_id: String,
    },
    /// Add User Verification accepted, with P100's first word on it.
    VerificationSubmitted(KycReport),
    /// P100's KYC status, when it differed from what the desk knew.
    KycStatus(KycReport),
    /// A KYC file's fate, as webhooks reported it before they became claims (issue 14).
    KycFileStatus {
        status: KycFileStatus,
    },
    /// P100 shows the user's balances: the account is active.
    Activated {},
    /// A user status P100 confirmed (a deletion), or a webhook's from before issue 14.
    UserStatus {
        status: UserStatus,
    },
    /// Proof of address sent; P100's answer's status.
    PoaUploaded {
        files: Vec<FileNote>,
        status: PoaStatus,
    },
    /// The proof of address's status P100 gave.
    PoaStatus {
        status: PoaStatus,
    },
    Suspended {
        reason: Option<String>,
        status: UserStatus,
    },
    Unsuspended {
        reason: Option<String>,
        status: UserStatus,
    },
    Extended {},
    Deleted {},
    /// An operation P100 refused or never answered: on the timeline, moving nothing.
    OperationFailed {
        operation: String,
        p100_code: Option<String>,
        message: String,
    },
    /// A virtual card made for the user (never its number: the last four digits name it).
    CardCreated {
        card_id: String,
        label: String,
        last_digits: String,
    },
    /// A card blocked, unblocked, deleted, given a new PIN (never the PIN) or new limits.
    CardChanged {
        card_id: String,
        last_digits: String,
        change: CardChange,
    },
    /// Money moved between the partner's balance and the user's (`amount` at the currency's
    /// places, as text).
    Transferred {
        transfer_id: String,
        direction: crate::vocabulary::TransferDirection,
        amount: String,
        currency: Currency,
    },
    /// An exchange finalized with a lock: `amount` of `currency_from` sold.
    Exchanged {
        exchange_id: String,
        amount: String,
        currency_from: Currency,
        currency_to: Currency,
    },
    /// Crypto sent to an outside wallet.
    Withdrawn {
        withdrawal_id: String,
        amount: String,
        currency: Currency,
        network: Network,
        wallet_address: String,
    },
    /// The sender's data given for a deposit held for the travel rule (`sender` in a few
    /// words: a name, a company, or the user's own wallet).
    TravelRuleGiven {
        crypto_deposit_id: String,
        sender: String,
    },
    /// P100 sent a one-time code for the user's card (never kept: the partner's own channel
    /// gives it to the cardholder).
    CardCodeSent {
        card_id: String,
        last_digits: String,
        purpose: CardCodePurpose,
    },
    /// An operator's note on the user (the event's actor and time are its author and time).
    Noted {
        text: String,
    },
    /// A tag put on the user.
    Tagged {
        tag: String,
    },
    /// A tag taken off the user.
    Untagged {
        tag: String,
    },
    /// The user given to an operator to work on (`to` null: to nobody).
    Assigned {
        to: Option<String>,
    },
    /// A webhook, kept as a claim until P100 confirms it; it moves nothing itself.
    WebhookClaim {
        /// The webhook's name (`userStatus`, `kycVerificationStatus`, …).
        event: String,
        path: String,
        /// The body as P100 sent it.
        #[ts(type = "Record<string, unknown>")]
        claim: serde_json::Value,
        confirmation: Confirmation,
        #[serde(default)]
        note: Option<String>,
    },
}

impl Event {
    /// The kind's stored name.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Tracked { .. } => "tracked",
            Event::Created { .. } => "created",
            Event::Updated { .. } => "updated",
            Event::KycFilesUploaded { .. } => "kycFilesUploaded",
            Event::HostedKycStarted { .. } => "hostedKycStarted",
            Event::VerificationSubmitted(_) => "verificationSubmitted",
            Event::KycStatus(_) => "kycStatus",
            Event::KycFileStatus { .. } => "kycFileStatus",
            Event::Activated {} => "activated",
            Event::UserStatus { .. } => "userStatus",
            Event::PoaUploaded { .. } => "poaUploaded",
            Event::PoaStatus { .. } => "poaStatus",
            Event::Suspended { .. } => "suspended",
            Event::Unsuspended { .. } => "unsuspended",
            Event::Extended {} => "extended",
            Event::Deleted {} => "deleted",
            Event::OperationFailed { .. } => "operationFailed",
            Event::WebhookClaim { .. } => "webhookClaim",
            Event::CardCreated { .. } => "cardCreated",
            Event::CardChanged { .. } => "cardChanged",
            Event::Transferred { .. } => "transferred",
            Event::Exchanged { .. } => "exchanged",
            Event::Withdrawn { .. } => "withdrawn",
            Event::TravelRuleGiven { .. } => "travelRuleGiven",
            Event::CardCodeSent { .. } => "cardCodeSent",
            Event::Noted { .. } => "noted",
            Event::Tagged { .. } => "tagged",
            Event::Untagged { .. } => "untagged",
            Event::Assigned { .. } => "assigned",
        }
    }

    /// The details as stored (the JSON object of the kind's fields).
    pub fn detail_json(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|mut v| v.get_mut("detail").map(serde_json::Value::take))
            .unwrap_or_else(|| serde_json::json!({}))
            .to_string()
    }

    /// Reads a stored event back: its kind's name and its details. Unknown kinds and details
    /// that do not fit the kind are errors.
    pub fn from_stored(kind: &str, detail_json: &str) -> Result<Event, String> {
        let detail: serde_json::Value = serde_json::from_str(detail_json)
            .map_err(|e| format!("the details of a {kind} event are not JSON: {e}"))?;
        serde_json::from_value(serde_json::json!({"kind": kind, "detail": detail}))
            .map_err(|e| format!("a stored {kind} event does not read back: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_from_what_is_stored_and_unknown_ones_are_refused() {
        let events = [
            Event::Created {
                user_id: None,
                poa_required_for_extended: true,
            },
            Event::KycStatus(KycReport {
                verification_status: VerificationStatus::NotVerified,
                attempt_status: Some(AttemptStatus::RejectedByProvider),
                rejection_reason: Some("NO_FACE_FOUND".into()),
            }),
            Event::Activated {},
            Event::Suspended {
                reason: Some("fraud check".into()),
                status: UserStatus::Suspended,
            },
        ];
        for e in events {
            assert_eq!(
                Event::from_stored(e.kind(), &e.detail_json()),
                Ok(e.clone())
            );
        }
        assert!(Event::from_stored("teleported", "{}").is_err());
        assert!(Event::from_stored("userStatus", r#"{"status":"GONE"}"#).is_err());
        assert!(
            Event::from_stored("suspended", r#"{"reason":null}"#).is_err(),
            "no status"
        );
        // Add User Verification's answer as older desks stored it (with the user's id) reads.
        let old = r#"{"externalUserId":"u1","verificationStatus":"NOT_VERIFIED","attemptStatus":"VERIFICATION","rejectionReason":null}"#;
        assert!(Event::from_stored("verificationSubmitted", old).is_ok());
    }
}
