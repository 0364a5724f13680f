//! `partner-desk-hub users import FILE`: bulk onboarding from a CSV file, run by the desk core on
//! the hub's database, as a script would. Columns are P100's create fields (any order, any
//! case); every row is planned first (the dry run: the form's rules, repeats in the file), so a
//! file that cannot be read or mapped sends nothing. Then each row is run at the given pace — a
//! create with the file's `externalUserId`, a track for a row with only the id — and its
//! outcome printed as one JSON object a line:
//! `{"row":N,"externalUserId":"…","outcome":"created|tracked|refused|failed","fields":[…]}`.
//! Rows on the roster already are refused, so running the same file again creates nobody; a
//! create a crashed run left open is sent again from the outbox, never twice.

use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::ledger::PgLedger;
use desk::import::{csv, rows};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// What `users import` is given.
pub struct ImportArgs<'a> {
    pub file: &'a Path,
    pub database_url: &'a str,
    pub p100_url: &'a Url,
    pub p100_key_file: &'a Path,
    pub environment: Option<desk::EnvironmentKind>,
    /// Rows sent to P100 per second at most (429s slow it further: the client waits them out).
    pub per_second: f64,
    /// Rows being sent at once: each row waits for two durable commits (the outbox before
    /// sending, the outcome after), so a few at once keep the database's disk busy instead of
    /// idle between them.
    pub in_flight: usize,
}

/// The most rows sent at once.
pub const MAX_IN_FLIGHT: usize = 16;

/// Exit 2: the file cannot be read or mapped, and nothing was sent.
fn refuse_file(file: &Path, why: impl std::fmt::Display) -> Result<ExitCode> {
    eprintln!("partner-desk-hub: {}: {why}", file.display());
    Ok(ExitCode::from(2))
}

pub fn import_users(args: ImportArgs<'_>) -> Result<ExitCode> {
    let size = std::fs::metadata(args.file)?.len();
    if size > csv::MAX_BYTES as u64 {
        return refuse_file(
            args.file,
            format!("{size} bytes; at most {} are read", csv::MAX_BYTES),
        );
    }
    let bytes = std::fs::read(args.file)?;
    let table = match csv::parse(&bytes) {
        Ok(t) => t,
        Err(e) => return refuse_file(args.file, e),
    };
    let mapping = match rows::Mapping::by_field_names(&table.header) {
        Ok(m) => m,
        Err(e) => return refuse_file(args.file, e),
    };
    let planned = rows::plan(&table, &mapping, p100::validate::today());

    let key = crate::serve::secrets::api_key(args.p100_key_file)?;
    let db = Db::connect(args.database_url, 4)?;
    db::check(&db)?;
    let actor = format!(
        "{} (users import)",
        std::env::var("USER").unwrap_or_else(|_| "admin".into())
    );
    let remote_kind = args
        .environment
        .unwrap_or_else(|| crate::serve::environment_of(args.p100_url));
    let remote = desk::environments::Remote {
        kind: remote_kind,
        url: args.p100_url.clone(),
        key,
    };
    let ledger = Arc::new(PgLedger::new(db, &actor));
    let desk = desk::Desk::serving(ledger, remote, p100::RetryPolicy::default(), actor);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let pace = Duration::from_secs_f64(1.0 / args.per_second.clamp(0.01, 1_000_000.0));
    let outcome = runtime.block_on(async {
        use futures_util::StreamExt;
        let run = desk.import_run(remote_kind).await.map_err(Error::Desk)?;
        let run = &run;
        let mut out = std::io::stdout().lock();
        let mut tick = tokio::time::interval(pace);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let tick = tokio::sync::Mutex::new(tick);
        let (desk, tick) = (&desk, &tick);
        // Rows run `in_flight` at a time (each waits for its turn of the pace before it is
        // sent), and their results are printed in the file's order.
        let mut results = futures_util::stream::iter(&planned)
            .map(|row| async move {
                if !matches!(row.plan, rows::Plan::Refuse(_)) {
                    tick.lock().await.tick().await;
                }
                desk.import_row(run, row).await
            })
            .buffered(args.in_flight.clamp(1, MAX_IN_FLIGHT));
        while let Some(result) = results.next().await {
            let result = result.map_err(Error::Desk)?;
            let line = serde_json::to_string(&result)
                .map_err(|e| Error::Desk(desk::Error::Internal(e.to_string())))?;
            writeln!(out, "{line}")?;
            out.flush()?;
        }
        Ok::<_, Error>(())
    });
    // The core (and its blocking database pool) is dropped here, off the async threads.
    drop(runtime);
    drop(desk);
    outcome.map(|()| ExitCode::SUCCESS)
}
