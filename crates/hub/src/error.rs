//! The hub's one error type.

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// PostgreSQL refused or failed a statement (its own message and SQLSTATE).
    #[error("database: {}", describe(.0))]
    Database(#[from] postgres::Error),
    /// No connection could be had from the pool in time (the database is down or saturated).
    #[error("database unreachable: {0}")]
    Unreachable(#[from] r2d2::Error),
    /// The database URL cannot be used.
    #[error("database URL: {0}")]
    DatabaseUrl(String),
    /// The database was migrated by a newer hub: this one refuses to run on it.
    #[error("the database has schema version {found}; this hub knows up to {known}")]
    NewerDatabase { found: i64, known: i64 },
    /// The database has not been migrated (run `partner-desk-hub migrate`).
    #[error(
        "the database has schema version {found}, this hub needs {needed}: run `partner-desk-hub migrate`"
    )]
    NotMigrated { found: i64, needed: i64 },
    #[error(transparent)]
    Desk(#[from] desk::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A secret file cannot be used (missing, readable by anyone, not a key).
    #[error("{0}")]
    Secret(String),
}

/// PostgreSQL's own words for an error: the server's message and SQLSTATE when it answered,
/// the client's otherwise.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl From<Error> for desk::Error {
    /// The desk core's traits speak `desk::Error`; the hub's database errors travel in it as
    /// text (the core does not depend on PostgreSQL's driver).
    fn from(e: Error) -> Self {
        match e {
            Error::Desk(e) => e,
            other => desk::Error::Ledger(other.to_string()),
        }
    }
}
