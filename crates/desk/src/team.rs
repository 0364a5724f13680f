//! Team mode on a desktop: the team's hub this desk works through, and this operator's token.
//! The hub's URL is a setting; the token lives in the OS keychain, bound to the hub's origin (it
//! never follows the URL to another host). While a hub is set, every operation that is not a
//! desktop's own setting goes to the hub — never silently to this desk's own solo data: a hub
//! that cannot be reached says so on each operation.

use crate::environments::Environments;
use crate::error::{Error, Result};
use crate::hub_client::{HubClient, Me};
use crate::ledger::{Ledger, in_tx_blocking};
use crate::vocabulary::EnvironmentKind;
use p100::{ApiKey, FieldError};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};
use ts_rs::TS;
use url::Url;

const SETTING_HUB_URL: &str = "team_hub_url";
/// The P100 environment the hub said it serves, when this desk connected.
const SETTING_HUB_ENVIRONMENT: &str = "team_environment";

/// What Settings shows of team mode. Never the token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamStatus {
    /// The hub this desk works through; `null`: solo mode.
    pub hub_url: Option<String>,
    /// The hub answered just now and accepted the token.
    pub connected: bool,
    pub operator: Option<String>,
    pub role: Option<String>,
    /// The P100 environment the hub serves.
    pub environment: Option<EnvironmentKind>,
    /// Why the hub is set but not connected, in words.
    pub problem: Option<String>,
}

/// The Team component: depends on the ledger (the URL) and Environments (the keychain).
pub(crate) struct Team {
    ledger: Arc<dyn Ledger>,
    environments: Arc<Environments>,
    client: RwLock<Option<HubClient>>,
    /// Bumped on every connect and disconnect, for whoever follows the hub's live updates.
    changes: tokio::sync::watch::Sender<u64>,
    /// Why team mode could not be restored at start, until the operator connects or leaves.
    restore_problem: std::sync::Mutex<Option<String>>,
}

fn field(name: &str, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldError::new(name, message)])
}

/// The hub's URL as typed: http(s), no credentials, no query; a trailing `/` so that paths join.
fn parse_hub_url(raw: &str) -> Result<Url> {
    let mut url =
        Url::parse(raw.trim()).map_err(|e| field("hubUrl", format!("not a URL ({e})")))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(field(
            "hubUrl",
            "the hub's URL starts with https:// (or http:// on a trusted network)",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(field(
            "hubUrl",
            "the hub's URL carries no user, password or query",
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

impl Team {
    pub fn new(ledger: Arc<dyn Ledger>, environments: Arc<Environments>) -> Self {
        Self {
            ledger,
            environments,
            client: RwLock::default(),
            changes: tokio::sync::watch::channel(0).0,
            restore_problem: std::sync::Mutex::default(),
        }
    }

    /// The hub, while team mode is on.
    pub fn client(&self) -> Option<HubClient> {
        self.client
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn set_client(&self, client: Option<HubClient>) {
        *self.client.write().unwrap_or_else(|e| e.into_inner()) = client;
        *self.lock_problem() = None;
        self.changes.send_modify(|n| *n += 1);
    }

    async fn hub_url(&self) -> Result<Option<Url>> {
        let raw = in_tx_blocking(self.ledger.clone(), |tx| tx.setting(SETTING_HUB_URL)).await?;
        // Empty: disconnected (settings are overwritten, never deleted).
        raw.filter(|r| !r.is_empty())
            .map(|r| {
                Url::parse(&r).map_err(|_| Error::Unreadable {
                    what: "the team hub's URL",
                    value: r,
                })
            })
            .transpose()
    }

    /// At start: team mode again if a hub and its token were set (the keychain is read only
    /// then). A hub that does not answer now is still the hub: operations say so. A keychain
    /// that cannot be read (locked, no Secret Service) does not stop the desk from opening: the
    /// Team panel says why team mode is off, and the operator connects again.
    pub async fn restore(&self) {
        if let Err(e) = self.try_restore().await {
            tracing::warn!(error = %e, "team mode could not be restored at start");
            *self.lock_problem() = Some(format!(
                "team mode could not be restored at start: {}",
                e.operator_message()
            ));
        }
    }

    fn lock_problem(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.restore_problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    async fn try_restore(&self) -> Result<()> {
        let Some(url) = self.hub_url().await? else {
            return Ok(());
        };
        let origin = url.origin().ascii_serialization();
        let token = self
            .environments
            .keychain(move |k| k.operator_token(&origin))
            .await?;
        match token {
            Some(token) => self.set_client(Some(HubClient::with_token(url, token)?)),
            None => tracing::warn!("a team hub is set but this desk holds no token for it"),
        }
        Ok(())
    }

    pub async fn status(&self) -> Result<TeamStatus> {
        let url = self.hub_url().await?;
        let mut status = TeamStatus {
            hub_url: url.as_ref().map(Url::to_string),
            ..TeamStatus::default()
        };
        let Some(client) = self.client() else {
            if url.is_some() {
                status.problem = Some(self.lock_problem().clone().unwrap_or_else(|| {
                    "no operator token is stored for this hub: connect again".into()
                }));
            }
            return Ok(status);
        };
        match client.me().await {
            Ok(me) => fill(&mut status, me),
            Err(e) => status.problem = Some(e.operator_message()),
        }
        Ok(status)
    }

    /// Checks the hub and the token together (the hub must say who the token is), then keeps
    /// both: the URL as a setting, the token in the keychain for the hub's origin.
    pub async fn connect(&self, hub_url: String, operator_token: String) -> Result<TeamStatus> {
        let url = parse_hub_url(&hub_url)?;
        let token = ApiKey::new(operator_token.trim()).map_err(|e| {
            field(
                "operatorToken",
                format!("that is not an operator token ({e})"),
            )
        })?;
        let client = HubClient::with_token(url.clone(), token.clone())?;
        let me = client.me().await.map_err(|e| match e.kind() {
            "unauthorized" => field(
                "operatorToken",
                "the hub does not accept this token (revoked, or for another hub?)",
            ),
            _ => field("hubUrl", e.operator_message()),
        })?;
        let origin = url.origin().ascii_serialization();
        self.environments
            .keychain(move |k| k.set_operator_token(&origin, &token))
            .await?;
        let stored = url.to_string();
        let env = me.environment;
        in_tx_blocking(self.ledger.clone(), move |tx| {
            tx.set_setting(SETTING_HUB_URL, &stored)?;
            tx.set_setting(SETTING_HUB_ENVIRONMENT, env.as_str())
        })
        .await?;
        self.set_client(Some(client));
        let mut status = TeamStatus {
            hub_url: Some(url.to_string()),
            ..TeamStatus::default()
        };
        fill(&mut status, me);
        Ok(status)
    }

    /// The environment the team's hub serves, while this desk works through one (as the hub said
    /// when this desk connected: no call to the hub).
    pub async fn environment(&self) -> Result<Option<(EnvironmentKind, Url)>> {
        if self.client().is_none() {
            return Ok(None);
        }
        let Some(url) = self.hub_url().await? else {
            return Ok(None);
        };
        let raw = in_tx_blocking(self.ledger.clone(), |tx| {
            tx.setting(SETTING_HUB_ENVIRONMENT)
        })
        .await?;
        let kind = match raw {
            Some(r) => EnvironmentKind::parse(&r).ok_or(Error::Unreadable {
                what: "the team hub's environment",
                value: r,
            })?,
            None => return Ok(None),
        };
        Ok(Some((kind, url)))
    }

    /// Back to solo mode: the token is removed from the keychain, the URL forgotten.
    pub async fn disconnect(&self) -> Result<TeamStatus> {
        if let Some(url) = self.hub_url().await? {
            let origin = url.origin().ascii_serialization();
            self.environments
                .keychain(move |k| k.remove_operator_token(&origin))
                .await?;
        }
        in_tx_blocking(self.ledger.clone(), |tx| {
            tx.set_setting(SETTING_HUB_URL, "")
        })
        .await?;
        self.set_client(None);
        Ok(TeamStatus::default())
    }
}

fn fill(status: &mut TeamStatus, me: Me) {
    status.connected = true;
    status.operator = Some(me.name);
    status.role = Some(me.role);
    status.environment = Some(me.environment);
}

#[cfg(test)]
mod tests {
    use super::parse_hub_url;

    #[test]
    fn a_hub_url_is_http_or_https_without_credentials_and_ends_in_a_slash() {
        assert_eq!(
            parse_hub_url(" https://hub.example.com ").unwrap().as_str(),
            "https://hub.example.com/"
        );
        assert_eq!(
            parse_hub_url("http://10.0.0.5:8480/team").unwrap().as_str(),
            "http://10.0.0.5:8480/team/"
        );
        for bad in [
            "hub.example.com",
            "ftp://hub.example.com",
            "https://u:p@hub.example.com",
            "https://hub.example.com/?a=1",
            "",
        ] {
            let e = parse_hub_url(bad).unwrap_err();
            assert_eq!(e.field_errors()[0].field, "hubUrl", "{bad}");
        }
    }
}
