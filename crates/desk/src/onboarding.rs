//! Onboarding stages, derived from a user's timeline events (REFERENCE.md §3): where each user
//! stands, since when, what the operator should do next, and when each step of the path was
//! first reached (for the funnel). Pure: no store, no clock.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// A column of the board. The first five are the path, in order; the last three sit beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    Created,
    /// Method A files sent or a Method B hosted session started; verification not yet submitted.
    IdentityDocuments,
    /// Add User Verification accepted; P100's review decides.
    VerificationSubmitted,
    /// Only for users whose residence needs POA and who sent one: waiting for its review.
    ProofOfAddress,
    Active,
    /// Rejected or expired KYC, a KYC file P100 could not process, a rejected or questioned POA.
    NeedsAction,
    Suspended,
    Deleted,
}

impl Stage {
    /// The onboarding path, in order.
    pub const PATH: [Stage; 5] = [
        Stage::Created,
        Stage::IdentityDocuments,
        Stage::VerificationSubmitted,
        Stage::ProofOfAddress,
        Stage::Active,
    ];
    pub const ALL: [Stage; 8] = [
        Stage::Created,
        Stage::IdentityDocuments,
        Stage::VerificationSubmitted,
        Stage::ProofOfAddress,
        Stage::Active,
        Stage::NeedsAction,
        Stage::Suspended,
        Stage::Deleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Created => "created",
            Stage::IdentityDocuments => "identityDocuments",
            Stage::VerificationSubmitted => "verificationSubmitted",
            Stage::ProofOfAddress => "proofOfAddress",
            Stage::Active => "active",
            Stage::NeedsAction => "needsAction",
            Stage::Suspended => "suspended",
            Stage::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    fn path_index(self) -> Option<usize> {
        Stage::PATH.iter().position(|s| *s == self)
    }
}

/// One timeline event as the derivation reads it.
#[derive(Debug, Clone, Copy)]
pub struct Fact<'a> {
    pub kind: &'a str,
    pub at: &'a str,
    pub detail: &'a Value,
}

/// Where a user stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarding {
    pub stage: Stage,
    /// When the user entered `stage`.
    pub since: String,
    pub next_action: Option<String>,
    /// The first time each path stage was reached, in path order. Reaching a later stage counts
    /// the earlier ones as reached then (a user activated with no event in between still went
    /// through them); Proof of address counts only when it was really entered.
    pub reached: Vec<(Stage, String)>,
}

/// What the events say about a user so far.
#[derive(Debug, Default)]
struct Facts {
    status: Option<String>,
    status_before_suspension: Option<String>,
    kyc_method: Option<String>,
    kyc_file_error: bool,
    verification_submitted: bool,
    verification_status: Option<String>,
    attempt_status: Option<String>,
    rejection_reason: Option<String>,
    poa_required: bool,
    poa_status: Option<String>,
    extended: bool,
    deleted: bool,
}

fn is(v: &Option<String>, s: &str) -> bool {
    v.as_deref() == Some(s)
}

fn text<'a>(detail: &'a Value, key: &str) -> Option<&'a str> {
    detail.get(key).and_then(Value::as_str)
}

impl Facts {
    fn apply(&mut self, kind: &str, d: &Value) {
        match kind {
            "created" => {
                self.status = Some("WAITING_FOR_ACTIVATION".into());
                self.poa_required = d
                    .get("poaRequiredForExtended")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
            }
            "updated" => {
                if let Some(v) = d.get("poaRequiredForExtended").and_then(Value::as_bool) {
                    self.poa_required = v;
                }
            }
            // A new set of documents starts the identity step again, after a rejection too.
            "kycFilesUploaded" | "hostedKycStarted" => {
                self.kyc_method = Some(if kind == "hostedKycStarted" { "hosted" } else { "files" }.into());
                self.kyc_file_error = false;
                self.verification_submitted = false;
                self.verification_status = Some("NOT_VERIFIED".into());
                self.attempt_status = Some("PENDING".into());
                self.rejection_reason = None;
            }
            "kycFileStatus" => self.kyc_file_error = text(d, "status") == Some("ERROR"),
            "verificationSubmitted" | "kycStatus" => {
                if kind == "verificationSubmitted" {
                    self.verification_submitted = true;
                }
                if let Some(v) = text(d, "verificationStatus") {
                    self.verification_status = Some(v.into());
                }
                self.attempt_status = text(d, "attemptStatus").map(str::to_owned);
                self.rejection_reason = text(d, "rejectionReason").map(str::to_owned);
            }
            "activated" => self.status = Some("ACTIVE".into()),
            "userStatus" => match text(d, "status") {
                Some("SUSPENDED") => self.suspend(),
                Some("DELETED") => self.deleted = true,
                Some(s) => self.status = Some(s.into()),
                None => {}
            },
            "suspended" => self.suspend(),
            "unsuspended" => {
                self.status = text(d, "status")
                    .map(str::to_owned)
                    .or_else(|| self.status_before_suspension.take())
                    .or(Some("WAITING_FOR_ACTIVATION".into()));
            }
            "poaUploaded" => {
                self.poa_status = Some(text(d, "status").unwrap_or("WAITING").into());
            }
            "poaStatus" => self.poa_status = text(d, "status").map(str::to_owned),
            "extended" => self.extended = true,
            "deleted" => self.deleted = true,
            _ => {}
        }
    }

    fn suspend(&mut self) {
        if self.status.as_deref() != Some("SUSPENDED") {
            self.status_before_suspension = self.status.take();
        }
        self.status = Some("SUSPENDED".into());
    }

    fn stage(&self) -> Stage {
        if self.deleted {
            return Stage::Deleted;
        }
        if is(&self.status, "SUSPENDED") {
            return Stage::Suspended;
        }
        if self.needs_action().is_some() {
            return Stage::NeedsAction;
        }
        if is(&self.status, "ACTIVE") {
            return if self.poa_required && is(&self.poa_status, "WAITING") {
                Stage::ProofOfAddress
            } else {
                Stage::Active
            };
        }
        if self.verification_submitted {
            return Stage::VerificationSubmitted;
        }
        if self.kyc_method.is_some() {
            return Stage::IdentityDocuments;
        }
        Stage::Created
    }

    fn needs_action(&self) -> Option<String> {
        if is(&self.attempt_status, "REJECTED_BY_PROVIDER") {
            let why = self
                .rejection_reason
                .as_deref()
                .map(|r| format!(" (P100: {r})"))
                .unwrap_or_default();
            return Some(format!("Identity rejected{why}: send new documents"));
        }
        if is(&self.verification_status, "EXPIRED") {
            return Some("KYC expired: the user must verify again".into());
        }
        if self.kyc_file_error {
            return Some("P100 could not process a KYC file: upload it again".into());
        }
        if is(&self.poa_status, "REJECTED") {
            return Some("Proof of address rejected: send a different document".into());
        }
        if is(&self.poa_status, "QUESTIONED") {
            return Some("Proof of address questioned: upload a clearer copy".into());
        }
        None
    }

    fn next_action(&self, stage: Stage) -> Option<String> {
        match stage {
            Stage::Created => Some("Upload identity documents or start hosted KYC".into()),
            Stage::IdentityDocuments => Some(
                if is(&self.kyc_method, "hosted")
                    && !is(&self.attempt_status, "SUCCESSFUL")
                {
                    "Waiting for the user to finish hosted KYC"
                } else {
                    "Submit the verification data"
                }
                .into(),
            ),
            Stage::VerificationSubmitted => Some("Waiting for P100's review".into()),
            Stage::ProofOfAddress => Some("Waiting for P100's proof-of-address review".into()),
            Stage::Active if !self.extended && is(&self.poa_status, "APPROVED") => {
                Some("Extend: the proof of address is approved".into())
            }
            Stage::Active | Stage::Deleted => None,
            Stage::NeedsAction => self.needs_action(),
            Stage::Suspended => Some("Unsuspend once the reason is resolved".into()),
        }
    }
}

/// Folds a user's events, oldest first, into where the user stands.
pub fn derive<'a>(events: impl IntoIterator<Item = Fact<'a>>) -> Onboarding {
    let mut facts = Facts::default();
    let mut stage = Stage::Created;
    let mut since = String::new();
    let mut reached: Vec<(Stage, String)> = Vec::new();
    for (i, e) in events.into_iter().enumerate() {
        facts.apply(e.kind, e.detail);
        let now = facts.stage();
        if i == 0 || now != stage {
            stage = now;
            since = e.at.to_owned();
        }
        if let Some(idx) = now.path_index() {
            for s in &Stage::PATH[..=idx] {
                let optional = *s == Stage::ProofOfAddress && now != Stage::ProofOfAddress;
                if !optional && !reached.iter().any(|(r, _)| r == s) {
                    reached.push((*s, e.at.to_owned()));
                }
            }
        }
    }
    reached.sort_by_key(|(s, _)| *s);
    Onboarding {
        stage,
        since,
        next_action: facts.next_action(stage),
        reached,
    }
}
