//! Proof of address: uploads and their review.

use super::accounts::not_suspended;
use super::{Effects, Sandbox};
use crate::error::ApiError;
use crate::files::Upload;
use crate::model::{PoaOutcome, User};
use crate::webhooks::WebhookEvent;
use p100::models::{PoaStatus, PoaUploadResponse};
use std::sync::Arc;

impl Sandbox {
    /// Add POA File: the files are already checked one by one (type, size).
    pub fn add_poa(
        self: &Arc<Self>,
        ext: &str,
        files: &[Upload],
    ) -> Result<PoaUploadResponse, ApiError> {
        self.change(ext, |u, fx| {
            not_suspended(u)?;
            let poa = u.poa.as_mut().ok_or_else(|| {
                ApiError::poa_not_found("proof of address is not required for this user")
            })?;
            match poa.status {
                Some(PoaStatus::Waiting) => return Err(ApiError::poa_pending()),
                Some(PoaStatus::Approved) => return Err(ApiError::poa_already_verified()),
                _ => {}
            }
            poa.status = Some(PoaStatus::Waiting);
            poa.files = files.iter().map(|f| f.file_name.clone()).collect();
            let outcome = poa_magic(&poa.files);
            fx.webhooks.push(poa_event(u));
            u.poa_review = Some(outcome);
            u.poa_seq += 1;
            fx.schedule_poa = outcome != PoaOutcome::Manual;
            Ok(PoaUploadResponse {
                external_user_id: u.external_user_id.clone(),
                status: PoaStatus::Waiting,
                files: files.len() as u32,
            })
        })
    }

    // ----- admin ---------------------------------------------------------------------------

    pub fn decide_poa_now(
        self: &Arc<Self>,
        ext: &str,
        outcome: PoaOutcome,
    ) -> Result<(), ApiError> {
        self.change(ext, |u, fx| match u.poa_review {
            Some(_) => {
                decide_poa(u, outcome, fx);
                Ok(())
            }
            None => Err(ApiError::invalid_state(
                "No POA review is pending for this user",
            )),
        })
    }
}

/// Magic POA file names: `reject`, `question` or `manual` anywhere in a name.
fn poa_magic(names: &[String]) -> PoaOutcome {
    let has = |w: &str| names.iter().any(|n| n.to_ascii_lowercase().contains(w));
    if has("reject") {
        PoaOutcome::Reject
    } else if has("question") {
        PoaOutcome::Question
    } else if has("manual") {
        PoaOutcome::Manual
    } else {
        PoaOutcome::Approve
    }
}

pub(super) fn cancel_poa_review(u: &mut User) {
    u.poa_review = None;
    u.poa_seq += 1;
}

fn poa_event(u: &User) -> WebhookEvent {
    WebhookEvent::PoaStatus {
        external_user_id: u.external_user_id.clone(),
        status: u
            .poa
            .as_ref()
            .and_then(|p| p.status)
            .unwrap_or(PoaStatus::Waiting),
    }
}

pub(super) fn decide_poa(u: &mut User, outcome: PoaOutcome, fx: &mut Effects) {
    let status = match outcome {
        PoaOutcome::Approve => PoaStatus::Approved,
        PoaOutcome::Reject => PoaStatus::Rejected,
        PoaOutcome::Question => PoaStatus::Questioned,
        PoaOutcome::Manual => return,
    };
    cancel_poa_review(u);
    let Some(poa) = u.poa.as_mut() else { return };
    poa.status = Some(status);
    fx.webhooks.push(poa_event(u));
}
