//! `--state FILE`: every user as one JSON row in SQLite, written on each change, read at start.

use crate::model::{Partner, User};
use rusqlite::{Connection, params};
use std::path::Path;

pub struct Persist {
    conn: Connection,
}

impl Persist {
    pub fn open(path: &Path) -> rusqlite::Result<Self> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS users (
                 external_user_id TEXT PRIMARY KEY,
                 json             TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS partner (
                 id   INTEGER PRIMARY KEY CHECK (id = 1),
                 json TEXT NOT NULL
             )",
        )?;
        Ok(Self { conn })
    }

    /// Every stored user; a row that no longer parses (an older sandbox's format) is skipped
    /// with a warning rather than failing the start.
    pub fn load(&self) -> rusqlite::Result<Vec<User>> {
        let mut stmt = self
            .conn
            .prepare("SELECT external_user_id, json FROM users")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut users = Vec::new();
        for row in rows {
            let (id, json) = row?;
            match serde_json::from_str(&json) {
                Ok(u) => users.push(u),
                Err(e) => tracing::warn!(%id, error = %e, "skipping unreadable stored user"),
            }
        }
        Ok(users)
    }

    pub fn save(&self, user: &User) -> rusqlite::Result<()> {
        let json = serde_json::to_string(user).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO users (external_user_id, json) VALUES (?1, ?2)
             ON CONFLICT (external_user_id) DO UPDATE SET json = excluded.json",
            params![user.external_user_id, json],
        )?;
        Ok(())
    }

    pub fn clear(&self) -> rusqlite::Result<()> {
        self.conn
            .execute_batch("DELETE FROM users; DELETE FROM partner;")?;
        Ok(())
    }

    /// The partner's balances as last saved; `None` for a new file (or an unreadable row, with
    /// a warning: the partner starts again from the opening balances).
    pub fn load_partner(&self) -> rusqlite::Result<Option<Partner>> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM partner WHERE id = 1", [], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        Ok(json.and_then(|j| match serde_json::from_str(&j) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(error = %e, "unreadable stored partner; starting from the opening balances");
                None
            }
        }))
    }

    pub fn save_partner(&self, partner: &Partner) -> rusqlite::Result<()> {
        let json = serde_json::to_string(partner).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO partner (id, json) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET json = excluded.json",
            params![json],
        )?;
        Ok(())
    }
}
