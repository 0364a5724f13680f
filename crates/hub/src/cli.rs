//! The admin commands beside `serve`: what each prints is what runbooks read, so it is plain
//! (one fact per line) or JSON when asked.

use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::ledger::{self, PgLedger};
use crate::operators::{self, Role};
use desk::EnvironmentKind;
use desk::ledger::in_tx;
use std::process::ExitCode;

/// An admin command needs one connection at a time.
const ADMIN_CONNECTIONS: u32 = 2;

fn open(url: &str) -> Result<Db> {
    Db::connect(url, ADMIN_CONNECTIONS)
}

pub fn migrate(url: &str) -> Result<ExitCode> {
    let db = open(url)?;
    let applied = db::migrate(&db)?;
    match applied.as_slice() {
        [] => println!("schema is current (version {})", db::SCHEMA_VERSION),
        _ => println!(
            "migrated to version {} (applied {})",
            db::SCHEMA_VERSION,
            applied
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Serves until SIGINT or SIGTERM, then lets open requests finish.
pub fn serve(config: crate::serve::Config) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(crate::serve::run(config, shutdown_signal()))?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

pub fn add_operator(url: &str, name: &str, role: Role) -> Result<ExitCode> {
    let db = open(url)?;
    db::check(&db)?;
    let token = operators::add(&db, name, role)?;
    println!(
        "added operator {name} ({}); their token, shown only now:",
        role.as_str()
    );
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

pub fn list_operators(url: &str, json: bool) -> Result<ExitCode> {
    let db = open(url)?;
    db::check(&db)?;
    for op in operators::list(&db)? {
        if json {
            println!("{}", serde_json::to_string(&op).map_err(internal)?);
        } else {
            let state = match &op.revoked_at {
                Some(at) => format!("revoked {at}"),
                None => "active".to_owned(),
            };
            println!(
                "{}\t{}\t{}\t{state}",
                op.name,
                op.role.as_str(),
                op.created_at
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn revoke_operator(url: &str, name: &str) -> Result<ExitCode> {
    let db = open(url)?;
    db::check(&db)?;
    if operators::revoke(&db, name)? {
        println!("revoked {name}");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("partner-desk-hub: no operator {name:?} with a live token");
        Ok(ExitCode::from(2))
    }
}

pub fn show_user(url: &str, external_id: &str, json: bool) -> Result<ExitCode> {
    let db = open(url)?;
    db::check(&db)?;
    let ledger = PgLedger::new(db, "partner-desk-hub");
    let found = in_tx(&ledger, |tx| {
        let mut found = Vec::new();
        for env in EnvironmentKind::ALL {
            if let Some(user) = tx.user(env, external_id)? {
                let timeline = tx.timeline(env, external_id)?;
                found.push((user, timeline));
            }
        }
        Ok(found)
    })?;
    if found.is_empty() {
        eprintln!("partner-desk-hub: no user {external_id:?} in the roster");
        return Ok(ExitCode::from(2));
    }
    for (user, timeline) in found {
        if json {
            let mut v = serde_json::to_value(&user).map_err(internal)?;
            v["timeline"] = serde_json::to_value(&timeline).map_err(internal)?;
            println!("{v}");
            continue;
        }
        println!("externalUserId: {}", user.external_user_id);
        println!("environment:    {}", user.environment.as_str());
        println!("userId:         {}", user.user_id.as_deref().unwrap_or("-"));
        println!("status:         {}", user.status.as_str());
        println!(
            "stage:          {} (since {})",
            user.stage.as_str(),
            user.stage_since
        );
        if let Some(next) = &user.next_action {
            println!("next action:    {next}");
        }
        println!("created:        {}", user.created_at);
        for e in timeline {
            let by = e
                .actor
                .as_ref()
                .map(|a| format!(" by {a}"))
                .unwrap_or_default();
            println!("  {}  {}{by}", e.at, e.kind());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn verify_journal(url: &str) -> Result<ExitCode> {
    let db = open(url)?;
    db::check(&db)?;
    let v = ledger::verify_journal(&db)?;
    match v.first_break {
        None => {
            println!("journal holds: {} rows, chain intact", v.rows);
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            println!(
                "journal broken at row {}: {} ({} rows before it hold)",
                b.id, b.why, v.rows
            );
            Ok(ExitCode::from(3))
        }
    }
}

pub fn export_journal(url: &str) -> Result<ExitCode> {
    let db = open(url)?;
    db::check(&db)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    ledger::export_journal(&db, &mut out)?;
    std::io::Write::flush(&mut out)?;
    Ok(ExitCode::SUCCESS)
}

fn internal(e: serde_json::Error) -> Error {
    Error::Desk(desk::Error::Internal(e.to_string()))
}
