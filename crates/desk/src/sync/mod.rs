//! Live sync: the roster follows P100 without a click. Two sources feed it — the local webhook
//! receiver (P100 calls us) and polling of Get KYC Status for users under review (we ask P100,
//! with backoff) — and every change they make is announced to subscribers (the shell turns it
//! into a window event). What is under review is read from the store, so sync resumes by itself
//! after a restart.

mod poll;
pub(crate) mod receiver;

use crate::credentials::WebhookToken;
use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::store::roster::UserRecord;
use receiver::{Receiver, Shared};
use serde::Serialize;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;
use ts_rs::TS;

/// Called with each roster row that sync changed.
pub(crate) type Notifier = Arc<dyn Fn(UserRecord) + Send + Sync>;

const SETTING_WEBHOOK_PORT: &str = "webhook_port";

/// What the Settings screen shows of sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    /// Where P100 should send webhooks (`http://127.0.0.1:PORT`), when the receiver runs.
    pub receiver_url: Option<String>,
    /// Why the receiver does not run, in words.
    pub receiver_error: Option<String>,
    /// Environments whose webhook token is in the keychain.
    pub token_set_for: Vec<EnvironmentKind>,
    /// Users whose KYC status is being polled now.
    pub polling: u32,
}

#[derive(Default)]
pub(crate) struct SyncState {
    receiver: Option<Receiver>,
    receiver_error: Option<String>,
    pub(crate) polling: u32,
}

impl Desk {
    /// Every roster row that sync changes, as it happens.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<UserRecord> {
        self.changes.subscribe()
    }

    pub(crate) fn notifier(&self) -> Notifier {
        let tx = self.changes.clone();
        Arc::new(move |record| {
            // No subscriber (no window yet) is fine: the store has it.
            let _ = tx.send(record);
        })
    }

    /// Starts the webhook receiver and the poller. Called once by the shell after opening.
    pub async fn start_sync(self: &Arc<Self>) -> Result<()> {
        self.restart_receiver().await;
        let weak = Arc::downgrade(self);
        tokio::spawn(poll_loop(weak));
        Ok(())
    }

    /// (Re)starts the receiver on the configured port with the tokens in the keychain, and
    /// points the embedded sandbox's webhooks at it.
    pub async fn restart_receiver(&self) {
        let mut sync = self.sync.lock().await;
        sync.receiver = None;
        sync.receiver_error = None;
        let tokens = match self.webhook_tokens().await {
            Ok(t) => t,
            Err(e) => {
                sync.receiver_error = Some(format!(
                    "webhooks are off ({e}); KYC status is polled instead"
                ));
                return;
            }
        };
        let port = self
            .db(|s| s.setting(SETTING_WEBHOOK_PORT))
            .await
            .ok()
            .flatten()
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or(0);
        let shared = Arc::new(Shared {
            store: self.store.clone(),
            tokens: RwLock::new(tokens),
            notify: self.notifier(),
        });
        match Receiver::start(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), shared).await {
            Ok(r) => sync.receiver = Some(r),
            Err(e) => {
                sync.receiver_error = Some(format!(
                    "the webhook receiver cannot listen on port {port}: {e}"
                ));
            }
        }
        drop(sync);
        self.point_sandbox_webhooks().await;
    }

    /// The tokens of every environment that has one; the embedded sandbox gets one made for it
    /// the first time, kept in the keychain like the others.
    async fn webhook_tokens(&self) -> Result<Vec<(EnvironmentKind, WebhookToken)>> {
        self.keychain(|k| {
            let mut out = Vec::new();
            for env in EnvironmentKind::ALL {
                let token = match k.webhook_token(env)? {
                    Some(t) => Some(t),
                    None if env == EnvironmentKind::Sandbox => {
                        let t = WebhookToken::generate();
                        k.set_webhook_token(env, &t)?;
                        Some(t)
                    }
                    None => None,
                };
                if let Some(t) = token {
                    out.push((env, t));
                }
            }
            Ok(out)
        })
        .await
    }

    /// Tells the embedded sandbox (if it runs) where to deliver and with which token.
    pub(crate) async fn point_sandbox_webhooks(&self) {
        let target = {
            let sync = self.sync.lock().await;
            sync.receiver.as_ref().and_then(|r| {
                let tokens = r.shared.tokens.read().unwrap_or_else(|e| e.into_inner());
                tokens
                    .iter()
                    .find(|(env, _)| *env == EnvironmentKind::Sandbox)
                    .map(|(_, t)| (r.base_url(), t.expose().to_owned()))
            })
        };
        if let Some((url, token)) = target {
            self.if_sandbox_running(|h| h.state().webhooks.set_target(Some(url), Some(token)))
                .await;
        }
    }

    pub async fn sync_status(&self) -> Result<SyncStatus> {
        let sync = self.sync.lock().await;
        let (receiver_url, token_set_for) = match &sync.receiver {
            Some(r) => {
                let tokens = r.shared.tokens.read().unwrap_or_else(|e| e.into_inner());
                (Some(r.base_url()), tokens.iter().map(|(e, _)| *e).collect())
            }
            None => (None, Vec::new()),
        };
        Ok(SyncStatus {
            receiver_url,
            receiver_error: sync.receiver_error.clone(),
            token_set_for,
            polling: sync.polling,
        })
    }

    /// Stores an environment's webhook token and reloads the receiver's tokens.
    pub async fn set_webhook_token(&self, env: EnvironmentKind, raw: String) -> Result<SyncStatus> {
        let token = WebhookToken::new(raw).map_err(|e| {
            crate::Error::Invalid(vec![p100::FieldError::new(
                "webhookToken",
                WebhookToken::refusal(&e),
            )])
        })?;
        self.keychain(move |k| k.set_webhook_token(env, &token))
            .await?;
        self.restart_receiver().await;
        self.sync_status().await
    }

    pub async fn remove_webhook_token(&self, env: EnvironmentKind) -> Result<SyncStatus> {
        self.keychain(move |k| k.remove_webhook_token(env).map(|_| ()))
            .await?;
        self.restart_receiver().await;
        self.sync_status().await
    }

    /// The port the receiver listens on (0: any free port, fine for the embedded sandbox; a
    /// fixed one for a tunnel from P100).
    pub async fn set_webhook_port(&self, port: u16) -> Result<SyncStatus> {
        self.db(move |s| s.set_setting(SETTING_WEBHOOK_PORT, &port.to_string()))
            .await?;
        self.restart_receiver().await;
        self.sync_status().await
    }
}

/// Polls due users about once a second until the desk is dropped.
async fn poll_loop(desk: Weak<Desk>) {
    let mut schedule = poll::Schedule::default();
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let Some(desk) = desk.upgrade() else { return };
        if let Err(e) = desk.poll_due(&mut schedule).await {
            tracing::debug!(error = %e, "KYC status poll skipped");
        }
    }
}
