//! Document uploads: tokens in, streamed multipart out, with progress.

use crate::EnvironmentKind;
use crate::desk::Desk;
use crate::documents::{Admitted, ReadyFile};
use crate::error::{Error, Result};
use crate::ledger::roster::{RosterChange, UserRecord};
use crate::operation::{Op, Operation};
use crate::timeline::{Event, EventSource, FileNote};
use crate::vocabulary::KycMethod;
use p100::FieldError;
use p100::models::{AttemptStatus, DocumentType, KycFileSide, VerificationStatus};
use p100::upload::{ProgressFn, UploadFile};
use std::path::PathBuf;

impl Desk {
    /// Files the operator picked or dropped: checked and turned into tokens.
    pub async fn admit_files(&self, paths: Vec<PathBuf>) -> Result<Admitted> {
        let docs = self.documents_arc();
        Ok(tokio::task::spawn_blocking(move || docs.admit(&paths)).await?)
    }

    /// Tokens no longer needed (the hub's, once the files it received are sent).
    pub fn forget_files(&self, ids: &[String]) {
        let docs = self.documents();
        for id in ids {
            docs.forget(id);
        }
    }

    /// The files of an upload as the timeline keeps them: name, size, type and the 160 px
    /// thumbnail the operator saw when picking them (never the document itself).
    fn describe(&self, ids: &[String], upload: &[UploadFile]) -> Vec<FileNote> {
        ids.iter()
            .zip(upload)
            .map(|(id, f)| FileNote {
                side: f.field.clone(),
                name: f.file_name.clone(),
                size: f.size,
                mime: f.mime.clone(),
                thumbnail: self.documents().token(id).and_then(|t| t.thumbnail),
            })
            .collect()
    }

    /// A picked document's bytes and type, for the viewer: checked again first (still the file
    /// that was picked), read through the checked handle, never more than the desk takes.
    pub async fn document_contents(&self, token: String) -> Result<(String, Vec<u8>)> {
        if crate::kept::KeptDocuments::is_kept_id(&token) {
            let kept = self.kept().ok_or_else(Self::no_folder)?;
            let days = self.kept_days().await?;
            return tokio::task::spawn_blocking(move || kept.contents(&token, days))
                .await?
                .ok_or_else(|| {
                    Error::Invalid(vec![FieldError::new(
                        "token",
                        "this kept document is gone (its days ran out, or it was deleted)",
                    )])
                });
        }
        let docs = self.documents_arc();
        tokio::task::spawn_blocking(move || {
            let ready = docs
                .ready(&token)
                .map_err(|m| Error::Invalid(vec![FieldError::new("token", m)]))?;
            let bytes = ready
                .bytes()
                .map_err(|e| Error::Invalid(vec![FieldError::new("token", e.to_string())]))?;
            Ok((ready.mime.clone(), bytes))
        })
        .await?
    }

    /// Every token checked again (still the picked file) just before sending. The checked
    /// files come back too: they must stay alive until the upload is over, since the transport
    /// reads them through their open handles (`ReadyFile::transport_path`).
    async fn ready(
        &self,
        tokens: Vec<(String, String)>,
    ) -> Result<(Vec<UploadFile>, Vec<ReadyFile>)> {
        let docs = self.documents_arc();
        tokio::task::spawn_blocking(move || {
            let mut files = Vec::new();
            let mut held = Vec::new();
            let mut errors = Vec::new();
            for (field, token) in tokens {
                match docs.ready(&token) {
                    Ok(ready) => {
                        files.push(UploadFile {
                            field,
                            file_name: ready.name.clone(),
                            mime: ready.mime.clone(),
                            path: ready.transport_path(),
                            size: ready.size,
                        });
                        held.push(ready);
                    }
                    Err(message) => errors.push(FieldError::new(&field, message)),
                }
            }
            if errors.is_empty() {
                Ok((files, held))
            } else {
                Err(Error::Invalid(errors))
            }
        })
        .await?
    }

    /// Method A: images of one document, each tagged with its side.
    pub async fn add_kyc_files(
        &self,
        ext: &str,
        document_type: DocumentType,
        files: Vec<(KycFileSide, String)>,
        progress: Option<ProgressFn>,
    ) -> Result<UserRecord> {
        let Some(required) = document_type.required_sides() else {
            return Err(Error::Invalid(vec![FieldError::new(
                "documentType",
                "Method A takes ID_CARD, PASSPORT or RESIDENCE_PERMIT",
            )]));
        };
        if files.is_empty() {
            return Err(Error::Invalid(vec![FieldError::new(
                "files",
                "add at least one image",
            )]));
        }
        for (i, (side, _)) in files.iter().enumerate() {
            if files[..i].iter().any(|(earlier, _)| earlier == side) {
                return Err(Error::Invalid(vec![FieldError::new(
                    side.as_str(),
                    format!("{} must be sent once", side.as_str()),
                )]));
            }
            if !required.contains(side) {
                return Err(Error::Invalid(vec![FieldError::new(
                    side.as_str(),
                    format!(
                        "{} is not used for {}",
                        side.as_str(),
                        document_type.as_str()
                    ),
                )]));
            }
        }
        let tokens = files
            .iter()
            .map(|(side, t)| (side.as_str().to_owned(), t.clone()))
            .collect();
        if let Some(hub) = self.hub() {
            // Team mode: the files stream to the hub, which sends them to P100 as the operator.
            let (upload, held) = self.ready(tokens).await?;
            let record = hub
                .add_kyc_files(ext, document_type, &upload, progress)
                .await?;
            self.keep_uploaded(
                record.environment,
                ext,
                labelled(document_type, &files, held),
            )
            .await;
            return Ok(record);
        }
        let (env, _) = self.known_user(ext).await?;
        let ids: Vec<String> = files.iter().map(|(_, t)| t.clone()).collect();
        let (upload, held) = self.ready(tokens).await?;
        let described = self.describe(&ids, &upload);
        let client = self.environments().client_for(env).await?;
        let op = Op::new(
            env,
            Operation::AddKycFiles {
                external_user_id: ext.to_owned(),
                document_type,
                files: described.clone(),
            },
            None,
        );
        let target = ext.to_owned();
        let record = self
            .operations()
            .run(
                op,
                client.add_kyc_files(ext, document_type, &upload, progress),
                move |s, answer| {
                    let event = Event::KycFilesUploaded {
                        document_type,
                        files: described,
                        missing: answer.missing,
                    };
                    s.add_event(env, &target, EventSource::Operator, &event)?;
                    s.apply_to_user(
                        env,
                        &target,
                        &RosterChange::Kyc {
                            method: Some(KycMethod::Files),
                            verification_id: None,
                            verification_status: Some(VerificationStatus::NotVerified),
                            attempt_status: Some(AttemptStatus::Pending),
                            rejection_reason: None,
                        },
                    )
                },
            )
            .await?;
        self.keep_uploaded(env, ext, labelled(document_type, &files, held))
            .await;
        Ok(record)
    }

    /// Proof of address: up to three files, all in one request.
    pub async fn add_poa_files(
        &self,
        ext: &str,
        tokens: Vec<String>,
        progress: Option<ProgressFn>,
    ) -> Result<UserRecord> {
        if tokens.is_empty() || tokens.len() > 3 {
            return Err(Error::Invalid(vec![FieldError::new(
                "files",
                "send 1 to 3 files, all at once",
            )]));
        }
        let picked = tokens
            .iter()
            .map(|t| ("files".to_owned(), t.clone()))
            .collect();
        if let Some(hub) = self.hub() {
            let (upload, held) = self.ready(picked).await?;
            let record = hub.add_poa_files(ext, &upload, progress).await?;
            self.keep_uploaded(record.environment, ext, proof_of_address(held))
                .await;
            return Ok(record);
        }
        let (env, _) = self.known_user(ext).await?;
        let (upload, held) = self.ready(picked).await?;
        let described = self.describe(&tokens, &upload);
        let client = self.environments().client_for(env).await?;
        let op = Op::new(
            env,
            Operation::AddPoaFiles {
                external_user_id: ext.to_owned(),
                files: described.clone(),
            },
            None,
        );
        let target = ext.to_owned();
        let record = self
            .operations()
            .run(
                op,
                client.add_poa_files(ext, &upload, progress),
                move |s, answer| {
                    s.add_event(
                        env,
                        &target,
                        EventSource::Operator,
                        &Event::PoaUploaded {
                            files: described,
                            status: answer.status,
                        },
                    )?;
                    s.apply_to_user(env, &target, &RosterChange::Poa(Some(answer.status)))
                },
            )
            .await?;
        self.keep_uploaded(env, ext, proof_of_address(held)).await;
        Ok(record)
    }
}

/// Method A's checked files with what each was to the user, in the upload's order.
fn labelled(
    document_type: DocumentType,
    files: &[(KycFileSide, String)],
    held: Vec<ReadyFile>,
) -> Vec<(String, ReadyFile)> {
    files
        .iter()
        .zip(held)
        .map(|((side, _), file)| (kyc_file_label(document_type, side.as_str()), file))
        .collect()
}

fn proof_of_address(held: Vec<ReadyFile>) -> Vec<(String, ReadyFile)> {
    held.into_iter()
        .map(|file| ("Proof of address".to_owned(), file))
        .collect()
}

/// What a Method A file was to the user, in words, for the documents kept after upload.
fn kyc_file_label(document_type: DocumentType, side: &str) -> String {
    let document = match document_type {
        DocumentType::IdCard => "ID card",
        DocumentType::Passport => "Passport",
        DocumentType::ResidencePermit => "Residence permit",
        DocumentType::DriverLicense => "Driving licence",
    };
    match side {
        "selfie" => "Selfie".to_owned(),
        "back" => format!("{document}, back"),
        _ => format!("{document}, front"),
    }
}

impl Desk {
    /// The days documents are kept after upload (`None`: not kept).
    async fn kept_days(&self) -> Result<Option<u32>> {
        let value = self.db(|s| s.setting(crate::kept::SETTING)).await?;
        Ok(crate::kept::days_of(value.as_deref()))
    }

    /// Deletes the kept documents past their days (all of them when keeping is off).
    pub async fn purge_kept(&self) {
        let Some(kept) = self.kept() else { return };
        let days = self.kept_days().await.unwrap_or(None);
        match tokio::task::spawn_blocking(move || kept.purge(days)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(documents = n, "kept documents past their days deleted"),
            Err(e) => tracing::warn!(error = %e, "kept documents were not purged"),
        }
    }

    /// What this desktop keeps now (past their days, documents are left out until the next purge
    /// deletes them: a read never writes).
    pub async fn documents_retention(&self) -> Result<crate::kept::Retention> {
        let kept = self.kept().ok_or_else(Self::no_folder)?;
        let days = self.kept_days().await?;
        Ok(tokio::task::spawn_blocking(move || kept.retention(days)).await?)
    }

    /// Keeps documents for `days` (1 to 365) after upload, or not at all (`None`: what was kept
    /// is deleted at once).
    pub async fn set_documents_retention(
        &self,
        days: Option<u32>,
    ) -> Result<crate::kept::Retention> {
        if let Some(d) = days
            && !(1..=crate::kept::MAX_DAYS).contains(&d)
        {
            return Err(Error::Invalid(vec![FieldError::new(
                "days",
                format!("keep documents from 1 to {} days", crate::kept::MAX_DAYS),
            )]));
        }
        let value = days.map_or_else(|| "off".to_owned(), |d| d.to_string());
        self.db(move |s| s.set_setting(crate::kept::SETTING, &value))
            .await?;
        // Fewer days, or none: what is now past them goes at once.
        self.purge_kept().await;
        self.documents_retention().await
    }

    /// Deletes every kept document now; keeping goes on as set.
    pub async fn delete_kept_documents(&self) -> Result<crate::kept::Retention> {
        let kept = self.kept().ok_or_else(Self::no_folder)?;
        let n = tokio::task::spawn_blocking(move || kept.purge(None)).await?;
        tracing::info!(documents = n, "kept documents deleted by the operator");
        self.documents_retention().await
    }

    /// A user's documents kept on this desktop, oldest first.
    pub async fn kept_documents(&self, ext: String) -> Result<Vec<crate::kept::KeptDocument>> {
        let kept = self.kept().ok_or_else(Self::no_folder)?;
        let days = self.kept_days().await?;
        let env = self.current_environment().await?;
        Ok(tokio::task::spawn_blocking(move || kept.of_user(env, &ext, days)).await?)
    }

    fn no_folder() -> Error {
        Error::Internal("documents are kept only by a desktop's desk".into())
    }

    /// After an upload P100 took: a copy of each file, when the operator keeps documents. A copy
    /// that cannot be written is logged, never a failed upload (P100 has the file).
    async fn keep_uploaded(
        &self,
        env: EnvironmentKind,
        ext: &str,
        files: Vec<(String, ReadyFile)>,
    ) {
        let Some(kept) = self.kept() else { return };
        if !matches!(self.kept_days().await, Ok(Some(_))) {
            return;
        }
        let ext = ext.to_owned();
        let done = tokio::task::spawn_blocking(move || {
            files
                .iter()
                .map(|(label, file)| kept.keep(env, &ext, label, file).map(|_| ()))
                .collect::<std::io::Result<Vec<()>>>()
        })
        .await;
        match done {
            Ok(Ok(kept)) => tracing::debug!(documents = kept.len(), "documents kept after upload"),
            Ok(Err(e)) => tracing::warn!(error = %e, "a document was not kept after upload"),
            Err(e) => tracing::warn!(error = %e, "documents were not kept after upload"),
        }
    }
}
