//! Fixtures shared by the client's integration tests against the sandbox on loopback.
// Each test binary uses some of these.
#![allow(dead_code)]

use p100::{ApiKey, Client};
use p100_sandbox::{SandboxConfig, SandboxHandle, spawn};

/// A sandbox on a free loopback port.
pub async fn sandbox(config: SandboxConfig) -> SandboxHandle {
    spawn(config).await.expect("sandbox starts").1
}

/// A client for `sb` that sends `key`.
pub fn client(sb: &SandboxHandle, key: &str) -> Client {
    Client::new(sb.base_url().parse().unwrap(), ApiKey::new(key).unwrap()).unwrap()
}
