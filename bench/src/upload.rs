//! `upload-bench`: Add POA File with three 5 MiB files through the desk's client
//! (`p100::Client::add_poa_files`, streamed from disk) against `curl -F` to the same sandbox
//! process, in alternating order; and how much the client process's RSS grows while it uploads.

mod support;

use p100::upload::{ProgressFn, UploadFile};
use reqwest::multipart::{Form, Part};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use support::{
    RssSampler, Sandbox, cpu_time, create_user, flag, mean, median, percentile, status_kb,
};

const HELP: &str = "\
upload-bench: Add POA File (3 files) through the desk's client against curl -F, same sandbox

USAGE:
    upload-bench [--sandbox PATH] [--rounds N] [--size BYTES] [--json] [--breakdown]

    --sandbox PATH   the p100-sandbox binary [default: target/pkg/release/p100-sandbox]
    --rounds N       timed uploads of each kind, alternating which goes first [default: 50]
    --size BYTES     size of each of the three files [default: 5242880, the largest P100 takes]
    --json           also print one JSON line with every figure
    --breakdown      then time the same upload with bare reqwest streaming the files (tokio
                     File, 64 KiB / 256 KiB / 1 MiB reads; up to 15 rounds each, after the rest)

Each round creates two users resident in GE (a POA country), so every upload meets a user whose
POA is not yet WAITING. One untimed upload of each kind warms up first. The client's time is
from the call to the decoded answer; curl's is its own %{time_total} (without its process
start). Both the median and the mean are printed: on a 2-vCPU machine curl's times fall in two
modes (~3.5 and ~10 ms, by where the scheduler puts curl and the sandbox), so the median of
its times jumps between the modes from run to run, while the mean (total time of the rounds)
stays put; the table's ratio is the mean's. RSS growth = peak VmRSS of this process, sampled
every 1 ms during the client's upload, minus VmRSS just before it; the largest over every
upload (warm-up included) is reported. A control upload with the three files read into memory
first (reqwest Part::bytes) shows what buffering would look like.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("upload-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("upload-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Files {
    dir: PathBuf,
    uploads: Vec<UploadFile>,
}

impl Files {
    /// Three JPEGs by content (the magic bytes, then incompressible filler).
    fn make(size: u64) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("pd-upload-bench-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut uploads = Vec::new();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for i in 1..=3 {
            let path = dir.join(format!("proof-{i}.jpg"));
            let mut bytes = Vec::with_capacity(size as usize);
            bytes.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F']);
            while (bytes.len() as u64) < size {
                // SplitMix64
                seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = seed;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                bytes.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
            }
            bytes.truncate(size as usize);
            std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            uploads.push(UploadFile {
                field: "files".into(),
                file_name: format!("proof-{i}.jpg"),
                mime: "image/jpeg".into(),
                path,
                size,
            });
        }
        Ok(Self { dir, uploads })
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where a side's times lie, in milliseconds.
struct Summary {
    mean: f64,
    median: f64,
    p10: f64,
    p90: f64,
}

impl Summary {
    fn of(ms: &[f64]) -> Self {
        Self {
            mean: mean(ms),
            median: median(ms),
            p10: percentile(ms, 10.0),
            p90: percentile(ms, 90.0),
        }
    }
}

/// One upload through the desk's client: milliseconds, and RSS growth in KiB when `sample_rss`.
/// The timed rounds run without the sampler: its thread reads /proc every millisecond, CPU the
/// curl rounds would not pay on a 2-vCPU machine.
async fn desk_upload(
    client: &p100::Client,
    id: &str,
    files: &[UploadFile],
    sample_rss: bool,
) -> Result<(f64, u64), String> {
    let sent = Arc::new(AtomicU64::new(0));
    let progress: ProgressFn = {
        let sent = sent.clone();
        Arc::new(move |p| {
            sent.fetch_max(p.sent, Ordering::Relaxed);
        })
    };
    let before = status_kb("self", "VmRSS").unwrap_or(0);
    let sampler = sample_rss.then(RssSampler::start);
    let started = Instant::now();
    // On a runtime worker, as the app's commands run (Tauri spawns each onto its runtime).
    let (client, id, files) = (client.clone(), id.to_owned(), files.to_vec());
    let answer =
        tokio::spawn(async move { client.add_poa_files(&id, &files, Some(progress)).await })
            .await
            .map_err(|e| format!("desk client upload task: {e}"))?
            .map_err(|e| format!("desk client upload: {e}"))?;
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let peak = sampler.map_or(before, RssSampler::finish);
    if answer.files != 3 {
        return Err(format!("the sandbox took {} files, not 3", answer.files));
    }
    Ok((ms, peak.saturating_sub(before)))
}

/// One upload with curl: (its own time_total, wall time including its start) in milliseconds.
fn curl_upload(sandbox: &Sandbox, id: &str, files: &[UploadFile]) -> Result<(f64, f64), String> {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}"])
        .args(["-H", &format!("x-api-key: {}", sandbox.key)]);
    for f in files {
        cmd.arg("-F")
            .arg(format!("files=@{};type={}", f.path.display(), f.mime));
    }
    cmd.arg(format!("{}/v1/user/poa-files/{id}", sandbox.base));
    let started = Instant::now();
    let out = cmd.output().map_err(|e| format!("cannot run curl: {e}"))?;
    let wall = started.elapsed().as_secs_f64() * 1e3;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let code = parts.next().unwrap_or("");
    if code != "201" {
        return Err(format!(
            "curl answered {code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let total: f64 = parts
        .next()
        .and_then(|t| t.parse().ok())
        .ok_or("curl printed no time_total")?;
    Ok((total * 1e3, wall))
}

/// `part` as one of the request's `files`, named and typed as `f`.
fn file_part(part: Part, f: &UploadFile) -> Result<Part, String> {
    part.file_name(f.file_name.clone())
        .mime_str(&f.mime)
        .map_err(|e| e.to_string())
}

/// Sends an Add POA File request with bare reqwest; anything but 201 is an error naming `what`.
async fn post_poa(
    http: &reqwest::Client,
    sandbox: &Sandbox,
    id: &str,
    form: Form,
    what: &str,
) -> Result<(), String> {
    let resp = http
        .post(format!("{}/v1/user/poa-files/{id}", sandbox.base))
        .header("x-api-key", &sandbox.key)
        .multipart(form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let _ = resp.bytes().await;
    if status != 201 {
        return Err(format!("{what} answered {status}"));
    }
    Ok(())
}

/// The breakdown: the same streamed request with bare reqwest (tokio File, `chunk`-byte reads on
/// demand, no progress, no client layer), in milliseconds.
async fn bare_streamed_upload(
    http: &reqwest::Client,
    sandbox: &Sandbox,
    id: &str,
    files: &[UploadFile],
    chunk: usize,
) -> Result<f64, String> {
    let started = Instant::now();
    let mut form = Form::new();
    for f in files {
        let file = tokio::fs::File::open(&f.path)
            .await
            .map_err(|e| e.to_string())?;
        let stream = tokio_util::io::ReaderStream::with_capacity(file, chunk);
        let body = reqwest::Body::wrap_stream(stream);
        form = form.part(
            "files",
            file_part(Part::stream_with_length(body, f.size), f)?,
        );
    }
    post_poa(http, sandbox, id, form, "bare streamed upload").await?;
    Ok(started.elapsed().as_secs_f64() * 1e3)
}

/// The breakdown's floor: the same request from bodies already in memory (read before the clock
/// starts), so only the HTTP stack and the sandbox are timed.
async fn bare_in_memory_upload(
    http: &reqwest::Client,
    sandbox: &Sandbox,
    id: &str,
    files: &[UploadFile],
    bodies: &[bytes::Bytes],
) -> Result<f64, String> {
    let started = Instant::now();
    let mut form = Form::new();
    for (f, body) in files.iter().zip(bodies) {
        let part = Part::stream_with_length(body.clone(), f.size);
        form = form.part("files", file_part(part, f)?);
    }
    post_poa(http, sandbox, id, form, "bare in-memory upload").await?;
    Ok(started.elapsed().as_secs_f64() * 1e3)
}

/// The control: the same request with every file read into memory first.
async fn buffered_upload(sandbox: &Sandbox, id: &str, files: &[UploadFile]) -> Result<u64, String> {
    let http = reqwest::Client::new();
    let before = status_kb("self", "VmRSS").unwrap_or(0);
    let sampler = RssSampler::start();
    let mut form = Form::new();
    for f in files {
        let bytes = tokio::fs::read(&f.path).await.map_err(|e| e.to_string())?;
        form = form.part("files", file_part(Part::bytes(bytes), f)?);
    }
    let sent = post_poa(&http, sandbox, id, form, "control upload").await;
    let peak = sampler.finish();
    sent?;
    Ok(peak.saturating_sub(before))
}

async fn run(args: &[String]) -> Result<(), String> {
    let sandbox_path =
        flag(args, "--sandbox").unwrap_or_else(|| "target/pkg/release/p100-sandbox".into());
    let rounds: usize = flag(args, "--rounds")
        .map(|v| v.parse().map_err(|_| format!("--rounds {v}")))
        .transpose()?
        .unwrap_or(50);
    let size: u64 = flag(args, "--size")
        .map(|v| v.parse().map_err(|_| format!("--size {v}")))
        .transpose()?
        .unwrap_or(5 * 1024 * 1024);
    let json = args.iter().any(|a| a == "--json");

    // A long review delay: no review runs while the uploads are timed.
    let sandbox = Sandbox::start(Path::new(&sandbox_path), 600_000)?;
    let client = sandbox.client()?;
    let files = Files::make(size)?;
    let uploads = &files.uploads;

    let rss_start = status_kb("self", "VmRSS").unwrap_or(0);
    let mut growth_kb = Vec::new();
    // Warm-up, untimed: the first upload of each kind (connection pools, page cache).
    let (_, g) = desk_upload(&client, &create_user(&client, "GE").await?, uploads, true).await?;
    growth_kb.push(g);
    curl_upload(&sandbox, &create_user(&client, "GE").await?, uploads)?;

    let (mut desk_ms, mut curl_ms, mut curl_wall_ms) = (Vec::new(), Vec::new(), Vec::new());
    // CPU time of the sandbox while serving each kind, and of this process while it uploads.
    let (mut sandbox_desk, mut sandbox_curl, mut own_desk) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        let (a, b) = (
            create_user(&client, "GE").await?,
            create_user(&client, "GE").await?,
        );
        let curl_first = round % 2 == 1;
        for curl_turn in [curl_first, !curl_first] {
            let cpu0 = sandbox.cpu();
            if curl_turn {
                let (t, w) = curl_upload(&sandbox, &b, uploads)?;
                curl_ms.push(t);
                curl_wall_ms.push(w);
                sandbox_curl += sandbox.cpu() - cpu0;
            } else {
                let own0 = cpu_time("self");
                let (t, _) = desk_upload(&client, &a, uploads, false).await?;
                desk_ms.push(t);
                own_desk += cpu_time("self") - own0;
                sandbox_desk += sandbox.cpu() - cpu0;
            }
        }
    }
    // RSS growth in rounds of its own, with the sampler watching.
    for _ in 0..rounds.min(10) {
        let (_, g) =
            desk_upload(&client, &create_user(&client, "GE").await?, uploads, true).await?;
        growth_kb.push(g);
    }
    if args.iter().any(|a| a == "--breakdown") {
        let http = reqwest::Client::new();
        for chunk in [64 * 1024, 256 * 1024, 1024 * 1024] {
            let mut t = Vec::new();
            for _ in 0..rounds.min(15) {
                let id = create_user(&client, "GE").await?;
                t.push(bare_streamed_upload(&http, &sandbox, &id, uploads, chunk).await?);
            }
            println!(
                "  breakdown: bare reqwest streamed, {:4} KiB reads   median {:7.1} ms",
                chunk / 1024,
                median(&t)
            );
        }
        let mut bodies = Vec::new();
        for f in uploads {
            bodies.push(bytes::Bytes::from(
                std::fs::read(&f.path).map_err(|e| e.to_string())?,
            ));
        }
        let mut t = Vec::new();
        for _ in 0..rounds.min(15) {
            let id = create_user(&client, "GE").await?;
            t.push(bare_in_memory_upload(&http, &sandbox, &id, uploads, &bodies).await?);
        }
        println!(
            "  breakdown: bare reqwest, bodies already in memory    median {:7.1} ms",
            median(&t)
        );
    }
    let control_kb = buffered_upload(&sandbox, &create_user(&client, "GE").await?, uploads).await?;

    let (desk, curl) = (Summary::of(&desk_ms), Summary::of(&curl_ms));
    let curl_wall = median(&curl_wall_ms);
    let (ratio, ratio_median) = (desk.mean / curl.mean, desk.median / curl.median);
    let max_growth = growth_kb.iter().copied().max().unwrap_or(0);
    let mb = (3 * size) as f64 / 1e6;
    println!(
        "POA upload, 3 x {:.2} MiB, {rounds} rounds + 1 warm-up, sandbox {}",
        size as f64 / 1048576.0,
        sandbox.base
    );
    for (who, t, extra) in [
        (
            "desk client (add_poa_files, streamed)",
            &desk,
            String::new(),
        ),
        (
            "curl -F (its time_total)",
            &curl,
            format!("; median {curl_wall:.1} ms with its process start"),
        ),
    ] {
        println!(
            "  {who:<38} mean {:6.2} ms ({:.0} MB/s)  median {:6.2}  p10 {:5.1}  p90 {:5.1}{extra}",
            t.mean,
            mb / t.mean * 1e3,
            t.median,
            t.p10,
            t.p90,
        );
    }
    println!(
        "  ratio desk / curl: mean {ratio:.3} (target <= 1.1); median {ratio_median:.3} (swings with curl's modes)"
    );
    let per = |d: Duration| d.as_secs_f64() * 1e3 / rounds as f64;
    println!(
        "  CPU per upload: sandbox serving the desk {:.2} ms, serving curl {:.2} ms; desk client process {:.2} ms",
        per(sandbox_desk),
        per(sandbox_curl),
        per(own_desk)
    );
    println!(
        "  client RSS growth during an upload: max {:.2} MiB over {} uploads (target < 10 MB); \
         RSS at start {:.1} MiB",
        max_growth as f64 / 1024.0,
        growth_kb.len(),
        rss_start as f64 / 1024.0
    );
    println!(
        "  control, files read into memory first: RSS growth {:.2} MiB",
        control_kb as f64 / 1024.0
    );
    for (who, samples) in [("desk", &desk_ms), ("curl", &curl_ms)] {
        let text: Vec<String> = samples.iter().map(|v| format!("{v:.1}")).collect();
        println!("  samples {who} ms: {}", text.join(" "));
    }
    if json {
        println!(
            "{}",
            serde_json::json!({
                "bench": "upload", "rounds": rounds, "fileBytes": size,
                "deskMs": desk.mean, "curlMs": curl.mean, "deskMedianMs": desk.median,
                "curlMedianMs": curl.median, "curlWallMs": curl_wall,
                "ratio": ratio, "ratioMedian": ratio_median,
                "maxRssGrowthKb": max_growth, "rssUploads": growth_kb.len(), "controlBufferedGrowthKb": control_kb,
                "deskSamples": desk_ms, "curlSamples": curl_ms,
            })
        );
    }
    Ok(())
}
