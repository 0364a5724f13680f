//! Fault injection and rate limiting, as a client sees them over real HTTP.

mod common;
use common::*;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_status_fault_fires_the_given_number_of_times_and_has_no_effect() {
    let sb = sandbox().await;
    sb.post(
        "/_sandbox/faults",
        json!({"kind": "status", "status": 503, "times": 2, "method": "POST"}),
    )
    .await
    .expect(201, None);
    let id = uuid::Uuid::new_v4().to_string();
    for _ in 0..2 {
        let r = sb
            .post(
                "/v1/user/balances/crypto-and-fiat",
                create_body(&id, "PL", "a@b.co"),
            )
            .await;
        assert_eq!(r.status, 503);
    }
    assert!(
        sb.handle.state().user(&id).is_none(),
        "the request never reached the handler"
    );
    sb.post(
        "/v1/user/balances/crypto-and-fiat",
        create_body(&id, "PL", "a@b.co"),
    )
    .await
    .expect(201, None);
    assert!(
        sb.get("/_sandbox/faults")
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty(),
        "used up"
    );
}

#[tokio::test]
async fn p500_and_p501_come_as_400_with_the_envelope() {
    let sb = sandbox().await;
    sb.post(
        "/_sandbox/faults",
        json!({"kind": "p100", "code": "P501", "pathPrefix": "/v1/kyc/status"}),
    )
    .await;
    sb.post("/_sandbox/faults", json!({"kind": "p100", "code": "P500"}))
        .await;
    let r = sb.get("/v1/kyc/status/x").await;
    r.expect(400, Some("P501"));
    assert_eq!(r.body["errorName"], "service-unavailable");
    sb.get("/v1/user/balances/x")
        .await
        .expect(400, Some("P500"));
}

#[tokio::test]
async fn latency_delays_and_a_429_fault_carries_retry_after() {
    let sb = sandbox().await;
    sb.post("/_sandbox/faults", json!({"kind": "latency", "ms": 300}))
        .await;
    let started = Instant::now();
    sb.get("/v1/kyc/status/x").await.expect(400, Some("P412"));
    assert!(started.elapsed() >= Duration::from_millis(300));

    sb.post(
        "/_sandbox/faults",
        json!({"kind": "rateLimit", "retryAfterSecs": 7}),
    )
    .await;
    let r = sb.get("/v1/kyc/status/x").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "7");
    assert_eq!(r.body["message"], "ThrottlerException: Too Many Requests");
    // The client reads it as a rate limit with its delay.
    let c = p100::Client::new(
        sb.handle.base_url().parse().unwrap(),
        p100::ApiKey::new(KEY).unwrap(),
    )
    .unwrap()
    // The sandbox's raw answer to each fault, not the client's retries of it.
    .with_retry_policy(p100::RetryPolicy::NONE);
    sb.post(
        "/_sandbox/faults",
        json!({"kind": "rateLimit", "retryAfterSecs": 3}),
    )
    .await;
    match c.get_kyc_status("x").await {
        Err(p100::Error::RateLimited {
            retry_after: Some(d),
        }) => assert_eq!(d, Duration::from_secs(3)),
        other => panic!("expected a rate limit, got {other:?}"),
    }
}

#[tokio::test]
async fn a_dropped_connection_happens_after_the_effect() {
    let sb = sandbox().await;
    sb.post(
        "/_sandbox/faults",
        json!({"kind": "drop", "pathPrefix": "/v1/user/balances/crypto-and-fiat"}),
    )
    .await;
    let id = uuid::Uuid::new_v4().to_string();
    let c = p100::Client::new(
        sb.handle.base_url().parse().unwrap(),
        p100::ApiKey::new(KEY).unwrap(),
    )
    .unwrap()
    // The sandbox's raw answer to each fault, not the client's retries of it.
    .with_retry_policy(p100::RetryPolicy::NONE);
    let req: p100::models::CreateUserRequest =
        serde_json::from_value(create_body(&id, "PL", "a@b.co")).unwrap();
    let err = c.create_user(&req).await.unwrap_err();
    assert!(
        err.outcome_unknown(),
        "a cut answer leaves the outcome unknown: {err:?}"
    );
    assert!(
        sb.handle.state().user(&id).is_some(),
        "the user was created before the connection dropped"
    );
    // Which is exactly why a retry must reuse the id: P100 refuses the duplicate.
    assert_eq!(
        c.create_user(&req).await.unwrap_err().p100_code(),
        Some("P411")
    );
}

#[tokio::test]
async fn the_rate_limiter_answers_429_above_its_rate_and_recovers() {
    let sb = sandbox().await;
    let r = sb
        .put(
            "/_sandbox/rate-limit",
            json!({"enabled": true, "perSecond": 5}),
        )
        .await;
    assert_eq!(r.body, json!({"enabled": true, "perSecond": 5}));
    let mut limited = 0;
    let mut first_retry_after = None;
    for _ in 0..12 {
        let r = sb.get("/v1/kyc/status/x").await;
        if r.status == 429 {
            limited += 1;
            first_retry_after.get_or_insert(r.headers["retry-after"].to_str().unwrap().to_owned());
        }
    }
    assert!(limited >= 5, "{limited} of 12 limited");
    assert_eq!(first_retry_after.as_deref(), Some("1"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    sb.get("/v1/kyc/status/x").await.expect(400, Some("P412"));
    sb.put(
        "/_sandbox/rate-limit",
        json!({"enabled": false, "perSecond": 0}),
    )
    .await;
    for _ in 0..20 {
        assert_ne!(sb.get("/v1/kyc/status/x").await.status, 429);
    }
}

#[tokio::test]
async fn admin_routes_are_never_faulted() {
    let sb = sandbox().await;
    sb.post(
        "/_sandbox/faults",
        json!({"kind": "status", "status": 500, "times": 0}),
    )
    .await;
    sb.get("/_sandbox/users").await.expect(200, None);
    assert_eq!(sb.get("/v1/kyc/status/x").await.status, 500);
    sb.delete("/_sandbox/faults").await.expect(204, None);
    sb.get("/v1/kyc/status/x").await.expect(400, Some("P412"));
}

#[tokio::test]
async fn reset_forgets_users_faults_and_webhooks() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    sb.post(
        "/_sandbox/faults",
        json!({"kind": "latency", "ms": 1, "times": 0}),
    )
    .await;
    sb.post("/_sandbox/reset", json!({}))
        .await
        .expect(204, None);
    sb.get(&format!("/v1/kyc/status/{id}"))
        .await
        .expect(400, Some("P412"));
    assert!(
        sb.get("/_sandbox/faults")
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        sb.get("/_sandbox/users")
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_slow_upload_is_read_at_the_given_pace_and_then_handled() {
    let sb = sandbox().await;
    let id = sb.create("UA").await;
    sb.post(
        "/_sandbox/faults",
        json!({"kind": "slowUpload", "bytesPerSec": 256 * 1024, "method": "POST", "times": 0}),
    )
    .await
    .expect(201, None);
    let mut pdf = PDF.to_vec();
    pdf.resize(512 * 1024, b' ');
    let started = Instant::now();
    let r = sb
        .upload(
            &format!("/v1/user/poa-files/{id}"),
            &[],
            &[("files", "bill.pdf", pdf)],
        )
        .await;
    r.expect(201, None);
    assert_eq!(r.body["files"], 1, "handled normally once read");
    // 512 KiB at 256 KiB/s: the last bytes are read no sooner than 2 s in.
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "read in {:?}",
        started.elapsed()
    );
    assert_eq!(
        sb.get("/_sandbox/faults").await.body[0]["kind"],
        "slowUpload",
        "times 0: it stays until cleared"
    );
}
