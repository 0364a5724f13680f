//! The desk core's ledger on a real PostgreSQL: the same conformance suite as SQLite, migrations
//! that replicas can run at once, and a journal that stays append-only and chained.

mod common;

use common::{fresh_database_url, fresh_db, psql};
use desk::EnvironmentKind;
use desk::ledger::journal::NewJournalEntry;
use desk::ledger::{Ledger, in_tx};
use hub::{Db, PgLedger};
use std::sync::Arc;

#[test]
fn the_postgresql_ledger_passes_the_conformance_suite() {
    desk::ledger::conformance::run(&|| {
        let (url, db) = fresh_db();
        // The actor is one of the team (users are assigned to the team's operators).
        psql(&url)
            .execute(
                "INSERT INTO operators (name, role, token_id, token_hash, created_at)
                 VALUES ('conformance', 'operator', 'conformance', 'not a hash', '2026-01-01T00:00:00Z')",
                &[],
            )
            .unwrap();
        Arc::new(PgLedger::new(db, "conformance")) as Arc<dyn Ledger>
    });
}

#[test]
fn replicas_migrating_at_once_migrate_once_and_a_newer_schema_is_refused() {
    let url = fresh_database_url();
    let applied: Vec<Vec<i64>> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                s.spawn(move || hub::db::migrate(&Db::connect(&url, 1).unwrap()).unwrap())
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let all: Vec<i64> = (1..=hub::db::SCHEMA_VERSION).collect();
    assert_eq!(
        applied.iter().filter(|a| **a == all).count(),
        1,
        "{applied:?}"
    );
    assert_eq!(
        applied.iter().filter(|a| a.is_empty()).count(),
        3,
        "{applied:?}"
    );

    let db = Db::connect(&url, 1).unwrap();
    hub::db::check(&db).unwrap();
    psql(&url)
        .execute("UPDATE hub_schema SET version = version + 1", &[])
        .unwrap();
    let newer = hub::db::check(&db).unwrap_err().to_string();
    assert!(newer.contains("this hub knows up to"), "{newer}");
    assert!(hub::db::migrate(&db).is_err());

    let empty = Db::connect(&fresh_database_url(), 1).unwrap();
    let unmigrated = hub::db::check(&empty).unwrap_err().to_string();
    assert!(
        unmigrated.contains("partner-desk-hub migrate"),
        "{unmigrated}"
    );
}

fn line<'a>(operator: &'a str, target: &'a str) -> NewJournalEntry<'a> {
    NewJournalEntry {
        operator,
        environment: EnvironmentKind::Sandbox,
        operation: "createUser",
        target: Some(target),
        outcome: "ok",
        p100_code: None,
        http_status: Some(200),
        duration_ms: 42,
        message: None,
    }
}

#[test]
fn the_journal_is_append_only_and_one_chain_when_replicas_write_at_once() {
    let (url, db) = fresh_db();
    std::thread::scope(|s| {
        for replica in 0..4 {
            let ledger = PgLedger::new(db.clone(), format!("replica-{replica}"));
            s.spawn(move || {
                for i in 0..25 {
                    in_tx(&ledger, |tx| {
                        tx.journal(&line(&format!("op-{replica}"), &format!("u-{i}")))
                    })
                    .unwrap();
                }
            });
        }
    });
    let v = hub::ledger::verify_journal(&db).unwrap();
    assert_eq!((v.rows, v.first_break), (100, None));

    let mut admin = psql(&url);
    for refused in [
        "UPDATE journal SET outcome = 'failed' WHERE id = 7",
        "DELETE FROM journal WHERE id = 7",
        "TRUNCATE journal",
    ] {
        let e = admin.batch_execute(refused).unwrap_err();
        assert!(
            hub::error::describe(&e).contains("append-only"),
            "{refused}: {e}"
        );
    }
    assert_eq!(hub::ledger::verify_journal(&db).unwrap().rows, 100);
}
