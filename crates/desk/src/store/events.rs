//! The timeline: every event of every user, and the onboarding stage derived from them. Each
//! new event re-derives its user's stage in the same transaction, so the roster's `stage` column
//! is never behind its events.

use super::{Store, now, unreadable};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::onboarding::{self, Fact, Stage};
use crate::timeline::{Event, EventSource};
use rusqlite::{Connection, params};
use serde::Serialize;
use ts_rs::TS;

/// One line of a user's timeline: when, who caused it, and what happened (the event's `kind`
/// and `detail`, a discriminated union in TypeScript).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEvent {
    pub id: i64,
    pub at: String,
    pub source: EventSource,
    /// The operator's OS user for `operator` events.
    pub actor: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub event: Event,
}

impl TimelineEvent {
    /// The event's kind as stored (`created`, `kycStatus`, …).
    pub fn kind(&self) -> &'static str {
        self.event.kind()
    }

    /// The event's details as JSON, as stored.
    pub fn detail(&self) -> serde_json::Value {
        serde_json::from_str(&self.event.detail_json()).unwrap_or_default()
    }
}

impl Store {
    /// Appends a timeline event for one user and re-derives the user's stage.
    pub fn add_event(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        source: EventSource,
        event: &Event,
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
                    event.kind(),
                    source.as_str(),
                    event.detail_json(),
                    (source == EventSource::Operator).then_some(self.actor()),
                ],
            )?;
            let id = conn.last_insert_rowid();
            derive_stage(&conn, env.as_str(), external_user_id)?;
            Ok(id)
        })
    }

    /// A user's timeline, oldest first. An event this desk cannot read is an error.
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
                let source: String = r.get(3)?;
                Ok(TimelineEvent {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    source: EventSource::parse(&source)
                        .ok_or_else(|| unreadable(3, format!("event source {source:?}")))?,
                    actor: r.get(4)?,
                    event: read_event(r, 2, 5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// The event in columns `kind` and `detail` of a row, read strictly.
pub(super) fn read_event(
    r: &rusqlite::Row<'_>,
    kind: usize,
    detail: usize,
) -> rusqlite::Result<Event> {
    let k: String = r.get(kind)?;
    let d: String = r.get(detail)?;
    Event::from_stored(&k, &d).map_err(|why| unreadable(detail, why))
}

/// Re-derives one user's stage from its events into `users` and `stage_reached`.
fn derive_stage(conn: &Connection, env: &str, ext: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, at, detail_json FROM events WHERE environment = ?1 AND external_user_id = ?2 ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![env, ext], |r| {
            Ok((read_event(r, 0, 2)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let o = onboarding::derive(rows.iter().map(|(event, at)| Fact { event, at }));
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

/// The stage a roster row shows; one this desk does not know is an error.
pub(super) fn parse_stage(s: &str, col: usize) -> rusqlite::Result<Stage> {
    Stage::parse(s).ok_or_else(|| unreadable(col, format!("stage {s:?}")))
}
