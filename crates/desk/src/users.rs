//! User operations: checked, written to the outbox, sent, journaled, and kept in the roster.

use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::store::journal::NewJournalEntry;
use crate::store::outbox::OutboxState;
use crate::store::roster::{NewRosterUser, UserRecord};
use p100::models::{CreateUserRequest, UserProfile};
use p100::validate;
use serde::Deserialize;
use std::time::Instant;
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

const CREATE: &str = p100::routes::CREATE_USER.name;

impl Desk {
    /// The selected environment's roster, newest first.
    pub async fn users(&self) -> Result<Vec<UserRecord>> {
        let env = self.current_environment().await?;
        self.db(move |s| s.list_users(env)).await
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
        let payload = serde_json::to_value(&request).map_err(|e| Error::Internal(e.to_string()))?;
        let ext = request.external_user_id.clone();
        let outbox_id = self
            .db(move |s| s.outbox_open(env, CREATE, &ext, &payload))
            .await?;

        let started = Instant::now();
        let answer = client.create_user(&request).await;
        let duration_ms = started.elapsed().as_millis().min(u32::MAX as u128) as u32;

        let operator = self.operator.clone();
        let ext = request.external_user_id.clone();
        match answer {
            Ok(created) => {
                self.db(move |s| {
                    let record = s.insert_user(&NewRosterUser {
                        environment: env,
                        external_user_id: &ext,
                        user_id: &created.user_id,
                        profile: &request.profile,
                        status: p100::models::UserStatus::WaitingForActivation.as_str(),
                        poa_required_for_extended: created.poa_required_for_extended,
                    })?;
                    let detail = serde_json::json!({
                        "userId": created.user_id,
                        "poaRequiredForExtended": created.poa_required_for_extended,
                    });
                    s.add_event(env, &ext, "created", "operator", &detail)?;
                    s.journal(&NewJournalEntry {
                        operator: &operator,
                        environment: env,
                        operation: CREATE,
                        target: Some(&ext),
                        outcome: "ok",
                        p100_code: None,
                        http_status: None,
                        duration_ms,
                        message: None,
                    })?;
                    s.outbox_close(&outbox_id, OutboxState::Done, None)?;
                    Ok(record)
                })
                .await
            }
            Err(e) => {
                // A refusal means nothing happened at P100; no answer means it may have.
                let state = if e.outcome_unknown() {
                    OutboxState::Unknown
                } else {
                    OutboxState::Failed
                };
                let (code, status, text) = (
                    e.p100_code().map(str::to_owned),
                    e.http_status(),
                    e.to_string(),
                );
                self.db(move |s| {
                    s.journal(&NewJournalEntry {
                        operator: &operator,
                        environment: env,
                        operation: CREATE,
                        target: Some(&ext),
                        outcome: if state == OutboxState::Unknown {
                            "unknown"
                        } else {
                            "error"
                        },
                        p100_code: code.as_deref(),
                        http_status: status,
                        duration_ms,
                        message: Some(&text),
                    })?;
                    s.outbox_close(&outbox_id, state, Some(&text))
                })
                .await?;
                Err(Error::P100(e))
            }
        }
    }
}
