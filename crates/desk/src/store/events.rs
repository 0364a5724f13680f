//! The timeline: every event of every user, and the onboarding stage derived from them. Each
//! new event re-derives its user's stage in the same transaction, so the roster's `stage` column
//! is never behind its events.

use super::{Store, now};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::onboarding::{self, Fact, Stage};
use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

/// One line of a user's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEvent {
    pub id: i64,
    pub at: String,
    /// e.g. `created`, `kycFilesUploaded`, `kycStatus`, `userStatus`, `operationFailed`.
    pub kind: String,
    /// Who caused it: `operator` (this desk), `webhook` (P100 called us), `poll` (we asked P100).
    pub source: String,
    /// The operator's OS user for `operator` events.
    pub actor: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub detail: Value,
}

impl Store {
    /// Appends a timeline event for one user and re-derives the user's stage.
    pub fn add_event(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        kind: &str,
        source: &str,
        detail: &Value,
    ) -> Result<i64> {
        let conn = self.conn();
        super::atomic(&conn, || {
            conn.execute(
                "INSERT INTO events (environment, external_user_id, at, kind, source, detail_json, actor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    env.as_str(),
                    external_user_id,
                    now(),
                    kind,
                    source,
                    detail.to_string(),
                    (source == "operator").then_some(self.actor()),
                ],
            )?;
            let id = conn.last_insert_rowid();
            derive_stage(&conn, env.as_str(), external_user_id)?;
            Ok(id)
        })
    }

    /// A user's timeline, oldest first.
    pub fn events(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
    ) -> Result<Vec<TimelineEvent>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, at, kind, source, actor, detail_json FROM events
             WHERE environment = ?1 AND external_user_id = ?2 ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![env.as_str(), external_user_id], |r| {
                Ok(TimelineEvent {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    kind: r.get(2)?,
                    source: r.get(3)?,
                    actor: r.get(4)?,
                    detail: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// Re-derives one user's stage from its events into `users` and `stage_reached`.
fn derive_stage(conn: &Connection, env: &str, ext: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, at, detail_json FROM events WHERE environment = ?1 AND external_user_id = ?2 ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![env, ext], |r| {
            let detail: String = r.get(2)?;
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                serde_json::from_str::<Value>(&detail).unwrap_or_default(),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let o = onboarding::derive(
        rows.iter()
            .map(|(kind, at, detail)| Fact { kind, at, detail }),
    );
    conn.execute(
        "UPDATE users SET stage = ?3, stage_since = ?4, next_action = ?5
         WHERE environment = ?1 AND external_user_id = ?2",
        params![env, ext, o.stage.as_str(), o.since, o.next_action],
    )?;
    let mut reach = conn.prepare_cached(
        "INSERT OR IGNORE INTO stage_reached (environment, external_user_id, stage, at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (stage, at) in &o.reached {
        reach.execute(params![env, ext, stage.as_str(), at])?;
    }
    Ok(())
}

/// Derives the stage of every user that has none yet (rows from before stages existed).
pub(super) fn backfill(conn: &Connection) -> rusqlite::Result<()> {
    let pending: Vec<(String, String)> = conn
        .prepare("SELECT environment, external_user_id FROM users WHERE stage_since IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (env, ext) in pending {
        derive_stage(conn, &env, &ext)?;
    }
    Ok(())
}

/// The stage a roster row shows; an unreadable one (a newer desk wrote it) shows as Created.
pub(super) fn parse_stage(s: &str) -> Stage {
    Stage::parse(s).unwrap_or(Stage::Created)
}
