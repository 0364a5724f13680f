//! The Environments component: which P100 the desk talks to, with which key. It owns the
//! selection and the Custom URL (settings in the ledger), the keys (OS keychain, read once a
//! session), one connection pool rebound per environment, and the embedded sandbox.
//! It depends on the store and the keychain only; the other components ask it for clients.

use crate::credentials::{KeySlot, Keychain};
use crate::environment::{EnvironmentInfo, parse_custom_url};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, in_tx};
use crate::sandbox::EmbeddedSandbox;
use crate::vocabulary::EnvironmentKind;
use p100::ApiKey;
use p100::codes::Code;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use ts_rs::TS;
use url::Url;

const SETTING_ENV: &str = "environment";
const SETTING_CUSTOM_URL: &str = "custom_url";

/// Whether an environment has a key, for the credentials panel. Never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    pub kind: EnvironmentKind,
    pub label: String,
    pub needs_key: bool,
    pub key_set: bool,
}

/// The outcome of "Test key".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyTest {
    pub ok: bool,
    pub message: String,
}

/// What a switch of environment did besides switching.
pub(crate) struct Selected {
    pub info: EnvironmentInfo,
    /// The Custom URL moved to another origin (its key is forgotten; so must be its webhook
    /// token, which the Sync component holds).
    pub custom_moved: bool,
}

/// One P100 given when the core starts — the hub's `--p100-url` and key file — and then the only
/// environment served: no selection, no keychain, no embedded sandbox.
#[derive(Clone)]
pub struct Remote {
    pub kind: EnvironmentKind,
    pub url: Url,
    pub key: ApiKey,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key's own Debug is redacted; the URL is not secret.
        f.debug_struct("Remote")
            .field("kind", &self.kind)
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

pub(crate) struct Environments {
    ledger: Arc<dyn Ledger>,
    /// Set in the hub: the one P100 it serves.
    remote: Option<Remote>,
    keychain: Keychain,
    /// API keys as read from the keychain this session (`None`: no key there), so that the
    /// keychain is asked once per environment, never by a polling loop. Changed only here, as
    /// the keychain is written.
    keys: Mutex<HashMap<KeySlot, Option<ApiKey>>>,
    client: OnceLock<p100::Client>,
    sandbox: tokio::sync::Mutex<Option<EmbeddedSandbox>>,
    /// Where the embedded sandbox delivers its webhooks (receiver URL, token), once known.
    sandbox_webhooks: Mutex<Option<(String, String)>>,
    data_dir: PathBuf,
    retry_policy: p100::RetryPolicy,
}

impl Environments {
    pub fn new(
        ledger: Arc<dyn Ledger>,
        keychain: Keychain,
        data_dir: PathBuf,
        retry_policy: p100::RetryPolicy,
    ) -> Self {
        Self {
            ledger,
            remote: None,
            keychain,
            keys: Mutex::default(),
            client: OnceLock::new(),
            sandbox: tokio::sync::Mutex::new(None),
            sandbox_webhooks: Mutex::default(),
            data_dir,
            retry_policy,
        }
    }

    /// Environments that serve only `remote` (the hub).
    pub fn remote(
        ledger: Arc<dyn Ledger>,
        remote: Remote,
        keychain: Keychain,
        data_dir: PathBuf,
        retry_policy: p100::RetryPolicy,
    ) -> Self {
        Self {
            remote: Some(remote),
            ..Self::new(ledger, keychain, data_dir, retry_policy)
        }
    }

    async fn setting(&self, key: &'static str) -> Result<Option<String>> {
        crate::ledger::in_tx_blocking(self.ledger.clone(), move |tx| tx.setting(key)).await
    }

    /// Runs keychain work off the async threads.
    pub async fn keychain<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Keychain) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let keychain = self.keychain.clone();
        tokio::task::spawn_blocking(move || f(&keychain)).await?
    }

    /// The selected environment. A stored name this desk does not know is an error, not a
    /// silent fall-back to another environment.
    pub async fn current(&self) -> Result<EnvironmentKind> {
        if let Some(r) = &self.remote {
            return Ok(r.kind);
        }
        selected(self.setting(SETTING_ENV).await?)
    }

    /// [`Environments::current`] read inside a unit of work that is running anyway (a read
    /// asked on every keystroke saves a second trip to the store).
    pub fn current_in(&self, tx: &dyn crate::ledger::Tx) -> Result<EnvironmentKind> {
        match &self.remote {
            Some(r) => Ok(r.kind),
            None => selected(tx.setting(SETTING_ENV)?),
        }
    }

    /// The selected environment as the UI shows it; selecting Sandbox starts the sandbox.
    pub async fn info(&self) -> Result<EnvironmentInfo> {
        if let Some(r) = &self.remote {
            return Ok(EnvironmentInfo {
                kind: r.kind,
                label: r.kind.label().to_owned(),
                base_url: Some(r.url.to_string()),
                custom_url: None,
                needs_key: true,
                key_set: true,
                is_production: r.kind == EnvironmentKind::Production,
            });
        }
        let kind = self.current().await?;
        let custom_url = self.setting(SETTING_CUSTOM_URL).await?;
        let base_url = match kind {
            EnvironmentKind::Sandbox => Some(self.sandbox_url().await?.to_string()),
            EnvironmentKind::Custom => custom_url.clone(),
            k => k.fixed_url().map(str::to_owned),
        };
        let key_set = if kind.needs_key() {
            self.key_is_set(kind).await?
        } else {
            true
        };
        Ok(EnvironmentInfo {
            kind,
            label: kind.label().to_owned(),
            base_url,
            custom_url,
            needs_key: kind.needs_key(),
            key_set,
            is_production: kind == EnvironmentKind::Production,
        })
    }

    /// Switches environment. Custom needs a URL, given now or remembered from before.
    pub async fn select(
        &self,
        kind: EnvironmentKind,
        custom_url: Option<String>,
    ) -> Result<Selected> {
        let custom = match custom_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => Some(parse_custom_url(raw)?),
            None => None,
        };
        let previous = self.setting(SETTING_CUSTOM_URL).await?;
        if kind == EnvironmentKind::Custom && custom.is_none() && previous.is_none() {
            return Err(Error::InvalidUrl(
                "enter the base URL of the Custom environment".into(),
            ));
        }
        // The Custom key belongs to the origin it was stored for (its keychain entry is named
        // after it), so a new URL finds no key. Moving to another origin also forgets the old
        // origin's key: nothing of the old host lingers to be sent later.
        let moved_from = match (&custom, previous.as_deref().map(Url::parse)) {
            (Some(new), Some(Ok(old))) if new.origin() != old.origin() => Some(old),
            _ => None,
        };
        if let Some(old) = &moved_from {
            self.forget_key(KeySlot::custom(old)).await?;
            self.forget_key(EnvironmentKind::Custom.into()).await?;
            tracing::info!("custom URL moved to another host: its API key was removed");
        }
        let ledger = self.ledger.clone();
        tokio::task::spawn_blocking(move || {
            in_tx(&*ledger, |s| {
                if let Some(url) = custom {
                    s.set_setting(SETTING_CUSTOM_URL, url.as_str().trim_end_matches('/'))?;
                }
                s.set_setting(SETTING_ENV, kind.as_str())
            })
        })
        .await??;
        Ok(Selected {
            info: self.info().await?,
            custom_moved: moved_from.is_some(),
        })
    }

    pub async fn credentials(&self) -> Result<Vec<CredentialStatus>> {
        let mut out = Vec::new();
        for kind in EnvironmentKind::ALL {
            out.push(CredentialStatus {
                kind,
                label: kind.label().to_owned(),
                needs_key: kind.needs_key(),
                key_set: !kind.needs_key() || self.key_is_set(kind).await?,
            });
        }
        Ok(out)
    }

    /// Stores (or replaces) an environment's key in the OS keychain. A Custom key is stored for
    /// the Custom URL's origin, so the URL must be set first.
    pub async fn set_api_key(&self, kind: EnvironmentKind, raw: String) -> Result<()> {
        if !kind.needs_key() {
            return Err(Error::Invalid(vec![p100::FieldError::new(
                "apiKey",
                "the embedded sandbox makes its own key; none is stored for it",
            )]));
        }
        let key = ApiKey::new(raw)
            .map_err(|e| Error::Invalid(vec![p100::FieldError::new("apiKey", e.to_string())]))?;
        let slot = match self.key_slot(kind).await {
            Err(Error::InvalidUrl(_)) => {
                return Err(Error::Invalid(vec![p100::FieldError::new(
                    "apiKey",
                    "set the Custom environment's URL first: its key is kept for that host only",
                )]));
            }
            other => other?,
        };
        let (s, k) = (slot.clone(), key.clone());
        self.keychain(move |kc| kc.set(s, &k)).await?;
        self.cached_keys().insert(slot, Some(key));
        Ok(())
    }

    pub async fn remove_api_key(&self, kind: EnvironmentKind) -> Result<bool> {
        match self.key_slot(kind).await {
            Ok(slot) => self.forget_key(slot).await,
            // No Custom URL: no Custom key can be in use; drop any left from older desks.
            Err(Error::InvalidUrl(_)) => self.forget_key(kind.into()).await,
            Err(e) => Err(e),
        }
    }

    /// Where `kind`'s key lives: the fixed environment's entry, or the Custom URL's origin's.
    async fn key_slot(&self, kind: EnvironmentKind) -> Result<KeySlot> {
        if kind != EnvironmentKind::Custom {
            return Ok(kind.into());
        }
        Ok(KeySlot::custom(&self.custom_url().await?))
    }

    /// The Custom environment's base URL, checked again as it is read.
    async fn custom_url(&self) -> Result<Url> {
        let raw = self
            .setting(SETTING_CUSTOM_URL)
            .await?
            .ok_or_else(|| Error::InvalidUrl("no custom URL is set".into()))?;
        parse_custom_url(&raw)
    }

    fn cached_keys(&self) -> MutexGuard<'_, HashMap<KeySlot, Option<ApiKey>>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The key in `slot`: from this session's cache, else read from the keychain once.
    async fn key(&self, slot: KeySlot) -> Result<Option<ApiKey>> {
        if let Some(known) = self.cached_keys().get(&slot) {
            return Ok(known.clone());
        }
        let s = slot.clone();
        let key = self.keychain(move |k| k.get(s)).await?;
        self.cached_keys().insert(slot, key.clone());
        Ok(key)
    }

    async fn key_is_set(&self, kind: EnvironmentKind) -> Result<bool> {
        match self.key_slot(kind).await {
            Ok(slot) => Ok(self.key(slot).await?.is_some()),
            Err(Error::InvalidUrl(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Removes the key in `slot` from the keychain and from this session's cache.
    async fn forget_key(&self, slot: KeySlot) -> Result<bool> {
        let s = slot.clone();
        let removed = self.keychain(move |k| k.remove(s)).await?;
        self.cached_keys().insert(slot, None);
        Ok(removed)
    }

    /// Secrets read from the OS keychain so far.
    pub fn keychain_reads(&self) -> u64 {
        self.keychain.reads()
    }

    /// Asks P100 about a user that cannot exist: `P412` proves the key is accepted without
    /// touching any real user; a 401 says which of xo1/xo2/xo3 applies.
    pub async fn test_api_key(&self, kind: EnvironmentKind) -> Result<KeyTest> {
        let client = self.client_for(kind).await?;
        let probe = format!("partner-desk-key-test-{}", uuid::Uuid::new_v4());
        let accepted = || KeyTest {
            ok: true,
            message: format!("{} accepted the key.", kind.label()),
        };
        Ok(match client.get_kyc_status(&probe).await {
            Err(e) if e.code() == Some(Code::UserNotFound) => accepted(),
            Ok(_) => accepted(),
            Err(e) => KeyTest {
                ok: false,
                message: Error::P100(e).operator_message(),
            },
        })
    }

    /// A client for the environment: its URL and its key (the keychain's, or the embedded
    /// sandbox's), sharing one connection pool.
    pub async fn client_for(&self, kind: EnvironmentKind) -> Result<p100::Client> {
        let (url, key) = match (&self.remote, kind) {
            (Some(r), k) if k == r.kind => (r.url.clone(), r.key.clone()),
            (Some(_), k) => return Err(Error::NoApiKey(k)),
            (None, kind) => self.local_url_and_key(kind).await?,
        };
        let client = match self.client.get() {
            Some(pool) => pool.rebind(url, key),
            None => {
                let c = p100::Client::new(url, key)?;
                // A concurrent first call may win the race; either pool serves.
                let _ = self.client.set(c.clone());
                c
            }
        };
        Ok(client.with_retry_policy(self.retry_policy))
    }

    /// The URL and key of a desktop's environment: the embedded sandbox's, or the keychain's.
    async fn local_url_and_key(&self, kind: EnvironmentKind) -> Result<(Url, ApiKey)> {
        Ok(match kind {
            EnvironmentKind::Sandbox => {
                let guard = self.ensure_sandbox().await?;
                let sb = guard
                    .as_ref()
                    .ok_or_else(|| Error::Sandbox("not running".into()))?;
                (sb.url().clone(), sb.key().clone())
            }
            _ => {
                let url = match kind.fixed_url() {
                    Some(u) => Url::parse(u).map_err(|e| Error::Internal(e.to_string()))?,
                    None => self.custom_url().await?,
                };
                // The slot is named after this URL's origin: a Custom key stored for another
                // host is not found here.
                let slot = match kind {
                    EnvironmentKind::Custom => KeySlot::custom(&url),
                    k => k.into(),
                };
                let key = self.key(slot).await?.ok_or(Error::NoApiKey(kind))?;
                (url, key)
            }
        })
    }

    async fn ensure_sandbox(&self) -> Result<tokio::sync::MutexGuard<'_, Option<EmbeddedSandbox>>> {
        let mut guard = self.sandbox.lock().await;
        if guard.is_none() {
            let sandbox = EmbeddedSandbox::start(&self.data_dir).await?;
            if let Some((url, token)) = self.webhook_target() {
                sandbox
                    .handle()
                    .state()
                    .webhooks
                    .set_target(Some(url), Some(token));
            }
            *guard = Some(sandbox);
        }
        Ok(guard)
    }

    fn webhook_target(&self) -> Option<(String, String)> {
        self.sandbox_webhooks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Where the embedded sandbox delivers its webhooks: now if it runs, and whenever it starts.
    pub async fn point_sandbox_webhooks(&self, url: String, token: String) {
        *self
            .sandbox_webhooks
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some((url.clone(), token.clone()));
        if let Some(sb) = self.sandbox.lock().await.as_ref() {
            sb.handle()
                .state()
                .webhooks
                .set_target(Some(url), Some(token));
        }
    }

    /// Starts the embedded sandbox if Sandbox is selected.
    pub async fn prepare(&self) -> Result<()> {
        if self.remote.is_none() && self.current().await? == EnvironmentKind::Sandbox {
            drop(self.ensure_sandbox().await?);
        }
        Ok(())
    }

    /// The embedded sandbox's base URL, starting it if needed.
    pub async fn sandbox_url(&self) -> Result<Url> {
        let guard = self.ensure_sandbox().await?;
        guard
            .as_ref()
            .map(|s| s.url().clone())
            .ok_or_else(|| Error::Sandbox("not running".into()))
    }

    /// Runs `f` on the embedded sandbox, starting it if needed.
    pub async fn with_sandbox<T>(
        &self,
        f: impl FnOnce(&p100_sandbox::SandboxHandle) -> T,
    ) -> Result<T> {
        let guard = self.ensure_sandbox().await?;
        guard
            .as_ref()
            .map(|s| f(s.handle()))
            .ok_or_else(|| Error::Sandbox("not running".into()))
    }
}

/// The environment a stored name selects (none stored: Sandbox). A name this desk does not know
/// is an error, not a silent fall-back to another environment.
fn selected(stored: Option<String>) -> Result<EnvironmentKind> {
    match stored {
        None => Ok(EnvironmentKind::Sandbox),
        Some(v) => EnvironmentKind::parse(&v).ok_or_else(|| Error::Unreadable {
            what: "the selected environment",
            value: v,
        }),
    }
}
