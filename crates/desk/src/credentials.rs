//! API keys in the OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
//! A key goes in, can be tested, replaced or removed, and its presence is known; it is read
//! back only to make a call, never to show it.

use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use p100::ApiKey;

/// The keychain entries of one desk installation. Blocking: call from `spawn_blocking`.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

impl Keychain {
    /// `service` groups the desk's entries; tests pass their own so they never touch real ones.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, env: EnvironmentKind) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &format!("api-key/{}", env.as_str())).map_err(map_err)
    }

    pub fn set(&self, env: EnvironmentKind, key: &ApiKey) -> Result<()> {
        self.entry(env)?.set_password(key.expose()).map_err(map_err)
    }

    pub fn is_set(&self, env: EnvironmentKind) -> Result<bool> {
        Ok(self.get(env)?.is_some())
    }

    /// Removes the key; `false` when there was none.
    pub fn remove(&self, env: EnvironmentKind) -> Result<bool> {
        match self.entry(env)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_err(e)),
        }
    }

    /// The key, for building a client. Crate-private: nothing outside the desk core reads it.
    pub(crate) fn get(&self, env: EnvironmentKind) -> Result<Option<ApiKey>> {
        match self.entry(env)?.get_password() {
            Ok(raw) => Ok(ApiKey::new(raw).ok()),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }
}

fn map_err(e: keyring::Error) -> Error {
    use keyring::Error as K;
    match e {
        K::NoDefaultStore => {
            Error::KeychainUnavailable("no credential store could be opened".into())
        }
        K::NoStorageAccess(p) => {
            Error::KeychainUnavailable(format!("the keychain is locked or refused access: {p}"))
        }
        K::PlatformFailure(p) => Error::KeychainUnavailable(p.to_string()),
        // Never echo stored bytes: they may be a secret.
        K::BadEncoding(_) | K::BadDataFormat(..) => {
            Error::Keychain("the stored entry is not readable text".into())
        }
        other => Error::Keychain(other.to_string()),
    }
}
