//! The roster: every user the desk created or learned of, per environment.

use super::{Store, now};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::onboarding::Stage;
use crate::timeline::{Event, EventSource};
use crate::vocabulary::KycMethod;
use p100::models::{AttemptStatus, PoaStatus, UserProfile, UserStatus, VerificationStatus};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use ts_rs::TS;

/// One roster row, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserRecord {
    pub environment: EnvironmentKind,
    pub external_user_id: String,
    /// P100's own id, once P100 answered.
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub country: Option<String>,
    pub citizenship: Option<String>,
    /// P100's user status.
    pub status: UserStatus,
    pub poa_required_for_extended: bool,
    pub extended: bool,
    /// Method A (files) or Method B (hosted), once KYC started.
    pub kyc_method: Option<KycMethod>,
    /// The hosted session's id (Method B).
    pub verification_id: Option<String>,
    pub verification_status: Option<VerificationStatus>,
    pub attempt_status: Option<AttemptStatus>,
    pub rejection_reason: Option<String>,
    pub poa_status: Option<PoaStatus>,
    pub created_at: String,
    pub updated_at: String,
    /// Set when the user was deleted: the row stays as a tombstone.
    pub deleted_at: Option<String>,
    /// Every profile field as P100 last accepted it, for the edit form.
    pub profile: UserProfile,
    /// Where the user stands on the onboarding path, derived from the timeline.
    pub stage: Stage,
    /// When the user entered `stage`.
    pub stage_since: String,
    /// What the operator should do next, in words.
    pub next_action: Option<String>,
}

const COLUMNS: &str = "environment, external_user_id, user_id, email, first_name, last_name, country, \
                       citizenship, status, poa_required_for_extended, extended, kyc_method, verification_id, \
                       verification_status, attempt_status, rejection_reason, poa_status, created_at, updated_at, \
                       deleted_at, profile_json, stage, stage_since, next_action";

fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        environment: word(r, 0, "environment")?,
        external_user_id: r.get(1)?,
        user_id: r.get(2)?,
        email: r.get(3)?,
        first_name: r.get(4)?,
        last_name: r.get(5)?,
        country: r.get(6)?,
        citizenship: r.get(7)?,
        status: word(r, 8, "user status")?,
        poa_required_for_extended: r.get(9)?,
        extended: r.get(10)?,
        kyc_method: optional_word(r, 11, "KYC method")?,
        verification_id: r.get(12)?,
        verification_status: optional_word(r, 13, "verification status")?,
        attempt_status: optional_word(r, 14, "attempt status")?,
        rejection_reason: r.get(15)?,
        poa_status: optional_word(r, 16, "proof-of-address status")?,
        created_at: r.get(17)?,
        updated_at: r.get(18)?,
        deleted_at: r.get(19)?,
        profile: serde_json::from_str(&r.get::<_, String>(20)?)
            .map_err(|e| super::unreadable(20, format!("a profile ({e})")))?,
        stage: super::events::parse_stage(&r.get::<_, String>(21)?, 21)?,
        stage_since: r.get::<_, Option<String>>(22)?.unwrap_or_default(),
        next_action: r.get(23)?,
    })
}

/// A column holding one of the desk's words (an enum stored as its wire name), read strictly.
pub(crate) fn word<T: serde::de::DeserializeOwned>(
    r: &Row<'_>,
    col: usize,
    what: &str,
) -> rusqlite::Result<T> {
    let raw: String = r.get(col)?;
    serde_json::from_value(serde_json::Value::String(raw.clone()))
        .map_err(|_| super::unreadable(col, format!("{what} {raw:?}")))
}

fn optional_word<T: serde::de::DeserializeOwned>(
    r: &Row<'_>,
    col: usize,
    what: &str,
) -> rusqlite::Result<Option<T>> {
    match r.get::<_, Option<String>>(col)? {
        None => Ok(None),
        Some(_) => word(r, col, what).map(Some),
    }
}

/// A word as it is stored: its wire name.
fn stored<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// One thing P100 told us about a user.
#[derive(Debug, Clone)]
pub enum RosterChange {
    Status(UserStatus),
    Deleted,
    Extended,
    Profile(Box<UserProfile>),
    PoaRequired(bool),
    Kyc {
        method: Option<KycMethod>,
        verification_id: Option<String>,
        verification_status: Option<VerificationStatus>,
        attempt_status: Option<AttemptStatus>,
        rejection_reason: Option<String>,
    },
    Poa(Option<PoaStatus>),
    /// Nothing but "something happened" (its event is on the timeline): bumps `updated_at`.
    Touch,
}

/// What the roster learns when P100 accepts a create.
pub struct NewRosterUser<'a> {
    pub environment: EnvironmentKind,
    pub external_user_id: &'a str,
    /// P100's own id; `None` when a reconciled create never got P100's answer.
    pub user_id: Option<&'a str>,
    pub profile: &'a UserProfile,
    pub status: UserStatus,
    pub poa_required_for_extended: bool,
}

impl Store {
    pub fn insert_user(&self, u: &NewRosterUser<'_>) -> Result<UserRecord> {
        let at = now();
        let profile_json =
            serde_json::to_string(u.profile).map_err(|e| crate::Error::Internal(e.to_string()))?;
        let conn = self.conn();
        conn.execute(
            "INSERT INTO users (environment, external_user_id, user_id, email, first_name, last_name, country,
                                citizenship, profile_json, status, poa_required_for_extended, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
            params![
                u.environment.as_str(),
                u.external_user_id,
                u.user_id,
                u.profile.email,
                u.profile.first_name,
                u.profile.last_name,
                u.profile.country,
                u.profile.citizenship,
                profile_json,
                u.status.as_str(),
                u.poa_required_for_extended,
                at,
            ],
        )?;
        Ok(conn.query_row(
            &format!(
                "SELECT {COLUMNS} FROM users WHERE environment = ?1 AND external_user_id = ?2"
            ),
            params![u.environment.as_str(), u.external_user_id],
            from_row,
        )?)
    }

    /// The environment's users, newest first, tombstones of deleted users included.
    pub fn list_users(&self, env: EnvironmentKind) -> Result<Vec<UserRecord>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM users WHERE environment = ?1 ORDER BY created_at DESC, rowid DESC"
        ))?;
        let rows = stmt
            .query_map([env.as_str()], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn user(&self, env: EnvironmentKind, external_user_id: &str) -> Result<Option<UserRecord>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM users WHERE environment = ?1 AND external_user_id = ?2"
                ),
                params![env.as_str(), external_user_id],
                from_row,
            )
            .optional()?)
    }

    /// Applies what P100 answered about a user to its roster row.
    pub fn apply_to_user(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        change: &RosterChange,
    ) -> Result<UserRecord> {
        let conn = self.conn();
        super::atomic(&conn, || {
            self.apply_change(&conn, env, external_user_id, change)
        })
    }

    fn apply_change(
        &self,
        tx: &rusqlite::Connection,
        env: EnvironmentKind,
        external_user_id: &str,
        change: &RosterChange,
    ) -> Result<UserRecord> {
        let at = now();
        let set = |col: &str, value: &dyn rusqlite::ToSql| -> rusqlite::Result<usize> {
            tx.execute(
                &format!("UPDATE users SET {col} = ?3, updated_at = ?4 WHERE environment = ?1 AND external_user_id = ?2"),
                params![env.as_str(), external_user_id, value, at],
            )
        };
        match change {
            RosterChange::Status(s) => set("status", &s.as_str())?,
            RosterChange::Deleted => {
                set("status", &UserStatus::Deleted.as_str())?;
                set("deleted_at", &at)?
            }
            RosterChange::Extended => set("extended", &true)?,
            RosterChange::Profile(p) => {
                let profile_json =
                    serde_json::to_string(p).map_err(|e| crate::Error::Internal(e.to_string()))?;
                set("profile_json", &profile_json)?;
                set("email", &p.email)?;
                set("first_name", &p.first_name)?;
                set("last_name", &p.last_name)?;
                set("country", &p.country)?;
                set("citizenship", &p.citizenship)?
            }
            RosterChange::PoaRequired(v) => set("poa_required_for_extended", v)?,
            RosterChange::Kyc {
                method,
                verification_id,
                verification_status,
                attempt_status,
                rejection_reason,
            } => {
                if let Some(m) = method {
                    set("kyc_method", &stored(m))?;
                }
                if let Some(v) = verification_id {
                    set("verification_id", v)?;
                }
                set(
                    "verification_status",
                    &verification_status.as_ref().map(stored),
                )?;
                set("attempt_status", &attempt_status.as_ref().map(stored))?;
                set("rejection_reason", rejection_reason)?
            }
            RosterChange::Poa(status) => set("poa_status", &status.as_ref().map(stored))?,
            RosterChange::Touch => set("updated_at", &at)?,
        };
        let record = tx.query_row(
            &format!(
                "SELECT {COLUMNS} FROM users WHERE environment = ?1 AND external_user_id = ?2"
            ),
            params![env.as_str(), external_user_id],
            from_row,
        )?;
        Ok(record)
    }

    /// P100's answer showed the user's balances: a user still waiting for activation is active
    /// (an `activated` event from `source`). `None` when there was nothing to record.
    pub fn record_activation(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        source: EventSource,
    ) -> Result<Option<UserRecord>> {
        let waiting = self.user(env, external_user_id)?.is_some_and(|u| {
            u.deleted_at.is_none() && u.status == UserStatus::WaitingForActivation
        });
        if !waiting {
            return Ok(None);
        }
        self.add_event(env, external_user_id, source, &Event::Activated {})?;
        self.apply_to_user(
            env,
            external_user_id,
            &RosterChange::Status(UserStatus::Active),
        )
        .map(Some)
    }

    /// The profile as last sent to P100, for update forms.
    pub fn user_profile(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
    ) -> Result<Option<UserProfile>> {
        let json: Option<String> = self
            .conn()
            .query_row(
                "SELECT profile_json FROM users WHERE environment = ?1 AND external_user_id = ?2",
                params![env.as_str(), external_user_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }
}
