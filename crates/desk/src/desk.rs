//! [`Desk`]: the one object the shell talks to — a facade over the components, each with its
//! own state and one-way dependencies: Environments (store, keychain) ← Operations (store) and
//! Sync (store, Environments). The domain's operations (`users.rs`, `uploads.rs`,
//! `recovery.rs`, `views.rs`) are methods of the facade built from the components.

use crate::credentials::Keychain;
use crate::environment::{EnvironmentInfo, EnvironmentKind};
use crate::environments::Environments;
pub use crate::environments::{CredentialStatus, KeyTest};
use crate::error::{Error, Result};
use crate::ledger::journal::JournalEntry;
use crate::ledger::roster::UserRecord;
use crate::ledger::{Ledger, Tx};
use crate::operation::{Operations, RetryEvent};
use crate::store::Store;
use crate::sync::{LiveSync, SyncStatus};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use url::Url;

/// The keychain service under which a normal installation keeps its entries.
pub const KEYCHAIN_SERVICE: &str = "io.partnerdesk.app";
const DB_FILE: &str = "partner-desk.sqlite3";
/// Held locked (an OS file lock) while a desk has the data folder open: one desk per folder.
const LOCK_FILE: &str = "partner-desk.lock";

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

/// The desk core. Cheap to copy for another operator ([`Desk::acting_as`]): the components are
/// shared.
#[derive(Clone)]
pub struct Desk {
    /// The data folder's lock, held for the desk's life (none in the hub: it has no folder).
    _lock: Option<Arc<std::fs::File>>,
    store: Arc<dyn Ledger>,
    environments: Arc<Environments>,
    operations: Operations,
    sync: Arc<LiveSync>,
    documents: Arc<crate::documents::Documents>,
    /// Documents kept after upload, in the data folder (none in the hub: it has no folder).
    kept: Option<Arc<crate::kept::KeptDocuments>>,
    team: Arc<crate::team::Team>,
    db_path: PathBuf,
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
        let store: Arc<dyn Ledger> = Arc::new(store);
        let environments = Arc::new(Environments::new(
            store.clone(),
            Keychain::new(config.keychain_service),
            config.data_dir.clone(),
            config.retry_policy,
        ));
        let team = Arc::new(crate::team::Team::new(store.clone(), environments.clone()));
        team.restore().await;
        let desk = Self {
            _lock: Some(Arc::new(lock)),
            operations: Operations::new(store.clone(), crate::operator::os_user()),
            sync: Arc::new(LiveSync::new(store.clone(), environments.clone())),
            environments,
            store,
            documents: Arc::default(),
            kept: Some(Arc::new(crate::kept::KeptDocuments::new(&config.data_dir))),
            team,
            db_path,
        };
        // Kept documents past their days go before anything else runs, then every hour.
        desk.purge_kept().await;
        if let Some(kept) = desk.kept() {
            crate::kept::spawn_purger(kept, Arc::downgrade(&desk.store));
        }
        Ok(desk)
    }

    /// The core as the hub runs it: `ledger` (PostgreSQL), one P100 given at start, no keychain,
    /// no embedded sandbox, no webhook receiver of its own (the hub receives webhooks).
    pub fn serving(
        ledger: Arc<dyn Ledger>,
        remote: crate::environments::Remote,
        retry_policy: p100::RetryPolicy,
        operator: String,
    ) -> Self {
        let environments = Arc::new(Environments::remote(
            ledger.clone(),
            remote,
            Keychain::new(KEYCHAIN_SERVICE),
            PathBuf::new(),
            retry_policy,
        ));
        Self {
            _lock: None,
            operations: Operations::new(ledger.clone(), operator),
            sync: Arc::new(LiveSync::new(ledger.clone(), environments.clone())),
            team: Arc::new(crate::team::Team::new(ledger.clone(), environments.clone())),
            environments,
            store: ledger,
            documents: Arc::default(),
            kept: None,
            db_path: PathBuf::new(),
        }
    }

    /// The same core writing through `ledger` (which names `operator` on the events it
    /// records) and journaling as `operator`: one per authenticated request in the hub.
    pub fn acting_as(&self, ledger: Arc<dyn Ledger>, operator: String) -> Self {
        Self {
            operations: self.operations.acting_as(ledger.clone(), operator),
            store: ledger,
            ..self.clone()
        }
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Runs blocking store work off the async threads, as one transaction: whatever `f` writes
    /// (an operation's outcome, its journal line and the closing of its outbox entry) commits
    /// together or not at all.
    pub(crate) async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        crate::ledger::in_tx_blocking(self.store.clone(), f).await
    }

    /// Runs `f` against the selected environment, read in the same unit of work: the window's
    /// reads (a page per keystroke, the board, the filters) make one trip to the store, not two.
    pub(crate) async fn db_current<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Tx, EnvironmentKind) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let environments = self.environments_handle();
        self.db(move |s| f(s, environments.current_in(s)?)).await
    }

    /// Records the activation of a verified user still waiting, when P100 shows its balances.
    pub(crate) async fn activate_if_due(
        &self,
        env: EnvironmentKind,
        ext: &str,
        source: crate::timeline::EventSource,
    ) -> Result<Option<UserRecord>> {
        self.sync.activate_if_due(env, ext, source).await
    }

    /// Tells whoever follows the roster (the window) that a user's row changed.
    pub(crate) fn announce(&self, record: UserRecord) {
        (self.sync.notifier())(record)
    }

    pub(crate) fn team(&self) -> &crate::team::Team {
        &self.team
    }

    /// The team's hub, while this desk works through one: the shell sends it every operation
    /// that is not a desktop's own setting.
    pub fn hub(&self) -> Option<crate::hub_client::HubClient> {
        self.team.client()
    }

    /// Bumped whenever the desk connects to a hub or leaves it.
    pub fn hub_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.team.changes()
    }

    pub(crate) fn environments(&self) -> &Environments {
        &self.environments
    }

    /// The environments, for a unit of work that reads the selected one itself.
    pub(crate) fn environments_handle(&self) -> Arc<Environments> {
        self.environments.clone()
    }

    pub(crate) fn operations(&self) -> &Operations {
        &self.operations
    }

    pub(crate) fn documents(&self) -> &crate::documents::Documents {
        &self.documents
    }

    pub(crate) fn documents_arc(&self) -> Arc<crate::documents::Documents> {
        self.documents.clone()
    }

    pub(crate) fn kept(&self) -> Option<Arc<crate::kept::KeptDocuments>> {
        self.kept.clone()
    }

    // ----- Environments

    pub async fn current_environment(&self) -> Result<EnvironmentKind> {
        self.environments.current().await
    }

    /// The selected environment; selecting Sandbox starts the embedded sandbox.
    pub async fn environment(&self) -> Result<EnvironmentInfo> {
        // In team mode the screens show the team's data: the hub's environment.
        if let Some((kind, hub)) = self.team.environment().await? {
            return Ok(EnvironmentInfo {
                kind,
                label: format!("{} (team hub)", kind.label()),
                base_url: Some(hub.to_string()),
                custom_url: None,
                needs_key: false,
                key_set: true,
                is_production: kind == EnvironmentKind::Production,
            });
        }
        self.environments.info().await
    }

    /// Switches environment. Custom needs a URL, given now or remembered from before; moving
    /// it to another host forgets the old host's key and the Custom webhook token.
    pub async fn select_environment(
        &self,
        kind: EnvironmentKind,
        custom_url: Option<String>,
    ) -> Result<EnvironmentInfo> {
        if self.team.client().is_some() {
            return Err(Error::Invalid(vec![p100::FieldError::new(
                "environment",
                "this desk works through the team's hub, which serves one environment: leave the \
                 team (Settings) to choose another",
            )]));
        }
        let selected = self.environments.select(kind, custom_url).await?;
        if selected.custom_moved {
            self.sync
                .forget_webhook_token(EnvironmentKind::Custom)
                .await?;
        }
        Ok(selected.info)
    }

    pub async fn credentials(&self) -> Result<Vec<CredentialStatus>> {
        self.environments.credentials().await
    }

    /// Stores (or replaces) an environment's key in the OS keychain. A Custom key is stored for
    /// the Custom URL's origin, so the URL must be set first.
    pub async fn set_api_key(&self, kind: EnvironmentKind, raw: String) -> Result<()> {
        self.environments.set_api_key(kind, raw).await
    }

    pub async fn remove_api_key(&self, kind: EnvironmentKind) -> Result<bool> {
        self.environments.remove_api_key(kind).await
    }

    /// Asks P100 about a user that cannot exist: `P412` proves the key is accepted.
    pub async fn test_api_key(&self, kind: EnvironmentKind) -> Result<KeyTest> {
        self.environments.test_api_key(kind).await
    }

    /// Secrets this desk has read from the OS keychain so far (tests show it is once per
    /// environment and session).
    pub fn keychain_reads(&self) -> u64 {
        self.environments.keychain_reads()
    }

    /// Starts what the first screen asks for — the embedded sandbox, when Sandbox is selected —
    /// so that it starts while WebKit loads the page rather than after the page's first call
    /// (about 60 ms of a first launch's start, on the critical path otherwise).
    pub async fn prepare(&self) -> Result<()> {
        self.environments.prepare().await
    }

    /// The embedded sandbox's base URL, starting it if needed.
    pub async fn sandbox_url(&self) -> Result<Url> {
        self.environments.sandbox_url().await
    }

    /// Test and admin access to the embedded sandbox's state.
    pub async fn with_sandbox<T>(
        &self,
        f: impl FnOnce(&p100_sandbox::SandboxHandle) -> T,
    ) -> Result<T> {
        self.environments.with_sandbox(f).await
    }

    // ----- Operations

    /// Every retry wait as it is scheduled, for the window.
    pub fn subscribe_retries(&self) -> tokio::sync::broadcast::Receiver<RetryEvent> {
        self.operations.subscribe_retries()
    }

    /// Cancels the retry wait of a running operation, or a running upload (by the id given to
    /// [`Desk::cancellable`]); `false` when nothing of that id is running.
    pub fn cancel_operation(&self, operation_id: &str) -> bool {
        self.operations.cancel(operation_id)
    }

    /// Runs an upload (or other long work) that `cancel_operation(id)` can stop; stopped, it
    /// answers [`Error::UploadCancelled`].
    pub async fn cancellable<T>(
        &self,
        id: &str,
        work: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        self.operations.cancellable(id, work).await
    }

    pub async fn journal(&self, limit: u32) -> Result<Vec<JournalEntry>> {
        self.db(move |s| s.recent_journal(limit)).await
    }

    // ----- Sync

    /// Every roster row that sync changes, as it happens.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<UserRecord> {
        self.sync.subscribe()
    }

    /// Starts the webhook receiver, the confirmation of webhooks and the poller. Called once
    /// by the shell after opening; claims left unconfirmed by an earlier run are taken up again.
    pub async fn start_sync(&self) -> Result<()> {
        self.sync.start().await
    }

    /// Asks P100 about a webhook's claim once and settles it (the hub's queue workers; the
    /// desk's own sync keeps an in-memory queue). An error: P100 could not be asked, the claim
    /// stays pending.
    pub async fn confirm_claim(
        &self,
        claim: &crate::ledger::claims::PendingClaim,
    ) -> Result<Option<UserRecord>> {
        self.sync.confirm_once(claim).await
    }

    /// Asks P100 for the KYC status of a user under review and records what changed, as the
    /// desk's own polling does (the hub's poll queue keeps the schedule). True when the answer
    /// changed what the roster knew.
    pub async fn poll_review(&self, external_user_id: &str) -> Result<bool> {
        self.sync.poll_one(external_user_id).await
    }

    /// Settles a claim P100 could not be asked about (after the last attempt) as unconfirmed.
    pub async fn give_up_claim(
        &self,
        claim: &crate::ledger::claims::PendingClaim,
        why: &Error,
    ) -> Result<Option<UserRecord>> {
        self.sync.give_up(claim, why).await
    }

    pub async fn sync_status(&self) -> Result<SyncStatus> {
        self.sync.status().await
    }

    /// Stores a webhook token the operator typed (at least 24 characters, used by no other
    /// environment).
    pub async fn set_webhook_token(&self, env: EnvironmentKind, raw: String) -> Result<SyncStatus> {
        self.sync.set_webhook_token(env, raw).await
    }

    /// A new random token for `env`, handed to `deliver` (the shell's clipboard) and stored
    /// once delivered.
    pub async fn generate_webhook_token(
        &self,
        env: EnvironmentKind,
        deliver: impl FnOnce(&crate::credentials::WebhookToken) -> std::result::Result<(), String>,
    ) -> Result<(SyncStatus, crate::credentials::WebhookToken)> {
        self.sync.generate_webhook_token(env, deliver).await
    }

    pub async fn remove_webhook_token(&self, env: EnvironmentKind) -> Result<SyncStatus> {
        self.sync.remove_webhook_token(env).await
    }

    /// The port the receiver listens on (0: any free port; a fixed one for a tunnel).
    pub async fn set_webhook_port(&self, port: u16) -> Result<SyncStatus> {
        self.sync.set_webhook_port(port).await
    }
}
