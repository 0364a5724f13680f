//! The timeline in PostgreSQL. An event's details are JSONB, so that claims can be found by their
//! path and confirmation without reading every event.

use super::{PgTx, db, word};
use desk::EnvironmentKind;
use desk::Result;
use desk::ledger::events::{EventsTx, TimelineEvent};
use desk::timeline::{Event, EventSource};

impl EventsTx for PgTx<'_> {
    fn insert_event(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        at: &str,
        source: EventSource,
        actor: Option<&str>,
        event: &Event,
    ) -> Result<i64> {
        let row = self
            .pg()
            .query_one(
                "INSERT INTO events (environment, external_user_id, at, kind, source, detail, actor)
                 VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7) RETURNING id",
                &[
                    &env.as_str(),
                    &external_user_id,
                    &at,
                    &event.kind(),
                    &source.as_str(),
                    &event.detail_json(),
                    &actor,
                ],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn events(&self, env: EnvironmentKind, external_user_id: &str) -> Result<Vec<TimelineEvent>> {
        let rows = self
            .pg()
            .query(
                "SELECT id, at, kind, source, actor, detail::text FROM events
                 WHERE environment = $1 AND external_user_id = $2 ORDER BY id",
                &[&env.as_str(), &external_user_id],
            )
            .map_err(db)?;
        rows.into_iter()
            .map(|r| {
                Ok(TimelineEvent {
                    id: r.get(0),
                    at: r.get(1),
                    source: word(r.get(3), "event source")?,
                    actor: r.get(4),
                    event: read_event(r.get(2), r.get(5))?,
                })
            })
            .collect()
    }
}

/// An event from its stored kind and details, read strictly.
pub(super) fn read_event(kind: String, detail: String) -> Result<Event> {
    Event::from_stored(&kind, &detail).map_err(|why| desk::Error::Unreadable {
        what: "a timeline event",
        value: why,
    })
}
