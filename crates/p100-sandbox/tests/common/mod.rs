//! Shared helpers for the sandbox's integration tests: a sandbox on loopback and a thin raw-HTTP
//! client, so that the tests see exactly what goes over the wire.
#![allow(dead_code)] // each test binary uses a different subset

use p100_sandbox::{SandboxConfig, SandboxHandle, spawn};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub const KEY: &str = "sandbox-test-key";

/// Smallest bodies the content sniffer accepts.
pub const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
pub const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";

pub struct Sb {
    pub handle: SandboxHandle,
    pub http: reqwest::Client,
}

/// A reply: status, content type and body (JSON when it parses, else a string).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// P100's `errorCode`, if the body has one.
    pub fn code(&self) -> &str {
        self.body["errorCode"].as_str().unwrap_or("")
    }

    pub fn message(&self) -> &str {
        self.body["errorMessage"].as_str().unwrap_or("")
    }

    #[track_caller]
    pub fn expect(&self, status: u16, code: Option<&str>) -> &Self {
        assert_eq!(self.status, status, "{self:?}");
        if let Some(c) = code {
            assert_eq!(self.code(), c, "{self:?}");
        }
        self
    }
}

pub async fn sandbox() -> Sb {
    sandbox_with(SandboxConfig::local(KEY).with_review_delay(Duration::from_millis(30))).await
}

pub async fn sandbox_with(config: SandboxConfig) -> Sb {
    let (_, handle) = spawn(config).await.expect("sandbox starts");
    Sb {
        handle,
        http: reqwest::Client::new(),
    }
}

async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        content_type,
        body,
        headers,
    }
}

impl Sb {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        reply(req.header("x-api-key", KEY).send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.http.get(self.url(path))).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(self.http.post(self.url(path)).json(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Option<Value>) -> Reply {
        let mut req = self.http.patch(self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.send(req).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.http.delete(self.url(path))).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(self.http.put(self.url(path)).json(&body)).await
    }

    /// Multipart: text fields, then `(field, file name, bytes)` files.
    pub async fn upload(
        &self,
        path: &str,
        text: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Reply {
        let mut form = Form::new();
        for (k, v) in text {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, name, bytes) in files {
            form = form.part(
                field.to_string(),
                Part::bytes(bytes.clone()).file_name(name.to_string()),
            );
        }
        self.send(self.http.post(self.url(path)).multipart(form))
            .await
    }

    /// Creates a user living in `country`; returns its externalUserId.
    pub async fn create(&self, country: &str) -> String {
        self.create_with(country, "ada@example.com").await
    }

    pub async fn create_with(&self, country: &str, email: &str) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        self.post(
            "/v1/user/balances/crypto-and-fiat",
            create_body(&id, country, email),
        )
        .await
        .expect(201, None);
        id
    }

    /// Uploads a complete passport set (Method A).
    pub async fn passport_files(&self, id: &str) {
        let r = self
            .upload(
                &format!("/v1/user/kyc-files/{id}"),
                &[("documentType", "PASSPORT")],
                &[
                    ("front", "passport.jpg", JPEG.to_vec()),
                    ("selfie", "selfie.png", PNG.to_vec()),
                ],
            )
            .await;
        r.expect(201, None);
    }

    /// Uploads one PDF bill as proof of address; the caller judges the reply.
    pub async fn poa_bill(&self, id: &str) -> Reply {
        self.upload(
            &format!("/v1/user/poa-files/{id}"),
            &[],
            &[("files", "bill.pdf", PDF.to_vec())],
        )
        .await
    }

    /// Fails hosted session `vid` with `reason` on the provider's page (no key: a person's
    /// browser sends it), and waits until the sandbox has rejected the attempt.
    pub async fn provider_rejects(&self, id: &str, vid: &str, reason: &str) {
        self.http
            .post(self.url(&format!("/_sandbox/provider/{id}/{vid}")))
            .form(&[("outcome", "fail"), ("reason", reason)])
            .send()
            .await
            .unwrap();
        self.wait_user(
            id,
            |u| u["kyc"]["attemptStatus"] == "REJECTED_BY_PROVIDER",
            "rejection",
        )
        .await;
    }

    pub async fn verify(&self, id: &str, document_number: &str) -> Reply {
        self.post(
            "/v1/user/verification",
            verification_body(id, "PASSPORT", document_number),
        )
        .await
    }

    /// Create, passport files, verification, and wait until ACTIVE.
    pub async fn active_user(&self, country: &str) -> String {
        let id = self.create(country).await;
        self.passport_files(&id).await;
        self.verify(&id, "AB123456").await.expect(201, None);
        self.wait_status(&id, "ACTIVE").await;
        id
    }

    /// Polls the admin view until the user's status is `status` (reviews are timers).
    pub async fn wait_status(&self, id: &str, status: &str) -> Value {
        self.wait_user(id, |u| u["status"] == status, &format!("status {status}"))
            .await
    }

    pub async fn wait_user(&self, id: &str, pred: impl Fn(&Value) -> bool, what: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let u = self.get(&format!("/_sandbox/users/{id}")).await.body;
            if pred(&u) {
                return u;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {u}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub fn create_body(id: &str, country: &str, email: &str) -> Value {
    json!({
        "externalUserId": id,
        "hasAcceptedP100Tc": true,
        "email": email,
        "phone": "48500000000",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "street": "Example Street",
        "number": "1/2",
        "city": "Exampletown",
        "postCode": "00-000",
        "country": country,
        "citizenship": "PL",
        "nationality": "PL",
        "birthCountry": "PL",
        "birthDate": "1990-01-01",
        "userIdentificationNumber": "90010112345"
    })
}

pub fn verification_body(id: &str, document_type: &str, number: &str) -> Value {
    json!({
        "externalUserId": id,
        "documentType": document_type,
        "documentNumber": number,
        "issuingCountry": "PL",
        "issueDate": "2020-01-01",
        "expiryDate": "2035-01-01"
    })
}
