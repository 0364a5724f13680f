//! The store on a real SQLite file.

use desk::EnvironmentKind;
use desk::store::journal::NewJournalEntry;
use desk::store::outbox::OutboxState;
use desk::store::roster::NewRosterUser;
use desk::store::{SCHEMA_VERSION, Store};
use p100::models::UserProfile;

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
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        s.set_setting("environment", "staging").unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
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
    let s = Store::open(&dir.path().join("d.sqlite3")).unwrap();
    let p = profile();
    for (env, ext) in [
        (EnvironmentKind::Sandbox, "a"),
        (EnvironmentKind::Sandbox, "b"),
        (EnvironmentKind::Staging, "c"),
    ] {
        s.insert_user(&NewRosterUser {
            environment: env,
            external_user_id: ext,
            user_id: &format!("uid-{ext}"),
            profile: &p,
            status: "WAITING_FOR_ACTIVATION",
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
        user_id: "x",
        profile: &p,
        status: "ACTIVE",
        poa_required_for_extended: false,
    });
    assert!(again.is_err(), "one row per environment and externalUserId");
}

#[test]
fn journal_and_outbox_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("d.sqlite3")).unwrap();
    let id = s
        .outbox_open(
            EnvironmentKind::Sandbox,
            "createUser",
            "u-1",
            &serde_json::json!({"externalUserId": "u-1"}),
        )
        .unwrap();
    assert_eq!(s.outbox_open_entries().unwrap().len(), 1);
    s.outbox_close(&id, OutboxState::Unknown, Some("timed out"))
        .unwrap();
    let open = s.outbox_open_entries().unwrap();
    assert_eq!(open.len(), 1, "an unknown outcome stays open");
    assert_eq!(open[0].last_error.as_deref(), Some("timed out"));
    s.outbox_close(&id, OutboxState::Done, None).unwrap();
    assert!(s.outbox_open_entries().unwrap().is_empty());
    assert_eq!(s.outbox_entry(&id).unwrap().state, "done");

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
}
