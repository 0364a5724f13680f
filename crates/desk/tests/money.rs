//! A user's money through the desk on the embedded sandbox: funded from the partner's balance,
//! an exchange with a rate lock, a crypto withdrawal with its fee, a held deposit released with
//! the travel rule's data — each through the outbox, the journal and the timeline; amounts
//! refused at their field before anything is sent; money never sent twice from the journal.

use desk::Desk;
use desk::error::Error;
use desk::money::{NewExchange, NewTransfer, NewWithdrawal, TransferDirection};
use desk::timeline::Event;
use p100::models::UserBalances;
use p100::models::money::{
    Currency, DepositWalletType, ExchangeStatus, MoveStatus, Network, ReceiverType,
    TravelRuleDetails, TravelRuleUpdate, WalletType,
};
use std::time::Duration;

mod common;
use common::{Applicant, desk, submit};

/// A verified user of Poland, once P100 shows their balances.
async fn customer(d: &Desk, files: &std::path::Path) -> String {
    let ext = submit(
        d,
        files,
        Applicant {
            email: "mona@example.com",
            country: "PL",
            document_number: "AB123456",
        },
    )
    .await;
    for _ in 0..200 {
        if d.balances(&ext)
            .await
            .is_ok_and(|b| !b.fiat_balances.is_empty())
        {
            return ext;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never verified");
}

fn held(b: &UserBalances, currency: &str) -> f64 {
    b.fiat_balances
        .iter()
        .map(|f| (&f.name, &f.amount))
        .chain(b.crypto_balances.iter().map(|c| (&c.name, &c.amount)))
        .find(|(n, _)| *n == currency)
        .map(|(_, a)| a.parse().unwrap())
        .unwrap()
}

fn fields(e: Error) -> Vec<String> {
    match e {
        Error::Invalid(f) => f.into_iter().map(|f| f.field).collect(),
        other => panic!("expected a refusal at a field, got {other:?}"),
    }
}

fn fund(amount: &str) -> NewTransfer {
    NewTransfer {
        direction: TransferDirection::Fund,
        currency: Currency::Eur,
        amount: amount.into(),
        confirmation: String::new(),
    }
}

async fn events(d: &Desk, ext: &str) -> Vec<Event> {
    d.timeline(ext)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect()
}

#[tokio::test]
async fn funding_exchange_withdrawal_and_travel_rule_through_the_outbox_and_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = customer(&d, files.path()).await;
    let journal_before = d.journal(1000).await.unwrap().len();

    // Refused at the field, nothing sent: no journal line.
    assert_eq!(
        fields(d.transfer(&ext, fund("12.345")).await.unwrap_err()),
        ["amount"]
    );
    assert_eq!(
        fields(d.transfer(&ext, fund("-3")).await.unwrap_err()),
        ["amount"]
    );
    assert_eq!(d.journal(1000).await.unwrap().len(), journal_before);

    // Funding: the user's EUR up by the amount, the partner's down by it.
    let (eur0, partner0) = (
        held(&d.balances(&ext).await.unwrap(), "eur"),
        held(&d.partner_balances().await.unwrap(), "eur"),
    );
    let made = d.transfer(&ext, fund("250,50")).await.unwrap();
    assert_eq!(made.user.external_user_id, ext);
    assert!((held(&d.balances(&ext).await.unwrap(), "eur") - (eur0 + 250.5)).abs() < 1e-9);
    assert!((partner0 - held(&d.partner_balances().await.unwrap(), "eur") - 250.5).abs() < 1e-9);
    let details = d.transfer_details(&made.id).await.unwrap();
    assert_eq!(details.status, MoveStatus::Successful);
    assert!(events(&d, &ext).await.contains(&Event::Transferred {
        transfer_id: made.id.clone(),
        direction: TransferDirection::Fund,
        amount: "250.50".into(),
        currency: Currency::Eur,
    }));

    // An exchange with a lock: EUR sold at once, BTC bought once it settles.
    let lock = d.exchange_lock(&ext).await.unwrap();
    let same = NewExchange {
        lock_id: lock.id.clone(),
        currency_from: Currency::Eur,
        currency_to: Currency::Eur,
        amount: "100".into(),
        confirmation: String::new(),
    };
    assert_eq!(
        fields(d.exchange(&ext, same.clone()).await.unwrap_err()),
        ["currencyTo"]
    );
    let made = d
        .exchange(
            &ext,
            NewExchange {
                currency_to: Currency::Btc,
                ..same
            },
        )
        .await
        .unwrap();
    let mut exchange = d.exchange_details(&made.id).await.unwrap();
    for _ in 0..100 {
        if exchange.status == ExchangeStatus::Completed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        exchange = d.exchange_details(&made.id).await.unwrap();
    }
    assert_eq!(exchange.status, ExchangeStatus::Completed);
    let btc = held(&d.balances(&ext).await.unwrap(), "btc");
    assert!(btc >= exchange.amount_to, "{btc} {exchange:?}");

    // A withdrawal: a wallet of another chain is refused at its field; a good one costs the fee.
    let fee = d
        .network_fee(Currency::Btc, None)
        .await
        .unwrap()
        .network_fee;
    let mut withdrawal = NewWithdrawal {
        currency: Currency::Btc,
        network: None,
        amount: "0.0005".into(),
        wallet_address: "0x52908400098527886E0F7030069857D2E4169EE7".into(),
        memo: None,
        name: "Mona Lisa".into(),
        wallet_type: WalletType::NonCustodial,
        receiver_type: ReceiverType::Natural,
        confirmation: String::new(),
    };
    assert_eq!(
        fields(d.withdraw(&ext, withdrawal.clone()).await.unwrap_err()),
        ["walletAddress"]
    );
    withdrawal.wallet_address = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx".into();
    let made = d.withdraw(&ext, withdrawal).await.unwrap();
    let after = held(&d.balances(&ext).await.unwrap(), "btc");
    assert!(
        (btc - after - (0.0005 + fee)).abs() < 1e-9,
        "{btc} → {after}"
    );
    let w = d.withdrawal_details(&made.id).await.unwrap();
    assert_eq!((w.network, w.fee), (Network::Btc, fee));

    // A deposit held for the travel rule (the sandbox's admin side: it comes from a chain).
    let deposit = d
        .with_sandbox(|h| {
            h.state()
                .deposit(&ext, Currency::Eth, 0.25, true)
                .unwrap()
                .crypto_deposit_id
        })
        .await
        .unwrap();
    let eth0 = held(&d.balances(&ext).await.unwrap(), "eth");
    let mut update = TravelRuleUpdate {
        wallet_type: DepositWalletType::SelfCustody,
        external_user_id: None,
        details: TravelRuleDetails {
            company_name: Some(" ".into()),
            ..Default::default()
        },
    };
    assert_eq!(
        fields(
            d.travel_rule(&ext, &deposit, update.clone())
                .await
                .unwrap_err()
        ),
        ["details"]
    );
    update.details.company_name = Some("Acme Sp. z o.o.".into());
    d.travel_rule(&ext, &deposit, update).await.unwrap();
    for _ in 0..100 {
        if held(&d.balances(&ext).await.unwrap(), "eth") > eth0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!((held(&d.balances(&ext).await.unwrap(), "eth") - (eth0 + 0.25)).abs() < 1e-9);
    assert!(events(&d, &ext).await.contains(&Event::TravelRuleGiven {
        crypto_deposit_id: deposit,
        sender: "Acme Sp. z o.o.".into(),
    }));

    // The journal names each move.
    let journal = d.journal(1000).await.unwrap();
    for op in [
        "createTransfer",
        "createExchange",
        "createCryptoWithdrawal",
        "updateTravelRule",
    ] {
        assert!(
            journal
                .iter()
                .any(|j| j.operation == op && j.outcome == "ok"),
            "{op} in the journal"
        );
    }
}

#[tokio::test]
async fn a_refused_move_is_on_the_timeline_and_nothing_is_left_to_send_again() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = customer(&d, files.path()).await;
    let too_much = NewTransfer {
        direction: TransferDirection::Collect,
        ..fund("99999999")
    };
    let e = d.transfer(&ext, too_much).await.unwrap_err();
    assert!(e.to_string().contains("P433"), "{e}");
    assert!(d.open_operations().await.unwrap().is_empty());
    assert!(events(&d, &ext).await.iter().any(|e| matches!(
        e,
        Event::OperationFailed { operation, p100_code: Some(c), .. }
            if operation == "createTransfer" && c == "P433"
    )));
}

#[tokio::test]
async fn a_transfer_whose_answer_was_lost_is_resolved_on_what_p100_shows_never_sent_again() {
    use p100_sandbox::faults::{Fault, FaultRule};
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let d = desk(dir.path()).await;
    let ext = customer(&d, files.path()).await;
    // P100 takes the transfer, and the connection is cut before its answer.
    d.with_sandbox(|h| {
        h.state().faults.add(FaultRule {
            fault: Fault::Drop,
            times: 1,
            path_prefix: Some("/v1/transfer".into()),
            method: None,
        })
    })
    .await
    .unwrap();
    let e = d.transfer(&ext, fund("42.00")).await.unwrap_err();
    assert!(
        matches!(&e, Error::P100(p) if p.outcome_unknown()),
        "the outcome is unknown: {e}"
    );
    let open = d.open_operations().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].operation, "createTransfer");
    assert!(
        !open[0].retryable,
        "money is never sent twice from the journal"
    );
    assert!(d.retry_operation(&open[0].id).await.is_err());
    // What P100 shows since it was sent: the one transfer in, of that amount.
    let evidence = d.operation_evidence(&open[0].id).await.unwrap();
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    assert_eq!(
        (evidence[0].amount.as_str(), evidence[0].currency.as_str()),
        ("42.00", "eur")
    );
    d.resolve_operation(&open[0].id, true).await.unwrap();
    assert!(d.open_operations().await.unwrap().is_empty());
    let transfers = d
        .with_sandbox(|h| h.state().user(&ext).unwrap().moves.transfers.len())
        .await
        .unwrap();
    assert_eq!(transfers, 1, "sent once");
}
