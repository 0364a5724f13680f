//! Live sync: the roster follows P100 without a click. Two sources feed it — the local webhook
//! receiver (P100 calls us) and polling of Get KYC Status for users under review (we ask P100,
//! with backoff) — and every change they make is announced to subscribers (the shell turns it
//! into a window event). What is under review is read from the store, so sync resumes by itself
//! after a restart.

pub mod answers;
mod confirm;
pub mod poll;
pub(crate) mod receiver;

use crate::credentials::WebhookToken;
use crate::environment::EnvironmentKind;
use crate::environments::Environments;
use crate::error::Result;
use crate::ledger::claims::PendingClaim;
use crate::ledger::roster::UserRecord;
use crate::ledger::{Ledger, Tx};
use receiver::{Receiver, Shared};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;
use ts_rs::TS;

/// Called with each roster row that sync changed.
pub(crate) type Notifier = Arc<dyn Fn(UserRecord) + Send + Sync>;

const SETTING_WEBHOOK_PORT: &str = "webhook_port";

/// What the Settings screen shows of sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
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
struct SyncState {
    /// The webhook tokens, once read from the keychain this session.
    tokens: Option<Vec<(EnvironmentKind, WebhookToken)>>,
    receiver: Option<Receiver>,
    receiver_error: Option<String>,
    polling: u32,
}

/// The Sync component: the webhook receiver, the confirmation of what it receives, and the
/// polling of reviews. It depends on the store and on Environments (for clients, the keychain
/// and the embedded sandbox's webhook target), and announces every row it changes.
pub(crate) struct LiveSync {
    store: Arc<dyn Ledger>,
    environments: Arc<Environments>,
    state: tokio::sync::Mutex<SyncState>,
    /// Where webhooks go to be confirmed with P100, once sync has started.
    claims: std::sync::Mutex<Option<tokio::sync::mpsc::Sender<PendingClaim>>>,
    changes: tokio::sync::broadcast::Sender<UserRecord>,
}

impl LiveSync {
    pub fn new(store: Arc<dyn Ledger>, environments: Arc<Environments>) -> Self {
        Self {
            store,
            environments,
            state: tokio::sync::Mutex::default(),
            claims: std::sync::Mutex::default(),
            changes: tokio::sync::broadcast::channel(1024).0,
        }
    }

    /// Blocking store work off the async threads, as one transaction.
    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        crate::ledger::in_tx_blocking(self.store.clone(), f).await
    }

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

    /// Starts the webhook receiver, the confirmation of webhooks and the poller. Called once
    /// by the shell after opening; claims left unconfirmed by an earlier run are taken up again.
    pub async fn start(self: &Arc<Self>) -> Result<()> {
        let (tx, rx) = tokio::sync::mpsc::channel(confirm::QUEUE);
        *self.claims.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx.clone());
        for claim in self.db(|s| s.pending_claims()).await? {
            let _ = tx.try_send(claim);
        }
        tokio::spawn(LiveSync::confirm_claims(Arc::downgrade(self), rx));
        self.restart_receiver().await;
        tokio::spawn(poll_loop(Arc::downgrade(self)));
        Ok(())
    }

    /// Where the receiver hands claims to be confirmed (none before sync starts).
    fn claim_queue(&self) -> Option<confirm::ClaimQueue> {
        self.claims
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// (Re)starts the receiver on the configured port with the environments' webhook tokens,
    /// and points the embedded sandbox's webhooks at it.
    pub async fn restart_receiver(&self) {
        let mut sync = self.state.lock().await;
        sync.receiver = None;
        sync.receiver_error = None;
        let tokens = match self.webhook_tokens(&mut sync).await {
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
            claims: self.claim_queue(),
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

    /// The tokens of every environment that has one, read from the keychain once a session
    /// (then kept in `sync`, and changed only through this desk). The embedded sandbox gets one
    /// made for it the first time, kept in the keychain like the others. A token that two
    /// environments hold is accepted for neither: it could not tell which one a call is for.
    async fn webhook_tokens(
        &self,
        sync: &mut SyncState,
    ) -> Result<Vec<(EnvironmentKind, WebhookToken)>> {
        let tokens = match &sync.tokens {
            Some(t) => t.clone(),
            None => {
                let read = self
                    .environments
                    .keychain(|k| {
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
                    .await?;
                sync.tokens = Some(read.clone());
                read
            }
        };
        let shared: Vec<EnvironmentKind> = tokens
            .iter()
            .filter(|(env, t)| tokens.iter().any(|(e, u)| e != env && u == t))
            .map(|(env, _)| *env)
            .collect();
        if !shared.is_empty() {
            tracing::warn!(environments = ?shared, "one webhook token is set for several environments: it is accepted for none");
        }
        Ok(tokens
            .into_iter()
            .filter(|(env, _)| !shared.contains(env))
            .collect())
    }

    /// Tells the embedded sandbox (now, or when it starts) where to deliver and with which
    /// token: the receiver's address and the sandbox environment's token.
    async fn point_sandbox_webhooks(&self) {
        let target = {
            let sync = self.state.lock().await;
            sync.receiver.as_ref().and_then(|r| {
                let tokens = r.shared.tokens.read().unwrap_or_else(|e| e.into_inner());
                tokens
                    .iter()
                    .find(|(env, _)| *env == EnvironmentKind::Sandbox)
                    .map(|(_, t)| (r.base_url(), t.expose().to_owned()))
            })
        };
        if let Some((url, token)) = target {
            self.environments.point_sandbox_webhooks(url, token).await;
        }
    }

    pub async fn status(&self) -> Result<SyncStatus> {
        let sync = self.state.lock().await;
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

    /// Stores a webhook token the operator typed (at least 24 characters, used by no other
    /// environment) and reloads the receiver's tokens.
    pub async fn set_webhook_token(&self, env: EnvironmentKind, raw: String) -> Result<SyncStatus> {
        let token = WebhookToken::typed(raw).map_err(|message| {
            crate::Error::Invalid(vec![p100::FieldError::new("webhookToken", message)])
        })?;
        self.store_webhook_token(env, token).await
    }

    /// Makes a new random token for `env`, hands it to `deliver` (the shell puts it on the
    /// clipboard for the operator to give to P100: the one time it leaves the desk), and — only
    /// once delivered — stores it and reloads the receiver. It is never shown again.
    pub async fn generate_webhook_token(
        &self,
        env: EnvironmentKind,
        deliver: impl FnOnce(&WebhookToken) -> std::result::Result<(), String>,
    ) -> Result<(SyncStatus, WebhookToken)> {
        let token = WebhookToken::generate();
        deliver(&token).map_err(|why| {
            crate::Error::Invalid(vec![p100::FieldError::new(
                "webhookToken",
                format!(
                    "the new token could not be put on the clipboard ({why}); nothing was changed: \
                     paste a token of your own instead"
                ),
            )])
        })?;
        let status = self.store_webhook_token(env, token.clone()).await?;
        Ok((status, token))
    }

    async fn store_webhook_token(
        &self,
        env: EnvironmentKind,
        token: WebhookToken,
    ) -> Result<SyncStatus> {
        if env == EnvironmentKind::Sandbox {
            return Err(crate::Error::Invalid(vec![p100::FieldError::new(
                "webhookToken",
                "the embedded sandbox's token is made and kept by the desk",
            )]));
        }
        {
            let mut sync = self.state.lock().await;
            let known = self.webhook_tokens(&mut sync).await?;
            if let Some((other, _)) = known.iter().find(|(e, t)| *e != env && *t == token) {
                return Err(crate::Error::Invalid(vec![p100::FieldError::new(
                    "webhookToken",
                    format!(
                        "this token is already the {} environment's; each environment needs its own",
                        other.label()
                    ),
                )]));
            }
            let t = token.clone();
            self.environments
                .keychain(move |k| k.set_webhook_token(env, &t))
                .await?;
            if let Some(tokens) = sync.tokens.as_mut() {
                tokens.retain(|(e, _)| *e != env);
                tokens.push((env, token));
            }
        }
        self.reload_receiver_tokens().await;
        self.status().await
    }

    pub async fn remove_webhook_token(&self, env: EnvironmentKind) -> Result<SyncStatus> {
        self.forget_webhook_token(env).await?;
        self.reload_receiver_tokens().await;
        self.status().await
    }

    /// Gives a running receiver the current tokens without restarting it (its address, which
    /// P100 or a tunnel may be pointed at, stays); starts it when it is not running.
    async fn reload_receiver_tokens(&self) {
        let mut sync = self.state.lock().await;
        let Some(shared) = sync.receiver.as_ref().map(|r| r.shared.clone()) else {
            drop(sync);
            return self.restart_receiver().await;
        };
        match self.webhook_tokens(&mut sync).await {
            Ok(tokens) => *shared.tokens.write().unwrap_or_else(|e| e.into_inner()) = tokens,
            Err(e) => tracing::warn!(error = %e, "the receiver keeps its tokens"),
        }
    }

    /// Removes an environment's token from the keychain and from the tokens this session holds.
    pub(crate) async fn forget_webhook_token(&self, env: EnvironmentKind) -> Result<()> {
        self.environments
            .keychain(move |k| k.remove_webhook_token(env).map(|_| ()))
            .await?;
        if let Some(tokens) = self.state.lock().await.tokens.as_mut() {
            tokens.retain(|(e, _)| *e != env);
        }
        Ok(())
    }

    /// The port the receiver listens on (0: any free port, fine for the embedded sandbox; a
    /// fixed one for a tunnel from P100).
    pub async fn set_webhook_port(&self, port: u16) -> Result<SyncStatus> {
        self.db(move |s| s.set_setting(SETTING_WEBHOOK_PORT, &port.to_string()))
            .await?;
        self.restart_receiver().await;
        self.status().await
    }
}

/// Polls due users about once a second until the desk is dropped.
async fn poll_loop(desk: Weak<LiveSync>) {
    let mut schedule = poll::Schedule::default();
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let Some(desk) = desk.upgrade() else { return };
        if let Err(e) = desk.poll_due(&mut schedule).await {
            tracing::debug!(error = %e, "KYC status poll skipped");
        }
    }
}
