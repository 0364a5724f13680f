//! Document uploads: tokens in, streamed multipart out, with progress.

use crate::desk::Desk;
use crate::documents::{Admitted, ReadyFile};
use crate::error::{Error, Result};
use crate::store::roster::{RosterChange, UserRecord};
use p100::FieldError;
use p100::models::{DocumentType, KycFileSide};
use p100::routes;
use p100::upload::{ProgressFn, UploadFile};
use std::path::PathBuf;

impl Desk {
    /// Files the operator picked or dropped: checked and turned into tokens.
    pub async fn admit_files(&self, paths: Vec<PathBuf>) -> Result<Admitted> {
        let docs = self.documents.clone();
        Ok(tokio::task::spawn_blocking(move || docs.admit(&paths)).await?)
    }

    /// Every token checked again (still the picked file) just before sending.
    async fn ready(&self, tokens: Vec<(String, String)>) -> Result<Vec<UploadFile>> {
        let docs = self.documents.clone();
        tokio::task::spawn_blocking(move || {
            let mut files = Vec::new();
            let mut errors = Vec::new();
            for (field, token) in tokens {
                match docs.ready(&token) {
                    Ok(ReadyFile {
                        path,
                        name,
                        mime,
                        size,
                    }) => files.push(UploadFile {
                        field,
                        file_name: name,
                        mime,
                        path,
                        size,
                    }),
                    Err(message) => errors.push(FieldError::new(&field, message)),
                }
            }
            if errors.is_empty() {
                Ok(files)
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
        for (side, _) in &files {
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
        let (env, _) = self.known_user(ext).await?;
        let tokens = files
            .iter()
            .map(|(side, t)| (side.as_str().to_owned(), t.clone()))
            .collect();
        let upload = self.ready(tokens).await?;
        let names: Vec<_> = upload
            .iter()
            .map(|f| serde_json::json!({"side": f.field, "name": f.file_name, "size": f.size}))
            .collect();
        let client = self.client_for(env).await?;
        let payload = serde_json::json!({"documentType": document_type, "files": names});
        let op = self.op(env, routes::ADD_KYC_FILE.name, ext, payload.clone(), None);
        let target = ext.to_owned();
        self.run_op(op, client.add_kyc_files(ext, document_type, &upload, progress), move |s, answer| {
            let detail = serde_json::json!({"documentType": document_type, "files": payload["files"], "missing": answer.missing});
            s.add_event(env, &target, "kycFilesUploaded", "operator", &detail)?;
            s.apply_to_user(
                env,
                &target,
                &RosterChange::Kyc {
                    method: Some("files".into()),
                    verification_id: None,
                    verification_status: Some("NOT_VERIFIED".into()),
                    attempt_status: Some("PENDING".into()),
                    rejection_reason: None,
                },
            )
        })
        .await
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
        let (env, _) = self.known_user(ext).await?;
        let upload = self
            .ready(
                tokens
                    .into_iter()
                    .map(|t| ("files".to_owned(), t))
                    .collect(),
            )
            .await?;
        let names: Vec<_> = upload
            .iter()
            .map(|f| serde_json::json!({"name": f.file_name, "size": f.size}))
            .collect();
        let client = self.client_for(env).await?;
        let op = self.op(
            env,
            routes::ADD_POA_FILE.name,
            ext,
            serde_json::json!({"files": names}),
            None,
        );
        let target = ext.to_owned();
        self.run_op(
            op,
            client.add_poa_files(ext, &upload, progress),
            move |s, answer| {
                s.add_event(
                    env,
                    &target,
                    "poaUploaded",
                    "operator",
                    &serde_json::json!({"files": names}),
                )?;
                s.apply_to_user(
                    env,
                    &target,
                    &RosterChange::Poa(Some(answer.status.as_str().to_owned())),
                )
            },
        )
        .await
    }
}
