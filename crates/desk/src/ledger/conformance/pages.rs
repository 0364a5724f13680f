//! The conformance checks of the roster's pages and of the import jobs: what the window asks of
//! a large roster, and the jobs' leases and counts.

use super::{ENV, tx};
use crate::environment::EnvironmentKind;
use crate::error::Error;
use crate::ledger::imports::{
    ImportOutcome, ImportState, NewImportJob, RowResult, StoredImportRow,
};
use crate::ledger::roster::NewRosterUser;
use crate::ledger::roster_query::{RosterQuery, RosterSort};
use crate::ledger::{Ledger, in_tx};
use crate::onboarding::{Onboarding, Stage};
use p100::models::{UserProfile, UserStatus};

/// The roster screen's questions answered by the store: search (every word, any case, any
/// script, wildcards literal), filters, sorts, pages, the board and the filters' values.
pub(super) fn roster_query(l: &dyn Ledger) {
    // (externalUserId, first, last, country, stage): inserted oldest first.
    let people = [
        ("u1", "Ola", "Nowak", "PL", Stage::Active),
        ("u2", "Jan", "Nowakowski", "PL", Stage::Created),
        ("u3", "Олена", "Шевченко", "UA", Stage::NeedsAction),
        ("a_b", "Ada", "Lovelace", "GB", Stage::Active),
        ("axb", "Ada", "Byron", "GB", Stage::Created),
    ];
    for (i, (ext, first, last, country, stage)) in people.into_iter().enumerate() {
        std::thread::sleep(std::time::Duration::from_millis(3));
        tx(l, |t| {
            t.insert_user(&NewRosterUser {
                environment: ENV,
                external_user_id: ext,
                user_id: None,
                profile: &UserProfile {
                    email: Some(format!("{}@example.com", first.to_lowercase())),
                    first_name: Some(first.into()),
                    last_name: Some(last.into()),
                    country: Some(country.into()),
                    ..Default::default()
                },
                status: match stage {
                    Stage::Active => UserStatus::Active,
                    _ => UserStatus::WaitingForActivation,
                },
                poa_required_for_extended: false,
            })?;
            t.set_stage(
                ENV,
                ext,
                &Onboarding {
                    stage,
                    since: format!("2026-01-0{}T00:00:00.000Z", 9 - i),
                    next_action: None,
                    reached: Vec::new(),
                },
            )
        });
    }
    let ask = |q: RosterQuery| tx(l, |t| t.query_users(ENV, &q));
    let ids = |q: RosterQuery| -> Vec<String> {
        ask(q)
            .rows
            .into_iter()
            .map(|u| u.external_user_id)
            .collect()
    };
    let search = |s: &str| {
        let mut v = ids(RosterQuery {
            search: s.into(),
            ..RosterQuery::default()
        });
        v.sort();
        v
    };

    let all = ask(RosterQuery::default());
    assert_eq!((all.total, all.matching), (5, 5));
    let newest_first: Vec<&str> = all
        .rows
        .iter()
        .map(|u| u.external_user_id.as_str())
        .collect();
    assert_eq!(newest_first, ["axb", "a_b", "u3", "u2", "u1"]);
    assert_eq!(search("nowak"), ["u1", "u2"], "a word inside a name");
    assert_eq!(search("NOWAKOW"), ["u2"], "any case");
    assert_eq!(search("ola nowak"), ["u1"], "every word");
    assert_eq!(search("no"), ["u1", "u2"], "a short word starts a word");
    assert!(search("ow").is_empty(), "…and is not looked for inside one");
    assert_eq!(search("ja no"), ["u2"], "short words, every one");
    assert_eq!(search("шевченко"), ["u3"], "another script, another case");
    assert_eq!(search("a_b"), ["a_b"], "a wildcard is a character");
    assert_eq!(search("ada@example"), ["a_b", "axb"], "the e-mail");
    assert!(search("zzz").is_empty());
    assert!(search("%").is_empty());

    let page = ask(RosterQuery {
        country: Some("PL".into()),
        ..RosterQuery::default()
    });
    assert_eq!((page.total, page.matching), (5, 2));
    assert_eq!(
        ids(RosterQuery {
            stage: Some(Stage::Active),
            status: Some(UserStatus::Active),
            ..RosterQuery::default()
        }),
        ["a_b", "u1"]
    );
    // By name (last, first), a page of two from the second row on.
    let by_name = ask(RosterQuery {
        sort: RosterSort::Name,
        descending: false,
        offset: 1,
        limit: 2,
        ..RosterQuery::default()
    });
    let names: Vec<_> = by_name
        .rows
        .iter()
        .map(|u| u.external_user_id.as_str())
        .collect();
    assert_eq!(
        (by_name.matching, by_name.offset, names),
        (5, 1, vec!["a_b", "u1"])
    );
    // By stage, the board's order; ties newest first.
    assert_eq!(
        ids(RosterQuery {
            sort: RosterSort::Stage,
            descending: false,
            ..RosterQuery::default()
        }),
        ["axb", "u2", "a_b", "u1", "u3"]
    );
    assert!(matches!(
        in_tx(l, |t| t.query_users(
            ENV,
            &RosterQuery {
                limit: 0,
                ..RosterQuery::default()
            }
        )),
        Err(Error::Invalid(_))
    ));

    let board = tx(l, |t| t.board(ENV, &Default::default()));
    assert_eq!(
        board.iter().map(|c| c.stage).collect::<Vec<_>>(),
        Stage::ALL
    );
    let created = &board[0];
    let cards: Vec<&str> = created
        .cards
        .iter()
        .map(|u| u.external_user_id.as_str())
        .collect();
    assert_eq!(
        (created.count, cards),
        (2, vec!["axb", "u2"]),
        "longest in the stage first"
    );
    assert_eq!(board.iter().map(|c| c.count).sum::<u32>(), 5);

    let facets = tx(l, |t| t.roster_facets(ENV));
    assert_eq!(facets.countries, ["GB", "PL", "UA"]);
    assert_eq!(
        facets.statuses,
        [UserStatus::Active, UserStatus::WaitingForActivation]
    );
    assert_eq!(
        tx(l, |t| t.query_users(
            EnvironmentKind::Staging,
            &RosterQuery::default()
        ))
        .total,
        0,
        "one environment's roster"
    );
}

/// Jobs hold their rows; workers take running jobs by a lease; outcomes are counted once.
pub(super) fn import_jobs(l: &dyn Ledger) {
    let rows: Vec<StoredImportRow> = (1..=3)
        .map(|i| StoredImportRow {
            row: i,
            external_user_id: format!("crm-{i}"),
            plan_json: format!("{{\"row\":{i}}}"),
        })
        .collect();
    let new = |id: &'static str| NewImportJob {
        id,
        environment: ENV,
        file_name: "users.csv",
        created_by: "olga",
        per_second: 5.0,
    };
    tx(l, |t| t.insert_import_job(&new("j1"), &rows));
    std::thread::sleep(std::time::Duration::from_millis(3));
    tx(l, |t| t.insert_import_job(&new("j2"), &rows[..1]));
    let job = tx(l, |t| t.import_job("j1")).expect("the job");
    assert_eq!(
        (
            job.state,
            job.rows,
            job.finished_rows(),
            job.created_by.as_str()
        ),
        (ImportState::Running, 3, 0, "olga")
    );
    let listed: Vec<String> = tx(l, |t| t.import_jobs(ENV, 10))
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(listed, ["j2", "j1"], "newest first");
    assert!(tx(l, |t| t.import_jobs(EnvironmentKind::Staging, 10)).is_empty());

    let (t0, t1, t2) = (
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:01:00.000Z",
        "2026-01-01T00:02:00.000Z",
    );
    let take = |worker: &str, now: &str, until: &str| {
        tx(l, |t| t.take_import_job(ENV, worker, now, until))
    };
    assert_eq!(
        take("a", t0, t1).as_deref(),
        Some("j1"),
        "the oldest running job"
    );
    assert_eq!(
        take("b", t0, t1).as_deref(),
        Some("j2"),
        "one held is not taken again"
    );
    assert_eq!(take("c", t0, t1), None);
    assert_eq!(
        take("a", t0, t1).as_deref(),
        Some("j1"),
        "its own worker, restarted"
    );
    assert!(tx(l, |t| t.renew_import_lease("j1", "a", t2)));
    assert!(!tx(l, |t| t.renew_import_lease("j1", "c", t2)), "not c's");
    assert_eq!(take("c", t1, t2), None, "renewed until t2");
    assert_eq!(
        take("c", "2026-01-01T00:03:00.000Z", "2026-01-01T00:04:00.000Z").as_deref(),
        Some("j1"),
        "the lease ran out"
    );

    let pending: Vec<u32> = tx(l, |t| t.pending_import_rows("j1", 2))
        .into_iter()
        .map(|r| r.row)
        .collect();
    assert_eq!(pending, [1, 2]);
    let result = |row: u32, outcome| RowResult {
        row,
        external_user_id: format!("crm-{row}"),
        outcome,
        fields: if outcome == ImportOutcome::Refused {
            vec!["email".into()]
        } else {
            Vec::new()
        },
        message: None,
    };
    tx(l, |t| {
        t.record_import_row("j1", &result(2, ImportOutcome::Refused), t0)?;
        t.record_import_row("j1", &result(1, ImportOutcome::Created), t0)?;
        // A row that has its outcome keeps it, and is not counted twice.
        t.record_import_row("j1", &result(1, ImportOutcome::Failed), t0)
    });
    let job = tx(l, |t| t.import_job("j1")).expect("the job");
    assert_eq!(
        (job.created, job.refused, job.failed, job.finished_rows()),
        (1, 1, 0, 2)
    );
    let results = tx(l, |t| t.import_results("j1"));
    assert_eq!(
        results,
        [
            result(1, ImportOutcome::Created),
            result(2, ImportOutcome::Refused)
        ]
    );
    let pending: Vec<u32> = tx(l, |t| t.pending_import_rows("j1", 10))
        .into_iter()
        .map(|r| r.row)
        .collect();
    assert_eq!(pending, [3]);

    tx(l, |t| t.set_import_state("j1", ImportState::Paused, t1));
    assert_eq!(take("d", t0, t1).as_deref(), None, "j2 held, j1 paused");
    assert!(
        !tx(l, |t| t.renew_import_lease("j1", "c", t2)),
        "a paused job's lease is let go"
    );
    tx(l, |t| t.set_import_state("j1", ImportState::Running, t1));
    assert_eq!(take("d", t1, t2).as_deref(), Some("j1"), "resumed, free");
}
