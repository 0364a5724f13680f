//! Money in team mode, through a real replica on PostgreSQL: who may move it (docs/decisions.md,
//! "Money": funding or collecting and withdrawals are the supervisors', exchanges and rate locks
//! the operators' too, reads everyone's), and the journal and timeline naming who did.

mod common;

use common::{operator, start_replica};
use desk::api::DeskApi;
use desk::hub_client::HubClient;
use desk::money::{NewExchange, NewTransfer, NewWithdrawal, TransferDirection};
use desk::timeline::Event;
use desk::users::NewUser;
use p100::models::UserProfile;
use p100::models::money::{Currency, ReceiverType, WalletType};
use p100_sandbox::SandboxConfig;
use std::time::Duration;

const P100_KEY: &str = "sandbox-key-for-the-money-test-5e1";
const WEBHOOK_TOKEN: &str = "whk_money-test-webhook-token-90ab1c";

fn eur(b: &p100::models::UserBalances) -> f64 {
    b.fiat_balances[0].amount.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisors_fund_and_withdraw_operators_exchange_and_everyone_reads() {
    let (_, sandbox) = p100_sandbox::spawn(
        SandboxConfig::local(P100_KEY).with_review_delay(Duration::from_millis(30)),
    )
    .await
    .unwrap();
    let url = tokio::task::block_in_place(common::migrated_database);
    let (olga, sam, audrey) = (
        operator(&url, "olga", "operator"),
        operator(&url, "sam", "supervisor"),
        operator(&url, "audrey", "auditor"),
    );
    let replica = start_replica(&url, &sandbox.base_url(), P100_KEY, WEBHOOK_TOKEN);
    let base: url::Url = replica.base.parse().unwrap();
    let [by_olga, by_sam, by_audrey] =
        [&olga, &sam, &audrey].map(|t| HubClient::new(base.clone(), t).unwrap());

    let user = by_olga
        .user_create(NewUser {
            has_accepted_p100_tc: true,
            profile: UserProfile {
                email: Some("mia@example.com".into()),
                first_name: Some("Mia".into()),
                last_name: Some("Kowalska".into()),
                country: Some("PL".into()),
                citizenship: Some("PL".into()),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    let ext = user.external_user_id.clone();
    common::activate_at_sandbox(&sandbox, P100_KEY, &ext).await;

    // Reads: everyone, the auditor too.
    let partner = by_audrey.partner_balances().await.unwrap();
    assert!(eur(&partner) > 0.0);
    let before = eur(&by_audrey.user_balances(ext.clone()).await.unwrap());

    // Funding is the supervisors'.
    let fund = NewTransfer {
        direction: TransferDirection::Fund,
        currency: Currency::Eur,
        amount: "40.00".into(),
        confirmation: String::new(),
    };
    let e = by_olga
        .money_transfer(ext.clone(), fund.clone())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "forbidden", "{e}");
    let made = by_sam.money_transfer(ext.clone(), fund).await.unwrap();
    assert_eq!(made.user.external_user_id, ext);
    let after = eur(&by_olga.user_balances(ext.clone()).await.unwrap());
    assert!((after - before - 40.0).abs() < 1e-9, "{before} → {after}");
    assert_eq!(
        by_audrey
            .transfer_details(made.id.clone())
            .await
            .unwrap()
            .amount,
        40.0
    );

    // Exchanges and locks: operators too, not auditors.
    let e = by_audrey.exchange_lock(ext.clone()).await.unwrap_err();
    assert_eq!(e.kind(), "forbidden", "{e}");
    let lock = by_olga.exchange_lock(ext.clone()).await.unwrap();
    let exchanged = by_olga
        .exchange_create(
            ext.clone(),
            NewExchange {
                lock_id: lock.id,
                currency_from: Currency::Eur,
                currency_to: Currency::Usdc,
                amount: "10".into(),
                confirmation: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        by_audrey
            .exchange_details(exchanged.id.clone())
            .await
            .unwrap()
            .currency_to,
        Currency::Usdc
    );

    // Withdrawals are the supervisors'; a refusal at a field comes back at its field.
    let withdrawal = NewWithdrawal {
        currency: Currency::Usdc,
        network: None,
        amount: "0.1234567".into(),
        wallet_address: "0x52908400098527886E0F7030069857D2E4169EE7".into(),
        memo: None,
        name: "Mia Kowalska".into(),
        wallet_type: WalletType::Custodial,
        receiver_type: ReceiverType::Natural,
        confirmation: String::new(),
    };
    let e = by_olga
        .withdrawal_create(ext.clone(), withdrawal.clone())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "forbidden", "{e}");
    let e = by_sam
        .withdrawal_create(ext.clone(), withdrawal)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "invalid", "{e}");
    assert!(e.field_errors().iter().any(|f| f.field == "amount"), "{e}");

    // The shared journal and the timeline name who moved the money.
    let journal = by_audrey.journal_recent(Some(50)).await.unwrap();
    let who = |op: &str| {
        journal
            .iter()
            .find(|j| j.operation == op)
            .map(|j| j.operator.clone())
    };
    assert_eq!(who("createTransfer").as_deref(), Some("sam"));
    assert_eq!(who("createExchange").as_deref(), Some("olga"));
    let timeline = by_audrey.user_timeline(ext).await.unwrap();
    assert!(timeline.iter().any(|e| e.actor.as_deref() == Some("sam")
        && matches!(&e.event, Event::Transferred { amount, .. } if amount == "40.00")));
}
