//! The desk core's ledger on PostgreSQL: the team's roster, timeline, claims, journal, outbox and
//! settings. [`PgLedger`] gives transactions, [`PgTx`] the primitives (one file per concern, as in
//! the desk's SQLite `store`); everything built on them — stage derivation, claims, activations,
//! the funnel — is the desk core's own code on `dyn Tx`. The desk's conformance suite holds this
//! implementation to the same behaviour as SQLite.

mod claims;
mod events;
mod imports;
mod journal;
mod notes;
mod outbox;
mod roster;
mod settings;

pub use journal::{export_journal, verify_journal};

use crate::db::Db;
use desk::ledger::{Ledger, Tx};
use std::cell::{RefCell, RefMut};

/// The team's ledger in PostgreSQL.
pub struct PgLedger {
    db: Db,
    /// Who the events of this ledger's units of work name: the authenticated operator of a
    /// request, or the hub itself for the work it does on its own (webhooks, polling).
    actor: String,
}

impl PgLedger {
    pub fn new(db: Db, actor: impl Into<String>) -> Self {
        Self {
            db,
            actor: actor.into(),
        }
    }

    /// The same database, acting for someone else (one per authenticated request).
    pub fn acting_for(&self, actor: impl Into<String>) -> Self {
        Self::new(self.db.clone(), actor)
    }
}

/// An open transaction. The desk's primitives take `&self`; PostgreSQL's client takes `&mut`:
/// the transaction sits in a `RefCell`, borrowed for one statement at a time.
pub struct PgTx<'a> {
    tx: RefCell<postgres::Transaction<'a>>,
    actor: &'a str,
}

impl<'a> PgTx<'a> {
    /// The transaction, for one statement.
    fn pg(&self) -> RefMut<'_, postgres::Transaction<'a>> {
        self.tx.borrow_mut()
    }
}

impl Ledger for PgLedger {
    fn with_tx(&self, f: &mut dyn FnMut(&dyn Tx) -> desk::Result<()>) -> desk::Result<()> {
        let mut conn = self.db.get()?;
        let tx = conn.transaction().map_err(db)?;
        let open = PgTx {
            tx: RefCell::new(tx),
            actor: &self.actor,
        };
        // An error drops the transaction, which rolls it back.
        f(&open)?;
        // synchronous_commit is on (PostgreSQL's default): once this returns, the commit is on
        // disk, so an outbox entry is durable before its request leaves.
        open.tx.into_inner().commit().map_err(db)
    }
}

impl Tx for PgTx<'_> {
    fn actor(&self) -> &str {
        self.actor
    }
}

/// A PostgreSQL error as the desk core's error.
fn db(e: postgres::Error) -> desk::Error {
    desk::Error::Ledger(crate::error::describe(&e))
}

/// A column holding one of the desk's words (an enum stored as its wire name), read strictly: a
/// value this hub does not know is an error, never a default.
fn word<T: serde::de::DeserializeOwned>(raw: String, what: &'static str) -> desk::Result<T> {
    serde_json::from_value(serde_json::Value::String(raw.clone()))
        .map_err(|_| desk::Error::Unreadable { what, value: raw })
}

/// [`word`] for a column that may be empty.
fn optional_word<T: serde::de::DeserializeOwned>(
    raw: Option<String>,
    what: &'static str,
) -> desk::Result<Option<T>> {
    raw.map(|r| word(r, what)).transpose()
}

/// A word as it is stored: its wire name.
fn stored<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
