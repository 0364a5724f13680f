//! The desk's words for what it records: typed, so that a stored value the desk does not know
//! is an error when read, never a silent default.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const STAGING_URL: &str = "https://partner-api-stage.p100.io";
pub const PRODUCTION_URL: &str = "https://partner-api.p100.io";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum EnvironmentKind {
    /// The embedded local sandbox: the default, needs no key.
    Sandbox,
    Staging,
    Production,
    /// A URL the operator typed (a proxy, a standalone sandbox).
    Custom,
}

impl EnvironmentKind {
    pub const ALL: [EnvironmentKind; 4] =
        [Self::Sandbox, Self::Staging, Self::Production, Self::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Staging => "staging",
            Self::Production => "production",
            Self::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Sandbox => "Sandbox",
            Self::Staging => "Staging",
            Self::Production => "Production",
            Self::Custom => "Custom URL",
        }
    }

    /// Whether calls need a key from the keychain (the embedded sandbox makes its own).
    pub fn needs_key(self) -> bool {
        self != Self::Sandbox
    }

    pub fn fixed_url(self) -> Option<&'static str> {
        match self {
            Self::Staging => Some(STAGING_URL),
            Self::Production => Some(PRODUCTION_URL),
            Self::Sandbox | Self::Custom => None,
        }
    }
}

/// How a user's identity is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum KycMethod {
    /// Method A: the partner uploads the documents (Add KYC File).
    Files,
    /// Method B: P100's hosted check (Creating KYC Verification).
    Hosted,
}

impl KycMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Files => "files",
            Self::Hosted => "hosted",
        }
    }
}

/// Which way a transfer moves money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TransferDirection {
    /// From the partner's balance to the user's.
    Fund,
    /// From the user's balance to the partner's.
    Collect,
}
