//! Identity: Method A files, hosted checks (Method B), the verification and its review.

use super::accounts::{not_suspended, user_status};
use super::{DEFAULT_REJECTION, Effects, Sandbox, now};
use crate::error::ApiError;
use crate::files::Upload;
use crate::model::{Kyc, KycMethod, Outcome, Review, User};
use crate::money;
use crate::webhooks::WebhookEvent;
use p100::models::{
    AttemptStatus, CreateKycVerificationRequest, CreateKycVerificationResponse, DocumentType,
    KycFileSide, KycFileStatus, KycFilesResponse, KycStatus, UserStatus, UserVerificationRequest,
    VerificationStatus,
};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Sandbox {
    /// Method A: adds images to the user's document set; the set is complete once every side the
    /// document type needs has arrived. Sending another document type starts a new set.
    pub fn add_kyc_files(
        self: &Arc<Self>,
        ext: &str,
        document_type: DocumentType,
        files: &[(KycFileSide, Upload)],
    ) -> Result<KycFilesResponse, ApiError> {
        self.change(ext, |u, fx| {
            not_suspended(u)?;
            kyc_open(u)?;
            let mut set = match &u.kyc {
                Some(Kyc {
                    method:
                        KycMethod::Files {
                            document_type: t,
                            files,
                        },
                    ..
                }) if *t == document_type => files.clone(),
                _ => BTreeMap::new(),
            };
            let mut added = false;
            for (side, upload) in files {
                if upload.file_name.to_ascii_lowercase().contains("error") {
                    fx.webhooks.push(WebhookEvent::KycFile {
                        external_user_id: u.external_user_id.clone(),
                        status: KycFileStatus::Error,
                    });
                } else {
                    set.insert(*side, upload.file_name.clone());
                    added = true;
                }
            }
            if added {
                fx.webhooks.push(WebhookEvent::KycFile {
                    external_user_id: u.external_user_id.clone(),
                    status: KycFileStatus::Added,
                });
            }
            u.kyc = Some(Kyc {
                method: KycMethod::Files {
                    document_type,
                    files: set.clone(),
                },
                verification_status: VerificationStatus::NotVerified,
                attempt_status: AttemptStatus::Pending,
                rejection_reason: None,
            });
            let required = document_type.required_sides().unwrap_or(&[]);
            Ok(KycFilesResponse {
                external_user_id: u.external_user_id.clone(),
                document_type,
                received: set.keys().copied().collect(),
                missing: required
                    .iter()
                    .filter(|s| !set.contains_key(s))
                    .copied()
                    .collect(),
            })
        })
    }

    /// Method B: a hosted verification session; replaces any Method A files.
    pub fn create_hosted(
        self: &Arc<Self>,
        req: &CreateKycVerificationRequest,
    ) -> Result<CreateKycVerificationResponse, ApiError> {
        self.change(&req.external_user_id, |u, fx| {
            not_suspended(u)?;
            kyc_open(u)?;
            let verification_id = uuid::Uuid::new_v4().to_string();
            u.kyc = Some(Kyc {
                method: KycMethod::Hosted {
                    verification_id: verification_id.clone(),
                    document_type: req.document_type,
                },
                verification_status: VerificationStatus::NotVerified,
                attempt_status: AttemptStatus::Pending,
                rejection_reason: None,
            });
            fx.webhooks.push(kyc_event(u));
            Ok(CreateKycVerificationResponse {
                external_user_id: u.external_user_id.clone(),
                verification_id,
            })
        })
    }

    /// The user and hosted session behind a redirect link, or P412 / P445.
    pub fn hosted_session(
        &self,
        ext: &str,
        verification_id: &str,
    ) -> Result<(User, AttemptStatus), ApiError> {
        self.read(ext, |u| match &u.kyc {
            Some(Kyc {
                method:
                    KycMethod::Hosted {
                        verification_id: v, ..
                    },
                attempt_status,
                ..
            }) if v == verification_id => Ok((u.clone(), *attempt_status)),
            _ => Err(ApiError::kyc_not_found()),
        })
    }

    /// The end user finished the provider page: the check goes to `VERIFICATION` and is decided
    /// after the review delay.
    pub fn complete_hosted(
        self: &Arc<Self>,
        ext: &str,
        verification_id: &str,
        outcome: Outcome,
    ) -> Result<(), ApiError> {
        self.change(ext, |u, fx| {
            let kyc = u.kyc.as_mut().ok_or_else(ApiError::kyc_not_found)?;
            match &kyc.method {
                KycMethod::Hosted {
                    verification_id: v, ..
                } if v == verification_id => {}
                _ => return Err(ApiError::kyc_not_found()),
            }
            if kyc.attempt_status != AttemptStatus::Pending {
                return Err(ApiError::invalid_state(
                    "This verification was already completed",
                ));
            }
            kyc.attempt_status = AttemptStatus::Verification;
            fx.webhooks.push(kyc_event(u));
            start_review(u, Review::Hosted { outcome }, fx);
            Ok(())
        })
    }

    /// Add User Verification: needs a complete Method A set or a passed hosted check; the
    /// decision (activation, or rejection) comes after the review delay.
    pub fn add_verification(
        self: &Arc<Self>,
        req: UserVerificationRequest,
    ) -> Result<KycStatus, ApiError> {
        let outcome = verification_magic(&req.document_number);
        self.change(&req.external_user_id.clone(), |u, fx| {
            not_suspended(u)?;
            if u.status == UserStatus::Active {
                return Err(ApiError::invalid_state("User is already verified"));
            }
            if matches!(u.review, Some(Review::Verification { .. })) {
                return Err(ApiError::invalid_state(
                    "A verification is already under review",
                ));
            }
            let kyc = u.kyc.as_mut().ok_or_else(ApiError::kyc_not_found)?;
            match &kyc.method {
                KycMethod::Files {
                    document_type,
                    files,
                } => {
                    let missing: Vec<&str> = document_type
                        .required_sides()
                        .unwrap_or(&[])
                        .iter()
                        .filter(|s| !files.contains_key(s))
                        .map(|s| s.as_str())
                        .collect();
                    if !missing.is_empty() {
                        return Err(ApiError::validation_message(format!(
                            "KYC documents are incomplete: {} missing.",
                            missing.join(", ")
                        )));
                    }
                    if *document_type != req.document_type {
                        return Err(ApiError::validation_message(format!(
                            "documentType must match the uploaded KYC documents ({}).",
                            document_type.as_str()
                        )));
                    }
                    kyc.attempt_status = AttemptStatus::Verification;
                    kyc.rejection_reason = None;
                    fx.webhooks.push(kyc_event(u));
                }
                KycMethod::Hosted { .. } => {
                    if kyc.attempt_status != AttemptStatus::Successful {
                        return Err(ApiError::not_verified());
                    }
                }
            }
            u.verification = Some(req);
            start_review(u, Review::Verification { outcome }, fx);
            u.kyc_status().ok_or_else(ApiError::kyc_not_found)
        })
    }

    pub fn kyc_status(&self, ext: &str) -> Result<KycStatus, ApiError> {
        self.read(ext, |u| u.kyc_status().ok_or_else(ApiError::kyc_not_found))
    }

    // ----- POA -----------------------------------------------------------------------------

    /// Decides a pending KYC review now (verification or hosted check).
    pub fn decide_kyc(self: &Arc<Self>, ext: &str, outcome: Outcome) -> Result<(), ApiError> {
        self.change(ext, |u, fx| match u.review.clone() {
            Some(Review::Verification { .. }) => {
                decide_verification(u, &outcome, fx);
                Ok(())
            }
            Some(Review::Hosted { .. }) => {
                decide_hosted(u, &outcome, fx);
                Ok(())
            }
            _ => Err(ApiError::invalid_state(
                "No KYC review is pending for this user",
            )),
        })
    }
}

pub(super) fn is_manual(r: &Review) -> bool {
    matches!(
        r,
        Review::Verification {
            outcome: Outcome::Manual
        } | Review::Hosted {
            outcome: Outcome::Manual
        }
    )
}

/// Magic `documentNumber`s: `REJECT` or `REJECT_<REASON>` rejects, `MANUAL…` waits for the admin
/// route; anything else is approved.
pub fn verification_magic(document_number: &str) -> Outcome {
    let n = document_number.to_ascii_uppercase();
    if let Some(rest) = n.strip_prefix("REJECT") {
        let reason = rest.trim_start_matches(['_', '-']);
        Outcome::Reject {
            reason: if reason.is_empty() {
                DEFAULT_REJECTION.to_owned()
            } else {
                reason.to_owned()
            },
        }
    } else if n.starts_with("MANUAL") {
        Outcome::Manual
    } else {
        Outcome::Approve
    }
}

/// New KYC material is refused once KYC is verified, or while a verification is being decided.
fn kyc_open(u: &User) -> Result<(), ApiError> {
    if u.kyc
        .as_ref()
        .is_some_and(|k| k.verification_status == VerificationStatus::Verified)
    {
        return Err(ApiError::invalid_state("KYC is already verified"));
    }
    if matches!(
        u.review,
        Some(Review::Verification { .. } | Review::Hosted { .. })
    ) {
        return Err(ApiError::invalid_state("A KYC check is under review"));
    }
    Ok(())
}

fn start_review(u: &mut User, review: Review, fx: &mut Effects) {
    fx.schedule_kyc = !is_manual(&review);
    u.review = Some(review);
    u.review_seq += 1;
}

pub(super) fn cancel_review(u: &mut User) {
    u.review = None;
    u.review_seq += 1;
}

fn kyc_event(u: &User) -> WebhookEvent {
    let k = u.kyc.as_ref();
    WebhookEvent::KycVerification {
        external_user_id: u.external_user_id.clone(),
        verification_status: k.map_or(VerificationStatus::NotVerified, |k| k.verification_status),
        attempt_status: Some(k.map_or(AttemptStatus::Pending, |k| k.attempt_status)),
        rejection_reason: k.and_then(|k| k.rejection_reason.clone()),
    }
}

/// Approve activates the user and creates balances; reject sends the user back to documents.
pub(super) fn decide_verification(u: &mut User, outcome: &Outcome, fx: &mut Effects) {
    cancel_review(u);
    let Some(kyc) = u.kyc.as_mut() else { return };
    match outcome {
        Outcome::Approve => {
            let changed = kyc.attempt_status != AttemptStatus::Successful;
            kyc.verification_status = VerificationStatus::Verified;
            kyc.attempt_status = AttemptStatus::Successful;
            kyc.rejection_reason = None;
            if changed {
                fx.webhooks.push(kyc_event(u));
            }
            let at = now();
            u.balances = Some(money::balances(
                &u.external_user_id,
                u.profile.country.as_deref(),
                &at,
            ));
            u.activated_at = Some(at);
            if u.status == UserStatus::Suspended {
                u.status_before_suspension = Some(UserStatus::Active);
            } else {
                u.status = UserStatus::Active;
                fx.webhooks.push(user_status(u));
            }
        }
        Outcome::Reject { reason } => {
            kyc.verification_status = VerificationStatus::NotVerified;
            kyc.attempt_status = AttemptStatus::RejectedByProvider;
            kyc.rejection_reason = Some(reason.clone());
            if let KycMethod::Files { files, .. } = &mut kyc.method {
                files.clear(); // the partner must send new images
            }
            u.verification = None;
            fx.webhooks.push(kyc_event(u));
        }
        Outcome::Manual => {}
    }
}

pub(super) fn decide_hosted(u: &mut User, outcome: &Outcome, fx: &mut Effects) {
    cancel_review(u);
    let Some(kyc) = u.kyc.as_mut() else { return };
    match outcome {
        Outcome::Approve => {
            kyc.verification_status = VerificationStatus::Verified;
            kyc.attempt_status = AttemptStatus::Successful;
            kyc.rejection_reason = None;
        }
        Outcome::Reject { reason } => {
            kyc.verification_status = VerificationStatus::NotVerified;
            kyc.attempt_status = AttemptStatus::RejectedByProvider;
            kyc.rejection_reason = Some(reason.clone());
        }
        Outcome::Manual => return,
    }
    fx.webhooks.push(kyc_event(u));
}
