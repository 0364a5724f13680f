//! Fills a desk database with N Sandbox users spread over every onboarding stage, through the
//! desk's own store (so stages are derived as in the app), for the roster filter benchmark.
//!
//! `seed-roster <database file> [users, default 10000]`

use desk::EnvironmentKind;
use desk::ledger::roster::NewRosterUser;
use desk::store::Store;
use desk::timeline::{Event, EventSource, KycReport};
use p100::models::{AttemptStatus, DocumentType, UserProfile, UserStatus, VerificationStatus};

const FIRST: &[&str] = &[
    "Ada", "Grace", "Nino", "Mariam", "Jan", "Piotr", "Anna", "Lukas", "Sofia", "Mateo", "Elena",
    "Jonas", "Marta", "Tomas", "Ines", "Karol", "Lea", "Olga", "Ivan", "Zofia",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Kapanadze",
    "Beridze",
    "Kowalski",
    "Nowak",
    "Schmidt",
    "Rossi",
    "Garcia",
    "Novak",
    "Horvat",
    "Jensen",
    "Dubois",
    "Silva",
    "Popescu",
    "Virtanen",
    "Murphy",
    "Petrov",
    "Wojcik",
    "Bauer",
];
const COUNTRIES: &[&str] = &["PL", "DE", "LT", "GE", "FR", "ES", "IT", "NL", "UA", "AM"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: seed-roster <database file> [users]")?;
    let n: usize = args
        .next()
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(10_000);
    let store = Store::open(std::path::Path::new(&path))?;
    let env = EnvironmentKind::Sandbox;
    let started = std::time::Instant::now();
    // One transaction: one fsync for the whole roster, not six per user.
    store.with_tx(|t| {
        for i in 0..n {
            let (first, last) = (FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()]);
            let country = COUNTRIES[(i * 7) % COUNTRIES.len()];
            let ext = format!("seed-{i:06}-{}", uuid::Uuid::new_v4().simple());
            let profile = UserProfile {
                email: Some(format!(
                    "{}.{}{i}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                )),
                first_name: Some(first.into()),
                last_name: Some(last.into()),
                country: Some(country.into()),
                citizenship: Some(country.into()),
                ..Default::default()
            };
            t.insert_user(&NewRosterUser {
                environment: env,
                external_user_id: &ext,
                user_id: Some(&format!("u{i}")),
                profile: &profile,
                status: UserStatus::WaitingForActivation,
                poa_required_for_extended: false,
            })?;
            let ev = |event: Event| t.add_event(env, &ext, EventSource::Operator, &event);
            ev(Event::Created {
                user_id: Some(format!("u{i}")),
                poa_required_for_extended: false,
            })?;
            // Every stage gets its share: 0 created, 1 documents, 2 submitted, 3+ active, some aside.
            let step = i % 7;
            if step >= 1 {
                ev(Event::KycFilesUploaded {
                    document_type: DocumentType::Passport,
                    files: Vec::new(),
                    missing: Vec::new(),
                })?;
            }
            if step >= 2 {
                ev(Event::VerificationSubmitted(KycReport {
                    verification_status: VerificationStatus::NotVerified,
                    attempt_status: Some(AttemptStatus::Verification),
                    rejection_reason: None,
                }))?;
            }
            if step >= 3 {
                ev(Event::UserStatus {
                    status: UserStatus::Active,
                })?;
            }
            if step == 5 {
                ev(Event::KycStatus(KycReport {
                    verification_status: VerificationStatus::NotVerified,
                    attempt_status: Some(AttemptStatus::RejectedByProvider),
                    rejection_reason: None,
                }))?;
            }
            if step == 6 {
                ev(Event::Suspended {
                    reason: None,
                    status: UserStatus::Suspended,
                })?;
            }
        }
        Ok(())
    })?;
    println!(
        "seeded {n} users into {path} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
