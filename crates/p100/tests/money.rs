//! The client's money calls against the sandbox over loopback: typed bodies both ways, bad input
//! refused at its field before anything is sent, P100's refusals as typed codes.

use p100::codes::Code;
use p100::models::money::*;
use p100::{Client, Error};
use p100_sandbox::{SandboxConfig, SandboxHandle};
use std::time::Duration;

mod common;
use common::{activate, code, create, until};

const KEY: &str = "money-key";

async fn setup() -> (SandboxHandle, Client) {
    let cfg = SandboxConfig::local(KEY).with_review_delay(Duration::from_millis(20));
    let sb = common::sandbox(cfg).await;
    let c = common::client(&sb, KEY);
    (sb, c)
}

/// A verified user of Poland.
async fn verified(c: &Client) -> String {
    let dir = tempfile::tempdir().unwrap();
    let id = create(c, "PL").await;
    activate(c, &id, dir.path()).await;
    until(|| async {
        c.get_user_balances(&id)
            .await
            .is_ok_and(|b| !b.fiat_balances.is_empty())
    })
    .await;
    id
}

async fn eur(c: &Client, id: &str) -> f64 {
    let b = c.get_user_balances(id).await.unwrap();
    b.fiat_balances[0].amount.parse().unwrap()
}

fn refused_fields(e: &Error) -> Vec<String> {
    match e {
        Error::InvalidRequest(fields) => fields.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected a local refusal, got {other:?}"),
    }
}

fn funding(id: &str, amount: f64) -> TransferRequest {
    TransferRequest {
        source_external_user_id: None,
        destination_external_user_id: Some(id.into()),
        amount,
        currency: Currency::Eur,
    }
}

#[tokio::test]
async fn transfers_and_the_partner_balance() {
    let (_sb, c) = setup().await;
    let id = verified(&c).await;
    let partner0: f64 = c.partner_balances().await.unwrap().fiat_balances[0]
        .amount
        .parse()
        .unwrap();
    let before = eur(&c, &id).await;
    let t = c.create_transfer(&funding(&id, 25.75)).await.unwrap();
    let details = c.transfer(&t.transfer_id).await.unwrap();
    assert_eq!(details.status, MoveStatus::Successful);
    assert_eq!(
        details.destination_external_user_id.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(details.currency, Currency::Eur);
    assert!((eur(&c, &id).await - (before + 25.75)).abs() < 1e-9);
    let partner1: f64 = c.partner_balances().await.unwrap().fiat_balances[0]
        .amount
        .parse()
        .unwrap();
    assert!((partner0 - partner1 - 25.75).abs() < 1e-9);

    // Refused before sending: neither user, both, a cent's fraction.
    let mut neither = funding(&id, 1.0);
    neither.destination_external_user_id = None;
    let e = c.create_transfer(&neither).await.unwrap_err();
    assert_eq!(refused_fields(&e), ["destinationExternalUserId"]);
    let mut both = funding(&id, 1.0);
    both.source_external_user_id = Some(id.clone());
    assert_eq!(
        refused_fields(&c.create_transfer(&both).await.unwrap_err()),
        ["sourceExternalUserId"]
    );
    assert_eq!(
        refused_fields(&c.create_transfer(&funding(&id, 0.001)).await.unwrap_err()),
        ["amount"]
    );
    // P100's answers, typed.
    let collect_too_much = TransferRequest {
        source_external_user_id: Some(id.clone()),
        destination_external_user_id: None,
        amount: 1e9,
        currency: Currency::Eur,
    };
    let e = c.create_transfer(&collect_too_much).await.unwrap_err();
    assert_eq!(e.code(), Some(Code::InsufficientFunds));
    let e = c.transfer("no-such-transfer").await.unwrap_err();
    assert_eq!(e.code(), Some(Code::MoveNotFound));
    assert_eq!(e.http_status(), Some(404));
}

#[tokio::test]
async fn an_exchange_with_a_lock_and_its_details() {
    let (_sb, c) = setup().await;
    let id = verified(&c).await;
    c.create_transfer(&funding(&id, 200.0)).await.unwrap();
    let rates = c.exchange_rates().await.unwrap();
    assert_eq!(rates.len(), Currency::ALL.len());
    assert_eq!(rates[&Currency::Eur], 1.0);
    let lock = c.exchange_lock(&id).await.unwrap();
    let held = p100::timestamp::parse(&lock.valid_until).unwrap()
        - p100::timestamp::parse(&lock.created_at).unwrap();
    assert_eq!(held.whole_seconds(), LOCK_SECONDS);

    let mut req = ExchangeRequest {
        source_external_user_id: id.clone(),
        amount: 50.0,
        currency_from: Currency::Eur,
        currency_to: Currency::Eur,
        lock_id: lock.id.clone(),
    };
    assert_eq!(
        refused_fields(&c.create_exchange(&req).await.unwrap_err()),
        ["currencyTo"]
    );
    req.currency_to = Currency::Usdc;
    let created = c.create_exchange(&req).await.unwrap();
    until(|| async {
        c.exchange(&created.exchange_id)
            .await
            .is_ok_and(|d| d.status == ExchangeStatus::Completed)
    })
    .await;
    let d = c.exchange(&created.exchange_id).await.unwrap();
    assert_eq!(
        (d.currency_from, d.currency_to),
        (Currency::Eur, Currency::Usdc)
    );
    assert_eq!(d.fee_percentage, lock.fee_percentage);
    assert!(d.amount_to > 0.0 && d.amount_to < 50.0 * d.rate);
    // The same lock twice: P903.
    let e = c.create_exchange(&req).await.unwrap_err();
    assert_eq!(e.code(), Some(Code::InvalidLock));
}

#[tokio::test]
async fn withdrawals_fees_and_the_travel_rule() {
    let (sb, c) = setup().await;
    let id = verified(&c).await;
    let fee = c
        .network_fee(&NetworkFeeQuery {
            currency: Currency::Usdt,
            network: Some(Network::Polygon),
        })
        .await
        .unwrap();
    assert_eq!(fee.network_fee, 0.5);
    let e = c
        .network_fee(&NetworkFeeQuery {
            currency: Currency::Btc,
            network: Some(Network::Polygon),
        })
        .await
        .unwrap_err();
    assert_eq!(refused_fields(&e), ["network"]);

    // A deposit held for travel-rule data (the sandbox's admin route: deposits come from a chain).
    let http = reqwest::Client::new();
    let deposit: CryptoDeposit = http
        .post(format!("{}/_sandbox/users/{id}/deposits", sb.base_url()))
        .header("x-api-key", KEY)
        .json(&serde_json::json!({"currency": "usdt", "amount": 100, "travelRule": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(deposit.status, DepositStatus::WaitingForTrData);
    let mut update = TravelRuleUpdate {
        wallet_type: DepositWalletType::SelfCustody,
        external_user_id: Some(id.clone()),
        details: TravelRuleDetails {
            first_name: Some("Anna".into()),
            ..Default::default()
        },
    };
    assert_eq!(
        refused_fields(
            &c.update_travel_rule(&deposit.crypto_deposit_id, &update)
                .await
                .unwrap_err()
        ),
        ["lastName"]
    );
    update.details.last_name = Some("Nowak".into());
    c.update_travel_rule(&deposit.crypto_deposit_id, &update)
        .await
        .unwrap();
    until(|| async {
        c.get_user_balances(&id).await.is_ok_and(|b| {
            b.crypto_balances
                .iter()
                .any(|x| x.name == "usdt" && x.amount.parse::<f64>().unwrap() >= 100.0)
        })
    })
    .await;

    let mut w = CryptoWithdrawalRequest {
        source_external_user_id: id.clone(),
        currency: Currency::Usdt,
        amount: 20.0,
        wallet_address: "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx".into(),
        memo: None,
        network: Some(Network::Polygon),
        name: "Anna Nowak".into(),
        wallet_type: WalletType::Custodial,
        receiver_type: ReceiverType::Natural,
    };
    assert_eq!(
        refused_fields(&c.create_withdrawal(&w).await.unwrap_err()),
        ["walletAddress"]
    );
    w.wallet_address = "0x52908400098527886E0F7030069857D2E4169EE7".into();
    let created = c.create_withdrawal(&w).await.unwrap();
    until(|| async {
        c.withdrawal(&created.withdrawal_id)
            .await
            .is_ok_and(|d| d.status == MoveStatus::Successful)
    })
    .await;
    let d = c.withdrawal(&created.withdrawal_id).await.unwrap();
    assert_eq!((d.network, d.fee), (Network::Polygon, 0.5));
    assert!(d.transaction_hash.is_some());
    // Below the network's minimum: P100's P403 carries the field.
    w.amount = 1.0;
    let e = c.create_withdrawal(&w).await.unwrap_err();
    assert_eq!(code(&e), "P403");
    assert!(e.to_string().contains("amount"), "{e}");
}
