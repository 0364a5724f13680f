//! The roster: one row per user of an environment, with what P100 last said of it and the stage
//! derived from its timeline. The primitives an implementation gives, and what is built on them.

use super::Tx;
use super::events::TimelineEvent;
use super::roster_query::{
    BOARD_CARDS, BoardColumn, BoardFilter, RosterFacets, RosterPage, RosterQuery, RosterSort,
};
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::onboarding::{Onboarding, Stage};
use crate::timeline::{Event, EventSource};
use crate::vocabulary::KycMethod;
use p100::models::{AttemptStatus, PoaStatus, UserProfile, UserStatus, VerificationStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One roster row, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
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
    /// The operator the user is assigned to (team mode).
    pub assignee: Option<String>,
    /// The tags the user carries, by name, sorted.
    pub tags: Vec<String>,
    /// How many notes operators wrote on the user (the notes are on the timeline).
    pub notes: u32,
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

/// The roster's primitives.
pub trait RosterTx {
    /// Adds a user (one per environment and `externalUserId`: a second is an error).
    fn insert_user(&self, u: &NewRosterUser<'_>) -> Result<()>;
    fn user(&self, env: EnvironmentKind, external_user_id: &str) -> Result<Option<UserRecord>>;
    /// The environment's users, newest first, tombstones of deleted users included.
    fn list_users(&self, env: EnvironmentKind) -> Result<Vec<UserRecord>>;
    /// Which of `ids` are on the environment's roster.
    fn known_users(
        &self,
        env: EnvironmentKind,
        ids: &[String],
    ) -> Result<std::collections::HashSet<String>>;
    /// One page of the environment's users as `q` (checked) asks, and how many match.
    fn query_users(&self, env: EnvironmentKind, q: &RosterQuery) -> Result<RosterPage>;
    /// The statuses and countries the environment's users have, sorted.
    fn roster_facets(&self, env: EnvironmentKind) -> Result<RosterFacets>;
    /// Writes what `change` says into the user's row, at `at`.
    fn update_user(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        change: &RosterChange,
        at: &str,
    ) -> Result<()>;
    /// Keeps the stage derived from the user's events, and when each path stage was first
    /// reached (earlier arrivals are kept).
    fn set_stage(&self, env: EnvironmentKind, external_user_id: &str, o: &Onboarding)
    -> Result<()>;
    /// Users whose stage was never derived (rows older than stages).
    fn users_without_stage(&self) -> Result<Vec<(EnvironmentKind, String)>>;
    /// Users whose review is still open at P100: verification submitted, a hosted session the
    /// user has not finished, or a proof of address under review.
    fn under_review(&self, env: EnvironmentKind) -> Result<Vec<String>>;
    /// How many users created at or after `from` are in each stage now.
    fn stage_counts(&self, env: EnvironmentKind, from: &str) -> Result<Vec<(Stage, u32)>>;
    /// When each user created at or after `from` first reached each path stage:
    /// `(externalUserId, stage, at)`.
    fn stages_reached(
        &self,
        env: EnvironmentKind,
        from: &str,
    ) -> Result<Vec<(String, Stage, String)>>;
}

impl dyn Tx + '_ {
    /// Applies what P100 answered about a user to its roster row; the row as it is now.
    pub fn apply_to_user(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        change: &RosterChange,
    ) -> Result<UserRecord> {
        self.update_user(env, external_user_id, change, &super::now())?;
        self.user(env, external_user_id)?
            .ok_or_else(|| Error::Internal(format!("{external_user_id} is not in the roster")))
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

    /// The board: one column per stage, in the board's order — how many users `filter` keeps
    /// in the stage, and those longest in it.
    pub fn board(&self, env: EnvironmentKind, filter: &BoardFilter) -> Result<Vec<BoardColumn>> {
        Stage::ALL
            .into_iter()
            .map(|stage| {
                let page = self.query_users(
                    env,
                    &RosterQuery {
                        stage: Some(stage),
                        tag: filter.tag.clone(),
                        assignee: filter.assignee.clone(),
                        sort: RosterSort::Waiting,
                        descending: false,
                        limit: BOARD_CARDS,
                        ..RosterQuery::default()
                    },
                )?;
                Ok(BoardColumn {
                    stage,
                    count: page.matching,
                    cards: page.rows,
                })
            })
            .collect()
    }

    /// The profile as last sent to P100, for update forms.
    pub fn user_profile(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
    ) -> Result<Option<UserProfile>> {
        Ok(self.user(env, external_user_id)?.map(|u| u.profile))
    }

    /// A user's timeline, oldest first.
    pub fn timeline(&self, env: EnvironmentKind, ext: &str) -> Result<Vec<TimelineEvent>> {
        self.events(env, ext)
    }
}
