//! Keys in a real Secret Service (the test command runs gnome-keyring in a private D-Bus
//! session), and a custom environment reached with a key from it.

use desk::credentials::Keychain;
use desk::users::NewUser;
use desk::{EnvironmentKind, Error};
use p100::ApiKey;
use p100_sandbox::{SandboxConfig, spawn};

mod common;

use common::{desk, open, require_keychain, service};

#[test]
fn set_replace_and_remove_a_key() {
    let k = Keychain::new(service());
    require_keychain(&k);
    let env = EnvironmentKind::Staging;
    assert!(!k.is_set(env).unwrap());
    k.set(env, &ApiKey::new("first-key").unwrap()).unwrap();
    assert!(k.is_set(env).unwrap());
    k.set(env, &ApiKey::new("second-key").unwrap()).unwrap();
    assert!(k.is_set(env).unwrap());
    assert!(
        !k.is_set(EnvironmentKind::Production).unwrap(),
        "one entry per environment"
    );
    assert!(k.remove(env).unwrap());
    assert!(!k.is_set(env).unwrap());
    assert!(!k.remove(env).unwrap(), "removing twice is not an error");
}

#[test]
fn a_second_secret_service_client_reads_the_stored_key() {
    let svc = service();
    let k = Keychain::new(&svc);
    require_keychain(&k);
    k.set(
        EnvironmentKind::Production,
        &ApiKey::new("prod-secret-123").unwrap(),
    )
    .unwrap();
    // Read it back through a second, independent client of the Secret Service.
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", &svc, "username", "api-key/production"])
        .output()
        .expect("secret-tool (libsecret-tools, installed by the test command) runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "prod-secret-123"
    );
    k.remove(EnvironmentKind::Production).unwrap();
}

fn form() -> NewUser {
    common::new_user("grace@example.com", "DE")
}

#[tokio::test]
async fn custom_environment_uses_the_key_from_the_keychain() {
    let (_, sb) = spawn(SandboxConfig::local("custom-env-key")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    require_keychain(&Keychain::new(service()));

    let info = d
        .select_environment(EnvironmentKind::Custom, Some(sb.base_url()))
        .await
        .unwrap();
    assert!(info.needs_key && !info.key_set);
    assert!(matches!(
        d.create_user(form()).await,
        Err(Error::NoApiKey(EnvironmentKind::Custom))
    ));

    // A wrong key: P100's xo2, journaled as an error, the outbox entry failed (not unknown).
    d.set_api_key(EnvironmentKind::Custom, "wrong-key".into())
        .await
        .unwrap();
    let t = d.test_api_key(EnvironmentKind::Custom).await.unwrap();
    assert!(!t.ok && t.message.contains("xo2"), "{t:?}");
    let err = d.create_user(form()).await.unwrap_err();
    assert_eq!(err.kind(), "accessDenied");
    let j = d.journal(1).await.unwrap();
    assert_eq!(
        (j[0].outcome.as_str(), j[0].http_status),
        ("error", Some(401))
    );

    // The right key, pasted with stray whitespace.
    d.set_api_key(EnvironmentKind::Custom, "  custom-env-key\n".into())
        .await
        .unwrap();
    let t = d.test_api_key(EnvironmentKind::Custom).await.unwrap();
    assert!(t.ok, "{t:?}");
    let user = d.create_user(form()).await.unwrap();
    assert!(sb.state().user(&user.external_user_id).is_some());
    assert!(d.environment().await.unwrap().key_set);

    assert!(d.remove_api_key(EnvironmentKind::Custom).await.unwrap());
    assert!(!d.environment().await.unwrap().key_set);

    let conn = rusqlite::Connection::open(d.db_path()).unwrap();
    let states: Vec<String> = conn
        .prepare("SELECT state FROM outbox ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(states, ["failed", "done"]);
}

#[tokio::test]
async fn a_bad_key_is_refused_at_the_field_and_the_sandbox_takes_none() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let err = d
        .set_api_key(EnvironmentKind::Staging, "has space".into())
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "apiKey");
    let err = d
        .set_api_key(EnvironmentKind::Sandbox, "k".into())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "invalid");
}

/// A stand-in for a host the key must never reach: it records every `x-api-key` it is sent.
async fn recording_host() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::http::HeaderMap;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    let app = axum::Router::new().fallback(move |h: HeaderMap| {
        let s = s.clone();
        async move {
            s.lock().unwrap().extend(
                h.get("x-api-key")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
            );
            "{}"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test]
async fn a_custom_key_stays_with_the_host_it_was_stored_for() {
    let (_, sb) = spawn(SandboxConfig::local("host-bound-key")).await.unwrap();
    let (evil, seen) = recording_host().await;
    let dir = tempfile::tempdir().unwrap();
    let svc = service();
    let d = open(dir.path(), &svc).await;
    require_keychain(&Keychain::new(&svc));

    // A key cannot be stored for Custom before its URL: it would belong to no host.
    let err = d
        .set_api_key(EnvironmentKind::Custom, "host-bound-key".into())
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "apiKey", "{err:?}");

    // The sequence a hostile page could run: the operator's key is set for the real host; the
    // page points Custom elsewhere and tests the key.
    d.select_environment(EnvironmentKind::Custom, Some(sb.base_url()))
        .await
        .unwrap();
    d.set_api_key(EnvironmentKind::Custom, "host-bound-key".into())
        .await
        .unwrap();
    assert!(d.test_api_key(EnvironmentKind::Custom).await.unwrap().ok);
    let info = d
        .select_environment(EnvironmentKind::Custom, Some(evil.clone()))
        .await
        .unwrap();
    assert!(!info.key_set, "the new host has no key");
    assert!(matches!(
        d.test_api_key(EnvironmentKind::Custom).await,
        Err(Error::NoApiKey(EnvironmentKind::Custom))
    ));
    assert!(d.create_user(form()).await.is_err());
    // Changing the remembered URL while another environment is selected is the same move.
    d.select_environment(EnvironmentKind::Custom, Some(sb.base_url()))
        .await
        .unwrap();
    assert!(
        !d.environment().await.unwrap().key_set,
        "moving away forgot the key: coming back does not bring it back"
    );
    d.set_api_key(EnvironmentKind::Custom, "host-bound-key".into())
        .await
        .unwrap();
    d.select_environment(EnvironmentKind::Staging, Some(evil.clone()))
        .await
        .unwrap();
    d.select_environment(EnvironmentKind::Custom, None)
        .await
        .unwrap();
    assert!(matches!(
        d.test_api_key(EnvironmentKind::Custom).await,
        Err(Error::NoApiKey(EnvironmentKind::Custom))
    ));

    // A Custom key left by a desk from before keys were bound (one entry for any host) is never
    // sent anywhere.
    Keychain::new(&svc)
        .set(
            EnvironmentKind::Custom,
            &ApiKey::new("legacy-unbound-key").unwrap(),
        )
        .unwrap();
    drop(d);
    let dir2 = tempfile::tempdir().unwrap();
    let d = open(dir2.path(), &svc).await;
    d.select_environment(EnvironmentKind::Custom, Some(evil.clone()))
        .await
        .unwrap();
    assert!(matches!(
        d.test_api_key(EnvironmentKind::Custom).await,
        Err(Error::NoApiKey(EnvironmentKind::Custom))
    ));

    assert!(
        seen.lock().unwrap().is_empty(),
        "the other host never received a key: {:?}",
        seen.lock().unwrap()
    );
    // Nothing of the real host's key is left in the keychain either.
    let origin = sb.base_url();
    let out = std::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            &svc,
            "username",
            &format!("api-key/custom@{origin}"),
        ])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "the moved-away key was removed");
    Keychain::new(&svc).remove(EnvironmentKind::Custom).unwrap();
}

#[tokio::test]
async fn keys_are_read_from_the_keychain_once_a_session_not_by_polling() {
    // A standalone sandbox reached as Custom, so every call needs the key from the keychain;
    // no webhooks reach the desk, so polling alone follows the review.
    let mut sb_cfg = SandboxConfig::local("polled-key");
    sb_cfg.review_delay = std::time::Duration::from_millis(3000);
    let (_, sb) = spawn(sb_cfg).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let svc = service();
    let d = std::sync::Arc::new(open(dir.path(), &svc).await);
    require_keychain(&Keychain::new(&svc));
    d.select_environment(EnvironmentKind::Custom, Some(sb.base_url()))
        .await
        .unwrap();
    d.set_api_key(EnvironmentKind::Custom, "polled-key".into())
        .await
        .unwrap();

    let files = tempfile::tempdir().unwrap();
    let ext = common::submit(
        &d,
        files.path(),
        common::Applicant {
            email: "polled@example.com",
            country: "DE",
            document_number: "AB123456",
        },
    )
    .await;
    let reads_before_sync = d.keychain_reads();
    d.start_sync().await.unwrap();
    let after_start = d.keychain_reads();
    // The review ends after 3 s; polls at about 0.5, 2.5 and 6.5 s, the last finding it, and
    // the activation confirmed by Get User Balances: several calls, each with the key.
    tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let u = d.users().await.unwrap();
            if u[0].status.as_str() == "ACTIVE" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    })
    .await
    .expect("polling activated the user");
    let polls = d
        .timeline(&ext)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.source.as_str() == "poll")
        .count();
    assert!(polls >= 1, "the poll found the decision");
    assert_eq!(
        d.keychain_reads(),
        after_start,
        "no keychain read while polling (before sync: {reads_before_sync}, after its start: {after_start})"
    );
    // Only the webhook tokens were read when sync started (one per environment).
    assert_eq!(
        after_start - reads_before_sync,
        EnvironmentKind::ALL.len() as u64
    );
}
