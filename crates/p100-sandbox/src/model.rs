//! A user as the sandbox keeps it: P100's visible states plus what the sandbox needs to drive
//! them (files received, pending reviews). Serialisable for `--state` and the admin routes.

use p100::models::{
    AttemptStatus, DocumentType, KycFileSide, KycStatus, PoaStatus, UserAccount, UserBalances,
    UserProfile, UserStatus, UserVerificationRequest, VerificationStatus,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub external_user_id: String,
    pub user_id: String,
    pub created_at: String,
    pub profile: UserProfile,
    pub status: UserStatus,
    /// The status to return to on unsuspend.
    pub status_before_suspension: Option<UserStatus>,
    pub poa_required_for_extended: bool,
    pub extended: bool,
    /// Sandbox flag: suspension is refused (`P454`) while true.
    pub active_cards: bool,
    pub kyc: Option<Kyc>,
    pub poa: Option<Poa>,
    pub verification: Option<UserVerificationRequest>,
    /// When the user became `ACTIVE`; balances and history exist from then on.
    pub activated_at: Option<String>,
    pub balances: Option<UserBalances>,
    /// The KYC decision due (verification or hosted check), if any.
    pub review: Option<Review>,
    /// The POA decision due, if any; independent of the KYC one.
    pub poa_review: Option<PoaOutcome>,
    /// Bumped whenever a review is started or decided, so a stale timer does nothing.
    pub review_seq: u64,
    pub poa_seq: u64,
}

/// How the user's identity documents reached P100.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "method"
)]
pub enum KycMethod {
    /// Method A: the partner uploads images; `files` maps each received side to its file name.
    Files {
        document_type: DocumentType,
        files: BTreeMap<KycFileSide, String>,
    },
    /// Method B: P100-hosted check.
    Hosted {
        verification_id: String,
        document_type: DocumentType,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kyc {
    pub method: KycMethod,
    pub verification_status: VerificationStatus,
    pub attempt_status: AttemptStatus,
    pub rejection_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Poa {
    /// `None` until the first upload.
    pub status: Option<PoaStatus>,
    pub files: Vec<String>,
}

/// A decision the sandbox will take by itself after the review delay.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Review {
    /// Add User Verification submitted: approve activates the user.
    Verification { outcome: Outcome },
    /// The hosted (Method B) check was completed by the end user on the provider page.
    Hosted { outcome: Outcome },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "decision")]
pub enum Outcome {
    Approve,
    Reject {
        reason: String,
    },
    /// Magic `MANUAL…`: wait for `/_sandbox/users/{id}/kyc`.
    Manual,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum PoaOutcome {
    Approve,
    Reject,
    Question,
    Manual,
}

impl User {
    pub fn kyc_status(&self) -> Option<KycStatus> {
        self.kyc.as_ref().map(|k| KycStatus {
            external_user_id: self.external_user_id.clone(),
            verification_status: k.verification_status,
            attempt_status: Some(k.attempt_status),
            rejection_reason: k.rejection_reason.clone(),
            poa_status: self.poa.as_ref().and_then(|p| p.status),
        })
    }

    pub fn account(&self) -> UserAccount {
        UserAccount {
            external_user_id: self.external_user_id.clone(),
            user_id: self.user_id.clone(),
            status: self.status,
            poa_required_for_extended: self.poa_required_for_extended,
            extended: self.extended,
            profile: self.profile.clone(),
        }
    }
}
