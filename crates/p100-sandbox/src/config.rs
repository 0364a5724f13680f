//! How a sandbox is set up.

use crate::webhooks::WebhookConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Countries of residence for which POA is required for the extended level (G0's list; the
/// newer "Supported Countries" page could not be recovered).
pub use p100::countries::POA_COUNTRIES;

#[derive(Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The one key the sandbox accepts in `x-api-key`.
    pub api_key: String,
    /// How long an automatic review (KYC, verification, POA) takes.
    pub review_delay: Duration,
    pub webhooks: WebhookConfig,
    /// Keep users in this SQLite file across restarts; `None` keeps them in memory.
    pub state_file: Option<PathBuf>,
    /// Requests per second per key before 429; `None` (the default) is unlimited.
    pub rate_limit_per_sec: Option<u32>,
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("listen", &self.listen)
            .field("api_key", &"***")
            .field("review_delay", &self.review_delay)
            .field("webhooks", &self.webhooks)
            .field("state_file", &self.state_file)
            .field("rate_limit_per_sec", &self.rate_limit_per_sec)
            .finish()
    }
}

impl SandboxConfig {
    pub const DEFAULT_REVIEW_DELAY: Duration = Duration::from_secs(2);

    /// Loopback, a free port, the given key, in memory, no webhooks.
    pub fn local(api_key: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: api_key.into(),
            review_delay: Self::DEFAULT_REVIEW_DELAY,
            webhooks: WebhookConfig::default(),
            state_file: None,
            rate_limit_per_sec: None,
        }
    }

    pub fn with_review_delay(mut self, delay: Duration) -> Self {
        self.review_delay = delay;
        self
    }
}
