//! How a sandbox is set up.

use std::net::SocketAddr;

/// Countries of residence for which POA is required for the extended level (G0's list; the
/// newer "Supported Countries" page could not be recovered).
pub const POA_COUNTRIES: &[&str] = &["AM", "AR", "AZ", "GE", "IL", "MD", "UA"];

#[derive(Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The one key the sandbox accepts in `x-api-key`.
    pub api_key: String,
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("listen", &self.listen)
            .field("api_key", &"***")
            .finish()
    }
}

impl SandboxConfig {
    /// Loopback, a free port, and the given key.
    pub fn local(api_key: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: api_key.into(),
        }
    }
}
