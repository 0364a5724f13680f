//! The outbox survives a power cut, and an operation's records commit together.
//!
//! Durability is shown on the system calls themselves: the desk runs as a child process (this
//! test binary again, an ignored test) under `strace`, and the trace must show the database's
//! write-ahead log synced to disk (`fdatasync`/`fsync`) after the outbox entry was written and
//! before the request's first byte left for P100. Page-cache writes alone — what a crash of the
//! app survives, and a power cut does not — would not pass.

use desk::Desk;
use std::path::Path;
use std::process::Command;

mod common;
use common::{fresh_config, new_user};

const CREATE_LINE: &str = "POST /v1/user/balances/crypto-and-fiat";

/// The child: one create to warm everything up, a marker file, then the create that is watched.
#[tokio::test]
#[ignore = "run by an_outbox_entry_is_on_disk_before_its_request_leaves, under strace"]
async fn child_creates_two_users() {
    let dir = std::env::var("PD_DURABLE_DIR").expect("run by the parent test");
    let dir = Path::new(&dir);
    let d = common::desk(dir).await;
    d.create_user(new_user("warm@example.com", "DE"))
        .await
        .unwrap();
    std::fs::write(dir.join("MARK"), b"now").unwrap();
    d.create_user(new_user("watched@example.com", "DE"))
        .await
        .unwrap();
}

#[test]
fn an_outbox_entry_is_on_disk_before_its_request_leaves() {
    if Command::new("strace").arg("-V").output().is_err() {
        panic!(
            "this test needs strace (the README's test command installs it: apt-get install strace)"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.txt");
    let status = Command::new("strace")
        .args(["-f", "-y", "-s", "200", "-o"])
        .arg(&trace)
        .args([
            "-e",
            "trace=fsync,fdatasync,write,writev,pwrite64,sendto,sendmsg",
        ])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_creates_two_users",
            "--ignored",
            "--nocapture",
        ])
        .env("PD_DURABLE_DIR", dir.path())
        .status()
        .unwrap();
    assert!(status.success(), "the child desk failed");
    let text = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mark = lines
        .iter()
        .position(|l| l.contains("/MARK>"))
        .expect("the marker write is in the trace");
    let sent = mark
        + lines[mark..]
            .iter()
            .position(|l| l.contains(CREATE_LINE))
            .expect("the watched create's request is in the trace");
    let between = &lines[mark..sent];
    let wal_write = between.iter().position(|l| {
        l.starts_with_pid_call("pwrite64") && l.contains("partner-desk.sqlite3-wal>")
    });
    let wal_sync = between.iter().rposition(|l| {
        (l.starts_with_pid_call("fdatasync") || l.starts_with_pid_call("fsync"))
            && l.contains("partner-desk.sqlite3-wal>")
    });
    match (wal_write, wal_sync) {
        (Some(w), Some(s)) => assert!(
            w < s,
            "the log was synced before the outbox entry was written to it"
        ),
        _ => panic!(
            "between the marker and the request: outbox write {wal_write:?}, log sync {wal_sync:?}\n{}",
            between.join("\n")
        ),
    }
}

/// `strace -f` prefixes each line with the thread id.
trait TraceLine {
    fn starts_with_pid_call(&self, call: &str) -> bool;
}

impl TraceLine for &str {
    fn starts_with_pid_call(&self, call: &str) -> bool {
        self.split_once(' ')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(&format!("{call}(")))
    }
}

#[tokio::test]
async fn an_operations_records_commit_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let d = common::desk(dir.path()).await;
    d.create_user(new_user("first@example.com", "DE"))
        .await
        .unwrap();
    // The journal refuses the next create's line (a full disk, a broken file would do the
    // same): P100 has the user, and none of the desk's records of it may be half-written.
    let conn = rusqlite::Connection::open(d.db_path()).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER refuse_journal BEFORE INSERT ON journal WHEN NEW.operation = 'createUser'
         BEGIN SELECT RAISE(ABORT, 'the journal refused the line'); END;",
    )
    .unwrap();
    let err = d
        .create_user(new_user("second@example.com", "DE"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "store", "{err:?}");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM users"),
        1,
        "no roster row for it"
    );
    assert_eq!(
        count("SELECT count(*) FROM events WHERE kind = 'created'"),
        1,
        "no timeline event for it"
    );
    assert_eq!(count("SELECT count(*) FROM journal"), 1, "no journal line");
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE state = 'pending'"),
        1,
        "its outbox entry stays open"
    );
    assert_eq!(
        d.with_sandbox(|h| h.state().user_count()).await.unwrap(),
        2,
        "P100 did create it"
    );

    // The open entry is the way back: sent again once the journal takes lines, P100's P411
    // says it happened, and the desk records it once.
    conn.execute_batch("DROP TRIGGER refuse_journal").unwrap();
    let open = d.open_operations().await.unwrap();
    assert_eq!(open.len(), 1);
    let user = d.retry_operation(&open[0].id).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("second@example.com"));
    assert_eq!(count("SELECT count(*) FROM users"), 2);
    assert_eq!(count("SELECT count(*) FROM journal"), 2);
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE state = 'pending'"),
        0
    );
    assert_eq!(d.with_sandbox(|h| h.state().user_count()).await.unwrap(), 2);
}

#[tokio::test]
async fn a_database_from_a_newer_desk_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = {
        let d = common::desk(dir.path()).await;
        d.db_path().to_owned()
    };
    let newer = desk::store::SCHEMA_VERSION + 1;
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", newer).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = match Desk::open(fresh_config(dir.path())).await {
        Ok(_) => panic!("a newer database was opened"),
        Err(e) => e,
    };
    assert!(
        matches!(err, desk::Error::NewerDatabase { found, .. } if found == newer),
        "{err:?}"
    );
    let said = err.operator_message();
    assert!(
        said.contains("newer Partner Desk") && said.contains("Nothing was changed"),
        "{said}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is as it was"
    );
    assert!(
        !path.with_extension("sqlite3-wal").exists(),
        "not even a WAL was started"
    );
}
