use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `verificationStatus` of the KYC Verification Status webhook and Get KYC Status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationStatus {
    NotVerified,
    Verified,
    Expired,
}

/// `attemptStatus`: where the latest verification attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttemptStatus {
    Pending,
    Verification,
    RejectedByProvider,
    Successful,
}

/// Body of Get KYC Status. Its fields are not published; we take the webhook's (docs/decisions.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KycStatus {
    pub external_user_id: String,
    pub verification_status: VerificationStatus,
    #[serde(default)]
    pub attempt_status: Option<AttemptStatus>,
    /// Filled when `attemptStatus` is `REJECTED_BY_PROVIDER`, e.g. `NO_FACE_FOUND`.
    #[serde(default)]
    pub rejection_reason: Option<String>,
}
