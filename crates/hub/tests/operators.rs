//! Operators and their tokens on a real database: the token is shown once, stored hashed, and a
//! revocation ends it at once.

mod common;

use common::{fresh_db, hub_cli, psql};
use hub::operators::{Authenticator, Role};

#[test]
fn operator_add_prints_the_token_last_stores_only_its_hash_and_revoke_ends_it() {
    let (url, db) = fresh_db();
    let (code, out, err) = hub_cli(&[
        "operator",
        "add",
        "ana",
        "--role",
        "supervisor",
        "--database-url",
        &url,
    ]);
    assert_eq!(code, 0, "{err}");
    let token = out.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("pdh_"), "{out}");

    // Nowhere in the database: only an argon2id hash of it.
    let stored: String = psql(&url)
        .query_one("SELECT token_hash FROM operators WHERE name = 'ana'", &[])
        .unwrap()
        .get(0);
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    // `pdh_<id>_<secret>`: the id has no `_`, the secret (URL-safe base64) may: all of it after
    // the id's `_`, not its last piece (a fragment of two letters is in any dump by chance).
    let (_id, secret) = token["pdh_".len()..].split_once('_').unwrap();
    assert_eq!(secret.len(), 43, "{token}");
    let dump: String = psql(&url)
        .query_one("SELECT string_agg(o::text, ' ') FROM operators o", &[])
        .unwrap()
        .get(0);
    assert!(
        !dump.contains(secret),
        "the token's secret is in the database"
    );

    let auth = Authenticator::default();
    let who = auth
        .check(&db, &token)
        .unwrap()
        .expect("the token is accepted");
    assert_eq!((who.name.as_str(), who.role), ("ana", Role::Supervisor));
    // Twice: the second check is answered from the replica's memory, still reading the row.
    assert!(auth.check(&db, &token).unwrap().is_some());
    let mut wrong = token.clone();
    wrong.pop();
    wrong.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(auth.check(&db, &wrong).unwrap(), None);
    assert_eq!(auth.check(&db, "pdh_nope").unwrap(), None);

    // A second token for a live name is refused; the first stays valid.
    let (code, _, err) = hub_cli(&[
        "operator",
        "add",
        "ana",
        "--role",
        "auditor",
        "--database-url",
        &url,
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("revoke it first"), "{err}");

    let (code, out, _) = hub_cli(&["operator", "list", "--database-url", &url, "--json"]);
    assert_eq!(code, 0);
    let listed: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(listed["name"], "ana");
    assert_eq!(listed["role"], "supervisor");
    assert!(listed["revokedAt"].is_null());
    assert!(!out.contains(secret) && !out.contains("argon2"));

    let (code, out, _) = hub_cli(&["operator", "revoke", "ana", "--database-url", &url]);
    assert_eq!((code, out.trim()), (0, "revoked ana"));
    assert_eq!(
        auth.check(&db, &token).unwrap(),
        None,
        "revoked at once, even when remembered"
    );
    let (code, _, _) = hub_cli(&["operator", "revoke", "ana", "--database-url", &url]);
    assert_eq!(code, 2);

    // A revoked name can be given a new token (and role); the old one stays dead.
    let (code, out, _) = hub_cli(&[
        "operator",
        "add",
        "ana",
        "--role",
        "auditor",
        "--database-url",
        &url,
    ]);
    assert_eq!(code, 0);
    let new_token = out.lines().last().unwrap().trim();
    assert_eq!(
        auth.check(&db, new_token).unwrap().unwrap().role,
        Role::Auditor
    );
    assert_eq!(auth.check(&db, &token).unwrap(), None);
}

#[test]
fn operator_names_and_roles_are_checked_at_the_field() {
    let (url, _db) = fresh_db();
    let (code, _, err) = hub_cli(&[
        "operator",
        "add",
        "a b",
        "--role",
        "operator",
        "--database-url",
        &url,
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("name: 1 to 64 letters"), "{err}");
    let (code, _, err) = hub_cli(&[
        "operator",
        "add",
        "bo",
        "--role",
        "admin",
        "--database-url",
        &url,
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("operator, supervisor, auditor"), "{err}");
}
