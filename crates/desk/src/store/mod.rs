//! The SQLite ledger of solo mode: the desk's file with roster, timeline events, claims, audit
//! journal, outbox and settings. It implements [`Ledger`] (transactions) and [`Tx`] (the
//! primitives, one file per concern); what is built on them lives in `ledger`. Blocking; the
//! desk calls it from `spawn_blocking`.

mod claims;
mod events;
mod imports;
mod journal;
mod migrations;
mod notes;
mod outbox;
mod roster;
mod settings;

pub use migrations::LATEST as SCHEMA_VERSION;

use crate::error::{Error, Result};
use crate::ledger::{Ledger, Tx, in_tx};
use parking_lot::ReentrantMutex;
use rusqlite::Connection;
use std::path::Path;

pub struct Store {
    /// Re-entrant so that a unit of work started inside another (by mistake) nests as a
    /// savepoint instead of deadlocking; other threads wait for the connection.
    conn: ReentrantMutex<Connection>,
    /// The OS user at the desk, recorded with the events this desk causes.
    operator: String,
}

/// An open transaction on the desk's file.
pub(crate) struct SqliteTx<'a> {
    conn: &'a Connection,
    actor: &'a str,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        // A database written by a newer desk may mean things this one would misread or undo:
        // refuse it before touching anything (a migration, a pragma that writes).
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(Error::NewerDatabase {
                found,
                known: SCHEMA_VERSION,
            });
        }
        // WAL: readers never wait for the writer. FULL: every commit is on disk (the WAL is
        // fsynced) before it returns, so an outbox entry written before a request leaves
        // survives a power cut, not only a crash of the app. The desk commits a few times per
        // operator action, so the fsyncs cost nothing anyone would notice.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::run(&mut conn)?;
        let store = Self {
            conn: ReentrantMutex::new(conn),
            operator: crate::operator::os_user(),
        };
        store.with_tx(|tx| tx.backfill_stages())?;
        Ok(store)
    }

    /// Runs `f` as one transaction ([`Ledger::with_tx`] for a closure that returns a value).
    pub fn with_tx<T>(&self, f: impl FnOnce(&dyn Tx) -> Result<T>) -> Result<T> {
        in_tx(self, f)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

impl Ledger for Store {
    fn with_tx(&self, f: &mut dyn FnMut(&dyn Tx) -> Result<()>) -> Result<()> {
        let conn = self.conn.lock();
        let tx = SqliteTx {
            conn: &conn,
            actor: &self.operator,
        };
        atomic(&conn, || f(&tx))
    }
}

impl Tx for SqliteTx<'_> {
    fn actor(&self) -> &str {
        self.actor
    }
}

/// Runs `f` inside a savepoint of `conn`: released when `f` succeeds, rolled back when it fails.
/// A savepoint outside a transaction starts one, so this is also a plain transaction.
fn atomic<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute_batch("SAVEPOINT atomic")?;
    match f() {
        Ok(v) => {
            conn.execute_batch("RELEASE atomic")?;
            Ok(v)
        }
        Err(e) => {
            // ROLLBACK TO keeps the savepoint open; RELEASE then ends it (and the transaction,
            // when it was the outermost).
            if let Err(undo) = conn.execute_batch("ROLLBACK TO atomic; RELEASE atomic") {
                tracing::error!(error = %undo, "a failed unit of work could not be rolled back");
            }
            Err(e)
        }
    }
}

/// A stored value this desk does not know, as the error of the row it was read from: reading
/// fails rather than guessing (a newer desk wrote it, or the file is damaged).
fn unreadable(col: usize, what: String) -> rusqlite::Error {
    #[derive(Debug)]
    struct Unknown(String);
    impl std::fmt::Display for Unknown {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{} is not a value this desk knows", self.0)
        }
    }
    impl std::error::Error for Unknown {}
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        Box::new(Unknown(what)),
    )
}

/// A column holding one of the desk's words (an enum stored as its wire name), read strictly.
fn word<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row<'_>,
    col: usize,
    what: &str,
) -> rusqlite::Result<T> {
    let raw: String = r.get(col)?;
    serde_json::from_value(serde_json::Value::String(raw.clone()))
        .map_err(|_| unreadable(col, format!("{what} {raw:?}")))
}

/// A word as it is stored: its wire name.
fn stored<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::Store;
    use crate::ledger::Ledger;
    use std::sync::Arc;

    #[test]
    fn the_sqlite_ledger_passes_the_conformance_suite() {
        let dirs = std::sync::Mutex::new(Vec::new());
        crate::ledger::conformance::run(&|| {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("ledger.sqlite3")).unwrap();
            dirs.lock().unwrap().push(dir);
            Arc::new(store) as Arc<dyn Ledger>
        });
    }
}
