//! What the side-by-side benchmarks (`upload-bench`, `client-calls`) share: the sandbox binary as
//! a child process, users made through the desk's client, and a few measurements.
// Each bench binary compiles this module and uses a part of it.
#![allow(dead_code)]

use p100::models::{CreateUserRequest, UserProfile};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// The release `p100-sandbox` binary, run as its own process with a random key.
pub struct Sandbox {
    child: Child,
    pub base: String,
    pub key: String,
}

impl Sandbox {
    pub fn start(path: &Path, review_delay_ms: u64) -> Result<Self, String> {
        let key = format!("bench-{}", uuid::Uuid::new_v4().simple());
        let mut child = Command::new(path)
            .args(["--listen", "127.0.0.1:0", "--api-key", &key])
            .args(["--review-delay-ms", &review_delay_ms.to_string()])
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or("the sandbox's stdout is not piped")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = tx.send(reader.read_line(&mut line).map(|_| line));
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut guard = Sandbox {
            child,
            base: String::new(),
            key,
        };
        let line = match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => return Err(format!("reading the sandbox's first line: {e}")),
            Err(_) => return Err("the sandbox printed no address within 10 s".into()),
        };
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("unexpected first line from the sandbox: {line:?}"))?;
        guard.base = format!("http://{addr}");
        Ok(guard)
    }

    /// CPU time the sandbox process has used so far (all its threads).
    pub fn cpu(&self) -> Duration {
        cpu_time(&self.child.id().to_string())
    }

    /// The desk's client, bound to this sandbox.
    pub fn client(&self) -> Result<p100::Client, String> {
        let base = self.base.parse().map_err(|e| format!("base URL: {e}"))?;
        let key = p100::ApiKey::new(&self.key).map_err(|e| format!("key: {e}"))?;
        p100::Client::new(base, key).map_err(|e| e.to_string())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates a user through the desk's client; `country` is the residence (GE needs a POA).
pub async fn create_user(client: &p100::Client, country: &str) -> Result<String, String> {
    let id = uuid::Uuid::new_v4().to_string();
    let req = CreateUserRequest {
        external_user_id: id.clone(),
        has_accepted_p100_tc: true,
        profile: UserProfile {
            email: Some("bench@example.com".into()),
            first_name: Some("Bench".into()),
            last_name: Some("Mark".into()),
            country: Some(country.into()),
            citizenship: Some(country.into()),
            ..UserProfile::default()
        },
    };
    client
        .create_user(&req)
        .await
        .map_err(|e| format!("create user: {e}"))?;
    Ok(id)
}

/// A `/proc/PID/status` field in KiB (`VmRSS`, `VmHWM`).
pub fn status_kb(pid: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Samples this process's VmRSS every millisecond until dropped; `peak_kb` is the highest seen.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RssSampler {
    pub fn start() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(status_kb("self", "VmRSS").unwrap_or(0)));
        let thread = {
            let (stop, peak) = (stop.clone(), peak.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(kb) = status_kb("self", "VmRSS") {
                        peak.fetch_max(kb, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        };
        Self {
            stop,
            peak,
            thread: Some(thread),
        }
    }

    /// Stops sampling (one last sample included) and answers the peak in KiB.
    pub fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(kb) = status_kb("self", "VmRSS") {
            self.peak.fetch_max(kb, Ordering::Relaxed);
        }
        self.peak.load(Ordering::Relaxed)
    }
}

impl Drop for RssSampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The nearest-rank `p`th percentile.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n => v[((p / 100.0 * n as f64).ceil() as usize).clamp(1, n) - 1],
    }
}

/// CPU time used so far by every thread of process `pid` ("self" for this one), from each
/// thread's `schedstat` (nanoseconds, where `/proc/PID/stat` counts 10 ms ticks).
pub fn cpu_time(pid: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Duration::ZERO;
    };
    let ns: u64 = tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(ns)
}

/// The 1-minute load average, for the report.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// `--name value` pairs of a small command line.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}
