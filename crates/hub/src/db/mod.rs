//! The connection pool and the schema. Blocking: the desk core runs a unit of ledger work off
//! the async threads, and so does the hub.

mod migrations;

pub use migrations::{LATEST as SCHEMA_VERSION, check, migrate, schema_version};

use crate::error::{Error, Result};
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use std::str::FromStr;
use std::time::Duration;

pub type Connection = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// How long a request waits for a connection, and a connection for the server, before the
/// database counts as unreachable (the replica keeps running and answers 503 meanwhile).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// A pool of connections to the hub's database.
#[derive(Clone)]
pub struct Db {
    pool: std::sync::Arc<Owned>,
}

/// The pool, closed off the async threads when the last `Db` goes: closing a blocking
/// PostgreSQL connection runs a small runtime of its own, which may not start inside another
/// (a replica shutting down drops its last handle on a worker thread).
struct Owned(Option<Pool>);

impl std::ops::Deref for Owned {
    type Target = Pool;
    fn deref(&self) -> &Pool {
        self.0.as_ref().expect("present until dropped")
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                let _ = std::thread::Builder::new()
                    .name("pool-close".into())
                    .spawn(move || drop(pool));
            } else {
                drop(pool);
            }
        }
    }
}

impl Db {
    /// A pool on `url` (`postgres://user@host:port/db`). Connections are made when first needed,
    /// so a replica starts while the database is down and recovers by itself when it is back.
    pub fn connect(url: &str, max_connections: u32) -> Result<Self> {
        let mut config =
            postgres::Config::from_str(url).map_err(|e| Error::DatabaseUrl(e.to_string()))?;
        config
            .connect_timeout(CONNECT_TIMEOUT)
            .application_name("partner-desk-hub");
        let pool = r2d2::Pool::builder()
            .max_size(max_connections.max(1))
            .min_idle(Some(0))
            .connection_timeout(CONNECT_TIMEOUT)
            // A connection broken by a restart of the database is found and replaced before use.
            .test_on_check_out(true)
            .build_unchecked(PostgresConnectionManager::new(config, NoTls));
        Ok(Self {
            pool: std::sync::Arc::new(Owned(Some(pool))),
        })
    }

    /// A connection from the pool.
    pub fn get(&self) -> Result<Connection> {
        Ok(self.pool.get()?)
    }

    /// Whether the database answers now.
    pub fn ping(&self) -> Result<()> {
        self.get()?.simple_query("SELECT 1")?;
        Ok(())
    }
}
