//! The store on a real SQLite file.

use desk::EnvironmentKind;
use desk::ledger::Tx;
use desk::ledger::journal::{JournalFilter, NewJournalEntry};
use desk::ledger::outbox::OutboxState;
use desk::ledger::roster::NewRosterUser;
use desk::onboarding::Stage;
use desk::store::{SCHEMA_VERSION, Store};
use desk::timeline::{Event, EventSource};
use p100::models::{UserProfile, UserStatus};

/// Appends an event given as the store keeps it (kind, source, details).
fn add(
    s: &dyn Tx,
    env: EnvironmentKind,
    ext: &str,
    kind: &str,
    source: &str,
    detail: serde_json::Value,
) {
    let event = Event::from_stored(kind, &detail.to_string()).unwrap();
    s.add_event(env, ext, EventSource::parse(source).unwrap(), &event)
        .unwrap();
}

fn profile() -> UserProfile {
    UserProfile {
        email: Some("ada@example.com".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        country: Some("PL".into()),
        citizenship: Some("PL".into()),
        ..Default::default()
    }
}

#[test]
fn migrations_run_once_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.sqlite3");
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        store
            .with_tx(|s| s.set_setting("environment", "staging"))
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    store
        .with_tx(|s| {
            assert_eq!(
                s.setting("environment").unwrap().as_deref(),
                Some("staging")
            );
            s.set_setting("environment", "sandbox").unwrap();
            assert_eq!(
                s.setting("environment").unwrap().as_deref(),
                Some("sandbox")
            );
            assert_eq!(s.setting("missing").unwrap(), None);
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_file_is_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.sqlite3");
    let _s = Store::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn roster_is_per_environment_and_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("d.sqlite3")).unwrap();
    store
        .with_tx(|s| {
            let p = profile();
            for (env, ext) in [
                (EnvironmentKind::Sandbox, "a"),
                (EnvironmentKind::Sandbox, "b"),
                (EnvironmentKind::Staging, "c"),
            ] {
                s.insert_user(&NewRosterUser {
                    environment: env,
                    external_user_id: ext,
                    user_id: Some(&format!("uid-{ext}")),
                    profile: &p,
                    status: UserStatus::WaitingForActivation,
                    poa_required_for_extended: ext == "b",
                })
                .unwrap();
                std::thread::sleep(std::time::Duration::from_millis(3));
            }
            let sandbox = s.list_users(EnvironmentKind::Sandbox).unwrap();
            let ids: Vec<_> = sandbox
                .iter()
                .map(|u| u.external_user_id.as_str())
                .collect();
            assert_eq!(ids, ["b", "a"]);
            assert!(sandbox[0].poa_required_for_extended);
            assert_eq!(sandbox[0].first_name.as_deref(), Some("Ada"));
            assert_eq!(s.list_users(EnvironmentKind::Staging).unwrap().len(), 1);
            assert!(
                s.list_users(EnvironmentKind::Production)
                    .unwrap()
                    .is_empty()
            );
            let again = s.insert_user(&NewRosterUser {
                environment: EnvironmentKind::Sandbox,
                external_user_id: "a",
                user_id: Some("x"),
                profile: &p,
                status: UserStatus::Active,
                poa_required_for_extended: false,
            });
            assert!(again.is_err(), "one row per environment and externalUserId");
            Ok(())
        })
        .unwrap();
}

#[test]
fn journal_and_outbox_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("d.sqlite3")).unwrap();
    store
        .with_tx(|s| {
            let id = s
                .outbox_open(
                    EnvironmentKind::Sandbox,
                    "createUser",
                    "u-1",
                    &serde_json::json!({"externalUserId": "u-1"}),
                )
                .unwrap();
            assert_eq!(s.outbox_open_entries().unwrap().len(), 1);
            s.outbox_close(&id, OutboxState::Unknown, Some("timed out"), 1)
                .unwrap();
            let open = s.outbox_open_entries().unwrap();
            assert_eq!(open.len(), 1, "an unknown outcome stays open");
            assert_eq!(open[0].last_error.as_deref(), Some("timed out"));
            s.outbox_close(&id, OutboxState::Done, None, 2).unwrap();
            assert!(s.outbox_open_entries().unwrap().is_empty());
            let done = s.outbox_entry(&id).unwrap();
            assert_eq!(
                (done.state.as_str(), done.attempts),
                ("done", 2),
                "a run of two sends adds one"
            );

            s.journal(&NewJournalEntry {
                operator: "ops",
                environment: EnvironmentKind::Staging,
                operation: "createUser",
                target: Some("u-1"),
                outcome: "error",
                p100_code: Some("P411"),
                http_status: Some(400),
                duration_ms: 12,
                message: Some("duplicate"),
            })
            .unwrap();
            let j = s.recent_journal(10).unwrap();
            assert_eq!(j.len(), 1);
            assert_eq!(j[0].environment, EnvironmentKind::Staging);
            assert_eq!(j[0].p100_code.as_deref(), Some("P411"));
            assert_eq!(j[0].http_status, Some(400));
            assert!(j[0].at.ends_with('Z'), "UTC timestamps: {}", j[0].at);
            Ok(())
        })
        .unwrap();
}

fn line<'a>(
    operator: &'a str,
    operation: &'a str,
    target: &'a str,
    outcome: &'a str,
) -> NewJournalEntry<'a> {
    NewJournalEntry {
        operator,
        environment: EnvironmentKind::Sandbox,
        operation,
        target: Some(target),
        outcome,
        p100_code: None,
        http_status: None,
        duration_ms: 3,
        message: None,
    }
}

#[test]
fn the_journal_filters_by_operator_operation_outcome_target_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("desk.sqlite3")).unwrap();
    store
        .with_tx(|s| {
            s.journal(&line("ada", "createUser", "u-100", "ok"))
                .unwrap();
            s.journal(&line("bob", "createUser", "u-200", "error"))
                .unwrap();
            s.journal(&line("ada", "suspendUser", "u-100", "ok"))
                .unwrap();
            s.journal(&line("ada", "deleteUser", "u_1%", "unknown"))
                .unwrap();
            let q = |f: JournalFilter| -> Vec<(String, String)> {
                s.query_journal(&f)
                    .unwrap()
                    .into_iter()
                    .map(|e| (e.operator, e.operation))
                    .collect()
            };
            let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
            assert_eq!(q(JournalFilter::default()).len(), 4);
            assert_eq!(
                q(JournalFilter {
                    operator: Some("ada".into()),
                    operation: Some("createUser".into()),
                    ..Default::default()
                }),
                [pair("ada", "createUser")]
            );
            assert_eq!(
                q(JournalFilter {
                    outcome: Some("error".into()),
                    ..Default::default()
                }),
                [pair("bob", "createUser")]
            );
            assert_eq!(
                q(JournalFilter {
                    target: Some("u-1".into()),
                    ..Default::default()
                }),
                [pair("ada", "suspendUser"), pair("ada", "createUser")],
                "newest first; `-` is literal"
            );
            assert_eq!(
                q(JournalFilter {
                    target: Some("_1%".into()),
                    ..Default::default()
                }),
                [pair("ada", "deleteUser")],
                "LIKE wildcards in the search are literal"
            );
            assert!(
                q(JournalFilter {
                    from: Some("2999-01-01T00:00:00.000Z".into()),
                    ..Default::default()
                })
                .is_empty()
            );
            assert_eq!(
                q(JournalFilter {
                    to: Some("2999-01-01T00:00:00.000Z".into()),
                    limit: Some(2),
                    ..Default::default()
                })
                .len(),
                2
            );
            assert!(
                q(JournalFilter {
                    environment: Some(EnvironmentKind::Production),
                    ..Default::default()
                })
                .is_empty()
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn stages_follow_events_and_feed_the_funnel() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("desk.sqlite3")).unwrap();
    store
        .with_tx(|s| {
            let env = EnvironmentKind::Sandbox;
            let p = profile();
            for ext in ["a", "b", "c"] {
                s.insert_user(&NewRosterUser {
                    environment: env,
                    external_user_id: ext,
                    user_id: Some("id"),
                    profile: &p,
                    status: UserStatus::WaitingForActivation,
                    poa_required_for_extended: false,
                })
                .unwrap();
                add(
                    s,
                    env,
                    ext,
                    "created",
                    "operator",
                    serde_json::json!({"userId": "id", "poaRequiredForExtended": false}),
                );
            }
            for ext in ["a", "b"] {
                add(
                    s,
                    env,
                    ext,
                    "kycFilesUploaded",
                    "operator",
                    serde_json::json!({"documentType": "PASSPORT", "files": []}),
                );
            }
            add(
                s,
                env,
                "a",
                "userStatus",
                "webhook",
                serde_json::json!({"status": "ACTIVE"}),
            );
            add(
                s,
                env,
                "b",
                "kycFileStatus",
                "webhook",
                serde_json::json!({"status": "ERROR"}),
            );
            let stage = |ext: &str| s.user(env, ext).unwrap().unwrap().stage;
            assert_eq!(
                (stage("a"), stage("b"), stage("c")),
                (Stage::Active, Stage::NeedsAction, Stage::Created)
            );
            assert_eq!(
                s.user(env, "b").unwrap().unwrap().next_action.as_deref(),
                Some("P100 could not process a KYC file: upload it again")
            );
            let f = s.funnel(env, None).unwrap();
            assert_eq!(f.users, 3);
            let reached: Vec<u32> = f.steps.iter().map(|st| st.reached).collect();
            assert_eq!(
                reached,
                [3, 2, 1, 0, 1],
                "a's activation counts verification as reached"
            );
            assert_eq!(f.steps[1].conversion, Some(2.0 / 3.0));
            assert_eq!(f.steps[0].current, 1);
            assert_eq!(f.aside[0].count, 1, "b needs action");
            assert!(
                s.funnel(env, Some("2999-01-01T00:00:00.000Z"))
                    .unwrap()
                    .steps
                    .iter()
                    .all(|st| st.reached == 0)
            );
            assert_eq!(s.funnel(EnvironmentKind::Staging, None).unwrap().users, 0);
            Ok(())
        })
        .unwrap();
}
