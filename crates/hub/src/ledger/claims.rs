//! Webhook claims in PostgreSQL: `webhookClaim` events, found by their path and confirmation.

use super::events::read_event;
use super::{PgTx, db, word};
use desk::EnvironmentKind;
use desk::Result;
use desk::ledger::claims::{ClaimsTx, Confirmation, EarlierClaim};
use desk::timeline::Event;

/// The timeline event kind of a claim.
const CLAIM: &str = "webhookClaim";

impl ClaimsTx for PgTx<'_> {
    fn claims_on_path(
        &self,
        env: EnvironmentKind,
        ext: &str,
        path: &str,
    ) -> Result<Vec<EarlierClaim>> {
        let rows = self
            .pg()
            .query(
                "SELECT kind, detail::text,
                        id > (SELECT coalesce(max(id), 0) FROM events
                              WHERE environment = $1 AND external_user_id = $2 AND kind != $3)
                 FROM events
                 WHERE environment = $1 AND external_user_id = $2 AND kind = $3
                   AND detail->>'path' = $4
                 ORDER BY id",
                &[&env.as_str(), &ext, &CLAIM, &path],
            )
            .map_err(db)?;
        let mut out = Vec::new();
        for r in rows {
            if let Event::WebhookClaim {
                claim,
                confirmation,
                ..
            } = read_event(r.get(0), r.get(1))?
            {
                out.push(EarlierClaim {
                    claim,
                    confirmation,
                    since_last_change: r.get(2),
                });
            }
        }
        Ok(out)
    }

    fn settle_claim(&self, claim_id: i64, outcome: Confirmation, note: &str) -> Result<()> {
        self.pg()
            .execute(
                "UPDATE events
                 SET detail = detail || jsonb_build_object('confirmation', $2::text, 'note', $3::text)
                 WHERE id = $1 AND kind = $4",
                &[&claim_id, &outcome.as_str(), &note, &CLAIM],
            )
            .map_err(db)?;
        Ok(())
    }

    fn pending_claim_events(&self) -> Result<Vec<(i64, EnvironmentKind, Event)>> {
        let rows = self
            .pg()
            .query(
                "SELECT id, environment, kind, detail::text FROM events
                 WHERE kind = $1 AND detail->>'confirmation' = 'pending'
                 ORDER BY id",
                &[&CLAIM],
            )
            .map_err(db)?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.get(0),
                    word(r.get(1), "environment")?,
                    read_event(r.get(2), r.get(3))?,
                ))
            })
            .collect()
    }
}
