//! The API key, kept out of logs by its type.

use std::fmt;

/// Header that carries the key. P100's FAQ insists on this lowercase spelling.
pub const API_KEY_HEADER: &str = "x-api-key";

/// A P100 API key. `Debug` and `Display` print `***`, so that a key inside any logged value,
/// error or struct never reaches a log; the only way to the text is [`ApiKey::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

/// Why a string cannot be an API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidApiKey {
    #[error("the API key is empty")]
    Empty,
    #[error("the API key is longer than {max} characters")]
    TooLong { max: usize },
    #[error("the API key may contain only visible ASCII characters (no spaces or line breaks)")]
    BadCharacter,
}

impl ApiKey {
    pub const MAX_LEN: usize = 512;

    /// Accepts a key as pasted by an operator: surrounding whitespace is dropped, and what is
    /// left must be a valid HTTP header value made of visible ASCII.
    pub fn new(raw: impl AsRef<str>) -> Result<Self, InvalidApiKey> {
        let key = raw.as_ref().trim();
        if key.is_empty() {
            return Err(InvalidApiKey::Empty);
        }
        if key.len() > Self::MAX_LEN {
            return Err(InvalidApiKey::TooLong { max: Self::MAX_LEN });
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidApiKey::BadCharacter);
        }
        Ok(Self(key.to_owned()))
    }

    /// The secret itself, for the request header and the keychain only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_key() {
        let key = ApiKey::new("  sk_live_abcdef123  ").unwrap();
        assert_eq!(key.expose(), "sk_live_abcdef123");
        assert_eq!(format!("{key}"), "***");
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert!(!format!("{:?}", Some(&key)).contains("abcdef"));
    }

    #[test]
    fn rejects_keys_that_cannot_be_a_header() {
        assert_eq!(ApiKey::new("   "), Err(InvalidApiKey::Empty));
        assert_eq!(ApiKey::new("ab cd"), Err(InvalidApiKey::BadCharacter));
        assert_eq!(ApiKey::new("ab\ncd"), Err(InvalidApiKey::BadCharacter));
        assert_eq!(ApiKey::new("é"), Err(InvalidApiKey::BadCharacter));
        assert_eq!(
            ApiKey::new("k".repeat(513)),
            Err(InvalidApiKey::TooLong { max: 512 })
        );
    }
}
