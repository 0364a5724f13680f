//! The ledger conformance suite: what every [`Ledger`] must do, checked through the trait alone.
//! SQLite runs it in the desk's unit tests (`store`); the hub's PostgreSQL ledger runs the same
//! suite (feature `conformance`). Each check gets a fresh, empty ledger from `fresh`.

use super::claims::{Confirmation, Recorded};
use super::imports::{ImportOutcome, ImportState, NewImportJob, RowResult, StoredImportRow};
use super::journal::{JournalFilter, NewJournalEntry};
use super::outbox::OutboxState;
use super::roster::{NewRosterUser, RosterChange};
use super::roster_query::{RosterQuery, RosterSort};
use super::{Ledger, Tx, in_tx};
use crate::environment::EnvironmentKind;
use crate::error::Error;
use crate::onboarding::Onboarding;
use crate::onboarding::Stage;
use crate::timeline::{Event, EventSource, KycReport};
use crate::vocabulary::KycMethod;
use p100::models::{
    AttemptStatus, DocumentType, PoaStatus, UserProfile, UserStatus, VerificationStatus,
};
use p100::webhooks::WebhookEvent;
use std::sync::Arc;

type Fresh<'a> = &'a dyn Fn() -> Arc<dyn Ledger>;
/// One named check of a ledger.
type Check = (&'static str, fn(&dyn Ledger));

/// Runs every check, each on a fresh ledger; panics naming the first that fails.
pub fn run(fresh: Fresh<'_>) {
    let checks: [Check; 11] = [
        ("settings", settings),
        ("roster", roster),
        ("roster queried a page at a time", roster_query),
        ("import jobs", import_jobs),
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
fn create(t: &dyn Tx, ext: &str, poa: bool) -> crate::Result<()> {
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

/// The roster screen's questions answered by the store: search (every word, any case, any
/// script, wildcards literal), filters, sorts, pages, the board and the filters' values.
fn roster_query(l: &dyn Ledger) {
    // (externalUserId, first, last, country, stage): inserted oldest first.
    let people = [
        ("u1", "Ola", "Nowak", "PL", Stage::Active),
        ("u2", "Jan", "Nowakowski", "PL", Stage::Created),
        ("u3", "Олена", "Шевченко", "UA", Stage::NeedsAction),
        ("a_b", "Ada", "Lovelace", "GB", Stage::Active),
        ("axb", "Ada", "Byron", "GB", Stage::Created),
    ];
    for (i, (ext, first, last, country, stage)) in people.into_iter().enumerate() {
        std::thread::sleep(std::time::Duration::from_millis(3));
        tx(l, |t| {
            t.insert_user(&NewRosterUser {
                environment: ENV,
                external_user_id: ext,
                user_id: None,
                profile: &UserProfile {
                    email: Some(format!("{}@example.com", first.to_lowercase())),
                    first_name: Some(first.into()),
                    last_name: Some(last.into()),
                    country: Some(country.into()),
                    ..Default::default()
                },
                status: match stage {
                    Stage::Active => UserStatus::Active,
                    _ => UserStatus::WaitingForActivation,
                },
                poa_required_for_extended: false,
            })?;
            t.set_stage(
                ENV,
                ext,
                &Onboarding {
                    stage,
                    since: format!("2026-01-0{}T00:00:00.000Z", 9 - i),
                    next_action: None,
                    reached: Vec::new(),
                },
            )
        });
    }
    let ask = |q: RosterQuery| tx(l, |t| t.query_users(ENV, &q));
    let ids = |q: RosterQuery| -> Vec<String> {
        ask(q)
            .rows
            .into_iter()
            .map(|u| u.external_user_id)
            .collect()
    };
    let search = |s: &str| {
        let mut v = ids(RosterQuery {
            search: s.into(),
            ..RosterQuery::default()
        });
        v.sort();
        v
    };

    let all = ask(RosterQuery::default());
    assert_eq!((all.total, all.matching), (5, 5));
    let newest_first: Vec<&str> = all
        .rows
        .iter()
        .map(|u| u.external_user_id.as_str())
        .collect();
    assert_eq!(newest_first, ["axb", "a_b", "u3", "u2", "u1"]);
    assert_eq!(search("nowak"), ["u1", "u2"], "a word inside a name");
    assert_eq!(search("NOWAKOW"), ["u2"], "any case");
    assert_eq!(search("ola nowak"), ["u1"], "every word");
    assert_eq!(search("no"), ["u1", "u2"], "a short word starts a word");
    assert!(search("ow").is_empty(), "…and is not looked for inside one");
    assert_eq!(search("ja no"), ["u2"], "short words, every one");
    assert_eq!(search("шевченко"), ["u3"], "another script, another case");
    assert_eq!(search("a_b"), ["a_b"], "a wildcard is a character");
    assert_eq!(search("ada@example"), ["a_b", "axb"], "the e-mail");
    assert!(search("zzz").is_empty());
    assert!(search("%").is_empty());

    let page = ask(RosterQuery {
        country: Some("PL".into()),
        ..RosterQuery::default()
    });
    assert_eq!((page.total, page.matching), (5, 2));
    assert_eq!(
        ids(RosterQuery {
            stage: Some(Stage::Active),
            status: Some(UserStatus::Active),
            ..RosterQuery::default()
        }),
        ["a_b", "u1"]
    );
    // By name (last, first), a page of two from the second row on.
    let by_name = ask(RosterQuery {
        sort: RosterSort::Name,
        descending: false,
        offset: 1,
        limit: 2,
        ..RosterQuery::default()
    });
    let names: Vec<_> = by_name
        .rows
        .iter()
        .map(|u| u.external_user_id.as_str())
        .collect();
    assert_eq!(
        (by_name.matching, by_name.offset, names),
        (5, 1, vec!["a_b", "u1"])
    );
    // By stage, the board's order; ties newest first.
    assert_eq!(
        ids(RosterQuery {
            sort: RosterSort::Stage,
            descending: false,
            ..RosterQuery::default()
        }),
        ["axb", "u2", "a_b", "u1", "u3"]
    );
    assert!(matches!(
        in_tx(l, |t| t.query_users(
            ENV,
            &RosterQuery {
                limit: 0,
                ..RosterQuery::default()
            }
        )),
        Err(Error::Invalid(_))
    ));

    let board = tx(l, |t| t.board(ENV));
    assert_eq!(
        board.iter().map(|c| c.stage).collect::<Vec<_>>(),
        Stage::ALL
    );
    let created = &board[0];
    let cards: Vec<&str> = created
        .cards
        .iter()
        .map(|u| u.external_user_id.as_str())
        .collect();
    assert_eq!(
        (created.count, cards),
        (2, vec!["axb", "u2"]),
        "longest in the stage first"
    );
    assert_eq!(board.iter().map(|c| c.count).sum::<u32>(), 5);
    let one = tx(l, |t| t.stage_column(ENV, Stage::Active, 1));
    assert_eq!((one.count, one.cards.len()), (2, 1));

    let facets = tx(l, |t| t.roster_facets(ENV));
    assert_eq!(facets.countries, ["GB", "PL", "UA"]);
    assert_eq!(
        facets.statuses,
        [UserStatus::Active, UserStatus::WaitingForActivation]
    );
    assert_eq!(
        tx(l, |t| t.query_users(
            EnvironmentKind::Staging,
            &RosterQuery::default()
        ))
        .total,
        0,
        "one environment's roster"
    );
}

/// Jobs hold their rows; workers take running jobs by a lease; outcomes are counted once.
fn import_jobs(l: &dyn Ledger) {
    let rows: Vec<StoredImportRow> = (1..=3)
        .map(|i| StoredImportRow {
            row: i,
            external_user_id: format!("crm-{i}"),
            plan_json: format!("{{\"row\":{i}}}"),
        })
        .collect();
    let new = |id: &'static str| NewImportJob {
        id,
        environment: ENV,
        file_name: "users.csv",
        created_by: "olga",
        per_second: 5.0,
    };
    tx(l, |t| t.insert_import_job(&new("j1"), &rows));
    std::thread::sleep(std::time::Duration::from_millis(3));
    tx(l, |t| t.insert_import_job(&new("j2"), &rows[..1]));
    let job = tx(l, |t| t.import_job("j1")).expect("the job");
    assert_eq!(
        (
            job.state,
            job.rows,
            job.finished_rows(),
            job.created_by.as_str()
        ),
        (ImportState::Running, 3, 0, "olga")
    );
    let listed: Vec<String> = tx(l, |t| t.import_jobs(ENV, 10))
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(listed, ["j2", "j1"], "newest first");
    assert!(tx(l, |t| t.import_jobs(EnvironmentKind::Staging, 10)).is_empty());

    let (t0, t1, t2) = (
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:01:00.000Z",
        "2026-01-01T00:02:00.000Z",
    );
    let take = |worker: &str, now: &str, until: &str| {
        tx(l, |t| t.take_import_job(ENV, worker, now, until))
    };
    assert_eq!(
        take("a", t0, t1).as_deref(),
        Some("j1"),
        "the oldest running job"
    );
    assert_eq!(
        take("b", t0, t1).as_deref(),
        Some("j2"),
        "one held is not taken again"
    );
    assert_eq!(take("c", t0, t1), None);
    assert_eq!(
        take("a", t0, t1).as_deref(),
        Some("j1"),
        "its own worker, restarted"
    );
    assert!(tx(l, |t| t.renew_import_lease("j1", "a", t2)));
    assert!(!tx(l, |t| t.renew_import_lease("j1", "c", t2)), "not c's");
    assert_eq!(take("c", t1, t2), None, "renewed until t2");
    assert_eq!(
        take("c", "2026-01-01T00:03:00.000Z", "2026-01-01T00:04:00.000Z").as_deref(),
        Some("j1"),
        "the lease ran out"
    );

    let pending: Vec<u32> = tx(l, |t| t.pending_import_rows("j1", 2))
        .into_iter()
        .map(|r| r.row)
        .collect();
    assert_eq!(pending, [1, 2]);
    let result = |row: u32, outcome| RowResult {
        row,
        external_user_id: format!("crm-{row}"),
        outcome,
        fields: if outcome == ImportOutcome::Refused {
            vec!["email".into()]
        } else {
            Vec::new()
        },
        message: None,
    };
    tx(l, |t| {
        t.record_import_row("j1", &result(2, ImportOutcome::Refused), t0)?;
        t.record_import_row("j1", &result(1, ImportOutcome::Created), t0)?;
        // A row that has its outcome keeps it, and is not counted twice.
        t.record_import_row("j1", &result(1, ImportOutcome::Failed), t0)
    });
    let job = tx(l, |t| t.import_job("j1")).expect("the job");
    assert_eq!(
        (job.created, job.refused, job.failed, job.finished_rows()),
        (1, 1, 0, 2)
    );
    let results = tx(l, |t| t.import_results("j1"));
    assert_eq!(
        results,
        [
            result(1, ImportOutcome::Created),
            result(2, ImportOutcome::Refused)
        ]
    );
    let pending: Vec<u32> = tx(l, |t| t.pending_import_rows("j1", 10))
        .into_iter()
        .map(|r| r.row)
        .collect();
    assert_eq!(pending, [3]);

    tx(l, |t| t.set_import_state("j1", ImportState::Paused, t1));
    assert_eq!(take("d", t0, t1).as_deref(), None, "j2 held, j1 paused");
    assert!(
        !tx(l, |t| t.renew_import_lease("j1", "c", t2)),
        "a paused job's lease is let go"
    );
    tx(l, |t| t.set_import_state("j1", ImportState::Running, t1));
    assert_eq!(take("d", t1, t2).as_deref(), Some("j1"), "resumed, free");
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
