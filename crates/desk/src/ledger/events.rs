//! The timeline: every event of every user. Each new event re-derives its user's stage in the
//! same transaction (`onboarding::derive`, pure), so the roster's stage is never behind its
//! events — the same derivation whichever ledger keeps them.

use super::Tx;
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::onboarding::{self, Fact};
use crate::timeline::{Event, EventSource};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One line of a user's timeline: when, who caused it, and what happened (the event's `kind`
/// and `detail`, a discriminated union in TypeScript).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
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

/// The timeline's primitives.
pub trait EventsTx {
    /// Appends an event; its id.
    fn insert_event(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        at: &str,
        source: EventSource,
        actor: Option<&str>,
        event: &Event,
    ) -> Result<i64>;
    /// A user's events, oldest first. One the ledger cannot read back is an error.
    fn events(&self, env: EnvironmentKind, external_user_id: &str) -> Result<Vec<TimelineEvent>>;
}

impl dyn Tx + '_ {
    /// Appends a timeline event for one user (the actor named for the operator's own) and
    /// re-derives the user's stage.
    pub fn add_event(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        source: EventSource,
        event: &Event,
    ) -> Result<i64> {
        let actor = (source == EventSource::Operator).then(|| self.actor().to_owned());
        let id = self.insert_event(
            env,
            external_user_id,
            &super::now(),
            source,
            actor.as_deref(),
            event,
        )?;
        self.derive_stage(env, external_user_id)?;
        Ok(id)
    }

    /// Re-derives one user's stage from its events.
    pub fn derive_stage(&self, env: EnvironmentKind, external_user_id: &str) -> Result<()> {
        let events = self.events(env, external_user_id)?;
        let o = onboarding::derive(events.iter().map(|e| Fact {
            event: &e.event,
            at: &e.at,
        }));
        self.set_stage(env, external_user_id, &o)
    }

    /// Derives the stage of every user that has none yet (rows from before stages existed).
    pub fn backfill_stages(&self) -> Result<()> {
        for (env, ext) in self.users_without_stage()? {
            self.derive_stage(env, &ext)?;
        }
        Ok(())
    }
}
