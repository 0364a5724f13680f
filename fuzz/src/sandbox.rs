//! The sandbox in-process: one router and one paused-clock tokio runtime for the whole fuzzing
//! process, a known set of users laid down before every request, and the request itself.

use crate::input::Input;
use crate::multipart;
use crate::oracle::{self, Answer, Key, Sent};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Uri, header};
use p100::models::{
    CreateKycVerificationRequest, CreateUserRequest, DocumentType, IncomeSource, KycFileSide,
    OpenAccountReason, UserProfile, UserVerificationRequest,
};
use p100::routes::{self, Route};
use p100_sandbox::SandboxConfig;
use p100_sandbox::files::Upload;
use p100_sandbox::model::{Outcome, PoaOutcome};
use p100_sandbox::state::Sandbox;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tower::ServiceExt;

pub const KEY: &str = "fuzz-sandbox-key-0123456789";
const REVIEW_DELAY: Duration = Duration::from_secs(2);

pub struct Harness {
    rt: tokio::runtime::Runtime,
    state: Arc<Sandbox>,
    app: Router,
    /// The ids [`seed`] returned and the users it laid down, serialised; `None` once a request
    /// may have changed them (the next input seeds again).
    seeded: Mutex<Option<Seeded>>,
}

struct Seeded {
    ids: Vec<String>,
    /// Each user as JSON, by id.
    users: HashMap<String, Vec<u8>>,
}

fn user_json(user: &p100_sandbox::model::User) -> Vec<u8> {
    serde_json::to_vec(user).expect("a user serialises")
}

/// Every user by id, as JSON. Too slow to take for every input; taken once per seeding.
fn snapshot(state: &Sandbox) -> HashMap<String, Vec<u8>> {
    state
        .all_users()
        .iter()
        .map(|u| (u.external_user_id.clone(), user_json(u)))
        .collect()
}

/// The ids a request can name: its percent-decoded path segments and the body's
/// `externalUserId`. Only these users can change (plus new ones, which change the count).
fn named_ids(uri: &Uri, body: &[u8]) -> Vec<String> {
    let mut ids: Vec<String> = uri
        .path()
        .split('/')
        .map(|seg| String::from_utf8_lossy(&oracle::percent_decode(seg)).into_owned())
        .collect();
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(body)
        && let Some(serde_json::Value::String(ext)) = map.get("externalUserId")
    {
        ids.push(ext.clone());
    }
    ids
}

/// Built on first use and kept: a router and state per input would cost more than the request.
pub fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        // A paused clock auto-advances when the runtime is idle, so the review timers started by
        // a request fire during the wait after it, at once and in a fixed order.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("tokio runtime");
        let config = SandboxConfig::local(KEY).with_review_delay(REVIEW_DELAY);
        let state = Arc::new(Sandbox::new(config).expect("in-memory sandbox"));
        let app = p100_sandbox::router(state.clone());
        Harness {
            rt,
            state,
            app,
            seeded: Mutex::new(None),
        }
    })
}

/// The ids laid down by [`seed`]; a path segment picks one of these most of the time.
pub const USERS: &[&str] = &[
    "new-pl",    // WAITING_FOR_ACTIVATION, no KYC
    "new-ua",    // same, POA required
    "files-pl",  // complete passport set (Method A), no verification yet
    "review-pl", // verification under manual review
    "hosted",    // hosted KYC session pending; its verification id is the last known id
    "hosted-ok", // hosted check passed, verification not sent yet
    "active-pl", // ACTIVE
    "active-ua", // ACTIVE, POA required, none sent
    "poa-wait",  // ACTIVE, POA waiting (manual review)
    "poa-ok",    // ACTIVE, POA approved
    "cards",     // ACTIVE with active cards (suspend answers P454)
    "suspended", // SUSPENDED
    "deleted",   // DELETED
    "nobody",    // never created
    "crypto",    // literal paths win over templated ones
    "verification",
];

fn profile(country: &str, email: &str) -> UserProfile {
    let s = |v: &str| Some(v.to_owned());
    UserProfile {
        email: s(email),
        phone: s("48500000000"),
        first_name: s("Ada"),
        last_name: s("Lovelace"),
        street: s("Example Street"),
        number: s("1/2"),
        city: s("Exampletown"),
        post_code: s("00-000"),
        country: s(country),
        citizenship: s("PL"),
        nationality: s("PL"),
        birth_country: s("PL"),
        birth_date: s("1990-01-01"),
        user_identification_number: s("90010112345"),
    }
}

fn upload(field: &str, name: &str, mime: &'static str) -> Upload {
    Upload {
        field: field.to_owned(),
        file_name: name.to_owned(),
        size: 1024,
        mime: Some(mime),
    }
}

/// Empties the sandbox and lays down [`USERS`] in their states; returns the ids a segment may
/// pick (the users, then the hosted session's verification id). Runs inside the runtime: the
/// state starts review timers with `tokio::spawn` (all manual here, so none fire).
fn seed(state: &Arc<Sandbox>) -> Vec<String> {
    state.reset();
    let ok = |r: Result<_, p100_sandbox::error::ApiError>, what: &str| {
        if let Err(e) = r {
            panic!("seeding {what}: {} {}", e.code, e.message)
        }
    };
    let create = |ext: &str, country: &str, email: &str| {
        ok(
            state
                .create_user(CreateUserRequest {
                    external_user_id: ext.to_owned(),
                    has_accepted_p100_tc: true,
                    profile: profile(country, email),
                })
                .map(|_| ()),
            ext,
        )
    };
    let files = |ext: &str| {
        let set = [
            (
                KycFileSide::Front,
                upload("front", "passport.jpg", "image/jpeg"),
            ),
            (
                KycFileSide::Selfie,
                upload("selfie", "selfie.png", "image/png"),
            ),
        ];
        ok(
            state
                .add_kyc_files(ext, DocumentType::Passport, &set)
                .map(|_| ()),
            ext,
        )
    };
    let verify = |ext: &str| {
        ok(
            state
                .add_verification(UserVerificationRequest {
                    external_user_id: ext.to_owned(),
                    document_type: DocumentType::Passport,
                    document_number: "MANUAL-1".to_owned(),
                    issuing_country: "PL".to_owned(),
                    issue_date: Some("2020-01-01".to_owned()),
                    expiry_date: "2035-01-01".to_owned(),
                })
                .map(|_| ()),
            ext,
        )
    };
    let active = |ext: &str, country: &str, email: &str| {
        create(ext, country, email);
        files(ext);
        verify(ext);
        ok(state.decide_kyc(ext, Outcome::Approve), ext);
    };
    let hosted = |ext: &str| -> String {
        let r = state.create_hosted(&CreateKycVerificationRequest {
            external_user_id: ext.to_owned(),
            document_type: DocumentType::Passport,
            country: "PL".to_owned(),
            income_source: IncomeSource::Salary,
            open_account_reason: OpenAccountReason::DailyUse,
            tax_id: None,
            occupation: None,
            additional_info: Some("fuzz".to_owned()),
        });
        match r {
            Ok(r) => r.verification_id,
            Err(e) => panic!("seeding {ext}: {} {}", e.code, e.message),
        }
    };
    let poa = |ext: &str| {
        let set = [upload("files", "manual.pdf", "application/pdf")];
        ok(state.add_poa(ext, &set).map(|_| ()), ext);
    };

    let mail = "ada@example.com";
    create("new-pl", "PL", mail);
    create("new-ua", "UA", mail);
    create("files-pl", "PL", mail);
    files("files-pl");
    create("review-pl", "PL", mail);
    files("review-pl");
    verify("review-pl");
    create("hosted", "PL", mail);
    let verification_id = hosted("hosted");
    create("hosted-ok", "PL", mail);
    let done = hosted("hosted-ok");
    ok(
        state.complete_hosted("hosted-ok", &done, Outcome::Manual),
        "hosted-ok",
    );
    ok(state.decide_kyc("hosted-ok", Outcome::Approve), "hosted-ok");
    active("active-pl", "PL", mail);
    active("active-ua", "UA", mail);
    active("poa-wait", "UA", mail);
    poa("poa-wait");
    active("poa-ok", "UA", mail);
    poa("poa-ok");
    ok(
        state.decide_poa_now("poa-ok", PoaOutcome::Approve),
        "poa-ok",
    );
    active("cards", "PL", "ada+cards@example.com");
    active("suspended", "PL", mail);
    ok(state.suspend_user("suspended").map(|_| ()), "suspended");
    create("deleted", "PL", mail);
    ok(state.delete_user("deleted").map(|_| ()), "deleted");

    let mut ids: Vec<String> = USERS.iter().map(|s| (*s).to_owned()).collect();
    ids.push(verification_id);
    ids
}

/// A request the targets describe; [`send`] seeds the sandbox, builds and sends it, and checks
/// the answer.
pub struct Spec<'a> {
    /// The route the request aims at, or `None` for a raw path.
    pub route: Option<&'static Route>,
    pub method: Method,
    pub key: Key,
    /// One per placeholder of the route's template (the whole path for a raw one).
    pub segments: Vec<Segment<'a>>,
    /// Query string without the `?`, if any.
    pub query: Option<&'a [u8]>,
    pub content_type: Option<Vec<u8>>,
    pub body: Vec<u8>,
}

pub enum Segment<'a> {
    /// Index into the ids [`seed`] returns, percent-encoded as the client does.
    Known(usize),
    /// Raw bytes, percent-encoded as the client does (`p100::routes::Route::path`).
    Encoded(&'a [u8]),
    /// Raw bytes put into the path as they are (re-encoded only if they cannot form a URI).
    Verbatim(&'a [u8]),
}

impl<'a> Segment<'a> {
    /// One byte below 0x80 picks a known id; otherwise its low 6 bits are the length of the
    /// raw bytes that follow, sent percent-encoded, or verbatim when bit 6 is set.
    pub fn read(inp: &mut Input<'a>) -> Self {
        let b = inp.byte();
        if b < 0x80 {
            Segment::Known(usize::from(b))
        } else {
            let raw = inp.bytes(usize::from(b & 0x3F));
            if b & 0x40 != 0 {
                Segment::Verbatim(raw)
            } else {
                Segment::Encoded(raw)
            }
        }
    }
}

/// Methods a request may use instead of its route's own.
pub const METHODS: &[Method] = &[
    Method::GET,
    Method::POST,
    Method::PATCH,
    Method::DELETE,
    Method::PUT,
    Method::HEAD,
    Method::OPTIONS,
    Method::TRACE,
];

pub fn route_method(route: &Route) -> Method {
    match route.method {
        routes::Method::Get => Method::GET,
        routes::Method::Post => Method::POST,
        routes::Method::Patch => Method::PATCH,
        routes::Method::Delete => Method::DELETE,
    }
}

/// Whether the route reads a multipart body.
pub fn is_upload(route: &Route) -> bool {
    route.template == routes::ADD_KYC_FILE.template
        || route.template == routes::ADD_POA_FILE.template
}

/// Whether the route reads a JSON body.
pub fn is_json(route: &Route) -> bool {
    matches!(route.method, routes::Method::Post | routes::Method::Patch) && !is_upload(route)
}

/// `Content-Type` values a request may carry instead of its route's own; `None` sends none.
/// `multipart` marks the ones whose body is built by [`multipart::body`].
pub fn content_type(choice: u8) -> (Option<Vec<u8>>, bool) {
    let mp = format!("multipart/form-data; boundary={}", multipart::BOUNDARY).into_bytes();
    let quoted = format!("multipart/form-data; boundary=\"{}\"", multipart::BOUNDARY).into_bytes();
    match choice % 11 {
        0 => (None, false),
        1 => (Some(b"application/json".to_vec()), false),
        2 => (Some(b"application/json; charset=utf-8".to_vec()), false),
        3 => (Some(b"text/plain".to_vec()), false),
        4 => (Some(mp), true),
        5 => (Some(mp), false),
        6 => (Some(b"multipart/form-data".to_vec()), false),
        7 => (Some(b"APPLICATION/JSON ; x=y".to_vec()), false),
        8 => (Some(b"application/x-www-form-urlencoded".to_vec()), false),
        9 => (Some(quoted), true),
        _ => (Some(b"multipart/form-data; boundary=other".to_vec()), true),
    }
}

/// Everything but RFC 3986 unreserved characters as `%XX`, like `p100::routes`.
fn encode(raw: &[u8], out: &mut Vec<u8>) {
    for &b in raw {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
}

/// The bytes a URI cannot hold as `%XX`, keeping the ones that shape a path and query.
fn repair(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for &b in raw {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%?".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

fn uri(spec: &Spec<'_>, ids: &[String]) -> Option<Uri> {
    let mut path = Vec::with_capacity(64);
    let mut segments = spec.segments.iter();
    let put = |seg: Option<&Segment<'_>>, path: &mut Vec<u8>| match seg {
        None => {}
        Some(Segment::Known(i)) => encode(ids[i % ids.len()].as_bytes(), path),
        Some(Segment::Encoded(raw)) => encode(raw, path),
        Some(Segment::Verbatim(raw)) => path.extend_from_slice(raw),
    };
    match spec.route {
        Some(route) => {
            let mut rest = route.template;
            while let Some(open) = rest.find('{') {
                path.extend_from_slice(&rest.as_bytes()[..open]);
                put(segments.next(), &mut path);
                let close = rest[open..].find('}').map_or(rest.len(), |i| open + i + 1);
                rest = &rest[close..];
            }
            path.extend_from_slice(rest.as_bytes());
        }
        None => {
            path.push(b'/');
            put(segments.next(), &mut path);
        }
    }
    if let Some(q) = spec.query {
        path.push(b'?');
        path.extend_from_slice(q);
    }
    let parsed = Uri::try_from(path.as_slice())
        .or_else(|_| Uri::try_from(repair(&path)))
        .ok()?;
    // Only origin-form paths: a raw path must not turn into an authority or a scheme.
    (parsed.scheme().is_none() && parsed.path().starts_with('/')).then_some(parsed)
}

/// `FUZZ_TRACE=1` prints each exchange's method, URI, status and `errorCode` to stderr (to see
/// what a corpus reaches: run the target on it with `-runs=0`).
fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some_and(|v| v == "1"))
}

/// The HTTP request for `spec`, or `None` when the bytes cannot form one (or it would go to
/// the sandbox's own admin routes).
fn request(spec: &Spec<'_>, ids: &[String]) -> Option<(Uri, Request<Body>)> {
    let uri = uri(spec, ids)?;
    // The admin routes are the sandbox's own, not P100's; a raw path stays off them (they would
    // also leave a rate limit behind for the next inputs).
    if uri.path().starts_with("/_sandbox") {
        return None;
    }
    let mut req = Request::builder()
        .method(spec.method.clone())
        .uri(uri.clone());
    let name = p100::auth::API_KEY_HEADER;
    match spec.key {
        Key::Valid => req = req.header(name, KEY),
        Key::Missing => {}
        Key::Empty => req = req.header(name, ""),
        Key::WrongSameLength => req = req.header(name, "x".repeat(KEY.len())),
        Key::Wrong => req = req.header(name, "sk_live_other"),
        Key::WrongThenValid => req = req.header(name, "sk_live_other").header(name, KEY),
    }
    if let Some(ct) = &spec.content_type {
        req = req.header(header::CONTENT_TYPE, HeaderValue::from_bytes(ct).ok()?);
    }
    // What hyper would add for a body it received whole.
    req = req.header(header::CONTENT_LENGTH, spec.body.len());
    let req = req.body(Body::from(spec.body.clone())).ok()?;
    Some((uri, req))
}

/// Seeds the sandbox if needed, sends the request, and checks the answer and what the request
/// did to the users, panicking with the whole exchange when a check fails.
pub fn send(spec: &Spec<'_>) {
    let h = harness();
    let mut seeded = h.seeded.lock().unwrap_or_else(|e| e.into_inner());
    // Seeding costs more than most requests, so it is redone only after a request that may have
    // changed the users (an accepted change); every other request must leave them as they were.
    let Seeded { ids, users } = seeded.take().unwrap_or_else(|| {
        let ids = h.rt.block_on(async { seed(&h.state) });
        Seeded {
            ids,
            users: snapshot(&h.state),
        }
    });
    let Some((uri, req)) = request(spec, &ids) else {
        *seeded = Some(Seeded { ids, users });
        return;
    };
    let answer = h.rt.block_on(async {
        let resp = h.app.clone().oneshot(req).await.expect("infallible");
        let (parts, body) = resp.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .expect("the answer's body can be read");
        Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    });
    if trace() {
        let code = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| {
                v.get("errorCode")
                    .and_then(|c| c.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        eprintln!(
            "FUZZ_TRACE {} {uri} -> {} {code}",
            spec.method,
            answer.status.as_u16()
        );
    }
    let sent = Sent {
        method: &spec.method,
        uri: &uri,
        key: spec.key,
        content_type: spec.content_type.as_deref(),
        body: &spec.body,
    };
    if let Err(why) = oracle::check(&sent, &answer) {
        panic!(
            "{why}\n--- request\n{} {}\nkey: {:?}\ncontent-type: {:?}\nbody: {:?}\n--- answer\n{} {:?}\n{:?}",
            spec.method,
            uri,
            spec.key,
            spec.content_type.as_deref().map(String::from_utf8_lossy),
            String::from_utf8_lossy(&spec.body),
            answer.status,
            answer.headers,
            String::from_utf8_lossy(&answer.body),
        );
    }
    // Retrieve Exchange Rate and Create a Lock is a GET (as P100 documents it) that keeps a lock.
    let makes_lock = spec.method == Method::GET
        && oracle::matched_template(uri.path()) == Some(routes::GET_EXCHANGE_LOCK.template);
    let changes = answer.status.is_success()
        && (makes_lock || !matches!(spec.method, Method::GET | Method::HEAD));
    if changes {
        // Fire every review timer the request started (at once and in a fixed order: the clock
        // is paused), and seed again for the next input.
        h.rt.block_on(async { tokio::time::sleep(REVIEW_DELAY * 2).await });
    } else {
        // The sandbox promises that a refused call (and any read) changes nothing: no user is
        // added, and the users the request names are as they were.
        let count = h.state.user_count();
        assert_eq!(
            count,
            users.len(),
            "a request answered {} added users: {} {uri}",
            answer.status,
            spec.method
        );
        for ext in named_ids(&uri, &spec.body) {
            let now = h.state.user(&ext).map(|u| user_json(&u));
            let before = users.get(&ext);
            if now.as_ref() != before {
                panic!(
                    "a request answered {} changed user {ext:?}\n--- request\n{} {uri}\n--- before\n{}\n--- after\n{}",
                    answer.status,
                    spec.method,
                    String::from_utf8_lossy(before.map_or(&b""[..], |b| &b[..])),
                    String::from_utf8_lossy(now.as_deref().unwrap_or(b"")),
                );
            }
        }
        *seeded = Some(Seeded { ids, users });
    }
}
