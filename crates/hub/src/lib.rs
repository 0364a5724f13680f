//! Partner Desk hub: the team service. Many operators' desktops share one roster, timeline,
//! journal and set of P100 keys through it; it keeps them in PostgreSQL with the desk core's
//! ledger traits (`ledger`), so the operation runner, stages, journal and sync are the desk's own,
//! not a copy. The journal is hash-chained (`chain`) so that an altered row is found.

pub mod chain;
pub mod cli;
pub mod db;
pub mod error;
pub mod import;
pub mod ledger;
pub mod operators;
pub mod serve;

pub use db::Db;
pub use error::{Error, Result};
pub use ledger::PgLedger;
