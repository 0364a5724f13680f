//! `p100::response::decode`, the client's reading of every P100 answer, for each response model
//! the client asks for (and `serde_json::Value`), any status and `Retry-After`.
//!
//! Input: byte 0 picks the model; byte 1 picks the status (below 0xF0: from a table of the
//! statuses P100 and proxies send; else bytes 1-2 give any status 100-999); byte 3 gives the
//! `Retry-After` (0: none; else `(b - 1) % 16` bytes follow); the rest is the body.
//!
//! Beyond "no panic", the result must agree with what the body and status say: 401 is always
//! access denied with the reason the body names, 429 always rate limited with the header's
//! seconds, an envelope-shaped body always an API error carrying its fields, a 2xx success reads
//! back the same after a round trip through JSON, a 5xx without envelope is a server error, and
//! anything else an unexpected response with a short non-empty detail.
#![no_main]

use libfuzzer_sys::fuzz_target;
use p100::error::{DenyReason, Error};
use p100::models::{
    CreateKycVerificationResponse, CreateUserResponse, KycFilesResponse, KycStatus,
    PoaUploadResponse, TransactionPage, UserAccount, UserBalances,
};
use p100::response::decode;
use partner_desk_fuzz::input::Input;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt::Debug;
use std::time::Duration;

const STATUSES: &[u16] = &[
    200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500,
    501, 502, 503, 504, 100, 299, 599,
];

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let model = inp.byte();
    let s = inp.byte();
    let status = if s < 0xF0 {
        STATUSES[usize::from(s) % STATUSES.len()]
    } else {
        100 + u16::from_be_bytes([s & 0x0F, inp.byte()]) % 900
    };
    let r = inp.byte();
    let raw_retry = if r == 0 {
        None
    } else {
        Some(inp.bytes(usize::from(r - 1) % 16))
    };
    // reqwest's `HeaderValue::to_str` gives visible ASCII (and spaces, tabs) or nothing.
    let retry_after = raw_retry
        .filter(|b| b.iter().all(|&c| c == b'\t' || (0x20..0x7F).contains(&c)))
        .map(|b| std::str::from_utf8(b).expect("ASCII"));
    let body = inp.rest();
    match model % 9 {
        // Numbers: serde_json's default float parsing may be one ULP off after a round trip.
        0 => check::<Value>(status, retry_after, body, false),
        1 => check::<CreateUserResponse>(status, retry_after, body, true),
        2 => check::<UserAccount>(status, retry_after, body, true),
        3 => check::<KycStatus>(status, retry_after, body, true),
        4 => check::<CreateKycVerificationResponse>(status, retry_after, body, true),
        5 => check::<KycFilesResponse>(status, retry_after, body, true),
        6 => check::<PoaUploadResponse>(status, retry_after, body, true),
        // f64 fields, likewise.
        7 => check::<UserBalances>(status, retry_after, body, false),
        _ => check::<TransactionPage>(status, retry_after, body, true),
    }
});

/// The body as P100's error envelope, read independently of the client: a JSON object whose
/// `errorCode` is a string, whose `errorName`/`errorMessage` are strings or null when present,
/// and whose keys are not repeated.
fn envelope(body: &[u8]) -> Option<(String, Option<String>, String)> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let obj = v.as_object()?;
    let code = obj.get("errorCode")?.as_str()?.to_owned();
    let opt = |k: &str| match obj.get(k) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    };
    let name = opt("errorName")?;
    let message = opt("errorMessage")?.unwrap_or_default();
    if has_repeated_envelope_key(body) {
        return None;
    }
    Some((code, name, message))
}

/// Whether the top-level object repeats one of the envelope's keys (serde refuses that for a
/// struct, while `Value` keeps the last).
fn has_repeated_envelope_key(body: &[u8]) -> bool {
    struct Keys(bool);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Keys, A::Error> {
                    let mut seen = std::collections::HashSet::new();
                    let mut repeated = false;
                    while let Some(k) = map.next_key::<String>()? {
                        let _: serde::de::IgnoredAny = map.next_value()?;
                        if matches!(k.as_str(), "errorCode" | "errorName" | "errorMessage")
                            && !seen.insert(k)
                        {
                            repeated = true;
                        }
                    }
                    Ok(Keys(repeated))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_slice::<Keys>(body).is_ok_and(|k| k.0)
}

fn check<T>(status: u16, retry_after: Option<&str>, body: &[u8], exact_round_trip: bool)
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let got = decode::<T>(status, retry_after, body);
    // Every error must print and answer its helpers.
    if let Err(e) = &got {
        let _ = e.to_string();
        let _ = e.outcome_unknown();
        let _ = e.p100_code();
        if !matches!(e, Error::Validation { .. }) {
            assert_eq!(e.http_status(), Some(status), "{e:?}");
        }
    }

    if status == 401 {
        let text = String::from_utf8_lossy(body);
        let want = if text.contains("xo1") {
            DenyReason::NoKey
        } else if text.contains("xo2") {
            DenyReason::WrongKey
        } else if text.contains("xo3") {
            DenyReason::IpNotAllowed
        } else {
            DenyReason::Other
        };
        assert!(
            matches!(&got, Err(Error::AccessDenied(r)) if *r == want),
            "401 read as {got:?}"
        );
        return;
    }
    if status == 429 {
        let want = retry_after
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        assert!(
            matches!(&got, Err(Error::RateLimited { retry_after }) if *retry_after == want),
            "429 read as {got:?}"
        );
        return;
    }
    if let Some((code, name, message)) = envelope(body) {
        let fits = match &got {
            Err(Error::Validation { message: m }) => code == "P403" && *m == message,
            Err(Error::Api {
                status: s,
                code: c,
                name: n,
                message: m,
            }) => *s == status && *c == code && *n == name && *m == message && code != "P403",
            _ => false,
        };
        assert!(fits, "envelope {code:?} read as {got:?}");
        return;
    }
    match &got {
        Ok(v) => {
            assert!(
                (200..=299).contains(&status),
                "HTTP {status} read as success"
            );
            // What the client read, written back as JSON, reads the same, unless writing it back
            // made an envelope: a `Value` body whose repeated `errorCode` kept serde from reading
            // it as one the first time comes back with the key once.
            let json = serde_json::to_vec(v).expect("a model serialises");
            if envelope(&json).is_some() {
                assert!(has_repeated_envelope_key(body), "{v:?} is an envelope");
                return;
            }
            let again = decode::<T>(status, None, &json);
            match again {
                Ok(w) if !exact_round_trip || w == *v => {}
                other => panic!("round trip of {v:?} gave {other:?}"),
            }
        }
        // Not an envelope by the reading above, yet taken as one: only serde's other ways in
        // may do that (a JSON array read as the struct's fields in order; unknown fields skipped
        // without the range check that `Value` makes on numbers).
        Err(Error::Api { .. } | Error::Validation { .. }) => {
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                assert!(v.is_array(), "{v} read as {got:?}");
            }
        }
        Err(Error::UnexpectedResponse { status: s, detail }) => {
            assert_eq!(*s, status);
            assert!(!detail.is_empty(), "empty detail");
            if !(200..=299).contains(&status) {
                assert!(detail.chars().count() <= 201, "detail too long");
            }
        }
        Err(Error::Server { status: s }) => {
            assert_eq!(*s, status);
            assert!((500..=599).contains(&status));
        }
        Err(e) => panic!("HTTP {status} read as {e:?}"),
    }
}
