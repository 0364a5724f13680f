//! The roster in SQLite.

use super::{SqliteTx, stored, unreadable, word};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::ledger::notes::tag_list;
use crate::ledger::roster::{NewRosterUser, RosterChange, RosterTx, UserRecord};
use crate::ledger::roster_query::{
    Dialect, RosterFacets, RosterPage, RosterQuery, fts_match, fts_prefixes, roster_sql,
};
use crate::onboarding::{Onboarding, Stage};
use p100::models::UserStatus;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

const COLUMNS: &str = "environment, external_user_id, user_id, email, first_name, last_name, country, \
                       citizenship, status, poa_required_for_extended, extended, kyc_method, verification_id, \
                       verification_status, attempt_status, rejection_reason, poa_status, created_at, updated_at, \
                       deleted_at, profile_json, stage, stage_since, next_action, assignee, tags, notes";

/// Below this many matches a page is sorted from the matches, above it read along the sort.
const SORT_MATCHES_UNDER: u32 = 1_000;

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
            .map_err(|e| unreadable(20, format!("a profile ({e})")))?,
        stage: parse_stage(&r.get::<_, String>(21)?, 21)?,
        stage_since: r.get::<_, Option<String>>(22)?.unwrap_or_default(),
        next_action: r.get(23)?,
        assignee: r.get(24)?,
        tags: tag_list(&r.get::<_, String>(25)?),
        notes: r.get(26)?,
    })
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

/// The stage a roster row shows; one this desk does not know is an error.
fn parse_stage(s: &str, col: usize) -> rusqlite::Result<Stage> {
    Stage::parse(s).ok_or_else(|| unreadable(col, format!("stage {s:?}")))
}

impl RosterTx for SqliteTx<'_> {
    fn insert_user(&self, u: &NewRosterUser<'_>) -> Result<()> {
        let at = crate::ledger::now();
        let profile_json =
            serde_json::to_string(u.profile).map_err(|e| crate::Error::Internal(e.to_string()))?;
        self.conn.execute(
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
        Ok(())
    }

    fn user(&self, env: EnvironmentKind, external_user_id: &str) -> Result<Option<UserRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM users WHERE environment = ?1 AND external_user_id = ?2"
                ),
                params![env.as_str(), external_user_id],
                from_row,
            )
            .optional()?)
    }

    fn list_users(&self, env: EnvironmentKind) -> Result<Vec<UserRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM users WHERE environment = ?1 ORDER BY created_at DESC, rowid DESC"
        ))?;
        let rows = stmt
            .query_map([env.as_str()], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn known_users(
        &self,
        env: EnvironmentKind,
        ids: &[String],
    ) -> Result<std::collections::HashSet<String>> {
        // In process, one primary-key look-up each is as quick as any set operation.
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM users WHERE environment = ?1 AND external_user_id = ?2",
        )?;
        let mut known = std::collections::HashSet::new();
        for id in ids {
            if stmt.exists(params![env.as_str(), id])? {
                known.insert(id.clone());
            }
        }
        Ok(known)
    }

    fn query_users(&self, env: EnvironmentKind, q: &RosterQuery) -> Result<RosterPage> {
        q.check()?;
        // The search's words go to the full-text indexes: three characters or more to the
        // trigrams (found anywhere), shorter ones to the words' prefixes (the start of a word).
        let (mut long, mut short) = (Vec::new(), Vec::new());
        let sql = roster_sql(q, Dialect::Sqlite, self.actor, |term| {
            match term.chars().count() >= 3 {
                true => long.push(term.to_owned()),
                false => short.push(term.to_owned()),
            }
            None
        });
        let filter = sql.filter;
        let mut params = sql.params;
        let mut matches = Vec::new();
        for (table, expression) in [
            (
                "users_fts",
                (!long.is_empty()).then(|| fts_match(long.iter().map(String::as_str))),
            ),
            (
                "users_words",
                (!short.is_empty()).then(|| fts_prefixes(short.iter().map(String::as_str))),
            ),
        ] {
            if let Some(expression) = expression {
                params.push(expression);
                matches.push(format!(
                    "SELECT rowid AS r FROM {table} WHERE {table} MATCH ?{}",
                    params.len() + 1
                ));
            }
        }
        let all = || std::iter::once(env.as_str().to_owned()).chain(params.iter().cloned());
        let total: u32 = self
            .conn
            .query_row(
                "SELECT users FROM roster_totals WHERE environment = ?1",
                [env.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        let matched = matches.join(" INTERSECT ");
        let matching: u32 = match (filter.is_empty(), matched.is_empty()) {
            (true, true) => total,
            (_, true) => self.conn.query_row(
                &format!("SELECT COUNT(*) FROM users WHERE environment = ?1{filter}"),
                params_from_iter(all()),
                |r| r.get(0),
            )?,
            // Counted from the index's matches: a scan of the roster would cost far more.
            (_, false) => self.conn.query_row(
                &format!(
                    "SELECT COUNT(*) FROM ({matched}) m CROSS JOIN users ON users.rowid = m.r
                     WHERE environment = ?1{filter}"
                ),
                params_from_iter(all()),
                |r| r.get(0),
            )?,
        };
        if matching <= q.offset {
            return Ok(RosterPage {
                total,
                matching,
                offset: q.offset,
                rows: Vec::new(),
            });
        }
        // Many matches: walk the sort's index and keep the matching rows (they come soon).
        // Few: start from the matches and sort them (walking the index would pass most of the
        // roster before finding a page).
        let from = match (matched.is_empty(), matching > SORT_MATCHES_UNDER) {
            (true, _) => "users WHERE environment = ?1".to_owned(),
            (false, true) => format!("users WHERE environment = ?1 AND rowid IN ({matched})"),
            (false, false) => format!(
                "({matched}) m CROSS JOIN users ON users.rowid = m.r WHERE environment = ?1"
            ),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM {from}{filter} ORDER BY {} LIMIT {} OFFSET {}",
            sql.order, q.limit, q.offset
        ))?;
        let rows = stmt
            .query_map(params_from_iter(all()), from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(RosterPage {
            total,
            matching,
            offset: q.offset,
            rows,
        })
    }

    fn roster_facets(&self, env: EnvironmentKind) -> Result<RosterFacets> {
        let mut statuses = self.conn.prepare_cached(
            "SELECT DISTINCT status FROM users WHERE environment = ?1 ORDER BY status",
        )?;
        let statuses = statuses
            .query_map([env.as_str()], |r| word(r, 0, "user status"))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut countries = self.conn.prepare_cached(
            "SELECT DISTINCT country FROM users WHERE environment = ?1 AND country IS NOT NULL ORDER BY country",
        )?;
        let countries = countries
            .query_map([env.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(RosterFacets {
            statuses,
            countries,
        })
    }

    fn update_user(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        change: &RosterChange,
        at: &str,
    ) -> Result<()> {
        let tx = self.conn;
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
        Ok(())
    }

    fn set_stage(&self, env: EnvironmentKind, ext: &str, o: &Onboarding) -> Result<()> {
        self.conn.execute(
            "UPDATE users SET stage = ?3, stage_since = ?4, next_action = ?5
             WHERE environment = ?1 AND external_user_id = ?2",
            params![env.as_str(), ext, o.stage.as_str(), o.since, o.next_action],
        )?;
        let mut reach = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO stage_reached (environment, external_user_id, stage, at) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (stage, at) in &o.reached {
            reach.execute(params![env.as_str(), ext, stage.as_str(), at])?;
        }
        Ok(())
    }

    fn users_without_stage(&self) -> Result<Vec<(EnvironmentKind, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT environment, external_user_id FROM users WHERE stage_since IS NULL")?;
        let rows = stmt
            .query_map([], |r| Ok((word(r, 0, "environment")?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn under_review(&self, env: EnvironmentKind) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT external_user_id FROM users
             WHERE environment = ?1 AND deleted_at IS NULL AND (
                 stage IN ('verificationSubmitted', 'proofOfAddress')
                 OR (stage = 'identityDocuments' AND kyc_method = 'hosted'
                     AND coalesce(attempt_status, '') NOT IN ('SUCCESSFUL', 'REJECTED_BY_PROVIDER')))",
        )?;
        let rows = stmt
            .query_map(params![env.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    fn stage_counts(&self, env: EnvironmentKind, from: &str) -> Result<Vec<(Stage, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT stage, COUNT(*) FROM users WHERE environment = ?1 AND created_at >= ?2 GROUP BY stage",
        )?;
        let rows = stmt
            .query_map(params![env.as_str(), from], |r| {
                Ok((
                    parse_stage(&r.get::<_, String>(0)?, 0)?,
                    r.get::<_, u32>(1)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn stages_reached(
        &self,
        env: EnvironmentKind,
        from: &str,
    ) -> Result<Vec<(String, Stage, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.external_user_id, r.stage, r.at FROM stage_reached r
             JOIN users u ON u.environment = r.environment AND u.external_user_id = r.external_user_id
             WHERE r.environment = ?1 AND u.created_at >= ?2",
        )?;
        let rows = stmt
            .query_map(params![env.as_str(), from], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    parse_stage(&r.get::<_, String>(1)?, 1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
