//! What the sandbox may answer, worked out from the request alone, and what the P100 client
//! makes of that answer. Every rule here is one the sandbox documents (crates/p100-sandbox/
//! openapi.yaml): P100's error envelope with the status its code goes with, the 401 texts,
//! NestJS's 404 and throttler bodies, axum's 405 and 413, and success bodies that the client's
//! models read.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use p100::error::{DenyReason, Error};
use p100::models::money::{
    ExchangeCreated, ExchangeDetails, ExchangeLock, ExchangeRates, NetworkFee, TransferCreated,
    TransferDetails, WithdrawalCreated, WithdrawalDetails,
};
use p100::models::{
    CardDetails, CardLimits, CardList, CreateKycVerificationResponse, CreateUserResponse,
    CreatedCard, KycFilesResponse, KycStatus, Message, PoaUploadResponse, TransactionPage,
    UserAccount, UserBalances,
};
use p100::response::decode;
use p100::routes::{self, Route};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How the request carries the API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Valid,
    Missing,
    Empty,
    WrongSameLength,
    Wrong,
    /// A wrong key, then the right one: the first header is the one read.
    WrongThenValid,
}

impl Key {
    /// The right key for bytes below 0xE0 (seven inputs in eight), else one of the wrong cases.
    pub fn read(b: u8) -> Self {
        if b < 0xE0 {
            return Key::Valid;
        }
        match b % 5 {
            0 => Key::Missing,
            1 => Key::Empty,
            2 => Key::WrongSameLength,
            3 => Key::Wrong,
            _ => Key::WrongThenValid,
        }
    }

    /// The documented 401 case the sandbox must answer, if any.
    fn denied(self) -> Option<&'static str> {
        match self {
            Key::Valid => None,
            Key::Missing | Key::Empty => Some("xo1"),
            Key::WrongSameLength | Key::Wrong | Key::WrongThenValid => Some("xo2"),
        }
    }
}

pub struct Sent<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub key: Key,
    pub content_type: Option<&'a [u8]>,
    pub body: &'a [u8],
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

type Check = Result<(), String>;

fn ensure(ok: bool, why: impl FnOnce() -> String) -> Check {
    if ok { Ok(()) } else { Err(why()) }
}

/// The template axum picks for `path`: a literal segment wins over a parameter, leftmost first
/// (matchit's priority); a parameter matches one segment, which may be empty unless it is the
/// last (matchit 0.8: `/v1/kyc/verification//v` reaches the handler with an empty id).
pub fn matched_template(path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').collect();
    let last = segs.len() - 1;
    let mut best: Option<(&'static str, Vec<bool>)> = None;
    for route in routes::ALL {
        let tmpl: Vec<&str> = route.template.split('/').collect();
        if tmpl.len() != segs.len() {
            continue;
        }
        let mut literal = Vec::with_capacity(tmpl.len());
        let fits = tmpl.iter().zip(&segs).enumerate().all(|(i, (t, s))| {
            let param = t.starts_with('{');
            literal.push(!param);
            if param {
                i < last || !s.is_empty()
            } else {
                t == s
            }
        });
        // Literal beats parameter at the first segment where two templates differ.
        if fits && best.as_ref().is_none_or(|(_, b)| literal > *b) {
            best = Some((route.template, literal));
        }
    }
    best.map(|(t, _)| t)
}

/// `%XX` decoded as axum's `Path` does: a `%` without two hex digits stays as it is.
pub fn percent_decode(s: &str) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// P100's error envelope, as read from an answer.
struct Envelope {
    code: String,
    name: Option<String>,
    message: String,
}

/// The HTTP status each `errorCode` the sandbox sends goes with (openapi.yaml's error schemas).
fn status_of(code: &str) -> Option<u16> {
    Some(match code {
        "P211" => 202,
        "P445" | "P460" | "P904" => 404,
        "P403" | "P410" | "P411" | "P412" | "P424" | "P426" | "P433" | "P434" | "P440" | "P447"
        | "P451" | "P454" | "P455" | "P459" | "P461" | "P500" | "P501" | "P901" | "P902"
        | "P903" => 400,
        _ => return None,
    })
}

fn content_type(ans: &Answer) -> &str {
    ans.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// `{errorCode, errorName?, errorMessage}` and nothing else, JSON, with the status of its code;
/// `errorName` absent exactly on `P403`.
fn envelope(ans: &Answer) -> Result<Envelope, String> {
    ensure(content_type(ans) == "application/json", || {
        "an error envelope must be sent as application/json".into()
    })?;
    let v: Value =
        serde_json::from_slice(&ans.body).map_err(|e| format!("error body is not JSON: {e}"))?;
    let obj = v.as_object().ok_or("error body is not a JSON object")?;
    for k in obj.keys() {
        ensure(
            matches!(k.as_str(), "errorCode" | "errorName" | "errorMessage"),
            || format!("error body has a stray key {k:?}"),
        )?;
    }
    let code = obj
        .get("errorCode")
        .and_then(Value::as_str)
        .ok_or("error body has no string errorCode")?;
    let message = obj
        .get("errorMessage")
        .and_then(Value::as_str)
        .ok_or("error body has no string errorMessage")?;
    ensure(!message.trim().is_empty(), || {
        "errorMessage is empty".into()
    })?;
    let name = match obj.get("errorName") {
        None => None,
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(other) => return Err(format!("errorName is not a non-empty string: {other}")),
    };
    ensure(name.is_none() == (code == "P403"), || {
        format!("errorName must be absent exactly on P403 (code {code}, name {name:?})")
    })?;
    let want = status_of(code).ok_or_else(|| format!("unknown errorCode {code:?}"))?;
    ensure(ans.status.as_u16() == want, || {
        format!("{code} must come with HTTP {want}")
    })?;
    Ok(Envelope {
        code: code.to_owned(),
        name,
        message: message.to_owned(),
    })
}

fn retry_after(ans: &Answer) -> Option<&str> {
    ans.headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
}

/// The client reads the envelope back: same code, name and message.
fn client_reads_envelope(ans: &Answer, env: &Envelope) -> Check {
    let got = decode::<Value>(ans.status.as_u16(), retry_after(ans), &ans.body);
    let fits = match &got {
        Err(Error::Validation { message }) => env.code == "P403" && *message == env.message,
        Err(Error::Api {
            status,
            code,
            name,
            message,
        }) => {
            *status == ans.status.as_u16()
                && *code == env.code
                && *name == env.name
                && *message == env.message
        }
        _ => false,
    };
    ensure(fits, || format!("the client reads the envelope as {got:?}"))
}

/// A success body that the client's model for the route reads; `ext` is the path's user id,
/// which the answer must echo.
fn success<T: DeserializeOwned + std::fmt::Debug>(
    ans: &Answer,
    want: u16,
    ext: Option<&[u8]>,
    echo: impl Fn(&T) -> Option<&str>,
) -> Check {
    ensure(ans.status.as_u16() == want, || {
        format!("success must be HTTP {want}")
    })?;
    ensure(content_type(ans) == "application/json", || {
        "success must be application/json".into()
    })?;
    let v = decode::<T>(ans.status.as_u16(), retry_after(ans), &ans.body)
        .map_err(|e| format!("the client cannot read the success body: {e}"))?;
    if let (Some(ext), Some(got)) = (ext, echo(&v)) {
        ensure(got.as_bytes() == ext, || {
            format!("the answer is about {got:?}, not the path's user")
        })?;
    }
    Ok(())
}

/// Checks one answer against the request that drew it.
pub fn check(sent: &Sent<'_>, ans: &Answer) -> Check {
    ensure(!ans.status.is_server_error(), || "a 5xx answer".into())?;
    if ans.status == StatusCode::TOO_MANY_REQUESTS {
        // Rate limiting is off here; should it ever answer, it is NestJS's throttler body.
        let v: Value = serde_json::from_slice(&ans.body).map_err(|e| format!("429 body: {e}"))?;
        return ensure(
            v == serde_json::json!({"statusCode": 429, "message": "ThrottlerException: Too Many Requests"})
                && retry_after(ans).is_some(),
            || "429 without the throttler body and Retry-After".into(),
        );
    }
    if ans.status == StatusCode::PAYLOAD_TOO_LARGE {
        return ensure(
            sent.body.len() > p100_sandbox::files::MAX_UPLOAD_BODY
                && &ans.body[..] == b"Failed to buffer the request body: length limit exceeded",
            || "413 for a body under the limit, or not the documented text".into(),
        );
    }
    let head = sent.method == Method::HEAD;
    let path = sent.uri.path();
    let Some(template) = matched_template(path) else {
        // NestJS's default answer for a path that matches no route.
        ensure(ans.status == StatusCode::NOT_FOUND, || {
            "an unknown path must answer 404".into()
        })?;
        if head {
            return Ok(());
        }
        let v: Value = serde_json::from_slice(&ans.body).map_err(|e| format!("404 body: {e}"))?;
        let want = serde_json::json!({
            "statusCode": 404,
            "message": format!("Cannot {} {path}", sent.method),
            "error": "Not Found",
        });
        return ensure(v == want, || format!("404 body is not {want}"));
    };

    let keyed = template != routes::REDIRECT_TO_VERIFICATION.template;
    if keyed && let Some(case) = sent.key.denied() {
        ensure(ans.status == StatusCode::UNAUTHORIZED, || {
            format!("a request without the right key must answer 401 {case}")
        })?;
        if head {
            return Ok(());
        }
        ensure(
            &ans.body[..] == format!("Access Denied. {case}").as_bytes()
                && content_type(ans) == "text/plain; charset=utf-8",
            || format!("401 must be the text `Access Denied. {case}`"),
        )?;
        let want = if case == "xo1" {
            DenyReason::NoKey
        } else {
            DenyReason::WrongKey
        };
        let got = decode::<Value>(401, None, &ans.body);
        return ensure(
            matches!(&got, Err(Error::AccessDenied(r)) if *r == want),
            || format!("the client reads the 401 as {got:?}"),
        );
    }

    let utf8 = std::str::from_utf8(&percent_decode(path)).is_ok();
    let served: Vec<&'static Route> = routes::ALL
        .iter()
        .filter(|r| r.template == template)
        .collect();
    let route = served.iter().copied().find(|r| {
        let m = crate::sandbox::route_method(r);
        m == sent.method || (sent.method == Method::HEAD && m == Method::GET)
    });
    let Some(route) = route.filter(|_| utf8) else {
        if !utf8 {
            // The UTF-8 check sits in front of the method routing (and its 405).
            if head {
                return ensure(ans.status == StatusCode::BAD_REQUEST, || {
                    "a path that is not UTF-8 must answer 400".into()
                });
            }
            let env = envelope(ans)?;
            ensure(env.code == "P403", || {
                "a path that is not UTF-8 must answer P403".into()
            })?;
            return client_reads_envelope(ans, &env);
        }
        ensure(ans.status == StatusCode::METHOD_NOT_ALLOWED, || {
            format!("{} is not served on {template}: 405 expected", sent.method)
        })?;
        let allow = ans
            .headers
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        for r in &served {
            let m = crate::sandbox::route_method(r);
            ensure(allow.split(',').any(|a| a.trim() == m.as_str()), || {
                format!("Allow {allow:?} does not list {m}")
            })?;
        }
        return ensure(ans.body.is_empty(), || "405 must have an empty body".into());
    };

    if head {
        return ensure(matches!(ans.status.as_u16(), 200 | 400 | 404), || {
            "HEAD answered a status GET cannot".into()
        });
    }

    // The handler ran: success for the route, or an envelope.
    let body_is_envelope = serde_json::from_slice::<Value>(&ans.body)
        .ok()
        .is_some_and(|v| v.get("errorCode").is_some());
    if !ans.status.is_success() || body_is_envelope {
        let env = envelope(ans)?;
        return client_reads_envelope(ans, &env);
    }

    // The path's user id, for the routes that have one.
    let ext = {
        let tmpl: Vec<&str> = route.template.split('/').collect();
        let segs: Vec<&str> = path.split('/').collect();
        tmpl.iter()
            .position(|t| *t == "{externalUserId}")
            .map(|i| percent_decode(segs[i]))
    };
    let ext = ext.as_deref();
    match route.name {
        n if n == routes::CREATE_USER.name => {
            success::<CreateUserResponse>(ans, 201, None, |_| None)
        }
        n if n == routes::ADD_KYC_FILE.name => {
            success::<KycFilesResponse>(ans, 201, ext, |v| Some(&v.external_user_id))
        }
        n if n == routes::ADD_POA_FILE.name => {
            success::<PoaUploadResponse>(ans, 201, ext, |v| Some(&v.external_user_id))
        }
        n if n == routes::ADD_USER_VERIFICATION.name => {
            success::<KycStatus>(ans, 201, None, |_| None)
        }
        n if n == routes::EXTEND_USER.name
            || n == routes::UPDATE_USER.name
            || n == routes::DELETE_USER.name
            || n == routes::SUSPEND_USER.name
            || n == routes::UNSUSPEND_USER.name =>
        {
            success::<UserAccount>(ans, 200, ext, |v| Some(&v.external_user_id))
        }
        n if n == routes::GET_USER_BALANCES.name => {
            success::<UserBalances>(ans, 200, None, |_| None)
        }
        n if n == routes::GET_USER_TRANSACTIONS.name => {
            success::<TransactionPage>(ans, 200, None, |_| None)
        }
        n if n == routes::CREATE_KYC_VERIFICATION.name => {
            success::<CreateKycVerificationResponse>(ans, 201, None, |_| None)
        }
        n if n == routes::GET_KYC_STATUS.name => {
            success::<KycStatus>(ans, 200, ext, |v| Some(&v.external_user_id))
        }
        n if n == routes::REDIRECT_TO_VERIFICATION.name => ensure(
            ans.status == StatusCode::OK
                && content_type(ans) == "text/html; charset=utf-8"
                && ans.body.starts_with(b"<!doctype html>")
                && ans.headers.contains_key(header::REFRESH),
            || "the redirect must be a 200 HTML loading page with Refresh".into(),
        ),
        n if n == routes::CREATE_CARD.name => success::<CreatedCard>(ans, 200, None, |_| None),
        n if n == routes::LIST_CARDS.name => success::<CardList>(ans, 200, None, |_| None),
        n if n == routes::GET_CARD_DETAILS.name => success::<CardDetails>(ans, 200, None, |_| None),
        n if n == routes::GET_CARD_LIMITS.name => success::<CardLimits>(ans, 200, None, |_| None),
        n if n == routes::UPDATE_CARD_PIN.name
            || n == routes::BLOCK_CARD.name
            || n == routes::UNBLOCK_CARD.name
            || n == routes::UPDATE_CARD_LIMITS.name
            || n == routes::DELETE_CARD.name =>
        {
            success::<Message>(ans, 200, None, |_| None)
        }
        n if n == routes::GET_PARTNER_BALANCES.name => {
            success::<UserBalances>(ans, 200, None, |_| None)
        }
        n if n == routes::CREATE_TRANSFER.name => {
            success::<TransferCreated>(ans, 200, None, |_| None)
        }
        n if n == routes::GET_TRANSFER.name => success::<TransferDetails>(ans, 200, None, |_| None),
        n if n == routes::GET_EXCHANGE_RATE.name => {
            success::<ExchangeRates>(ans, 200, None, |_| None)
        }
        n if n == routes::GET_EXCHANGE_LOCK.name => {
            success::<ExchangeLock>(ans, 200, None, |_| None)
        }
        n if n == routes::CREATE_EXCHANGE.name => {
            success::<ExchangeCreated>(ans, 200, None, |_| None)
        }
        n if n == routes::GET_EXCHANGE.name => success::<ExchangeDetails>(ans, 200, None, |_| None),
        n if n == routes::GET_NETWORK_FEE.name => success::<NetworkFee>(ans, 200, None, |_| None),
        n if n == routes::CREATE_CRYPTO_WITHDRAWAL.name => {
            success::<WithdrawalCreated>(ans, 200, None, |_| None)
        }
        n if n == routes::GET_CRYPTO_WITHDRAWAL.name => {
            success::<WithdrawalDetails>(ans, 200, None, |_| None)
        }
        n if n == routes::UPDATE_TRAVEL_RULE.name => success::<Message>(ans, 200, None, |_| None),
        other => Err(format!("{other} answered success")),
    }
}
