//! The bad input table: for every field an operator fills in — create, update, verification,
//! hosted KYC, suspend reason, delete confirmation, custom URL, API key, webhook token, webhook
//! port, upload sides and counts — invalid values are refused with a message at that field, and
//! nothing is sent: the embedded sandbox's users are byte-for-byte unchanged and the desk's
//! outbox (every send is written there first) has no new row. Then the other direction: what
//! P100 refuses with `P403` (real sandbox answers) is mapped back to the fields it names.
//!
//! Each table collects every failing row and reports them all at once.

use desk::credentials::Keychain;
use desk::users::{HostedKycForm, NewUser, VerificationForm};
use desk::{Desk, EnvironmentKind, Error};
use p100::models::{
    CreateUserRequest, DocumentType, IncomeSource, KycFileSide, Occupation, OpenAccountReason,
    UserProfile,
};
use p100::validate::{CREATE_FIELDS, Date, OTHER_FIELDS, today};

mod common;
use common::{JPEG, desk, require_keychain, service};

/// `(field, bad value, expected field, message fragment)`.
type Row = (&'static str, String, &'static str, &'static str);

fn valid_profile() -> UserProfile {
    UserProfile {
        email: Some("ada@example.com".into()),
        phone: Some("48500000000".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        street: Some("Marszałkowska".into()),
        number: Some("1".into()),
        city: Some("Warsaw".into()),
        post_code: Some("00-950".into()),
        country: Some("PL".into()),
        citizenship: Some("PL".into()),
        nationality: Some("PL".into()),
        birth_country: Some("PL".into()),
        birth_date: Some("1990-01-31".into()),
        user_identification_number: Some("ABC-123/45".into()),
    }
}

fn set_profile_field(p: &mut UserProfile, field: &str, v: String) {
    let slot = match field {
        "email" => &mut p.email,
        "phone" => &mut p.phone,
        "firstName" => &mut p.first_name,
        "lastName" => &mut p.last_name,
        "street" => &mut p.street,
        "number" => &mut p.number,
        "city" => &mut p.city,
        "postCode" => &mut p.post_code,
        "country" => &mut p.country,
        "citizenship" => &mut p.citizenship,
        "nationality" => &mut p.nationality,
        "birthCountry" => &mut p.birth_country,
        "birthDate" => &mut p.birth_date,
        "userIdentificationNumber" => &mut p.user_identification_number,
        other => panic!("not a profile field: {other}"),
    };
    *slot = Some(v);
}

fn day(d: Date) -> String {
    d.to_string()
}

fn days_ago(n: i64) -> String {
    day(today() - time::Duration::days(n))
}

/// Bad values for each profile field, as create and update both check them.
fn profile_rows() -> Vec<Row> {
    let s = |v: &str| v.to_owned();
    let r = |f, v: String, frag| (f, v, f, frag);
    vec![
        r("email", s("ada"), "email must be an email address"),
        r("email", s("ada@"), "email must be an email address"),
        r("email", s("@example.com"), "email must be an email address"),
        r("email", s("ada@example"), "email must be an email address"),
        r(
            "email",
            s("ada@.example.com"),
            "email must be an email address",
        ),
        r(
            "email",
            s("ada@example..com"),
            "email must be an email address",
        ),
        r(
            "email",
            s("ada@example.com."),
            "email must be an email address",
        ),
        r(
            "email",
            s("ada@@example.com"),
            "email must be an email address",
        ),
        r(
            "email",
            s("ada love@example.com"),
            "email must be an email address",
        ),
        r(
            "email",
            s("ada@exa\u{7}mple.com"),
            "email must be an email address",
        ),
        r(
            "email",
            format!("{}@example.com", "a".repeat(250)),
            "email must be an email address",
        ),
        r("phone", s("+48500000000"), "phone must be 7 to 15 digits"),
        r("phone", s("123456"), "phone must be 7 to 15 digits"),
        r(
            "phone",
            s("1234567890123456"),
            "phone must be 7 to 15 digits",
        ),
        r("phone", s("48 500 000 000"), "phone must be 7 to 15 digits"),
        r("phone", s("48-500-000-000"), "phone must be 7 to 15 digits"),
        r("phone", s("٤٨٥٠٠٠٠٠٠٠٠"), "phone must be 7 to 15 digits"),
        r(
            "firstName",
            "x".repeat(101),
            "firstName must be at most 100 characters",
        ),
        r(
            "firstName",
            s("Ada\u{0}"),
            "firstName must not contain control characters",
        ),
        r(
            "firstName",
            s("A\u{1b}[2Jda"),
            "firstName must not contain control characters",
        ),
        r(
            "lastName",
            "ł".repeat(101),
            "lastName must be at most 100 characters",
        ),
        r(
            "lastName",
            s("Love\nlace"),
            "lastName must not contain control characters",
        ),
        r(
            "street",
            "s".repeat(101),
            "street must be at most 100 characters",
        ),
        r(
            "street",
            s("Main\u{7}St"),
            "street must not contain control characters",
        ),
        r(
            "number",
            "9".repeat(101),
            "number must be at most 100 characters",
        ),
        r(
            "number",
            s("1\r\n2"),
            "number must not contain control characters",
        ),
        r(
            "city",
            "c".repeat(101),
            "city must be at most 100 characters",
        ),
        r(
            "city",
            s("War\u{85}saw"),
            "city must not contain control characters",
        ),
        r(
            "postCode",
            "0".repeat(21),
            "postCode must be at most 20 characters",
        ),
        r(
            "postCode",
            s("00\t950"),
            "postCode must not contain control characters",
        ),
        r("country", s("XX"), "country must be an ISO 3166-1 alpha-2"),
        r("country", s("POL"), "country must be an ISO 3166-1 alpha-2"),
        r("country", s("P"), "country must be an ISO 3166-1 alpha-2"),
        r("country", s("12"), "country must be an ISO 3166-1 alpha-2"),
        r("country", s("UK"), "country must be an ISO 3166-1 alpha-2"),
        r("country", s("EU"), "country must be an ISO 3166-1 alpha-2"),
        r(
            "citizenship",
            s("ZZ"),
            "citizenship must be an ISO 3166-1 alpha-2",
        ),
        r(
            "citizenship",
            s("ÜK"),
            "citizenship must be an ISO 3166-1 alpha-2",
        ),
        r(
            "nationality",
            s("XX"),
            "nationality must be an ISO 3166-1 alpha-2",
        ),
        r(
            "nationality",
            s("POL"),
            "nationality must be an ISO 3166-1 alpha-2",
        ),
        r(
            "birthCountry",
            s("QQ"),
            "birthCountry must be an ISO 3166-1 alpha-2",
        ),
        r(
            "birthCountry",
            s("1"),
            "birthCountry must be an ISO 3166-1 alpha-2",
        ),
        r(
            "birthDate",
            s("1990-02-30"),
            "birthDate must be a real date",
        ),
        r(
            "birthDate",
            s("31-01-1990"),
            "birthDate must be a real date",
        ),
        r(
            "birthDate",
            s("1990/01/31"),
            "birthDate must be a real date",
        ),
        r(
            "birthDate",
            s("+1990-01-31"),
            "birthDate must be a real date",
        ),
        r("birthDate", s("19900131"), "birthDate must be a real date"),
        r("birthDate", s("yesterday"), "birthDate must be a real date"),
        r("birthDate", days_ago(-1), "birthDate must be in the past"),
        r("birthDate", days_ago(0), "birthDate must be in the past"),
        r("birthDate", days_ago(17 * 365), "at least 18 years old"),
        r(
            "birthDate",
            days_ago(121 * 366),
            "within the last 120 years",
        ),
        r(
            "userIdentificationNumber",
            "1".repeat(51),
            "userIdentificationNumber must be 1 to 50",
        ),
        r(
            "userIdentificationNumber",
            s("AB#123"),
            "userIdentificationNumber must be 1 to 50",
        ),
        r(
            "userIdentificationNumber",
            s("ŻÓŁW123"),
            "userIdentificationNumber must be 1 to 50",
        ),
        r(
            "userIdentificationNumber",
            s("ID\n1"),
            "userIdentificationNumber must be 1 to 50",
        ),
    ]
}

/// Rows of create that are about the form as a whole: required fields and the terms.
fn create_only_rows() -> Vec<Row> {
    let mut rows: Vec<Row> = vec![(
        "hasAcceptedP100Tc",
        "false".into(),
        "hasAcceptedP100Tc",
        "hasAcceptedP100Tc must be true",
    )];
    for field in ["email", "firstName", "lastName", "country", "citizenship"] {
        for blank in ["", "   ", "\t\n"] {
            rows.push((field, blank.into(), field, "should not be empty"));
        }
    }
    rows
}

/// Everything that tells whether anything reached P100: the sandbox's users as JSON, and the
/// number of outbox rows (each send is written there before it leaves).
async fn sent_state(d: &Desk) -> (serde_json::Value, i64) {
    let users = d
        .with_sandbox(|h| {
            let mut all = h.state().all_users();
            all.sort_by(|a, b| a.external_user_id.cmp(&b.external_user_id));
            serde_json::to_value(all).unwrap()
        })
        .await
        .unwrap();
    let db = rusqlite::Connection::open(d.db_path()).unwrap();
    let outbox = db
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap();
    (users, outbox)
}

/// Checks one refusal; returns what is wrong with it, if anything.
fn judge(row: &Row, outcome: Result<(), Error>) -> Option<String> {
    let (field, value, expected, fragment) = row;
    let err = match outcome {
        Ok(()) => return Some(format!("{field} = {value:?}: accepted")),
        Err(e) => e,
    };
    let at_field = err.field_errors();
    let hit = at_field
        .iter()
        .find(|f| f.field == *expected && f.message.contains(fragment));
    if err.kind() != "invalid" || hit.is_none() {
        return Some(format!(
            "{field} = {value:?}: expected {expected:?} ~ {fragment:?}, got {} {at_field:?} ({err})",
            err.kind()
        ));
    }
    let said = err.operator_message();
    if !(said.contains("nothing was sent") || said.starts_with("The custom URL cannot be used")) {
        return Some(format!(
            "{field} = {value:?}: unclear operator message {said:?}"
        ));
    }
    None
}

fn report(table: &str, rows: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{table}: {} of {rows} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{table}: {rows} rows refused at their field, nothing sent");
}

async fn user(d: &Desk) -> String {
    d.create_user(NewUser {
        has_accepted_p100_tc: true,
        profile: valid_profile(),
    })
    .await
    .unwrap()
    .external_user_id
}

#[tokio::test]
async fn create_refuses_every_bad_field_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let before = sent_state(&d).await;
    assert_eq!(before.1, 0);
    let rows: Vec<Row> = create_only_rows()
        .into_iter()
        .chain(profile_rows())
        .collect();
    // Every create field the operator fills in has rows (the desk makes `externalUserId`).
    for f in CREATE_FIELDS.iter().filter(|f| **f != "externalUserId") {
        assert!(rows.iter().any(|r| r.0 == *f), "no row for {f}");
    }
    let mut failures = Vec::new();
    for row in &rows {
        let mut form = NewUser {
            has_accepted_p100_tc: true,
            profile: valid_profile(),
        };
        if row.0 == "hasAcceptedP100Tc" {
            form.has_accepted_p100_tc = false;
        } else {
            set_profile_field(&mut form.profile, row.0, row.1.clone());
        }
        let outcome = d.create_user(form).await.map(|_| ());
        failures.extend(judge(row, outcome));
    }
    assert_eq!(
        sent_state(&d).await,
        before,
        "nothing reached the sandbox or the outbox"
    );
    report("create", rows.len(), failures);
    // The valid form itself goes through: the rows fail for their value alone.
    user(&d).await;
}

#[tokio::test]
async fn the_client_refuses_bad_external_user_ids_before_sending() {
    // The desk always makes a UUID; the client checks whatever it is given all the same.
    let (_, sandbox) = p100_sandbox::spawn(p100_sandbox::SandboxConfig::local("k-ext"))
        .await
        .unwrap();
    let client = p100::Client::new(
        url::Url::parse(&sandbox.base_url()).unwrap(),
        p100::ApiKey::new("k-ext").unwrap(),
    )
    .unwrap();
    let rows: Vec<Row> = [
        ("", "externalUserId should not be empty"),
        ("a/b", "externalUserId must be 1 to 100"),
        ("../admin", "externalUserId must be 1 to 100"),
        ("a b", "externalUserId must be 1 to 100"),
        ("a?b=1", "externalUserId must be 1 to 100"),
        ("a#b", "externalUserId must be 1 to 100"),
        ("%2e%2e", "externalUserId must be 1 to 100"),
        ("üser", "externalUserId must be 1 to 100"),
        ("crypto", "externalUserId must not be crypto"),
        (
            "crypto-and-fiat",
            "externalUserId must not be crypto-and-fiat",
        ),
        ("verification", "externalUserId must not be verification"),
    ]
    .into_iter()
    .map(|(v, m)| ("externalUserId", v.to_owned(), "externalUserId", m))
    .chain([(
        "externalUserId",
        "x".repeat(101),
        "externalUserId",
        "externalUserId must be 1 to 100",
    )])
    .collect();
    let mut failures = Vec::new();
    for row in &rows {
        let req = CreateUserRequest {
            external_user_id: row.1.clone(),
            has_accepted_p100_tc: true,
            profile: valid_profile(),
        };
        let outcome = client
            .create_user(&req)
            .await
            .map(|_| ())
            .map_err(Error::from);
        failures.extend(judge(row, outcome));
    }
    assert_eq!(
        sandbox.state().user_count(),
        0,
        "nothing reached the sandbox"
    );
    report("externalUserId", rows.len(), failures);
}

#[tokio::test]
async fn update_refuses_every_bad_field_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = user(&d).await;
    let before = sent_state(&d).await;
    let mut rows = profile_rows();
    for f in CREATE_FIELDS
        .iter()
        .filter(|f| !["externalUserId", "hasAcceptedP100Tc"].contains(f))
    {
        assert!(rows.iter().any(|r| r.0 == *f), "no row for {f}");
    }
    // An edit that changes nothing, or only blanks a field (a blank is "no value", not a
    // change), is refused as a whole.
    rows.push(("(unchanged)", String::new(), "", "nothing was changed"));
    rows.push(("email", "   ".into(), "", "nothing was changed"));
    let mut failures = Vec::new();
    for row in &rows {
        let mut edited = valid_profile();
        if row.0 != "(unchanged)" {
            set_profile_field(&mut edited, row.0, row.1.clone());
        }
        let outcome = d.update_user(&ext, edited).await.map(|_| ());
        failures.extend(judge(row, outcome));
    }
    assert_eq!(
        sent_state(&d).await,
        before,
        "nothing reached the sandbox or the outbox"
    );
    report("update", rows.len(), failures);
}

fn verification_form() -> VerificationForm {
    VerificationForm {
        document_type: DocumentType::Passport,
        document_number: "PL1234567".into(),
        issuing_country: "PL".into(),
        issue_date: Some("2020-01-01".into()),
        expiry_date: "2032-01-01".into(),
    }
}

#[tokio::test]
async fn verification_refuses_every_bad_field_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = user(&d).await;
    let before = sent_state(&d).await;
    let s = |v: &str| v.to_owned();
    let rows: Vec<Row> = vec![
        (
            "documentNumber",
            s(""),
            "documentNumber",
            "documentNumber must be 1 to 50",
        ),
        (
            "documentNumber",
            s("   "),
            "documentNumber",
            "documentNumber must be 1 to 50",
        ),
        (
            "documentNumber",
            s("AB 123"),
            "documentNumber",
            "documentNumber must be 1 to 50",
        ),
        (
            "documentNumber",
            s("AB#1"),
            "documentNumber",
            "documentNumber must be 1 to 50",
        ),
        (
            "documentNumber",
            s("ŻÓŁW1"),
            "documentNumber",
            "documentNumber must be 1 to 50",
        ),
        (
            "documentNumber",
            "9".repeat(51),
            "documentNumber",
            "documentNumber must be 1 to 50",
        ),
        (
            "issuingCountry",
            s(""),
            "issuingCountry",
            "issuingCountry must be an ISO 3166-1",
        ),
        (
            "issuingCountry",
            s("XX"),
            "issuingCountry",
            "issuingCountry must be an ISO 3166-1",
        ),
        (
            "issuingCountry",
            s("POL"),
            "issuingCountry",
            "issuingCountry must be an ISO 3166-1",
        ),
        (
            "issueDate",
            s("2020-13-01"),
            "issueDate",
            "issueDate must be a real date",
        ),
        (
            "issueDate",
            s("01/02/2020"),
            "issueDate",
            "issueDate must be a real date",
        ),
        (
            "issueDate",
            days_ago(-1),
            "issueDate",
            "issueDate must not be in the future",
        ),
        (
            "expiryDate",
            s(""),
            "expiryDate",
            "expiryDate must be a real date",
        ),
        (
            "expiryDate",
            s("2030-02-30"),
            "expiryDate",
            "expiryDate must be a real date",
        ),
        (
            "expiryDate",
            s("2030-1-1"),
            "expiryDate",
            "expiryDate must be a real date",
        ),
        (
            "expiryDate",
            days_ago(0),
            "expiryDate",
            "expiryDate must be in the future",
        ),
        (
            "expiryDate",
            days_ago(1),
            "expiryDate",
            "expiryDate must be in the future",
        ),
    ];
    let mut failures = Vec::new();
    for row in &rows {
        let mut form = verification_form();
        match row.0 {
            "documentNumber" => form.document_number = row.1.clone(),
            "issuingCountry" => form.issuing_country = row.1.clone(),
            "issueDate" => form.issue_date = Some(row.1.clone()),
            "expiryDate" => form.expiry_date = row.1.clone(),
            other => panic!("{other}"),
        }
        let outcome = d.add_verification(&ext, form).await.map(|_| ());
        failures.extend(judge(row, outcome));
    }
    assert_eq!(
        sent_state(&d).await,
        before,
        "nothing reached the sandbox or the outbox"
    );
    report("verification", rows.len(), failures);
}

fn hosted_form() -> HostedKycForm {
    HostedKycForm {
        document_type: DocumentType::Passport,
        country: "PL".into(),
        income_source: IncomeSource::Salary,
        open_account_reason: OpenAccountReason::DailyUse,
        tax_id: None,
        occupation: Some(Occupation::It),
        additional_info: Some("Software engineer at a bank".into()),
    }
}

#[tokio::test]
async fn hosted_kyc_refuses_every_bad_field_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = user(&d).await;
    let before = sent_state(&d).await;
    type Change = Box<dyn Fn(&mut HostedKycForm)>;
    let rows: Vec<(Row, Change)> = vec![
        (
            (
                "country",
                "".into(),
                "country",
                "country must be an ISO 3166-1",
            ),
            Box::new(|f| f.country = String::new()),
        ),
        (
            (
                "country",
                "XX".into(),
                "country",
                "country must be an ISO 3166-1",
            ),
            Box::new(|f| f.country = "XX".into()),
        ),
        (
            (
                "country",
                "POL".into(),
                "country",
                "country must be an ISO 3166-1",
            ),
            Box::new(|f| f.country = "POL".into()),
        ),
        (
            (
                "taxId",
                "(none, BUSINESS_ACTIVITY)".into(),
                "taxId",
                "taxId should not be empty when incomeSource is BUSINESS_ACTIVITY",
            ),
            Box::new(|f| {
                f.income_source = IncomeSource::BusinessActivity;
                f.tax_id = None;
            }),
        ),
        (
            (
                "taxId",
                "   (BUSINESS_ACTIVITY)".into(),
                "taxId",
                "taxId should not be empty",
            ),
            Box::new(|f| {
                f.income_source = IncomeSource::BusinessActivity;
                f.tax_id = Some("   ".into());
            }),
        ),
        (
            (
                "occupation",
                "(none, SALARY)".into(),
                "occupation",
                "occupation should not be empty when incomeSource is SALARY",
            ),
            Box::new(|f| f.occupation = None),
        ),
        (
            (
                "additionalInfo",
                "(none, OTHER)".into(),
                "additionalInfo",
                "additionalInfo should not be empty unless incomeSource is BUSINESS_ACTIVITY",
            ),
            Box::new(|f| {
                f.income_source = IncomeSource::Other;
                f.additional_info = None;
            }),
        ),
        (
            (
                "additionalInfo",
                "  (TENANCY)".into(),
                "additionalInfo",
                "additionalInfo should not be empty",
            ),
            Box::new(|f| {
                f.income_source = IncomeSource::Tenancy;
                f.additional_info = Some("  ".into());
            }),
        ),
        (
            (
                "additionalInfo",
                "501 characters".into(),
                "additionalInfo",
                "additionalInfo must be at most 500 characters",
            ),
            Box::new(|f| f.additional_info = Some("i".repeat(501))),
        ),
    ];
    let mut failures = Vec::new();
    for (row, change) in &rows {
        let mut form = hosted_form();
        change(&mut form);
        let outcome = d.start_hosted_kyc(&ext, form).await.map(|_| ());
        failures.extend(judge(row, outcome));
    }
    assert_eq!(
        sent_state(&d).await,
        before,
        "nothing reached the sandbox or the outbox"
    );
    report("hosted KYC", rows.len(), failures);
}

#[tokio::test]
async fn suspend_reason_and_delete_confirmation_are_checked_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = user(&d).await;
    let before = sent_state(&d).await;
    let mut failures = Vec::new();
    let reasons: Vec<Row> = ["", "   ", "\n\t"]
        .into_iter()
        .map(|v| {
            (
                "reason",
                v.to_owned(),
                "reason",
                "say why the user is suspended",
            )
        })
        .chain([(
            "reason",
            "r".repeat(501),
            "reason",
            "at most 500 characters",
        )])
        .collect();
    for row in &reasons {
        let outcome = d.suspend_user(&ext, row.1.clone()).await.map(|_| ());
        failures.extend(judge(row, outcome));
    }
    let confirmations: Vec<Row> = [
        String::new(),
        "   ".into(),
        "someone@else.com".into(),
        "ADA@EXAMPLE.COM".into(),
        "ada@example".into(),
        ext.to_uppercase(),
        ext[..8].to_owned(),
        format!("{ext}x"),
        "Ada Lovelace".into(),
    ]
    .into_iter()
    .map(|v| {
        (
            "confirmation",
            v,
            "confirmation",
            "type the user's e-mail or external user id",
        )
    })
    .collect();
    for row in &confirmations {
        let outcome = d.delete_user(&ext, &row.1).await.map(|_| ());
        failures.extend(judge(row, outcome));
    }
    assert_eq!(
        sent_state(&d).await,
        before,
        "nothing reached the sandbox or the outbox"
    );
    report(
        "suspend reason and delete confirmation",
        reasons.len() + confirmations.len(),
        failures,
    );
}

#[tokio::test]
async fn a_custom_url_that_could_leak_the_key_is_refused_at_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let s = |v: &str| v.to_owned();
    let r = |v: &str, frag| ("customUrl", s(v), "customUrl", frag);
    let rows: Vec<Row> = vec![
        r("http://p100.example.com", "use https://"),
        r("http://10.0.0.5:8100", "use https://"),
        r("http://localhost.evil.example", "use https://"),
        r("http://127.0.0.1.nip.io", "use https://"),
        r("ftp://p100.example.com", "the scheme must be https"),
        r("file:///etc/passwd", "the scheme must be https"),
        r("javascript:alert(1)", "the scheme must be https"),
        r("not a url", "write it like https://"),
        r("p100.example.com", "write it like https://"),
        r("https://", "write it like https://"),
        r(
            "https://user:pw@p100.example.com",
            "must not carry credentials",
        ),
        r(
            "https://p100.example.com/?apiKey=1",
            "must not carry credentials, a query",
        ),
        r("https://p100.example.com/#x", "a fragment"),
    ];
    let mut failures = Vec::new();
    for row in &rows {
        let outcome = d
            .select_environment(EnvironmentKind::Custom, Some(row.1.clone()))
            .await
            .map(|_| ());
        failures.extend(judge(row, outcome));
    }
    // Custom with no URL given and none remembered.
    let none = (
        "customUrl",
        "(none)".to_owned(),
        "customUrl",
        "enter the base URL",
    );
    failures.extend(judge(
        &none,
        d.select_environment(EnvironmentKind::Custom, None)
            .await
            .map(|_| ()),
    ));
    let env = d.environment().await.unwrap();
    assert_eq!(env.kind, EnvironmentKind::Sandbox, "still on the sandbox");
    assert_eq!(env.custom_url, None, "no refused URL was remembered");
    report("custom URL", rows.len() + 1, failures);
}

#[test]
fn a_webhook_port_outside_u16_never_reaches_the_desk() {
    // `webhook_port_set` takes `port: u16`; the shell deserializes its arguments with serde,
    // so these are refused before any desk code runs (the Settings form says "a number from 0
    // to 65535" before even calling; ui/src/app.test.tsx covers that).
    for bad in [
        serde_json::json!(65536),
        serde_json::json!(70000),
        serde_json::json!(-1),
        serde_json::json!(80.5),
        serde_json::json!("8080"),
        serde_json::Value::Null,
    ] {
        assert!(serde_json::from_value::<u16>(bad.clone()).is_err(), "{bad}");
    }
}

fn stored(service: &str, account: &str) -> bool {
    match keyring::Entry::new(service, account)
        .unwrap()
        .get_password()
    {
        Ok(_) => true,
        Err(keyring::Error::NoEntry) => false,
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn api_keys_webhook_tokens_and_ports_are_checked_before_the_keychain() {
    let svc = service();
    require_keychain(&Keychain::new(&svc));
    let dir = tempfile::tempdir().unwrap();
    let d = common::open(dir.path(), &svc).await;
    let secrets = [
        (String::new(), "is empty"),
        ("   ".into(), "is empty"),
        ("has space".into(), "only visible ASCII"),
        ("line\nbreak".into(), "only visible ASCII"),
        ("tab\tkey".into(), "only visible ASCII"),
        ("nul\0key".into(), "only visible ASCII"),
        ("klucz-é".into(), "only visible ASCII"),
        ("k".repeat(513), "longer than 512 characters"),
    ];
    let mut failures = Vec::new();
    let mut rows = 0;
    for env in [
        EnvironmentKind::Staging,
        EnvironmentKind::Production,
        EnvironmentKind::Custom,
    ] {
        for (value, fragment) in &secrets {
            let row = ("apiKey", value.clone(), "apiKey", *fragment);
            failures.extend(judge(&row, d.set_api_key(env, value.clone()).await));
            let row = ("webhookToken", value.clone(), "webhookToken", *fragment);
            let outcome = d.set_webhook_token(env, value.clone()).await.map(|_| ());
            failures.extend(judge(&row, outcome));
            rows += 2;
        }
        assert!(!stored(&svc, &format!("api-key/{}", env.as_str())));
        assert!(!stored(&svc, &format!("webhook-token/{}", env.as_str())));
    }
    // The sandbox makes its own key: none is taken for it.
    let row = (
        "apiKey",
        "sandbox-key".to_owned(),
        "apiKey",
        "the embedded sandbox makes its own key",
    );
    failures.extend(judge(
        &row,
        d.set_api_key(EnvironmentKind::Sandbox, row.1.clone()).await,
    ));
    rows += 1;
    assert!(!stored(&svc, "api-key/sandbox"));
    // A refused token is explained as a token, not as an API key.
    let err = d
        .set_webhook_token(EnvironmentKind::Staging, "a b".into())
        .await
        .unwrap_err();
    assert!(
        err.field_errors()[0]
            .message
            .starts_with("the webhook token"),
        "{:?}",
        err.field_errors()
    );
    // A typed token must be long enough not to be guessed, and one environment's token cannot
    // be another's (the receiver could not tell which environment a call is for).
    let short = "t".repeat(23);
    let row = ("webhookToken", short.clone(), "webhookToken", "at least 24");
    failures.extend(judge(
        &row,
        d.set_webhook_token(EnvironmentKind::Staging, short)
            .await
            .map(|_| ()),
    ));
    let shared = "shared-token-for-two-environments".to_owned();
    d.set_webhook_token(EnvironmentKind::Staging, shared.clone())
        .await
        .unwrap();
    let row = (
        "webhookToken",
        shared.clone(),
        "webhookToken",
        "already the Staging environment's",
    );
    failures.extend(judge(
        &row,
        d.set_webhook_token(EnvironmentKind::Production, shared)
            .await
            .map(|_| ()),
    ));
    assert!(!stored(&svc, "webhook-token/production"));
    let row = (
        "webhookToken",
        "x".repeat(30),
        "webhookToken",
        "made and kept by the desk",
    );
    failures.extend(judge(
        &row,
        d.set_webhook_token(EnvironmentKind::Sandbox, row.1.clone())
            .await
            .map(|_| ()),
    ));
    rows += 3;
    d.remove_webhook_token(EnvironmentKind::Staging)
        .await
        .unwrap();
    report("API key and webhook token", rows, failures);

    // A port another program holds: the receiver says so and does not run; any-port brings it
    // back.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let status = d.set_webhook_port(port).await.unwrap();
    assert_eq!(status.receiver_url, None);
    let why = status.receiver_error.unwrap_or_default();
    assert!(
        why.contains(&format!("cannot listen on port {port}")),
        "{why}"
    );
    let status = d.set_webhook_port(0).await.unwrap();
    assert!(status.receiver_url.is_some(), "{:?}", status.receiver_error);
}

#[tokio::test]
async fn upload_sides_and_counts_are_checked_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = user(&d).await;
    let mut paths = Vec::new();
    for i in 0..4 {
        let p = files.path().join(format!("doc-{i}.jpg"));
        std::fs::write(&p, JPEG).unwrap();
        paths.push(p);
    }
    let tokens: Vec<String> = d
        .admit_files(paths)
        .await
        .unwrap()
        .accepted
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(tokens.len(), 4);
    let before = sent_state(&d).await;
    let t = |i: usize| tokens[i].clone();
    use KycFileSide::{Back, Front, Selfie};
    type KycRow = (Row, DocumentType, Vec<(KycFileSide, String)>);
    let kyc: Vec<KycRow> = vec![
        (
            (
                "documentType",
                "DRIVER_LICENSE".into(),
                "documentType",
                "Method A takes ID_CARD, PASSPORT or RESIDENCE_PERMIT",
            ),
            DocumentType::DriverLicense,
            vec![(Front, t(0))],
        ),
        (
            ("files", "(none)".into(), "files", "add at least one image"),
            DocumentType::Passport,
            vec![],
        ),
        (
            (
                "back",
                "PASSPORT back".into(),
                "back",
                "back is not used for PASSPORT",
            ),
            DocumentType::Passport,
            vec![(Front, t(0)), (Back, t(1))],
        ),
        (
            (
                "front",
                "front twice".into(),
                "front",
                "front must be sent once",
            ),
            DocumentType::IdCard,
            vec![(Front, t(0)), (Back, t(1)), (Front, t(2))],
        ),
        (
            (
                "selfie",
                "selfie twice".into(),
                "selfie",
                "selfie must be sent once",
            ),
            DocumentType::Passport,
            vec![(Selfie, t(0)), (Selfie, t(0))],
        ),
    ];
    let mut failures = Vec::new();
    for (row, doc, files) in &kyc {
        let outcome = d
            .add_kyc_files(&ext, *doc, files.clone(), None)
            .await
            .map(|_| ());
        failures.extend(judge(row, outcome));
    }
    let poa: Vec<(Row, Vec<String>)> = vec![
        (
            ("files", "0 files".into(), "files", "send 1 to 3 files"),
            vec![],
        ),
        (
            ("files", "4 files".into(), "files", "send 1 to 3 files"),
            tokens.clone(),
        ),
    ];
    for (row, ids) in &poa {
        let outcome = d.add_poa_files(&ext, ids.clone(), None).await.map(|_| ());
        failures.extend(judge(row, outcome));
    }
    assert_eq!(
        sent_state(&d).await,
        before,
        "nothing reached the sandbox or the outbox"
    );
    report("upload sides and counts", kyc.len() + poa.len(), failures);
}

// ----- P100's P403 answers mapped back to fields -----

/// Sends `body` to a route of a standalone sandbox as is (no client-side checks), and returns
/// the fields the desk maps P100's `P403` message to, with the message itself.
async fn p403_fields(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    body: serde_json::Value,
) -> (Vec<String>, String) {
    let answer = http
        .post(format!("{base}{path}"))
        .header(p100::auth::API_KEY_HEADER, "k-p403")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let bytes = answer.bytes().await.unwrap();
    let err = p100::response::decode::<serde_json::Value>(status, None, &bytes).unwrap_err();
    let message = match &err {
        p100::Error::Validation { message } => message.clone(),
        other => panic!("{path}: not a P403: {other:?}"),
    };
    let fields = Error::P100(err)
        .field_errors()
        .into_iter()
        .map(|f| f.field)
        .collect();
    (fields, message)
}

#[tokio::test]
async fn p100s_p403_names_map_back_to_every_field() {
    let (_, sandbox) = p100_sandbox::spawn(p100_sandbox::SandboxConfig::local("k-p403"))
        .await
        .unwrap();
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut check = |what: &str, got: (Vec<String>, String), want: &[&str]| {
        if got.0 != want {
            failures.push(format!(
                "{what}: {:?} from {:?}, expected {want:?}",
                got.0, got.1
            ));
        }
    };

    // Every create field wrong at once: one joined message, every field named, in form order.
    let all_bad = serde_json::json!({
        "externalUserId": "a/b",
        "hasAcceptedP100Tc": false,
        "email": "nope",
        "phone": "+48",
        "firstName": "x".repeat(101),
        "lastName": "a\u{1}b",
        "street": "s".repeat(101),
        "number": "n".repeat(101),
        "city": "c".repeat(101),
        "postCode": "0".repeat(21),
        "country": "XX",
        "citizenship": "XX",
        "nationality": "XX",
        "birthCountry": "XX",
        "birthDate": "1990-02-30",
        "userIdentificationNumber": "#",
    });
    let create = p100::routes::CREATE_USER.template;
    check(
        "create, all bad",
        p403_fields(&http, &base, create, all_bad).await,
        CREATE_FIELDS,
    );
    // Wrong JSON types are named too.
    check(
        "create, wrong types",
        p403_fields(
            &http,
            &base,
            create,
            serde_json::json!({"externalUserId": "u1", "hasAcceptedP100Tc": "yes", "email": 5,
                "firstName": ["Ada"], "lastName": "L", "country": "PL", "citizenship": {"c": "PL"}}),
        )
        .await,
        &["hasAcceptedP100Tc", "email", "firstName", "citizenship"],
    );
    // A sentence that names no field (an unknown property) stays, as a form-level message.
    let (fields, message) = p403_fields(
        &http,
        &base,
        create,
        serde_json::json!({"externalUserId": "u2", "hasAcceptedP100Tc": true, "email": "a@b.co",
            "firstName": "A", "lastName": "L", "country": "PL", "citizenship": "PL",
            "address": "legacy G1 field"}),
    )
    .await;
    check("create, unknown property", (fields, message.clone()), &[""]);
    assert!(
        message.contains("property address should not exist"),
        "{message}"
    );

    let verification = serde_json::json!({
        "externalUserId": "u3",
        "documentType": "PASSPORT_X",
        "documentNumber": "AB#1",
        "issuingCountry": "XX",
        "issueDate": "2999-01-01",
        "expiryDate": "2000-01-01",
    });
    check(
        "verification",
        p403_fields(
            &http,
            &base,
            p100::routes::ADD_USER_VERIFICATION.template,
            verification,
        )
        .await,
        &[
            "documentType",
            "documentNumber",
            "issuingCountry",
            "issueDate",
            "expiryDate",
        ],
    );
    let hosted = |income: &str, extra: serde_json::Value| {
        let mut body = serde_json::json!({
            "externalUserId": "u4",
            "documentType": "PASSPORT",
            "country": "XX",
            "incomeSource": income,
            "openAccountReason": "DAILY_USE",
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let kyc = p100::routes::CREATE_KYC_VERIFICATION.template;
    check(
        "hosted KYC, business activity",
        p403_fields(
            &http,
            &base,
            kyc,
            hosted("BUSINESS_ACTIVITY", serde_json::json!({})),
        )
        .await,
        &["country", "taxId"],
    );
    check(
        "hosted KYC, salary",
        p403_fields(
            &http,
            &base,
            kyc,
            hosted(
                "SALARY",
                serde_json::json!({"additionalInfo": "a".repeat(501)}),
            ),
        )
        .await,
        &["country", "occupation", "additionalInfo"],
    );
    check(
        "hosted KYC, enums",
        p403_fields(
            &http,
            &base,
            kyc,
            hosted(
                "LOTTERY",
                serde_json::json!({"openAccountReason": "FUN", "occupation": "ASTRONAUT"}),
            ),
        )
        .await,
        &["incomeSource", "openAccountReason", "occupation", "country"],
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Every field named above is one `fields_from_p403` knows.
    for f in CREATE_FIELDS.iter().chain(OTHER_FIELDS) {
        let back = p100::validate::fields_from_p403(&format!("{f} is wrong. {f} again."));
        assert_eq!(back.len(), 2);
        assert!(back.iter().all(|e| e.field == *f), "{f}: {back:?}");
    }
}

#[tokio::test]
async fn uploads_refused_by_p100_land_at_their_side() {
    // Multipart bodies the desk would never build, straight to the sandbox.
    let (_, sandbox) = p100_sandbox::spawn(p100_sandbox::SandboxConfig::local("k-p403"))
        .await
        .unwrap();
    let base = sandbox.base_url();
    let state = sandbox.state().clone();
    let ext = state
        .create_user(CreateUserRequest {
            external_user_id: "u-files".into(),
            has_accepted_p100_tc: true,
            profile: valid_profile(),
        })
        .unwrap()
        .external_user_id;
    let http = reqwest::Client::new();
    let part = |name: &str| {
        reqwest::multipart::Part::bytes(JPEG.to_vec())
            .file_name(format!("{name}.jpg"))
            .mime_str("image/jpeg")
            .unwrap()
    };
    let send = |form: reqwest::multipart::Form, path: String| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let r = http
                .post(format!("{base}{path}"))
                .header(p100::auth::API_KEY_HEADER, "k-p403")
                .multipart(form)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body = r.bytes().await.unwrap();
            let err = p100::response::decode::<serde_json::Value>(status, None, &body).unwrap_err();
            Error::P100(err)
                .field_errors()
                .into_iter()
                .map(|f| f.field)
                .collect::<Vec<_>>()
        }
    };
    let kyc_path = format!("/v1/user/kyc-files/{ext}");
    let poa_path = format!("/v1/user/poa-files/{ext}");
    let form = reqwest::multipart::Form::new()
        .text("documentType", "DRIVER_LICENSE")
        .part("front", part("f"));
    assert_eq!(send(form, kyc_path.clone()).await, ["documentType"]);
    let form = reqwest::multipart::Form::new()
        .text("documentType", "PASSPORT")
        .part("front", part("f"))
        .part("back", part("b"));
    assert_eq!(send(form, kyc_path.clone()).await, ["back"]);
    let form = reqwest::multipart::Form::new()
        .text("documentType", "ID_CARD")
        .part("front", part("f"))
        .part("front", part("g"));
    assert_eq!(send(form, kyc_path.clone()).await, ["front"]);
    let form = reqwest::multipart::Form::new().text("documentType", "PASSPORT");
    assert_eq!(send(form, kyc_path).await, ["files"]);
    let mut form = reqwest::multipart::Form::new();
    for i in 0..4 {
        form = form.part("files", part(&format!("p{i}")));
    }
    assert_eq!(send(form, poa_path).await, ["files"]);
    assert!(state.user(&ext).unwrap().kyc.is_none());
}

#[tokio::test]
async fn a_p403_after_the_desks_checks_lands_at_the_field_through_the_desk() {
    // Valid fields the desk cannot judge alone: the document type must match the uploaded KYC
    // documents. P100 refuses with P403; the desk shows it at documentType.
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = user(&d).await;
    let mut paths = Vec::new();
    for name in ["front.jpg", "selfie.jpg"] {
        let p = files.path().join(name);
        std::fs::write(&p, JPEG).unwrap();
        paths.push(p);
    }
    let t = d.admit_files(paths).await.unwrap().accepted;
    // Only the front first: the sandbox says what is missing, in a sentence naming no field.
    d.add_kyc_files(
        &ext,
        DocumentType::Passport,
        vec![(KycFileSide::Front, t[0].id.clone())],
        None,
    )
    .await
    .unwrap();
    let incomplete = d
        .add_verification(&ext, verification_form())
        .await
        .unwrap_err();
    assert_eq!(incomplete.kind(), "invalid");
    let f = incomplete.field_errors();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].field, "", "a form-level message");
    assert!(f[0].message.contains("selfie missing"), "{f:?}");

    d.add_kyc_files(
        &ext,
        DocumentType::Passport,
        vec![(KycFileSide::Selfie, t[1].id.clone())],
        None,
    )
    .await
    .unwrap();
    let mut form = verification_form();
    form.document_type = DocumentType::IdCard;
    let mismatch = d.add_verification(&ext, form).await.unwrap_err();
    assert_eq!(
        mismatch.operator_message(),
        "P100 rejected some fields (P403); see the messages at the fields."
    );
    let f = mismatch.field_errors();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].field, "documentType");
    assert!(
        f[0].message
            .contains("must match the uploaded KYC documents (PASSPORT)"),
        "{f:?}"
    );
    // And the corrected form goes through.
    d.add_verification(&ext, verification_form()).await.unwrap();
}
