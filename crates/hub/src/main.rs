//! `partner-desk-hub`: the team service and its admin commands. Deployment scripts and runbooks
//! depend on these command names and flags: keep them.

use clap::{Parser, Subcommand};
use hub::cli;
use hub::operators::Role;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "partner-desk-hub",
    version,
    about = "Partner Desk hub: the team service over PostgreSQL"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Brings the database's schema up to this hub's version (safe to run on every start).
    Migrate {
        #[arg(long, env = "PARTNER_DESK_HUB_DATABASE_URL")]
        database_url: String,
    },
    /// Serves the team: the operators' API, P100's webhooks, health. Prints `listening on ADDR`
    /// as its first line.
    Serve {
        /// Address to listen on (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:8480")]
        listen: std::net::SocketAddr,
        #[command(flatten)]
        p100: P100Args,
        /// A file holding the token P100 sends with its webhooks (at least 24 characters).
        #[arg(long)]
        webhook_token_file: std::path::PathBuf,
        /// Database connections of this replica.
        #[arg(long, default_value_t = 16)]
        max_connections: u32,
        /// Workers confirming webhooks on this replica.
        #[arg(long, default_value_t = 2)]
        claim_workers: usize,
        /// Workers polling P100 for users under review on this replica.
        #[arg(long, default_value_t = 2)]
        poll_workers: usize,
        /// Workers sending bulk imports on this replica (each runs one job at a time).
        #[arg(long, default_value_t = 1)]
        import_workers: usize,
        /// Attempts at each P100 request before an operation is left open (1 = no retries).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=10))]
        p100_attempts: u32,
        /// The first wait before a retry, in milliseconds (it doubles, with jitter).
        #[arg(long, default_value_t = 500)]
        p100_retry_base_ms: u64,
        /// The longest wait between retries, in milliseconds.
        #[arg(long, default_value_t = 8000)]
        p100_retry_cap_ms: u64,
    },
    /// The team's operators and their tokens.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// The shared roster.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// The audit journal.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
}

/// The database and the P100 a command works on: `serve` and `users import` take the same.
#[derive(clap::Args)]
struct P100Args {
    #[arg(long, env = "PARTNER_DESK_HUB_DATABASE_URL")]
    database_url: String,
    /// P100's base URL (production, staging, or a sandbox).
    #[arg(long)]
    p100_url: url::Url,
    /// A file holding the P100 API key (readable by the hub's user only).
    #[arg(long)]
    p100_key_file: std::path::PathBuf,
    /// What to call that P100 (default: production or staging by its URL, else custom).
    #[arg(long)]
    environment: Option<String>,
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Adds an operator; prints the new token alone on the last line (shown only now).
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long, env = "PARTNER_DESK_HUB_DATABASE_URL")]
        database_url: String,
    },
    /// Every operator with role, creation and revocation (never a token).
    List {
        #[arg(long, env = "PARTNER_DESK_HUB_DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        json: bool,
    },
    /// Revokes an operator's token at once, on every replica.
    Revoke {
        name: String,
        #[arg(long, env = "PARTNER_DESK_HUB_DATABASE_URL")]
        database_url: String,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// One user as the roster holds it, with its stage and timeline.
    Show {
        external_id: String,
        #[arg(long, env = "PARTNER_DESK_HUB_DATABASE_URL")]
        database_url: String,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Creates (or, for rows with only an externalUserId, tracks) the users of a CSV file whose
    /// columns are P100's create fields; prints one JSON object per data row.
    Import {
        file: std::path::PathBuf,
        #[command(flatten)]
        p100: P100Args,
        /// Rows sent to P100 per second at most; P100's 429s slow it further.
        #[arg(long, default_value_t = 5.0)]
        per_second: f64,
        /// Rows being sent at once (1 to 16).
        #[arg(long, default_value_t = 4)]
        in_flight: usize,
    },
}

#[derive(Subcommand)]
enum JournalCommand {
    /// Walks the hash chain; exits non-zero naming the first row that does not hold.
    Verify {
        #[arg(long, env = "PARTNER_DESK_HUB_DATABASE_URL")]
        database_url: String,
    },
    /// Writes every row, oldest first, one JSON object per line, with its hashes.
    Export {
        #[arg(long, env = "PARTNER_DESK_HUB_DATABASE_URL")]
        database_url: String,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let outcome = match args.command {
        Command::Serve {
            listen,
            p100,
            webhook_token_file,
            max_connections,
            claim_workers,
            poll_workers,
            import_workers,
            p100_attempts,
            p100_retry_base_ms,
            p100_retry_cap_ms,
        } => cli::serve(hub::serve::Config {
            listen,
            environment: match environment_arg(p100.environment) {
                Ok(e) => e,
                Err(code) => return code,
            },
            database_url: p100.database_url,
            p100_url: p100.p100_url,
            p100_key_file: p100.p100_key_file,
            webhook_token_file,
            max_connections,
            claim_workers,
            poll_workers,
            import_workers,
            retry_policy: p100::RetryPolicy {
                max_attempts: p100_attempts,
                base: std::time::Duration::from_millis(p100_retry_base_ms),
                cap: std::time::Duration::from_millis(p100_retry_cap_ms.max(p100_retry_base_ms)),
                ..p100::RetryPolicy::default()
            },
        }),
        Command::Migrate { database_url } => cli::migrate(&database_url),
        Command::Operator { command } => match command {
            OperatorCommand::Add {
                name,
                role,
                database_url,
            } => cli::add_operator(&database_url, &name, role),
            OperatorCommand::List { database_url, json } => {
                cli::list_operators(&database_url, json)
            }
            OperatorCommand::Revoke { name, database_url } => {
                cli::revoke_operator(&database_url, &name)
            }
        },
        Command::Users {
            command:
                UsersCommand::Show {
                    external_id,
                    database_url,
                    json,
                },
        } => cli::show_user(&database_url, &external_id, json),
        Command::Users {
            command:
                UsersCommand::Import {
                    file,
                    p100,
                    per_second,
                    in_flight,
                },
        } => {
            let environment = match environment_arg(p100.environment) {
                Ok(e) => e,
                Err(code) => return code,
            };
            hub::import::import_users(hub::import::ImportArgs {
                file: &file,
                database_url: &p100.database_url,
                p100_url: &p100.p100_url,
                p100_key_file: &p100.p100_key_file,
                environment,
                per_second,
                in_flight,
            })
        }
        Command::Journal { command } => match command {
            JournalCommand::Verify { database_url } => cli::verify_journal(&database_url),
            JournalCommand::Export { database_url } => cli::export_journal(&database_url),
        },
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("partner-desk-hub: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--environment`, when given: one of the environments' names, else exit 2 saying so.
fn environment_arg(raw: Option<String>) -> Result<Option<desk::EnvironmentKind>, ExitCode> {
    match raw.as_deref().map(desk::EnvironmentKind::parse) {
        None => Ok(None),
        Some(Some(kind)) => Ok(Some(kind)),
        Some(None) => {
            eprintln!(
                "partner-desk-hub: --environment: one of sandbox, staging, production, custom"
            );
            Err(ExitCode::from(2))
        }
    }
}
