//! `p100-sandbox --listen 127.0.0.1:PORT --api-key KEY`: the sandbox as a process.

use p100_sandbox::{SandboxConfig, spawn};
use std::net::SocketAddr;
use std::process::ExitCode;

const HELP: &str = "\
p100-sandbox: a local P100 Partner API (user accounts and KYC) for tests and demos

USAGE:
    p100-sandbox --api-key KEY [--listen ADDR]

OPTIONS:
    --listen ADDR    address to listen on [default: 127.0.0.1:8100]; port 0 picks a free port
    --api-key KEY    the only key accepted in the x-api-key header (or env P100_SANDBOX_API_KEY)
    -h, --help       this text

The first line printed is `listening on ADDR`.";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let config = match parse(std::env::args().skip(1)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("p100-sandbox: {msg}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let (addr, handle) = match spawn(config).await {
        Ok(v) => v,
        Err(e) => {
            eprintln!("p100-sandbox: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {addr}");
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    ExitCode::SUCCESS
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<SandboxConfig>, String> {
    let mut listen: SocketAddr = ([127, 0, 0, 1], 8100).into();
    let mut api_key = std::env::var("P100_SANDBOX_API_KEY").ok();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = args.next().ok_or("--listen needs an address")?;
                listen = v.parse().map_err(|e| format!("--listen {v}: {e}"))?;
            }
            "--api-key" => api_key = Some(args.next().ok_or("--api-key needs a value")?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let api_key = api_key
        .filter(|k| !k.is_empty())
        .ok_or("--api-key is required")?;
    Ok(Some(SandboxConfig { listen, api_key }))
}
