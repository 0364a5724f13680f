//! The timeline in SQLite.

use super::{SqliteTx, unreadable, word};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::ledger::events::{EventsTx, TimelineEvent};
use crate::timeline::{Event, EventSource};
use rusqlite::params;

impl EventsTx for SqliteTx<'_> {
    fn insert_event(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        at: &str,
        source: EventSource,
        actor: Option<&str>,
        event: &Event,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO events (environment, external_user_id, at, kind, source, detail_json, actor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                env.as_str(),
                external_user_id,
                at,
                event.kind(),
                source.as_str(),
                event.detail_json(),
                actor,
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn events(&self, env: EnvironmentKind, external_user_id: &str) -> Result<Vec<TimelineEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, kind, source, actor, detail_json FROM events
             WHERE environment = ?1 AND external_user_id = ?2 ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![env.as_str(), external_user_id], |r| {
                Ok(TimelineEvent {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    source: word(r, 3, "event source")?,
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
