//! API keys in the OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
//! A key goes in, can be tested, replaced or removed, and its presence is known; it is read
//! back only to make a call, never to show it.

use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use p100::ApiKey;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

    /// A token the operator typed or pasted: the shape rules, and at least
    /// [`WebhookToken::MIN_TYPED_LEN`] characters, so that it cannot be guessed by trying.
    pub fn typed(raw: impl AsRef<str>) -> std::result::Result<Self, String> {
        let token = Self::new(raw).map_err(|e| Self::refusal(&e))?;
        let len = token.expose().chars().count();
        if len < Self::MIN_TYPED_LEN {
            return Err(format!(
                "the webhook token is {len} characters long; use at least {} (or let the desk \
                 generate one)",
                Self::MIN_TYPED_LEN
            ));
        }
        Ok(token)
    }

    /// The shortest token an operator may type.
    pub const MIN_TYPED_LEN: usize = 24;
    /// Random bytes in a generated token.
    pub const GENERATED_BYTES: usize = 32;

    /// A fresh token from the OS's random source: `whk_` and 32 bytes in URL-safe base64
    /// (47 characters), visible ASCII as P100's header needs.
    pub fn generate() -> Self {
        use base64::Engine as _;
        let mut bytes = [0u8; Self::GENERATED_BYTES];
        // The OS random source failing is not something to go on without: a predictable token
        // would let anyone post events.
        getrandom::fill(&mut bytes).expect("the OS random source is available");
        let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        Self(ApiKey::new(format!("whk_{text}")).expect("visible ASCII"))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The token's text, for the one place it leaves the desk on purpose: the shell copies a
    /// newly generated token to the OS clipboard for the operator to give to P100. Never to
    /// the webview, a log or a file.
    pub fn reveal_to_operator(&self) -> &str {
        self.0.expose()
    }

    /// A short, non-secret name for the token (the first 8 hex digits of its SHA-256), so the
    /// operator can tell which token is set without seeing it.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(self.expose().as_bytes());
        digest[..4].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Compares with what a caller sent in constant time, so the answer's timing does not leak
    /// how much of the token was right.
    pub fn matches(&self, presented: &str) -> bool {
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

/// Which keychain entry holds an API key: one per fixed environment; for Custom, one per origin
/// (scheme, host and port) of the URL it was stored for. A Custom key is looked up under the
/// origin calls are about to go to, so pointing Custom at another host finds no key there: the
/// key never follows the URL, whatever order the key and the URL were set in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeySlot {
    env: EnvironmentKind,
    origin: Option<String>,
}

impl KeySlot {
    /// The Custom environment's slot for the origin of `url`.
    pub fn custom(url: &url::Url) -> Self {
        Self {
            env: EnvironmentKind::Custom,
            origin: Some(url.origin().ascii_serialization()),
        }
    }

    pub fn environment(&self) -> EnvironmentKind {
        self.env
    }

    fn account(&self) -> String {
        match &self.origin {
            Some(origin) => format!("api-key/{}@{origin}", self.env.as_str()),
            None => format!("api-key/{}", self.env.as_str()),
        }
    }
}

/// A fixed environment's slot. For Custom this is the entry of desks before keys were bound to
/// their host: it is never read to make a call, only removed.
impl From<EnvironmentKind> for KeySlot {
    fn from(env: EnvironmentKind) -> Self {
        Self { env, origin: None }
    }
}

/// The keychain entries of one desk installation. Blocking: call from `spawn_blocking`.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
    /// How many secrets were read from the OS keychain, for the tests that show it is read
    /// once per environment and session (never in a polling loop).
    reads: Arc<AtomicU64>,
}

impl Keychain {
    /// `service` groups the desk's entries; tests pass their own so they never touch real ones.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            reads: Arc::default(),
        }
    }

    /// Secrets read from the OS keychain so far by this handle and its clones.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    fn entry(&self, slot: &KeySlot) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &slot.account()).map_err(map_err)
    }

    fn token_entry(&self, env: EnvironmentKind) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &format!("webhook-token/{}", env.as_str()))
            .map_err(map_err)
    }

    fn read(&self, entry: &keyring::Entry) -> Result<Option<String>> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        match entry.get_password() {
            Ok(raw) => Ok(Some(raw)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn delete(entry: &keyring::Entry) -> Result<bool> {
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_err(e)),
        }
    }

    pub fn set_webhook_token(&self, env: EnvironmentKind, token: &WebhookToken) -> Result<()> {
        self.token_entry(env)?
            .set_password(token.0.expose())
            .map_err(map_err)
    }

    pub fn remove_webhook_token(&self, env: EnvironmentKind) -> Result<bool> {
        Self::delete(&self.token_entry(env)?)
    }

    /// The token P100 puts in `Authorization`, for the receiver to compare. Crate-private.
    pub(crate) fn webhook_token(&self, env: EnvironmentKind) -> Result<Option<WebhookToken>> {
        Ok(self
            .read(&self.token_entry(env)?)?
            .and_then(|raw| WebhookToken::new(raw).ok()))
    }

    /// The operator token for the hub at `origin` (a token never follows a hub URL elsewhere).
    fn operator_token_entry(&self, origin: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &format!("operator-token@{origin}")).map_err(map_err)
    }

    pub fn set_operator_token(&self, origin: &str, token: &ApiKey) -> Result<()> {
        self.operator_token_entry(origin)?
            .set_password(token.expose())
            .map_err(map_err)
    }

    pub fn remove_operator_token(&self, origin: &str) -> Result<bool> {
        Self::delete(&self.operator_token_entry(origin)?)
    }

    /// The operator token for the hub at `origin`. Crate-private, like keys.
    pub(crate) fn operator_token(&self, origin: &str) -> Result<Option<ApiKey>> {
        Ok(self
            .read(&self.operator_token_entry(origin)?)?
            .and_then(|raw| ApiKey::new(raw).ok()))
    }

    pub fn set(&self, slot: impl Into<KeySlot>, key: &ApiKey) -> Result<()> {
        self.entry(&slot.into())?
            .set_password(key.expose())
            .map_err(map_err)
    }

    pub fn is_set(&self, slot: impl Into<KeySlot>) -> Result<bool> {
        Ok(self.get(slot)?.is_some())
    }

    /// Removes the key; `false` when there was none.
    pub fn remove(&self, slot: impl Into<KeySlot>) -> Result<bool> {
        Self::delete(&self.entry(&slot.into())?)
    }

    /// The key, for building a client. Crate-private: nothing outside the desk core reads it.
    pub(crate) fn get(&self, slot: impl Into<KeySlot>) -> Result<Option<ApiKey>> {
        Ok(self
            .read(&self.entry(&slot.into())?)?
            .and_then(|raw| ApiKey::new(raw).ok()))
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
    fn generated_tokens_carry_32_random_bytes_and_typed_ones_need_24_characters() {
        use base64::Engine as _;
        let a = WebhookToken::generate();
        let b = WebhookToken::generate();
        assert_ne!(a, b);
        let raw = a.expose().strip_prefix("whk_").unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .unwrap();
        assert_eq!(bytes.len(), WebhookToken::GENERATED_BYTES);
        assert!(
            WebhookToken::typed(a.expose()).is_ok(),
            "a generated token may be typed back"
        );
        let short = "x".repeat(WebhookToken::MIN_TYPED_LEN - 1);
        let said = WebhookToken::typed(&short).unwrap_err();
        assert!(
            said.contains("23 characters") && said.contains("at least 24"),
            "{said}"
        );
        assert!(WebhookToken::typed("y".repeat(24)).is_ok());
        assert!(WebhookToken::typed(format!("{} z", "y".repeat(30))).is_err());
        // The fingerprint names the token without showing it.
        assert_eq!(a.fingerprint().len(), 8);
        assert!(!a.expose().contains(&a.fingerprint()));
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
