//! The Ledger: everything the desk records — roster, timeline events, webhook claims, journal,
//! outbox, settings, and operators' notes and tags — behind one trait, so that the same core runs on SQLite (solo, the
//! `store` module) and on PostgreSQL (the hub). An implementation gives transactions ([`Ledger`])
//! and, inside one, the primitive reads and writes ([`Tx`]); what the desk builds from them —
//! deriving stages as events arrive, recording claims and activations, the funnel — is written
//! once, here, on `dyn Tx`, and is the same for every implementation. One conformance suite
//! ([`conformance`]) holds every implementation to the same behaviour.

pub mod claims;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
pub mod events;
pub mod funnel;
pub mod imports;
pub mod journal;
pub mod notes;
pub mod outbox;
pub mod roster;
pub mod roster_query;
pub mod settings;

use crate::error::{Error, Result};

/// A store of the desk's records that runs units of work as transactions.
pub trait Ledger: Send + Sync {
    /// Runs `f` as one transaction: everything it writes commits together, or — when it
    /// returns an error — nothing does. A commit is durable when this returns.
    fn with_tx(&self, f: &mut dyn FnMut(&dyn Tx) -> Result<()>) -> Result<()>;
}

/// The primitive reads and writes of an open transaction.
pub trait Tx:
    settings::SettingsTx
    + roster::RosterTx
    + events::EventsTx
    + claims::ClaimsTx
    + journal::JournalTx
    + outbox::OutboxTx
    + imports::ImportsTx
    + notes::NotesTx
{
    /// Who is at the desk: named on the events an operator causes.
    fn actor(&self) -> &str;
}

/// [`Ledger::with_tx`] for a closure that returns a value.
pub fn in_tx<T>(ledger: &dyn Ledger, f: impl FnOnce(&dyn Tx) -> Result<T>) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    ledger.with_tx(&mut |tx| {
        if let Some(f) = f.take() {
            out = Some(f(tx)?);
        }
        Ok(())
    })?;
    out.ok_or_else(|| Error::Internal("a unit of work did not run".into()))
}

/// [`in_tx`] off the async threads: a unit of work blocks on the database, so the components
/// run it where blocking is allowed.
pub async fn in_tx_blocking<T: Send + 'static>(
    ledger: std::sync::Arc<dyn Ledger>,
    f: impl FnOnce(&dyn Tx) -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || in_tx(&*ledger, f)).await?
}

/// UTC now as RFC 3339 with milliseconds: sortable as text.
pub fn now() -> String {
    p100::timestamp::now()
}
