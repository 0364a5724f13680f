//! Whole journeys with webhooks delivered to a real receiver, and persistence across restarts.

mod common;
use axum::Router;
use axum::http::HeaderMap;
use axum::routing::post;
use common::*;
use p100_sandbox::SandboxConfig;
use p100_sandbox::webhooks::WebhookConfig;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Inbox = Arc<Mutex<Vec<(String, Option<String>, Value)>>>;

/// A partner's webhook receiver on loopback that records every call.
async fn receiver() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let rec = inbox.clone();
    let app = Router::new().route(
        "/{*path}",
        post(
            move |uri: axum::http::Uri, headers: HeaderMap, body: axum::Json<Value>| {
                let rec = rec.clone();
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    rec.lock()
                        .unwrap()
                        .push((uri.path().to_owned(), auth, body.0));
                    "ok"
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox)
}

fn with_webhooks(url: &str) -> SandboxConfig {
    let mut c = SandboxConfig::local(KEY).with_review_delay(Duration::from_millis(30));
    c.webhooks = WebhookConfig {
        base_url: Some(url.to_owned()),
        token: Some("whk-secret".into()),
        ..WebhookConfig::default()
    }
    .scaled(0.005);
    c
}

#[tokio::test]
async fn method_a_journey_sends_p100s_webhooks_in_order() {
    let (url, inbox) = receiver().await;
    let sb = sandbox_with(with_webhooks(&url)).await;
    let id = sb.active_user("UA").await;
    sb.poa_bill(&id).await.expect(201, None);
    sb.wait_user(&id, |u| u["poa"]["status"] == "APPROVED", "poa")
        .await;
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(200, None);
    assert!(
        sb.handle
            .state()
            .webhooks
            .settle(Duration::from_secs(5))
            .await
    );

    let got = inbox.lock().unwrap().clone();
    let seen: Vec<(String, String)> = got
        .iter()
        .map(|(path, _, body)| {
            let status = body
                .get("status")
                .or_else(|| body.get("attemptStatus"))
                .and_then(Value::as_str)
                .unwrap_or("");
            (path.clone(), status.to_owned())
        })
        .collect();
    let expect = [
        ("/webhook/kyc-file/status", "ADDED"),
        ("/webhook/kyc-verification/status", "VERIFICATION"),
        ("/webhook/kyc-verification/status", "SUCCESSFUL"),
        ("/webhook/user/status", "ACTIVE"),
        ("/webhook/poa-verification/status", "WAITING"),
        ("/webhook/poa-verification/status", "APPROVED"),
        ("/webhook/user/status", "SUSPENDED"),
    ];
    assert_eq!(seen, expect.map(|(p, s)| (p.to_owned(), s.to_owned())));
    assert!(
        got.iter()
            .all(|(_, auth, body)| auth.as_deref() == Some("whk-secret")
                && body["externalUserId"] == id.as_str())
    );
    assert_eq!(
        got[3].2,
        json!({"externalUserId": id, "status": "ACTIVE"}),
        "the FAQ's payload, exactly"
    );
    let log = sb.get("/_sandbox/webhooks").await.body;
    assert_eq!(log.as_array().unwrap().len(), 7);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .all(|d| d["state"] == "delivered")
    );
}

#[tokio::test]
async fn a_rejected_hosted_check_sends_its_reason() {
    let (url, inbox) = receiver().await;
    let sb = sandbox_with(with_webhooks(&url)).await;
    let id = sb.create("PL").await;
    let vid = sb
        .post(
            "/v1/kyc",
            json!({"externalUserId": id, "documentType": "PASSPORT", "country": "PL", "incomeSource": "OTHER",
                   "additionalInfo": "savings", "openAccountReason": "DAILY_USE"}),
        )
        .await
        .body["verificationId"]
        .as_str()
        .unwrap()
        .to_owned();
    sb.provider_rejects(&id, &vid, "NO_FACE_FOUND").await;
    assert!(
        sb.handle
            .state()
            .webhooks
            .settle(Duration::from_secs(5))
            .await
    );
    let last = inbox.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.0, "/webhook/kyc-verification/status");
    assert_eq!(
        last.2,
        json!({"externalUserId": id, "verificationStatus": "NOT_VERIFIED", "attemptStatus": "REJECTED_BY_PROVIDER",
               "rejectionReason": "NO_FACE_FOUND"})
    );
}

#[tokio::test]
async fn state_survives_a_restart_and_pending_reviews_resume() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sandbox.sqlite3");
    let mut config = SandboxConfig::local(KEY).with_review_delay(Duration::from_millis(200));
    config.state_file = Some(file.clone());

    let (active, pending) = {
        let sb = sandbox_with(config.clone()).await;
        let active = sb.active_user("PL").await;
        let pending = sb.create("PL").await;
        sb.passport_files(&pending).await;
        sb.verify(&pending, "AB1").await.expect(201, None);
        sb.handle.shutdown().await; // before the 200 ms review is due
        (active, pending)
    };
    let sb = sandbox_with(config).await;
    let balances = sb.get(&format!("/v1/user/balances/{active}")).await;
    balances.expect(200, None);
    assert_eq!(balances.body["fiatBalances"][0]["name"], "eur");
    sb.wait_status(&pending, "ACTIVE").await;
    sb.post(
        "/v1/user/balances/crypto-and-fiat",
        create_body(&active, "PL", "a@b.co"),
    )
    .await
    .expect(400, Some("P411"));
}
