//! The embedded sandbox: started in-process on loopback the first time the Sandbox environment
//! is used, with a key made for this run and held only in memory. Its users live in a SQLite
//! file beside the desk's own, so the Sandbox roster and the sandbox agree after a restart.

use crate::error::{Error, Result};
use p100::ApiKey;
use p100_sandbox::{SandboxConfig, SandboxHandle};
use std::path::Path;
use url::Url;

const STATE_FILE: &str = "embedded-sandbox.sqlite3";

pub struct EmbeddedSandbox {
    handle: SandboxHandle,
    key: ApiKey,
    url: Url,
}

impl EmbeddedSandbox {
    pub async fn start(data_dir: &Path) -> Result<Self> {
        let raw = format!("sbx_{}", uuid::Uuid::new_v4().simple());
        let key = ApiKey::new(&raw).map_err(|e| Error::Sandbox(e.to_string()))?;
        let mut config = SandboxConfig::local(raw);
        config.state_file = Some(data_dir.join(STATE_FILE));
        let (_, handle) = p100_sandbox::spawn(config)
            .await
            .map_err(|e| Error::Sandbox(e.to_string()))?;
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
