//! Fault injection and rate limiting for the `/v1` routes, steered by `/_sandbox/faults` and
//! `/_sandbox/rate-limit`. Off by default.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One injected fault.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Fault {
    /// Answer this HTTP status (5xx usually) before the handler runs: nothing happens.
    Status { status: u16 },
    /// Answer `400 P500` or `400 P501` before the handler runs, as P100 does.
    P100 { code: String },
    /// Wait this long, then handle the request normally.
    Latency { ms: u64 },
    /// Answer 429 with this `Retry-After`, before the handler runs.
    RateLimit { retry_after_secs: u64 },
    /// Run the handler (its effect happens), then cut the connection in the middle of the answer.
    Drop,
    /// Read the request body no faster than this, as over a slow uplink, then handle it
    /// normally: the client's upload progress can be watched moving.
    SlowUpload { bytes_per_sec: u64 },
}

/// A fault and how often it fires.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    #[serde(flatten)]
    pub fault: Fault,
    /// Fires for this many matching requests, then goes away; 0 = until cleared.
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests whose path starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// Only requests with this method (e.g. `POST`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

fn one() -> u32 {
    1
}

/// Requests per second for one key: a token bucket refilled continuously.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    pub enabled: bool,
    pub per_second: u32,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    rate: Mutex<(Option<u32>, Bucket)>,
}

impl Faults {
    pub fn new(per_second: Option<u32>) -> Self {
        let tokens = f64::from(per_second.unwrap_or(0));
        Self {
            rules: Mutex::new(Vec::new()),
            rate: Mutex::new((
                per_second,
                Bucket {
                    tokens,
                    last: Instant::now(),
                },
            )),
        }
    }

    pub fn add(&self, rule: FaultRule) {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rule);
    }

    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub fn set_rate_limit(&self, limit: RateLimit) {
        let mut rate = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        let per = (limit.enabled && limit.per_second > 0).then_some(limit.per_second);
        *rate = (
            per,
            Bucket {
                tokens: f64::from(limit.per_second),
                last: Instant::now(),
            },
        );
    }

    pub fn rate_limit(&self) -> RateLimit {
        let rate = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        RateLimit {
            enabled: rate.0.is_some(),
            per_second: rate.0.unwrap_or(0),
        }
    }

    /// `Some(wait)` when the request must be refused for `wait`.
    fn take_token(&self) -> Option<Duration> {
        let mut rate = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        let (Some(per), bucket) = &mut *rate else {
            return None;
        };
        let per = f64::from(*per);
        let now = Instant::now();
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.last).as_secs_f64() * per).min(per);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64((1.0 - bucket.tokens) / per))
        }
    }

    /// The first rule matching the request, used up by one.
    fn next_fault(&self, method: &str, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let i = rules.iter().position(|r| {
            r.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
                && r.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let fault = rules[i].fault.clone();
        if rules[i].times == 1 {
            rules.remove(i);
        } else if rules[i].times > 1 {
            rules[i].times -= 1;
        }
        Some(fault)
    }
}

/// The request with its body read at `bytes_per_sec`: each chunk is held back until the time
/// the rate allows for everything read so far. The client, whose socket buffers then fill,
/// sends no faster.
fn throttled(req: Request, bytes_per_sec: u64) -> Request {
    use futures_util::StreamExt;
    let rate = bytes_per_sec.max(1) as f64;
    let started = Instant::now();
    let mut read = 0u64;
    let (parts, body) = req.into_parts();
    let body = body.into_data_stream().then(move |chunk| {
        if let Ok(bytes) = &chunk {
            read += bytes.len() as u64;
        }
        let due = started + Duration::from_secs_f64(read as f64 / rate);
        async move {
            tokio::time::sleep_until(due.into()).await;
            chunk
        }
    });
    Request::from_parts(parts, Body::from_stream(body))
}

/// NestJS's throttler answer, which is what a P100 429 most likely looks like (docs silent).
fn too_many(retry_after_secs: u64) -> Response {
    let mut resp = (
        StatusCode::TOO_MANY_REQUESTS,
        axum::Json(serde_json::json!({"statusCode": 429, "message": "ThrottlerException: Too Many Requests"})),
    )
        .into_response();
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    resp
}

pub async fn inject(State(faults): State<Arc<Faults>>, req: Request, next: Next) -> Response {
    if let Some(wait) = faults.take_token() {
        return too_many(wait.as_secs_f64().ceil().max(1.0) as u64);
    }
    let fault = faults.next_fault(req.method().as_str(), req.uri().path());
    match fault {
        None => next.run(req).await,
        Some(Fault::Latency { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Some(Fault::SlowUpload { bytes_per_sec }) => next.run(throttled(req, bytes_per_sec)).await,
        Some(Fault::Status { status }) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            (
                code,
                axum::Json(
                    serde_json::json!({"statusCode": code.as_u16(), "message": "Injected fault"}),
                ),
            )
                .into_response()
        }
        Some(Fault::P100 { code }) => {
            if p100::codes::Code::parse(&code) == Some(p100::codes::Code::Unavailable) {
                crate::error::ApiError::unavailable()
            } else {
                crate::error::ApiError::unknown_exception()
            }
            .into_response()
        }
        Some(Fault::RateLimit { retry_after_secs }) => too_many(retry_after_secs),
        Some(Fault::Drop) => {
            let resp = next.run(req).await;
            let (mut parts, _) = resp.into_parts();
            // Promise more than is sent, send a little, then fail the stream: hyper aborts the
            // connection and the client sees a truncated body.
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(1024u32));
            let chunks: Vec<Result<&'static [u8], std::io::Error>> = vec![
                Ok(b"{\"partial\":"),
                Err(std::io::Error::other("injected drop")),
            ];
            Response::from_parts(parts, Body::from_stream(futures_util::stream::iter(chunks)))
        }
    }
}
