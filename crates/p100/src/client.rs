//! The Partner API client: one shared connection pool, the key in a header, typed answers.

use crate::auth::{API_KEY_HEADER, ApiKey};
use crate::error::{Error, Result};
use crate::models::{CreateUserRequest, CreateUserResponse, KycStatus};
use crate::response::decode;
use crate::routes::{self, Method, Route};
use crate::validate;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;
use url::Url;

/// Default time limit of one call. Uploads (later) set their own.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client bound to one base URL and one key. Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    key: ApiKey,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("key", &self.key)
            .finish()
    }
}

impl Client {
    /// A client with its own connection pool.
    pub fn new(base: Url, key: ApiKey) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(DEFAULT_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("partner-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok(Self { http, base, key })
    }

    /// The same connection pool, pointed at another environment or key.
    pub fn rebind(&self, base: Url, key: ApiKey) -> Self {
        Self {
            http: self.http.clone(),
            base,
            key,
        }
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Create User Account (G3). The body is checked against [`validate::create_user`] first, so
    /// a body P100 would refuse is never sent.
    pub async fn create_user(&self, req: &CreateUserRequest) -> Result<CreateUserResponse> {
        let errors = validate::create_user(req, validate::today());
        if !errors.is_empty() {
            return Err(Error::InvalidRequest(errors));
        }
        self.send(&routes::CREATE_USER, &[], Some(req)).await
    }

    /// Get KYC Status of one user.
    pub async fn get_kyc_status(&self, external_user_id: &str) -> Result<KycStatus> {
        self.send::<(), _>(&routes::GET_KYC_STATUS, &[external_user_id], None)
            .await
    }

    async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        route: &Route,
        params: &[&str],
        body: Option<&B>,
    ) -> Result<T> {
        let url = self.url(route, params)?;
        let method = match route.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut req = self
            .http
            .request(method, url)
            .header(API_KEY_HEADER, self.key.expose());
        if let Some(body) = body {
            req = req.json(body);
        }
        let started = std::time::Instant::now();
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = resp.bytes().await?;
        tracing::debug!(
            route = route.name,
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "p100 call"
        );
        decode(status, retry_after.as_deref(), &bytes)
    }

    fn url(&self, route: &Route, params: &[&str]) -> Result<Url> {
        // Join by hand: Url::join would drop a base path such as a custom proxy's `/p100`.
        let base = self.base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{}", route.path(params)))
            .map_err(|e| Error::Transport(format!("bad URL for {}: {e}", route.name)))
    }
}
