//! A hub replica as deployed: the real binary on a real PostgreSQL, talking to the sandbox over
//! loopback; operators calling it over HTTP with their tokens, P100 posting webhooks to it.

mod common;

use common::{fresh_db, new_user, operator, psql, start_replica};
use p100_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const P100_KEY: &str = "sandbox-key-for-the-hub-3f9a1c";
const WEBHOOK_TOKEN: &str = "whk_the-hubs-webhook-token-7e21b9d4";

struct Team {
    replica: common::Replica,
    url: String,
    http: reqwest::Client,
    olga: String,
    sam: String,
    aude: String,
    _sandbox: p100_sandbox::SandboxHandle,
}

async fn team() -> Team {
    let (_, sandbox) = p100_sandbox::spawn(
        SandboxConfig::local(P100_KEY).with_review_delay(Duration::from_millis(300)),
    )
    .await
    .unwrap();
    // The blocking PostgreSQL client may not run on the async threads.
    let url = tokio::task::block_in_place(common::migrated_database);
    let olga = operator(&url, "olga", "operator");
    let sam = operator(&url, "sam", "supervisor");
    let aude = operator(&url, "aude", "auditor");
    let replica = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    Team {
        replica,
        url,
        http: reqwest::Client::new(),
        olga,
        sam,
        aude,
        _sandbox: sandbox,
    }
}

impl Team {
    async fn call(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        common::call(&self.replica.base, token, method, path, body).await
    }

    async fn op(&self, token: &str, name: &str, args: Value) -> (StatusCode, Value) {
        self.call(Some(token), "POST", &format!("/api/ops/{name}"), Some(args))
            .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_the_api_description() {
    let t = team().await;
    let (status, body) = t.call(None, "GET", "/healthz", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));

    let (status, doc) = t.call(None, "GET", "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let create = &doc["paths"]["/api/users"]["post"];
    assert_eq!(create["operationId"], "createUser");
    assert!(
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap()
            .ends_with("CreateUser")
    );
    let get = &doc["paths"]["/api/users/{externalUserId}"]["get"];
    assert_eq!(get["operationId"], "getUser");
    assert_eq!(get["parameters"][0]["name"], "externalUserId");
    let stages = &doc["components"]["schemas"]["User"]["properties"]["stage"]["enum"];
    assert!(
        stages
            .as_array()
            .unwrap()
            .contains(&json!("verificationSubmitted")),
        "{stages}"
    );
    // Every operation the hub serves is described, and no desktop setting is.
    assert!(doc["paths"]["/api/ops/user_suspend"]["post"].is_object());
    assert!(doc["paths"]["/api/ops/credentials_set"].is_null());
    // Documents go up in P100's multipart shape.
    let kyc = &doc["paths"]["/api/user/kyc-files/{externalUserId}"]["post"];
    assert_eq!(kyc["operationId"], "addKycFiles");
    assert!(
        kyc["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["front"]
            .is_object()
    );
    let poa = &doc["paths"]["/api/user/poa-files/{externalUserId}"]["post"];
    assert_eq!(poa["operationId"], "addPoaFiles");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_enforced_and_the_journal_names_the_operator() {
    let t = team().await;
    // 401: no token, a malformed one, a wrong one.
    for token in [
        None,
        Some("nope"),
        Some(&*format!("{}x", &t.olga[..t.olga.len() - 1])),
    ] {
        let (status, body) = t.call(token, "GET", "/api/users", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["code"], "unauthorized");
    }

    // An auditor reads but does not create.
    let (status, body) = t
        .call(
            Some(&t.aude),
            "POST",
            "/api/users",
            Some(new_user("a@example.com")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("auditor"),
        "{body}"
    );

    // An operator creates (P100's create body); the answer carries the stage.
    let (status, user) = t
        .call(
            Some(&t.olga),
            "POST",
            "/api/users",
            Some(new_user("ada@example.com")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["stage"], "created");
    let ext = user["externalUserId"].as_str().unwrap().to_owned();

    // Bad input is refused at the field, and nothing is sent.
    let (status, body) = t
        .call(
            Some(&t.olga),
            "POST",
            "/api/users",
            Some(json!({"hasAcceptedP100Tc": true, "email": "not-an-email"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "email"),
        "{body}"
    );
    let (status, body) = t
        .op(&t.olga, "user_suspend", json!({"externalUserId": ext}))
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("reason")),
        "{body}"
    );
    let (status, body) = t
        .op(
            &t.olga,
            "user_get",
            json!({"externalUserId": ext, "extra": 1}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("extra")),
        "{body}"
    );

    // Everyone reads it, the auditor included.
    let (status, got) = t
        .call(Some(&t.aude), "GET", &format!("/api/users/{ext}"), None)
        .await;
    assert_eq!(
        (status, &got["externalUserId"]),
        (StatusCode::OK, &json!(ext))
    );
    let (status, body) = t
        .call(Some(&t.aude), "GET", "/api/users/nobody-here", None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("notFound"))
    );

    // Suspend: an operator may; unsuspend and delete: only a supervisor.
    let (status, body) = t
        .op(
            &t.olga,
            "user_suspend",
            json!({"externalUserId": ext, "reason": "fraud review"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = t
        .op(
            &t.olga,
            "user_unsuspend",
            json!({"externalUserId": ext, "reason": "cleared"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = t
        .op(
            &t.sam,
            "user_unsuspend",
            json!({"externalUserId": ext, "reason": "cleared"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = t
        .op(
            &t.olga,
            "user_delete",
            json!({"externalUserId": ext, "confirmation": "ada@example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t
        .op(
            &t.aude,
            "user_suspend",
            json!({"externalUserId": ext, "reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A desktop's own settings are not served, whatever the role.
    let (status, _) = t
        .op(
            &t.sam,
            "credentials_set",
            json!({"kind": "production", "apiKey": "k"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The journal and the timeline name the authenticated operators.
    let (status, journal) = t.op(&t.aude, "journal_recent", json!({"limit": 10})).await;
    assert_eq!(status, StatusCode::OK, "{journal}");
    let who: Vec<(&str, &str)> = journal
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["operation"].as_str().unwrap(),
                l["operator"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(who.contains(&("createUser", "olga")), "{who:?}");
    assert!(who.contains(&("suspendUser", "olga")), "{who:?}");
    assert!(who.contains(&("unsuspendUser", "sam")), "{who:?}");
    let (_, timeline) = t
        .op(&t.aude, "user_timeline", json!({"externalUserId": ext}))
        .await;
    let actors: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["actor"].as_str())
        .collect();
    assert!(
        actors.contains(&"olga") && actors.contains(&"sam"),
        "{timeline}"
    );

    let (code, out, _) = common::hub_cli(&["journal", "verify", "--database-url", &t.url]);
    assert_eq!(code, 0, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_need_the_token_are_acknowledged_at_once_and_claims_are_confirmed_from_the_queue()
{
    let t = team().await;
    let (_, user) = t
        .call(
            Some(&t.olga),
            "POST",
            "/api/users",
            Some(new_user("bo@example.com")),
        )
        .await;
    let ext = user["externalUserId"].as_str().unwrap().to_owned();
    let hook = format!("{}/webhook/user/status", t.replica.base);
    let forged = json!({"externalUserId": ext, "status": "ACTIVE"});

    // No token, a wrong one, an operator's: 401, and nothing recorded.
    for auth in [
        None,
        Some("whk_wrong-token-of-the-right-length-0000"),
        Some(t.olga.as_str()),
    ] {
        let mut req = t.http.post(&hook).json(&forged);
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        assert_eq!(req.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }

    // With the token: acknowledged at once, then confirmed with the sandbox by a worker. The
    // sandbox has not activated the user, so the claim stays unconfirmed and moves nobody.
    let started = Instant::now();
    let res = t
        .http
        .post(&hook)
        .header("Authorization", WEBHOOK_TOKEN)
        .json(&forged)
        .send()
        .await
        .unwrap();
    let acked = started.elapsed();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        acked < Duration::from_millis(500),
        "acknowledged after {acked:?}"
    );
    let settled = loop {
        let (_, timeline) = t
            .op(&t.aude, "user_timeline", json!({"externalUserId": ext}))
            .await;
        let claim = timeline
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "webhookClaim")
            .cloned()
            .expect("the claim is on the timeline");
        if claim["detail"]["confirmation"] != "pending" {
            break claim;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still pending: {claim}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        settled["detail"]["confirmation"], "unconfirmed",
        "{settled}"
    );
    let (_, after) = t
        .call(Some(&t.aude), "GET", &format!("/api/users/{ext}"), None)
        .await;
    assert_eq!(
        (after["status"].as_str(), after["stage"].as_str()),
        (Some("WAITING_FOR_ACTIVATION"), Some("created"))
    );
    let jobs: i64 = tokio::task::block_in_place(|| {
        psql(&t.url)
            .query_one("SELECT count(*) FROM claim_jobs", &[])
            .unwrap()
            .get(0)
    });
    assert_eq!(jobs, 0, "the job is done");

    // An unknown user is acknowledged and ignored; a body outside the documented enum is refused.
    let res = t
        .http
        .post(&hook)
        .header("Authorization", WEBHOOK_TOKEN)
        .json(&json!({"externalUserId": "somebody-else", "status": "ACTIVE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = t
        .http
        .post(&hook)
        .header("Authorization", WEBHOOK_TOKEN)
        .json(&json!({"externalUserId": ext, "status": "PWNED"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_and_the_webhook_token_stay_out_of_answers_logs_and_the_database() {
    let t = team().await;
    let (_, _) = t
        .call(
            Some(&t.olga),
            "POST",
            "/api/users",
            Some(new_user("cy@example.com")),
        )
        .await;
    let (_, env) = t.call(Some(&t.olga), "GET", "/api/me", None).await;
    assert_eq!(env["name"], "olga");
    let (_, info) = t.op(&t.olga, "users_list", json!({})).await;
    let dump: String = tokio::task::block_in_place(|| {
        psql(&t.url)
            .query_one(
                "SELECT concat_ws(' ', (SELECT string_agg(s::text, ' ') FROM settings s),
                                   (SELECT string_agg(j::text, ' ') FROM journal j),
                                   (SELECT string_agg(e::text, ' ') FROM events e),
                                   (SELECT string_agg(o::text, ' ') FROM outbox o),
                                   (SELECT string_agg(u::text, ' ') FROM users u))",
                &[],
            )
            .unwrap()
            .get(0)
    });
    let log = t.replica.log_text();
    assert!(!log.is_empty(), "the replica logs at debug");
    for (what, secret) in [
        ("the P100 key", P100_KEY),
        ("the webhook token", WEBHOOK_TOKEN),
        ("an operator token", t.olga.as_str()),
    ] {
        assert!(!dump.contains(secret), "{what} is in the database");
        assert!(!log.contains(secret), "{what} is in the log");
        assert!(
            !info.to_string().contains(secret) && !env.to_string().contains(secret),
            "{what} is in an answer"
        );
    }
}

#[test]
fn a_secret_file_that_anyone_may_read_or_that_is_not_a_token_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let (url, _db) = fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let key = common::secret_file(dir.path(), "key", P100_KEY);
    let token = common::secret_file(dir.path(), "token", "short");
    let run = |key: &std::path::Path, token: &std::path::Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_partner-desk-hub"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &url,
                "--p100-url",
                "http://127.0.0.1:9",
            ])
            .arg("--p100-key-file")
            .arg(key)
            .arg("--webhook-token-file")
            .arg(token)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&key, &token);
    assert_ne!(code, Some(0));
    assert!(err.contains("at least 24"), "{err}");
    let good = common::secret_file(dir.path(), "token2", WEBHOOK_TOKEN);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, err) = run(&key, &good);
    assert_ne!(code, Some(0));
    assert!(err.contains("anyone on the machine may read it"), "{err}");
    assert!(!err.contains(P100_KEY));
}
