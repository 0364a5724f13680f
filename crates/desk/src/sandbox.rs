//! The embedded sandbox: started in-process on loopback the first time the Sandbox environment
//! is used, with a key made for this run and held only in memory. Its users live in a SQLite
//! file beside the desk's own, so the Sandbox roster and the sandbox agree after a restart.

use crate::error::{Error, Result};
use p100::ApiKey;
use p100_sandbox::{SandboxConfig, SandboxHandle};
use std::path::Path;
use url::Url;

/// The embedded sandbox's state, in the desk's data folder: P100's side (it holds the cards it issued).
pub const STATE_FILE: &str = "embedded-sandbox.sqlite3";
/// How long the embedded sandbox takes to decide a review, in ms (default 2000).
pub const REVIEW_DELAY_ENV: &str = "PARTNER_DESK_SANDBOX_REVIEW_MS";
/// The embedded sandbox reads uploads no faster than this many KiB/s (default: as fast as sent).
pub const UPLINK_ENV: &str = "PARTNER_DESK_SANDBOX_UPLINK_KIBPS";
/// The embedded sandbox's key for this run instead of a random one: the secrets scan sets it to
/// know what to look for (the key only ever opens this loopback sandbox's own data).
pub const KEY_ENV: &str = "PARTNER_DESK_SANDBOX_API_KEY";

pub struct EmbeddedSandbox {
    handle: SandboxHandle,
    key: ApiKey,
    url: Url,
}

impl EmbeddedSandbox {
    pub async fn start(data_dir: &Path) -> Result<Self> {
        let raw = std::env::var(KEY_ENV)
            .ok()
            .filter(|k| !k.trim().is_empty())
            .unwrap_or_else(|| format!("sbx_{}", uuid::Uuid::new_v4().simple()));
        let key = ApiKey::new(&raw).map_err(|e| Error::Sandbox(e.to_string()))?;
        let mut config = SandboxConfig::local(raw);
        config.state_file = Some(data_dir.join(STATE_FILE));
        // Demos and end-to-end tests slow P100's review down to watch the board move.
        if let Some(ms) = std::env::var(REVIEW_DELAY_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            config = config.with_review_delay(std::time::Duration::from_millis(ms));
        }
        let (_, handle) = p100_sandbox::spawn(config)
            .await
            .map_err(|e| Error::Sandbox(e.to_string()))?;
        // Loopback uploads finish in milliseconds; demos (and the end-to-end test of the
        // progress bars) slow them to a real uplink's pace.
        if let Some(kib) = std::env::var(UPLINK_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|&k| k > 0)
        {
            handle.state().faults.add(p100_sandbox::faults::FaultRule {
                fault: p100_sandbox::faults::Fault::SlowUpload {
                    bytes_per_sec: kib * 1024,
                },
                times: 0,
                path_prefix: None,
                method: Some("POST".into()),
            });
        }
        let url = Url::parse(&handle.base_url()).map_err(|e| Error::Sandbox(e.to_string()))?;
        tracing::info!(%url, "embedded sandbox started");
        Ok(Self { handle, key, url })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn key(&self) -> &ApiKey {
        &self.key
    }

    pub fn handle(&self) -> &SandboxHandle {
        &self.handle
    }
}
