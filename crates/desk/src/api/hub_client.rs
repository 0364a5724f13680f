//! [`HubClient`]: the desk core's operations answered by the team's hub, generated from the same
//! list as the local desk's and the hub's routes — each method posts its arguments to
//! `/api/ops/{name}` and reads the answer the hub's core gave. A refusal comes back as the hub
//! said it ([`Error::Remote`]), so the page shows it exactly as it shows a local one.

use super::{DeskApi, OPERATIONS};
use crate::error::{Error, Result};
use p100::ApiKey;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::time::Duration;
use url::Url;

/// The largest answer read from the hub (a 100,000-user roster is a few tens of MB; issue 17
/// pages it).
const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;
/// An operation may wait on P100's retries; the hub's own request limit is 600 s.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A desktop's connection to its team's hub: the hub's URL and this operator's token (a secret:
/// it prints as `***`).
#[derive(Clone)]
pub struct HubClient {
    http: reqwest::Client,
    base: Url,
    token: ApiKey,
}

/// Who the token belongs to, as the hub says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Me {
    pub name: String,
    pub role: String,
    pub environment: crate::EnvironmentKind,
}

impl HubClient {
    pub fn new(base: Url, token: &str) -> Result<Self> {
        if !matches!(base.scheme(), "https" | "http") {
            return Err(Error::Invalid(vec![p100::FieldError::new(
                "hubUrl",
                "the hub's URL starts with https:// (or http:// on a trusted network)",
            )]));
        }
        let token = ApiKey::new(token).map_err(|e| {
            Error::Invalid(vec![p100::FieldError::new(
                "operatorToken",
                format!("that is not an operator token ({e})"),
            )])
        })?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| Error::Hub(e.to_string()))?;
        Ok(Self { http, base, token })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.base.join(path).map_err(|e| Error::Hub(e.to_string()))
    }

    /// Who this token belongs to (checks the URL and the token together).
    pub async fn me(&self) -> Result<Me> {
        let req = self.http.get(self.url("api/me")?);
        self.send(req).await
    }

    /// Runs one listed operation on the hub.
    pub async fn call<T: DeserializeOwned>(
        &self,
        name: &str,
        args: Map<String, Value>,
    ) -> Result<T> {
        let req = self
            .http
            .post(self.url(&format!("api/ops/{name}"))?)
            .json(&Value::Object(args));
        self.send(req).await
    }

    async fn send<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T> {
        let res = req
            .bearer_auth(self.token.expose())
            .send()
            .await
            .map_err(|e| Error::Hub(describe(&e)))?;
        let status = res.status();
        let body = read_capped(res).await?;
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map_err(|e| Error::Hub(format!("an answer this desk cannot read ({e})")));
        }
        match serde_json::from_slice::<super::CommandError>(&body) {
            Ok(refusal) => Err(Error::Remote(Box::new(refusal))),
            Err(_) => Err(Error::Hub(format!(
                "HTTP {status} without the hub's error body (is this URL the hub?)"
            ))),
        }
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer in time".into()
    } else if e.is_connect() {
        "the connection was refused or could not be made".into()
    } else {
        e.to_string()
    }
}

async fn read_capped(mut res: reqwest::Response) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| Error::Hub(describe(&e)))? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(Error::Hub(format!(
                "an answer larger than {MAX_ANSWER_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The wire names of an operation's arguments, in the list's order.
fn arg_names(name: &str) -> &'static [&'static str] {
    OPERATIONS
        .iter()
        .find(|o| o.name == name)
        .map_or(&[], |o| o.args)
}

macro_rules! hub_client {
    ([ $( $(#[$doc:meta])* $access:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty ; )* ]) => {
        impl DeskApi for HubClient {
            $(
                #[allow(unused_mut, unused_variables)]
                fn $name(&self $(, $arg: $ty)*) -> impl Future<Output = Result<$answer>> + Send {
                    async move {
                        let mut names = arg_names(stringify!($name)).iter();
                        let mut args = Map::new();
                        $(
                            let value = serde_json::to_value(&$arg)
                                .map_err(|e| Error::Internal(e.to_string()))?;
                            if let Some(n) = names.next() {
                                args.insert((*n).to_owned(), value);
                            }
                        )*
                        self.call(stringify!($name), args).await
                    }
                }
            )*
        }
    };
}

crate::with_operations!(hub_client);
