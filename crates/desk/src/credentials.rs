//! API keys in the OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
//! A key goes in, can be tested, replaced or removed, and its presence is known; it is read
//! back only to make a call, never to show it.

use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use p100::ApiKey;

/// The webhook security token P100 sends in `Authorization` (REFERENCE.md §1.2, §7.1). Same
/// shape rules as an API key, and just as secret: Debug and Display print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookToken(ApiKey);

impl WebhookToken {
    pub fn new(raw: impl AsRef<str>) -> std::result::Result<Self, p100::InvalidApiKey> {
        ApiKey::new(raw).map(Self)
    }

    /// Why `raw` was refused, said of a webhook token (the shared rules speak of an API key).
    pub fn refusal(e: &p100::InvalidApiKey) -> String {
        use p100::InvalidApiKey as I;
        match e {
            I::Empty => "the webhook token is empty".into(),
            I::TooLong { max } => format!("the webhook token is longer than {max} characters"),
            I::BadCharacter => "the webhook token may contain only visible ASCII characters \
                                (no spaces or line breaks)"
                .into(),
        }
    }

    /// A fresh random token, for the embedded sandbox.
    pub fn generate() -> Self {
        Self(ApiKey::new(format!("whk_{}", uuid::Uuid::new_v4().simple())).expect("visible ASCII"))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose()
    }

    /// Compares with what a caller sent in constant time, so the answer's timing does not leak
    /// how much of the token was right.
    pub(crate) fn matches(&self, presented: &str) -> bool {
        let (a, b) = (self.expose().as_bytes(), presented.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl std::fmt::Debug for WebhookToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookToken(***)")
    }
}

impl std::fmt::Display for WebhookToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

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

    fn token_entry(&self, env: EnvironmentKind) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &format!("webhook-token/{}", env.as_str()))
            .map_err(map_err)
    }

    pub fn set_webhook_token(&self, env: EnvironmentKind, token: &WebhookToken) -> Result<()> {
        self.token_entry(env)?
            .set_password(token.0.expose())
            .map_err(map_err)
    }

    pub fn remove_webhook_token(&self, env: EnvironmentKind) -> Result<bool> {
        match self.token_entry(env)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_err(e)),
        }
    }

    /// The token P100 puts in `Authorization`, for the receiver to compare. Crate-private.
    pub(crate) fn webhook_token(&self, env: EnvironmentKind) -> Result<Option<WebhookToken>> {
        match self.token_entry(env)?.get_password() {
            Ok(raw) => Ok(WebhookToken::new(raw).ok()),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_token_never_prints_itself() {
        let token = WebhookToken::new("  whk_s3cr3t-value  ").unwrap();
        assert_eq!(token.expose(), "whk_s3cr3t-value");
        assert_eq!(format!("{token}"), "***");
        assert_eq!(format!("{token:?}"), "WebhookToken(***)");
        assert_eq!(format!("{token:#?}"), "WebhookToken(***)");
        // Inside other values too (a tuple, an Option, a Vec), as a log line would show them.
        let nested = format!(
            "{:?}",
            (EnvironmentKind::Staging, Some(&token), vec![token.clone()])
        );
        assert!(!nested.contains("s3cr3t"), "{nested}");
        let generated = WebhookToken::generate();
        assert!(generated.expose().starts_with("whk_"));
        assert!(!format!("{generated:?} {generated}").contains(generated.expose()));
    }

    #[test]
    fn tokens_compare_in_full() {
        let token = WebhookToken::new("whk_abc").unwrap();
        assert!(token.matches("whk_abc"));
        for wrong in ["", "whk_ab", "whk_abcd", "WHK_ABC", "whk_abd", " whk_abc"] {
            assert!(!token.matches(wrong), "{wrong:?}");
        }
    }

    #[test]
    fn a_refused_token_is_explained_as_a_token() {
        for raw in ["", "has space", "line\nbreak", "é", &"t".repeat(513)] {
            let e = WebhookToken::new(raw).unwrap_err();
            let said = WebhookToken::refusal(&e);
            assert!(said.starts_with("the webhook token "), "{raw:?}: {said}");
            assert!(!said.contains("API key"), "{said}");
        }
    }
}
