//! A user's cards through the desk on the embedded sandbox: created, listed, revealed (and the
//! reveal journaled), blocked, unblocked, given a PIN and limits, deleted — each through the
//! outbox, the journal and the timeline, which name a card by its last four digits only — and
//! suspension with active cards as one action. Nothing the desk keeps holds a number, CVV or PIN.

use desk::Desk;
use desk::cards::{CardAction, NewCard, PinTwice};
use desk::timeline::{CardChange, Event};
use p100::models::{CardLimits, CardStatus, UserStatus};
use std::time::Duration;

mod common;
use common::{Applicant, desk, submit};

fn pin(a: &str, b: &str) -> PinTwice {
    PinTwice {
        pin: a.into(),
        pin_again: b.into(),
    }
}

/// A verified, extended user of Poland (a card country).
async fn cardholder(d: &Desk, files: &std::path::Path) -> String {
    let ext = submit(
        d,
        files,
        Applicant {
            email: "cara@example.com",
            country: "PL",
            document_number: "AB123456",
        },
    )
    .await;
    for _ in 0..200 {
        if d.extend_user(&ext).await.is_ok() {
            return ext;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never verified and extended");
}

/// Every byte the desk keeps in its data folder, as text where it is text.
fn kept_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in common::walk(dir) {
        // The embedded sandbox's state file is P100's side: it holds the cards it issued.
        if entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(desk::sandbox::STATE_FILE))
        {
            continue;
        }
        all.extend(std::fs::read(&entry).unwrap_or_default());
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_card_is_created_revealed_blocked_and_deleted_and_only_its_last_digits_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = cardholder(&d, files.path()).await;

    // Refused at the fields before anything is sent.
    let bad = d
        .create_card(
            &ext,
            NewCard {
                label: "ab".into(),
                pin: pin("12a4", "1234"),
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<String> = bad.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["label", "pin", "pinAgain"]);

    d.create_card(
        &ext,
        NewCard {
            label: "Groceries".into(),
            pin: pin("2580", "2580"),
        },
    )
    .await
    .unwrap();
    let cards = d.cards(&ext).await.unwrap();
    assert_eq!(cards.len(), 1);
    let card = &cards[0];
    assert_eq!(
        (card.label.as_str(), card.status),
        ("Groceries", CardStatus::Active)
    );

    let shown = d.reveal_card(&ext, &card.card_id).await.unwrap();
    assert!(shown.card_number.ends_with(&card.card_last_digits));
    assert!(!format!("{shown:?}").contains(&shown.card_number));

    let rec = d
        .set_card_pin(&ext, &card.card_id, pin("1111", "2222"))
        .await
        .unwrap_err();
    assert_eq!(rec.field_errors()[0].field, "pinAgain");
    d.set_card_pin(&ext, &card.card_id, pin("1357", "1357"))
        .await
        .unwrap();
    let limits = CardLimits {
        daily_trx_atm: 200.0,
        ..d.card_limits(&ext, &card.card_id).await.unwrap()
    };
    d.set_card_limits(&ext, &card.card_id, limits)
        .await
        .unwrap();
    assert_eq!(d.card_limits(&ext, &card.card_id).await.unwrap(), limits);
    let unknown = d
        .change_card(&ext, "no-such-card", CardAction::Block)
        .await
        .unwrap_err();
    assert_eq!(unknown.field_errors()[0].field, "cardId");

    // Active cards stand in the way of a suspension; the one action blocks them first.
    let refused = d.suspend_user(&ext, "card fraud".into()).await.unwrap_err();
    assert!(refused.operator_message().contains("P454"));
    let user = d
        .suspend_blocking_cards(&ext, "card fraud".into())
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Suspended);
    assert_eq!(
        d.cards(&ext).await.unwrap()[0].status,
        CardStatus::LockedByUser
    );
    d.unsuspend_user(&ext, "cleared".into()).await.unwrap();
    d.change_card(&ext, &card.card_id, CardAction::Unblock)
        .await
        .unwrap();
    d.change_card(&ext, &card.card_id, CardAction::Delete)
        .await
        .unwrap();
    assert_eq!(d.cards(&ext).await.unwrap()[0].status, CardStatus::Deleted);

    // The timeline and the journal name the card by its last four digits.
    let changes: Vec<CardChange> = d
        .timeline(&ext)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.event {
            Event::CardChanged {
                last_digits,
                change,
                ..
            } => {
                assert_eq!(last_digits, card.card_last_digits);
                Some(change)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        [
            CardChange::PinChanged,
            CardChange::LimitsChanged { limits },
            CardChange::Blocked,
            CardChange::Unblocked,
            CardChange::Deleted,
        ]
    );
    let journal: Vec<(String, Option<String>)> = d
        .journal(100)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .filter(|j| j.operation.contains("Card") && j.outcome == "ok")
        .map(|j| (j.operation, j.message))
        .collect();
    let ops: Vec<&str> = journal.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(
        ops,
        [
            "createCard",
            "getCardDetails",
            "updateCardPin",
            "updateCardLimits",
            "blockCard",
            "unblockCard",
            "deleteCard"
        ]
    );
    assert_eq!(
        journal[1].1.as_deref(),
        Some(format!("card ending {}", card.card_last_digits).as_str())
    );

    // Nothing the desk keeps holds the number or a PIN. (A 4-digit PIN or a 3-digit CVV can
    // turn up by chance in any file's bytes, so for those the field's name is looked for.)
    drop(d);
    let kept = kept_bytes(dir.path());
    for secret in [
        shown.card_number.as_str(),
        "\"pin\":",
        "\"cvv\":",
        "cardNumber",
    ] {
        assert!(!contains(&kept, secret), "{secret} is in the desk's files");
    }
}
