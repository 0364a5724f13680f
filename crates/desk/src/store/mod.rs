//! The desk's SQLite file: roster, timeline events, audit journal, outbox and settings.
//! Blocking; the desk calls it from `spawn_blocking`.

mod migrations;
pub use migrations::LATEST as SCHEMA_VERSION;
pub mod claims;
pub mod events;
pub mod funnel;
pub mod journal;
pub mod outbox;
pub mod roster;
pub mod settings;

use crate::error::{Error, Result};
use parking_lot::{ReentrantMutex, ReentrantMutexGuard};
use rusqlite::Connection;
use std::path::Path;

pub struct Store {
    /// Re-entrant so that [`Store::with_tx`] can hold the connection for a whole unit of work
    /// while the methods it calls take it again on the same thread; other threads wait.
    conn: ReentrantMutex<Connection>,
    /// The OS user at the desk, recorded with the events this desk causes.
    operator: String,
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
        events::backfill(&conn)?;
        Ok(Self {
            conn: ReentrantMutex::new(conn),
            operator: crate::operator::os_user(),
        })
    }

    pub(crate) fn conn(&self) -> ReentrantMutexGuard<'_, Connection> {
        self.conn.lock()
    }

    /// Runs `f` as one transaction: everything it writes through this store commits together,
    /// or nothing does (an error rolls it back). Nests: inside another `with_tx`, it is a
    /// savepoint of the outer one. Holds the connection, so no other thread's writes interleave.
    pub fn with_tx<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let conn = self.conn();
        atomic(&conn, || f(self))
    }

    pub(crate) fn actor(&self) -> &str {
        &self.operator
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// Runs `f` inside a savepoint of `conn`: released when `f` succeeds, rolled back when it fails.
/// A savepoint outside a transaction starts one, so this is also a plain transaction.
pub(crate) fn atomic<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
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
pub(crate) fn unreadable(col: usize, what: String) -> rusqlite::Error {
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

/// UTC now as RFC 3339 with milliseconds: sortable as text.
pub fn now() -> String {
    p100::timestamp::now()
}
