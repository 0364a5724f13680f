//! Documents kept after upload — only when the operator chose to (off by default), for as many
//! days as they chose, in the desk's private data folder, and deleted at once when asked. They
//! are customers' identity documents: nothing else reads this folder, the viewer gets them by
//! id (never a path), and turning keeping off deletes what was kept.
//!
//! Each document is two files named by a random id: `<id>.bin` (the bytes sent to P100, as
//! checked before sending) and `<id>.json` (whose they are and when they were kept).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

use crate::EnvironmentKind;
use crate::documents::ReadyFile;

/// The longest a document may be kept, in days.
pub const MAX_DAYS: u32 = 365;
/// The setting that holds the days (absent: documents are not kept).
pub const SETTING: &str = "documents.keep_days";
/// How often a running desk deletes what is past its days (reads never delete: they only leave
/// out what is past its days).
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The days documents are kept, as the setting holds them (`None`: not kept).
pub fn days_of(setting: Option<&str>) -> Option<u32> {
    setting
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|d| (1..=MAX_DAYS).contains(d))
}

/// Whether a document kept at `kept_at` is still within `days` (nothing is, when not kept).
fn within(kept_at: &str, days: Option<u32>) -> bool {
    days.is_some_and(|days| {
        let cutoff = time::OffsetDateTime::now_utc() - time::Duration::days(i64::from(days));
        p100::timestamp::parse(kept_at).is_some_and(|t| t > cutoff)
    })
}

/// Deletes what is past its days every [`PURGE_EVERY`], the days read from `ledger` each time,
/// for as long as the desk lives: it holds the ledger weakly, so a closed desk's database is
/// closed (not kept open by this task) and the task ends.
pub fn spawn_purger(
    kept: std::sync::Arc<KeptDocuments>,
    ledger: std::sync::Weak<dyn crate::ledger::Ledger>,
) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(PURGE_EVERY);
        every.tick().await; // the first tick is now: the desk purged at start already
        loop {
            every.tick().await;
            let Some(ledger) = ledger.upgrade() else {
                return;
            };
            let days = crate::ledger::in_tx_blocking(ledger, |s| s.setting(SETTING))
                .await
                .ok()
                .and_then(|v| days_of(v.as_deref()));
            let k = kept.clone();
            match tokio::task::spawn_blocking(move || k.purge(days)).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(documents = n, "kept documents past their days deleted"),
                Err(e) => tracing::warn!(error = %e, "kept documents were not purged"),
            }
        }
    });
}

/// A document kept after its upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeptDocument {
    /// `kept-` and a random id: what the viewer asks for.
    pub id: String,
    pub environment: EnvironmentKind,
    pub external_user_id: String,
    /// What it was to the user: "Passport — photo page", "Selfie", "Proof of address".
    pub label: String,
    pub name: String,
    pub mime: String,
    pub size: u64,
    pub kept_at: String,
}

/// Whether documents are kept, for how long, and what is kept now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// `None`: documents are not kept after upload.
    pub days: Option<u32>,
    pub documents: u32,
    pub bytes: u64,
}

pub struct KeptDocuments {
    dir: PathBuf,
}

const PREFIX: &str = "kept-";

/// A kept id as the desk made it (`kept-` and a UUID), so that no other name reaches the disk.
fn file_stem(id: &str) -> Option<&str> {
    let stem = id.strip_prefix(PREFIX)?;
    uuid::Uuid::parse_str(stem).ok().map(|_| stem)
}

impl KeptDocuments {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("kept-documents"),
        }
    }

    /// Whether an id names a kept document rather than a picked one.
    pub fn is_kept_id(id: &str) -> bool {
        id.starts_with(PREFIX)
    }

    fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }

    /// Keeps a copy of a document that P100 took. Blocking.
    pub fn keep(
        &self,
        environment: EnvironmentKind,
        external_user_id: &str,
        label: &str,
        file: &ReadyFile,
    ) -> std::io::Result<KeptDocument> {
        std::fs::create_dir_all(&self.dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))?;
        }
        let stem = uuid::Uuid::new_v4().to_string();
        let doc = KeptDocument {
            id: format!("{PREFIX}{stem}"),
            environment,
            external_user_id: external_user_id.to_owned(),
            label: label.to_owned(),
            name: file.name.clone(),
            mime: file.mime.clone(),
            size: file.size,
            kept_at: crate::ledger::now(),
        };
        Self::write_private(&self.dir.join(format!("{stem}.bin")), &file.bytes()?)?;
        let meta = serde_json::to_vec(&doc).map_err(std::io::Error::other)?;
        Self::write_private(&self.dir.join(format!("{stem}.json")), &meta)?;
        Ok(doc)
    }

    /// Every kept document (a record the desk cannot read is skipped, and deleted by the next
    /// purge). Blocking.
    fn all(&self) -> Vec<KeptDocument> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut docs: Vec<KeptDocument> = entries
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| {
                let bytes = std::fs::read(e.path()).ok()?;
                let doc: KeptDocument = serde_json::from_slice(&bytes).ok()?;
                // Believed only under its own file's name.
                let stem = e.path().file_stem()?.to_str()?.to_owned();
                (file_stem(&doc.id) == Some(stem.as_str())).then_some(doc)
            })
            .collect();
        docs.sort_by(|a, b| a.kept_at.cmp(&b.kept_at).then(a.id.cmp(&b.id)));
        docs
    }

    /// A user's kept documents within `days`, oldest first. Blocking.
    pub fn of_user(
        &self,
        environment: EnvironmentKind,
        external_user_id: &str,
        days: Option<u32>,
    ) -> Vec<KeptDocument> {
        self.all()
            .into_iter()
            .filter(|d| d.environment == environment && d.external_user_id == external_user_id)
            .filter(|d| within(&d.kept_at, days))
            .collect()
    }

    /// A kept document's type and bytes, by its id, while within `days`. Blocking.
    pub fn contents(&self, id: &str, days: Option<u32>) -> Option<(String, Vec<u8>)> {
        let stem = file_stem(id)?;
        let meta: KeptDocument =
            serde_json::from_slice(&std::fs::read(self.dir.join(format!("{stem}.json"))).ok()?)
                .ok()?;
        if !within(&meta.kept_at, days) {
            return None;
        }
        let bytes = std::fs::read(self.dir.join(format!("{stem}.bin"))).ok()?;
        (bytes.len() as u64 == meta.size).then_some((meta.mime, bytes))
    }

    /// Deletes what is older than `days` (everything, for `None`), and any file that is not a
    /// readable kept document. Returns how many documents went. Blocking.
    pub fn purge(&self, days: Option<u32>) -> u32 {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let keep: Vec<String> = match days {
            None => Vec::new(),
            Some(_) => self
                .all()
                .into_iter()
                .filter(|d| within(&d.kept_at, days))
                .filter_map(|d| file_stem(&d.id).map(str::to_owned))
                .collect(),
        };
        let mut gone = std::collections::HashSet::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            if !keep.contains(&stem) && std::fs::remove_file(&path).is_ok() {
                gone.insert(stem);
            }
        }
        gone.len() as u32
    }

    /// What is kept now, within `days`. Blocking.
    pub fn retention(&self, days: Option<u32>) -> Retention {
        let docs: Vec<KeptDocument> = self
            .all()
            .into_iter()
            .filter(|d| within(&d.kept_at, days))
            .collect();
        Retention {
            days,
            documents: docs.len() as u32,
            bytes: docs.iter().map(|d| d.size).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::Documents;

    fn picked(dir: &Path, name: &str, bytes: &[u8]) -> ReadyFile {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let docs = Documents::default();
        let id = docs.admit(&[path]).accepted[0].id.clone();
        docs.ready(&id).unwrap()
    }

    #[test]
    fn a_kept_document_is_private_listed_for_its_user_and_read_back_by_id() {
        let data = tempfile::tempdir().unwrap();
        let kept = KeptDocuments::new(data.path());
        let pdf = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n%%EOF\n";
        let file = picked(data.path(), "bill.pdf", pdf);
        let doc = kept
            .keep(EnvironmentKind::Sandbox, "ext-1", "Proof of address", &file)
            .unwrap();
        assert!(KeptDocuments::is_kept_id(&doc.id));
        assert_eq!(doc.name, "bill.pdf");
        let days = Some(30);
        assert_eq!(
            kept.of_user(EnvironmentKind::Sandbox, "ext-1", days),
            vec![doc.clone()]
        );
        assert!(
            kept.of_user(EnvironmentKind::Staging, "ext-1", days)
                .is_empty()
        );
        assert!(
            kept.of_user(EnvironmentKind::Sandbox, "ext-2", days)
                .is_empty()
        );
        assert_eq!(
            kept.contents(&doc.id, days),
            Some(("application/pdf".into(), pdf.to_vec()))
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(data.path().join("kept-documents")), 0o700);
            let stem = doc.id.strip_prefix(PREFIX).unwrap();
            assert_eq!(
                mode(data.path().join(format!("kept-documents/{stem}.bin"))),
                0o600
            );
        }
        let r = kept.retention(Some(30));
        assert_eq!(
            (r.days, r.documents, r.bytes),
            (Some(30), 1, pdf.len() as u64)
        );
    }

    #[test]
    fn only_an_id_the_desk_made_reaches_the_disk() {
        let data = tempfile::tempdir().unwrap();
        let kept = KeptDocuments::new(data.path());
        for forged in [
            "kept-../../etc/passwd",
            "kept-",
            "/etc/passwd",
            "kept-1234",
            "picked-token",
        ] {
            assert_eq!(kept.contents(forged, Some(30)), None, "{forged}");
        }
    }

    #[test]
    fn purging_keeps_what_is_young_and_drops_what_is_old_or_unreadable() {
        let data = tempfile::tempdir().unwrap();
        let kept = KeptDocuments::new(data.path());
        let young = kept
            .keep(
                EnvironmentKind::Sandbox,
                "ext-1",
                "Proof of address",
                &picked(data.path(), "a.pdf", b"%PDF-1.4 a\n%%EOF\n"),
            )
            .unwrap();
        // An old one: its record says it was kept 40 days ago.
        let old = kept
            .keep(
                EnvironmentKind::Sandbox,
                "ext-1",
                "Proof of address",
                &picked(data.path(), "b.pdf", b"%PDF-1.4 b\n%%EOF\n"),
            )
            .unwrap();
        let stem = old.id.strip_prefix(PREFIX).unwrap();
        let mut aged = old.clone();
        aged.kept_at =
            p100::timestamp::format(time::OffsetDateTime::now_utc() - time::Duration::days(40));
        let meta = data.path().join(format!("kept-documents/{stem}.json"));
        std::fs::remove_file(&meta).unwrap();
        std::fs::write(&meta, serde_json::to_vec(&aged).unwrap()).unwrap();
        // A stray file nobody can read as a kept document.
        std::fs::write(data.path().join("kept-documents/stray.json"), b"{}").unwrap();

        // Reads leave out what is past its days before any purge, and delete nothing.
        let days = Some(30);
        assert_eq!(
            kept.of_user(EnvironmentKind::Sandbox, "ext-1", days),
            vec![young.clone()]
        );
        assert!(kept.contents(&old.id, days).is_none());
        assert_eq!(kept.retention(days).documents, 1);
        assert!(kept.contents(&old.id, Some(60)).is_some(), "still on disk");

        assert_eq!(
            kept.purge(Some(30)),
            2,
            "the old document and the stray file"
        );
        assert!(kept.contents(&old.id, Some(60)).is_none(), "gone from disk");
        assert_eq!(kept.purge(None), 1, "turning keeping off deletes the rest");
        assert_eq!(kept.retention(Some(30)).documents, 0);
        assert!(kept.contents(&young.id, Some(30)).is_none());
    }
}
