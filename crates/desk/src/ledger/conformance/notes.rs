//! The conformance check of what operators write on users: tags defined once (one per name in
//! any case), put on and taken off with events and journal lines; notes on the timeline with
//! their author; assignment to the team's operators; and the roster's search, filters and board
//! that find users by them.

use super::{ENV, create, tx};
use crate::error::Error;
use crate::ledger::journal::JournalFilter;
use crate::ledger::notes::TagColour;
use crate::ledger::roster_query::{AssigneeFilter, BoardFilter, RosterQuery};
use crate::ledger::{Ledger, Tx, in_tx};
use crate::onboarding::Stage;
use crate::timeline::{Event, EventSource};

fn refused_at(l: &dyn Ledger, f: impl FnOnce(&dyn Tx) -> crate::Result<()>) -> String {
    match in_tx(l, f) {
        Err(Error::Invalid(errors)) => errors[0].field.clone(),
        other => panic!("refused at a field, not {other:?}"),
    }
}

fn found(l: &dyn Ledger, q: RosterQuery) -> Vec<String> {
    tx(l, |t| t.query_users(ENV, &q))
        .rows
        .into_iter()
        .map(|u| u.external_user_id)
        .collect()
}

fn search(l: &dyn Ledger, words: &str) -> Vec<String> {
    found(
        l,
        RosterQuery {
            search: words.into(),
            ..RosterQuery::default()
        },
    )
}

pub(super) fn notes_tags_and_assignment(l: &dyn Ledger) {
    tx(l, |t| create(t, "u1", false));
    tx(l, |t| create(t, "u2", false));
    let me = tx(l, |t| Ok(t.actor().to_owned()));

    // Tags: defined once; the same name in another case recolours the same tag.
    tx(l, |t| t.define_tag(" VIP ", TagColour::Red));
    let tags = tx(l, |t| t.define_tag("vip", TagColour::Purple));
    assert_eq!(tags.len(), 1);
    assert_eq!(
        (tags[0].name.as_str(), tags[0].colour),
        ("VIP", TagColour::Purple)
    );
    assert_eq!(
        refused_at(l, |t| t.define_tag("a;b", TagColour::Red).map(drop)),
        "name"
    );
    assert_eq!(
        refused_at(l, |t| t
            .retag(ENV, "u1", &["vip".into(), "needs call".into()])
            .map(drop)),
        "tags",
        "a tag not defined yet"
    );
    tx(l, |t| t.define_tag("needs call", TagColour::Orange));
    let u1 = tx(l, |t| {
        t.retag(
            ENV,
            "u1",
            &["needs call".into(), "vip".into(), "VIP".into()],
        )
    });
    assert_eq!(
        u1.tags,
        ["VIP", "needs call"],
        "defined names, sorted, once"
    );
    assert_eq!(u1.stage, Stage::Created, "tags move nothing on the path");

    // Notes: on the timeline with their author, counted on the row; empty ones refused.
    assert_eq!(
        refused_at(l, |t| t.add_note(ENV, "u1", "   ").map(drop)),
        "text"
    );
    assert_eq!(
        refused_at(l, |t| t.add_note(ENV, "nobody", "hello").map(drop)),
        "externalUserId"
    );
    let u1 = tx(l, |t| {
        t.add_note(
            ENV,
            "u1",
            "  Called on Monday: the passport scan is blurred ",
        )
    });
    assert_eq!(u1.notes, 1);
    let last = tx(l, |t| t.timeline(ENV, "u1")).pop().unwrap();
    assert_eq!(
        last.event,
        Event::Noted {
            text: "Called on Monday: the passport scan is blurred".into()
        }
    );
    assert_eq!(
        (last.source, last.actor.as_deref()),
        (EventSource::Operator, Some(me.as_str()))
    );
    let kinds: Vec<&str> = tx(l, |t| t.timeline(ENV, "u1"))
        .iter()
        .map(|e| e.kind())
        .collect();
    assert_eq!(kinds, ["created", "tagged", "tagged", "noted"]);

    // Assignment: to the team's operators only.
    assert_eq!(
        refused_at(l, |t| t.assign(ENV, "u1", Some("not-in-team")).map(drop)),
        "operator"
    );
    let u1 = tx(l, |t| t.assign(ENV, "u1", Some(&me)));
    assert_eq!(u1.assignee.as_deref(), Some(me.as_str()));

    // The roster finds users by the words of their notes and tags, and filters by both.
    assert_eq!(search(l, "passport"), ["u1"]);
    assert_eq!(search(l, "blurred u1"), ["u1"]);
    assert_eq!(search(l, "vip"), ["u1"]);
    assert_eq!(search(l, "passport u2"), Vec::<String>::new());
    let by = |tag: Option<&str>, assignee: Option<AssigneeFilter>| {
        found(
            l,
            RosterQuery {
                tag: tag.map(str::to_owned),
                assignee,
                ..RosterQuery::default()
            },
        )
    };
    assert_eq!(by(Some("VIP"), None), ["u1"]);
    assert_eq!(by(Some("needs call"), None), ["u1"]);
    assert_eq!(by(None, Some(AssigneeFilter::Me)), ["u1"]);
    assert_eq!(by(None, Some(AssigneeFilter::Nobody)), ["u2"]);
    assert_eq!(by(None, Some(AssigneeFilter::Operator(me.clone()))), ["u1"]);
    assert_eq!(
        by(Some("VIP"), Some(AssigneeFilter::Nobody)),
        Vec::<String>::new()
    );
    let board = tx(l, |t| {
        t.board(
            ENV,
            &BoardFilter {
                tag: Some("VIP".into()),
                assignee: None,
            },
        )
    });
    assert_eq!(board.iter().map(|c| c.count).sum::<u32>(), 1);
    let mine = tx(l, |t| {
        t.board(
            ENV,
            &BoardFilter {
                tag: None,
                assignee: Some(AssigneeFilter::Nobody),
            },
        )
    });
    let created = mine.iter().find(|c| c.stage == Stage::Created).unwrap();
    assert_eq!(
        (created.count, created.cards[0].external_user_id.as_str()),
        (1, "u2")
    );

    // Taking the tags off and unassigning: events, and the filters and search forget them.
    let u1 = tx(l, |t| t.retag(ENV, "u1", &[]));
    assert!(u1.tags.is_empty());
    let u1 = tx(l, |t| t.assign(ENV, "u1", None));
    assert_eq!(u1.assignee, None);
    assert_eq!(by(Some("VIP"), None), Vec::<String>::new());
    assert_eq!(search(l, "vip"), Vec::<String>::new());
    assert_eq!(search(l, "passport"), ["u1"], "the note stays");
    let kinds: Vec<&str> = tx(l, |t| t.timeline(ENV, "u1"))
        .iter()
        .map(|e| e.kind())
        .collect();
    assert_eq!(kinds[4..], ["assigned", "untagged", "untagged", "assigned"]);

    // Every change is a journal line by the operator.
    let journal = tx(l, |t| t.query_journal(&JournalFilter::default()));
    let ops: Vec<&str> = journal.iter().rev().map(|e| e.operation.as_str()).collect();
    assert_eq!(
        ops,
        [
            "tagUser",
            "tagUser",
            "addNote",
            "assignUser",
            "untagUser",
            "untagUser",
            "assignUser"
        ]
    );
    assert!(
        journal
            .iter()
            .all(|e| e.operator == me && e.target.as_deref() == Some("u1") && e.outcome == "ok")
    );
}
