//! The webhook sender against a real HTTP receiver on loopback, with retry delays scaled down to
//! 40/80/160/320 ms (real time, no mocked clock).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use p100::models::{AttemptStatus, KycFileStatus, PoaStatus, UserStatus, VerificationStatus};
use p100_sandbox::webhooks::{Delivery, WebhookConfig, WebhookEvent, Webhooks};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

const TOKEN: &str = "partner-webhook-token-s3cr3t";
/// The scaled default delays: 8/16/32/64 s × 0.005.
const DELAYS_MS: [u64; 4] = [40, 80, 160, 320];
/// How much later than its delay a retry may arrive (scheduling, a slow CI machine).
const SLACK: Duration = Duration::from_millis(200);
const SETTLE: Duration = Duration::from_secs(10);

/// One request the receiver saw.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    user_agent: Option<String>,
    body: Value,
    at: Instant,
}

/// What the receiver does with a request.
enum Reply {
    Status(StatusCode),
    /// Sleeps this long, then answers 200.
    Hang(Duration),
}

/// Decides the reply from the request and every request seen before it.
type Policy = Box<dyn Fn(&Seen, &[Seen]) -> Reply + Send + Sync>;

struct Receiver {
    seen: Mutex<Vec<Seen>>,
    policy: Policy,
}

impl Receiver {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    let seen = Seen {
        path: uri.path().to_owned(),
        authorization: header("authorization"),
        content_type: header("content-type"),
        user_agent: header("user-agent"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        at: Instant::now(),
    };
    let reply = {
        let mut all = receiver.seen.lock().unwrap();
        let reply = (receiver.policy)(&seen, &all);
        all.push(seen);
        reply
    };
    match reply {
        Reply::Status(status) => status,
        Reply::Hang(duration) => {
            tokio::time::sleep(duration).await;
            StatusCode::OK
        }
    }
}

/// Starts a receiver on 127.0.0.1:0; returns it and its base URL.
async fn receiver(
    policy: impl Fn(&Seen, &[Seen]) -> Reply + Send + Sync + 'static,
) -> (Arc<Receiver>, String) {
    let receiver = Arc::new(Receiver {
        seen: Mutex::new(Vec::new()),
        policy: Box::new(policy),
    });
    let app = Router::new().fallback(receive).with_state(receiver.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (receiver, format!("http://{addr}"))
}

fn ok() -> impl Fn(&Seen, &[Seen]) -> Reply + Send + Sync + 'static {
    |_, _| Reply::Status(StatusCode::OK)
}

fn hooks(base_url: &str) -> Webhooks {
    Webhooks::new(config(base_url))
}

fn config(base_url: &str) -> WebhookConfig {
    WebhookConfig {
        base_url: Some(base_url.to_owned()),
        token: Some(TOKEN.to_owned()),
        retry_delays: [8, 16, 32, 64].map(Duration::from_secs).to_vec(),
        ..WebhookConfig::default()
    }
    .scaled(0.005)
}

fn user_status(user: &str, status: UserStatus) -> WebhookEvent {
    WebhookEvent::UserStatus {
        external_user_id: user.to_owned(),
        status,
    }
}

/// A KYC event whose rejection reason carries `tag`, to tell deliveries of one user apart.
fn tagged(user: &str, tag: &str) -> WebhookEvent {
    WebhookEvent::KycVerification {
        external_user_id: user.to_owned(),
        verification_status: VerificationStatus::NotVerified,
        attempt_status: Some(AttemptStatus::RejectedByProvider),
        rejection_reason: Some(tag.to_owned()),
    }
}

fn delivery(hooks: &Webhooks, id: u64) -> Delivery {
    hooks
        .log()
        .into_iter()
        .find(|d| d.id == id)
        .expect("the delivery is logged")
}

/// Checks that the gaps between consecutive arrivals follow `DELAYS_MS` (at least the delay,
/// at most `SLACK` more), plus `extra` per gap (e.g. a timeout the previous attempt waited out).
fn assert_gaps(seen: &[Seen], extra: Duration) {
    for (i, pair) in seen.windows(2).enumerate() {
        let gap = pair[1].at - pair[0].at;
        let delay = Duration::from_millis(DELAYS_MS[i]) + extra;
        assert!(
            gap >= delay && gap < delay + SLACK,
            "gap before attempt {} was {gap:?}, expected {delay:?} (+ < {SLACK:?})",
            i + 2
        );
    }
}

fn assert_rfc3339_utc(at: &str) {
    assert!(at.ends_with('Z'), "{at} is not UTC");
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{at} is not RFC 3339: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivers_each_kind_to_its_path_with_the_bare_token() {
    let (receiver, url) = receiver(ok()).await;
    let hooks = hooks(&url);
    let events = [
        (
            user_status("u-1", UserStatus::Active),
            "/webhook/user/status",
            "userStatus",
            json!({"externalUserId": "u-1", "status": "ACTIVE"}),
        ),
        (
            WebhookEvent::PoaStatus {
                external_user_id: "u-2".into(),
                status: PoaStatus::Approved,
            },
            "/webhook/poa-verification/status",
            "poaVerificationStatus",
            json!({"externalUserId": "u-2", "status": "APPROVED"}),
        ),
        (
            WebhookEvent::KycFile {
                external_user_id: "u-3".into(),
                status: KycFileStatus::Added,
            },
            "/webhook/kyc-file/status",
            "kycFileAdded",
            json!({"externalUserId": "u-3", "status": "ADDED"}),
        ),
        (
            WebhookEvent::KycVerification {
                external_user_id: "u-4".into(),
                verification_status: VerificationStatus::NotVerified,
                attempt_status: Some(AttemptStatus::RejectedByProvider),
                rejection_reason: None,
            },
            "/webhook/kyc-verification/status",
            "kycVerificationStatus",
            json!({
                "externalUserId": "u-4",
                "verificationStatus": "NOT_VERIFIED",
                "attemptStatus": "REJECTED_BY_PROVIDER",
                "rejectionReason": null,
            }),
        ),
    ];
    let ids: Vec<u64> = events
        .iter()
        .map(|(event, ..)| hooks.emit(event.clone()).expect("webhooks are on"))
        .collect();
    assert!(hooks.settle(SETTLE).await, "deliveries settle");

    let seen = receiver.seen();
    assert_eq!(seen.len(), 4, "one request per event: {seen:?}");
    for ((_, path, name, payload), id) in events.iter().zip(ids) {
        let request = seen
            .iter()
            .find(|s| s.path == *path)
            .unwrap_or_else(|| panic!("nothing arrived at {path}"));
        assert_eq!(&request.body, payload, "{path}");
        assert_eq!(request.authorization.as_deref(), Some(TOKEN), "{path}");
        assert_eq!(request.content_type.as_deref(), Some("application/json"));
        assert_eq!(request.user_agent.as_deref(), Some("p100-sandbox"));

        let d = delivery(&hooks, id);
        assert_eq!(d.event, *name);
        assert_eq!(d.url, format!("{url}{path}"));
        assert_eq!(&d.payload, payload);
        assert_eq!(d.state, "delivered");
        assert_eq!(d.attempts.len(), 1, "{d:?}");
        assert_eq!(d.attempts[0].status, Some(200));
        assert_eq!(d.attempts[0].error, None);
        assert_rfc3339_utc(&d.attempts[0].at);
    }
    // Oldest first.
    let logged: Vec<u64> = hooks.log().iter().map(|d| d.id).collect();
    let mut sorted = logged.clone();
    sorted.sort_unstable();
    assert_eq!(logged, sorted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_means_no_authorization_header_and_a_trailing_slash_is_fine() {
    let (receiver, url) = receiver(ok()).await;
    let hooks = Webhooks::new(WebhookConfig {
        token: None,
        ..config(&format!("{url}/"))
    });
    let id = hooks.emit(user_status("u-1", UserStatus::Active)).unwrap();
    assert!(hooks.settle(SETTLE).await);
    let seen = receiver.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/webhook/user/status");
    assert_eq!(seen[0].authorization, None);
    assert_eq!(delivery(&hooks, id).state, "delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_after_the_scheduled_delays_until_delivered() {
    let (receiver, url) = receiver(|_, before| {
        if before.len() < 2 {
            Reply::Status(StatusCode::SERVICE_UNAVAILABLE)
        } else {
            Reply::Status(StatusCode::OK)
        }
    })
    .await;
    let hooks = hooks(&url);
    let id = hooks.emit(user_status("u-1", UserStatus::Active)).unwrap();
    assert_eq!(delivery(&hooks, id).state, "pending");
    assert!(hooks.settle(SETTLE).await);

    let d = delivery(&hooks, id);
    assert_eq!(d.state, "delivered");
    let statuses: Vec<_> = d.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
    let seen = receiver.seen();
    assert_eq!(seen.len(), 3);
    assert_gaps(&seen, Duration::ZERO);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gives_up_after_five_attempts() {
    let (receiver, url) = receiver(|_, _| Reply::Status(StatusCode::INTERNAL_SERVER_ERROR)).await;
    let hooks = hooks(&url);
    let id = hooks
        .emit(user_status("u-1", UserStatus::Suspended))
        .unwrap();
    assert!(hooks.settle(SETTLE).await);

    let d = delivery(&hooks, id);
    assert_eq!(d.state, "failed");
    assert_eq!(d.attempts.len(), 5, "{d:?}");
    assert!(d.attempts.iter().all(|a| a.status == Some(500)));
    for a in &d.attempts {
        assert_rfc3339_utc(&a.at);
    }
    let seen = receiver.seen();
    assert_eq!(seen.len(), 5, "no sixth attempt");
    assert_gaps(&seen, Duration::ZERO);
    // Nothing more comes later.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.seen().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_a_failed_attempt() {
    let timeout = Duration::from_millis(100);
    let (receiver, url) = receiver(|_, before| {
        if before.is_empty() {
            Reply::Hang(Duration::from_secs(2))
        } else {
            Reply::Status(StatusCode::OK)
        }
    })
    .await;
    let hooks = Webhooks::new(WebhookConfig {
        timeout,
        ..config(&url)
    });
    let id = hooks.emit(user_status("u-1", UserStatus::Active)).unwrap();
    assert!(hooks.settle(SETTLE).await);

    let d = delivery(&hooks, id);
    assert_eq!(d.state, "delivered");
    assert_eq!(d.attempts.len(), 2, "{d:?}");
    let first = &d.attempts[0];
    assert_eq!(first.status, None);
    let error = first.error.as_deref().unwrap();
    assert!(error.contains("timed out"), "{error}");
    assert!(
        (100..100 + SLACK.as_millis() as u64).contains(&first.duration_ms),
        "{first:?}"
    );
    assert_eq!(d.attempts[1].status, Some(200));
    // The retry waits the first delay after the timeout. The timeout runs from sending, a little
    // before the receiver notes the arrival, hence the allowance.
    assert_gaps(&receiver.seen(), timeout - Duration::from_millis(20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_a_failed_attempt() {
    // A port nobody listens on: bind, note it, free it.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let hooks = hooks(&format!("http://{addr}"));
    let id = hooks.emit(user_status("u-1", UserStatus::Active)).unwrap();
    assert!(hooks.settle(SETTLE).await);
    let d = delivery(&hooks, id);
    assert_eq!(d.state, "failed");
    assert_eq!(d.attempts.len(), 5);
    for a in &d.attempts {
        assert_eq!(a.status, None);
        assert!(a.error.as_deref().is_some_and(|e| !e.is_empty()), "{a:?}");
        assert!(!a.error.as_deref().unwrap().contains(TOKEN));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_answer_is_a_failure_logged_with_its_status() {
    let (receiver, url) = receiver(|seen, _| {
        if seen.authorization.as_deref() == Some("the-token-the-partner-expects") {
            Reply::Status(StatusCode::OK)
        } else {
            Reply::Status(StatusCode::UNAUTHORIZED)
        }
    })
    .await;
    let hooks = hooks(&url);
    let id = hooks.emit(user_status("u-1", UserStatus::Active)).unwrap();
    assert!(hooks.settle(SETTLE).await);

    let d = delivery(&hooks, id);
    assert_eq!(d.state, "failed");
    assert_eq!(d.attempts.len(), 5);
    for a in &d.attempts {
        assert_eq!(a.status, Some(401), "{a:?}");
        assert_eq!(a.error, None);
    }
    assert_eq!(receiver.seen().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_users_deliveries_arrive_in_emit_order_across_retries() {
    // Every third delivery's first attempt fails (503); its retry must still come before the
    // next delivery of that user.
    let (receiver, url) = receiver(|seen, before| {
        let n: u64 = seen.body["rejectionReason"].as_str().unwrap()[1..]
            .parse()
            .unwrap();
        let tried = before.iter().any(|b| b.body == seen.body);
        if n.is_multiple_of(3) && !tried {
            Reply::Status(StatusCode::SERVICE_UNAVAILABLE)
        } else {
            Reply::Status(StatusCode::OK)
        }
    })
    .await;
    let hooks = hooks(&url);
    let ids: Vec<u64> = (0..20)
        .map(|n| hooks.emit(tagged("u-1", &format!("S{n}"))).unwrap())
        .collect();
    assert!(hooks.settle(SETTLE).await);

    let arrived: Vec<String> = receiver
        .seen()
        .iter()
        .map(|s| s.body["rejectionReason"].as_str().unwrap().to_owned())
        .collect();
    let mut expected = Vec::new();
    for n in 0..20_u32 {
        expected.push(format!("S{n}"));
        if n.is_multiple_of(3) {
            expected.push(format!("S{n}"));
        }
    }
    assert_eq!(arrived, expected);
    for (n, id) in ids.into_iter().enumerate() {
        let d = delivery(&hooks, id);
        assert_eq!(d.state, "delivered");
        assert_eq!(d.attempts.len(), if n.is_multiple_of(3) { 2 } else { 1 });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_user_does_not_hold_up_another() {
    let (receiver, url) = receiver(|seen, _| {
        if seen.body["externalUserId"] == "stuck" {
            Reply::Status(StatusCode::INTERNAL_SERVER_ERROR)
        } else {
            Reply::Status(StatusCode::OK)
        }
    })
    .await;
    // Slower retries than the other tests (0.4 s up to 3.2 s apart): "fine" must be delivered
    // while "stuck" is still being retried, and a busy machine must not blur the two.
    let hooks = Webhooks::new(
        WebhookConfig {
            retry_delays: [8, 16, 32, 64].map(Duration::from_secs).to_vec(),
            ..config(&url)
        }
        .scaled(0.05),
    );
    let stuck = hooks
        .emit(user_status("stuck", UserStatus::Active))
        .unwrap();
    let fine = hooks.emit(user_status("fine", UserStatus::Active)).unwrap();
    let deadline = std::time::Instant::now() + SETTLE;
    while delivery(&hooks, fine).state != "delivered" && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(delivery(&hooks, fine).state, "delivered");
    assert_eq!(
        delivery(&hooks, stuck).state,
        "pending",
        "still being retried"
    );
    assert!(hooks.settle(SETTLE).await);
    assert_eq!(delivery(&hooks, stuck).state, "failed");
    assert_eq!(receiver.seen().len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_base_url_means_nothing_is_sent_or_logged() {
    let (receiver, url) = receiver(ok()).await;
    let hooks = Webhooks::new(WebhookConfig::default());
    assert_eq!(hooks.emit(user_status("u-1", UserStatus::Active)), None);
    assert!(hooks.log().is_empty());
    assert!(hooks.settle(Duration::from_millis(10)).await);

    // The admin route can turn them on later, and off again.
    hooks.set_target(Some(url.clone()), Some(TOKEN.to_owned()));
    assert_eq!(hooks.config().base_url.as_deref(), Some(url.as_str()));
    let id = hooks.emit(user_status("u-1", UserStatus::Active)).unwrap();
    assert!(hooks.settle(SETTLE).await);
    assert_eq!(delivery(&hooks, id).state, "delivered");
    assert_eq!(receiver.seen()[0].authorization.as_deref(), Some(TOKEN));

    hooks.set_target(None, None);
    assert_eq!(hooks.emit(user_status("u-1", UserStatus::Suspended)), None);
    assert_eq!(hooks.log().len(), 1);
    assert_eq!(receiver.seen().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clear_empties_the_log_and_stops_pending_retries() {
    let (receiver, url) = receiver(|_, _| Reply::Status(StatusCode::SERVICE_UNAVAILABLE)).await;
    let hooks = hooks(&url);
    hooks.emit(user_status("u-1", UserStatus::Active)).unwrap();
    hooks
        .emit(user_status("u-1", UserStatus::Suspended))
        .unwrap();
    // Clear while the first delivery waits for its retry (40 ms) and the second is queued.
    while receiver.seen().is_empty() {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    hooks.clear();
    assert!(hooks.log().is_empty());
    assert!(
        hooks.settle(Duration::from_millis(100)).await,
        "abandoned at once"
    );
    let before = receiver.seen().len();
    assert_eq!(before, 1, "only the first attempt of the first delivery");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.seen().len(), before, "no retries after clear");
    assert!(hooks.log().is_empty());

    // It keeps working afterwards, with fresh ids.
    let id = hooks.emit(user_status("u-1", UserStatus::Active)).unwrap();
    assert!(id > 2);
    assert_eq!(hooks.log().len(), 1);
}

#[test]
fn debug_output_hides_the_token() {
    let config = config("http://127.0.0.1:9");
    let text = format!("{config:?}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(text.contains("***"), "{text}");
    let text = format!("{:?}", Webhooks::new(config));
    assert!(!text.contains(TOKEN), "{text}");
    assert!(text.contains("***"), "{text}");
}

#[test]
fn scaled_multiplies_the_retry_delays_only() {
    let config = WebhookConfig::default();
    assert_eq!(config.retry_delays.len(), 4, "5 attempts in total");
    assert_eq!(config.timeout, Duration::from_secs(10));
    let scaled = config.scaled(0.005);
    let ms: Vec<u128> = scaled.retry_delays.iter().map(|d| d.as_millis()).collect();
    assert_eq!(ms, DELAYS_MS.map(u128::from));
    assert_eq!(scaled.timeout, Duration::from_secs(10));
}
