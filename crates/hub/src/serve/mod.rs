//! `partner-desk-hub serve`: one stateless replica. Everything it keeps is in PostgreSQL, so any
//! number of replicas can serve behind a load balancer; work that outlives a request (confirming
//! webhooks with P100, polling reviews) is taken from the database with `FOR UPDATE SKIP LOCKED`
//! (`claims`, `polls`), so a replica that dies loses nothing.

mod api;
mod claims;
mod failure;
mod imports;
mod live;
mod openapi;
mod ops;
mod polls;
pub(crate) mod secrets;
mod uploads;
mod webhooks;

use crate::PgLedger;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::operators::Authenticator;
use desk::EnvironmentKind;
use desk::credentials::WebhookToken;
use desk::environments::Remote;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use url::Url;

/// Who the hub's own work (webhooks, confirmations) is recorded as.
pub const HUB_ACTOR: &str = "partner-desk-hub";

/// What `serve` is given on its command line.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub p100_url: Url,
    pub p100_key_file: PathBuf,
    pub webhook_token_file: PathBuf,
    /// Which environment the P100 at `p100_url` is (what the roster and the desktops call it).
    pub environment: Option<EnvironmentKind>,
    pub max_connections: u32,
    /// Workers confirming webhooks on this replica.
    pub claim_workers: usize,
    /// Workers polling P100 for users under review on this replica.
    pub poll_workers: usize,
    /// Workers sending bulk imports' rows on this replica (one job each at a time).
    pub import_workers: usize,
    pub retry_policy: p100::RetryPolicy,
}

/// What every request of a replica shares.
pub struct Hub {
    pub(crate) db: Db,
    /// The core acting as the hub itself; requests get a copy acting as their operator.
    pub(crate) desk: desk::Desk,
    pub(crate) auth: Authenticator,
    pub(crate) webhook_token: WebhookToken,
    pub(crate) environment: EnvironmentKind,
    /// Wakes this replica's claim workers when a webhook arrives.
    pub(crate) wake: tokio::sync::Notify,
    /// Changes announced by any replica, for this replica's desktops.
    pub(crate) live: live::LiveFeed,
}

impl Hub {
    /// The core acting for an authenticated operator: their name on the events and journal
    /// lines their request causes.
    pub(crate) fn desk_for(&self, operator: &str) -> desk::Desk {
        let ledger = Arc::new(PgLedger::new(self.db.clone(), operator));
        self.desk.acting_as(ledger, operator.to_owned())
    }
}

/// Who takes queued work, in `taken_by` columns: the host and process of this replica.
pub(crate) fn replica() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "hub".into());
    format!("{host}:{}", std::process::id())
}

/// Runs database work of the queues off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    hub: &Arc<Hub>,
    f: impl FnOnce(&Hub) -> Result<T> + Send + 'static,
) -> Result<T> {
    let h = hub.clone();
    tokio::task::spawn_blocking(move || f(&h))
        .await
        .map_err(|e| Error::Desk(desk::Error::Internal(e.to_string())))?
}

/// The environment a P100 URL is, when the operator did not say.
pub(crate) fn environment_of(url: &Url) -> EnvironmentKind {
    EnvironmentKind::ALL
        .into_iter()
        .find(|k| {
            k.fixed_url()
                .and_then(|u| Url::parse(u).ok())
                .is_some_and(|u| u.origin() == url.origin())
        })
        .unwrap_or(EnvironmentKind::Custom)
}

/// Builds a replica from its configuration: reads the secrets, checks the schema.
pub fn hub(config: &Config) -> Result<Arc<Hub>> {
    let key = secrets::api_key(&config.p100_key_file)?;
    let webhook_token = secrets::webhook_token(&config.webhook_token_file)?;
    let db = Db::connect(&config.database_url, config.max_connections)?;
    db::check(&db)?;
    let environment = config
        .environment
        .unwrap_or_else(|| environment_of(&config.p100_url));
    let remote = Remote {
        kind: environment,
        url: config.p100_url.clone(),
        key,
    };
    let ledger = Arc::new(PgLedger::new(db.clone(), HUB_ACTOR));
    let desk = desk::Desk::serving(ledger, remote, config.retry_policy, HUB_ACTOR.to_owned());
    Ok(Arc::new(Hub {
        db,
        desk,
        auth: Authenticator::default(),
        webhook_token,
        environment,
        wake: tokio::sync::Notify::new(),
        live: live::LiveFeed::default(),
    }))
}

/// Serves until `shutdown` completes. Prints `listening on ADDR` as the first line of stdout
/// once the socket is bound (scripts wait for it; with port 0 it names the port chosen).
pub async fn run(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let cfg = config.clone();
    let hub = tokio::task::spawn_blocking(move || hub(&cfg))
        .await
        .map_err(|e| Error::Desk(desk::Error::Internal(e.to_string())))??;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {addr}")?;
        out.flush()?;
    }
    tracing::info!(%addr, environment = hub.environment.as_str(), "hub listening");
    tokio::spawn(live::listen(
        Arc::downgrade(&hub),
        config.database_url.clone(),
    ));
    for n in 0..config.claim_workers.max(1) {
        tokio::spawn(claims::work(Arc::downgrade(&hub), n));
    }
    for n in 0..config.poll_workers.max(1) {
        tokio::spawn(polls::work(Arc::downgrade(&hub), n));
    }
    for n in 0..config.import_workers.max(1) {
        tokio::spawn(imports::work(Arc::downgrade(&hub), n));
    }
    serve::serve(listener, api::router(hub), serve::Limits::API, shutdown).await;
    Ok(())
}
