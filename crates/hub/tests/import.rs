//! `partner-desk-hub users import FILE`, the real binary on a real PostgreSQL against the
//! sandbox: a messy export (BOM, semicolons, CRLF, quoted delimiters and line breaks, non-Latin
//! names, columns in any order and case) gives one JSON line per data row with its outcome; a
//! second run creates nobody; a run killed mid-create is resumed by the next without a
//! duplicate; a file that cannot be read sends nothing; and P100's 429s only slow it down.

mod common;

use common::secret_file;
use p100::models::{CreateUserRequest, UserProfile};
use p100_sandbox::SandboxConfig;
use p100_sandbox::faults::{Fault, FaultRule};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

const P100_KEY: &str = "sandbox-key-for-the-import-tests-c4";

/// `partner-desk-hub users import FILE …` with `more` arguments, not started yet.
fn import_command(file: &Path, db: &str, p100: &str, key: &Path, more: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partner-desk-hub"));
    cmd.args(["users", "import"])
        .arg(file)
        .args(["--database-url", db, "--p100-url", p100, "--p100-key-file"])
        .arg(key)
        .args(more);
    cmd
}

/// Runs an import to its end: exit code, the JSON lines, stderr.
fn import(
    file: &Path,
    db: &str,
    p100: &str,
    key: &Path,
    more: &[&str],
) -> (i32, Vec<Value>, String) {
    let out = import_command(file, db, p100, key, more).output().unwrap();
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn outcomes(lines: &[Value]) -> Vec<(u64, String, String, Vec<String>)> {
    lines
        .iter()
        .map(|l| {
            (
                l["row"].as_u64().unwrap(),
                l["externalUserId"].as_str().unwrap().to_owned(),
                l["outcome"].as_str().unwrap().to_owned(),
                l["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn row(n: u64, id: &str, outcome: &str, fields: &[&str]) -> (u64, String, String, Vec<String>) {
    (
        n,
        id.into(),
        outcome.into(),
        fields.iter().map(|f| (*f).to_owned()).collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_messy_export_is_imported_row_by_row_and_again_creates_nobody() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let p100 = sandbox.base_url();
    let db = tokio::task::block_in_place(common::migrated_database);
    let dir = tempfile::tempdir().unwrap();
    let key = secret_file(dir.path(), "p100.key", P100_KEY);
    // Made by the partner's backend: a row with only its id tracks it.
    sandbox
        .state()
        .create_user(CreateUserRequest {
            external_user_id: "crm-existing".into(),
            has_accepted_p100_tc: true,
            profile: UserProfile {
                country: Some("PL".into()),
                ..Default::default()
            },
        })
        .unwrap();
    let file = dir.path().join("export.csv");
    let mut csv = b"\xEF\xBB\xBF".to_vec();
    csv.extend_from_slice(
        "COUNTRY;citizenship;FirstName;lastname;Email;externalUserId;street;hasAcceptedP100Tc\r\n\
         PL;PL;Zoë;Kowalska;zoe@example.com;crm-1;\"Długa 5; flat 2\r\nsecond line\";TRUE\r\n\
         UA;UA;Олена;Шевченко;olena@example.com;crm-2;\"Khreshchatyk 1; apt \"\"5\"\"\";yes\r\n\
         PL;PL;Bad;Mail;not-an-email;crm-3;;true\r\n\
         ;;;;;crm-existing;;\r\n\
         ;;;;;crm-nobody-knows;;\r\n\
         PL;PL;Twice;Over;twice@example.com;crm-1;;true\r\n\
         \r\n\
         JP;JP;花子;山田;hanako@example.com;crm-7;\"Shibuya, 1-2\";true\r\n"
            .as_bytes(),
    );
    std::fs::write(&file, &csv).unwrap();

    let (code, lines, err) = import(&file, &db, &p100, &key, &["--per-second", "50"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        outcomes(&lines),
        [
            // The line break inside the quoted street stays in the cell (and the row): P100
            // takes no control characters in a street, so the row is refused at that field.
            row(1, "crm-1", "refused", &["street"]),
            row(2, "crm-2", "created", &[]),
            row(3, "crm-3", "refused", &["email"]),
            row(4, "crm-existing", "tracked", &[]),
            row(5, "crm-nobody-knows", "refused", &["externalUserId"]),
            row(6, "crm-1", "refused", &["externalUserId"]),
            row(7, "crm-7", "created", &[]),
        ]
    );
    assert!(lines[0]["message"].as_str().unwrap().contains("control"));
    let at_p100 = sandbox.state().user("crm-2").unwrap();
    assert_eq!(at_p100.profile.first_name.as_deref(), Some("Олена"));
    assert_eq!(
        at_p100.profile.street.as_deref(),
        Some("Khreshchatyk 1; apt \"5\"")
    );
    assert!(sandbox.state().user("crm-1").is_none());
    let count = sandbox.state().user_count();
    assert_eq!(count, 3, "crm-2, crm-7 and the backend's own");

    // Again: nobody is created, every row has an outcome.
    let (code, lines, err) = import(&file, &db, &p100, &key, &["--per-second", "50"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        lines
            .iter()
            .all(|l| l["outcome"] != "created" && l["outcome"] != "tracked"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 7);
    assert_eq!(sandbox.state().user_count(), count);

    // A file that cannot be read or mapped: exit 2, the reason, nothing sent.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "externalUserId,e-mail\nx,y\n").unwrap();
    let (code, lines, err) = import(&bad, &db, &p100, &key, &[]);
    assert_eq!((code, lines.len()), (2, 0));
    assert!(err.contains("e-mail"), "{err}");
    std::fs::write(&bad, "externalUserId\n\"never closed\n").unwrap();
    let (code, _, err) = import(&bad, &db, &p100, &key, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("never closes"), "{err}");
    assert_eq!(sandbox.state().user_count(), count);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_mid_create_is_resumed_without_a_duplicate_and_429s_only_slow_it() {
    let (_, sandbox) = p100_sandbox::spawn(SandboxConfig::local(P100_KEY))
        .await
        .unwrap();
    let p100 = sandbox.base_url();
    let db = tokio::task::block_in_place(common::migrated_database);
    let dir = tempfile::tempdir().unwrap();
    let key = secret_file(dir.path(), "p100.key", P100_KEY);
    let file = dir.path().join("batch.csv");
    let mut csv = String::from(
        "externalUserId,email,firstName,lastName,country,citizenship,hasAcceptedP100Tc\n",
    );
    for i in 0..30 {
        csv.push_str(&format!("batch-{i},b{i}@example.com,Bo,Lind,PL,PL,true\n"));
    }
    std::fs::write(&file, csv).unwrap();

    // The second create hangs at P100 (it is made after 3 s); the run is killed meanwhile.
    sandbox.state().faults.add(FaultRule {
        fault: Fault::Latency { ms: 1 },
        times: 1,
        path_prefix: Some("/v1/user/balances/crypto-and-fiat".into()),
        method: Some("POST".into()),
    });
    sandbox.state().faults.add(FaultRule {
        fault: Fault::Latency { ms: 3000 },
        times: 1,
        path_prefix: Some("/v1/user/balances/crypto-and-fiat".into()),
        method: Some("POST".into()),
    });
    let mut child = import_command(&file, &db, &p100, &key, &["--per-second", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::BufRead;
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.contains("\"created\""), "{first}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    // P100 finishes the create it was given.
    tokio::time::sleep(std::time::Duration::from_millis(3000)).await;
    assert!(sandbox.state().user("batch-0").is_some());

    // The killed run left batch-1's create open in the outbox: the next run sends that again.
    let open = |db: &str| -> i64 {
        common::psql(db)
            .query_one(
                "SELECT count(*) FROM outbox WHERE target = 'batch-1' AND state IN ('pending', 'unknown')",
                &[],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(tokio::task::block_in_place(|| open(&db)), 1);

    // The next run, under a 429 storm (10 requests a second), finishes every row, once.
    sandbox.state().faults.clear();
    sandbox
        .state()
        .faults
        .set_rate_limit(p100_sandbox::faults::RateLimit {
            enabled: true,
            per_second: 10,
        });
    let started = std::time::Instant::now();
    let (code, lines, err) = import(&file, &db, &p100, &key, &["--per-second", "1000"]);
    let took = started.elapsed();
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines.len(), 30);
    // Each row: done by the first run (on the roster now, so refused), or created by this one
    // — batch-1 from its open outbox entry.
    for l in &lines {
        let done_before = l["outcome"] == "refused" && l["message"] == "already on the roster";
        assert!(l["outcome"] == "created" || done_before, "{l}");
    }
    assert_eq!(
        lines[0]["outcome"], "refused",
        "batch-0 was done by the first run"
    );
    assert_eq!(
        lines[1]["outcome"], "created",
        "batch-1 was finished by this run"
    );
    assert_eq!(sandbox.state().user_count(), 30, "nobody twice");
    assert_eq!(tokio::task::block_in_place(|| open(&db)), 0);
    // The creates through a bucket of 10 refilled at 10 a second: the run waited out the 429s
    // (Retry-After) instead of failing rows.
    assert!(
        took >= std::time::Duration::from_millis(1500),
        "the 429s did not slow the run: {took:?}"
    );
}
