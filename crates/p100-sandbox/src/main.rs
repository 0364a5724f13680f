//! `p100-sandbox`: the sandbox as a process, for demos and for tests from another process.

use p100_sandbox::webhooks::WebhookConfig;
use p100_sandbox::{SandboxConfig, spawn};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const HELP: &str = "\
p100-sandbox: a local P100 Partner API (user accounts and KYC) for tests and demos

USAGE:
    p100-sandbox --api-key KEY [OPTIONS]

OPTIONS:
    --listen ADDR           address to listen on [default: 127.0.0.1:8100]; port 0 picks a free port
    --api-key KEY           the only key accepted in the x-api-key header (or env P100_SANDBOX_API_KEY)
    --webhook-url URL       base URL of the partner's webhook receiver, e.g. http://127.0.0.1:9000;
                            events go to URL/webhook/user/status, /webhook/poa-verification/status,
                            /webhook/kyc-file/status, /webhook/kyc-verification/status,
                            /transfer-webhook, /webhook/exchange, /crypto-withdrawal-webhook,
                            /webhook/crypto-deposit, /webhook/card/transaction,
                            /webhook/card/3ds-code, /webhook/card/activation-code
    --webhook-token TOKEN   sent as the Authorization header of every webhook
                            (or env P100_SANDBOX_WEBHOOK_TOKEN)
    --webhook-retry-scale F multiply the retry delays (8/16/32/64 s) by F [default: 1]
    --state FILE            keep users in this SQLite file across restarts [default: in memory]
    --review-delay-ms N     time before an automatic KYC/verification/POA decision [default: 2000]
    --rate-limit N          answer 429 above N requests per second [default: off]
    -h, --help              this text

MAGIC VALUES (steer the automatic reviews):
    Add User Verification documentNumber
        REJECT, REJECT_<REASON>   rejected (rejectionReason <REASON>, default DOCUMENT_DAMAGED)
        MANUAL...                 no automatic decision: POST /_sandbox/users/{id}/kyc
        anything else             approved: the user becomes ACTIVE and gets balances
    Add KYC File: a file name containing \"error\"   that file is refused (KYC File webhook ERROR)
    Add POA File: a file name containing
        \"reject\"                  REJECTED
        \"question\"                QUESTIONED
        \"manual\"                  stays WAITING until POST /_sandbox/users/{id}/poa
        otherwise                 APPROVED
    Create user: an email whose local part ends in +cards (ada+cards@example.com) already holds
        an active card, so suspension answers P454
    Hosted KYC: the provider page behind the redirect link has Pass / Fail buttons
    Create Crypto Withdrawal: memo \"FAIL\"  UNSUCCESSFUL when it settles, and refunded

ADMIN ROUTES (x-api-key required):
    POST /_sandbox/reset                    forget every user, webhook and fault
    GET  /_sandbox/users[/{id}]             the sandbox's view of users
    POST /_sandbox/users/{id}/kyc           {\"decision\":\"approve\"|\"reject\",\"reason\":\"...\"}
    POST /_sandbox/users/{id}/poa           {\"decision\":\"approve\"|\"reject\"|\"question\"}
    PUT  /_sandbox/users/{id}/cards         {\"active\":true} gives an active card, false locks them
    POST /_sandbox/users/{id}/cards/age     {\"days\":31} moves every card's creation back (the
                                            5-a-day, 10-in-30-days, 20-a-year windows)
    POST /_sandbox/users/{id}/cards/{cardId}/payment
                                            {\"amount\":12.5,\"merchant\":\"Shop\",\"threeDs\":true}: a
                                            3-D Secure code (if asked), then the card transaction
    POST /_sandbox/users/{id}/deposits      {\"currency\":\"eth\",\"amount\":0.5,\"travelRule\":true}: a
                                            crypto deposit (held for travel-rule data if asked)
    POST /_sandbox/users/{id}/locks/expire  every exchange lock of the user past its 40 s
    POST /_sandbox/partner/card-fees        bills every live card's €0.25, as a new month
    GET|POST|DELETE /_sandbox/faults        e.g. {\"kind\":\"status\",\"status\":503,\"times\":2},
                                            {\"kind\":\"latency\",\"ms\":500}, {\"kind\":\"rateLimit\",\"retryAfterSecs\":3},
                                            {\"kind\":\"p100\",\"code\":\"P501\"}, {\"kind\":\"drop\"} (after the effect),
                                            {\"kind\":\"slowUpload\",\"bytesPerSec\":262144} (bodies read at that pace);
                                            optional \"pathPrefix\", \"method\"; \"times\" 0 = until cleared
    GET|PUT /_sandbox/rate-limit            {\"enabled\":true,\"perSecond\":10}
    GET|DELETE /_sandbox/webhooks           the delivery log

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
            eprintln!("p100-sandbox: {msg}\n\nRun p100-sandbox --help for the options.");
            return ExitCode::from(2);
        }
    };
    let (addr, handle) = match spawn(config).await {
        Ok(v) => v,
        Err(e) => {
            eprintln!("p100-sandbox: cannot start: {e}");
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
    let mut webhooks = WebhookConfig {
        token: std::env::var("P100_SANDBOX_WEBHOOK_TOKEN").ok(),
        ..WebhookConfig::default()
    };
    let mut scale = 1.0f64;
    let mut state_file = None;
    let mut review_delay = SandboxConfig::DEFAULT_REVIEW_DELAY;
    let mut rate_limit = None;
    let value = |args: &mut dyn Iterator<Item = String>, flag: &str| {
        args.next().ok_or(format!("{flag} needs a value"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = value(&mut args, "--listen")?;
                listen = v.parse().map_err(|e| format!("--listen {v}: {e}"))?;
            }
            "--api-key" => api_key = Some(value(&mut args, "--api-key")?),
            "--webhook-url" => {
                let v = value(&mut args, "--webhook-url")?;
                url::Url::parse(&v).map_err(|e| format!("--webhook-url {v}: {e}"))?;
                webhooks.base_url = Some(v.trim_end_matches('/').to_owned());
            }
            "--webhook-token" => webhooks.token = Some(value(&mut args, "--webhook-token")?),
            "--webhook-retry-scale" => {
                let v = value(&mut args, "--webhook-retry-scale")?;
                scale = v
                    .parse()
                    .ok()
                    .filter(|f: &f64| *f > 0.0)
                    .ok_or(format!("--webhook-retry-scale {v}: a positive number"))?;
            }
            "--state" => state_file = Some(PathBuf::from(value(&mut args, "--state")?)),
            "--review-delay-ms" => {
                let v = value(&mut args, "--review-delay-ms")?;
                review_delay = Duration::from_millis(
                    v.parse()
                        .map_err(|_| format!("--review-delay-ms {v}: milliseconds"))?,
                );
            }
            "--rate-limit" => {
                let v = value(&mut args, "--rate-limit")?;
                rate_limit = Some(
                    v.parse()
                        .ok()
                        .filter(|n: &u32| *n > 0)
                        .ok_or(format!("--rate-limit {v}: requests per second"))?,
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let api_key = api_key
        .filter(|k| !k.is_empty())
        .ok_or("--api-key is required")?;
    Ok(Some(SandboxConfig {
        listen,
        api_key,
        review_delay,
        webhooks: webhooks.scaled(scale),
        state_file,
        rate_limit_per_sec: rate_limit,
    }))
}
