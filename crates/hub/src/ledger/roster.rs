//! The roster in PostgreSQL.

use super::{PgTx, db, optional_word, stored, word};
use desk::EnvironmentKind;
use desk::Result;
use desk::ledger::notes::tag_list;
use desk::ledger::roster::{NewRosterUser, RosterChange, RosterTx, UserRecord};
use desk::ledger::roster_query::{
    Dialect, RosterFacets, RosterPage, RosterQuery, SEARCH_TEXT, like_pattern, roster_sql,
    word_start_pattern,
};
use desk::onboarding::{Onboarding, Stage};
use p100::models::UserStatus;
use postgres::Row;
use postgres::types::ToSql;

const COLUMNS: &str = "environment, external_user_id, user_id, email, first_name, last_name, country, \
                       citizenship, status, poa_required_for_extended, extended, kyc_method, verification_id, \
                       verification_status, attempt_status, rejection_reason, poa_status, created_at, updated_at, \
                       deleted_at, profile_json, stage, stage_since, next_action, assignee, tags, notes";

fn from_row(r: &Row) -> Result<UserRecord> {
    Ok(UserRecord {
        environment: word(r.get(0), "environment")?,
        external_user_id: r.get(1),
        user_id: r.get(2),
        email: r.get(3),
        first_name: r.get(4),
        last_name: r.get(5),
        country: r.get(6),
        citizenship: r.get(7),
        status: word(r.get(8), "user status")?,
        poa_required_for_extended: r.get(9),
        extended: r.get(10),
        kyc_method: optional_word(r.get(11), "KYC method")?,
        verification_id: r.get(12),
        verification_status: optional_word(r.get(13), "verification status")?,
        attempt_status: optional_word(r.get(14), "attempt status")?,
        rejection_reason: r.get(15),
        poa_status: optional_word(r.get(16), "proof-of-address status")?,
        created_at: r.get(17),
        updated_at: r.get(18),
        deleted_at: r.get(19),
        profile: serde_json::from_str(r.get::<_, &str>(20)).map_err(|e| {
            desk::Error::Unreadable {
                what: "a profile",
                value: e.to_string(),
            }
        })?,
        stage: stage(r.get(21))?,
        stage_since: r.get::<_, Option<String>>(22).unwrap_or_default(),
        next_action: r.get(23),
        assignee: r.get(24),
        tags: tag_list(r.get(25)),
        notes: u32::try_from(r.get::<_, i32>(26)).unwrap_or_default(),
    })
}

/// The stage a roster row shows; one this hub does not know is an error.
fn stage(s: String) -> Result<Stage> {
    Stage::parse(&s).ok_or(desk::Error::Unreadable {
        what: "a stage",
        value: s,
    })
}

/// A row count as the roster's pages give it.
fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn internal(e: serde_json::Error) -> desk::Error {
    desk::Error::Internal(e.to_string())
}

impl RosterTx for PgTx<'_> {
    fn insert_user(&self, u: &NewRosterUser<'_>) -> Result<()> {
        let at = desk::ledger::now();
        let profile_json = serde_json::to_string(u.profile).map_err(internal)?;
        self.pg()
            .execute(
                "INSERT INTO users (environment, external_user_id, user_id, email, first_name, last_name, country,
                                    citizenship, profile_json, status, poa_required_for_extended, created_at,
                                    updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
                &[
                    &u.environment.as_str(),
                    &u.external_user_id,
                    &u.user_id,
                    &u.profile.email,
                    &u.profile.first_name,
                    &u.profile.last_name,
                    &u.profile.country,
                    &u.profile.citizenship,
                    &profile_json,
                    &u.status.as_str(),
                    &u.poa_required_for_extended,
                    &at,
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn user(&self, env: EnvironmentKind, external_user_id: &str) -> Result<Option<UserRecord>> {
        self.pg()
            .query_opt(
                &format!(
                    "SELECT {COLUMNS} FROM users WHERE environment = $1 AND external_user_id = $2"
                ),
                &[&env.as_str(), &external_user_id],
            )
            .map_err(db)?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    fn list_users(&self, env: EnvironmentKind) -> Result<Vec<UserRecord>> {
        self.pg()
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM users WHERE environment = $1 ORDER BY created_at DESC, seq DESC"
                ),
                &[&env.as_str()],
            )
            .map_err(db)?
            .iter()
            .map(from_row)
            .collect()
    }

    fn known_users(
        &self,
        env: EnvironmentKind,
        ids: &[String],
    ) -> Result<std::collections::HashSet<String>> {
        // One round trip for the whole list, however long.
        Ok(self
            .pg()
            .query(
                "SELECT external_user_id FROM users WHERE environment = $1 AND external_user_id = ANY($2)",
                &[&env.as_str(), &ids],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn query_users(&self, env: EnvironmentKind, q: &RosterQuery) -> Result<RosterPage> {
        q.check()?;
        // Words of three characters or more are found anywhere (a LIKE the trigram index
        // answers); shorter ones start a word (a regular expression), as in SQLite's indexes.
        let sql = roster_sql(q, Dialect::Postgres, self.actor, |term| {
            Some(match term.chars().count() >= 3 {
                true => (
                    format!("{SEARCH_TEXT} LIKE {{}} ESCAPE '\\'"),
                    like_pattern(term),
                ),
                false => (format!("{SEARCH_TEXT} ~ {{}}"), word_start_pattern(term)),
            })
        });
        let env_name = env.as_str();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&env_name];
        params.extend(sql.params.iter().map(|p| p as &(dyn ToSql + Sync)));
        let filter = &sql.filter;
        let mut pg = self.pg();
        let total: i64 = pg
            .query_one(
                "SELECT COUNT(*) FROM users WHERE environment = $1",
                &[&env_name],
            )
            .map_err(db)?
            .get(0);
        let matching: i64 = match filter.is_empty() {
            true => total,
            false => pg
                .query_one(
                    &format!("SELECT COUNT(*) FROM users WHERE environment = $1{filter}"),
                    &params,
                )
                .map_err(db)?
                .get(0),
        };
        let rows = pg
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM users WHERE environment = $1{filter} ORDER BY {} LIMIT {} OFFSET {}",
                    sql.order, q.limit, q.offset
                ),
                &params,
            )
            .map_err(db)?
            .iter()
            .map(from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(RosterPage {
            total: count(total),
            matching: count(matching),
            offset: q.offset,
            rows,
        })
    }

    fn roster_facets(&self, env: EnvironmentKind) -> Result<RosterFacets> {
        let mut pg = self.pg();
        let statuses = pg
            .query(
                "SELECT DISTINCT status FROM users WHERE environment = $1 ORDER BY status",
                &[&env.as_str()],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| word(r.get(0), "user status"))
            .collect::<Result<Vec<_>>>()?;
        let countries = pg
            .query(
                "SELECT DISTINCT country FROM users WHERE environment = $1 AND country IS NOT NULL ORDER BY country",
                &[&env.as_str()],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| r.get(0))
            .collect();
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
        // The columns a change sets, with their values; `updated_at` is always set.
        let mut cols: Vec<(&str, Box<dyn ToSql + Sync>)> = Vec::new();
        let mut set = |col: &'static str, v: Box<dyn ToSql + Sync>| cols.push((col, v));
        match change {
            RosterChange::Status(s) => set("status", Box::new(s.as_str())),
            RosterChange::Deleted => {
                set("status", Box::new(UserStatus::Deleted.as_str()));
                set("deleted_at", Box::new(at.to_owned()));
            }
            RosterChange::Extended => set("extended", Box::new(true)),
            RosterChange::Profile(p) => {
                set(
                    "profile_json",
                    Box::new(serde_json::to_string(p).map_err(internal)?),
                );
                set("email", Box::new(p.email.clone()));
                set("first_name", Box::new(p.first_name.clone()));
                set("last_name", Box::new(p.last_name.clone()));
                set("country", Box::new(p.country.clone()));
                set("citizenship", Box::new(p.citizenship.clone()));
            }
            RosterChange::PoaRequired(v) => set("poa_required_for_extended", Box::new(*v)),
            RosterChange::Kyc {
                method,
                verification_id,
                verification_status,
                attempt_status,
                rejection_reason,
            } => {
                if let Some(m) = method {
                    set("kyc_method", Box::new(stored(m)));
                }
                if let Some(v) = verification_id {
                    set("verification_id", Box::new(v.clone()));
                }
                set(
                    "verification_status",
                    Box::new(verification_status.as_ref().map(stored)),
                );
                set(
                    "attempt_status",
                    Box::new(attempt_status.as_ref().map(stored)),
                );
                set("rejection_reason", Box::new(rejection_reason.clone()));
            }
            RosterChange::Poa(status) => set("poa_status", Box::new(status.as_ref().map(stored))),
            RosterChange::Touch => {}
        }
        let assignments: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (col, _))| format!("{col} = ${}", i + 4))
            .collect();
        let sql = format!(
            "UPDATE users SET updated_at = $3{}{} WHERE environment = $1 AND external_user_id = $2",
            if assignments.is_empty() { "" } else { ", " },
            assignments.join(", ")
        );
        let env = env.as_str();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&env, &external_user_id, &at];
        params.extend(cols.iter().map(|(_, v)| v.as_ref()));
        self.pg().execute(&sql, &params).map_err(db)?;
        Ok(())
    }

    fn set_stage(&self, env: EnvironmentKind, ext: &str, o: &Onboarding) -> Result<()> {
        let mut pg = self.pg();
        pg.execute(
            "UPDATE users SET stage = $3, stage_since = $4, next_action = $5
             WHERE environment = $1 AND external_user_id = $2",
            &[
                &env.as_str(),
                &ext,
                &o.stage.as_str(),
                &o.since,
                &o.next_action,
            ],
        )
        .map_err(db)?;
        for (stage, at) in &o.reached {
            pg.execute(
                "INSERT INTO stage_reached (environment, external_user_id, stage, at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&env.as_str(), &ext, &stage.as_str(), at],
            )
            .map_err(db)?;
        }
        Ok(())
    }

    fn users_without_stage(&self) -> Result<Vec<(EnvironmentKind, String)>> {
        self.pg()
            .query(
                "SELECT environment, external_user_id FROM users WHERE stage_since IS NULL",
                &[],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| Ok((word(r.get(0), "environment")?, r.get(1))))
            .collect()
    }

    fn under_review(&self, env: EnvironmentKind) -> Result<Vec<String>> {
        Ok(self
            .pg()
            .query(
                // One definition of "under review" (migration 2), shared with the poll queue.
                "SELECT external_user_id FROM users u WHERE environment = $1 AND under_review(u)",
                &[&env.as_str()],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn stage_counts(&self, env: EnvironmentKind, from: &str) -> Result<Vec<(Stage, u32)>> {
        self.pg()
            .query(
                "SELECT stage, COUNT(*) FROM users WHERE environment = $1 AND created_at >= $2 GROUP BY stage",
                &[&env.as_str(), &from],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| {
                let n: i64 = r.get(1);
                Ok((stage(r.get(0))?, count(n)))
            })
            .collect()
    }

    fn stages_reached(
        &self,
        env: EnvironmentKind,
        from: &str,
    ) -> Result<Vec<(String, Stage, String)>> {
        self.pg()
            .query(
                "SELECT r.external_user_id, r.stage, r.at FROM stage_reached r
                 JOIN users u ON u.environment = r.environment AND u.external_user_id = r.external_user_id
                 WHERE r.environment = $1 AND u.created_at >= $2",
                &[&env.as_str(), &from],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| Ok((r.get(0), stage(r.get(1))?, r.get(2))))
            .collect()
    }
}
