//! Webhooks the sandbox sends to the partner, as P100 does: POST, JSON, the partner's token in
//! `Authorization`, retried after about 8/16/32/64 s (5 attempts), with a delivery log.

use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The events, as P100 sends them: one type shared with the receivers that parse them.
pub use p100::webhooks::WebhookEvent;

/// One delivery as `/_sandbox/webhooks` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub id: u64,
    pub event: String,
    pub url: String,
    pub payload: Value,
    /// `pending`, `delivered`, or `failed` (all attempts used).
    pub state: String,
    pub attempts: Vec<Attempt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub at: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// Delivery states as [`Delivery::state`] spells them.
pub const STATE_PENDING: &str = "pending";
pub const STATE_DELIVERED: &str = "delivered";
pub const STATE_FAILED: &str = "failed";

/// How many deliveries the log keeps; older ones are dropped first (a pending one that is dropped
/// is still sent, it just is no longer listed).
pub const LOG_CAPACITY: usize = 10_000;

/// Where and how webhooks are sent.
#[derive(Clone)]
pub struct WebhookConfig {
    /// The partner's base URL, e.g. `http://127.0.0.1:9000`; the event's path is appended.
    /// `None` turns webhooks off: [`Webhooks::emit`] then logs nothing.
    pub base_url: Option<String>,
    /// Sent verbatim as the `Authorization` value (a bare token, no `Bearer `); a secret, never
    /// printed or logged.
    pub token: Option<String>,
    /// The waits before attempts 2, 3, …: `n` delays make `n + 1` attempts in total.
    pub retry_delays: Vec<Duration>,
    /// Per attempt, from sending the request to receiving the answer's status line.
    pub timeout: Duration,
}

impl Default for WebhookConfig {
    /// Off (no base URL), no token, P100's 8/16/32/64 s retries (5 attempts), 10 s per attempt.
    fn default() -> Self {
        Self {
            base_url: None,
            token: None,
            retry_delays: [8, 16, 32, 64].map(Duration::from_secs).to_vec(),
            timeout: Duration::from_secs(10),
        }
    }
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("retry_delays", &self.retry_delays)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl WebhookConfig {
    /// Multiplies every retry delay by `factor` (tests use e.g. 0.005: 40/80/160/320 ms). The
    /// timeout is left alone. A negative or NaN factor gives zero delays; an overflow saturates.
    pub fn scaled(mut self, factor: f64) -> Self {
        for delay in &mut self.retry_delays {
            let secs = delay.as_secs_f64() * factor;
            *delay = if secs.is_nan() || secs <= 0.0 {
                Duration::ZERO
            } else {
                Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
            };
        }
        self
    }
}

/// The webhook sender: a delivery log plus background tasks that POST, retry and record.
///
/// Cheap to clone (an `Arc` inside); all clones share config, HTTP client and log.
///
/// Ordering: every `externalUserId` has a FIFO queue, drained by one tokio task at a time, so a
/// user's deliveries are sent strictly in emit order and the next one starts only once the
/// previous one is delivered or has failed for good (a user's `status` webhooks never overtake
/// each other, even across retries). The queue is filled synchronously inside `emit` (under a
/// std mutex), so emit order is the queue order regardless of task scheduling; the task exits when
/// its queue is empty, and different users are delivered concurrently. The alternative, a
/// per-user tokio mutex taken inside each spawned task, would not guarantee emit order because
/// spawned tasks may start (and queue on the mutex) in any order.
#[derive(Clone)]
pub struct Webhooks {
    inner: Arc<Inner>,
}

struct Inner {
    config: Mutex<WebhookConfig>,
    /// Made on the first delivery: building a reqwest client sets up OpenSSL and reads the
    /// system's CA store (~35 ms of CPU), which the embedded sandbox would otherwise pay while
    /// the app's window is loading.
    client: std::sync::OnceLock<reqwest::Client>,
    /// Oldest first, ids strictly increasing (so a delivery is found by binary search).
    log: Mutex<VecDeque<Delivery>>,
    /// Per-user queues of jobs not yet started; an entry exists exactly while its task runs.
    queues: Mutex<HashMap<String, VecDeque<Job>>>,
    next_id: AtomicU64,
    /// Deliveries emitted but not yet settled (delivered, failed or abandoned).
    pending: watch::Sender<usize>,
    /// Bumped by `clear`: jobs of an older epoch are abandoned.
    epoch: watch::Sender<u64>,
}

/// What a background task needs to send one delivery; a snapshot of the config at emit time, so
/// that `set_target` affects later emits only.
struct Job {
    id: u64,
    event: &'static str,
    url: String,
    body: Vec<u8>,
    token: Option<String>,
    retry_delays: Vec<Duration>,
    timeout: Duration,
    epoch: u64,
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks")
            .field("config", &self.config())
            .field("logged", &lock(&self.inner.log).len())
            .field("pending", &*self.inner.pending.borrow())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep using it.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Webhooks {
    pub fn new(config: WebhookConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                config: Mutex::new(config),
                client: std::sync::OnceLock::new(),
                log: Mutex::new(VecDeque::new()),
                queues: Mutex::new(HashMap::new()),
                next_id: AtomicU64::new(1),
                pending: watch::Sender::new(0),
                epoch: watch::Sender::new(0),
            }),
        }
    }

    /// Non-blocking: records a pending [`Delivery`] and queues it for a background task that
    /// POSTs the JSON payload to `base_url + event.path()` with `Content-Type: application/json`,
    /// `Authorization: <token>` (left out without a token) and `User-Agent: p100-sandbox`.
    ///
    /// A 2xx answer is delivered; anything else (non-2xx, connection error, timeout) is a failed
    /// attempt, retried after the next delay; once the attempt after the last delay fails the
    /// delivery is `failed`. Every attempt is appended to the delivery's `attempts`.
    ///
    /// Returns the delivery id, or `None` when webhooks are off (`base_url` is `None`).
    /// Must be called within a tokio runtime (otherwise the delivery is logged as failed).
    pub fn emit(&self, event: WebhookEvent) -> Option<u64> {
        let config = self.config();
        let base_url = config.base_url?;
        let url = format!("{}{}", base_url.trim_end_matches('/'), event.path());
        let payload = event.payload();
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let job = Job {
            id,
            event: event.name(),
            url: url.clone(),
            body: serde_json::to_vec(&payload).unwrap_or_default(),
            token: config.token,
            retry_delays: config.retry_delays,
            timeout: config.timeout,
            epoch: *self.inner.epoch.borrow(),
        };
        let delivery = Delivery {
            id,
            event: event.name().to_owned(),
            url,
            payload,
            state: STATE_PENDING.to_owned(),
            attempts: Vec::new(),
        };
        {
            let mut log = lock(&self.inner.log);
            log.push_back(delivery);
            while log.len() > LOG_CAPACITY {
                log.pop_front();
            }
        }

        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(
                event = job.event,
                url = %job.url,
                "webhook not sent: no tokio runtime"
            );
            self.inner.update(id, |d| {
                d.state = STATE_FAILED.to_owned();
                d.attempts.push(Attempt {
                    at: now_rfc3339(),
                    status: None,
                    error: Some("not sent: no tokio runtime".to_owned()),
                    duration_ms: 0,
                });
            });
            return Some(id);
        };

        self.inner.pending.send_modify(|n| *n += 1);
        let user = event.external_user_id().to_owned();
        let mut queues = lock(&self.inner.queues);
        if let Some(queue) = queues.get_mut(&user) {
            // That user's task is running and will take this job after the ones before it.
            queue.push_back(job);
        } else {
            queues.insert(user.clone(), VecDeque::from([job]));
            runtime.spawn(Inner::drain_queue(self.inner.clone(), user));
        }
        Some(id)
    }

    /// Every logged delivery, oldest first (at most [`LOG_CAPACITY`]).
    pub fn log(&self) -> Vec<Delivery> {
        lock(&self.inner.log).iter().cloned().collect()
    }

    /// Empties the log and abandons every delivery not settled yet: queued ones are dropped and
    /// one in progress stops at once (mid-request or mid-wait) without further attempts. Used by
    /// the sandbox's reset. Ids keep counting up.
    pub fn clear(&self) {
        self.inner.epoch.send_modify(|e| *e += 1);
        let dropped: usize = lock(&self.inner.queues)
            .values_mut()
            .map(|q| q.drain(..).count())
            .sum();
        if dropped > 0 {
            self.inner.pending.send_modify(|n| *n -= dropped);
        }
        lock(&self.inner.log).clear();
    }

    /// Repoints later deliveries (those already emitted keep their URL and token).
    pub fn set_target(&self, base_url: Option<String>, token: Option<String>) {
        let mut config = lock(&self.inner.config);
        config.base_url = base_url;
        config.token = token;
    }

    pub fn config(&self) -> WebhookConfig {
        lock(&self.inner.config).clone()
    }

    /// Waits until no delivery is pending, up to `timeout`; true if all settled.
    pub async fn settle(&self, timeout: Duration) -> bool {
        let mut pending = self.inner.pending.subscribe();
        matches!(
            tokio::time::timeout(timeout, pending.wait_for(|n| *n == 0)).await,
            Ok(Ok(_))
        )
    }
}

impl Inner {
    /// Changes a logged delivery, if it is still in the log.
    fn update(&self, id: u64, change: impl FnOnce(&mut Delivery)) {
        let mut log = lock(&self.log);
        if let Ok(i) = log.binary_search_by_key(&id, |d| d.id) {
            change(&mut log[i]);
        }
    }

    /// Sends one user's jobs one after the other; exits (removing the queue) once it is empty.
    async fn drain_queue(self: Arc<Self>, user: String) {
        loop {
            let job = {
                let mut queues = lock(&self.queues);
                match queues.get_mut(&user).and_then(VecDeque::pop_front) {
                    Some(job) => job,
                    None => {
                        queues.remove(&user);
                        return;
                    }
                }
            };
            self.deliver(job).await;
            self.pending.send_modify(|n| *n -= 1);
        }
    }

    /// All attempts of one delivery; returns when delivered, failed or abandoned by `clear`.
    async fn deliver(&self, job: Job) {
        let mut epoch = self.epoch.subscribe();
        let attempts = job.retry_delays.len() + 1;
        for attempt in 1..=attempts {
            if attempt > 1 {
                tokio::select! {
                    () = tokio::time::sleep(job.retry_delays[attempt - 2]) => {}
                    _ = epoch.wait_for(|e| *e != job.epoch) => return self.abandon(&job),
                }
            }
            if *epoch.borrow() != job.epoch {
                return self.abandon(&job);
            }
            let at = now_rfc3339();
            let started = Instant::now();
            let outcome = tokio::select! {
                outcome = self.send(&job) => outcome,
                _ = epoch.wait_for(|e| *e != job.epoch) => return self.abandon(&job),
            };
            let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let delivered = matches!(outcome, Ok(status) if (200..300).contains(&status));
            let last = attempt == attempts;
            match &outcome {
                Ok(status) if delivered => {
                    tracing::info!(
                        event = job.event,
                        url = %job.url,
                        status,
                        attempt,
                        "webhook delivered"
                    );
                }
                Ok(status) => {
                    tracing::warn!(
                        event = job.event,
                        url = %job.url,
                        status,
                        attempt,
                        last,
                        "webhook attempt failed"
                    );
                }
                Err(error) => {
                    tracing::warn!(
                        event = job.event,
                        url = %job.url,
                        %error,
                        attempt,
                        last,
                        "webhook attempt failed"
                    );
                }
            }
            let (status, error) = match outcome {
                Ok(status) => (Some(status), None),
                Err(error) => (None, Some(error)),
            };
            self.update(job.id, |d| {
                d.attempts.push(Attempt {
                    at,
                    status,
                    error,
                    duration_ms,
                });
                if delivered {
                    d.state = STATE_DELIVERED.to_owned();
                } else if last {
                    d.state = STATE_FAILED.to_owned();
                }
            });
            if delivered {
                return;
            }
        }
    }

    /// Stops a delivery that `clear` abandoned. It is normally gone from the log already; if it
    /// slipped in after the clear (an emit racing with it), it is marked failed, not left pending.
    fn abandon(&self, job: &Job) {
        tracing::debug!(event = job.event, url = %job.url, "webhook abandoned by a reset");
        self.update(job.id, |d| d.state = STATE_FAILED.to_owned());
    }

    /// One attempt: the answer's status, or why there was none.
    async fn send(&self, job: &Job) -> Result<u16, String> {
        use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
        let client = self.client.get_or_init(|| {
            // Redirects are not followed (a 3xx is a failed attempt, like any non-2xx), and
            // system proxies are ignored: the sandbox talks straight to the partner's receiver,
            // usually on loopback.
            reqwest::Client::builder()
                .user_agent("p100-sandbox")
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .build()
                .expect("the HTTP client for webhooks could not be built (TLS backend)")
        });
        let mut request = client
            .post(&job.url)
            .timeout(job.timeout)
            .header(CONTENT_TYPE, "application/json")
            .body(job.body.clone());
        if let Some(token) = &job.token {
            // Never echo the token, not even in the error.
            let mut value = HeaderValue::from_str(token)
                .map_err(|_| "the token is not a valid header value".to_owned())?;
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                // Read (and drop) the body so the connection can be reused; the status counts
                // whatever happens to the body.
                let _ = response.bytes().await;
                Ok(status)
            }
            Err(e) if e.is_timeout() => {
                Err(format!("timed out after {} ms", job.timeout.as_millis()))
            }
            Err(e) => Err(describe(&e.without_url())),
        }
    }
}

/// An error with its causes (reqwest's own message alone is just "error sending request").
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
