//! The ledger conformance suite: what every [`Ledger`] must do, checked through the trait alone.
//! SQLite runs it in the desk's unit tests (`store`); the hub's PostgreSQL ledger runs the same
//! suite (feature `conformance`). Each check gets a fresh, empty ledger from `fresh`.

use super::claims::{Confirmation, Recorded};
use super::journal::{JournalFilter, NewJournalEntry};
use super::outbox::OutboxState;
use super::roster::{NewRosterUser, RosterChange};
use super::{Ledger, Tx, in_tx};
use crate::environment::EnvironmentKind;
use crate::error::Error;
use crate::onboarding::Stage;
use crate::timeline::{Event, EventSource, KycReport};
use crate::vocabulary::KycMethod;
use p100::models::{
    AttemptStatus, DocumentType, PoaStatus, UserProfile, UserStatus, VerificationStatus,
};
use p100::webhooks::WebhookEvent;
use std::sync::Arc;

mod notes;
mod pages;

type Fresh<'a> = &'a dyn Fn() -> Arc<dyn Ledger>;
/// One named check of a ledger.
type Check = (&'static str, fn(&dyn Ledger));

/// Runs every check, each on a fresh ledger; panics naming the first that fails.
pub fn run(fresh: Fresh<'_>) {
    let checks: [Check; 12] = [
        ("settings", settings),
        ("roster", roster),
        ("roster queried a page at a time", pages::roster_query),
        ("import jobs", pages::import_jobs),
        (
            "notes, tags and assignment",
            notes::notes_tags_and_assignment,
        ),
        ("events derive the stage", events_derive_the_stage),
        ("claims", claims),
        ("journal", journal),
        ("outbox", outbox),
        (
            "a failed unit of work leaves nothing",
            failed_work_leaves_nothing,
        ),
        ("funnel", funnel),
        ("under review", under_review),
    ];
    for (name, check) in checks {
        let ledger = fresh();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&*ledger)));
        if let Err(e) = outcome {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("ledger conformance: {name}: {why}");
        }
    }
}

const ENV: EnvironmentKind = EnvironmentKind::Sandbox;

fn tx<T>(l: &dyn Ledger, f: impl FnOnce(&dyn Tx) -> crate::Result<T>) -> T {
    in_tx(l, f).expect("the unit of work succeeds")
}

fn profile(email: &str) -> UserProfile {
    UserProfile {
        email: Some(email.into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        country: Some("UA".into()),
        citizenship: Some("UA".into()),
        ..Default::default()
    }
}

/// A user as a create leaves it: roster row and `created` event.
pub(super) fn create(t: &dyn Tx, ext: &str, poa: bool) -> crate::Result<()> {
    t.insert_user(&NewRosterUser {
        environment: ENV,
        external_user_id: ext,
        user_id: Some("p100-id"),
        profile: &profile(&format!("{ext}@example.com")),
        status: UserStatus::WaitingForActivation,
        poa_required_for_extended: poa,
    })?;
    t.add_event(
        ENV,
        ext,
        EventSource::Operator,
        &Event::Created {
            user_id: Some("p100-id".into()),
            poa_required_for_extended: poa,
        },
    )?;
    Ok(())
}

fn settings(l: &dyn Ledger) {
    assert_eq!(tx(l, |t| t.setting("environment")), None);
    tx(l, |t| t.set_setting("environment", "staging"));
    tx(l, |t| t.set_setting("environment", "custom"));
    assert_eq!(
        tx(l, |t| t.setting("environment")).as_deref(),
        Some("custom")
    );
}

fn roster(l: &dyn Ledger) {
    tx(l, |t| create(t, "a", false));
    std::thread::sleep(std::time::Duration::from_millis(3));
    tx(l, |t| create(t, "b", true));
    let users = tx(l, |t| t.list_users(ENV));
    let ids: Vec<&str> = users.iter().map(|u| u.external_user_id.as_str()).collect();
    assert_eq!(ids, ["b", "a"], "newest first");
    assert!(users[0].poa_required_for_extended);
    assert!(tx(l, |t| t.list_users(EnvironmentKind::Staging)).is_empty());
    // One row per environment and externalUserId.
    assert!(in_tx(l, |t| create(t, "a", false)).is_err());
    let u = tx(l, |t| {
        t.apply_to_user(
            ENV,
            "a",
            &RosterChange::Kyc {
                method: Some(KycMethod::Hosted),
                verification_id: Some("v1".into()),
                verification_status: Some(VerificationStatus::NotVerified),
                attempt_status: Some(AttemptStatus::Pending),
                rejection_reason: None,
            },
        )?;
        t.apply_to_user(ENV, "a", &RosterChange::Poa(Some(PoaStatus::Waiting)))?;
        t.apply_to_user(ENV, "a", &RosterChange::Status(UserStatus::Suspended))
    });
    assert_eq!(
        (
            u.kyc_method,
            u.verification_id.as_deref(),
            u.poa_status,
            u.status
        ),
        (
            Some(KycMethod::Hosted),
            Some("v1"),
            Some(PoaStatus::Waiting),
            UserStatus::Suspended
        )
    );
    let mut edited = profile("new@example.com");
    edited.city = Some("Lviv".into());
    let u = tx(l, |t| {
        t.apply_to_user(ENV, "a", &RosterChange::Profile(Box::new(edited.clone())))?;
        t.apply_to_user(ENV, "a", &RosterChange::Deleted)
    });
    assert_eq!(u.email.as_deref(), Some("new@example.com"));
    assert_eq!(u.profile.city.as_deref(), Some("Lviv"));
    assert_eq!(u.status, UserStatus::Deleted);
    assert!(u.deleted_at.is_some(), "a tombstone");
    assert!(tx(l, |t| t.user(ENV, "nobody")).is_none());
}

fn events_derive_the_stage(l: &dyn Ledger) {
    tx(l, |t| create(t, "u", false));
    assert_eq!(tx(l, |t| t.user(ENV, "u")).unwrap().stage, Stage::Created);
    tx(l, |t| {
        t.add_event(
            ENV,
            "u",
            EventSource::Operator,
            &Event::KycFilesUploaded {
                document_type: DocumentType::Passport,
                files: Vec::new(),
                missing: Vec::new(),
            },
        )?;
        t.add_event(
            ENV,
            "u",
            EventSource::Operator,
            &Event::VerificationSubmitted(KycReport {
                verification_status: VerificationStatus::NotVerified,
                attempt_status: Some(AttemptStatus::Verification),
                rejection_reason: None,
            }),
        )
    });
    let u = tx(l, |t| t.user(ENV, "u")).unwrap();
    assert_eq!(u.stage, Stage::VerificationSubmitted);
    assert!(!u.stage_since.is_empty());
    tx(l, |t| t.record_activation(ENV, "u", EventSource::Poll));
    let u = tx(l, |t| t.user(ENV, "u")).unwrap();
    assert_eq!((u.stage, u.status), (Stage::Active, UserStatus::Active));
    assert!(
        tx(l, |t| t.record_activation(ENV, "u", EventSource::Poll)).is_none(),
        "an active user is not activated twice"
    );
    let events = tx(l, |t| t.events(ENV, "u"));
    let kinds: Vec<&str> = events.iter().map(|e| e.kind()).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "kycFilesUploaded",
            "verificationSubmitted",
            "activated"
        ],
        "oldest first"
    );
    assert!(
        events[0].actor.is_some(),
        "the operator's own events name them"
    );
    assert_eq!(
        (events[3].source, events[3].actor.as_deref()),
        (EventSource::Poll, None)
    );
}

fn claims(l: &dyn Ledger) {
    let active = WebhookEvent::UserStatus {
        external_user_id: "c".into(),
        status: UserStatus::Active,
    };
    assert!(matches!(
        tx(l, |t| t.record_claim(ENV, &active)),
        Recorded::UnknownUser
    ));
    tx(l, |t| create(t, "c", false));
    let Recorded::New { claim_id, user } = tx(l, |t| t.record_claim(ENV, &active)) else {
        panic!("a new claim");
    };
    assert_eq!(user.stage, Stage::Created, "a claim moves nobody");
    let pending = tx(l, |t| t.pending_claims());
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].claim_id, &pending[0].event),
        (claim_id, &active)
    );
    tx(l, |t| {
        t.settle_claim(
            claim_id,
            Confirmation::Unconfirmed,
            "P100 shows no balances",
        )
    });
    assert!(tx(l, |t| t.pending_claims()).is_empty());
    let events = tx(l, |t| t.events(ENV, "c"));
    let Event::WebhookClaim {
        confirmation, note, ..
    } = &events.last().unwrap().event
    else {
        panic!("the claim is on the timeline");
    };
    assert_eq!(
        (*confirmation, note.as_deref()),
        (Confirmation::Unconfirmed, Some("P100 shows no balances"))
    );
    // A refuted claim may be asked about again; once the roster says the same and a claim was
    // confirmed, a repeat adds nothing.
    assert!(matches!(
        tx(l, |t| t.record_claim(ENV, &active)),
        Recorded::New { .. }
    ));
    let second = tx(l, |t| t.pending_claims())[0].claim_id;
    tx(l, |t| {
        t.settle_claim(second, Confirmation::Confirmed, "activated")?;
        t.apply_to_user(ENV, "c", &RosterChange::Status(UserStatus::Active))
    });
    assert!(matches!(
        tx(l, |t| t.record_claim(ENV, &active)),
        Recorded::Repeated
    ));
}

fn journal(l: &dyn Ledger) {
    let line = |operation: &'static str, target: &'static str, outcome: &'static str| {
        move |t: &dyn Tx| {
            t.journal(&NewJournalEntry {
                operator: "ada",
                environment: ENV,
                operation,
                target: Some(target),
                outcome,
                p100_code: None,
                http_status: None,
                duration_ms: 12,
                message: None,
            })
        }
    };
    tx(l, line("createUser", "user-1", "ok"));
    tx(l, line("suspendUser", "user_2", "error"));
    tx(l, line("createUser", "user-3", "unknown"));
    let all = tx(l, |t| t.recent_journal(10));
    let ops: Vec<&str> = all
        .iter()
        .map(|j| j.target.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(ops, ["user-3", "user_2", "user-1"], "newest first");
    let filtered = tx(l, |t| {
        t.query_journal(&JournalFilter {
            operation: Some("createUser".into()),
            outcome: Some("ok".into()),
            ..JournalFilter::default()
        })
    });
    assert_eq!(filtered.len(), 1);
    // `_` in a target search is a character, not a wildcard.
    let by_target = tx(l, |t| {
        t.query_journal(&JournalFilter {
            target: Some("r_".into()),
            ..JournalFilter::default()
        })
    });
    assert_eq!(by_target.len(), 1);
    assert_eq!(tx(l, |t| t.recent_journal(1)).len(), 1);
}

fn outbox(l: &dyn Ledger) {
    let payload = serde_json::json!({"externalUserId": "o"});
    let id = tx(l, |t| t.outbox_open(ENV, "createUser", "o", &payload));
    let e = tx(l, |t| t.outbox_entry(&id));
    assert_eq!((e.state, e.attempts), (OutboxState::Pending, 1));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&e.payload_json).unwrap(),
        payload
    );
    tx(l, |t| {
        t.outbox_close(&id, OutboxState::Unknown, Some("timeout"), 2)
    });
    assert_eq!(tx(l, |t| t.outbox_open_entries()).len(), 1);
    tx(l, |t| t.outbox_attempt(&id));
    tx(l, |t| t.outbox_close(&id, OutboxState::Done, None, 1));
    let e = tx(l, |t| t.outbox_entry(&id));
    assert_eq!((e.state, e.attempts), (OutboxState::Done, 3));
    assert!(tx(l, |t| t.outbox_open_entries()).is_empty());
    let refused = in_tx(l, |t| t.outbox_attempt(&id)).unwrap_err();
    assert_eq!(refused.field_errors()[0].field, "operationId");
}

fn failed_work_leaves_nothing(l: &dyn Ledger) {
    let failed = in_tx(l, |t| {
        create(t, "x", false)?;
        t.outbox_open(ENV, "createUser", "x", &serde_json::json!({}))?;
        Err::<(), _>(Error::Internal("the journal refused the line".into()))
    });
    assert!(failed.is_err());
    assert!(tx(l, |t| t.user(ENV, "x")).is_none(), "no roster row");
    assert!(tx(l, |t| t.events(ENV, "x")).is_empty(), "no event");
    assert!(
        tx(l, |t| t.outbox_open_entries()).is_empty(),
        "no outbox entry"
    );
}

fn funnel(l: &dyn Ledger) {
    tx(l, |t| {
        create(t, "f1", false)?;
        create(t, "f2", false)?;
        t.record_activation(ENV, "f1", EventSource::Poll)
    });
    let f = tx(l, |t| t.funnel(ENV, None));
    assert_eq!(f.users, 2);
    let step = |s: Stage| f.steps.iter().find(|x| x.stage == s).unwrap();
    assert_eq!(step(Stage::Created).reached, 2);
    assert_eq!(
        (step(Stage::Active).reached, step(Stage::Active).current),
        (1, 1)
    );
    let later = tx(l, |t| t.funnel(ENV, Some("2999-01-01T00:00:00.000Z")));
    assert_eq!(later.users, 0);
}

fn under_review(l: &dyn Ledger) {
    tx(l, |t| {
        create(t, "r1", false)?;
        create(t, "r2", false)?;
        t.add_event(
            ENV,
            "r1",
            EventSource::Operator,
            &Event::VerificationSubmitted(KycReport {
                verification_status: VerificationStatus::NotVerified,
                attempt_status: Some(AttemptStatus::Verification),
                rejection_reason: None,
            }),
        )
    });
    assert_eq!(tx(l, |t| t.under_review(ENV)), ["r1"]);
    assert!(tx(l, |t| t.under_review(EnvironmentKind::Staging)).is_empty());
}
