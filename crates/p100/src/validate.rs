//! The rules a create body must meet, in one place for the client (checked before sending) and
//! the sandbox (answered as `P403`). P100 publishes no field table; these rules follow its
//! examples and what a regulated onboarding needs, and are listed in docs/decisions.md.
//!
//! Every message starts with the API field name, as class-validator messages do, so that a
//! joined `P403` message can be mapped back to form fields ([`fields_from_p403`]).

pub mod cards;
pub mod money;

use crate::countries::is_country_code;
use crate::error::FieldError;
use crate::models::{
    CreateKycVerificationRequest, CreateUserRequest, IncomeSource, UserProfile,
    UserVerificationRequest,
};
pub use time::Date;
use time::macros::format_description;

pub const MAX_EXTERNAL_ID: usize = 100;
pub const MAX_NAME: usize = 100;
pub const MAX_ADDRESS: usize = 100;
pub const MAX_POST_CODE: usize = 20;
pub const MAX_ID_NUMBER: usize = 50;
pub const MIN_AGE_YEARS: i32 = 18;

/// Fields that must be present on create, besides `externalUserId` and `hasAcceptedP100Tc`.
pub const REQUIRED_ON_CREATE: &[&str] =
    &["email", "firstName", "lastName", "country", "citizenship"];

/// All failures of a create body, in form order; empty when it may be sent.
pub fn create_user(req: &CreateUserRequest, today: Date) -> Vec<FieldError> {
    let mut errors = Vec::new();
    external_user_id(&req.external_user_id, &mut errors);
    if !req.has_accepted_p100_tc {
        errors.push(FieldError::new(
            "hasAcceptedP100Tc",
            "hasAcceptedP100Tc must be true: the user has to accept the P100 Terms & Conditions",
        ));
    }
    let p = &req.profile;
    for (field, value) in required_fields(p) {
        if value.is_none_or(|v| v.trim().is_empty()) {
            errors.push(FieldError::new(
                field,
                format!("{field} should not be empty"),
            ));
        }
    }
    profile(p, today, &mut errors);
    // One message per field: the first failure is the one to fix first.
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert(e.field.clone()));
    errors
}

/// Checks the fields present in `p` (for create, after the required check, or for an update).
pub fn profile(p: &UserProfile, today: Date, errors: &mut Vec<FieldError>) {
    if let Some(v) = p.email.as_deref()
        && !is_email(v)
    {
        errors.push(FieldError::new(
            "email",
            "email must be an email address, for example name@example.com",
        ));
    }
    if let Some(v) = p.phone.as_deref()
        && (!(7..=15).contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_digit()))
    {
        errors.push(FieldError::new(
            "phone",
            "phone must be 7 to 15 digits with the country prefix and no '+', for example 48500000000",
        ));
    }
    for (field, value, max) in [
        ("firstName", &p.first_name, MAX_NAME),
        ("lastName", &p.last_name, MAX_NAME),
        ("street", &p.street, MAX_ADDRESS),
        ("number", &p.number, MAX_ADDRESS),
        ("city", &p.city, MAX_ADDRESS),
        ("postCode", &p.post_code, MAX_POST_CODE),
    ] {
        if let Some(v) = value.as_deref() {
            if v.trim().is_empty() {
                errors.push(FieldError::new(
                    field,
                    format!("{field} should not be empty"),
                ));
            } else if v.chars().count() > max {
                errors.push(FieldError::new(
                    field,
                    format!("{field} must be at most {max} characters"),
                ));
            } else if v.chars().any(char::is_control) {
                errors.push(FieldError::new(
                    field,
                    format!("{field} must not contain control characters"),
                ));
            }
        }
    }
    for (field, value) in [
        ("country", &p.country),
        ("citizenship", &p.citizenship),
        ("nationality", &p.nationality),
        ("birthCountry", &p.birth_country),
    ] {
        if let Some(v) = value.as_deref()
            && !is_country_code(v)
        {
            errors.push(FieldError::new(
                field,
                format!("{field} must be an ISO 3166-1 alpha-2 country code, for example PL"),
            ));
        }
    }
    if let Some(v) = p.birth_date.as_deref() {
        birth_date(v, today, errors);
    }
    if let Some(v) = p.user_identification_number.as_deref() {
        let ok = !v.is_empty()
            && v.len() <= MAX_ID_NUMBER
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'/' | b' '));
        if !ok {
            errors.push(FieldError::new(
                "userIdentificationNumber",
                format!("userIdentificationNumber must be 1 to {MAX_ID_NUMBER} letters, digits, spaces, '-' or '/'"),
            ));
        }
    }
}

fn required_fields(p: &UserProfile) -> [(&'static str, Option<&str>); 5] {
    [
        ("email", p.email.as_deref()),
        ("firstName", p.first_name.as_deref()),
        ("lastName", p.last_name.as_deref()),
        ("country", p.country.as_deref()),
        ("citizenship", p.citizenship.as_deref()),
    ]
}

/// Ids that are literal segments of other paths in the routes table (`/v1/user/balances/crypto`,
/// `/v1/user/verification`): a user with such an id could not be addressed in every route.
pub const RESERVED_EXTERNAL_IDS: &[&str] = &["crypto", "crypto-and-fiat", "verification"];

fn external_user_id(v: &str, errors: &mut Vec<FieldError>) {
    if let Some(problem) = external_user_id_problem(v) {
        errors.push(FieldError::new("externalUserId", problem));
    }
}

/// What is wrong with an `externalUserId`, if anything: it goes into URL paths, so only
/// characters that need no escaping, and never a literal segment of another path.
pub fn external_user_id_problem(v: &str) -> Option<String> {
    if RESERVED_EXTERNAL_IDS.contains(&v) {
        Some(format!(
            "externalUserId must not be {v}: it is a path segment"
        ))
    } else if v.is_empty() {
        Some("externalUserId should not be empty".into())
    } else if v.len() > MAX_EXTERNAL_ID
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        Some(format!(
            "externalUserId must be 1 to {MAX_EXTERNAL_ID} letters, digits, '-', '_', '.' or ':'"
        ))
    } else {
        None
    }
}

/// A `YYYY-MM-DD` date. `time`'s `[year]` also takes a leading `+` or `-` (`+1990-01-31`), which
/// is not how a date is written here, so the first character must be a digit.
pub fn parse_day(v: &str) -> Option<Date> {
    if !v.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Date::parse(v, format_description!("[year]-[month]-[day]")).ok()
}

fn birth_date(v: &str, today: Date, errors: &mut Vec<FieldError>) {
    let Some(date) = parse_day(v) else {
        errors.push(FieldError::new(
            "birthDate",
            "birthDate must be a real date written YYYY-MM-DD, for example 1990-01-31",
        ));
        return;
    };
    if date >= today {
        errors.push(FieldError::new(
            "birthDate",
            "birthDate must be in the past",
        ));
        return;
    }
    let mut age = today.year() - date.year();
    if (today.month() as u8, today.day()) < (date.month() as u8, date.day()) {
        age -= 1;
    }
    if age < MIN_AGE_YEARS {
        errors.push(FieldError::new(
            "birthDate",
            format!("birthDate: the user must be at least {MIN_AGE_YEARS} years old"),
        ));
    } else if age > 120 {
        errors.push(FieldError::new(
            "birthDate",
            "birthDate must be within the last 120 years",
        ));
    }
}

/// A deliberately plain check: one `@`, a non-empty local part, a dotted domain, no spaces.
/// Deliverability is P100's and the mailbox's business.
fn is_email(v: &str) -> bool {
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// Joins failures the way P100 joins validation messages in one `P403` `errorMessage`.
pub fn join_messages(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            let m = e.message.trim_end_matches('.');
            format!("{m}.")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Maps a joined `P403` message back to the fields it names. A sentence that names no known
/// field is kept under the field `""`, so nothing P100 said is dropped.
pub fn fields_from_p403(message: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    for sentence in split_sentences(message) {
        let field = CREATE_FIELDS
            .iter()
            .chain(OTHER_FIELDS)
            .chain(money::MONEY_FIELDS)
            .find(|f| {
                sentence.starts_with(**f)
                    && sentence[f.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric())
            })
            .copied()
            .unwrap_or("");
        out.push(FieldError::new(field, sentence));
    }
    out
}

fn split_sentences(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if c == '.' && chars.peek().is_none_or(|n| *n == ' ') {
            let s = current.trim().to_owned();
            if !s.is_empty() {
                out.push(s);
            }
            current.clear();
        }
    }
    let s = current.trim().to_owned();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// Field names of the other request bodies (verification, hosted KYC, uploads, suspend).
pub const OTHER_FIELDS: &[&str] = &[
    "documentType",
    "documentNumber",
    "issuingCountry",
    "issueDate",
    "expiryDate",
    "incomeSource",
    "openAccountReason",
    "taxId",
    "occupation",
    "additionalInfo",
    "files",
    "front",
    "back",
    "selfie",
    "reason",
    // Cards (`cards::CARD_FIELDS`).
    "cardId",
    "label",
    "pin",
    "monthlyTrxAll",
    "dailyTrxAll",
    "monthlyTrxAtm",
    "dailyTrxAtm",
    "monthlyTrxEcom",
    "dailyTrxEcom",
];

/// The create body's field names, in form order.
pub const CREATE_FIELDS: &[&str] = &[
    "externalUserId",
    "hasAcceptedP100Tc",
    "email",
    "phone",
    "firstName",
    "lastName",
    "street",
    "number",
    "city",
    "postCode",
    "country",
    "citizenship",
    "nationality",
    "birthCountry",
    "birthDate",
    "userIdentificationNumber",
];

/// Add User Verification's field rules, on the raw values (absent = `None`), so the sandbox can
/// run them on whatever it could read and the desk on its typed form.
pub fn verification_fields(
    document_number: Option<&str>,
    issuing_country: Option<&str>,
    issue_date: Option<&str>,
    expiry_date: Option<&str>,
    today: Date,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(n) = document_number
        && (n.is_empty()
            || n.len() > 50
            || !n
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        errors.push(FieldError::new(
            "documentNumber",
            "documentNumber must be 1 to 50 letters, digits, '-' or '_'",
        ));
    }
    if let Some(c) = issuing_country
        && !is_country_code(c)
    {
        errors.push(FieldError::new(
            "issuingCountry",
            "issuingCountry must be an ISO 3166-1 alpha-2 country code",
        ));
    }
    let parse = |name: &str, v: &str, errors: &mut Vec<FieldError>| {
        let d = parse_day(v);
        if d.is_none() {
            errors.push(FieldError::new(
                name,
                format!("{name} must be a real date written YYYY-MM-DD"),
            ));
        }
        d
    };
    if let Some(d) = issue_date.and_then(|v| parse("issueDate", v, &mut errors))
        && d > today
    {
        errors.push(FieldError::new(
            "issueDate",
            "issueDate must not be in the future",
        ));
    }
    if let Some(d) = expiry_date.and_then(|v| parse("expiryDate", v, &mut errors))
        && d <= today
    {
        errors.push(FieldError::new(
            "expiryDate",
            "expiryDate must be in the future: the document has expired",
        ));
    }
    errors
}

/// The typed Add User Verification body, checked before sending.
pub fn verification(req: &UserVerificationRequest, today: Date) -> Vec<FieldError> {
    verification_fields(
        Some(&req.document_number),
        Some(&req.issuing_country),
        req.issue_date.as_deref(),
        Some(&req.expiry_date),
        today,
    )
}

/// Creating KYC Verification's rules: `country` an ISO code; `taxId` with `BUSINESS_ACTIVITY`,
/// `occupation` with `SALARY`, `additionalInfo` with every income source but business activity.
pub fn hosted_kyc_fields(
    country: Option<&str>,
    income: Option<IncomeSource>,
    tax_id: Option<&str>,
    has_occupation: bool,
    additional_info: Option<&str>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(c) = country
        && !is_country_code(c)
    {
        errors.push(FieldError::new(
            "country",
            "country must be an ISO 3166-1 alpha-2 country code",
        ));
    }
    let blank = |v: Option<&str>| v.is_none_or(|s| s.trim().is_empty());
    match income {
        Some(IncomeSource::BusinessActivity) if blank(tax_id) => errors.push(FieldError::new(
            "taxId",
            "taxId should not be empty when incomeSource is BUSINESS_ACTIVITY",
        )),
        Some(IncomeSource::Salary) if !has_occupation => errors.push(FieldError::new(
            "occupation",
            "occupation should not be empty when incomeSource is SALARY",
        )),
        _ => {}
    }
    if income.is_some_and(IncomeSource::needs_additional_info) && blank(additional_info) {
        errors.push(FieldError::new(
            "additionalInfo",
            "additionalInfo should not be empty unless incomeSource is BUSINESS_ACTIVITY",
        ));
    }
    if additional_info.is_some_and(|a| a.chars().count() > 500) {
        errors.push(FieldError::new(
            "additionalInfo",
            "additionalInfo must be at most 500 characters",
        ));
    }
    errors
}

pub fn hosted_kyc(req: &CreateKycVerificationRequest) -> Vec<FieldError> {
    hosted_kyc_fields(
        Some(&req.country),
        Some(req.income_source),
        req.tax_id.as_deref(),
        req.occupation.is_some(),
        req.additional_info.as_deref(),
    )
}

/// Today's date in UTC, which both the client and the sandbox judge birth dates against.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 25);

    fn valid() -> CreateUserRequest {
        CreateUserRequest {
            external_user_id: "00000000-0000-4000-8000-000000000001".into(),
            has_accepted_p100_tc: true,
            profile: UserProfile {
                email: Some("ada@example.com".into()),
                first_name: Some("Ada".into()),
                last_name: Some("Lovelace".into()),
                country: Some("PL".into()),
                citizenship: Some("PL".into()),
                birth_date: Some("1990-01-31".into()),
                phone: Some("48500000000".into()),
                ..Default::default()
            },
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_body_passes() {
        assert_eq!(create_user(&valid(), TODAY), vec![]);
    }

    #[test]
    fn missing_required_fields_are_each_named() {
        let req = CreateUserRequest {
            external_user_id: String::new(),
            has_accepted_p100_tc: false,
            profile: UserProfile::default(),
        };
        assert_eq!(
            fields(&create_user(&req, TODAY)),
            [
                "externalUserId",
                "hasAcceptedP100Tc",
                "email",
                "firstName",
                "lastName",
                "country",
                "citizenship"
            ]
        );
    }

    #[test]
    fn bad_values_get_specific_messages() {
        type Case = (&'static str, fn(&mut UserProfile), &'static str);
        let cases: &[Case] = &[
            (
                "email",
                |p| p.email = Some("ada@".into()),
                "email must be an email address",
            ),
            (
                "phone",
                |p| p.phone = Some("+48 500".into()),
                "phone must be 7 to 15 digits",
            ),
            (
                "country",
                |p| p.country = Some("XX".into()),
                "country must be an ISO 3166-1 alpha-2",
            ),
            (
                "birthDate",
                |p| p.birth_date = Some("1990-02-30".into()),
                "birthDate must be a real date",
            ),
            (
                "birthDate",
                |p| p.birth_date = Some("2027-01-01".into()),
                "birthDate must be in the past",
            ),
            (
                "birthDate",
                |p| p.birth_date = Some("2008-11-26".into()),
                "at least 18 years old",
            ),
            (
                "firstName",
                |p| p.first_name = Some("x".repeat(101)),
                "at most 100 characters",
            ),
        ];
        for (field, mutate, expected) in cases {
            let mut req = valid();
            mutate(&mut req.profile);
            let errors = create_user(&req, TODAY);
            assert_eq!(fields(&errors), [*field], "{expected}");
            assert!(
                errors[0].message.contains(expected),
                "{} !~ {expected}",
                errors[0].message
            );
        }
    }

    #[test]
    fn dates_are_written_yyyy_mm_dd_without_a_sign() {
        assert_eq!(parse_day("1990-01-31"), Some(date!(1990 - 01 - 31)));
        for bad in [
            "+1990-01-31",
            "-1990-01-31",
            "1990-1-31",
            "1990-02-30",
            " 1990-01-31",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn exactly_eighteen_today_is_allowed() {
        let mut req = valid();
        req.profile.birth_date = Some("2008-11-25".into());
        assert_eq!(create_user(&req, TODAY), vec![]);
    }

    #[test]
    fn external_id_must_be_path_safe() {
        let mut req = valid();
        req.external_user_id = "a/b".into();
        assert_eq!(fields(&create_user(&req, TODAY)), ["externalUserId"]);
    }

    #[test]
    fn normalization_trims_and_uppercases() {
        let p = UserProfile {
            email: Some("  a@b.co ".into()),
            country: Some(" pl".into()),
            city: Some("   ".into()),
            ..Default::default()
        }
        .normalized();
        assert_eq!(p.email.as_deref(), Some("a@b.co"));
        assert_eq!(p.country.as_deref(), Some("PL"));
        assert_eq!(p.city, None);
    }

    #[test]
    fn joined_p403_maps_back_to_fields() {
        let mut req = valid();
        req.profile.email = Some("nope".into());
        req.profile.birth_date = Some("1990-13-01".into());
        let errors = create_user(&req, TODAY);
        let joined = join_messages(&errors);
        let back = fields_from_p403(&joined);
        assert_eq!(fields(&back), ["email", "birthDate"]);
        assert_eq!(
            back[0].message,
            "email must be an email address, for example name@example.com."
        );
        let unknown = fields_from_p403("Something else went wrong.");
        assert_eq!(fields(&unknown), [""]);
    }
}
