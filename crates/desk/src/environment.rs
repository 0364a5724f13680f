//! Where the desk sends its calls.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

pub use crate::vocabulary::{EnvironmentKind, PRODUCTION_URL, STAGING_URL};

/// The selected environment, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentInfo {
    pub kind: EnvironmentKind,
    pub label: String,
    /// Where calls go; for the sandbox, its loopback address once started.
    pub base_url: Option<String>,
    /// The custom URL remembered for the Custom environment, even while another is selected.
    pub custom_url: Option<String>,
    pub needs_key: bool,
    pub key_set: bool,
    pub is_production: bool,
}

/// A custom base URL must be http(s) with a host and nothing after the path; plain http only
/// to this machine, so a key never crosses a network in clear text.
pub fn parse_custom_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::InvalidUrl(format!("{e}; write it like https://p100.example.com")))?;
    let host = url.host_str().unwrap_or("");
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(Error::InvalidUrl(
                "use https:// (plain http is allowed only for localhost)".into(),
            ));
        }
        other => {
            return Err(Error::InvalidUrl(format!(
                "the scheme must be https, not {other}"
            )));
        }
    }
    if host.is_empty() {
        return Err(Error::InvalidUrl("the URL has no host".into()));
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(Error::InvalidUrl(
            "the URL must not carry credentials, a query or a fragment".into(),
        ));
    }
    Ok(url)
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_urls() {
        assert!(parse_custom_url("https://p100.example.com/api").is_ok());
        assert!(parse_custom_url("http://127.0.0.1:8100").is_ok());
        assert!(parse_custom_url("http://localhost:8100").is_ok());
        assert!(parse_custom_url("http://[::1]:8100").is_ok());
        assert!(parse_custom_url("http://p100.example.com").is_err());
        assert!(parse_custom_url("ftp://x.y").is_err());
        assert!(parse_custom_url("not a url").is_err());
        assert!(parse_custom_url("https://u:p@x.y").is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for k in EnvironmentKind::ALL {
            assert_eq!(EnvironmentKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            EnvironmentKind::Production.fixed_url(),
            Some("https://partner-api.p100.io")
        );
        assert!(!EnvironmentKind::Sandbox.needs_key());
    }
}
