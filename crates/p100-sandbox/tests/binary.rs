//! The `p100-sandbox` binary, as demos and other processes use it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_p100-sandbox");

struct Running(Child, String);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> Running {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--api-key", "bin-key"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    Running(child, format!("http://{addr}"))
}

#[test]
fn help_explains_every_flag_and_the_magic_values() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--listen",
        "--api-key",
        "--webhook-url",
        "--webhook-token",
        "--state",
        "--review-delay-ms",
        "REJECT_<REASON>",
        "+cards",
        "/_sandbox/faults",
    ] {
        assert!(text.contains(flag), "--help lacks {flag}");
    }
    let bad = Command::new(BIN)
        .args(["--listen", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--listen nowhere"));
    let no_key = Command::new(BIN)
        .env_remove("P100_SANDBOX_API_KEY")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("--api-key is required"));
}

#[tokio::test]
async fn state_file_keeps_users_across_process_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.sqlite3");
    let state = state.to_str().unwrap();
    let http = reqwest::Client::new();
    let id = uuid::Uuid::new_v4().to_string();
    {
        let sb = start(&["--state", state]);
        let r = http
            .post(format!("{}/v1/user/balances/crypto-and-fiat", sb.1))
            .header("x-api-key", "bin-key")
            .json(&serde_json::json!({"externalUserId": id, "hasAcceptedP100Tc": true, "email": "a@b.co",
                                      "firstName": "A", "lastName": "B", "country": "PL", "citizenship": "PL"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
    } // killed, not shut down: the file must already hold the user
    let sb = start(&["--state", state]);
    let r = http
        .get(format!("{}/v1/kyc/status/{id}", sb.1))
        .header("x-api-key", "bin-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "known user (P445), not P412");
    let fresh = start(&[]);
    let r = http
        .get(format!("{}/v1/kyc/status/{id}", fresh.1))
        .header("x-api-key", "bin-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "without --state nothing is kept");
}
