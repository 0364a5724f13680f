//! Tracking users that already exist at P100 — made by the partner's own backend, or before the
//! desk was installed — by their `externalUserId`. P100 has no "get user" read, so the desk asks
//! what the API allows: Get KYC Status (P412: no such user; P445: no KYC yet) and Get User
//! Balances (balances exist once the account is active). What they answer becomes the user's
//! first timeline event (`Tracked`), from which the stage is derived as for any user; from then
//! on a tracked user is like a created one: the board, the timeline, sync and every operation.
//! An id P100 does not know is reported, never added.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::roster::{NewRosterUser, RosterChange};
use crate::onboarding::Stage;
use crate::timeline::{Event, EventSource, KycReport};
use p100::FieldError;
use p100::codes::Code;
use p100::models::{UserProfile, UserStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most ids one request tracks (a CSV column of a large partner goes in several).
pub const MAX_IDS: usize = 10_000;
/// P100 reads in flight at once: enough to hide latency, few enough to stay far below any rate
/// limit (the client's retries honour 429 and `Retry-After` besides).
const IN_FLIGHT: usize = 4;

/// What became of one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TrackOutcome {
    /// Added to the roster, where P100's reads put it.
    Tracked,
    /// Already on the roster (created or tracked before): nothing changed.
    AlreadyTracked,
    /// P100 has no user with this id (P412): not added.
    Unknown,
    /// Not an id P100 could hold, or a repeat of one earlier in the list: not asked.
    Refused,
    /// P100 could not be asked (unreachable, rate limited past the retries…): try again.
    Failed,
}

/// One id's result, in the order the ids were given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrackResult {
    pub external_user_id: String,
    pub outcome: TrackOutcome,
    /// The stage a tracked (or already tracked) user stands in.
    pub stage: Option<Stage>,
    /// Why, for refused, unknown and failed ids.
    pub message: Option<String>,
}

impl TrackResult {
    fn new(id: &str, outcome: TrackOutcome, message: Option<String>) -> Self {
        Self {
            external_user_id: id.to_owned(),
            outcome,
            stage: None,
            message,
        }
    }
}

/// What P100's reads say about a user it knows.
struct Reading {
    active: bool,
    kyc: Option<KycReport>,
}

impl Desk {
    /// Tracks users that exist at P100 by their `externalUserId`s (blank entries are skipped;
    /// surrounding spaces trimmed), in the selected environment.
    pub async fn track_users(&self, ids: Vec<String>) -> Result<Vec<TrackResult>> {
        let env = self.current_environment().await?;
        self.track_in(env, ids).await
    }

    /// [`Desk::track_users`] in `env` (an import's own environment).
    pub(crate) async fn track_in(
        &self,
        env: EnvironmentKind,
        ids: Vec<String>,
    ) -> Result<Vec<TrackResult>> {
        let ids: Vec<String> = ids
            .iter()
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty())
            .collect();
        if ids.is_empty() {
            return Err(Error::Invalid(vec![FieldError::new(
                "externalUserIds",
                "give at least one externalUserId",
            )]));
        }
        if ids.len() > MAX_IDS {
            return Err(Error::Invalid(vec![FieldError::new(
                "externalUserIds",
                format!("{} ids: track at most {MAX_IDS} at a time", ids.len()),
            )]));
        }
        let mut results: Vec<Option<TrackResult>> = vec![None; ids.len()];
        let mut to_ask = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            if let Some(problem) = p100::validate::external_user_id_problem(id) {
                results[i] = Some(TrackResult::new(id, TrackOutcome::Refused, Some(problem)));
            } else if ids[..i].contains(id) {
                results[i] = Some(TrackResult::new(
                    id,
                    TrackOutcome::Refused,
                    Some("repeats an earlier id of the list".into()),
                ));
            } else {
                to_ask.push(i);
            }
        }
        let mut pending = to_ask.into_iter();
        let mut running = tokio::task::JoinSet::new();
        loop {
            while running.len() < IN_FLIGHT
                && let Some(i) = pending.next()
            {
                let (desk, id) = (self.clone(), ids[i].clone());
                running.spawn(async move { (i, desk.track_one(env, &id).await) });
            }
            let Some(done) = running.join_next().await else {
                break;
            };
            let (i, result) = done.map_err(|e| Error::Internal(e.to_string()))?;
            results[i] = Some(result?);
        }
        Ok(results.into_iter().flatten().collect())
    }

    /// One id: already on the roster, else asked of P100 and added where its reads put it.
    /// An error is the store's (the whole request fails); P100's trouble is this id's result.
    async fn track_one(&self, env: EnvironmentKind, id: &str) -> Result<TrackResult> {
        let key = id.to_owned();
        if let Some(user) = self.db(move |s| s.user(env, &key)).await? {
            return Ok(TrackResult {
                stage: Some(user.stage),
                ..TrackResult::new(id, TrackOutcome::AlreadyTracked, None)
            });
        }
        let reading = match self.read_at_p100(env, id).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                return Ok(TrackResult::new(
                    id,
                    TrackOutcome::Unknown,
                    Some("P100 has no user with this externalUserId".into()),
                ));
            }
            Err(e) => {
                return Ok(TrackResult::new(
                    id,
                    TrackOutcome::Failed,
                    Some(e.operator_message()),
                ));
            }
        };
        let key = id.to_owned();
        let added = self
            .db(move |s| {
                // Another desk or request may have added it meanwhile: then it stays theirs.
                if let Some(user) = s.user(env, &key)? {
                    return Ok((TrackOutcome::AlreadyTracked, user));
                }
                s.insert_user(&NewRosterUser {
                    environment: env,
                    external_user_id: &key,
                    user_id: None,
                    profile: &UserProfile::default(),
                    status: if reading.active {
                        UserStatus::Active
                    } else {
                        UserStatus::WaitingForActivation
                    },
                    poa_required_for_extended: false,
                })?;
                let event = Event::Tracked {
                    active: reading.active,
                    kyc: reading.kyc.clone(),
                };
                s.add_event(env, &key, EventSource::Operator, &event)?;
                let user = match &reading.kyc {
                    Some(k) => s.apply_to_user(
                        env,
                        &key,
                        &RosterChange::Kyc {
                            method: None,
                            verification_id: None,
                            verification_status: Some(k.verification_status),
                            attempt_status: k.attempt_status,
                            rejection_reason: k.rejection_reason.clone(),
                        },
                    )?,
                    None => s.apply_to_user(env, &key, &RosterChange::Touch)?,
                };
                Ok((TrackOutcome::Tracked, user))
            })
            .await?;
        let (outcome, user) = added;
        if outcome == TrackOutcome::Tracked {
            self.announce(user.clone());
        }
        Ok(TrackResult {
            stage: Some(user.stage),
            ..TrackResult::new(id, outcome, None)
        })
    }

    /// P100's reads of a user; none when P100 does not know the id.
    async fn read_at_p100(&self, env: EnvironmentKind, id: &str) -> Result<Option<Reading>> {
        let client = self.environments().client_for(env).await?;
        let kyc = match client.get_kyc_status(id).await {
            Ok(status) => Some(KycReport::from(&status)),
            Err(e) => match e.code() {
                Some(Code::UserNotFound) => return Ok(None),
                // The user exists; no KYC yet (or, P459, none verified).
                Some(Code::KycNotFound | Code::UserNotVerified) => None,
                _ => return Err(Error::P100(e)),
            },
        };
        let active = match client.get_user_balances(id).await {
            Ok(b) => !b.fiat_balances.is_empty() || !b.crypto_balances.is_empty(),
            Err(e) if e.code() == Some(Code::UserNotFound) => return Ok(None),
            Err(e) => return Err(Error::P100(e)),
        };
        Ok(Some(Reading { active, kyc }))
    }
}
