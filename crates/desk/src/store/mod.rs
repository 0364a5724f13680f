//! The desk's SQLite file: roster, timeline events, audit journal, outbox and settings.
//! Blocking; the desk calls it from `spawn_blocking`.

mod migrations;
pub use migrations::LATEST as SCHEMA_VERSION;
pub mod events;
pub mod funnel;
pub mod journal;
pub mod outbox;
pub mod roster;
pub mod settings;

use crate::error::Result;
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

pub struct Store {
    conn: Mutex<Connection>,
    /// The OS user at the desk, recorded with the events this desk causes.
    operator: String,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        // WAL: readers never wait for the writer; NORMAL sync is durable at each checkpoint and
        // loses nothing on an application crash, only possibly the last commits on power loss.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::run(&mut conn)?;
        events::backfill(&conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            operator: crate::operator::os_user(),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
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

/// UTC now as RFC 3339 with milliseconds: sortable as text.
pub fn now() -> String {
    p100::timestamp::now()
}
