//! What deserves an operator's attention when the window may not be watched: a user who has
//! just moved to Needs action, a proof of address P100 questions, a bulk import that ended.
//! The shell turns each [`Notice`] into a desktop notification; this module only decides, from
//! the rows and jobs as they change, so that the same news is told once and old news never.

use std::collections::HashSet;

use p100::models::PoaStatus;
use time::OffsetDateTime;

use crate::EnvironmentKind;
use crate::ledger::imports::{ImportJob, ImportState};
use crate::ledger::roster::UserRecord;
use crate::onboarding::Stage;

/// One piece of news, in the operator's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// Remembers what was told. Made when the desk opens: whatever happened before that was on the
/// board already, and is not news.
#[derive(Debug)]
pub struct Attention {
    since: OffsetDateTime,
    /// (environment, user, when the user entered the stage): one notice per arrival.
    needs_action: HashSet<(EnvironmentKind, String, String)>,
    /// Users whose questioned proof of address was told, until P100 says something else of it.
    questioned: HashSet<(EnvironmentKind, String)>,
    /// Jobs seen running or paused.
    running: HashSet<String>,
    /// Jobs whose end was told.
    ended: HashSet<String>,
}

/// At most this many characters of a name or a reason go into a notification.
const MAX_TEXT: usize = 160;

fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

fn name(u: &UserRecord) -> String {
    let full = [u.first_name.as_deref(), u.last_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let name = if full.is_empty() {
        u.email
            .clone()
            .unwrap_or_else(|| u.external_user_id.clone())
    } else {
        full
    };
    clip(&name)
}

impl Attention {
    pub fn new(since: OffsetDateTime) -> Self {
        Self {
            since,
            needs_action: HashSet::new(),
            questioned: HashSet::new(),
            running: HashSet::new(),
            ended: HashSet::new(),
        }
    }

    /// Whether `at` (a stored timestamp) is after the desk opened. A timestamp the desk cannot
    /// read is not news: a wrong silence costs less than a flood.
    fn fresh(&self, at: &str) -> bool {
        p100::timestamp::parse(at).is_some_and(|t| t >= self.since)
    }

    /// The news in a roster row as it is now, if any.
    pub fn user(&mut self, u: &UserRecord) -> Option<Notice> {
        let key = (u.environment, u.external_user_id.clone());
        let in_env = if u.environment == EnvironmentKind::Production {
            " (Production)"
        } else {
            ""
        };
        if u.poa_status == Some(PoaStatus::Questioned) {
            if self.fresh(&u.updated_at) && self.questioned.insert(key) {
                // The same change moved the user to Needs action: one notice says both.
                self.needs_action.insert((
                    u.environment,
                    u.external_user_id.clone(),
                    u.stage_since.clone(),
                ));
                return Some(Notice {
                    title: format!("Proof of address questioned{in_env}"),
                    body: format!(
                        "P100 questions the proof of address of {}. Open the user to answer.",
                        name(u)
                    ),
                });
            }
        } else {
            self.questioned.remove(&key);
        }
        if u.stage == Stage::NeedsAction
            && self.fresh(&u.stage_since)
            && self.needs_action.insert((
                u.environment,
                u.external_user_id.clone(),
                u.stage_since.clone(),
            ))
        {
            let why = u
                .next_action
                .as_deref()
                .map(clip)
                .unwrap_or_else(|| "Open the user to see why.".into());
            return Some(Notice {
                title: format!("{} needs action{in_env}", name(u)),
                body: why,
            });
        }
        None
    }

    /// The news in the import jobs as they are now: each job that ended and that this desk saw
    /// going, or that started after it opened (a short job may start and end between looks).
    pub fn import_jobs(&mut self, jobs: &[ImportJob]) -> Vec<Notice> {
        let mut notices = Vec::new();
        for job in jobs {
            match job.state {
                ImportState::Running | ImportState::Paused => {
                    self.running.insert(job.id.clone());
                }
                ImportState::Done | ImportState::Cancelled => {
                    let seen = self.running.remove(&job.id);
                    if !(seen || self.fresh(&job.created_at)) || !self.ended.insert(job.id.clone())
                    {
                        continue;
                    }
                    let counts = format!(
                        "{} created, {} tracked, {} refused, {} failed of {} rows.",
                        job.created, job.tracked, job.refused, job.failed, job.rows
                    );
                    let (title, body) = if job.state == ImportState::Done {
                        ("Import finished", counts)
                    } else {
                        (
                            "Import cancelled",
                            format!("{counts} The rest were not sent."),
                        )
                    };
                    notices.push(Notice {
                        title: format!("{title}: {}", clip(&job.file_name)),
                        body,
                    });
                }
            }
        }
        notices
    }

    /// Whether a job is going, so the shell asks about jobs often (else seldom).
    pub fn jobs_going(&self) -> bool {
        !self.running.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p100::models::{UserProfile, UserStatus};
    use time::macros::datetime;

    const OPENED: OffsetDateTime = datetime!(2026-12-04 10:00 UTC);
    const BEFORE: &str = "2026-12-04T09:59:59Z";
    const AFTER: &str = "2026-12-04T10:05:00Z";
    const LATER: &str = "2026-12-04T11:00:00Z";

    fn user(stage: Stage, since: &str) -> UserRecord {
        UserRecord {
            environment: EnvironmentKind::Sandbox,
            external_user_id: "ext-1".into(),
            user_id: Some("u-1".into()),
            email: Some("ada@example.com".into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            country: Some("PL".into()),
            citizenship: Some("PL".into()),
            status: UserStatus::WaitingForActivation,
            poa_required_for_extended: false,
            extended: false,
            kyc_method: None,
            verification_id: None,
            verification_status: None,
            attempt_status: None,
            rejection_reason: None,
            poa_status: None,
            created_at: BEFORE.into(),
            updated_at: since.into(),
            deleted_at: None,
            profile: UserProfile::default(),
            stage,
            stage_since: since.into(),
            next_action: Some("KYC rejected: ask for a clearer ID photo".into()),
            assignee: None,
            tags: Vec::new(),
            notes: 0,
        }
    }

    #[test]
    fn a_user_arriving_in_needs_action_is_told_once_with_the_reason() {
        let mut a = Attention::new(OPENED);
        let u = user(Stage::NeedsAction, AFTER);
        let notice = a.user(&u).expect("news");
        assert_eq!(notice.title, "Ada Lovelace needs action");
        assert_eq!(notice.body, "KYC rejected: ask for a clearer ID photo");
        // The same row again (another field changed): not news.
        assert_eq!(a.user(&u), None);
        // Out of the stage and back in later: news again.
        assert_eq!(a.user(&user(Stage::VerificationSubmitted, LATER)), None);
        assert!(a.user(&user(Stage::NeedsAction, LATER)).is_some());
    }

    #[test]
    fn what_was_on_the_board_when_the_desk_opened_is_not_news() {
        let mut a = Attention::new(OPENED);
        assert_eq!(a.user(&user(Stage::NeedsAction, BEFORE)), None);
        let mut unreadable = user(Stage::NeedsAction, "yesterday");
        unreadable.updated_at = "yesterday".into();
        assert_eq!(a.user(&unreadable), None);
        assert_eq!(a.user(&user(Stage::Active, AFTER)), None);
    }

    #[test]
    fn a_questioned_proof_of_address_is_one_notice_not_two_and_production_says_so() {
        let mut a = Attention::new(OPENED);
        let mut u = user(Stage::NeedsAction, AFTER);
        u.environment = EnvironmentKind::Production;
        u.poa_status = Some(PoaStatus::Questioned);
        let notice = a.user(&u).expect("news");
        assert_eq!(notice.title, "Proof of address questioned (Production)");
        assert!(notice.body.contains("Ada Lovelace"), "{}", notice.body);
        assert_eq!(a.user(&u), None);
        // Answered, then questioned again: told again.
        u.poa_status = Some(PoaStatus::Waiting);
        u.stage = Stage::ProofOfAddress;
        u.stage_since = LATER.into();
        assert_eq!(a.user(&u), None);
        u.poa_status = Some(PoaStatus::Questioned);
        assert!(a.user(&u).is_some());
    }

    #[test]
    fn a_nameless_user_is_called_by_email_and_long_text_is_clipped() {
        let mut a = Attention::new(OPENED);
        let mut u = user(Stage::NeedsAction, AFTER);
        u.first_name = None;
        u.last_name = Some(String::new());
        u.next_action = Some("x".repeat(500));
        let notice = a.user(&u).expect("news");
        assert_eq!(notice.title, "ada@example.com needs action");
        assert_eq!(notice.body.chars().count(), MAX_TEXT + 1);
        assert!(notice.body.ends_with('…'));
    }

    fn job(id: &str, state: ImportState) -> ImportJob {
        ImportJob {
            id: id.into(),
            environment: EnvironmentKind::Sandbox,
            file_name: "march.csv".into(),
            created_by: "ops".into(),
            created_at: AFTER.into(),
            updated_at: AFTER.into(),
            state,
            per_second: 5.0,
            rows: 10,
            created: 6,
            tracked: 2,
            refused: 1,
            failed: 1,
        }
    }

    #[test]
    fn an_import_seen_going_is_told_when_it_ends_and_only_then() {
        let mut a = Attention::new(OPENED);
        // Ended before this desk opened: not news.
        let mut old = job("old", ImportState::Done);
        old.created_at = BEFORE.into();
        assert_eq!(a.import_jobs(&[old]), vec![]);
        assert!(!a.jobs_going());
        assert_eq!(
            a.import_jobs(&[
                job("j1", ImportState::Running),
                job("j2", ImportState::Paused)
            ]),
            vec![]
        );
        assert!(a.jobs_going());
        let told = a.import_jobs(&[
            job("j1", ImportState::Done),
            job("j2", ImportState::Cancelled),
        ]);
        assert_eq!(
            told,
            vec![
                Notice {
                    title: "Import finished: march.csv".into(),
                    body: "6 created, 2 tracked, 1 refused, 1 failed of 10 rows.".into(),
                },
                Notice {
                    title: "Import cancelled: march.csv".into(),
                    body: "6 created, 2 tracked, 1 refused, 1 failed of 10 rows. The rest were not sent."
                        .into(),
                },
            ]
        );
        assert!(!a.jobs_going());
        assert_eq!(a.import_jobs(&[job("j1", ImportState::Done)]), vec![]);
        // Started after the desk opened and ended between two looks: told, once.
        assert_eq!(a.import_jobs(&[job("quick", ImportState::Done)]).len(), 1);
        assert_eq!(a.import_jobs(&[job("quick", ImportState::Done)]), vec![]);
    }
}
