//! Creating users through the desk, on the embedded sandbox (no keychain needed) and a real
//! SQLite file.

use desk::users::NewUser;
use desk::{EnvironmentKind, Error};
use p100::models::UserProfile;

mod common;
use common::desk;

/// What an operator might type: spaces around the e-mail, a lower-case country and an empty
/// city, which the desk cleans up before sending.
fn form() -> NewUser {
    NewUser {
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some(" ada@example.com ".into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            country: Some("ua".into()),
            citizenship: Some("PL".into()),
            birth_date: Some("1990-01-31".into()),
            city: Some("".into()),
            ..Default::default()
        },
    }
}

#[tokio::test]
async fn sandbox_is_the_default_and_starts_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let env = d.environment().await.unwrap();
    assert_eq!(env.kind, EnvironmentKind::Sandbox);
    assert!(!env.needs_key && !env.is_production);
    assert!(env.base_url.unwrap().starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn create_user_reaches_the_sandbox_and_lands_in_roster_journal_and_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let user = d.create_user(form()).await.expect("created");

    assert!(
        uuid::Uuid::parse_str(&user.external_user_id).is_ok(),
        "the desk generates a UUID"
    );
    assert_eq!(user.status.as_str(), "WAITING_FOR_ACTIVATION");
    assert!(
        user.poa_required_for_extended,
        "UA residents need POA for extended"
    );
    assert_eq!(
        user.email.as_deref(),
        Some("ada@example.com"),
        "trimmed before sending"
    );
    assert_eq!(
        user.country.as_deref(),
        Some("UA"),
        "upper-cased before sending"
    );

    let at_sandbox = d
        .with_sandbox(|h| h.state().user(&user.external_user_id))
        .await
        .unwrap()
        .expect("sandbox has it");
    assert_eq!(Some(at_sandbox.user_id), user.user_id);
    assert_eq!(at_sandbox.profile.city, None, "empty fields are not sent");

    assert_eq!(d.users().await.unwrap(), vec![user.clone()]);
    let journal = d.journal(10).await.unwrap();
    assert_eq!(journal.len(), 1);
    assert_eq!(
        (
            journal[0].operation.as_str(),
            journal[0].outcome.as_str(),
            journal[0].target.as_deref()
        ),
        ("createUser", "ok", Some(user.external_user_id.as_str()))
    );
    assert!(!journal[0].operator.is_empty());

    // Check the file itself, as a second process would see it.
    let conn = rusqlite::Connection::open(d.db_path()).unwrap();
    let (state, payload): (String, String) = conn
        .query_row("SELECT state, payload_json FROM outbox", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(state, "done");
    assert!(payload.contains(&user.external_user_id));
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM events WHERE external_user_id = ?1")
        .unwrap()
        .query_map([&user.external_user_id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds, ["created"]);
}

#[tokio::test]
async fn an_invalid_form_is_refused_at_the_fields_and_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let mut f = form();
    f.has_accepted_p100_tc = false;
    f.profile.email = Some("ada-at-example".into());
    f.profile.birth_date = Some("2020-02-02".into());
    let err = d.create_user(f).await.unwrap_err();
    assert_eq!(err.kind(), "invalid");
    let fields: Vec<_> = err.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["hasAcceptedP100Tc", "email", "birthDate"]);
    assert_eq!(d.with_sandbox(|h| h.state().user_count()).await.unwrap(), 0);
    assert!(d.users().await.unwrap().is_empty());
    assert!(
        d.journal(10).await.unwrap().is_empty(),
        "nothing was sent, so nothing to journal"
    );
}

#[tokio::test]
async fn each_create_gets_its_own_external_user_id() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let a = d.create_user(form()).await.unwrap();
    let b = d.create_user(form()).await.unwrap();
    assert_ne!(a.external_user_id, b.external_user_id);
    assert_eq!(d.users().await.unwrap().len(), 2);
}

#[tokio::test]
async fn staging_without_a_key_says_so_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let env = d.select_environment(EnvironmentKind::Staging, None).await;
    // Reading whether a key is set needs the keychain; without one this is a keychain error.
    match env {
        Ok(info) => {
            assert_eq!(
                info.base_url.as_deref(),
                Some("https://partner-api-stage.p100.io")
            );
            assert!(!info.key_set);
            match d.create_user(form()).await {
                Err(Error::NoApiKey(EnvironmentKind::Staging)) => {}
                other => panic!("expected NoApiKey, got {other:?}"),
            }
        }
        Err(e) => assert_eq!(e.kind(), "keychain", "{e}"),
    }
}

#[tokio::test]
async fn custom_environment_needs_a_valid_url() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let err = d
        .select_environment(EnvironmentKind::Custom, None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "invalid");
    let err = d
        .select_environment(
            EnvironmentKind::Custom,
            Some("http://p100.example.com".into()),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
    assert_eq!(
        d.current_environment().await.unwrap(),
        EnvironmentKind::Sandbox,
        "unchanged after a refusal"
    );
}

#[tokio::test]
async fn environment_choice_persists_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let d = desk(dir.path()).await;
        let _ = d
            .select_environment(
                EnvironmentKind::Custom,
                Some("https://p100.example.com/api/".into()),
            )
            .await;
    }
    let d = desk(dir.path()).await;
    assert_eq!(
        d.current_environment().await.unwrap(),
        EnvironmentKind::Custom
    );
}

#[tokio::test]
async fn the_embedded_sandbox_remembers_users_across_desk_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let user = {
        let d = desk(dir.path()).await;
        d.create_user(form()).await.unwrap()
    };
    let d = desk(dir.path()).await;
    let known = d
        .with_sandbox(|h| h.state().user(&user.external_user_id))
        .await
        .unwrap();
    assert!(
        known.is_some(),
        "the restarted sandbox knows the roster's user"
    );
    assert_eq!(d.users().await.unwrap(), vec![user]);
}
