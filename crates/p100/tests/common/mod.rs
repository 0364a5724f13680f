//! Fixtures shared by the client's integration tests against the sandbox on loopback.
// Each test binary uses some of these.
#![allow(dead_code)]

use p100::models::*;
use p100::upload::UploadFile;
use p100::{ApiKey, Client, Error};
use p100_sandbox::{SandboxConfig, SandboxHandle, spawn};
use std::path::Path;
use std::time::Duration;

/// A sandbox on a free loopback port.
pub async fn sandbox(config: SandboxConfig) -> SandboxHandle {
    spawn(config).await.expect("sandbox starts").1
}

/// A client for `sb` that sends `key`.
pub fn client(sb: &SandboxHandle, key: &str) -> Client {
    Client::new(sb.base_url().parse().unwrap(), ApiKey::new(key).unwrap()).unwrap()
}

pub fn profile(country: &str) -> UserProfile {
    UserProfile {
        email: Some("ada@example.com".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        country: Some(country.into()),
        citizenship: Some("PL".into()),
        ..Default::default()
    }
}

pub async fn create(c: &Client, country: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let req = CreateUserRequest {
        external_user_id: id.clone(),
        has_accepted_p100_tc: true,
        profile: profile(country),
    };
    c.create_user(&req).await.unwrap();
    id
}

pub fn file(dir: &Path, field: &str, name: &str, bytes: &[u8]) -> UploadFile {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let mime = if name.ends_with(".pdf") {
        "application/pdf"
    } else {
        "image/jpeg"
    };
    UploadFile {
        field: field.into(),
        file_name: name.into(),
        mime: mime.into(),
        path,
        size: bytes.len() as u64,
    }
}

pub fn jpeg(size: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.resize(size.max(4), 0x11);
    v
}

pub fn code(e: &Error) -> &str {
    e.p100_code().unwrap_or("-")
}

pub async fn until<F: Fn() -> Fut, Fut: Future<Output = bool>>(f: F) {
    for _ in 0..250 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not reached");
}

pub async fn activate(c: &Client, id: &str, dir: &Path) {
    let files = [
        file(dir, "front", "p.jpg", &jpeg(100)),
        file(dir, "selfie", "s.jpg", &jpeg(100)),
    ];
    c.add_kyc_files(id, DocumentType::Passport, &files, None)
        .await
        .unwrap();
    c.add_user_verification(&verification(id)).await.unwrap();
    until(|| async {
        c.get_kyc_status(id)
            .await
            .is_ok_and(|s| s.attempt_status == Some(AttemptStatus::Successful))
    })
    .await;
}

pub fn verification(id: &str) -> UserVerificationRequest {
    UserVerificationRequest {
        external_user_id: id.into(),
        document_type: DocumentType::Passport,
        document_number: "AB123456".into(),
        issuing_country: "PL".into(),
        issue_date: None,
        expiry_date: "2035-01-01".into(),
    }
}
