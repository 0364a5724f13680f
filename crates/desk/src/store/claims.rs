//! Webhook claims in SQLite: `webhookClaim` events, found by their path and confirmation.

use super::events::read_event;
use super::{SqliteTx, word};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::ledger::claims::{ClaimsTx, Confirmation, EarlierClaim};
use crate::timeline::Event;
use rusqlite::params;

/// The timeline event kind of a claim.
const CLAIM: &str = "webhookClaim";

impl ClaimsTx for SqliteTx<'_> {
    fn claims_on_path(
        &self,
        env: EnvironmentKind,
        ext: &str,
        path: &str,
    ) -> Result<Vec<EarlierClaim>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, detail_json,
                    id > (SELECT coalesce(max(id), 0) FROM events
                          WHERE environment = ?1 AND external_user_id = ?2 AND kind != ?3)
             FROM events
             WHERE environment = ?1 AND external_user_id = ?2 AND kind = ?3
               AND json_extract(detail_json, '$.path') = ?4
             ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![env.as_str(), ext, CLAIM, path], |r| {
                Ok((read_event(r, 0, 1)?, r.get::<_, bool>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(event, since_last_change)| match event {
                Event::WebhookClaim {
                    claim,
                    confirmation,
                    ..
                } => Some(EarlierClaim {
                    claim,
                    confirmation,
                    since_last_change,
                }),
                _ => None,
            })
            .collect())
    }

    fn settle_claim(&self, claim_id: i64, outcome: Confirmation, note: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE events SET detail_json = json_set(detail_json, '$.confirmation', ?2, '$.note', ?3)
             WHERE id = ?1 AND kind = ?4",
            params![claim_id, outcome.as_str(), note, CLAIM],
        )?;
        Ok(())
    }

    fn pending_claim_events(&self) -> Result<Vec<(i64, EnvironmentKind, Event)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, environment, kind, detail_json FROM events
             WHERE kind = ?1 AND json_extract(detail_json, '$.confirmation') = 'pending'
             ORDER BY id",
        )?;
        let rows = stmt
            .query_map([CLAIM], |r| {
                Ok((r.get(0)?, word(r, 1, "environment")?, read_event(r, 2, 3)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
