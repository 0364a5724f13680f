//! The admin commands as runbooks use them: the real binary on a real database.

mod common;

use common::{fresh_database_url, fresh_db, hub_cli, psql};
use desk::EnvironmentKind;
use desk::ledger::in_tx;
use desk::ledger::journal::NewJournalEntry;
use desk::ledger::roster::NewRosterUser;
use desk::timeline::{Event, EventSource};
use hub::PgLedger;
use p100::models::{UserProfile, UserStatus};

#[test]
fn migrate_says_what_it_applied_and_then_that_the_schema_is_current() {
    let url = fresh_database_url();
    let (code, out, err) = hub_cli(&["migrate", "--database-url", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("migrated to version"), "{out}");
    let (code, out, _) = hub_cli(&["migrate", "--database-url", &url]);
    let current = format!("schema is current (version {})", hub::db::SCHEMA_VERSION);
    assert_eq!((code, out.trim()), (0, current.as_str()));

    let (code, _, err) = hub_cli(&[
        "migrate",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/x",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("database"), "{err}");
}

#[test]
fn journal_verify_finds_the_first_altered_row_and_export_keeps_the_hashes() {
    let (url, db) = fresh_db();
    let ledger = PgLedger::new(db, "hub");
    for i in 0..12 {
        in_tx(&ledger, |tx| {
            tx.journal(&NewJournalEntry {
                operator: "ana",
                environment: EnvironmentKind::Sandbox,
                operation: "suspendUser",
                target: Some(&format!("u-{i}")),
                outcome: "ok",
                p100_code: None,
                http_status: Some(200),
                duration_ms: 10,
                message: None,
            })
        })
        .unwrap();
    }
    let (code, out, err) = hub_cli(&["journal", "verify", "--database-url", &url]);
    assert_eq!(
        (code, out.trim()),
        (0, "journal holds: 12 rows, chain intact"),
        "{err}"
    );

    let (code, out, _) = hub_cli(&["journal", "export", "--database-url", &url]);
    assert_eq!(code, 0);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[4]["prevHash"], rows[3]["hash"]);
    assert_eq!(rows[0]["operator"], "ana");

    // Someone with the database's superuser turns the guard off and rewrites a row.
    psql(&url)
        .batch_execute(
            "ALTER TABLE journal DISABLE TRIGGER journal_append_only;
             UPDATE journal SET outcome = 'failed', operator = 'mallory' WHERE id = 5;
             ALTER TABLE journal ENABLE TRIGGER journal_append_only;",
        )
        .unwrap();
    let (code, out, _) = hub_cli(&["journal", "verify", "--database-url", &url]);
    assert_ne!(code, 0);
    assert!(out.contains("broken at row 5"), "{out}");
    assert!(out.contains("altered"), "{out}");
}

#[test]
fn users_show_prints_the_stage_and_timeline_and_refuses_an_unknown_id() {
    let (url, db) = fresh_db();
    let ledger = PgLedger::new(db, "ana");
    let profile = UserProfile {
        email: Some("li@example.com".into()),
        first_name: Some("Li".into()),
        ..UserProfile::default()
    };
    in_tx(&ledger, |tx| {
        tx.insert_user(&NewRosterUser {
            environment: EnvironmentKind::Sandbox,
            external_user_id: "ext-42",
            user_id: Some("p100-42"),
            profile: &profile,
            status: UserStatus::WaitingForActivation,
            poa_required_for_extended: false,
        })?;
        tx.add_event(
            EnvironmentKind::Sandbox,
            "ext-42",
            EventSource::Operator,
            &Event::Created {
                user_id: Some("p100-42".into()),
                poa_required_for_extended: false,
            },
        )
    })
    .unwrap();

    let (code, out, err) = hub_cli(&["users", "show", "ext-42", "--database-url", &url, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["externalUserId"], "ext-42");
    assert_eq!(v["stage"], "created");
    assert_eq!(v["timeline"][0]["kind"], "created");
    assert_eq!(v["timeline"][0]["actor"], "ana");

    let (code, out, _) = hub_cli(&["users", "show", "ext-42", "--database-url", &url]);
    assert_eq!(code, 0);
    assert!(out.contains("stage:          created"), "{out}");

    let (code, _, err) = hub_cli(&["users", "show", "nobody", "--database-url", &url]);
    assert_eq!(code, 2);
    assert!(err.contains("no user \"nobody\""), "{err}");
}
