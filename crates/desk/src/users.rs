//! Users: the roster, creating and updating a user (checked, written to the outbox, sent,
//! journaled, kept in the roster), and the reads of a user's money. The account's state changes
//! are in `account.rs`, identity in `kyc.rs`.

pub use crate::kyc::{HostedKycForm, HostedKycSession, VerificationForm};

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::roster::{NewRosterUser, RosterChange, UserRecord};
use crate::ledger::roster_query::{
    BoardColumn, BoardFilter, RosterFacets, RosterPage, RosterQuery,
};
use crate::operation::{Duplicate, Op, Operation};
use crate::timeline::{Event, EventSource};
use p100::FieldError;
use p100::models::{
    CreateUserRequest, TransactionPage, TransactionQuery, UserBalances, UserProfile, UserStatus,
};
use p100::validate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the operator fills in to create a user. The desk adds the `externalUserId`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    #[serde(rename = "hasAcceptedP100Tc")]
    pub has_accepted_p100_tc: bool,
    #[serde(flatten)]
    pub profile: UserProfile,
}

impl Desk {
    /// The selected environment's roster, newest first, tombstones included.
    pub async fn users(&self) -> Result<Vec<UserRecord>> {
        let env = self.current_environment().await?;
        self.db(move |s| s.list_users(env)).await
    }

    /// One page of the selected environment's roster, as `query` asks.
    pub async fn query_users(&self, query: RosterQuery) -> Result<RosterPage> {
        query.check()?;
        self.db_current(move |s, env| s.query_users(env, &query))
            .await
    }

    /// The selected environment's onboarding board, narrowed by `filter`.
    pub async fn board(&self, filter: BoardFilter) -> Result<Vec<BoardColumn>> {
        self.db_current(move |s, env| s.board(env, &filter)).await
    }

    /// What the roster's filters offer in the selected environment.
    pub async fn roster_facets(&self) -> Result<RosterFacets> {
        self.db_current(|s, env| s.roster_facets(env)).await
    }

    /// A user of the selected environment as the roster holds it (deleted ones too).
    pub async fn user(&self, ext: &str) -> Result<UserRecord> {
        let env = self.current_environment().await?;
        let id = ext.to_owned();
        self.db(move |s| s.user(env, &id))
            .await?
            .ok_or_else(|| Error::NotInRoster(ext.to_owned()))
    }

    /// A user of the selected environment that the roster knows, with that environment.
    pub(crate) async fn known_user(&self, ext: &str) -> Result<(EnvironmentKind, UserRecord)> {
        let env = self.current_environment().await?;
        let id = ext.to_owned();
        let user = self.db(move |s| s.user(env, &id)).await?.ok_or_else(|| {
            Error::Invalid(vec![FieldError::new(
                "externalUserId",
                "this user is not in the roster",
            )])
        })?;
        if user.deleted_at.is_some() {
            return Err(Error::Invalid(vec![FieldError::new(
                "externalUserId",
                "this user was deleted",
            )]));
        }
        Ok((env, user))
    }

    /// Creates a user at P100 in the selected environment.
    ///
    /// The `externalUserId` is generated here, before anything is sent, and the request is in
    /// the outbox before it leaves: a retry can reuse the id, so P100 can never hold the same
    /// person twice because of us.
    pub async fn create_user(&self, form: NewUser) -> Result<UserRecord> {
        let env = self.current_environment().await?;
        let request = CreateUserRequest {
            external_user_id: uuid::Uuid::new_v4().to_string(),
            has_accepted_p100_tc: form.has_accepted_p100_tc,
            profile: form.profile.normalized(),
        };
        let errors = validate::create_user(&request, validate::today());
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.send_create(env, request, None).await
    }

    /// Sends a create; `retrying` is the open outbox entry of an earlier attempt.
    pub(crate) async fn send_create(
        &self,
        env: EnvironmentKind,
        request: CreateUserRequest,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        self.send_create_as(env, request, retrying, true).await
    }

    /// Sends a create whose `externalUserId` came from elsewhere (an imported file: the
    /// partner's own id). P100's "exists" (P411) is then an answer, not our earlier attempt:
    /// the user was made by someone else, and the create fails with it.
    pub(crate) async fn send_create_as_given(
        &self,
        env: EnvironmentKind,
        request: CreateUserRequest,
    ) -> Result<UserRecord> {
        let errors = validate::create_user(&request, validate::today());
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.send_create_as(env, request, None, false).await
    }

    async fn send_create_as(
        &self,
        env: EnvironmentKind,
        request: CreateUserRequest,
        retrying: Option<String>,
        exists_is_ours: bool,
    ) -> Result<UserRecord> {
        let client = self.environments().client_for(env).await?;
        let op = Op::new(env, Operation::CreateUser(request.clone()), retrying);
        let (ext, profile) = (request.external_user_id.clone(), request.profile.clone());
        let insert = move |s: &dyn crate::ledger::Tx, user_id: Option<&str>, poa: bool| {
            s.insert_user(&NewRosterUser {
                environment: env,
                external_user_id: &ext,
                user_id,
                profile: &profile,
                status: UserStatus::WaitingForActivation,
                poa_required_for_extended: poa,
            })?;
            let event = Event::Created {
                user_id: user_id.map(str::to_owned),
                poa_required_for_extended: poa,
            };
            s.add_event(env, &ext, EventSource::Operator, &event)?;
            // Read back after the event: the stage is derived from it.
            s.user(env, &ext)?
                .ok_or_else(|| Error::Internal("the new user vanished".into()))
        };
        let insert2 = insert.clone();
        // Our own externalUserId (a fresh UUID, or one this desk sent before): P411 for it can
        // only be our own earlier attempt. P100's own id did not come back then; the flag is
        // re-derived from the residence.
        let poa = request
            .profile
            .country
            .as_deref()
            .is_some_and(p100::countries::poa_required);
        let duplicate = exists_is_ours.then(|| Duplicate {
            commit: Box::new(move |s: &dyn crate::ledger::Tx| insert2(s, None, poa)),
        });
        self.operations()
            .run_reconciled(
                op,
                client.create_user(&request),
                move |s, created| {
                    insert(s, Some(&created.user_id), created.poa_required_for_extended)
                },
                duplicate,
            )
            .await
    }

    /// Sends only the fields that differ from what P100 last accepted.
    pub async fn update_user(&self, ext: &str, edited: UserProfile) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let id = ext.to_owned();
        let stored = self
            .db(move |s| s.user_profile(env, &id))
            .await?
            .unwrap_or_default();
        let changes = stored.changes_to(&edited.normalized());
        if changes == UserProfile::default() {
            return Err(Error::Invalid(vec![FieldError::new(
                "",
                "nothing was changed",
            )]));
        }
        let mut errors = Vec::new();
        validate::profile(&changes, validate::today(), &mut errors);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.send_update(env, ext, changes, None).await
    }

    pub(crate) async fn send_update(
        &self,
        env: EnvironmentKind,
        ext: &str,
        changes: UserProfile,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        let client = self.environments().client_for(env).await?;
        let op = Op::new(
            env,
            Operation::UpdateUser {
                external_user_id: ext.to_owned(),
                changes: changes.clone(),
            },
            retrying,
        );
        let target = ext.to_owned();
        let fields = changed_names(&changes);
        self.operations()
            .run(op, client.update_user(ext, &changes), move |s, acc| {
                s.apply_to_user(
                    env,
                    &target,
                    &RosterChange::PoaRequired(acc.poa_required_for_extended),
                )?;
                let event = Event::Updated {
                    fields: fields.iter().map(|f| (*f).to_owned()).collect(),
                    poa_required_for_extended: Some(acc.poa_required_for_extended),
                };
                s.add_event(env, &target, EventSource::Operator, &event)?;
                s.apply_to_user(env, &target, &RosterChange::Profile(Box::new(acc.profile)))
            })
            .await
    }

    pub async fn balances(&self, ext: &str) -> Result<UserBalances> {
        let (env, _) = self.known_user(ext).await?;
        let balances = self
            .environments()
            .client_for(env)
            .await?
            .get_user_balances(ext)
            .await?;
        // Balances exist only once P100 activated the user: the roster learns it here too.
        if !balances.fiat_balances.is_empty() || !balances.crypto_balances.is_empty() {
            let target = ext.to_owned();
            self.db(move |s| s.record_activation(env, &target, EventSource::Poll))
                .await?;
        }
        Ok(balances)
    }

    pub async fn transactions(
        &self,
        ext: &str,
        query: TransactionQuery,
    ) -> Result<TransactionPage> {
        let (env, _) = self.known_user(ext).await?;
        Ok(self
            .environments()
            .client_for(env)
            .await?
            .get_user_transactions(ext, &query)
            .await?)
    }
}

fn changed_names(p: &UserProfile) -> Vec<&'static str> {
    let v = serde_json::to_value(p).unwrap_or_default();
    validate::CREATE_FIELDS
        .iter()
        .copied()
        .filter(|f| v.get(*f).is_some())
        .collect()
}
