//! `sandbox-load`: how many requests per second the `p100-sandbox` binary answers when driven
//! from a second process on the same machine.
//!
//! It starts the release sandbox as a child process, activates one user (so that its balances
//! are not empty), then runs two timed phases over keep-alive connections — create-user with a
//! fresh `externalUserId` each time, and get-balances of the active user — and prints one table.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::Barrier;

const HELP: &str = "\
sandbox-load: requests per second of the p100-sandbox binary, driven from this second process

USAGE:
    sandbox-load [OPTIONS]

OPTIONS:
    --sandbox PATH      the sandbox binary [default: target/release/p100-sandbox]
    --seconds N         length of each phase [default: 5]
    --concurrency N     concurrent workers, one keep-alive connection each [default: 64]
    --client NAME       hyper (one raw HTTP/1.1 connection per worker) or reqwest (a pooled
                        client, what the desk uses) [default: hyper]
    --threads N         worker threads of this load generator [default: 1]
    --require N         exit 1 if a phase answers fewer than N req/s [default: report only,
                        against 5000]
    -h, --help          this text

The sandbox runs with --review-delay-ms 0, a random API key, and RUST_LOG unset.
Each phase prints: completed requests, successful answers per second, latency p50/p99,
unexpected answers and transport errors, and the CPU used by the sandbox, by this generator
and by the whole machine (1.00 = one core busy for the whole phase). Machine CPU also counts
the kernel's loopback network work and any other program running meanwhile: when it is well
above sandbox + generator + ~0.3, something else was competing for the cores.
The sandbox's peak RSS (VmHWM) follows.";

const TARGET: f64 = 5000.0;
const CREATE_PATH: &str = "/v1/user/balances/crypto-and-fiat";
/// The smallest JPEG start P100 (and the sandbox) recognise by content.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientKind {
    Hyper,
    Reqwest,
}

#[derive(Debug)]
struct Args {
    sandbox: PathBuf,
    seconds: f64,
    concurrency: usize,
    client: ClientKind,
    threads: usize,
    require: Option<f64>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        sandbox: PathBuf::from("target/release/p100-sandbox"),
        seconds: 5.0,
        concurrency: 64,
        client: ClientKind::Hyper,
        threads: 1,
        require: None,
    };
    fn value(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
        args.next().ok_or(format!("{flag} needs a value"))
    }
    fn positive<T: std::str::FromStr + PartialOrd + Default>(
        v: &str,
        flag: &str,
    ) -> Result<T, String> {
        v.parse::<T>()
            .ok()
            .filter(|n| *n > T::default())
            .ok_or(format!("{flag} {v}: a positive number"))
    }
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--sandbox" => a.sandbox = PathBuf::from(value(&mut args, &arg)?),
            "--seconds" => a.seconds = positive(&value(&mut args, &arg)?, &arg)?,
            "--concurrency" => a.concurrency = positive(&value(&mut args, &arg)?, &arg)?,
            "--threads" => a.threads = positive(&value(&mut args, &arg)?, &arg)?,
            "--require" => a.require = Some(positive(&value(&mut args, &arg)?, &arg)?),
            "--client" => {
                a.client = match value(&mut args, &arg)?.as_str() {
                    "hyper" => ClientKind::Hyper,
                    "reqwest" => ClientKind::Reqwest,
                    other => return Err(format!("--client {other}: hyper or reqwest")),
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.seconds > 60.0 {
        return Err("--seconds: at most 60".into());
    }
    Ok(Some(a))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("sandbox-load: {msg}\n\nRun sandbox-load --help for the options.");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sandbox-load: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The guard kills the sandbox on every way out of here, errors included.
    let mut sandbox = match Sandbox::start(&args.sandbox) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandbox-load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(&args, &sandbox));
    let exit = match result {
        Ok(results) => report(&args, &mut sandbox, &results),
        Err(e) => {
            eprintln!("sandbox-load: {e}");
            ExitCode::FAILURE
        }
    };
    drop(sandbox);
    exit
}

// ----- the sandbox process ----------------------------------------------------------------------

struct Sandbox {
    child: Child,
    addr: SocketAddr,
    key: String,
}

impl Sandbox {
    fn start(path: &PathBuf) -> Result<Self, String> {
        let key = format!("bench-{}", uuid::Uuid::new_v4().simple());
        let mut child = Command::new(path)
            .args(["--listen", "127.0.0.1:0", "--api-key", &key])
            .args(["--review-delay-ms", "0"])
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {}: {e} (build it with cargo build --release -p p100-sandbox)",
                    path.display()
                )
            })?;
        let stdout = child.stdout.take().expect("stdout is piped");
        // The first line names the address; later output (none expected) is drained so that the
        // sandbox never blocks on a full pipe.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let first = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send(first);
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut guard = Sandbox {
            child,
            addr: ([127, 0, 0, 1], 0).into(),
            key,
        };
        let line = match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => return Err(format!("reading the sandbox's first line: {e}")),
            Err(_) => return Err("the sandbox printed no address within 10 s".into()),
        };
        guard.addr = line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("unexpected first line from the sandbox: {line:?}"))?;
        Ok(guard)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `Some(status)` once the process has ended.
    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time (user + system) a process has used so far. `/proc/PID/stat` counts in clock ticks,
/// which are 1/100 s on every Linux this runs on.
fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may contain spaces; the fields after its closing parenthesis do not.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// CPU time the whole machine spent busy so far: every CPU's non-idle ticks in `/proc/stat`
/// (user, nice, system, irq, softirq, steal), which also covers the kernel's loopback work and
/// anything else running beside the benchmark.
fn machine_busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(|v| v.parse().ok())
        .collect::<Option<_>>()?;
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    Some(Duration::from_millis(busy * 10))
}

/// A `/proc/PID/status` line in kB, e.g. `VmHWM` (peak resident set).
fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

// ----- setup ------------------------------------------------------------------------------------

fn create_body(external_user_id: &str) -> String {
    serde_json::json!({
        "externalUserId": external_user_id,
        "hasAcceptedP100Tc": true,
        "email": "load@example.com",
        "firstName": "Load",
        "lastName": "Test",
        "country": "PL",
        "citizenship": "PL",
    })
    .to_string()
}

/// Creates a user and takes it through Method A KYC and verification until it has balances.
async fn activate_user(base: &str, key: &str) -> Result<String, String> {
    let client = reqwest::Client::new();
    let ext = uuid::Uuid::new_v4().to_string();
    let expect = |what: &str, resp: reqwest::Response, status: u16| {
        let what = what.to_owned();
        async move {
            let got = resp.status().as_u16();
            if got == status {
                Ok(resp)
            } else {
                let body = resp.text().await.unwrap_or_default();
                Err(format!(
                    "setup: {what} answered {got}, expected {status}: {body}"
                ))
            }
        }
    };
    let send = |rb: reqwest::RequestBuilder| async move {
        rb.header("x-api-key", key)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| format!("setup: {e}"))
    };

    let resp = send(
        client
            .post(format!("{base}{CREATE_PATH}"))
            .header("content-type", "application/json")
            .body(create_body(&ext)),
    )
    .await?;
    expect("create user", resp, 201).await?;

    let part = |name: &'static str| {
        reqwest::multipart::Part::bytes(JPEG)
            .file_name(name)
            .mime_str("image/jpeg")
            .expect("a valid MIME type")
    };
    let form = reqwest::multipart::Form::new()
        .text("documentType", "PASSPORT")
        .part("front", part("front.jpg"))
        .part("selfie", part("selfie.jpg"));
    let resp = send(
        client
            .post(format!("{base}/v1/user/kyc-files/{ext}"))
            .multipart(form),
    )
    .await?;
    expect("add KYC files", resp, 201).await?;

    let verification = serde_json::json!({
        "externalUserId": ext,
        "documentType": "PASSPORT",
        "documentNumber": "AB123456",
        "issuingCountry": "PL",
        "expiryDate": "2030-01-01",
    });
    let resp = send(
        client
            .post(format!("{base}/v1/user/verification"))
            .header("content-type", "application/json")
            .body(verification.to_string()),
    )
    .await?;
    expect("add user verification", resp, 201).await?;

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let resp = send(client.get(format!("{base}/v1/user/balances/{ext}"))).await?;
        let resp = expect("get balances", resp, 200).await?;
        let body: serde_json::Value = resp
            .json()
            .await
            .map_err(|e| format!("setup: balances body: {e}"))?;
        if body["fiatBalances"]
            .as_array()
            .is_some_and(|b| !b.is_empty())
        {
            return Ok(ext);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "setup: the user got no balances within 10 s of verification: {body}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// ----- the load phases --------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Phase {
    CreateUser,
    GetBalances,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::CreateUser => "create-user",
            Phase::GetBalances => "get-balances",
        }
    }

    fn expected(self) -> u16 {
        match self {
            Phase::CreateUser => 201,
            Phase::GetBalances => 200,
        }
    }
}

/// What one worker saw.
#[derive(Default)]
struct Tally {
    ok: u64,
    unexpected: u64,
    errors: u64,
    /// Latency of every answered request, in microseconds.
    micros: Vec<u32>,
    first_unexpected: Option<String>,
}

impl Tally {
    fn record(&mut self, started: Instant, status: u16, expected: u16, body: &[u8]) {
        self.micros
            .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if status == expected {
            self.ok += 1;
        } else {
            self.unexpected += 1;
            if self.first_unexpected.is_none() {
                self.first_unexpected = Some(format!(
                    "{status} {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ));
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.ok += other.ok;
        self.unexpected += other.unexpected;
        self.errors += other.errors;
        self.micros.extend(other.micros);
        if self.first_unexpected.is_none() {
            self.first_unexpected = other.first_unexpected;
        }
    }
}

struct PhaseResult {
    phase: Phase,
    tally: Tally,
    elapsed: Duration,
    sandbox_cpu: Option<Duration>,
    generator_cpu: Option<Duration>,
    machine_cpu: Option<Duration>,
}

impl PhaseResult {
    fn rate(&self) -> f64 {
        self.tally.ok as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        // Sorted in `run_phase`.
        let m = &self.tally.micros;
        if m.is_empty() {
            return f64::NAN;
        }
        let i = ((m.len() as f64 * p).ceil() as usize).clamp(1, m.len()) - 1;
        f64::from(m[i]) / 1000.0
    }
}

/// The request a phase sends, built per request.
struct Target {
    addr: SocketAddr,
    key: String,
    phase: Phase,
    balances_path: String,
}

impl Target {
    fn body(&self) -> Option<String> {
        match self.phase {
            Phase::CreateUser => Some(create_body(&uuid::Uuid::new_v4().to_string())),
            Phase::GetBalances => None,
        }
    }

    fn path(&self) -> &str {
        match self.phase {
            Phase::CreateUser => CREATE_PATH,
            Phase::GetBalances => &self.balances_path,
        }
    }
}

async fn run(args: &Args, sandbox: &Sandbox) -> Result<Vec<PhaseResult>, String> {
    let active = activate_user(&sandbox.base_url(), &sandbox.key).await?;
    let mut results = Vec::new();
    for phase in [Phase::CreateUser, Phase::GetBalances] {
        let target = Arc::new(Target {
            addr: sandbox.addr,
            key: sandbox.key.clone(),
            phase,
            balances_path: format!("/v1/user/balances/{active}"),
        });
        results.push(run_phase(args, sandbox.pid(), target).await?);
    }
    Ok(results)
}

async fn run_phase(args: &Args, pid: u32, target: Arc<Target>) -> Result<PhaseResult, String> {
    let duration = Duration::from_secs_f64(args.seconds);
    let stop = Arc::new(AtomicBool::new(false));
    // Every worker connects first; the clock starts when all are ready.
    let ready = Arc::new(Barrier::new(args.concurrency + 1));
    let reqwest_client = match args.client {
        ClientKind::Reqwest => Some(
            reqwest::Client::builder()
                .pool_max_idle_per_host(args.concurrency)
                .tcp_nodelay(true)
                .build()
                .map_err(|e| format!("reqwest client: {e}"))?,
        ),
        ClientKind::Hyper => None,
    };
    let mut workers = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency {
        let (target, stop, ready) = (target.clone(), stop.clone(), ready.clone());
        workers.push(match &reqwest_client {
            None => tokio::spawn(hyper_worker(target, stop, ready)),
            Some(c) => tokio::spawn(reqwest_worker(c.clone(), target, stop, ready)),
        });
    }
    ready.wait().await;
    let (sandbox_cpu0, generator_cpu0, machine0) =
        (cpu_time(&pid.to_string()), cpu_time("self"), machine_busy());
    let started = Instant::now();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut tally = Tally::default();
    for w in workers {
        tally.merge(w.await.map_err(|e| format!("worker: {e}"))?);
    }
    let elapsed = started.elapsed();
    let sandbox_cpu = cpu_time(&pid.to_string())
        .zip(sandbox_cpu0)
        .map(|(b, a)| b.saturating_sub(a));
    let generator_cpu = cpu_time("self")
        .zip(generator_cpu0)
        .map(|(b, a)| b.saturating_sub(a));
    let machine_cpu = machine_busy()
        .zip(machine0)
        .map(|(b, a)| b.saturating_sub(a));
    tally.micros.sort_unstable();
    Ok(PhaseResult {
        phase: target.phase,
        tally,
        elapsed,
        sandbox_cpu,
        generator_cpu,
        machine_cpu,
    })
}

type Sender = http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Sender, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// One keep-alive connection, one request at a time; a broken connection is replaced.
async fn hyper_worker(target: Arc<Target>, stop: Arc<AtomicBool>, ready: Arc<Barrier>) -> Tally {
    let mut tally = Tally::default();
    let mut sender = connect(target.addr).await.ok();
    ready.wait().await;
    let host = target.addr.to_string();
    let expected = target.phase.expected();
    while !stop.load(Ordering::Relaxed) {
        let s = match &mut sender {
            Some(s) => s,
            None => match connect(target.addr).await {
                Ok(s) => sender.insert(s),
                Err(_) => {
                    tally.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let body = target.body();
        let mut req = hyper::Request::builder()
            .uri(target.path())
            .header(hyper::header::HOST, &host)
            .header("x-api-key", &target.key);
        req = match &body {
            Some(_) => req
                .method(hyper::Method::POST)
                .header(hyper::header::CONTENT_TYPE, "application/json"),
            None => req.method(hyper::Method::GET),
        };
        let req = req
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .expect("a valid request");
        let started = Instant::now();
        let answer = async {
            s.ready().await?;
            let resp = s.send_request(req).await?;
            let status = resp.status().as_u16();
            let body = resp.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, body))
        }
        .await;
        match answer {
            Ok((status, body)) => tally.record(started, status, expected, &body),
            Err(_) => {
                tally.errors += 1;
                sender = None;
            }
        }
    }
    tally
}

async fn reqwest_worker(
    client: reqwest::Client,
    target: Arc<Target>,
    stop: Arc<AtomicBool>,
    ready: Arc<Barrier>,
) -> Tally {
    let mut tally = Tally::default();
    let url = format!("http://{}{}", target.addr, target.path());
    // Open this worker's pooled connection before the clock starts.
    let _ = client
        .get(format!("http://{}/", target.addr))
        .send()
        .await
        .map(|r| r.bytes());
    ready.wait().await;
    let expected = target.phase.expected();
    while !stop.load(Ordering::Relaxed) {
        let rb = match target.body() {
            Some(body) => client
                .post(&url)
                .header("content-type", "application/json")
                .body(body),
            None => client.get(&url),
        };
        let started = Instant::now();
        let answer = async {
            let resp = rb.header("x-api-key", &target.key).send().await?;
            let status = resp.status().as_u16();
            Ok::<_, reqwest::Error>((status, resp.bytes().await?))
        }
        .await;
        match answer {
            Ok((status, body)) => tally.record(started, status, expected, &body),
            Err(_) => tally.errors += 1,
        }
    }
    tally
}

// ----- the report -------------------------------------------------------------------------------

fn report(args: &Args, sandbox: &mut Sandbox, results: &[PhaseResult]) -> ExitCode {
    let cores = |d: Option<Duration>, r: &PhaseResult| match d {
        Some(d) => format!("{:.2}", d.as_secs_f64() / r.elapsed.as_secs_f64()),
        None => "-".into(),
    };
    println!(
        "sandbox-load: {} s per phase, {} workers, {} client, {} generator thread(s), {} CPUs",
        args.seconds,
        args.concurrency,
        match args.client {
            ClientKind::Hyper => "hyper",
            ClientKind::Reqwest => "reqwest",
        },
        args.threads,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    println!();
    println!(
        "{:<14} {:>9} {:>9} {:>8} {:>8} {:>7} {:>12} {:>14} {:>12}",
        "phase",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "sandbox CPU",
        "generator CPU",
        "machine CPU"
    );
    for r in results {
        let t = &r.tally;
        println!(
            "{:<14} {:>9} {:>9.0} {:>8.2} {:>8.2} {:>7} {:>12} {:>14} {:>12}",
            r.phase.name(),
            t.ok + t.unexpected + t.errors,
            r.rate(),
            r.percentile_ms(0.50),
            r.percentile_ms(0.99),
            t.unexpected + t.errors,
            cores(r.sandbox_cpu, r),
            cores(r.generator_cpu, r),
            cores(r.machine_cpu, r),
        );
    }
    println!();
    for r in results {
        let t = &r.tally;
        if t.unexpected + t.errors > 0 {
            println!(
                "{}: {} answers other than {}, {} transport errors; first: {}",
                r.phase.name(),
                t.unexpected,
                r.phase.expected(),
                t.errors,
                t.first_unexpected.as_deref().unwrap_or("-"),
            );
        }
    }
    let pid = sandbox.pid();
    match (status_kb(pid, "VmHWM"), status_kb(pid, "VmRSS")) {
        (Some(peak), Some(now)) => println!(
            "sandbox peak RSS (VmHWM): {:.1} MiB (now {:.1} MiB)",
            peak as f64 / 1024.0,
            now as f64 / 1024.0
        ),
        _ => println!("sandbox peak RSS: unavailable"),
    }
    if let Some(status) = sandbox.exited() {
        println!("the sandbox exited during the run: {status}");
    }
    let target = args.require.unwrap_or(TARGET);
    let mut below = false;
    for r in results {
        let pass = r.rate() >= target;
        below |= !pass;
        println!(
            "target {target:.0} req/s: {} ({}, {:.0} req/s)",
            if pass { "PASS" } else { "FAIL" },
            r.phase.name(),
            r.rate()
        );
    }
    if args.require.is_some() && below {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
