//! Money and card webhooks from the embedded sandbox into the desk's real receiver (live sync,
//! its token from a real Secret Service: run inside `scripts/with-desktop.sh`): a transfer's
//! webhook is a claim P100's transfer details confirm; a deposit held for the travel rule is a
//! claim with its id (what the travel-rule form needs); a card payment is a claim; a card's
//! one-time codes are never kept — the timeline says one was sent, and no byte of the desk's
//! files holds the code.

use desk::money::{NewTransfer, TransferDirection};
use desk::timeline::{CardCodePurpose, Event};
use p100::models::money::Currency;
use p100_sandbox::state::CardPayment;
use std::time::Duration;

mod common;
use common::{Applicant, service, settled_claims, started, submit};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_webhooks_are_claims_and_card_codes_are_never_kept() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = started(dir.path(), &service()).await;
    let ext = submit(
        &d,
        files.path(),
        Applicant {
            email: "hooks@example.com",
            country: "PL",
            document_number: "AB123456",
        },
    )
    .await;
    for _ in 0..200 {
        if d.extend_user(&ext).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let made = d
        .transfer(
            &ext,
            NewTransfer {
                direction: TransferDirection::Fund,
                currency: Currency::Eur,
                amount: "30".into(),
                confirmation: String::new(),
            },
        )
        .await
        .unwrap();
    let deposit = d
        .with_sandbox(|h| {
            h.state()
                .deposit(&ext, Currency::Usdc, 25.0, true)
                .unwrap()
                .crypto_deposit_id
        })
        .await
        .unwrap();
    let card = d
        .create_card(
            &ext,
            desk::cards::NewCard {
                label: "Online".into(),
                pin: desk::cards::PinTwice {
                    pin: "4826".into(),
                    pin_again: "4826".into(),
                },
            },
        )
        .await
        .unwrap();
    assert_eq!(card.external_user_id, ext);
    let cards = d.cards(&ext).await.unwrap();
    let card_id = cards[0].card_id.clone();
    let transaction = d
        .with_sandbox(|h| {
            h.state()
                .card_payment(
                    &ext,
                    &card_id,
                    CardPayment {
                        amount: 19.9,
                        currency: Currency::Eur,
                        merchant: "Book Shop".into(),
                        three_ds: true,
                    },
                )
                .unwrap()
        })
        .await
        .unwrap();

    // Every webhook the sandbox sent for the user has reached the desk.
    let codes: Vec<String> = d
        .with_sandbox(|h| {
            h.state()
                .webhooks
                .log()
                .into_iter()
                .filter_map(|w| w.payload["code"].as_str().map(str::to_owned))
                .collect()
        })
        .await
        .unwrap();
    assert_eq!(codes.len(), 2, "an activation code and a 3-D Secure code");
    let claims = loop {
        let claims = settled_claims(&d, &ext).await;
        if ["transfer", "cryptoDeposit", "cardTransaction"]
            .iter()
            .all(|k| claims.iter().any(|c| c.0 == *k))
        {
            break claims;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let claim = |kind: &str| claims.iter().find(|c| c.0 == kind).unwrap().clone();
    let (_, body, confirmation, note) = claim("transfer");
    assert_eq!(body["id"], made.id.as_str());
    assert_eq!(confirmation, "confirmed", "{note}");
    let (_, body, _, _) = claim("cryptoDeposit");
    assert_eq!(body["cryptoDepositId"], deposit.as_str());
    assert_eq!(body["status"], "WAITING_FOR_TR_DATA");
    let (_, body, confirmation, _) = claim("cardTransaction");
    assert_eq!(body["transactionId"], transaction.transaction_id.as_str());
    assert_eq!(body["merchant"], "Book Shop");
    assert_eq!(
        confirmation, "unconfirmed",
        "no P100 read lists card payments"
    );

    // The codes: on the timeline as sent, never as themselves.
    let mut purposes: Vec<CardCodePurpose> = Vec::new();
    for _ in 0..100 {
        purposes = d
            .timeline(&ext)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|e| match e.event {
                Event::CardCodeSent { purpose, .. } => Some(purpose),
                _ => None,
            })
            .collect();
        if purposes.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    purposes.sort_by_key(|p| *p == CardCodePurpose::ThreeDs);
    assert_eq!(
        purposes,
        [CardCodePurpose::Activation, CardCodePurpose::ThreeDs]
    );
    for file in common::walk(dir.path()) {
        // The embedded sandbox's state file is P100's side of the line.
        if file
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(desk::sandbox::STATE_FILE))
        {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap_or_default();
        for code in &codes {
            // As a number of its own (no digit on either side): six digits inside a longer run
            // (a timestamp, an IBAN) are not the code.
            let standalone = bytes.windows(code.len() + 2).any(|w| {
                &w[1..=code.len()] == code.as_bytes()
                    && !w[0].is_ascii_digit()
                    && !w[code.len() + 1].is_ascii_digit()
            });
            assert!(!standalone, "a card code in {}", file.display());
        }
    }
}
