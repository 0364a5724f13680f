//! Retries against the sandbox's injected faults over loopback: what is sent again, how long the
//! client waits, what a hook sees and cancels; and redirects, which are never followed (they
//! would carry the API key to another host).

use p100::models::*;
use p100::retry::{HOOK, RetryHook, RetryNotice};
use p100::{ApiKey, Client, Error, RetryPolicy};
use p100_sandbox::faults::{Fault, FaultRule};
use p100_sandbox::{SandboxConfig, SandboxHandle};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

const KEY: &str = "retry-key";

async fn setup(policy: RetryPolicy) -> (SandboxHandle, Client) {
    let sb = common::sandbox(SandboxConfig::local(KEY)).await;
    let c = common::client(&sb, KEY).with_retry_policy(policy);
    (sb, c)
}

const FAST: RetryPolicy = RetryPolicy {
    max_attempts: 4,
    base: Duration::from_millis(5),
    cap: Duration::from_millis(20),
    max_retry_after: Duration::from_secs(5),
};

fn rule(fault: Fault, times: u32) -> FaultRule {
    FaultRule {
        fault,
        times,
        path_prefix: Some("/v1/".into()),
        method: None,
    }
}

fn create_request() -> CreateUserRequest {
    CreateUserRequest {
        external_user_id: uuid::Uuid::new_v4().to_string(),
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some("retry@example.com".into()),
            first_name: Some("Re".into()),
            last_name: Some("Try".into()),
            country: Some("PL".into()),
            citizenship: Some("PL".into()),
            ..Default::default()
        },
    }
}

/// Runs `f` with a hook that records every notice; returns the notices and the call record.
async fn watched<T>(
    f: impl Future<Output = T>,
) -> (
    T,
    Vec<RetryNotice>,
    p100::retry::CallRecord,
    tokio::sync::watch::Sender<bool>,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let (tx, rx) = tokio::sync::watch::channel(false);
    let hook = RetryHook::new(
        Arc::new(move |n: &RetryNotice| s.lock().unwrap().push(n.clone())),
        rx,
    );
    let out = HOOK.scope(hook.clone(), f).await;
    let notices = seen.lock().unwrap().clone();
    (out, notices, hook.record(), tx)
}

#[tokio::test]
async fn rate_limits_wait_for_retry_after_then_succeed() {
    let (sb, c) = setup(FAST).await;
    sb.state().faults.add(rule(
        Fault::RateLimit {
            retry_after_secs: 1,
        },
        1,
    ));
    let started = Instant::now();
    let req = create_request();
    let (out, notices, record, _) = watched(c.create_user(&req)).await;
    out.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(notices.len(), 1);
    assert_eq!(
        (
            notices[0].route,
            notices[0].attempt,
            notices[0].delay,
            notices[0].reason.as_str()
        ),
        (
            "createUser",
            2,
            Duration::from_secs(1),
            "P100 is rate limiting"
        )
    );
    assert_eq!(record.attempts, 2);
    assert!(!record.earlier_outcome_unknown, "a 429 was not processed");
    assert_eq!(sb.state().user_count(), 1);
}

#[tokio::test]
async fn not_processed_answers_are_retried_even_for_a_verification() {
    let (sb, c) = setup(FAST).await;
    let req = create_request();
    c.create_user(&req).await.unwrap();
    sb.state().faults.add(rule(
        Fault::P100 {
            code: "P501".into(),
        },
        2,
    ));
    let v = UserVerificationRequest {
        external_user_id: req.external_user_id.clone(),
        document_type: DocumentType::Passport,
        document_number: "AB123".into(),
        issuing_country: "PL".into(),
        issue_date: None,
        expiry_date: "2035-01-01".into(),
    };
    // No KYC files yet: after two P501s the sandbox's own answer comes through.
    let (out, notices, record, _) = watched(c.add_user_verification(&v)).await;
    assert_eq!(out.unwrap_err().p100_code(), Some("P445"));
    assert_eq!(notices.len(), 2);
    assert_eq!(record.attempts, 3);
}

#[tokio::test]
async fn unknown_outcomes_are_retried_only_where_harmless() {
    let (sb, c) = setup(FAST).await;
    // A cut connection after the effect: the create happened, then a repeat is answered P411.
    sb.state().faults.add(rule(Fault::Drop, 1));
    let req = create_request();
    let (out, notices, record, _) = watched(c.create_user(&req)).await;
    assert_eq!(
        out.unwrap_err().p100_code(),
        Some("P411"),
        "the repeat found our own user"
    );
    assert_eq!(notices.len(), 1);
    assert!(
        record.earlier_outcome_unknown,
        "the caller learns that the first attempt may have acted"
    );
    assert_eq!(sb.state().user_count(), 1, "never two users");

    // A hosted session is not repeated after a 503: a second one would be billed.
    sb.state()
        .faults
        .add(rule(Fault::Status { status: 503 }, 1));
    let hosted = CreateKycVerificationRequest {
        external_user_id: req.external_user_id.clone(),
        document_type: DocumentType::Passport,
        country: "PL".into(),
        income_source: IncomeSource::Salary,
        open_account_reason: OpenAccountReason::DailyUse,
        tax_id: None,
        occupation: None,
        additional_info: None,
    };
    let (out, notices, _, _) = watched(c.create_kyc_verification(&hosted)).await;
    assert!(matches!(out.unwrap_err(), Error::Server { status: 503 }));
    assert!(notices.is_empty());
}

#[tokio::test]
async fn attempts_are_bounded_and_a_wait_can_be_cancelled() {
    let (sb, c) = setup(FAST).await;
    sb.state()
        .faults
        .add(rule(Fault::Status { status: 502 }, 10));
    let (out, notices, record, _) = watched(c.get_kyc_status("nobody")).await;
    assert!(matches!(out.unwrap_err(), Error::Server { status: 502 }));
    assert_eq!((notices.len(), record.attempts), (3, 4));

    let slow = c.clone().with_retry_policy(RetryPolicy {
        base: Duration::from_secs(30),
        cap: Duration::from_secs(30),
        ..FAST
    });
    let seen = Arc::new(Mutex::new(0));
    let s = seen.clone();
    let (tx, rx) = tokio::sync::watch::channel(false);
    let hook = RetryHook::new(Arc::new(move |_: &RetryNotice| *s.lock().unwrap() += 1), rx);
    let started = Instant::now();
    let call = tokio::spawn(HOOK.scope(hook, async move { slow.get_kyc_status("nobody").await }));
    while *seen.lock().unwrap() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tx.send(true).unwrap();
    let err = call.await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Cancelled {
                outcome_unknown: true
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the 15–30 s wait was cut short"
    );
}

#[tokio::test]
async fn uploads_restart_from_the_first_byte() {
    use axum::body::Bytes;
    use axum::http::StatusCode;
    use axum::routing::any;
    // A server that reads every byte, then fails the first upload with a bare 503 (outcome
    // unknown: an upload is harmless to repeat) and accepts the second. The sandbox's faults
    // answer before reading the body, which would not show the restart.
    let seen = Arc::new(Mutex::new(Vec::<usize>::new()));
    let s2 = seen.clone();
    let app = axum::Router::new().fallback(any(move |body: Bytes| {
        let seen = s2.clone();
        async move {
            let n = {
                let mut v = seen.lock().unwrap();
                v.push(body.len());
                v.len()
            };
            if n == 1 {
                (StatusCode::SERVICE_UNAVAILABLE, String::new())
            } else {
                (
                    StatusCode::CREATED,
                    r#"{"externalUserId":"u1","documentType":"PASSPORT","received":["front"],"missing":["selfie"]}"#.to_owned(),
                )
            }
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let c = Client::new(
        format!("http://{addr}").parse().unwrap(),
        ApiKey::new(KEY).unwrap(),
    )
    .unwrap()
    .with_retry_policy(FAST);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("front.jpg");
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    // Several 256 KiB chunks, so progress is seen going back to 0.
    jpeg.resize(600_000, 7);
    std::fs::write(&path, &jpeg).unwrap();
    let progress = Arc::new(Mutex::new(Vec::new()));
    let p = progress.clone();
    let files = [p100::upload::UploadFile {
        field: "front".into(),
        file_name: "front.jpg".into(),
        mime: "image/jpeg".into(),
        path: path.clone(),
        size: jpeg.len() as u64,
    }];
    let (answer, notices, record, _) = watched(c.add_kyc_files(
        "u1",
        DocumentType::Passport,
        &files,
        Some(Arc::new(move |u| p.lock().unwrap().push(u.sent))),
    ))
    .await;
    assert_eq!(answer.unwrap().received, vec![KycFileSide::Front]);
    assert_eq!((notices.len(), record.attempts), (1, 2));
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1], "the whole request was sent again");
    assert!(bodies[0] > jpeg.len(), "each holds the whole file");
    let sent = progress.lock().unwrap().clone();
    let restarts = sent.windows(2).filter(|w| w[1] < w[0]).count();
    assert_eq!(
        restarts, 1,
        "progress started again from 0 for the second attempt: {sent:?}"
    );
    assert_eq!(*sent.last().unwrap(), jpeg.len() as u64);
}

#[tokio::test]
async fn redirects_are_not_followed_so_the_key_stays_home() {
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::routing::any;
    let got_key = Arc::new(Mutex::new(Vec::<String>::new()));
    let g = got_key.clone();
    let elsewhere = axum::Router::new().fallback(any(move |h: HeaderMap| {
        let g = g.clone();
        async move {
            g.lock().unwrap().extend(
                h.get("x-api-key")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
            );
            "{}"
        }
    }));
    let other = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_addr = other.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(other, elsewhere).await });
    let redirector = axum::Router::new().fallback(any(move || async move {
        (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, format!("http://{other_addr}/steal"))],
        )
    }));
    let first = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let first_addr = first.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(first, redirector).await });

    let c = Client::new(
        format!("http://{first_addr}").parse().unwrap(),
        ApiKey::new("SECRET-KEY-123").unwrap(),
    )
    .unwrap()
    .with_retry_policy(RetryPolicy::NONE);
    let err = c.get_kyc_status("u1").await.unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { status: 307, .. }),
        "{err:?}"
    );
    assert!(
        got_key.lock().unwrap().is_empty(),
        "the key never reached the other host"
    );
}
