//! `hub-bench`: the team hub on this machine, each figure beside a baseline measured in the same
//! run. Run it under a throwaway PostgreSQL cluster, with release binaries:
//!
//! ```sh
//! cargo build --release -p p100-sandbox -p partner-desk-hub -p partner-desk-bench
//! scripts/with-postgres.sh target/release/hub-bench
//! ```
//!
//! 1. An operation through the hub (desktop → `HubClient` → replica → PostgreSQL → sandbox) vs
//!    the desk core straight to the sandbox (its SQLite ledger): suspend and unsuspend, pairs
//!    interleaved; the added latency.
//! 2. A webhook posted to replica B → 50 desktops (SSE, 25 on each replica) vs → 1 desktop.
//! 3. Webhooks acknowledged per second by one replica, 16 senders, with p50/p99, vs the same
//!    load on `/healthz` (an HTTP round trip and a database round trip): the cost of recording
//!    a claim.
//! 4. Webhooks acknowledged by one replica at a paced 100/s (open loop), p50/p99, vs /healthz:
//!    the issue's 50 ms acknowledgement under a busy partner's load rather than at saturation.
//! 5. Importing 10,000 CSV rows with `partner-desk-hub users import` (rows/s, peak RSS) vs the
//!    same creates sent one at a time by the bare client.
//!
//! The load generator, both replicas, PostgreSQL and the sandbox share the machine's cores.

mod support;

use desk::api::DeskApi;
use desk::hub_client::{HubClient, HubEvent};
use desk::users::NewUser;
use p100::models::UserProfile;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{median, percentile};

const WEBHOOK_TOKEN: &str = "whk_hub-bench-webhook-token-0123456789";

struct Replica {
    child: Child,
    base: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn secret_file(dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("{text}\n")).map_err(|e| e.to_string())?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| e.to_string())?;
    Ok(path)
}

fn start_replica(
    hub: &Path,
    db: &str,
    p100: &str,
    key: &Path,
    token: &Path,
) -> Result<Replica, String> {
    let mut child = Command::new(hub)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            db,
            "--p100-url",
            p100,
        ])
        .arg("--p100-key-file")
        .arg(key)
        .arg("--webhook-token-file")
        .arg(token)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", hub.display()))?;
    let stdout = child.stdout.take().ok_or("stdout not piped")?;
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .ok_or(format!("first line: {first:?}"))?;
    Ok(Replica {
        child,
        base: format!("http://{addr}"),
    })
}

fn person(n: usize) -> NewUser {
    NewUser {
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some(format!("bench-{n}@example.com")),
            first_name: Some("Bench".into()),
            last_name: Some(format!("User{n}")),
            country: Some("PL".into()),
            citizenship: Some("PL".into()),
            ..UserProfile::default()
        },
    }
}

/// One request of a load: P100's user-status webhook for `user`, or `/healthz`; true on 2xx.
async fn one_request(http: &reqwest::Client, base: &str, webhook: bool, user: &str) -> bool {
    let req = if webhook {
        http.post(format!("{base}/webhook/user/status"))
            .header("Authorization", WEBHOOK_TOKEN)
            .json(&serde_json::json!({"externalUserId": user, "status": "ACTIVE"}))
    } else {
        http.get(format!("{base}/healthz"))
    };
    req.send().await.is_ok_and(|r| r.status().is_success())
}

/// Rows of the import bench.
const IMPORT_ROWS: usize = 10_000;

/// Writes a CSV of [`IMPORT_ROWS`] people and imports it with the hub's command line, timed and
/// measured by `/usr/bin/time -f %M`: (rows created, time, peak RSS in KiB, file size).
fn import_rows(
    hub: &Path,
    dir: &Path,
    db: &str,
    p100: &str,
    key: &Path,
) -> Result<(usize, Duration, u64, usize), String> {
    let mut csv = String::from(
        "externalUserId,email,firstName,lastName,country,citizenship,hasAcceptedP100Tc\n",
    );
    for i in 0..IMPORT_ROWS {
        csv.push_str(&format!("imp-{i},imp{i}@example.com,Ima,Port,PL,PL,true\n"));
    }
    let file = dir.join("import.csv");
    std::fs::write(&file, &csv).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(hub)
        .args(["users", "import"])
        .arg(&file)
        .args(["--database-url", db, "--p100-url", p100, "--p100-key-file"])
        .arg(key)
        .args(["--per-second", "100000"])
        .output()
        .map_err(|e| format!("/usr/bin/time: {e}"))?;
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("users import failed: {stderr}"));
    }
    let created = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"outcome\":\"created\""))
        .count();
    let rss = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| format!("no peak RSS from /usr/bin/time: {stderr}"))?;
    Ok((created, took, rss, csv.len()))
}

/// The paced webhook load: a busy partner's P100 sending a webhook every 10 ms.
const PACED_PER_SEC: u64 = 100;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let bins =
        PathBuf::from(std::env::var("BENCH_BIN_DIR").unwrap_or_else(|_| "target/release".into()));
    let server = std::env::var("PARTNER_DESK_TEST_DATABASE_URL")
        .map_err(|_| "run under scripts/with-postgres.sh (no database)".to_owned())?;
    let hub_bin = bins.join("partner-desk-hub");
    let sandbox = support::Sandbox::start(&bins.join("p100-sandbox"), 60_000)?;
    let dir = std::env::temp_dir().join(format!("hub-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db_name = format!("hub_bench_{}", std::process::id());
    run(Command::new("psql").args([&server, "-qc", &format!("CREATE DATABASE {db_name}")]))?;
    let db = format!(
        "{}/{db_name}",
        server.rsplit_once('/').ok_or("database URL")?.0
    );
    run(Command::new(&hub_bin).args(["migrate", "--database-url", &db]))?;
    let out = run(Command::new(&hub_bin).args([
        "operator",
        "add",
        "sam",
        "--role",
        "supervisor",
        "--database-url",
        &db,
    ]))?;
    let token = out.lines().last().ok_or("no token")?.trim().to_owned();
    let key_file = secret_file(&dir, "p100.key", &sandbox.key)?;
    let token_file = secret_file(&dir, "webhook.token", WEBHOOK_TOKEN)?;
    let a = start_replica(&hub_bin, &db, &sandbox.base, &key_file, &token_file)?;
    let b = start_replica(&hub_bin, &db, &sandbox.base, &key_file, &token_file)?;
    let hub = HubClient::new(a.base.parse().map_err(|e| format!("{e}"))?, &token)
        .map_err(|e| e.to_string())?;

    // ----- 1. An operation through the hub vs the desk core straight to the sandbox.
    let store = desk::store::Store::open(&dir.join("local.sqlite3")).map_err(|e| e.to_string())?;
    let local = desk::Desk::serving(
        Arc::new(store),
        desk::environments::Remote {
            kind: desk::EnvironmentKind::Custom,
            url: sandbox.base.parse().map_err(|e| format!("{e}"))?,
            key: p100::ApiKey::new(&sandbox.key).map_err(|e| e.to_string())?,
        },
        p100::RetryPolicy::default(),
        "bench".into(),
    );
    let via_hub = hub
        .user_create(person(0))
        .await
        .map_err(|e| e.to_string())?
        .external_user_id;
    let straight = local
        .user_create(person(1))
        .await
        .map_err(|e| e.to_string())?
        .external_user_id;
    let (mut hub_ms, mut local_ms) = (Vec::new(), Vec::new());
    for round in 0..60 {
        for (suspend, on_hub) in [
            (true, round % 2 == 0),
            (true, round % 2 == 1),
            (false, round % 2 == 0),
            (false, round % 2 == 1),
        ] {
            let t = Instant::now();
            let r = match (suspend, on_hub) {
                (true, true) => hub.user_suspend(via_hub.clone(), "bench".into()).await,
                (false, true) => hub.user_unsuspend(via_hub.clone(), "bench".into()).await,
                (true, false) => local.user_suspend(straight.clone(), "bench".into()).await,
                (false, false) => local.user_unsuspend(straight.clone(), "bench".into()).await,
            };
            r.map_err(|e| e.to_string())?;
            let took = ms(t.elapsed());
            if round >= 10 {
                if on_hub {
                    hub_ms.push(took)
                } else {
                    local_ms.push(took)
                }
            }
        }
    }

    // ----- 2. A webhook → 50 desktops (25 on each replica) vs → 1 desktop.
    let fanout = |listeners: usize| {
        let (a, b, token) = (a.base.clone(), b.base.clone(), token.clone());
        async move {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, String, Instant)>();
            let mut tasks = Vec::new();
            for i in 0..listeners {
                let base = if i % 2 == 0 { &a } else { &b };
                let client = HubClient::new(base.parse().map_err(|e| format!("{e}"))?, &token)
                    .map_err(|e| e.to_string())?;
                let tx = tx.clone();
                tasks.push(tokio::spawn(async move {
                    let _ = client
                        .follow(move |e| {
                            let at = Instant::now();
                            let _ = match e {
                                HubEvent::User(u) => tx.send((i, u.external_user_id, at)),
                                HubEvent::Open => tx.send((i, String::new(), at)),
                                HubEvent::Resync => Ok(()),
                            };
                        })
                        .await;
                }));
            }
            // Every listener's stream is open.
            let mut open = 0;
            while open < listeners {
                match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
                    Ok(Some((_, id, _))) if id.is_empty() => open += 1,
                    Ok(Some(_)) => {}
                    _ => return Err("the live streams did not open".to_owned()),
                }
            }
            Ok::<_, String>((rx, tasks))
        }
    };
    let http = reqwest::Client::new();
    let mut fan = Vec::new();
    for (listeners, rounds) in [(1usize, 30usize), (50, 30)] {
        let (mut rx, tasks) = fanout(listeners).await?;
        let mut delays = Vec::new();
        for _ in 0..rounds {
            let user = hub
                .user_create(person(1000 + fan.len() * 100 + delays.len()))
                .await
                .map_err(|e| e.to_string())?
                .external_user_id;
            // The create's own announcement first: drain it.
            tokio::time::sleep(Duration::from_millis(100)).await;
            while rx.try_recv().is_ok() {}
            let sent = Instant::now();
            let res = http
                .post(format!("{}/webhook/user/status", b.base))
                .header("Authorization", WEBHOOK_TOKEN)
                .json(&serde_json::json!({"externalUserId": user, "status": "ACTIVE"}))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !res.status().is_success() {
                return Err(format!("webhook answered {}", res.status()));
            }
            let mut seen = vec![false; listeners];
            let mut left = listeners;
            while left > 0 {
                match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
                    Ok(Some((i, id, at))) if id == user && !seen[i] => {
                        seen[i] = true;
                        left -= 1;
                        delays.push(ms(at - sent));
                    }
                    Ok(Some(_)) => {}
                    _ => return Err(format!("{left} desktops did not hear of the webhook")),
                }
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        for t in tasks {
            t.abort();
        }
        fan.push((listeners, delays));
    }

    // ----- 3. Webhooks acknowledged per second by one replica vs /healthz under the same load.
    let mut users = Vec::new();
    for n in 0..50 {
        users.push(
            hub.user_create(person(5000 + n))
                .await
                .map_err(|e| e.to_string())?
                .external_user_id,
        );
    }
    let users = Arc::new(users);
    let load = |webhooks: bool, seconds: u64| {
        let (base, users) = (b.base.clone(), users.clone());
        async move {
            let stop = Instant::now() + Duration::from_secs(seconds);
            let mut tasks = Vec::new();
            for w in 0..16usize {
                let (base, users) = (base.clone(), users.clone());
                tasks.push(tokio::spawn(async move {
                    let http = reqwest::Client::new();
                    let mut lat = Vec::new();
                    let mut n = w;
                    while Instant::now() < stop {
                        let t = Instant::now();
                        let ok = one_request(&http, &base, webhooks, &users[n % users.len()]).await;
                        if ok {
                            lat.push(ms(t.elapsed()));
                        }
                        n += 16;
                    }
                    lat
                }));
            }
            let mut all = Vec::new();
            for t in tasks {
                all.extend(t.await.unwrap_or_default());
            }
            all
        }
    };
    let (mut hooks, mut health) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        hooks.extend(load(true, 5).await);
        health.extend(load(false, 5).await);
    }

    // ----- 4. The same, paced: an open-loop 100 webhooks/s for 10 s (each sent on its tick,
    // whatever the answers before it), the load of a busy partner, vs /healthz paced alike.
    let paced = |webhooks: bool| {
        let (base, users) = (b.base.clone(), users.clone());
        async move {
            let http = reqwest::Client::new();
            let mut tick = tokio::time::interval(Duration::from_millis(1000 / PACED_PER_SEC));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let mut tasks = Vec::new();
            for n in 0..(PACED_PER_SEC * 10) as usize {
                tick.tick().await;
                let (http, base, users) = (http.clone(), base.clone(), users.clone());
                tasks.push(tokio::spawn(async move {
                    let t = Instant::now();
                    let ok = one_request(&http, &base, webhooks, &users[n % users.len()]).await;
                    ok.then(|| ms(t.elapsed()))
                }));
            }
            let mut all = Vec::new();
            for t in tasks {
                if let Ok(Some(v)) = t.await {
                    all.push(v);
                }
            }
            all
        }
    };
    let paced_hooks = paced(true).await;
    let paced_health = paced(false).await;

    let (h, l) = (median(&hub_ms), median(&local_ms));
    println!("| What | Hub | Baseline (same run) | Ratio |");
    println!("|---|---|---|---|");
    println!(
        "| Suspend/unsuspend, median of {} each | through the hub: {h:.2} ms (p90 {:.2}) | desk core straight to the sandbox: {l:.2} ms (p90 {:.2}) | {:.2}× (+{:.2} ms) |",
        hub_ms.len(),
        percentile(&hub_ms, 90.0),
        percentile(&local_ms, 90.0),
        h / l,
        h - l
    );
    let (one, fifty) = (&fan[0].1, &fan[1].1);
    println!(
        "| Webhook to B → 50 desktops (25 on A, 25 on B), {} deliveries | p50 {:.1} ms, p99 {:.1} ms | → 1 desktop: p50 {:.1} ms, p99 {:.1} ms | {:.2}× (p99) |",
        fifty.len(),
        percentile(fifty, 50.0),
        percentile(fifty, 99.0),
        percentile(one, 50.0),
        percentile(one, 99.0),
        percentile(fifty, 99.0) / percentile(one, 99.0)
    );
    let rate = |v: &Vec<f64>| v.len() as f64 / 10.0;
    println!(
        "| Webhooks acknowledged by one replica, 16 senders, 2 × 5 s | {:.0}/s, p50 {:.1} ms, p99 {:.1} ms | /healthz: {:.0}/s, p50 {:.1} ms, p99 {:.1} ms | {:.2}× (rate) |",
        rate(&hooks),
        percentile(&hooks, 50.0),
        percentile(&hooks, 99.0),
        rate(&health),
        percentile(&health, 50.0),
        percentile(&health, 99.0),
        rate(&hooks) / rate(&health)
    );
    println!(
        "| Webhooks acknowledged by one replica, paced at {PACED_PER_SEC}/s for 10 s ({} of {} answered 2xx) | p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms | /healthz paced alike: p50 {:.1} ms, p99 {:.1} ms | {:.2}× (p99) |",
        paced_hooks.len(),
        PACED_PER_SEC * 10,
        percentile(&paced_hooks, 50.0),
        percentile(&paced_hooks, 99.0),
        paced_hooks.iter().copied().fold(0.0, f64::max),
        percentile(&paced_health, 50.0),
        percentile(&paced_health, 99.0),
        percentile(&paced_hooks, 99.0) / percentile(&paced_health, 99.0)
    );
    drop((a, b));

    // ----- 5. Importing 10,000 rows: `partner-desk-hub users import` (plan, outbox, journal,
    // roster on PostgreSQL, one create at a time, unpaced) vs the same creates sent one at a
    // time by the bare client (no store at all). Peak RSS of the import by /usr/bin/time.
    let (imported, import_time, import_rss_kb, csv_bytes) =
        import_rows(&hub_bin, &dir, &db, &sandbox.base, &key_file)?;
    let client = p100::Client::new(
        sandbox.base.parse().map_err(|e| format!("{e}"))?,
        p100::ApiKey::new(&sandbox.key).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let started = Instant::now();
    for i in 0..IMPORT_ROWS {
        client
            .create_user(&p100::models::CreateUserRequest {
                external_user_id: format!("bare-{i}"),
                has_accepted_p100_tc: true,
                profile: person(20_000 + i).profile,
            })
            .await
            .map_err(|e| e.to_string())?;
    }
    let bare_time = started.elapsed();
    let per_sec = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "| Import of {IMPORT_ROWS} CSV rows ({:.1} MB) by `users import`, unpaced | {imported} created, {:.0} rows/s ({:.1} s), peak RSS {:.1} MiB | the same creates by the bare client, one at a time: {:.0} rows/s ({:.1} s) | {:.2}× (rate) |",
        csv_bytes as f64 / 1e6,
        per_sec(imported, import_time),
        import_time.as_secs_f64(),
        import_rss_kb as f64 / 1024.0,
        per_sec(IMPORT_ROWS, bare_time),
        bare_time.as_secs_f64(),
        per_sec(imported, import_time) / per_sec(IMPORT_ROWS, bare_time)
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
