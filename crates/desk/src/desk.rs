//! [`Desk`]: the one object the shell talks to.

use crate::credentials::{KeySlot, Keychain};
use crate::environment::{EnvironmentInfo, EnvironmentKind, parse_custom_url};
use crate::error::{Error, Result};
use crate::sandbox::EmbeddedSandbox;
use crate::store::Store;
use crate::store::journal::JournalEntry;
use p100::ApiKey;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use ts_rs::TS;
use url::Url;

/// The keychain service under which a normal installation keeps its entries.
pub const KEYCHAIN_SERVICE: &str = "io.partnerdesk.app";
const DB_FILE: &str = "partner-desk.sqlite3";
/// Held locked (an OS file lock) while a desk has the data folder open: one desk per folder.
const LOCK_FILE: &str = "partner-desk.lock";
const SETTING_ENV: &str = "environment";
const SETTING_CUSTOM_URL: &str = "custom_url";

pub struct DeskConfig {
    /// Where the SQLite file lives (the platform's app-data folder in the app).
    pub data_dir: PathBuf,
    pub keychain_service: String,
    /// How calls to P100 are retried; tests shorten the waits.
    pub retry_policy: p100::RetryPolicy,
}

impl DeskConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            keychain_service: KEYCHAIN_SERVICE.to_owned(),
            retry_policy: p100::RetryPolicy::default(),
        }
    }
}

/// Whether an environment has a key, for the credentials panel. Never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    pub kind: EnvironmentKind,
    pub label: String,
    pub needs_key: bool,
    pub key_set: bool,
}

/// The outcome of "Test key".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyTest {
    pub ok: bool,
    pub message: String,
}

/// Locks the data folder for this desk: a second desk on the same folder (a second launch of
/// the app, a script) would share the SQLite file and the embedded sandbox's, and each would
/// believe its own view. The OS drops the lock when the process ends, however it ends.
fn lock_data_dir(dir: &Path) -> Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .map_err(|e| Error::Internal(format!("cannot create the data folder's lock: {e}")))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::AlreadyRunning(dir.to_owned())),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(Error::Internal(format!("cannot lock the data folder: {e}")))
        }
    }
}

/// The data folder holds customers' personal data and the thumbnails of their identity
/// documents: on Unix only the OS user may enter it (0700), whatever the umask made of it.
/// Elsewhere the per-user app-data folder's own access rules apply.
fn make_private(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(e) = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)) {
            tracing::warn!(dir = %dir.display(), error = %e, "the data folder could not be made private");
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

pub struct Desk {
    /// The data folder's lock, held for the desk's life.
    _lock: std::fs::File,
    pub(crate) store: Arc<Store>,
    keychain: Keychain,
    pub(crate) operator: String,
    sandbox: tokio::sync::Mutex<Option<EmbeddedSandbox>>,
    client: OnceLock<p100::Client>,
    /// API keys as read from the keychain this session (`None`: no key there), so that the
    /// keychain is asked once per environment, never by a polling loop. Changed only through
    /// this desk, which updates it as it writes the keychain.
    keys: std::sync::Mutex<std::collections::HashMap<KeySlot, Option<ApiKey>>>,
    db_path: PathBuf,
    pub(crate) documents: Arc<crate::documents::Documents>,
    pub(crate) changes: tokio::sync::broadcast::Sender<crate::store::roster::UserRecord>,
    pub(crate) sync: tokio::sync::Mutex<crate::sync::SyncState>,
    /// Where webhooks go to be confirmed with P100, once sync has started.
    pub(crate) claims:
        std::sync::Mutex<Option<tokio::sync::mpsc::Sender<crate::store::claims::PendingClaim>>>,
    pub(crate) retries: tokio::sync::broadcast::Sender<crate::operation::RetryEvent>,
    /// Running operations' cancel switches, by outbox id.
    pub(crate) cancels:
        std::sync::Mutex<std::collections::HashMap<String, tokio::sync::watch::Sender<bool>>>,
    retry_policy: p100::RetryPolicy,
}

impl Desk {
    pub async fn open(config: DeskConfig) -> Result<Self> {
        let db_path = config.data_dir.join(DB_FILE);
        let path = db_path.clone();
        let (lock, store) = tokio::task::spawn_blocking(move || {
            let dir = path.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Internal(format!("cannot create the data folder: {e}")))?;
            make_private(dir);
            let lock = lock_data_dir(dir)?;
            Ok::<_, Error>((lock, Store::open(&path)?))
        })
        .await??;
        Ok(Self {
            _lock: lock,
            store: Arc::new(store),
            keychain: Keychain::new(config.keychain_service),
            operator: crate::operator::os_user(),
            sandbox: tokio::sync::Mutex::new(None),
            client: OnceLock::new(),
            keys: std::sync::Mutex::default(),
            db_path,
            documents: Arc::default(),
            changes: tokio::sync::broadcast::channel(1024).0,
            sync: tokio::sync::Mutex::default(),
            claims: std::sync::Mutex::default(),
            retries: tokio::sync::broadcast::channel(256).0,
            cancels: std::sync::Mutex::default(),
            retry_policy: config.retry_policy,
        })
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Runs blocking store work off the async threads, as one transaction: whatever `f` writes
    /// (an operation's outcome, its journal line and the closing of its outbox entry) commits
    /// together or not at all.
    pub(crate) async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.with_tx(f)).await?
    }

    pub(crate) async fn keychain<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Keychain) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let keychain = self.keychain.clone();
        tokio::task::spawn_blocking(move || f(&keychain)).await?
    }

    pub async fn current_environment(&self) -> Result<EnvironmentKind> {
        let v = self.db(|s| s.setting(SETTING_ENV)).await?;
        Ok(v.as_deref()
            .and_then(EnvironmentKind::parse)
            .unwrap_or(EnvironmentKind::Sandbox))
    }

    /// The selected environment; selecting Sandbox starts the embedded sandbox.
    pub async fn environment(&self) -> Result<EnvironmentInfo> {
        let kind = self.current_environment().await?;
        let custom_url = self.db(|s| s.setting(SETTING_CUSTOM_URL)).await?;
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
    pub async fn select_environment(
        &self,
        kind: EnvironmentKind,
        custom_url: Option<String>,
    ) -> Result<EnvironmentInfo> {
        let custom = match custom_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => Some(parse_custom_url(raw)?),
            None => None,
        };
        if kind == EnvironmentKind::Custom
            && custom.is_none()
            && self.db(|s| s.setting(SETTING_CUSTOM_URL)).await?.is_none()
        {
            return Err(Error::InvalidUrl(
                "enter the base URL of the Custom environment".into(),
            ));
        }
        // The Custom key belongs to the origin it was stored for (its keychain entry is named
        // after it), so a new URL finds no key. Moving to another origin also forgets the old
        // origin's key and the webhook token: nothing of the old host lingers to be sent later.
        let previous = self.db(|s| s.setting(SETTING_CUSTOM_URL)).await?;
        let moved_from = match (&custom, previous.as_deref().map(Url::parse)) {
            (Some(new), Some(Ok(old))) if new.origin() != old.origin() => Some(old),
            _ => None,
        };
        if let Some(old) = moved_from {
            self.forget_key(KeySlot::custom(&old)).await?;
            self.forget_key(EnvironmentKind::Custom.into()).await?;
            self.forget_webhook_token(EnvironmentKind::Custom).await?;
            tracing::info!(
                "custom URL moved to another host: its API key and webhook token were removed"
            );
        }
        self.db(move |s| {
            if let Some(url) = custom {
                s.set_setting(SETTING_CUSTOM_URL, url.as_str().trim_end_matches('/'))?;
            }
            s.set_setting(SETTING_ENV, kind.as_str())
        })
        .await?;
        self.environment().await
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
            .db(|s| s.setting(SETTING_CUSTOM_URL))
            .await?
            .ok_or_else(|| Error::InvalidUrl("no custom URL is set".into()))?;
        parse_custom_url(&raw)
    }

    fn cached_keys(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<KeySlot, Option<ApiKey>>> {
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

    /// Secrets this desk has read from the OS keychain so far (tests show it is once per
    /// environment and session).
    pub fn keychain_reads(&self) -> u64 {
        self.keychain.reads()
    }

    /// Asks P100 about a user that cannot exist: `P412` proves the key is accepted without
    /// touching any real user; a 401 says which of xo1/xo2/xo3 applies.
    pub async fn test_api_key(&self, kind: EnvironmentKind) -> Result<KeyTest> {
        let client = self.client_for(kind).await?;
        let probe = format!("partner-desk-key-test-{}", uuid::Uuid::new_v4());
        Ok(match client.get_kyc_status(&probe).await {
            Err(e) if e.code() == Some(p100::codes::Code::UserNotFound) => KeyTest {
                ok: true,
                message: format!("{} accepted the key.", kind.label()),
            },
            Ok(_) => KeyTest {
                ok: true,
                message: format!("{} accepted the key.", kind.label()),
            },
            Err(e) => KeyTest {
                ok: false,
                message: Error::P100(e).operator_message(),
            },
        })
    }

    /// A client for the environment: its URL and its key (the keychain's, or the embedded
    /// sandbox's), sharing one connection pool.
    pub(crate) async fn client_for(&self, kind: EnvironmentKind) -> Result<p100::Client> {
        let (url, key) = match kind {
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

    async fn ensure_sandbox(&self) -> Result<tokio::sync::MutexGuard<'_, Option<EmbeddedSandbox>>> {
        let mut guard = self.sandbox.lock().await;
        if guard.is_none() {
            let dir = self.db_path.parent().unwrap_or(Path::new("."));
            let sandbox = EmbeddedSandbox::start(dir).await?;
            *guard = Some(sandbox);
            // Lock order is sandbox, then sync: the receiver (if it runs) learns of the new
            // sandbox here; a receiver started later points it itself.
            drop(guard);
            self.point_sandbox_webhooks().await;
            guard = self.sandbox.lock().await;
            if guard.is_none() {
                return Err(Error::Sandbox("stopped while starting".into()));
            }
        }
        Ok(guard)
    }

    /// Runs `f` on the embedded sandbox only if it is already running.
    pub(crate) async fn if_sandbox_running(&self, f: impl FnOnce(&p100_sandbox::SandboxHandle)) {
        if let Some(sb) = self.sandbox.lock().await.as_ref() {
            f(sb.handle());
        }
    }

    /// Starts what the first screen asks for — the embedded sandbox, when Sandbox is selected —
    /// so that it starts while WebKit loads the page rather than after the page's first call
    /// (about 60 ms of a first launch's start, on the critical path otherwise).
    pub async fn prepare(&self) -> Result<()> {
        if self.current_environment().await? == EnvironmentKind::Sandbox {
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

    pub async fn journal(&self, limit: u32) -> Result<Vec<JournalEntry>> {
        self.db(move |s| s.recent_journal(limit)).await
    }

    /// Test and admin access to the embedded sandbox's state.
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
