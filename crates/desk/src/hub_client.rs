//! [`HubClient`]: a desktop's connection to its team's hub — operations posted to
//! `/api/ops/{name}` (its `DeskApi` is generated from the operation list in `hub_api`), who the
//! token belongs to, and the live stream. A refusal comes back as the hub said it
//! ([`Error::Remote`]), so the page shows it exactly as it shows a local one.

use crate::error::{Error, Result};
use crate::ledger::roster::UserRecord;
use p100::ApiKey;
use p100::upload::{ProgressFn, UploadFile};
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
/// The desktop's send to the hub, then the hub's send to P100 with its retries: a little more
/// than the hub's own request limit (600 s), so that the hub's answer, even its 408, arrives.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(620);

/// A desktop's connection to its team's hub: the hub's URL and this operator's token (a secret:
/// it prints as `***`).
#[derive(Clone)]
pub struct HubClient {
    http: reqwest::Client,
    /// For the live stream, which has no end: no overall timeout.
    stream_http: reqwest::Client,
    /// For uploads: time for three 5 MB files on a slow uplink, and for the hub to send them on.
    upload_http: reqwest::Client,
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
        let token = ApiKey::new(token).map_err(|e| {
            Error::Invalid(vec![p100::FieldError::new(
                "operatorToken",
                format!("that is not an operator token ({e})"),
            )])
        })?;
        Self::with_token(base, token)
    }

    pub fn with_token(base: Url, token: ApiKey) -> Result<Self> {
        if !matches!(base.scheme(), "https" | "http") {
            return Err(Error::Invalid(vec![p100::FieldError::new(
                "hubUrl",
                "the hub's URL starts with https:// (or http:// on a trusted network)",
            )]));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| Error::Hub(e.to_string()))?;
        let stream_http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| Error::Hub(e.to_string()))?;
        let upload_http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(UPLOAD_TIMEOUT)
            .build()
            .map_err(|e| Error::Hub(e.to_string()))?;
        Ok(Self {
            http,
            stream_http,
            upload_http,
            base,
            token,
        })
    }

    /// Follows the hub's live updates, calling `on` for each, until the stream ends (the hub
    /// went away, the token was revoked): then an error says why.
    pub async fn follow(&self, mut on: impl FnMut(HubEvent) + Send) -> Result<()> {
        let res = self
            .stream_http
            .get(self.url("api/events")?)
            .bearer_auth(self.token.expose())
            .send()
            .await
            .map_err(|e| Error::Hub(describe(&e)))?;
        if !res.status().is_success() {
            let status = res.status();
            let body = read_capped(res).await?;
            return Err(
                match serde_json::from_slice::<crate::error::RemoteRefusal>(&body) {
                    Ok(refusal) => Error::Remote(Box::new(refusal)),
                    Err(_) => Error::Hub(format!("HTTP {status} on the live stream")),
                },
            );
        }
        let mut res = res;
        let mut buf = String::new();
        while let Some(chunk) = res.chunk().await.map_err(|e| Error::Hub(describe(&e)))? {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            if buf.len() > MAX_EVENT_BYTES {
                return Err(Error::Hub("a live event larger than the hub sends".into()));
            }
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                if let Some(event) = parse_event(&block) {
                    on(event);
                }
            }
        }
        Err(Error::Hub("the live stream ended".into()))
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

    /// Streams KYC images (Method A) to the hub in P100's shape (`documentType`, then a part per
    /// side), with progress as the bytes leave this desktop; the hub sends them on to P100.
    pub async fn add_kyc_files(
        &self,
        external_user_id: &str,
        document_type: p100::models::DocumentType,
        files: &[UploadFile],
        progress: Option<ProgressFn>,
    ) -> Result<UserRecord> {
        let text = [("documentType", document_type.as_str().to_owned())];
        self.upload(
            "api/user/kyc-files",
            external_user_id,
            &text,
            files,
            progress,
        )
        .await
    }

    /// Streams proof-of-address files (part `files`, 1 to 3) to the hub.
    pub async fn add_poa_files(
        &self,
        external_user_id: &str,
        files: &[UploadFile],
        progress: Option<ProgressFn>,
    ) -> Result<UserRecord> {
        self.upload("api/user/poa-files", external_user_id, &[], files, progress)
            .await
    }

    async fn upload(
        &self,
        route: &str,
        external_user_id: &str,
        text: &[(&str, String)],
        files: &[UploadFile],
        progress: Option<ProgressFn>,
    ) -> Result<UserRecord> {
        let mut url = self.url(route)?;
        url.path_segments_mut()
            .map_err(|_| Error::Hub("the hub's URL cannot take a path".into()))?
            .push(external_user_id);
        let form = p100::upload::form(text, files, progress)
            .await
            .map_err(Error::from)?;
        let req = self.upload_http.post(url).multipart(form);
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
        match serde_json::from_slice::<crate::error::RemoteRefusal>(&body) {
            Ok(refusal) => Err(Error::Remote(Box::new(refusal))),
            Err(_) => Err(Error::Hub(format!(
                "HTTP {status} without the hub's error body (is this URL the hub?)"
            ))),
        }
    }
}

/// One live update from the hub.
#[derive(Debug, Clone, PartialEq)]
pub enum HubEvent {
    /// The stream is open: from now on nothing is missed.
    Open,
    /// A user as the roster holds it now.
    User(Box<crate::ledger::roster::UserRecord>),
    /// Changes may have been missed: read the roster again.
    Resync,
}

/// The largest live event read (a user row is a few KiB).
const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// An SSE block (`event:` and `data:` lines) as a [`HubEvent`]; comments and unknown events
/// are skipped, and a row this desk cannot read asks for a resync.
fn parse_event(block: &str) -> Option<HubEvent> {
    let mut name = "message";
    let mut data = String::new();
    for line in block.lines() {
        if let Some(e) = line.strip_prefix("event:") {
            name = e.trim();
        } else if let Some(d) = line.strip_prefix("data:") {
            data.push_str(d.strip_prefix(' ').unwrap_or(d));
        }
    }
    match name {
        "open" => Some(HubEvent::Open),
        "resync" => Some(HubEvent::Resync),
        "user" => Some(match serde_json::from_str(&data) {
            Ok(user) => HubEvent::User(Box::new(user)),
            Err(_) => HubEvent::Resync,
        }),
        _ => None,
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
