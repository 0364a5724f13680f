//! `client-calls`: 1,000 sequential Get User Balances calls through the desk's client
//! (`p100::Client`: URL from the routes table, key header, retry policy, error mapping, typed
//! answer) against the same 1,000 calls with a bare `reqwest::Client`, to the same sandbox.

mod support;

use p100::models::{DocumentType, UserVerificationRequest};
use p100::upload::UploadFile;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use support::{Sandbox, create_user, flag, load_average, median};

const HELP: &str = "\
client-calls: N sequential API calls through the desk's client against bare reqwest

USAGE:
    client-calls [--sandbox PATH] [--calls N] [--rounds R] [--json] [--breakdown]

    --sandbox PATH   the p100-sandbox binary [default: target/pkg/release/p100-sandbox]
    --calls N        calls per round and side [default: 1000]
    --rounds R       rounds; each runs every side, in a rotated order [default: 9]
    --json           also print one JSON line with every figure
    --breakdown      also time the bare side with the desk's reqwest settings and decoding

The call is Get User Balances of one ACTIVE user (EUR with IBAN and six crypto wallets, about
1 KB of JSON), sent three ways: through the desk's client (p100::Client::get_user_balances:
URL from the routes table, key header, retry policy, error mapping, typed answer); with a bare
reqwest::Client and the x-api-key header, decoding the body into the same
p100::models::UserBalances (what reqwest's .json() does: the main baseline); and the same bare
call reading the bytes only (no decoding at all). One keep-alive connection each, one
single-threaded tokio runtime; one untimed round of each warms up first. Figures are medians of
the rounds' totals.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("client-calls: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("client-calls: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A user with balances: Method A files, a verification the sandbox approves at once.
async fn active_user(client: &p100::Client) -> Result<String, String> {
    let id = create_user(client, "PL").await?;
    let dir = std::env::temp_dir().join(format!("pd-calls-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let jpeg = [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    let mut files = Vec::new();
    for side in ["front", "selfie"] {
        let path = dir.join(format!("{side}.jpg"));
        std::fs::write(&path, jpeg).map_err(|e| e.to_string())?;
        files.push(UploadFile {
            field: side.into(),
            file_name: format!("{side}.jpg"),
            mime: "image/jpeg".into(),
            path,
            size: jpeg.len() as u64,
        });
    }
    let sent = client
        .add_kyc_files(&id, DocumentType::Passport, &files, None)
        .await;
    let _ = std::fs::remove_dir_all(&dir);
    sent.map_err(|e| format!("KYC files: {e}"))?;
    client
        .add_user_verification(&UserVerificationRequest {
            external_user_id: id.clone(),
            document_type: DocumentType::Passport,
            document_number: "AB123456".into(),
            issuing_country: "PL".into(),
            issue_date: None,
            expiry_date: "2036-01-01".into(),
        })
        .await
        .map_err(|e| format!("verification: {e}"))?;
    for _ in 0..100 {
        let b = client
            .get_user_balances(&id)
            .await
            .map_err(|e| format!("balances: {e}"))?;
        if !b.fiat_balances.is_empty() {
            return Ok(id);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the user never became active".into())
}

async fn desk_round(client: &p100::Client, id: &str, n: usize) -> Result<f64, String> {
    let started = Instant::now();
    for _ in 0..n {
        let b = client
            .get_user_balances(id)
            .await
            .map_err(|e| format!("desk client: {e}"))?;
        std::hint::black_box(b);
    }
    Ok(started.elapsed().as_secs_f64() * 1e3)
}

/// What the bare side does with the body (the breakdown tries the desk's steps).
#[derive(Clone, Copy)]
enum Body {
    Bytes,
    Typed,
    DeskDecode,
}

async fn bare_round_with(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    n: usize,
    mode: Body,
) -> Result<f64, String> {
    let started = Instant::now();
    for _ in 0..n {
        let resp = http
            .get(url)
            .header("x-api-key", key)
            .send()
            .await
            .map_err(|e| format!("bare reqwest: {e}"))?;
        if resp.status() != reqwest::StatusCode::OK {
            return Err(format!("bare reqwest: status {}", resp.status()));
        }
        let body = resp
            .bytes()
            .await
            .map_err(|e| format!("bare reqwest: {e}"))?;
        match mode {
            Body::Bytes => {}
            Body::Typed => {
                // What reqwest's `.json::<T>()` does.
                let b: p100::models::UserBalances =
                    serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                std::hint::black_box(b);
            }
            Body::DeskDecode => {
                // The desk's own decoding (it looks for an error envelope first).
                let b: p100::models::UserBalances =
                    p100::response::decode(200, None, &body).map_err(|e| e.to_string())?;
                std::hint::black_box(b);
            }
        }
        std::hint::black_box(body);
    }
    Ok(started.elapsed().as_secs_f64() * 1e3)
}

async fn run(args: &[String]) -> Result<(), String> {
    let sandbox_path =
        flag(args, "--sandbox").unwrap_or_else(|| "target/pkg/release/p100-sandbox".into());
    let n: usize = flag(args, "--calls")
        .map(|v| v.parse().map_err(|_| format!("--calls {v}")))
        .transpose()?
        .unwrap_or(1000);
    let rounds: usize = flag(args, "--rounds")
        .map(|v| v.parse().map_err(|_| format!("--rounds {v}")))
        .transpose()?
        .unwrap_or(9);
    let json = args.iter().any(|a| a == "--json");

    let sandbox = Sandbox::start(Path::new(&sandbox_path), 0)?;
    let setup = sandbox.client()?;
    let id = active_user(&setup).await?;
    drop(setup);

    let client = sandbox.client()?;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/user/balances/{id}", sandbox.base);
    let key = sandbox.key.as_str();

    // Side 0: the desk's client; 1: bare reqwest decoding into the same type; 2: bare reqwest
    // reading the bytes only. Each round runs the three in a rotated order.
    let side = |i: usize| {
        let (client, http, url, id) = (&client, &http, url.as_str(), id.as_str());
        async move {
            match i {
                0 => desk_round(client, id, n).await,
                1 => bare_round_with(http, url, key, n, Body::Typed).await,
                _ => bare_round_with(http, url, key, n, Body::Bytes).await,
            }
        }
    };
    for i in 0..3 {
        side(i).await?;
    }
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..rounds {
        for k in 0..3 {
            let i = (round + k) % 3;
            times[i].push(side(i).await?);
        }
    }
    let [d, t, b] = [median(&times[0]), median(&times[1]), median(&times[2])];
    println!(
        "{n} sequential Get User Balances, {rounds} rounds + 1 warm-up, sandbox {} (load {})",
        sandbox.base,
        load_average()
    );
    let us = |ms: f64| ms * 1e3 / n as f64;
    println!(
        "  desk client                   median {d:7.1} ms ({:.1} us/call)",
        us(d)
    );
    println!(
        "  bare reqwest, .json::<same>() median {t:7.1} ms ({:.1} us/call)",
        us(t)
    );
    println!(
        "  bare reqwest, bytes only      median {b:7.1} ms ({:.1} us/call)",
        us(b)
    );
    println!(
        "  ratio desk / bare decoding the same type: {:.3} (target <= 1.05)",
        d / t
    );
    println!("  ratio desk / bare bytes only: {:.3}", d / b);
    let per_round = |other: &[f64]| {
        times[0]
            .iter()
            .zip(other)
            .map(|(d, o)| format!("{:.3}", d / o))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("  per-round desk / typed: {}", per_round(&times[1]));
    if args.iter().any(|a| a == "--breakdown") {
        // The bare side made like the desk's step by step: its reqwest settings, its decoding.
        let configured = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent("partner-desk/0.1.0")
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let steps: [(&str, &reqwest::Client, Body); 3] = [
            ("bare, p100::response::decode", &http, Body::DeskDecode),
            ("desk's reqwest settings, bytes", &configured, Body::Bytes),
            (
                "desk's settings, p100 decode",
                &configured,
                Body::DeskDecode,
            ),
        ];
        for (name, c, mode) in steps {
            bare_round_with(c, &url, key, n, mode).await?;
            let mut t = Vec::new();
            for _ in 0..rounds {
                t.push(bare_round_with(c, &url, key, n, mode).await?);
            }
            let m = median(&t);
            println!(
                "  breakdown: {name:32} median {m:7.1} ms  x{:.3} of bytes only",
                m / b
            );
        }
    }
    if json {
        println!(
            "{}",
            serde_json::json!({
                "bench": "calls", "calls": n, "rounds": rounds,
                "deskMs": d, "bareTypedMs": t, "bareBytesMs": b,
                "ratio": d / t, "ratioBytes": d / b,
                "deskSamples": times[0], "bareTypedSamples": times[1], "bareBytesSamples": times[2],
            })
        );
    }
    Ok(())
}
