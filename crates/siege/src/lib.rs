//! What a hostile client does to a server, for the tests of every server the project runs
//! (a dev-dependency only, kept out of `serve` so that test builds and the app's build share
//! one compile of the servers): half-sent requests by the thousand, bodies
//! announced without credentials, bodies at full speed — and the server process's own
//! measures (its memory, a limit on its file descriptors).

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Raises this process's soft limit on open files to at least `min` (within the hard limit):
/// the attacking side needs more sockets than the attacked one may have.
pub fn raise_fd_limit(min: u64) {
    // SAFETY: getrlimit/setrlimit with a valid, initialised struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        if lim.rlim_cur < min {
            assert!(
                lim.rlim_max >= min,
                "the test needs {min} open files; the hard limit is {}",
                lim.rlim_max
            );
            lim.rlim_cur = min;
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        }
    }
}

/// `program args…` with its open-file limit set to `nofile` (soft and hard), as a server on a
/// default desktop or service account runs.
pub fn with_fd_limit(nofile: u32, program: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
        .arg(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    c
}

/// Resident memory of process `pid`, in KiB (Linux `/proc`).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the process runs");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS is reported")
}

/// How `n` connections that each sent half a request's head and went silent ended: how many
/// the server closed, and the longest any of them was held.
#[derive(Debug)]
pub struct Slowloris {
    pub opened: usize,
    pub closed: usize,
    pub longest_held: Duration,
}

/// Opens `n` connections to `addr`, sends each half a request head, and waits (up to `wait`)
/// for the server to close them.
pub async fn slowloris(addr: SocketAddr, n: usize, path: &str, wait: Duration) -> Slowloris {
    let half = format!("POST {path} HTTP/1.1\r\nHost: siege\r\nContent-Type: applic");
    let mut held = Vec::with_capacity(n);
    for _ in 0..n {
        match TcpStream::connect(addr).await {
            Ok(mut s) => {
                let _ = s.write_all(half.as_bytes()).await;
                held.push((s, Instant::now()));
            }
            Err(e) => panic!("connect {} of {n}: {e}", held.len() + 1),
        }
    }
    let opened = held.len();
    let mut waits = Vec::with_capacity(opened);
    for (mut s, since) in held {
        waits.push(tokio::spawn(async move {
            let mut buf = [0u8; 512];
            let ended = tokio::time::timeout(wait, async {
                loop {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {} // e.g. a 408 before closing
                    }
                }
            })
            .await
            .is_ok();
            ended.then(|| since.elapsed())
        }));
    }
    let mut closed = 0;
    let mut longest_held = Duration::ZERO;
    for w in waits {
        if let Some(held_for) = w.await.expect("the watch ran") {
            closed += 1;
            longest_held = longest_held.max(held_for);
        }
    }
    Slowloris {
        opened,
        closed,
        longest_held,
    }
}

/// Sends a request head announcing `len` body bytes — and none of the body — then reads the
/// answer's status line. Returns the status and how long it took to come.
pub async fn announce_body(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    len: usize,
) -> (u16, Duration) {
    let mut s = TcpStream::connect(addr).await.expect("connects");
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: siege\r\nContent-Length: {len}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let started = Instant::now();
    s.write_all(head.as_bytes())
        .await
        .expect("the head is sent");
    (read_status(&mut s).await, started.elapsed())
}

async fn read_status(s: &mut TcpStream) -> u16 {
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.windows(2).any(|w| w == b"\r\n") {
        match tokio::time::timeout(Duration::from_secs(15), s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    let line = String::from_utf8_lossy(&got);
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {line:?}"))
}

/// Sends `n` requests, each with a whole `len`-byte body, as fast as the server takes them
/// (`concurrency` at a time); returns the status of each (0 when the connection ended first).
pub async fn flood_bodies(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    n: usize,
    len: usize,
    concurrency: usize,
) -> Vec<u16> {
    let body = std::sync::Arc::new(vec![b'x'; len]);
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: siege\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n"
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let head = std::sync::Arc::new(head);
    let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let (body, head, sem) = (body.clone(), head.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _slot = sem.acquire_owned().await.expect("open");
            let Ok(mut s) = TcpStream::connect(addr).await else {
                return 0;
            };
            let (mut r, mut w) = s.split();
            let send = async {
                let _ = w.write_all(head.as_bytes()).await;
                let _ = w.write_all(&body).await;
            };
            let mut status = 0;
            let read = async {
                let mut got = Vec::new();
                let mut buf = [0u8; 256];
                while !got.windows(2).any(|x| x == b"\r\n") {
                    match r.read(&mut buf).await {
                        Ok(k) if k > 0 => got.extend_from_slice(&buf[..k]),
                        _ => break,
                    }
                }
                status = String::from_utf8_lossy(&got)
                    .split_whitespace()
                    .nth(1)
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
            };
            let _ =
                tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(send, read) })
                    .await;
            status
        }));
    }
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap_or(0));
    }
    out
}

/// A plain GET with optional headers; the answer's status.
pub async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> u16 {
    let mut s = TcpStream::connect(addr).await.expect("connects");
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: siege\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.expect("sent");
    read_status(&mut s).await
}

/// A server process under test: killed when dropped.
pub struct Spawned {
    pub child: std::process::Child,
    pub addr: SocketAddr,
}

impl Spawned {
    /// Starts `cmd` (stdout piped) and reads its output until a line `prefix ADDR`
    /// (`listening on 127.0.0.1:PORT`, `receiver http://127.0.0.1:PORT`).
    pub fn start(mut cmd: Command, prefix: &str) -> Self {
        use std::io::BufRead;
        let mut child = cmd.spawn().expect("the server starts");
        let out = std::io::BufReader::new(child.stdout.take().expect("stdout is piped"));
        let addr = out
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix(prefix).map(|a| a.trim().to_owned()))
            .unwrap_or_else(|| panic!("the server never printed {prefix:?}"))
            .parse()
            .expect("an address");
        Self { child, addr }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
