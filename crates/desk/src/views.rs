//! What the board, timeline and journal screens read.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::events::TimelineEvent;
use crate::ledger::funnel::Funnel;
use crate::ledger::journal::{JournalEntry, JournalFilter};
use p100::FieldError;

impl Desk {
    /// A user's timeline in the selected environment, oldest first.
    pub async fn timeline(&self, ext: &str) -> Result<Vec<TimelineEvent>> {
        let env = self.current_environment().await?;
        let id = ext.to_owned();
        self.db(move |s| s.events(env, &id)).await
    }

    /// The funnel of users created since `from` (RFC 3339; `None`: all time) in `env` (`None`:
    /// the selected environment).
    pub async fn funnel(
        &self,
        env: Option<EnvironmentKind>,
        from: Option<String>,
    ) -> Result<Funnel> {
        let env = match env {
            Some(e) => e,
            None => self.current_environment().await?,
        };
        let from = from.as_deref().map(|f| normalized("from", f)).transpose()?;
        self.db(move |s| s.funnel(env, from.as_deref())).await
    }

    /// Journal lines matching the filter, newest first.
    pub async fn journal_query(&self, mut filter: JournalFilter) -> Result<Vec<JournalEntry>> {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        filter.from = match &filter.from {
            v if blank(v) => None,
            Some(v) => Some(normalized("from", v)?),
            None => None,
        };
        filter.to = match &filter.to {
            v if blank(v) => None,
            Some(v) => Some(normalized("to", v)?),
            None => None,
        };
        self.db(move |s| s.query_journal(&filter)).await
    }
}

/// A timestamp in the stored fixed-width form, so text comparison in SQLite is time order.
fn normalized(field: &str, raw: &str) -> Result<String> {
    p100::timestamp::parse(raw.trim())
        .map(p100::timestamp::format)
        .ok_or_else(|| {
            Error::Invalid(vec![FieldError::new(
                field,
                "a date and time like 2026-11-01T00:00:00Z",
            )])
        })
}
