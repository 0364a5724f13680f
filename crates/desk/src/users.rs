//! User operations: checked, written to the outbox, sent, journaled, and kept in the roster.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::operation::{Duplicate, Op};
use crate::store::roster::{NewRosterUser, RosterChange, UserRecord};
use p100::FieldError;
use p100::codes::Code;
use p100::models::{
    CreateKycVerificationRequest, CreateUserRequest, KycStatus, TransactionPage, TransactionQuery,
    UserBalances, UserProfile, UserStatus, UserVerificationRequest,
};
use p100::routes;
use p100::validate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the operator fills in to create a user. The desk adds the `externalUserId`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    #[serde(rename = "hasAcceptedP100Tc")]
    pub has_accepted_p100_tc: bool,
    #[serde(flatten)]
    pub profile: UserProfile,
}

/// Add User Verification as the operator fills it in; the desk adds the user's id.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerificationForm {
    pub document_type: p100::models::DocumentType,
    pub document_number: String,
    pub issuing_country: String,
    #[ts(optional)]
    pub issue_date: Option<String>,
    pub expiry_date: String,
}

/// Creating KYC Verification as the operator fills it in.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HostedKycForm {
    pub document_type: p100::models::DocumentType,
    pub country: String,
    pub income_source: p100::models::IncomeSource,
    pub open_account_reason: p100::models::OpenAccountReason,
    #[ts(optional)]
    pub tax_id: Option<String>,
    #[ts(optional)]
    pub occupation: Option<p100::models::Occupation>,
    #[ts(optional)]
    pub additional_info: Option<String>,
}

/// A started hosted check: the link to open in the end user's (or operator's) browser.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HostedKycSession {
    pub verification_id: String,
    pub url: String,
}

fn kyc_change(
    status: &KycStatus,
    method: Option<&str>,
    verification_id: Option<String>,
) -> RosterChange {
    RosterChange::Kyc {
        method: method.map(str::to_owned),
        verification_id,
        verification_status: Some(status.verification_status.as_str().to_owned()),
        attempt_status: status.attempt_status.map(|a| a.as_str().to_owned()),
        rejection_reason: status.rejection_reason.clone(),
    }
}

impl Desk {
    /// The selected environment's roster, newest first, tombstones included.
    pub async fn users(&self) -> Result<Vec<UserRecord>> {
        let env = self.current_environment().await?;
        self.db(move |s| s.list_users(env)).await
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
        let client = self.environments().client_for(env).await?;
        let op = Op {
            env,
            name: routes::CREATE_USER.name,
            target: request.external_user_id.clone(),
            payload: serde_json::to_value(&request).map_err(|e| Error::Internal(e.to_string()))?,
            note: None,
            retrying,
        };
        let (ext, profile) = (request.external_user_id.clone(), request.profile.clone());
        let insert = move |s: &crate::store::Store, user_id: Option<&str>, poa: bool| {
            s.insert_user(&NewRosterUser {
                environment: env,
                external_user_id: &ext,
                user_id,
                profile: &profile,
                status: UserStatus::WaitingForActivation.as_str(),
                poa_required_for_extended: poa,
            })?;
            let detail = serde_json::json!({"userId": user_id, "poaRequiredForExtended": poa});
            s.add_event(env, &ext, "created", "operator", &detail)?;
            // Read back after the event: the stage is derived from it.
            s.user(env, &ext)?
                .ok_or_else(|| Error::Internal("the new user vanished".into()))
        };
        let insert2 = insert.clone();
        // The externalUserId is a fresh UUID: P411 for it can only be our own earlier attempt.
        // P100's own id did not come back then; the flag is re-derived from the residence.
        let poa = request
            .profile
            .country
            .as_deref()
            .is_some_and(p100::countries::poa_required);
        let duplicate = Duplicate {
            code: Code::UserExists,
            commit: Box::new(move |s: &crate::store::Store| insert2(s, None, poa)),
        };
        self.operations()
            .run_reconciled(
                op,
                client.create_user(&request),
                move |s, created| {
                    insert(s, Some(&created.user_id), created.poa_required_for_extended)
                },
                Some(duplicate),
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
        let mut op = self.op(
            env,
            routes::UPDATE_USER.name,
            ext,
            serde_json::to_value(&changes).unwrap_or_default(),
            None,
        );
        op.retrying = retrying;
        let target = ext.to_owned();
        let fields = changed_names(&changes);
        self.operations()
            .run(op, client.update_user(ext, &changes), move |s, acc| {
                s.apply_to_user(
                    env,
                    &target,
                    &RosterChange::PoaRequired(acc.poa_required_for_extended),
                )?;
                let detail = serde_json::json!({
                    "fields": fields,
                    "poaRequiredForExtended": acc.poa_required_for_extended,
                });
                s.add_event(env, &target, "updated", "operator", &detail)?;
                s.apply_to_user(env, &target, &RosterChange::Profile(Box::new(acc.profile)))
            })
            .await
    }

    /// Deletes the user at P100; the roster keeps a tombstone. `confirmation` is what the
    /// operator typed: the user's e-mail or `externalUserId`, checked here as well as in the UI.
    pub async fn delete_user(&self, ext: &str, confirmation: &str) -> Result<UserRecord> {
        let (env, user) = self.known_user(ext).await?;
        let typed = confirmation.trim();
        if typed.is_empty() || (typed != ext && Some(typed) != user.email.as_deref()) {
            return Err(Error::Invalid(vec![FieldError::new(
                "confirmation",
                "type the user's e-mail or external user id to confirm",
            )]));
        }
        self.send_state_change(env, ext, StateChange::Delete, None)
            .await
    }

    /// Suspends the user; the reason is kept in the journal and the timeline.
    pub async fn suspend_user(&self, ext: &str, reason: String) -> Result<UserRecord> {
        let reason = reason.trim().to_owned();
        if reason.is_empty() {
            return Err(Error::Invalid(vec![FieldError::new(
                "reason",
                "say why the user is suspended",
            )]));
        }
        if reason.chars().count() > 500 {
            return Err(Error::Invalid(vec![FieldError::new(
                "reason",
                "at most 500 characters",
            )]));
        }
        let (env, _) = self.known_user(ext).await?;
        self.send_state_change(env, ext, StateChange::Suspend(reason), None)
            .await
    }

    pub async fn unsuspend_user(&self, ext: &str, reason: String) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let note = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
        self.send_state_change(env, ext, StateChange::Unsuspend(note), None)
            .await
    }

    pub async fn extend_user(&self, ext: &str) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        self.send_state_change(env, ext, StateChange::Extend, None)
            .await
    }

    /// Delete, suspend, unsuspend or extend. A repeat of one that already happened is answered
    /// "already so" (`P412`, `P455`, `P901`; extend repeats harmlessly): after an attempt whose
    /// outcome was unknown, that answer is recorded as the change having happened.
    pub(crate) async fn send_state_change(
        &self,
        env: EnvironmentKind,
        ext: &str,
        change: StateChange,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        let client = self.environments().client_for(env).await?;
        let (name, payload, note) = match &change {
            StateChange::Delete => (routes::DELETE_USER.name, serde_json::Value::Null, None),
            StateChange::Suspend(r) => (
                routes::SUSPEND_USER.name,
                serde_json::json!({"reason": r}),
                Some(r.clone()),
            ),
            StateChange::Unsuspend(r) => (
                routes::UNSUSPEND_USER.name,
                serde_json::json!({"reason": r}),
                r.clone(),
            ),
            StateChange::Extend => (routes::EXTEND_USER.name, serde_json::Value::Null, None),
        };
        let mut op = self.op(env, name, ext, payload, note);
        op.retrying = retrying;
        let call = async {
            match &change {
                StateChange::Delete => client.delete_user(ext).await,
                StateChange::Suspend(r) => client.suspend_user(ext, Some(r)).await,
                StateChange::Unsuspend(_) => client.unsuspend_user(ext).await,
                StateChange::Extend => client.extend_user(ext).await,
            }
        };
        let target = ext.to_owned();
        let (c1, c2) = (change.clone(), change.clone());
        let (t1, t2) = (target.clone(), target);
        let duplicate = c1.duplicate_code().map(|code| Duplicate {
            code,
            commit: Box::new(move |s: &crate::store::Store| {
                let status = c1.status_after(s, env, &t1)?;
                c1.record(s, env, &t1, status)
            })
                as Box<dyn FnOnce(&crate::store::Store) -> Result<UserRecord> + Send>,
        });
        self.operations()
            .run_reconciled(
                op,
                call,
                move |s, acc| c2.record(s, env, &t2, acc.status.as_str().to_owned()),
                duplicate,
            )
            .await
    }

    /// Add User Verification with the document data the operator typed in.
    pub async fn add_verification(&self, ext: &str, form: VerificationForm) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let req = UserVerificationRequest {
            external_user_id: ext.to_owned(),
            document_type: form.document_type,
            document_number: form.document_number.trim().to_uppercase(),
            issuing_country: form.issuing_country.trim().to_uppercase(),
            issue_date: form
                .issue_date
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty()),
            expiry_date: form.expiry_date.trim().to_owned(),
        };
        let errors = validate::verification(&req, validate::today());
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.send_verification(env, req, None).await
    }

    /// The whole request goes to the outbox (the document number included, in the desk's own
    /// database), so that an operation left open by a crash can be sent again.
    pub(crate) async fn send_verification(
        &self,
        env: EnvironmentKind,
        req: UserVerificationRequest,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        let client = self.environments().client_for(env).await?;
        let ext = req.external_user_id.clone();
        let mut op = self.op(
            env,
            routes::ADD_USER_VERIFICATION.name,
            &ext,
            serde_json::to_value(&req).unwrap_or_default(),
            None,
        );
        op.retrying = retrying;
        let target = ext.clone();
        self.operations()
            .run(op, client.add_user_verification(&req), move |s, status| {
                s.add_event(
                    env,
                    &target,
                    "verificationSubmitted",
                    "operator",
                    &serde_json::to_value(&status).unwrap_or_default(),
                )?;
                s.apply_to_user(env, &target, &kyc_change(&status, None, None))
            })
            .await
    }

    /// Starts hosted KYC (Method B); the answer carries the link for the browser.
    pub async fn start_hosted_kyc(
        &self,
        ext: &str,
        form: HostedKycForm,
    ) -> Result<HostedKycSession> {
        let (env, _) = self.known_user(ext).await?;
        let req = CreateKycVerificationRequest {
            external_user_id: ext.to_owned(),
            document_type: form.document_type,
            country: form.country.trim().to_uppercase(),
            income_source: form.income_source,
            open_account_reason: form.open_account_reason,
            tax_id: form
                .tax_id
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
            occupation: form.occupation,
            additional_info: form
                .additional_info
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
        };
        let errors = validate::hosted_kyc(&req);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let client = self.environments().client_for(env).await?;
        let op = self.op(
            env,
            routes::CREATE_KYC_VERIFICATION.name,
            ext,
            serde_json::to_value(&req).unwrap_or_default(),
            None,
        );
        let target = ext.to_owned();
        let created = self
            .operations()
            .run(
                op,
                client.create_kyc_verification(&req),
                move |s, created| {
                    let vid = created.verification_id.clone();
                    s.add_event(
                        env,
                        &target,
                        "hostedKycStarted",
                        "operator",
                        &serde_json::json!({"verificationId": vid}),
                    )?;
                    s.apply_to_user(
                        env,
                        &target,
                        &RosterChange::Kyc {
                            method: Some("hosted".into()),
                            verification_id: Some(vid),
                            verification_status: Some("NOT_VERIFIED".into()),
                            attempt_status: Some("PENDING".into()),
                            rejection_reason: None,
                        },
                    )?;
                    Ok(created)
                },
            )
            .await?;
        let url = client.verification_url(ext, &created.verification_id)?;
        Ok(HostedKycSession {
            verification_id: created.verification_id,
            url: url.to_string(),
        })
    }

    /// The browser link of the user's hosted session, from the roster.
    pub async fn hosted_kyc_url(&self, ext: &str) -> Result<String> {
        let (env, user) = self.known_user(ext).await?;
        let vid = user.verification_id.ok_or_else(|| {
            Error::Invalid(vec![FieldError::new(
                "",
                "no hosted verification was started for this user",
            )])
        })?;
        Ok(self
            .environments()
            .client_for(env)
            .await?
            .verification_url(ext, &vid)?
            .to_string())
    }

    /// Asks P100 for the KYC status and records it (a poll: no outbox, a timeline event).
    pub async fn refresh_kyc_status(&self, ext: &str) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let status = self
            .environments()
            .client_for(env)
            .await?
            .get_kyc_status(ext)
            .await?;
        let target = ext.to_owned();
        self.db(move |s| {
            s.add_event(
                env,
                &target,
                "kycStatus",
                "poll",
                &serde_json::to_value(&status).unwrap_or_default(),
            )?;
            s.apply_to_user(env, &target, &kyc_change(&status, None, None))
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
            self.db(move |s| s.record_activation(env, &target, "poll"))
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

    pub(crate) fn op(
        &self,
        env: EnvironmentKind,
        name: &'static str,
        target: &str,
        payload: serde_json::Value,
        note: Option<String>,
    ) -> Op {
        Op {
            env,
            name,
            target: target.to_owned(),
            payload,
            note,
            retrying: None,
        }
    }
}

/// A change of the account's state, as sent and as recorded.
#[derive(Debug, Clone)]
pub(crate) enum StateChange {
    Delete,
    Suspend(String),
    Unsuspend(Option<String>),
    Extend,
}

impl StateChange {
    /// The change an outbox entry stored, for sending it again.
    pub(crate) fn from_outbox(operation: &str, payload: &serde_json::Value) -> Option<Self> {
        let reason = payload
            .get("reason")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        match operation {
            n if n == routes::DELETE_USER.name => Some(StateChange::Delete),
            n if n == routes::SUSPEND_USER.name => reason.map(StateChange::Suspend),
            n if n == routes::UNSUSPEND_USER.name => Some(StateChange::Unsuspend(reason)),
            n if n == routes::EXTEND_USER.name => Some(StateChange::Extend),
            _ => None,
        }
    }

    /// What P100 answers to a repeat of this change once it happened.
    fn duplicate_code(&self) -> Option<Code> {
        match self {
            StateChange::Delete => Some(Code::UserNotFound),
            StateChange::Suspend(_) => Some(Code::UserSuspended),
            StateChange::Unsuspend(_) => Some(Code::InvalidState),
            StateChange::Extend => None,
        }
    }

    /// The status the user has after the change, when P100's answer was lost: unsuspend returns
    /// to ACTIVE once verification passed, else to WAITING_FOR_ACTIVATION.
    fn status_after(
        &self,
        s: &crate::store::Store,
        env: EnvironmentKind,
        ext: &str,
    ) -> Result<String> {
        let user = s.user(env, ext)?;
        Ok(match self {
            StateChange::Delete => "DELETED".into(),
            StateChange::Suspend(_) => UserStatus::Suspended.as_str().into(),
            StateChange::Unsuspend(_) => {
                if user.as_ref().and_then(|u| u.verification_status.as_deref()) == Some("VERIFIED")
                {
                    UserStatus::Active.as_str().into()
                } else {
                    UserStatus::WaitingForActivation.as_str().into()
                }
            }
            StateChange::Extend => user.map(|u| u.status).unwrap_or_default(),
        })
    }

    /// The timeline event and roster change of the change having happened.
    fn record(
        &self,
        s: &crate::store::Store,
        env: EnvironmentKind,
        ext: &str,
        status: String,
    ) -> Result<UserRecord> {
        match self {
            StateChange::Delete => {
                s.add_event(env, ext, "deleted", "operator", &serde_json::json!({}))?;
                s.apply_to_user(env, ext, &RosterChange::Deleted)
            }
            StateChange::Suspend(r) => {
                let detail = serde_json::json!({"reason": r, "status": status});
                s.add_event(env, ext, "suspended", "operator", &detail)?;
                s.apply_to_user(env, ext, &RosterChange::Status(status))
            }
            StateChange::Unsuspend(r) => {
                let detail = serde_json::json!({"reason": r, "status": status});
                s.add_event(env, ext, "unsuspended", "operator", &detail)?;
                s.apply_to_user(env, ext, &RosterChange::Status(status))
            }
            StateChange::Extend => {
                s.add_event(env, ext, "extended", "operator", &serde_json::json!({}))?;
                s.apply_to_user(env, ext, &RosterChange::Extended)
            }
        }
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
