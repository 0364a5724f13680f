//! Live updates for every desktop, whichever replica it is connected to. A change to a user's
//! row or timeline (by any replica: an operator's operation, a webhook, a confirmation) is
//! announced by PostgreSQL (`NOTIFY` from triggers, on commit); each replica `LISTEN`s, reads
//! the row once, and streams it to its desktops over SSE. A replica that loses the database
//! reconnects by itself and tells its desktops to reload (what happened meanwhile is unknown).

use super::Hub;
use crate::PgLedger;
use desk::EnvironmentKind;
use desk::ledger::in_tx_blocking;
use desk::ledger::roster::UserRecord;
use futures_util::StreamExt;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio_postgres::{AsyncMessage, NoTls};

/// The channel the triggers announce on.
pub const CHANNEL: &str = "partner_desk_users";
/// How long to wait before listening again after the database went away.
const RECONNECT: Duration = Duration::from_secs(1);

/// What a desktop is told.
#[derive(Debug, Clone)]
pub enum Live {
    /// A user as the roster holds it now.
    User(Box<UserRecord>),
    /// Changes may have been missed (a reconnect, a slow desktop): reload.
    Resync,
}

/// This replica's stream of live updates.
pub struct LiveFeed {
    tx: broadcast::Sender<Live>,
}

impl Default for LiveFeed {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(4096).0,
        }
    }
}

impl LiveFeed {
    pub fn subscribe(&self) -> broadcast::Receiver<Live> {
        self.tx.subscribe()
    }

    fn send(&self, live: Live) {
        // No desktop connected is fine.
        let _ = self.tx.send(live);
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Announced {
    environment: String,
    external_user_id: String,
}

/// Listens until the hub is dropped, reconnecting when the database goes away.
pub async fn listen(hub: Weak<Hub>, database_url: String) {
    loop {
        if hub.upgrade().is_none() {
            return;
        }
        match session(&hub, &database_url).await {
            Ok(()) => return,
            Err(e) => tracing::warn!(error = %e, "live updates: listening again shortly"),
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

/// One connection's worth of listening; returns when the connection ends.
async fn session(hub: &Weak<Hub>, database_url: &str) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(database_url, NoTls).await?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.send(n.payload().to_owned()).is_err() {
                        return Ok(());
                    }
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    tracing::info!("live updates: listening");
    if let Some(h) = hub.upgrade() {
        // Whatever changed while this replica was not listening is unknown to its desktops.
        h.live.send(Live::Resync);
    }
    while let Some(payload) = rx.recv().await {
        let Some(h) = hub.upgrade() else {
            return Ok(());
        };
        tracing::debug!(payload, "live updates: announced");
        let Ok(a) = serde_json::from_str::<Announced>(&payload) else {
            continue;
        };
        let Some(env) = EnvironmentKind::parse(&a.environment) else {
            continue;
        };
        if env != h.environment {
            continue;
        }
        if let Some(user) = read(&h, env, a.external_user_id).await {
            h.live.send(Live::User(Box::new(user)));
        }
    }
    drop(client);
    match driver.await {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}

async fn read(hub: &Arc<Hub>, env: EnvironmentKind, ext: String) -> Option<UserRecord> {
    let ledger = Arc::new(PgLedger::new(hub.db.clone(), super::HUB_ACTOR));
    match in_tx_blocking(ledger, move |tx| tx.user(env, &ext)).await {
        Ok(user) => user,
        Err(e) => {
            tracing::warn!(error = %e, "live updates: an announced user could not be read");
            None
        }
    }
}
