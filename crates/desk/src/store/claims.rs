//! Webhooks as claims: what P100 (or whoever holds the token) said, kept on the user's timeline
//! as `webhookClaim` events that move no stage, until the desk has asked P100 itself. The
//! confirmation's outcome is written onto the claim; what P100 answered is recorded as events
//! of its own.

use super::Store;
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::store::roster::UserRecord;
use crate::timeline::{Event, EventSource};
use p100::webhooks::WebhookEvent;
use rusqlite::params;
use serde_json::Value;

/// The timeline event kind of a claim.
pub const CLAIM: &str = "webhookClaim";

pub use crate::timeline::Confirmation;

/// What recording a webhook did.
#[derive(Debug)]
pub enum Recorded {
    /// The user is not in this desk's roster: nothing kept.
    UnknownUser,
    /// The same event is pending or was confirmed already: a delivery repeated.
    Repeated,
    /// A new claim, to be confirmed.
    New {
        claim_id: i64,
        user: Box<UserRecord>,
    },
}

/// A claim still to confirm.
#[derive(Debug, Clone)]
pub struct PendingClaim {
    pub claim_id: i64,
    pub environment: EnvironmentKind,
    pub event: WebhookEvent,
}

impl Store {
    /// Keeps a webhook as a claim on its user's timeline.
    pub fn record_claim(&self, env: EnvironmentKind, event: &WebhookEvent) -> Result<Recorded> {
        let ext = event.external_user_id();
        let Some(user) = self.user(env, ext)? else {
            return Ok(Recorded::UnknownUser);
        };
        let payload = event.payload();
        if self.is_repeat(env, &user, event, &payload)? {
            return Ok(Recorded::Repeated);
        }
        let claim = Event::WebhookClaim {
            event: event.name().to_owned(),
            path: event.path().to_owned(),
            claim: payload,
            confirmation: Confirmation::Pending,
            note: None,
        };
        let claim_id = self.add_event(env, ext, EventSource::Webhook, &claim)?;
        let user = self.apply_to_user(env, ext, &crate::store::roster::RosterChange::Touch)?;
        Ok(Recorded::New {
            claim_id,
            user: Box::new(user),
        })
    }

    /// Whether `event` repeats a delivery: the same claim was made before, was not refuted, and
    /// the roster already says what it says — or, for a KYC file (no roster fact to compare),
    /// the same claim was made since anything else happened to the user. A repeat changes
    /// nothing and adds no line; the same words after a real change (new documents after a
    /// rejection) are news again.
    fn is_repeat(
        &self,
        env: EnvironmentKind,
        user: &UserRecord,
        event: &WebhookEvent,
        payload: &Value,
    ) -> Result<bool> {
        let ext = event.external_user_id();
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT detail_json,
                    id > (SELECT coalesce(max(id), 0) FROM events
                          WHERE environment = ?1 AND external_user_id = ?2 AND kind != ?3)
             FROM events
             WHERE environment = ?1 AND external_user_id = ?2 AND kind = ?3
               AND json_extract(detail_json, '$.path') = ?4",
        )?;
        let earlier = stmt
            .query_map(params![env.as_str(), ext, CLAIM, event.path()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let same: Vec<(Value, bool)> = earlier
            .into_iter()
            .filter_map(|(d, latest)| {
                let d: Value = serde_json::from_str(&d).ok()?;
                (d.get("claim") == Some(payload)).then_some((d, latest))
            })
            .collect();
        Ok(match roster_says(user, event) {
            Some(true) => same.iter().any(|(d, _)| {
                d.get("confirmation").and_then(Value::as_str)
                    != Some(Confirmation::Unconfirmed.as_str())
            }),
            Some(false) => false,
            None => same.iter().any(|(_, since_last_change)| *since_last_change),
        })
    }

    /// Writes a claim's confirmation, with why in words.
    pub fn settle_claim(&self, claim_id: i64, outcome: Confirmation, note: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE events SET detail_json = json_set(detail_json, '$.confirmation', ?2, '$.note', ?3)
             WHERE id = ?1 AND kind = ?4",
            params![claim_id, outcome.as_str(), note, CLAIM],
        )?;
        Ok(())
    }

    /// Claims not yet confirmed, oldest first (to resume after a restart).
    pub fn pending_claims(&self) -> Result<Vec<PendingClaim>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, environment, detail_json FROM events
             WHERE kind = ?1 AND json_extract(detail_json, '$.confirmation') = 'pending'
             ORDER BY id",
        )?;
        let rows = stmt
            .query_map([CLAIM], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (claim_id, env, detail) in rows {
            let detail: Value = serde_json::from_str(&detail).unwrap_or_default();
            let (Some(env), Some(path), Some(claim)) = (
                EnvironmentKind::parse(&env),
                detail.get("path").and_then(Value::as_str),
                detail.get("claim"),
            ) else {
                continue;
            };
            // Stored by this desk after the same parse: it reads back, or it is left alone.
            if let Ok(event) = WebhookEvent::parse(path, claim.to_string().as_bytes()) {
                out.push(PendingClaim {
                    claim_id,
                    environment: env,
                    event,
                });
            }
        }
        Ok(out)
    }
}

/// Whether the roster already holds what `event` claims; `None` for claims the roster keeps no
/// fact of (a KYC file's fate).
fn roster_says(user: &UserRecord, event: &WebhookEvent) -> Option<bool> {
    Some(match event {
        WebhookEvent::UserStatus { status, .. } => match status {
            p100::models::UserStatus::Deleted => user.deleted_at.is_some(),
            s => user.status == *s,
        },
        WebhookEvent::PoaStatus { status, .. } => user.poa_status == Some(*status),
        WebhookEvent::KycVerification {
            verification_status,
            attempt_status,
            rejection_reason,
            ..
        } => {
            user.verification_status == Some(*verification_status)
                && user.attempt_status == *attempt_status
                && user.rejection_reason == *rejection_reason
        }
        WebhookEvent::KycFile { .. } => return None,
    })
}
