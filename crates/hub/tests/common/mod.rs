//! Fixtures of the hub's tests: a fresh database on the throwaway PostgreSQL cluster that
//! `scripts/with-postgres.sh` starts (the test command runs every Rust test under it).
#![allow(dead_code)]

use hub::Db;
use postgres::NoTls;

/// The cluster's URL; a clear failure when the tests run without one.
pub fn server_url() -> String {
    std::env::var("PARTNER_DESK_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "the hub's tests need PostgreSQL: run them under scripts/with-postgres.sh \
             (scripts/test.sh does), e.g. `scripts/with-postgres.sh cargo test -p partner-desk-hub`"
        )
    })
}

/// A new, empty database on the cluster: its URL.
pub fn fresh_database_url() -> String {
    let server = server_url();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = postgres::Client::connect(&server, NoTls).expect("the test cluster answers");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("a test database can be created");
    let (base, _) = server.rsplit_once('/').expect("a URL with a database name");
    format!("{base}/{name}")
}

/// A fresh database, migrated, and a pool on it.
pub fn fresh_db() -> (String, Db) {
    let url = fresh_database_url();
    let db = Db::connect(&url, 8).expect("a pool");
    hub::db::migrate(&db).expect("the schema migrates");
    (url, db)
}

/// A fresh, migrated database: its URL only (no pool is left open, so async tests may call it
/// through `block_in_place`).
pub fn migrated_database() -> String {
    fresh_db().0
}

/// A direct connection (what an administrator with psql has).
pub fn psql(url: &str) -> postgres::Client {
    postgres::Client::connect(url, NoTls).expect("the test database answers")
}

/// Runs the hub's binary with `args`; its exit code, stdout and stderr.
pub fn hub_cli(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_partner-desk-hub"))
        .args(args)
        .output()
        .expect("the hub's binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A hub replica running as its own process (the real binary), killed when dropped. Its
/// stderr (the log) goes to a file that tests read for secrets.
pub struct Replica {
    pub child: std::process::Child,
    pub base: String,
    pub log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Replica {
    /// The replica's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The replica's own temporary directory (its `TMPDIR`), where uploads are spooled.
    pub fn tmp(&self) -> std::path::PathBuf {
        self._dir.path().join("tmp")
    }
}

/// A secret file as an operator would make it: the text and a newline, mode 600.
pub fn secret_file(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("{text}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// Starts `partner-desk-hub serve` on a free port against `p100_url`; waits for its first line.
pub fn start_replica(
    database_url: &str,
    p100_url: &str,
    p100_key: &str,
    webhook_token: &str,
) -> Replica {
    start_replica_with(database_url, p100_url, p100_key, webhook_token, &[])
}

/// [`start_replica`] with more arguments for `serve`.
pub fn start_replica_with(
    database_url: &str,
    p100_url: &str,
    p100_key: &str,
    webhook_token: &str,
    more: &[&str],
) -> Replica {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let key_file = secret_file(dir.path(), "p100.key", p100_key);
    let token_file = secret_file(dir.path(), "webhook.token", webhook_token);
    let log = dir.path().join("hub.log");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_partner-desk-hub"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
            "--p100-url",
            p100_url,
        ])
        .arg("--p100-key-file")
        .arg(&key_file)
        .arg("--webhook-token-file")
        .arg(&token_file)
        .args(more)
        .env("RUST_LOG", "debug")
        .env("TMPDIR", &tmp)
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("the hub's binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| {
            panic!(
                "the first line is {first:?}; log: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        })
        .to_owned();
    Replica {
        child,
        base: format!("http://{addr}"),
        log,
        _dir: dir,
    }
}

/// Adds an operator with the CLI; their token.
pub fn operator(database_url: &str, name: &str, role: &str) -> String {
    let (code, out, err) = hub_cli(&[
        "operator",
        "add",
        name,
        "--role",
        role,
        "--database-url",
        database_url,
    ]);
    assert_eq!(code, 0, "{err}");
    out.lines().last().unwrap().trim().to_owned()
}

/// Follows a replica's live updates as a desktop does (`HubClient::follow`); they arrive on the
/// channel. Returns once the stream is open (its `Open` event taken): what happens after is heard,
/// and a test that then stops the database does not race the stream's own sign-in.
pub async fn listen(
    base: &str,
    token: &str,
) -> tokio::sync::mpsc::UnboundedReceiver<desk::hub_client::HubEvent> {
    let mut rx = follow(desk::hub_client::HubClient::new(base.parse().unwrap(), token).unwrap());
    let open = next_matching(&mut rx, std::time::Duration::from_secs(10), |e| {
        *e == desk::hub_client::HubEvent::Open
    })
    .await;
    assert!(open.is_some(), "the live stream did not open");
    rx
}

/// Follows `hub`'s live updates; they arrive on the channel.
pub fn follow(
    hub: desk::hub_client::HubClient,
) -> tokio::sync::mpsc::UnboundedReceiver<desk::hub_client::HubEvent> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let _ = hub
            .follow(move |e| {
                let _ = tx.send(e);
            })
            .await;
    });
    rx
}

/// The first event on `rx` within `within` that `pred` accepts.
pub async fn next_matching(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<desk::hub_client::HubEvent>,
    within: std::time::Duration,
    pred: impl Fn(&desk::hub_client::HubEvent) -> bool,
) -> Option<desk::hub_client::HubEvent> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(s)) if pred(&s) => return Some(s),
            Ok(Some(_)) => continue,
            _ => return None,
        }
    }
}

/// The live update is about this user.
pub fn about(ext: &str) -> impl Fn(&desk::hub_client::HubEvent) -> bool + '_ {
    move |e| matches!(e, desk::hub_client::HubEvent::User(u) if u.external_user_id == ext)
}

/// An HTTP call to a replica as an operator (or anonymously): the status and the JSON answer.
pub async fn call(
    base: &str,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let http = reqwest::Client::new();
    let url = format!("{base}{path}");
    let mut req = match method {
        "GET" => http.get(url),
        _ => http.post(url),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("the replica answers");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// A create body (P100's) for Ada Lovelace in Poland.
pub fn new_user(email: &str) -> serde_json::Value {
    serde_json::json!({"hasAcceptedP100Tc": true, "email": email, "firstName": "Ada",
                       "lastName": "Lovelace", "country": "PL", "citizenship": "PL"})
}

/// A person for `user_create`, from the desk core's side: `first last` in `country`.
pub fn person(email: &str, first: &str, last: &str, country: &str) -> desk::users::NewUser {
    desk::users::NewUser {
        has_accepted_p100_tc: true,
        profile: p100::models::UserProfile {
            email: Some(email.into()),
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            country: Some(country.into()),
            citizenship: Some(country.into()),
            ..Default::default()
        },
    }
}

/// Activates `ext` at the sandbox the way the partner's own backend would (files, then the
/// verification the sandbox approves after its review delay).
pub async fn activate_at_sandbox(sandbox: &p100_sandbox::SandboxHandle, key: &str, ext: &str) {
    let client = p100::Client::new(
        sandbox.base_url().parse().unwrap(),
        p100::ApiKey::new(key).unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<p100::upload::UploadFile> = ["front", "selfie"]
        .into_iter()
        .map(|side| {
            let path = dir.path().join(format!("{side}.jpg"));
            let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
            jpeg.resize(200, 0x11);
            std::fs::write(&path, &jpeg).unwrap();
            p100::upload::UploadFile {
                field: side.into(),
                file_name: format!("{side}.jpg"),
                mime: "image/jpeg".into(),
                path,
                size: 200,
            }
        })
        .collect();
    client
        .add_kyc_files(ext, p100::models::DocumentType::Passport, &files, None)
        .await
        .unwrap();
    client
        .add_user_verification(&p100::models::UserVerificationRequest {
            external_user_id: ext.into(),
            document_type: p100::models::DocumentType::Passport,
            document_number: "AB123456".into(),
            issuing_country: "PL".into(),
            issue_date: None,
            expiry_date: "2035-01-01".into(),
        })
        .await
        .unwrap();
    for _ in 0..200 {
        if client
            .get_user_balances(ext)
            .await
            .is_ok_and(|b| !b.fiat_balances.is_empty())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{ext} never verified");
}
