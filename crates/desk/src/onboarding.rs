//! Onboarding stages, derived from a user's timeline events (REFERENCE.md §3): where each user
//! stands, since when, what the operator should do next, and when each step of the path was
//! first reached (for the funnel). Pure: no store, no clock.

use crate::timeline::Event;
use crate::vocabulary::KycMethod;
use p100::models::{AttemptStatus, KycFileStatus, PoaStatus, UserStatus, VerificationStatus};
use serde::{Deserialize, Serialize};
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
    pub event: &'a Event,
    pub at: &'a str,
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
    status: Option<UserStatus>,
    kyc_method: Option<KycMethod>,
    /// A tracked user's KYC exists at P100, by a method the desk did not see.
    kyc_started: bool,
    kyc_file_error: bool,
    verification_submitted: bool,
    verification_status: Option<VerificationStatus>,
    attempt_status: Option<AttemptStatus>,
    rejection_reason: Option<String>,
    poa_required: bool,
    poa_status: Option<PoaStatus>,
    extended: bool,
    deleted: bool,
}

impl Facts {
    fn apply(&mut self, event: &Event) {
        match event {
            // What P100's reads showed when the desk began to follow the user. Balances mean
            // an active account (as the desk's own activation check reads them). An attempt
            // in `VERIFICATION`, or a decided one, means the verification was submitted; a
            // `PENDING` one that only documents are in.
            Event::Tracked { active, kyc } => {
                self.status = Some(if *active {
                    UserStatus::Active
                } else {
                    UserStatus::WaitingForActivation
                });
                if let Some(r) = kyc {
                    self.kyc_started = true;
                    self.verification_submitted = r.verification_status
                        != VerificationStatus::NotVerified
                        || matches!(
                            r.attempt_status,
                            Some(
                                AttemptStatus::Verification
                                    | AttemptStatus::Successful
                                    | AttemptStatus::RejectedByProvider
                            )
                        );
                    self.verification_status = Some(r.verification_status);
                    self.attempt_status = r.attempt_status;
                    self.rejection_reason = r.rejection_reason.clone();
                }
            }
            Event::Created {
                poa_required_for_extended,
                ..
            } => {
                self.status = Some(UserStatus::WaitingForActivation);
                self.poa_required = *poa_required_for_extended;
            }
            Event::Updated {
                poa_required_for_extended,
                ..
            } => {
                if let Some(v) = poa_required_for_extended {
                    self.poa_required = *v;
                }
            }
            // A new set of documents starts the identity step again, after a rejection too.
            Event::KycFilesUploaded { .. } | Event::HostedKycStarted { .. } => {
                self.kyc_method = Some(if matches!(event, Event::HostedKycStarted { .. }) {
                    KycMethod::Hosted
                } else {
                    KycMethod::Files
                });
                self.kyc_file_error = false;
                self.verification_submitted = false;
                self.verification_status = Some(VerificationStatus::NotVerified);
                self.attempt_status = Some(AttemptStatus::Pending);
                self.rejection_reason = None;
            }
            Event::KycFileStatus { status } => {
                self.kyc_file_error = *status == KycFileStatus::Error;
            }
            Event::VerificationSubmitted(r) | Event::KycStatus(r) => {
                if matches!(event, Event::VerificationSubmitted(_)) {
                    self.verification_submitted = true;
                }
                self.verification_status = Some(r.verification_status);
                self.attempt_status = r.attempt_status;
                self.rejection_reason = r.rejection_reason.clone();
            }
            Event::Activated {} => self.status = Some(UserStatus::Active),
            Event::UserStatus { status } => match status {
                UserStatus::Suspended => self.suspend(),
                UserStatus::Deleted => self.deleted = true,
                s => self.status = Some(*s),
            },
            Event::Suspended { .. } => self.suspend(),
            Event::Unsuspended { status, .. } => self.status = Some(*status),
            Event::PoaUploaded { status, .. } | Event::PoaStatus { status } => {
                self.poa_status = Some(*status);
            }
            Event::Extended {} => self.extended = true,
            Event::Deleted {} => self.deleted = true,
            // On the timeline, moving nothing: nothing happened at P100, or P100 has not
            // confirmed it.
            // Notes, tags and cards move nothing on the onboarding path.
            Event::OperationFailed { .. }
            | Event::WebhookClaim { .. }
            | Event::Noted { .. }
            | Event::Tagged { .. }
            | Event::Untagged { .. }
            | Event::Assigned { .. }
            | Event::CardCreated { .. }
            | Event::CardChanged { .. }
            | Event::Transferred { .. }
            | Event::Exchanged { .. }
            | Event::Withdrawn { .. }
            | Event::TravelRuleGiven { .. }
            | Event::CardCodeSent { .. } => {}
        }
    }

    fn suspend(&mut self) {
        self.status = Some(UserStatus::Suspended);
    }

    fn stage(&self) -> Stage {
        if self.deleted {
            return Stage::Deleted;
        }
        if self.status == Some(UserStatus::Suspended) {
            return Stage::Suspended;
        }
        if self.needs_action().is_some() {
            return Stage::NeedsAction;
        }
        if self.status == Some(UserStatus::Active) {
            return if self.poa_required && self.poa_status == Some(PoaStatus::Waiting) {
                Stage::ProofOfAddress
            } else {
                Stage::Active
            };
        }
        if self.verification_submitted {
            return Stage::VerificationSubmitted;
        }
        if self.kyc_method.is_some() || self.kyc_started {
            return Stage::IdentityDocuments;
        }
        Stage::Created
    }

    fn needs_action(&self) -> Option<String> {
        if self.attempt_status == Some(AttemptStatus::RejectedByProvider) {
            let why = self
                .rejection_reason
                .as_deref()
                .map(|r| format!(" (P100: {r})"))
                .unwrap_or_default();
            return Some(format!("Identity rejected{why}: send new documents"));
        }
        if self.verification_status == Some(VerificationStatus::Expired) {
            return Some("KYC expired: the user must verify again".into());
        }
        if self.kyc_file_error {
            return Some("P100 could not process a KYC file: upload it again".into());
        }
        if self.poa_status == Some(PoaStatus::Rejected) {
            return Some("Proof of address rejected: send a different document".into());
        }
        if self.poa_status == Some(PoaStatus::Questioned) {
            return Some("Proof of address questioned: upload a clearer copy".into());
        }
        None
    }

    fn next_action(&self, stage: Stage) -> Option<String> {
        match stage {
            Stage::Created => Some("Upload identity documents or start hosted KYC".into()),
            Stage::IdentityDocuments => Some(
                if self.kyc_method == Some(KycMethod::Hosted)
                    && self.attempt_status != Some(AttemptStatus::Successful)
                {
                    "Waiting for the user to finish hosted KYC"
                } else {
                    "Submit the verification data"
                }
                .into(),
            ),
            Stage::VerificationSubmitted => Some("Waiting for P100's review".into()),
            Stage::ProofOfAddress => Some("Waiting for P100's proof-of-address review".into()),
            Stage::Active if !self.extended && self.poa_status == Some(PoaStatus::Approved) => {
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
        facts.apply(e.event);
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
    use serde_json::{Value, json};

    /// Derives from `(kind, detail)` pairs as the store keeps them, one second apart.
    fn run(events: &[(&str, Value)]) -> Onboarding {
        let ats: Vec<String> = (0..events.len())
            .map(|i| format!("2026-11-26T10:00:{i:02}.000Z"))
            .collect();
        let typed: Vec<Event> = events
            .iter()
            .map(|(kind, detail)| Event::from_stored(kind, &detail.to_string()).unwrap())
            .collect();
        derive(typed.iter().zip(&ats).map(|(event, at)| Fact { event, at }))
    }

    fn created(poa: bool) -> (&'static str, Value) {
        (
            "created",
            json!({"userId": "u1", "poaRequiredForExtended": poa}),
        )
    }

    /// An event of `kind` with the least its details need.
    fn e(kind: &'static str) -> (&'static str, Value) {
        let detail = match kind {
            "hostedKycStarted" => json!({"verificationId": "v1"}),
            "kycFilesUploaded" => json!({"documentType": "PASSPORT", "files": []}),
            "suspended" => json!({"reason": "checks", "status": "SUSPENDED"}),
            _ => json!({}),
        };
        (kind, detail)
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

    fn tracked(active: bool, kyc: Option<(&str, &str)>) -> (&'static str, Value) {
        let kyc = kyc.map(|(v, a)| json!({"verificationStatus": v, "attemptStatus": a}));
        ("tracked", json!({"active": active, "kyc": kyc}))
    }

    #[test]
    fn a_tracked_user_stands_where_p100_reads_put_them() {
        let cases = [
            (tracked(false, None), Stage::Created),
            (
                tracked(false, Some(("NOT_VERIFIED", "PENDING"))),
                Stage::IdentityDocuments,
            ),
            (
                tracked(false, Some(("NOT_VERIFIED", "VERIFICATION"))),
                Stage::VerificationSubmitted,
            ),
            (
                tracked(false, Some(("VERIFIED", "SUCCESSFUL"))),
                Stage::VerificationSubmitted,
            ),
            (
                tracked(false, Some(("NOT_VERIFIED", "REJECTED_BY_PROVIDER"))),
                Stage::NeedsAction,
            ),
            (
                tracked(true, Some(("VERIFIED", "SUCCESSFUL"))),
                Stage::Active,
            ),
            (tracked(true, None), Stage::Active),
        ];
        for (event, stage) in cases {
            let o = run(std::slice::from_ref(&event));
            assert_eq!(o.stage, stage, "{event:?}");
        }
        // Then it moves like any user: P100's review decides, the balances appear.
        let o = run(&[
            tracked(false, Some(("NOT_VERIFIED", "VERIFICATION"))),
            kyc("VERIFIED", "SUCCESSFUL", None),
            e("activated"),
        ]);
        assert_eq!(o.stage, Stage::Active);
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
        v.push(("poaUploaded", json!({"files": [], "status": "WAITING"})));
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
        v.push(("poaUploaded", json!({"files": [], "status": "WAITING"})));
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
            ("poaUploaded", json!({"files": [], "status": "WAITING"})),
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
            ("poaUploaded", json!({"files": [], "status": "WAITING"})),
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
        let back = (
            "unsuspended",
            json!({"reason": null, "status": "WAITING_FOR_ACTIVATION"}),
        );
        let o = run(&[created(false), e("suspended"), back]);
        assert_eq!(o.stage, Stage::Created);
        let o = run(&[
            created(false),
            e("kycFilesUploaded"),
            submitted(),
            status("ACTIVE"),
            status("SUSPENDED"),
            ("unsuspended", json!({"reason": null, "status": "ACTIVE"})),
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
    fn failed_operations_and_unconfirmed_claims_change_nothing() {
        let o = run(&[
            created(false),
            (
                "operationFailed",
                json!({"operation": "addUserVerification", "p100Code": "P445", "message": "no KYC"}),
            ),
            (
                "webhookClaim",
                json!({"event": "userStatus", "path": "/webhook/user/status",
                       "claim": {"status": "ACTIVE"}, "confirmation": "unconfirmed"}),
            ),
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
