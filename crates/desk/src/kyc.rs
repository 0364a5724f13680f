//! Identity: the verification data the operator types in (Method A), P100's hosted check
//! (Method B), and asking P100 for the KYC status.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::roster::{RosterChange, UserRecord};
use crate::operation::{Op, Operation};
use crate::timeline::{Event, EventSource, KycReport};
use crate::vocabulary::KycMethod;
use p100::FieldError;
use p100::models::{
    AttemptStatus, CreateKycVerificationRequest, KycStatus, UserVerificationRequest,
    VerificationStatus,
};
use p100::validate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Add User Verification as the operator fills it in; the desk adds the user's id.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
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
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
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
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HostedKycSession {
    pub verification_id: String,
    pub url: String,
}

fn kyc_change(
    status: &KycStatus,
    method: Option<KycMethod>,
    verification_id: Option<String>,
) -> RosterChange {
    RosterChange::Kyc {
        method,
        verification_id,
        verification_status: Some(status.verification_status),
        attempt_status: status.attempt_status,
        rejection_reason: status.rejection_reason.clone(),
    }
}

impl Desk {
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
        let op = Op::new(env, Operation::AddUserVerification(req.clone()), retrying);
        let target = ext.clone();
        self.operations()
            .run(op, client.add_user_verification(&req), move |s, status| {
                s.add_event(
                    env,
                    &target,
                    EventSource::Operator,
                    &Event::VerificationSubmitted(KycReport::from(&status)),
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
        let op = Op::new(
            env,
            Operation::CreateKycVerification {
                external_user_id: ext.to_owned(),
                request: req.clone(),
            },
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
                        EventSource::Operator,
                        &Event::HostedKycStarted {
                            verification_id: vid.clone(),
                        },
                    )?;
                    s.apply_to_user(
                        env,
                        &target,
                        &RosterChange::Kyc {
                            method: Some(KycMethod::Hosted),
                            verification_id: Some(vid),
                            verification_status: Some(VerificationStatus::NotVerified),
                            attempt_status: Some(AttemptStatus::Pending),
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
        let record = self
            .db(move |s| {
                s.add_event(
                    env,
                    &target,
                    EventSource::Poll,
                    &Event::KycStatus(KycReport::from(&status)),
                )?;
                s.apply_to_user(env, &target, &kyc_change(&status, None, None))
            })
            .await?;
        // A passed review: the balances say whether the account is open yet.
        Ok(self
            .activate_if_due(env, ext, EventSource::Poll)
            .await?
            .unwrap_or(record))
    }
}
