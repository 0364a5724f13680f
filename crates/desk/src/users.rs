//! User operations: checked, written to the outbox, sent, journaled, and kept in the roster.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::operation::Op;
use crate::store::roster::{NewRosterUser, RosterChange, UserRecord};
use p100::FieldError;
use p100::models::{
    CreateKycVerificationRequest, CreateUserRequest, KycStatus, TransactionPage, TransactionQuery,
    UserAccount, UserBalances, UserProfile, UserStatus, UserVerificationRequest,
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

fn account_status(acc: &UserAccount) -> RosterChange {
    RosterChange::Status(acc.status.as_str().to_owned())
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
        let client = self.client_for(env).await?;
        let op = Op {
            env,
            name: routes::CREATE_USER.name,
            target: request.external_user_id.clone(),
            payload: serde_json::to_value(&request).map_err(|e| Error::Internal(e.to_string()))?,
            note: None,
        };
        let (ext, profile) = (request.external_user_id.clone(), request.profile.clone());
        self.run_op(op, client.create_user(&request), move |s, created| {
            s.insert_user(&NewRosterUser {
                environment: env,
                external_user_id: &ext,
                user_id: &created.user_id,
                profile: &profile,
                status: UserStatus::WaitingForActivation.as_str(),
                poa_required_for_extended: created.poa_required_for_extended,
            })?;
            let detail = serde_json::json!({
                "userId": created.user_id,
                "poaRequiredForExtended": created.poa_required_for_extended,
            });
            s.add_event(env, &ext, "created", "operator", &detail)?;
            // Read back after the event: the stage is derived from it.
            s.user(env, &ext)?
                .ok_or_else(|| Error::Internal("the new user vanished".into()))
        })
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
        let client = self.client_for(env).await?;
        let op = self.op(
            env,
            routes::UPDATE_USER.name,
            ext,
            serde_json::to_value(&changes).unwrap_or_default(),
            None,
        );
        let target = ext.to_owned();
        let fields = changed_names(&changes);
        self.run_op(op, client.update_user(ext, &changes), move |s, acc| {
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
        let client = self.client_for(env).await?;
        let op = self.op(
            env,
            routes::DELETE_USER.name,
            ext,
            serde_json::Value::Null,
            None,
        );
        let target = ext.to_owned();
        self.run_op(op, client.delete_user(ext), move |s, _| {
            s.add_event(env, &target, "deleted", "operator", &serde_json::json!({}))?;
            s.apply_to_user(env, &target, &RosterChange::Deleted)
        })
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
        let client = self.client_for(env).await?;
        let op = self.op(
            env,
            routes::SUSPEND_USER.name,
            ext,
            serde_json::json!({"reason": reason}),
            Some(reason.clone()),
        );
        let target = ext.to_owned();
        let r = reason.clone();
        self.run_op(
            op,
            client.suspend_user(ext, Some(&reason)),
            move |s, acc| {
                s.add_event(
                    env,
                    &target,
                    "suspended",
                    "operator",
                    &serde_json::json!({"reason": r, "status": acc.status.as_str()}),
                )?;
                s.apply_to_user(env, &target, &account_status(&acc))
            },
        )
        .await
    }

    pub async fn unsuspend_user(&self, ext: &str, reason: String) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let client = self.client_for(env).await?;
        let note = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
        let op = self.op(
            env,
            routes::UNSUSPEND_USER.name,
            ext,
            serde_json::Value::Null,
            note.clone(),
        );
        let target = ext.to_owned();
        self.run_op(op, client.unsuspend_user(ext), move |s, acc| {
            s.add_event(
                env,
                &target,
                "unsuspended",
                "operator",
                &serde_json::json!({"reason": note, "status": acc.status.as_str()}),
            )?;
            s.apply_to_user(env, &target, &account_status(&acc))
        })
        .await
    }

    pub async fn extend_user(&self, ext: &str) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let client = self.client_for(env).await?;
        let op = self.op(
            env,
            routes::EXTEND_USER.name,
            ext,
            serde_json::Value::Null,
            None,
        );
        let target = ext.to_owned();
        self.run_op(op, client.extend_user(ext), move |s, _| {
            s.add_event(env, &target, "extended", "operator", &serde_json::json!({}))?;
            s.apply_to_user(env, &target, &RosterChange::Extended)
        })
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
        let client = self.client_for(env).await?;
        let payload = serde_json::json!({"documentType": req.document_type, "issuingCountry": req.issuing_country});
        let op = self.op(env, routes::ADD_USER_VERIFICATION.name, ext, payload, None);
        let target = ext.to_owned();
        self.run_op(op, client.add_user_verification(&req), move |s, status| {
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
        let client = self.client_for(env).await?;
        let op = self.op(
            env,
            routes::CREATE_KYC_VERIFICATION.name,
            ext,
            serde_json::to_value(&req).unwrap_or_default(),
            None,
        );
        let target = ext.to_owned();
        let created = self
            .run_op(
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
            .client_for(env)
            .await?
            .verification_url(ext, &vid)?
            .to_string())
    }

    /// Asks P100 for the KYC status and records it (a poll: no outbox, a timeline event).
    pub async fn refresh_kyc_status(&self, ext: &str) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let status = self.client_for(env).await?.get_kyc_status(ext).await?;
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
        let (env, user) = self.known_user(ext).await?;
        let balances = self.client_for(env).await?.get_user_balances(ext).await?;
        // Balances exist only once P100 activated the user: the roster learns it here too.
        if !balances.fiat_balances.is_empty()
            && user.status == UserStatus::WaitingForActivation.as_str()
        {
            let target = ext.to_owned();
            self.db(move |s| {
                s.add_event(env, &target, "activated", "poll", &serde_json::json!({}))?;
                s.apply_to_user(
                    env,
                    &target,
                    &RosterChange::Status(UserStatus::Active.as_str().into()),
                )
            })
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
