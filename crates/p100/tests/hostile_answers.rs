//! Answers that are not P100 talking: larger than the client reads. A loopback server stands in
//! for a hostile or broken host (no real P100 sends such answers, so nothing else can play it).

use axum::body::Body;
use axum::http::header;
use axum::routing::any;
use futures_util::{StreamExt, stream};
use p100::client::MAX_ANSWER_BYTES;
use p100::{ApiKey, Client, Error, RetryPolicy};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Serves `app` on a free loopback port; returns a client for it.
async fn client_for(app: axum::Router) -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Client::new(
        format!("http://{addr}").parse().unwrap(),
        ApiKey::new("hostile-answers-key").unwrap(),
    )
    .unwrap()
    .with_retry_policy(RetryPolicy::NONE)
}

/// A JSON KYC status whose rejection reason is `pad` bytes long.
fn kyc_status(pad: usize) -> String {
    format!(
        r#"{{"externalUserId":"u1","verificationStatus":"NOT_VERIFIED","rejectionReason":"{}"}}"#,
        "x".repeat(pad)
    )
}

#[tokio::test]
async fn an_answer_within_the_cap_is_read() {
    let body = kyc_status(MAX_ANSWER_BYTES - 200);
    let c = client_for(axum::Router::new().fallback(any(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    })))
    .await;
    let status = c.get_kyc_status("u1").await.unwrap();
    assert_eq!(
        status.rejection_reason.map(|r| r.len()),
        Some(MAX_ANSWER_BYTES - 200)
    );
}

#[tokio::test]
async fn an_announced_oversized_answer_is_refused_before_it_is_read() {
    let body = kyc_status(MAX_ANSWER_BYTES + 1);
    let c = client_for(axum::Router::new().fallback(any(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    })))
    .await;
    let err = c.get_kyc_status("u1").await.unwrap_err();
    assert!(
        matches!(err, Error::AnswerTooLarge { status: 200, limit } if limit == MAX_ANSWER_BYTES),
        "{err:?}"
    );
    assert!(err.outcome_unknown(), "a 2xx was answered: it acted");
}

#[tokio::test]
async fn an_endless_answer_is_cut_at_the_cap() {
    // No Content-Length: 1 MiB chunks for up to 200 MiB, counting what the server got to send.
    let sent = Arc::new(AtomicUsize::new(0));
    let s = sent.clone();
    let c = client_for(axum::Router::new().fallback(any(move || {
        let s = s.clone();
        async move {
            let chunks = stream::iter(0..200).map(move |_| {
                s.fetch_add(1 << 20, Ordering::Relaxed);
                Ok::<_, std::io::Error>(vec![b' '; 1 << 20])
            });
            (
                [(header::CONTENT_TYPE, "application/json")],
                Body::from_stream(chunks),
            )
        }
    })))
    .await;
    let err = c.get_kyc_status("u1").await.unwrap_err();
    assert!(matches!(err, Error::AnswerTooLarge { .. }), "{err:?}");
    // Give the server a moment to notice the closed connection, then look at what it sent: the
    // cap plus what the two sockets' buffers hold, not the 200 MiB on offer.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let sent = sent.load(Ordering::Relaxed);
    assert!(
        sent < MAX_ANSWER_BYTES + (24 << 20),
        "the client kept reading: {sent} bytes sent"
    );
}
