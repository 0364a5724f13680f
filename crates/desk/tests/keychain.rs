//! Keys in a real Secret Service (the test command runs gnome-keyring in a private D-Bus
//! session), and a custom environment reached with a key from it.

use desk::credentials::Keychain;
use desk::users::NewUser;
use desk::{Desk, DeskConfig, EnvironmentKind, Error};
use p100::ApiKey;
use p100::models::UserProfile;
use p100_sandbox::{SandboxConfig, spawn};

fn service() -> String {
    format!("partner-desk-test-{}", uuid::Uuid::new_v4())
}

/// Fails with instructions rather than passing silently when no Secret Service is running.
fn require_keychain(k: &Keychain) {
    if let Err(e) = k.is_set(EnvironmentKind::Staging) {
        panic!(
            "these tests need a running, unlocked Secret Service (the README's test command starts one): {e}"
        );
    }
}

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
    NewUser {
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some("grace@example.com".into()),
            first_name: Some("Grace".into()),
            last_name: Some("Hopper".into()),
            country: Some("DE".into()),
            citizenship: Some("US".into()),
            ..Default::default()
        },
    }
}

#[tokio::test]
async fn custom_environment_uses_the_key_from_the_keychain() {
    let (_, sb) = spawn(SandboxConfig::local("custom-env-key")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = DeskConfig::new(dir.path());
    cfg.keychain_service = service();
    let d = Desk::open(cfg).await.unwrap();
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
    let mut cfg = DeskConfig::new(dir.path());
    cfg.keychain_service = service();
    let d = Desk::open(cfg).await.unwrap();
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
