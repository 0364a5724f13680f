//! The team's operators: a name, a role, and a token. The token is shown once when it is made
//! and stored only as an argon2id hash; it carries a public id (`pdh_<id>_<secret>`) so that the
//! hub finds the one row to check instead of trying every hash. Revoking takes effect on the
//! next request of every replica: each request reads the operator's row.

use crate::db::Db;
use crate::error::{Error, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use desk::api::Access;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;

/// What an operator may do; the hub enforces it on every operation (`Access` in the list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Create users, upload documents, submit verification, update, suspend, extend; read.
    Operator,
    /// All an operator does, and delete, unsuspend, resolve open operations.
    Supervisor,
    /// Reads and exports only.
    Auditor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Auditor => "auditor",
        }
    }

    /// Whether this role may call an operation of `access`. A desktop's own settings are never
    /// served by the hub, whatever the role.
    pub fn allows(self, access: Access) -> bool {
        match access {
            Access::Desktop => false,
            Access::Read => true,
            Access::Operate => matches!(self, Role::Operator | Role::Supervisor),
            Access::Supervise => self == Role::Supervisor,
        }
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "operator" => Ok(Role::Operator),
            "supervisor" => Ok(Role::Supervisor),
            "auditor" => Ok(Role::Auditor),
            other => Err(Error::Desk(desk::Error::Unreadable {
                what: "an operator's role",
                value: other.to_owned(),
            })),
        }
    }
}

/// An operator as `operator list` shows it (never the token or its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Operator {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// An operator name: what the journal and the timeline will show.
pub fn check_name(name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::Desk(desk::Error::Invalid(vec![
            p100::FieldError::new("name", "1 to 64 letters, digits, '.', '-', '_' or '@'"),
        ])))
    }
}

const PREFIX: &str = "pdh_";

/// A new token: its public id and the whole token.
fn new_token() -> Result<(String, String)> {
    let mut id = [0u8; 9];
    let mut secret = [0u8; 32];
    getrandom::fill(&mut id).map_err(random)?;
    getrandom::fill(&mut secret).map_err(random)?;
    let id = URL_SAFE_NO_PAD.encode(id).replace(['-', '_'], "x");
    let token = format!("{PREFIX}{id}_{}", URL_SAFE_NO_PAD.encode(secret));
    Ok((id, token))
}

fn random(e: getrandom::Error) -> Error {
    Error::Desk(desk::Error::Internal(format!(
        "no randomness from the OS: {e}"
    )))
}

fn hash(token: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(random)?;
    let salt = SaltString::encode_b64(&salt).map_err(internal)?;
    Ok(Argon2::default()
        .hash_password(token.as_bytes(), &salt)
        .map_err(internal)?
        .to_string())
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Desk(desk::Error::Internal(e.to_string()))
}

/// The public id of a token that has the right shape.
fn token_id(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (id.len() == 12 && secret.len() == 43).then_some(id)
}

/// Adds an operator (or gives a revoked one a new token and role); the token, shown only now.
pub fn add(db: &Db, name: &str, role: Role) -> Result<String> {
    check_name(name)?;
    let (id, token) = new_token()?;
    let token_hash = hash(&token)?;
    let n = db.get()?.execute(
        "INSERT INTO operators (name, role, token_id, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE
             SET role = excluded.role, token_id = excluded.token_id, token_hash = excluded.token_hash,
                 created_at = excluded.created_at, revoked_at = NULL
             WHERE operators.revoked_at IS NOT NULL",
        &[&name, &role.as_str(), &id, &token_hash, &desk::ledger::now()],
    )?;
    if n == 0 {
        return Err(Error::Desk(desk::Error::Invalid(vec![
            p100::FieldError::new(
                "name",
                "an operator of that name already has a token: revoke it first",
            ),
        ])));
    }
    Ok(token)
}

pub fn list(db: &Db) -> Result<Vec<Operator>> {
    db.get()?
        .query(
            "SELECT name, role, created_at, revoked_at FROM operators ORDER BY name",
            &[],
        )?
        .into_iter()
        .map(|r| {
            Ok(Operator {
                name: r.get(0),
                role: r.get::<_, String>(1).parse()?,
                created_at: r.get(2),
                revoked_at: r.get(3),
            })
        })
        .collect()
}

/// Revokes an operator's token; false when there was no such operator with a live token.
pub fn revoke(db: &Db, name: &str) -> Result<bool> {
    Ok(db.get()?.execute(
        "UPDATE operators SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
        &[&name, &desk::ledger::now()],
    )? == 1)
}

/// Who a request's token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    pub name: String,
    pub role: Role,
}

/// Checks tokens. argon2 is slow on purpose (tens of milliseconds), so a token that verified once
/// is remembered by its SHA-256 in this replica's memory; the operator's row is still read on
/// every request, so a revocation or a new token ends it at once.
#[derive(Default)]
pub struct Authenticator {
    verified: Mutex<HashMap<[u8; 32], String>>,
}

impl Authenticator {
    /// The operator a token belongs to; `None` for a token that is malformed, unknown, revoked or
    /// wrong (the caller answers 401 alike, telling an attacker nothing).
    pub fn check(&self, db: &Db, token: &str) -> Result<Option<Authenticated>> {
        let Some(id) = token_id(token) else {
            return Ok(None);
        };
        let row = db.get()?.query_opt(
            "SELECT name, role, token_hash FROM operators WHERE token_id = $1 AND revoked_at IS NULL",
            &[&id],
        )?;
        let Some(row) = row else {
            return Ok(None);
        };
        let stored: String = row.get(2);
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let known = self
            .verified
            .lock()
            .map(|m| m.get(&digest) == Some(&stored))
            .unwrap_or(false);
        if !known {
            let parsed = PasswordHash::new(&stored).map_err(internal)?;
            if Argon2::default()
                .verify_password(token.as_bytes(), &parsed)
                .is_err()
            {
                return Ok(None);
            }
            if let Ok(mut m) = self.verified.lock() {
                // Bounded: a team has tens of operators; a flood of valid-looking tokens
                // cannot reach here without a matching hash.
                if m.len() > 10_000 {
                    m.clear();
                }
                m.insert(digest, stored);
            }
        }
        Ok(Some(Authenticated {
            name: row.get(0),
            role: row.get::<_, String>(1).parse()?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_what_the_issue_gives_them() {
        use Access::*;
        let table = [
            (Role::Auditor, [false, true, false, false]),
            (Role::Operator, [false, true, true, false]),
            (Role::Supervisor, [false, true, true, true]),
        ];
        for (role, want) in table {
            let got = [Desktop, Read, Operate, Supervise].map(|a| role.allows(a));
            assert_eq!(got, want, "{role:?}");
        }
    }

    #[test]
    fn tokens_have_a_public_id_and_a_secret_of_256_bits() {
        let (id, token) = new_token().unwrap();
        assert_eq!(token_id(&token), Some(id.as_str()));
        assert_eq!(token.len(), 4 + 12 + 1 + 43);
        assert_ne!(new_token().unwrap().1, token);
        for bad in [
            "",
            "pdh_",
            "Bearer x",
            "pdh_short_secret",
            &token[..token.len() - 1],
        ] {
            assert_eq!(token_id(bad), None, "{bad}");
        }
    }
}
