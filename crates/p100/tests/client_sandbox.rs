//! The client against the sandbox over real HTTP on loopback.

use p100::models::{CreateUserRequest, UserProfile};
use p100::{ApiKey, Client, DenyReason, Error};
use p100_sandbox::{SandboxConfig, SandboxHandle};
use serde_json::{Value, json};

mod common;
use common::client;

const KEY: &str = "test_key_0123456789";

async fn sandbox() -> SandboxHandle {
    common::sandbox(SandboxConfig::local(KEY)).await
}

fn request(country: &str) -> CreateUserRequest {
    CreateUserRequest {
        external_user_id: uuid::Uuid::new_v4().to_string(),
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some("ada@example.com".into()),
            phone: Some("48500000000".into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            street: Some("Example Street".into()),
            number: Some("1/2".into()),
            city: Some("Exampletown".into()),
            post_code: Some("00-000".into()),
            country: Some(country.into()),
            citizenship: Some("PL".into()),
            nationality: Some("PL".into()),
            birth_country: Some("PL".into()),
            birth_date: Some("1990-01-01".into()),
            user_identification_number: Some("90010112345".into()),
        },
    }
}

/// A raw POST, for bodies the typed client refuses to send.
async fn raw_post(
    sb: &SandboxHandle,
    path: &str,
    key: Option<&str>,
    body: &Value,
) -> (u16, String) {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", sb.base_url()))
        .json(body);
    if let Some(k) = key {
        req = req.header("x-api-key", k);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn create_user_answers_user_id_and_poa_flag() {
    let sb = sandbox().await;
    let c = client(&sb, KEY);
    let plain = c.create_user(&request("PL")).await.expect("created");
    assert!(
        uuid::Uuid::parse_str(&plain.user_id).is_ok(),
        "userId is a UUID: {}",
        plain.user_id
    );
    assert!(!plain.poa_required_for_extended, "PL residents need no POA");
    let poa = c.create_user(&request("UA")).await.expect("created");
    assert!(poa.poa_required_for_extended, "UA is a POA country");
    assert_ne!(plain.user_id, poa.user_id);
    assert_eq!(sb.state().user_count(), 2);
}

#[tokio::test]
async fn create_user_is_201_with_the_documented_body() {
    let sb = sandbox().await;
    let body = serde_json::to_value(request("PL")).unwrap();
    let (status, text) = raw_post(&sb, "/v1/user/balances/crypto-and-fiat", Some(KEY), &body).await;
    assert_eq!(status, 201);
    let v: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["poaRequiredForExtended", "userId"]);
}

#[tokio::test]
async fn duplicate_external_user_id_is_refused() {
    let sb = sandbox().await;
    let c = client(&sb, KEY);
    let req = request("PL");
    c.create_user(&req).await.expect("first create");
    match c.create_user(&req).await {
        Err(Error::Api {
            status: 400,
            code,
            name,
            ..
        }) => {
            assert_eq!(code, "P411");
            assert_eq!(name.as_deref(), Some("user-exists"));
        }
        other => panic!("expected P411, got {other:?}"),
    }
    assert_eq!(sb.state().user_count(), 1);
}

#[tokio::test]
async fn missing_fields_give_one_p403_with_joined_messages() {
    let sb = sandbox().await;
    let (status, text) = raw_post(
        &sb,
        "/v1/user/balances/crypto-and-fiat",
        Some(KEY),
        &json!({"externalUserId": "u-1", "email": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 400);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["errorCode"], "P403");
    assert!(v.get("errorName").is_none(), "P403 has no errorName: {v}");
    assert_eq!(
        v["errorMessage"],
        "hasAcceptedP100Tc must be true: the user has to accept the P100 Terms & Conditions. \
         firstName should not be empty. lastName should not be empty. country should not be empty. \
         citizenship should not be empty."
    );
    assert_eq!(sb.state().user_count(), 0);
}

#[tokio::test]
async fn wrong_types_and_legacy_fields_are_p403() {
    let sb = sandbox().await;
    let mut body = serde_json::to_value(request("PL")).unwrap();
    body["hasAcceptedP100Tc"] = json!("yes");
    body["address"] = json!("Example Street 1");
    let (status, text) = raw_post(&sb, "/v1/user/balances/crypto-and-fiat", Some(KEY), &body).await;
    assert_eq!(status, 400);
    let v: Value = serde_json::from_str(&text).unwrap();
    let msg = v["errorMessage"].as_str().unwrap();
    assert!(msg.contains("property address should not exist."), "{msg}");
    assert!(
        msg.contains("hasAcceptedP100Tc must be a boolean value."),
        "{msg}"
    );
}

#[tokio::test]
async fn non_json_body_is_p403_not_a_framework_error() {
    let sb = sandbox().await;
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/v1/user/balances/crypto-and-fiat",
            sb.base_url()
        ))
        .header("x-api-key", KEY)
        .body("externalUserId=1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["errorCode"], "P403");
}

#[tokio::test]
async fn the_client_refuses_an_invalid_body_without_sending_it() {
    let sb = sandbox().await;
    let mut req = request("PL");
    req.profile.email = Some("not-an-email".into());
    req.has_accepted_p100_tc = false;
    match client(&sb, KEY).create_user(&req).await {
        Err(Error::InvalidRequest(fields)) => {
            let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(names, ["hasAcceptedP100Tc", "email"]);
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(sb.state().user_count(), 0, "nothing reached the sandbox");
}

#[tokio::test]
async fn no_key_is_xo1_and_a_wrong_key_is_xo2() {
    let sb = sandbox().await;
    let (status, text) = raw_post(
        &sb,
        "/v1/user/balances/crypto-and-fiat",
        None,
        &serde_json::to_value(request("PL")).unwrap(),
    )
    .await;
    assert_eq!((status, text.as_str()), (401, "Access Denied. xo1"));

    match client(&sb, "wrong_key").create_user(&request("PL")).await {
        Err(Error::AccessDenied(DenyReason::WrongKey)) => {}
        other => panic!("expected xo2, got {other:?}"),
    }
    match client(&sb, "wrong_key").get_kyc_status("anyone").await {
        Err(e @ Error::AccessDenied(DenyReason::WrongKey)) => {
            assert_eq!(e.http_status(), Some(401))
        }
        other => panic!("expected xo2, got {other:?}"),
    }
    assert_eq!(sb.state().user_count(), 0);
}

#[tokio::test]
async fn header_name_is_case_insensitive() {
    let sb = sandbox().await;
    let resp = reqwest::Client::new()
        .get(format!("{}/v1/kyc/status/nobody", sb.base_url()))
        .header("X-API-Key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400, "authenticated, then P412");
}

#[tokio::test]
async fn kyc_status_of_unknown_user_is_p412_and_of_new_user_p445() {
    let sb = sandbox().await;
    let c = client(&sb, KEY);
    match c.get_kyc_status("nobody").await {
        Err(Error::Api {
            status: 400,
            code,
            name,
            message,
        }) => {
            assert_eq!(
                (code.as_str(), name.as_deref(), message.as_str()),
                ("P412", Some("invalid-user"), "User does not exist")
            );
        }
        other => panic!("expected P412, got {other:?}"),
    }
    let req = request("PL");
    c.create_user(&req).await.unwrap();
    match c.get_kyc_status(&req.external_user_id).await {
        Err(Error::Api {
            status: 404, code, ..
        }) => assert_eq!(code, "P445"),
        other => panic!("expected P445, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_paths_are_404_and_connection_refused_is_connect() {
    let sb = sandbox().await;
    let resp = reqwest::Client::new()
        .get(format!("{}/v1/nothing-here", sb.base_url()))
        .header("x-api-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);

    let base = sb.base_url();
    sb.shutdown().await;
    let c = Client::new(base.parse().unwrap(), ApiKey::new(KEY).unwrap()).unwrap();
    match c.get_kyc_status("x").await {
        Err(e @ Error::Connect(_)) => assert!(!e.outcome_unknown(), "nothing was sent"),
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_is_kept() {
    // A proxy at /p100 in front of the API: the client must not drop the prefix.
    let sb = sandbox().await;
    let c = Client::new(
        format!("{}/p100/", sb.base_url()).parse().unwrap(),
        ApiKey::new(KEY).unwrap(),
    )
    .unwrap();
    match c.get_kyc_status("x").await {
        Err(Error::UnexpectedResponse { status: 404, .. }) => {}
        other => panic!("expected the sandbox's 404 for /p100/v1/..., got {other:?}"),
    }
}
