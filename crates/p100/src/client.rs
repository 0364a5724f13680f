//! The Partner API client: one shared connection pool, the key in a header, typed answers.

use crate::auth::{API_KEY_HEADER, ApiKey};
use crate::error::{Error, FieldError, Result};
use crate::models::{
    CardDetails, CardLimits, CardLimitsUpdate, CardList, CardPinRequest, CardRef,
    CreateCardRequest, CreateKycVerificationRequest, CreateKycVerificationResponse,
    CreateUserRequest, CreateUserResponse, CreatedCard, DocumentType, KycFilesResponse, KycStatus,
    Message, PoaUploadResponse, SuspendRequest, TransactionPage, TransactionQuery, UserAccount,
    UserBalances, UserProfile, UserVerificationRequest,
};
use crate::response::decode;
use crate::retry::{self, RetryNotice, RetryPolicy};
use crate::routes::{self, Method, Route};
use crate::upload::{ProgressFn, UploadFile};
use crate::validate;

mod money;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;
use url::Url;

/// Default time limit of one call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time limit of an upload: three 5 MB files on a slow office uplink.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// The largest answer read from P100. The biggest documented one (a page of 100 transactions,
/// a user's balances) is a few tens of KB; anything near this is not P100 talking, and is not
/// held in memory or given to the JSON decoder.
pub const MAX_ANSWER_BYTES: usize = 10 * 1024 * 1024;

/// A client bound to one base URL and one key. Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    key: ApiKey,
    retry: RetryPolicy,
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
            // Never follow a redirect: reqwest would carry `x-api-key` to whatever host it names.
            // P100 documents none, so a 3xx is an unexpected answer, not a new address.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok(Self {
            http,
            base,
            key,
            retry: RetryPolicy::default(),
        })
    }

    /// The same client with another retry policy ([`RetryPolicy::NONE`] never retries).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same connection pool, pointed at another environment or key.
    pub fn rebind(&self, base: Url, key: ApiKey) -> Self {
        Self {
            http: self.http.clone(),
            base,
            key,
            retry: self.retry,
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

    /// Update Existing User: only the fields present in `changes` are sent.
    pub async fn update_user(
        &self,
        external_user_id: &str,
        changes: &UserProfile,
    ) -> Result<UserAccount> {
        let mut errors = Vec::new();
        validate::profile(changes, validate::today(), &mut errors);
        if changes == &UserProfile::default() {
            errors.push(FieldError::new("", "nothing to change"));
        }
        if !errors.is_empty() {
            return Err(Error::InvalidRequest(errors));
        }
        self.send(&routes::UPDATE_USER, &[external_user_id], Some(changes))
            .await
    }

    pub async fn delete_user(&self, external_user_id: &str) -> Result<UserAccount> {
        self.send::<(), _>(&routes::DELETE_USER, &[external_user_id], None)
            .await
    }

    pub async fn suspend_user(
        &self,
        external_user_id: &str,
        reason: Option<&str>,
    ) -> Result<UserAccount> {
        let body = SuspendRequest {
            reason: reason.map(str::to_owned),
        };
        self.send(&routes::SUSPEND_USER, &[external_user_id], Some(&body))
            .await
    }

    pub async fn unsuspend_user(&self, external_user_id: &str) -> Result<UserAccount> {
        self.send::<(), _>(&routes::UNSUSPEND_USER, &[external_user_id], None)
            .await
    }

    pub async fn extend_user(&self, external_user_id: &str) -> Result<UserAccount> {
        self.send::<(), _>(&routes::EXTEND_USER, &[external_user_id], None)
            .await
    }

    /// Add User Verification: the typed-in document data.
    pub async fn add_user_verification(&self, req: &UserVerificationRequest) -> Result<KycStatus> {
        self.send(&routes::ADD_USER_VERIFICATION, &[], Some(req))
            .await
    }

    /// Creating KYC Verification (hosted KYC, Method B).
    pub async fn create_kyc_verification(
        &self,
        req: &CreateKycVerificationRequest,
    ) -> Result<CreateKycVerificationResponse> {
        self.send(&routes::CREATE_KYC_VERIFICATION, &[], Some(req))
            .await
    }

    /// The link to open in the end user's browser (Redirect to Verification). Not fetched here:
    /// it answers a loading page whose script leads a browser on to the provider.
    pub fn verification_url(&self, external_user_id: &str, verification_id: &str) -> Result<Url> {
        self.url(
            &routes::REDIRECT_TO_VERIFICATION,
            &[external_user_id, verification_id],
        )
    }

    /// Get KYC Status of one user.
    pub async fn get_kyc_status(&self, external_user_id: &str) -> Result<KycStatus> {
        self.send::<(), _>(&routes::GET_KYC_STATUS, &[external_user_id], None)
            .await
    }

    pub async fn get_user_balances(&self, external_user_id: &str) -> Result<UserBalances> {
        self.send::<(), _>(&routes::GET_USER_BALANCES, &[external_user_id], None)
            .await
    }

    pub async fn get_user_transactions(
        &self,
        external_user_id: &str,
        query: &TransactionQuery,
    ) -> Result<TransactionPage> {
        let url = self.url(&routes::GET_USER_TRANSACTIONS, &[external_user_id])?;
        self.execute(&routes::GET_USER_TRANSACTIONS, || async {
            Ok(self.http.get(url.clone()).query(query))
        })
        .await
    }

    /// Add KYC File (Method A): each file's `field` is its side (`front`, `back`, `selfie`).
    pub async fn add_kyc_files(
        &self,
        external_user_id: &str,
        document_type: DocumentType,
        files: &[UploadFile],
        progress: Option<ProgressFn>,
    ) -> Result<KycFilesResponse> {
        let text = [("documentType", document_type.as_str().to_owned())];
        let url = self.url(&routes::ADD_KYC_FILE, &[external_user_id])?;
        // A retry builds the form again: the files are streamed from the start.
        self.execute(&routes::ADD_KYC_FILE, || async {
            let form = crate::upload::form(&text, files, progress.clone()).await?;
            Ok(self
                .http
                .post(url.clone())
                .multipart(form)
                .timeout(UPLOAD_TIMEOUT))
        })
        .await
    }

    /// Add POA File: every file in one request, field `files`, at most three.
    pub async fn add_poa_files(
        &self,
        external_user_id: &str,
        files: &[UploadFile],
        progress: Option<ProgressFn>,
    ) -> Result<PoaUploadResponse> {
        if files.is_empty() || files.len() > 3 {
            return Err(Error::InvalidRequest(vec![FieldError::new(
                "files",
                "send 1 to 3 files in one request",
            )]));
        }
        let url = self.url(&routes::ADD_POA_FILE, &[external_user_id])?;
        self.execute(&routes::ADD_POA_FILE, || async {
            let form = crate::upload::form(&[], files, progress.clone()).await?;
            Ok(self
                .http
                .post(url.clone())
                .multipart(form)
                .timeout(UPLOAD_TIMEOUT))
        })
        .await
    }

    // ----- virtual cards (REFERENCE-user-money.md §2) -----------------------------------------

    /// Create Virtual Card: its full number and CVV come back once. Label and PIN are checked
    /// first.
    pub async fn create_card(&self, req: &CreateCardRequest) -> Result<CreatedCard> {
        let mut errors = Vec::new();
        validate::cards::label(&req.label, &mut errors);
        validate::cards::pin(&req.pin, &mut errors);
        if !errors.is_empty() {
            return Err(Error::InvalidRequest(errors));
        }
        self.send(&routes::CREATE_CARD, &[], Some(req)).await
    }

    /// Get All User Cards (no full numbers).
    pub async fn list_cards(&self, external_user_id: &str) -> Result<CardList> {
        self.send::<(), _>(&routes::LIST_CARDS, &[external_user_id], None)
            .await
    }

    /// Get Card Details: the full number and CVV.
    pub async fn card_details(&self, external_user_id: &str, card_id: &str) -> Result<CardDetails> {
        self.send::<(), _>(
            &routes::GET_CARD_DETAILS,
            &[external_user_id, card_id],
            None,
        )
        .await
    }

    pub async fn update_card_pin(&self, req: &CardPinRequest) -> Result<Message> {
        let mut errors = Vec::new();
        validate::cards::pin(&req.pin, &mut errors);
        if !errors.is_empty() {
            return Err(Error::InvalidRequest(errors));
        }
        self.send(&routes::UPDATE_CARD_PIN, &[], Some(req)).await
    }

    pub async fn block_card(&self, card: &CardRef) -> Result<Message> {
        self.send(&routes::BLOCK_CARD, &[], Some(card)).await
    }

    pub async fn unblock_card(&self, card: &CardRef) -> Result<Message> {
        self.send(&routes::UNBLOCK_CARD, &[], Some(card)).await
    }

    pub async fn card_limits(&self, external_user_id: &str, card_id: &str) -> Result<CardLimits> {
        self.send::<(), _>(&routes::GET_CARD_LIMITS, &[external_user_id, card_id], None)
            .await
    }

    /// Update Card Limits: all six, checked first.
    pub async fn update_card_limits(&self, req: &CardLimitsUpdate) -> Result<Message> {
        let mut errors = Vec::new();
        validate::cards::limits(&req.limits, &mut errors);
        if !errors.is_empty() {
            return Err(Error::InvalidRequest(errors));
        }
        self.send(&routes::UPDATE_CARD_LIMITS, &[], Some(req)).await
    }

    /// Delete Card (the card is named in a JSON body, not the path).
    pub async fn delete_card(&self, card: &CardRef) -> Result<Message> {
        self.send(&routes::DELETE_CARD, &[], Some(card)).await
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
        self.execute(route, || async {
            let mut req = self.http.request(method.clone(), url.clone());
            if let Some(body) = body {
                req = req.json(body);
            }
            Ok(req)
        })
        .await
    }

    /// Sends the request `make` builds, retrying as the policy allows ([`crate::retry`]), and
    /// decodes the answer. `make` is called again for each attempt, so bodies are fresh.
    async fn execute<T, F, Fut>(&self, route: &Route, make: F) -> Result<T>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<reqwest::RequestBuilder>>,
    {
        let hook = retry::HOOK.try_with(Clone::clone).ok();
        let mut attempt = 1;
        let mut unknown = false;
        loop {
            let result = self.attempt(route, make().await?).await;
            if let Some(h) = &hook {
                let mut r = h.record.lock().unwrap_or_else(|e| e.into_inner());
                r.attempts += 1;
                r.earlier_outcome_unknown |= unknown;
            }
            let error = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            let Some(delay) = self.retry.delay(route, &error, attempt + 1) else {
                return Err(error);
            };
            unknown |= error.outcome_unknown();
            tracing::info!(route = route.name, attempt, ?delay, error = %error, "retrying");
            match &hook {
                Some(h) => {
                    (h.notify)(&RetryNotice {
                        route: route.name,
                        attempt: attempt + 1,
                        max_attempts: self.retry.max_attempts,
                        delay,
                        reason: retry::reason(&error),
                    });
                    let mut cancel = h.cancel.clone();
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = cancel.wait_for(|c| *c) => {
                            return Err(Error::Cancelled { outcome_unknown: unknown });
                        }
                    }
                }
                None => tokio::time::sleep(delay).await,
            }
            attempt += 1;
        }
    }

    /// One attempt: adds the key, sends, and decodes the answer.
    async fn attempt<T: DeserializeOwned>(
        &self,
        route: &Route,
        req: reqwest::RequestBuilder,
    ) -> Result<T> {
        let started = std::time::Instant::now();
        let resp = req.header(API_KEY_HEADER, self.key.expose()).send().await?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = read_capped(resp, status).await?;
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

/// `Ok` when no rule failed; the failures as one local refusal otherwise.
fn checked(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidRequest(errors))
    }
}

/// Reads an answer's body, refusing one larger than [`MAX_ANSWER_BYTES`] — from its
/// `Content-Length` before reading anything, else as soon as the bytes read pass the limit.
async fn read_capped(mut resp: reqwest::Response, status: u16) -> Result<Vec<u8>> {
    let too_large = || Error::AnswerTooLarge {
        status,
        limit: MAX_ANSWER_BYTES,
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
