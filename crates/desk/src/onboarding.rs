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
                self.kyc_method = Some(
                    if kind == "hostedKycStarted" {
                        "hosted"
                    } else {
                        "files"
                    }
                    .into(),
                );
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
                if is(&self.kyc_method, "hosted") && !is(&self.attempt_status, "SUCCESSFUL") {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Derives from `(kind, detail)` pairs, one second apart.
    fn run(events: &[(&str, Value)]) -> Onboarding {
        let ats: Vec<String> = (0..events.len())
            .map(|i| format!("2026-11-26T10:00:{i:02}.000Z"))
            .collect();
        derive(
            events
                .iter()
                .zip(&ats)
                .map(|((kind, detail), at)| Fact { kind, at, detail }),
        )
    }

    fn created(poa: bool) -> (&'static str, Value) {
        (
            "created",
            json!({"userId": "u1", "poaRequiredForExtended": poa}),
        )
    }

    fn e(kind: &'static str) -> (&'static str, Value) {
        (kind, json!({}))
    }

    fn kyc(v: &str, a: &str, reason: Option<&str>) -> (&'static str, Value) {
        (
            "kycStatus",
            json!({"verificationStatus": v, "attemptStatus": a, "rejectionReason": reason}),
        )
    }

    fn submitted() -> (&'static str, Value) {
        (
            "verificationSubmitted",
            json!({"verificationStatus": "NOT_VERIFIED", "attemptStatus": "VERIFICATION"}),
        )
    }

    fn status(s: &str) -> (&'static str, Value) {
        ("userStatus", json!({"status": s}))
    }

    fn stages(o: &Onboarding) -> Vec<Stage> {
        o.reached.iter().map(|(s, _)| *s).collect()
    }

    #[test]
    fn method_a_path_to_active() {
        let o = run(&[created(false)]);
        assert_eq!(o.stage, Stage::Created);
        assert_eq!(
            o.next_action.as_deref(),
            Some("Upload identity documents or start hosted KYC")
        );
        let o = run(&[created(false), e("kycFilesUploaded")]);
        assert_eq!(
            (o.stage, o.since.as_str()),
            (Stage::IdentityDocuments, "2026-11-26T10:00:01.000Z")
        );
        assert_eq!(
            o.next_action.as_deref(),
            Some("Submit the verification data")
        );
        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            ("kycFileStatus", json!({"status": "ADDED"})),
            submitted(),
        ]);
        assert_eq!(o.stage, Stage::VerificationSubmitted);
        assert_eq!(o.next_action.as_deref(), Some("Waiting for P100's review"));
        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            submitted(),
            kyc("VERIFIED", "SUCCESSFUL", None),
            status("ACTIVE"),
        ]);
        assert_eq!((o.stage, o.next_action.clone()), (Stage::Active, None));
        assert_eq!(
            o.since, "2026-11-26T10:00:04.000Z",
            "since the activation, not the review"
        );
        assert_eq!(
            stages(&o),
            [
                Stage::Created,
                Stage::IdentityDocuments,
                Stage::VerificationSubmitted,
                Stage::Active
            ]
        );
    }

    #[test]
    fn activation_seen_by_balances_poll_counts_too() {
        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            submitted(),
            e("activated"),
        ]);
        assert_eq!(o.stage, Stage::Active);
    }

    #[test]
    fn method_b_waits_for_the_user_then_for_the_data() {
        let o = run(&[
            created(false),
            ("hostedKycStarted", json!({"verificationId": "v1"})),
        ]);
        assert_eq!(o.stage, Stage::IdentityDocuments);
        assert_eq!(
            o.next_action.as_deref(),
            Some("Waiting for the user to finish hosted KYC")
        );
        let o = run(&[
            created(false),
            e("hostedKycStarted"),
            kyc("NOT_VERIFIED", "VERIFICATION", None),
        ]);
        assert_eq!(
            o.next_action.as_deref(),
            Some("Waiting for the user to finish hosted KYC")
        );
        let o = run(&[
            created(false),
            e("hostedKycStarted"),
            kyc("VERIFIED", "SUCCESSFUL", None),
        ]);
        assert_eq!(
            (o.stage, o.next_action.as_deref()),
            (
                Stage::IdentityDocuments,
                Some("Submit the verification data")
            )
        );
        let o = run(&[
            created(false),
            e("hostedKycStarted"),
            kyc("VERIFIED", "SUCCESSFUL", None),
            submitted(),
            status("ACTIVE"),
        ]);
        assert_eq!(o.stage, Stage::Active);
    }

    #[test]
    fn rejections_and_errors_need_action_until_new_documents() {
        let rejected = kyc("NOT_VERIFIED", "REJECTED_BY_PROVIDER", Some("blurry photo"));
        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            submitted(),
            rejected.clone(),
        ]);
        assert_eq!(o.stage, Stage::NeedsAction);
        assert_eq!(
            o.next_action.as_deref(),
            Some("Identity rejected (P100: blurry photo): send new documents")
        );
        assert!(
            stages(&o).contains(&Stage::VerificationSubmitted),
            "what was reached stays reached"
        );
        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            submitted(),
            rejected,
            e("kycFilesUploaded"),
        ]);
        assert_eq!(o.stage, Stage::IdentityDocuments);

        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            ("kycFileStatus", json!({"status": "ERROR"})),
        ]);
        assert_eq!(o.stage, Stage::NeedsAction);
        assert_eq!(
            o.next_action.as_deref(),
            Some("P100 could not process a KYC file: upload it again")
        );

        let o = run(&[
            created(false),
            e("hostedKycStarted"),
            kyc("NOT_VERIFIED", "REJECTED_BY_PROVIDER", None),
        ]);
        assert_eq!(
            (o.stage, o.next_action.as_deref()),
            (
                Stage::NeedsAction,
                Some("Identity rejected: send new documents")
            )
        );

        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            submitted(),
            status("ACTIVE"),
            kyc("EXPIRED", "SUCCESSFUL", None),
        ]);
        assert_eq!(
            (o.stage, o.next_action.as_deref()),
            (
                Stage::NeedsAction,
                Some("KYC expired: the user must verify again")
            )
        );
    }

    #[test]
    fn proof_of_address_only_when_required_and_sent() {
        let active = [
            created(true),
            e("kycFilesUploaded"),
            submitted(),
            status("ACTIVE"),
        ];
        let o = run(&active);
        assert_eq!(
            o.stage,
            Stage::Active,
            "G3: POA is not sent, so it does not hold the user back"
        );
        assert!(!stages(&o).contains(&Stage::ProofOfAddress));

        let mut v = active.to_vec();
        v.push(("poaUploaded", json!({"status": "WAITING"})));
        let o = run(&v);
        assert_eq!(
            (o.stage, o.next_action.as_deref()),
            (
                Stage::ProofOfAddress,
                Some("Waiting for P100's proof-of-address review")
            )
        );
        v.push(("poaStatus", json!({"status": "QUESTIONED"})));
        let o = run(&v);
        assert_eq!(
            (o.stage, o.next_action.as_deref()),
            (
                Stage::NeedsAction,
                Some("Proof of address questioned: upload a clearer copy")
            )
        );
        v.push(("poaUploaded", json!({"status": "WAITING"})));
        v.push(("poaStatus", json!({"status": "APPROVED"})));
        let o = run(&v);
        assert_eq!(
            (o.stage, o.next_action.as_deref()),
            (
                Stage::Active,
                Some("Extend: the proof of address is approved")
            )
        );
        assert_eq!(stages(&o), Stage::PATH);
        v.push(e("extended"));
        assert_eq!(run(&v).next_action, None);

        let o = run(&[
            created(true),
            ("poaUploaded", json!({})),
            ("poaStatus", json!({"status": "REJECTED"})),
        ]);
        assert_eq!(
            (o.stage, o.next_action.as_deref()),
            (
                Stage::NeedsAction,
                Some("Proof of address rejected: send a different document")
            )
        );

        // A residence change can make POA apply (or not) later.
        let o = run(&[
            created(true),
            (
                "updated",
                json!({"fields": ["country"], "poaRequiredForExtended": false}),
            ),
            e("kycFilesUploaded"),
            submitted(),
            status("ACTIVE"),
            ("poaUploaded", json!({"status": "WAITING"})),
        ]);
        assert_eq!(o.stage, Stage::Active);
    }

    #[test]
    fn suspension_returns_to_where_the_user_was() {
        let o = run(&[
            created(false),
            (
                "suspended",
                json!({"reason": "fraud check", "status": "SUSPENDED"}),
            ),
        ]);
        assert_eq!(
            (o.stage, o.next_action.as_deref()),
            (
                Stage::Suspended,
                Some("Unsuspend once the reason is resolved")
            )
        );
        let o = run(&[created(false), e("suspended"), e("unsuspended")]);
        assert_eq!(o.stage, Stage::Created);
        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            submitted(),
            status("ACTIVE"),
            status("SUSPENDED"),
            ("unsuspended", json!({"status": "ACTIVE"})),
        ]);
        assert_eq!(o.stage, Stage::Active);
        // The webhook of the unsuspension may come before the operator's own event.
        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            submitted(),
            status("ACTIVE"),
            e("suspended"),
            status("ACTIVE"),
        ]);
        assert_eq!(o.stage, Stage::Active);
    }

    #[test]
    fn deletion_from_any_state_is_final() {
        for before in [
            vec![created(false)],
            vec![created(false), e("suspended")],
            vec![
                created(false),
                e("kycFilesUploaded"),
                submitted(),
                status("ACTIVE"),
            ],
        ] {
            let mut v = before.clone();
            v.push(e("deleted"));
            v.push(status("ACTIVE"));
            let o = run(&v);
            assert_eq!((o.stage, o.next_action.clone()), (Stage::Deleted, None));
        }
        assert_eq!(
            run(&[created(false), status("DELETED")]).stage,
            Stage::Deleted
        );
    }

    #[test]
    fn failed_operations_and_unknown_events_change_nothing() {
        let o = run(&[
            created(false),
            (
                "operationFailed",
                json!({"operation": "addUserVerification", "p100Code": "P445"}),
            ),
            e("somethingNew"),
        ]);
        assert_eq!(
            (o.stage, o.since.as_str()),
            (Stage::Created, "2026-11-26T10:00:00.000Z")
        );
    }

    #[test]
    fn stages_round_trip_their_names() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }
    }
}
