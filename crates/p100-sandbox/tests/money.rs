//! Money over real HTTP: transfers, exchange, crypto withdrawals, the travel rule and the card
//! fee — each documented rule (REFERENCE-user-money.md §3–§6, §8) and each of the sandbox's
//! choices where P100 is silent (docs/decisions.md, "Money").

mod common;
use common::*;
use serde_json::{Value, json};
use std::time::Duration;

/// The amount of `currency` in a balances answer, as a number.
fn held(balances: &Value, currency: &str) -> f64 {
    balances["fiatBalances"]
        .as_array()
        .unwrap()
        .iter()
        .chain(balances["cryptoBalances"].as_array().unwrap())
        .find(|b| b["name"] == currency)
        .and_then(|b| b["amount"].as_str())
        .unwrap_or_else(|| panic!("no {currency} in {balances}"))
        .parse()
        .unwrap()
}

async fn user_has(sb: &Sb, id: &str, currency: &str) -> f64 {
    let r = sb.get(&format!("/v1/user/balances/{id}")).await;
    r.expect(200, None);
    held(&r.body, currency)
}

async fn partner_has(sb: &Sb, currency: &str) -> f64 {
    let r = sb.get("/v1/partner/balances").await;
    r.expect(200, None);
    held(&r.body, currency)
}

async fn fund(sb: &Sb, id: &str, amount: f64, currency: &str) -> Reply {
    sb.post(
        "/v1/transfer",
        json!({"destinationExternalUserId": id, "amount": amount, "currency": currency}),
    )
    .await
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Polls until the move at `path` has left `PENDING`.
async fn settled(sb: &Sb, path: &str) -> Value {
    for _ in 0..500 {
        let r = sb.get(path).await;
        r.expect(200, None);
        if r.body["status"] != "PENDING" {
            return r.body.clone();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{path} still pending");
}

#[tokio::test]
async fn transfers_fund_or_collect_from_one_user_against_the_partner_balance() {
    let sb = sandbox().await;
    let id = sb.active_user("PL").await;
    let (user0, partner0) = (
        user_has(&sb, &id, "eur").await,
        partner_has(&sb, "eur").await,
    );

    // Funding: partner → user, settled at once.
    let r = fund(&sb, &id, 100.5, "eur").await;
    r.expect(200, None);
    let transfer = r.body["transferId"].as_str().unwrap().to_owned();
    assert!(close(user_has(&sb, &id, "eur").await, user0 + 100.5));
    assert!(close(partner_has(&sb, "eur").await, partner0 - 100.5));
    let d = sb.get(&format!("/v1/transfer/details/{transfer}")).await;
    d.expect(200, None);
    assert_eq!(d.body["destinationExternalUserId"], id.as_str());
    assert_eq!(d.body["sourceExternalUserId"], Value::Null);
    assert_eq!(d.body["status"], "SUCCESSFUL");
    assert_eq!(d.body["amount"], 100.5);
    assert_eq!(d.body["currency"], "eur");

    // Collection: user → partner; the history shows both.
    sb.post(
        "/v1/transfer",
        json!({"sourceExternalUserId": id, "amount": 0.5, "currency": "EUR"}),
    )
    .await
    .expect(200, None);
    assert!(close(user_has(&sb, &id, "eur").await, user0 + 100.0));
    let history = sb.get(&format!("/v1/user/transactions/{id}?limit=2")).await;
    history.expect(200, None);
    let kinds: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["TRANSFER_OUT", "TRANSFER_IN"]);

    // P424: neither user. P403: both, or a bad amount. P410: no such currency. P433: too much.
    sb.post("/v1/transfer", json!({"amount": 1, "currency": "eur"}))
        .await
        .expect(400, Some("P424"));
    let both = sb
        .post(
            "/v1/transfer",
            json!({"sourceExternalUserId": id, "destinationExternalUserId": id, "amount": 1, "currency": "eur"}),
        )
        .await;
    both.expect(400, Some("P403"));
    assert!(
        both.message()
            .starts_with("sourceExternalUserId must be left out")
    );
    let cents = fund(&sb, &id, 1.005, "eur").await;
    cents.expect(400, Some("P403"));
    assert!(cents.message().contains("at most 2 decimal places"));
    fund(&sb, &id, -1.0, "eur").await.expect(400, Some("P403"));
    fund(&sb, &id, 1.0, "xyz").await.expect(400, Some("P410"));
    // An unknown currency is that, whatever the amount's places.
    fund(&sb, &id, 1.005, "xyz").await.expect(400, Some("P410"));
    let much = sb
        .post(
            "/v1/transfer",
            json!({"sourceExternalUserId": id, "amount": 1e9, "currency": "eur"}),
        )
        .await;
    much.expect(400, Some("P433"));
    assert!(
        close(user_has(&sb, &id, "eur").await, user0 + 100.0),
        "nothing moved"
    );
    fund(&sb, &id, 2e6, "eur").await.expect(400, Some("P433"));

    // The user: unknown P412, not verified P459, suspended P455.
    fund(&sb, "nobody", 1.0, "eur")
        .await
        .expect(400, Some("P412"));
    let fresh = sb.create("PL").await;
    fund(&sb, &fresh, 1.0, "eur")
        .await
        .expect(400, Some("P459"));
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(200, None);
    fund(&sb, &id, 1.0, "eur").await.expect(400, Some("P455"));

    sb.get("/v1/transfer/details/no-such-transfer")
        .await
        .expect(404, Some("P904"));
}

#[tokio::test]
async fn an_exchange_uses_a_live_unused_lock_of_its_user_and_settles_later() {
    let sb = sandbox().await;
    let id = sb.active_user("PL").await;
    let other = sb.active_user("DE").await;
    fund(&sb, &id, 1000.0, "eur").await.expect(200, None);

    let rates = sb.get("/v1/exchange/get-rate").await;
    rates.expect(200, None);
    assert_eq!(rates.body.as_object().unwrap().len(), 9);
    assert_eq!(rates.body["eur"], 1.0);

    let lock = sb.get(&format!("/v1/exchange/get-lock/{id}")).await;
    lock.expect(200, None);
    assert_eq!(lock.body["feePercentage"], 1.49);
    let from = p100::timestamp::parse(lock.body["createdAt"].as_str().unwrap()).unwrap();
    let until = p100::timestamp::parse(lock.body["validUntil"].as_str().unwrap()).unwrap();
    assert_eq!(
        (until - from).whole_seconds(),
        40,
        "a lock holds for 40 seconds"
    );
    let lock_id = lock.body["id"].as_str().unwrap().to_owned();
    sb.get("/v1/exchange/get-lock/nobody")
        .await
        .expect(400, Some("P412"));

    let exchange = |user: &str, amount: f64, from: &str, to: &str, lock: &str| {
        json!({"sourceExternalUserId": user, "amount": amount, "currencyFrom": from,
               "currencyTo": to, "lockId": lock})
    };
    // Checked before the lock: same currency, precision, unknown currency.
    let same = sb
        .post("/v1/exchange", exchange(&id, 10.0, "eur", "eur", &lock_id))
        .await;
    same.expect(400, Some("P403"));
    assert!(same.message().starts_with("currencyTo must differ"));
    sb.post(
        "/v1/exchange",
        exchange(&id, 10.001, "eur", "btc", &lock_id),
    )
    .await
    .expect(400, Some("P403"));
    sb.post("/v1/exchange", exchange(&id, 10.0, "eur", "abc", &lock_id))
        .await
        .expect(400, Some("P410"));
    // Another user's lock, an unknown one, too much money.
    sb.post(
        "/v1/exchange",
        exchange(&other, 10.0, "eur", "btc", &lock_id),
    )
    .await
    .expect(400, Some("P903"));
    sb.post("/v1/exchange", exchange(&id, 10.0, "eur", "btc", "nope"))
        .await
        .expect(400, Some("P903"));
    sb.post("/v1/exchange", exchange(&id, 1e9, "eur", "btc", &lock_id))
        .await
        .expect(400, Some("P433"));

    let (eur0, btc0) = (
        user_has(&sb, &id, "eur").await,
        user_has(&sb, &id, "btc").await,
    );
    let r = sb
        .post("/v1/exchange", exchange(&id, 100.0, "eur", "btc", &lock_id))
        .await;
    r.expect(200, None);
    let ex = r.body["exchangeId"].as_str().unwrap().to_owned();
    // Reserved at once; bought when it settles.
    assert!(close(user_has(&sb, &id, "eur").await, eur0 - 100.0));
    let d = settled(&sb, &format!("/v1/exchange/details/{ex}")).await;
    assert_eq!(d["status"], "COMPLETED");
    let btc_rate = rates.body["btc"].as_f64().unwrap();
    let gross = 100.0 / btc_rate;
    let bought = d["amountTo"].as_f64().unwrap();
    let fee = d["fee"].as_f64().unwrap();
    assert!((fee - gross * 0.0149).abs() < 1e-8, "{d}");
    assert!((bought - (gross - fee)).abs() < 2e-8, "{d}");
    assert!(close(user_has(&sb, &id, "btc").await, btc0 + bought));

    // A lock is good once; a lock past its 40 seconds is refused.
    sb.post("/v1/exchange", exchange(&id, 10.0, "eur", "btc", &lock_id))
        .await
        .expect(400, Some("P903"));
    let lock2 = sb.get(&format!("/v1/exchange/get-lock/{id}")).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    sb.post(&format!("/_sandbox/users/{id}/locks/expire"), json!({}))
        .await
        .expect(204, None);
    let late = sb
        .post("/v1/exchange", exchange(&id, 10.0, "eur", "btc", &lock2))
        .await;
    late.expect(400, Some("P903"));
    assert!(late.message().contains("expired"));

    sb.get("/v1/exchange/details/unknown")
        .await
        .expect(404, Some("P904"));
}

fn withdrawal(id: &str, currency: &str, amount: f64, address: &str) -> Value {
    json!({"sourceExternalUserId": id, "currency": currency, "amount": amount,
           "walletAddress": address, "name": "Jan Kowalski",
           "walletType": "NON_CUSTODIAL", "receiverType": "NATURAL"})
}

const BTC_ADDRESS: &str = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx";
const ETH_ADDRESS: &str = "0x52908400098527886E0F7030069857D2E4169EE7";

#[tokio::test]
async fn crypto_withdrawals_take_the_network_minimum_and_fee() {
    let sb = sandbox().await;
    let id = sb.active_user("PL").await;
    // Network fees per currency and network (ethereum is USDC's default).
    for (query, fee) in [
        ("currency=btc", 0.0002),
        ("currency=usdc", 10.0),
        ("currency=usdc&network=polygon", 0.5),
        ("currency=ETH", 0.002),
    ] {
        let r = sb
            .get(&format!("/v1/crypto-withdrawal/get-network-fee?{query}"))
            .await;
        r.expect(200, None);
        assert_eq!(r.body["networkFee"], fee, "{query}");
    }
    for (query, code) in [
        ("currency=xyz", "P410"),
        ("currency=btc&network=polygon", "P403"),
        ("currency=eur", "P403"),
        ("network=polygon", "P403"),
    ] {
        sb.get(&format!("/v1/crypto-withdrawal/get-network-fee?{query}"))
            .await
            .expect(400, Some(code));
    }

    // 0.01 BTC arrives (no travel rule asked), credited after the review delay.
    let btc0 = user_has(&sb, &id, "btc").await;
    sb.post(
        &format!("/_sandbox/users/{id}/deposits"),
        json!({"currency": "btc", "amount": 0.01}),
    )
    .await
    .expect(201, None);
    for _ in 0..500 {
        if close(user_has(&sb, &id, "btc").await, btc0 + 0.01) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let btc1 = user_has(&sb, &id, "btc").await;
    assert!(close(btc1, btc0 + 0.01));

    // Below the network's minimum, a wallet of another chain, enums, missing fields: P403.
    let low = sb
        .post(
            "/v1/crypto-withdrawal",
            withdrawal(&id, "btc", 0.0001, BTC_ADDRESS),
        )
        .await;
    low.expect(400, Some("P403"));
    assert!(low.message().contains("at least 0.0005"), "{low:?}");
    let wrong = sb
        .post(
            "/v1/crypto-withdrawal",
            withdrawal(&id, "btc", 0.001, ETH_ADDRESS),
        )
        .await;
    wrong.expect(400, Some("P403"));
    assert!(wrong.message().starts_with("walletAddress"));
    let mut body = withdrawal(&id, "btc", 0.001, BTC_ADDRESS);
    body["walletType"] = json!("SELF_CUSTODY");
    body.as_object_mut().unwrap().remove("receiverType");
    let bad = sb.post("/v1/crypto-withdrawal", body).await;
    bad.expect(400, Some("P403"));
    assert!(bad.message().contains("walletType must be one of"));
    assert!(bad.message().contains("receiverType should not be empty"));
    sb.post(
        "/v1/crypto-withdrawal",
        withdrawal(&id, "xyz", 1.0, BTC_ADDRESS),
    )
    .await
    .expect(400, Some("P410"));
    sb.post(
        "/v1/crypto-withdrawal",
        withdrawal(&id, "btc", 100.0, BTC_ADDRESS),
    )
    .await
    .expect(400, Some("P433"));

    // A good one: amount and fee debited at once; SUCCESSFUL with a hash once it settles.
    let r = sb
        .post(
            "/v1/crypto-withdrawal",
            withdrawal(&id, "btc", 0.001, BTC_ADDRESS),
        )
        .await;
    r.expect(200, None);
    let w = r.body["withdrawalId"].as_str().unwrap().to_owned();
    assert!(close(user_has(&sb, &id, "btc").await, btc1 - 0.0012));
    let d = settled(&sb, &format!("/v1/crypto-withdrawal/details/{w}")).await;
    assert_eq!(d["status"], "SUCCESSFUL");
    assert_eq!(d["fee"], 0.0002);
    assert_eq!(d["network"], "btc");
    assert_eq!(d["destination"], BTC_ADDRESS);
    assert!(
        d["transactionHash"]
            .as_str()
            .is_some_and(|h| h.starts_with("0x"))
    );

    // The sandbox's failing memo: UNSUCCESSFUL, and refunded.
    let mut failing = withdrawal(&id, "btc", 0.001, BTC_ADDRESS);
    failing["memo"] = json!("FAIL");
    let r = sb.post("/v1/crypto-withdrawal", failing).await;
    r.expect(200, None);
    let w = r.body["withdrawalId"].as_str().unwrap().to_owned();
    let d = settled(&sb, &format!("/v1/crypto-withdrawal/details/{w}")).await;
    assert_eq!(d["status"], "UNSUCCESSFUL");
    assert!(close(user_has(&sb, &id, "btc").await, btc1 - 0.0012));

    sb.get("/v1/crypto-withdrawal/details/none")
        .await
        .expect(404, Some("P904"));
}

#[tokio::test]
async fn a_deposit_waiting_for_travel_rule_data_is_credited_once_it_is_given() {
    let sb = sandbox().await;
    let id = sb.active_user("PL").await;
    let eth0 = user_has(&sb, &id, "eth").await;
    let r = sb
        .post(
            &format!("/_sandbox/users/{id}/deposits"),
            json!({"currency": "eth", "amount": 0.5, "travelRule": true}),
        )
        .await;
    r.expect(201, None);
    assert_eq!(r.body["status"], "WAITING_FOR_TR_DATA");
    let dep = r.body["cryptoDepositId"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        close(user_has(&sb, &id, "eth").await, eth0),
        "held, not credited"
    );

    let path = format!("/v1/crypto-deposit/update-travel-rule/{dep}");
    let half = sb
        .patch(
            &path,
            Some(json!({"walletType": "CUSTODIAL", "details": {"firstName": "Anna"}})),
        )
        .await;
    half.expect(400, Some("P403"));
    assert!(half.message().starts_with("lastName should not be empty"));
    let nothing = sb
        .patch(
            &path,
            Some(json!({"walletType": "CUSTODIAL", "details": {}})),
        )
        .await;
    nothing.expect(400, Some("P403"));
    assert!(
        nothing
            .message()
            .starts_with("details must name the sender")
    );
    sb.patch(
        &path,
        Some(json!({"walletType": "HOT", "details": {"iAmOwnerOfWallet": true}})),
    )
    .await
    .expect(400, Some("P403"));
    let other = sb.active_user("DE").await;
    let sender = json!({"walletType": "SELF_CUSTODY", "externalUserId": id,
                        "details": {"firstName": "Anna", "lastName": "Nowak", "country": "PL"}});
    let mut foreign = sender.clone();
    foreign["externalUserId"] = json!(other);
    sb.patch(&path, Some(foreign))
        .await
        .expect(404, Some("P904"));

    sb.patch(&path, Some(sender.clone()))
        .await
        .expect(200, None);
    for _ in 0..500 {
        if close(user_has(&sb, &id, "eth").await, eth0 + 0.5) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(close(user_has(&sb, &id, "eth").await, eth0 + 0.5));
    // The same data again is done; other data now is refused (it no longer waits).
    sb.patch(&path, Some(sender)).await.expect(200, None);
    sb.patch(
        &path,
        Some(json!({"walletType": "CUSTODIAL", "details": {"iAmOwnerOfWallet": true}})),
    )
    .await
    .expect(400, Some("P901"));
    sb.patch(
        "/v1/crypto-deposit/update-travel-rule/unknown",
        Some(json!({"walletType": "CUSTODIAL", "details": {"iAmOwnerOfWallet": true}})),
    )
    .await
    .expect(404, Some("P904"));
}

#[tokio::test]
async fn each_live_card_costs_the_partner_a_quarter_a_month() {
    let sb = sandbox().await;
    let id = sb.active_user("PL").await;
    sb.post(&format!("/v1/user/extend/{id}"), json!({}))
        .await
        .expect(200, None);
    let eur0 = partner_has(&sb, "eur").await;
    let mut cards = Vec::new();
    for label in ["One", "Two"] {
        let r = sb
            .post(
                "/v1/card/virtual",
                json!({"externalUserId": id, "label": label, "pin": "1234"}),
            )
            .await;
        r.expect(200, None);
        cards.push(r.body["cardId"].as_str().unwrap().to_owned());
    }
    // The first month is charged when each card is made.
    assert!(close(partner_has(&sb, "eur").await, eur0 - 0.5));
    sb.post("/_sandbox/partner/card-fees", json!({}))
        .await
        .expect(204, None);
    assert!(close(partner_has(&sb, "eur").await, eur0 - 1.0));
    // A deleted card is not charged again.
    sb.send(
        sb.http
            .delete(sb.url("/v1/card"))
            .json(&json!({"externalUserId": id, "cardId": cards[0]})),
    )
    .await
    .expect(200, None);
    sb.post("/_sandbox/partner/card-fees", json!({}))
        .await
        .expect(204, None);
    assert!(close(partner_has(&sb, "eur").await, eur0 - 1.25));
}

#[tokio::test]
async fn the_partner_balance_and_every_move_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config =
        p100_sandbox::SandboxConfig::local(KEY).with_review_delay(Duration::from_millis(200));
    config.state_file = Some(dir.path().join("sandbox.sqlite3"));
    let (id, transfer, exchange, partner) = {
        let sb = sandbox_with(config.clone()).await;
        let id = sb.active_user("PL").await;
        let transfer = fund(&sb, &id, 50.0, "eur").await.body["transferId"]
            .as_str()
            .unwrap()
            .to_owned();
        let lock = sb.get(&format!("/v1/exchange/get-lock/{id}")).await.body["id"].clone();
        let r = sb
            .post(
                "/v1/exchange",
                json!({"sourceExternalUserId": id, "amount": 20, "currencyFrom": "eur",
                       "currencyTo": "usdc", "lockId": lock}),
            )
            .await;
        r.expect(200, None);
        let partner = partner_has(&sb, "eur").await;
        sb.handle.shutdown().await; // before the 200 ms settlement
        (
            id,
            transfer,
            r.body["exchangeId"].as_str().unwrap().to_owned(),
            partner,
        )
    };
    let sb = sandbox_with(config).await;
    assert!(close(partner_has(&sb, "eur").await, partner));
    let t = sb.get(&format!("/v1/transfer/details/{transfer}")).await;
    t.expect(200, None);
    assert_eq!(t.body["destinationExternalUserId"], id.as_str());
    let d = settled(&sb, &format!("/v1/exchange/details/{exchange}")).await;
    assert_eq!(
        d["status"], "COMPLETED",
        "the pending exchange settled after the restart"
    );
}

/// The webhooks the sandbox sent, `(event, payload)` in order, from its delivery log.
async fn sent(sb: &Sb) -> Vec<(String, Value)> {
    let log = sb.get("/_sandbox/webhooks").await;
    log.expect(200, None);
    log.body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["event"].as_str().unwrap().to_owned(),
                d["payload"].clone(),
            )
        })
        .collect()
}

async fn sent_until(
    sb: &Sb,
    what: &str,
    pred: impl Fn(&[(String, Value)]) -> bool,
) -> Vec<(String, Value)> {
    for _ in 0..500 {
        let all = sent(sb).await;
        if pred(&all) {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no webhook: {what}: {:?}", sent(sb).await);
}

#[tokio::test]
async fn each_move_and_each_card_event_sends_its_webhook() {
    // Deliveries to a closed port fail, but the log keeps what was sent.
    let mut config =
        p100_sandbox::SandboxConfig::local(KEY).with_review_delay(Duration::from_millis(30));
    config.webhooks.base_url = Some("http://127.0.0.1:9".into());
    config.webhooks.retry_delays = Vec::new();
    let sb = sandbox_with(config).await;
    let id = sb.active_user("PL").await;
    sb.post(&format!("/v1/user/extend/{id}"), json!({}))
        .await
        .expect(200, None);

    let t = fund(&sb, &id, 20.0, "eur").await.body["transferId"].clone();
    let all = sent_until(&sb, "transfer", |a| a.iter().any(|(e, _)| e == "transfer")).await;
    let (_, body) = all.iter().find(|(e, _)| e == "transfer").unwrap();
    assert_eq!(body["id"], t);
    assert_eq!(body["destinationExternalUserId"], id.as_str());
    assert_eq!(body["status"], "SUCCESSFUL");

    let lock = sb.get(&format!("/v1/exchange/get-lock/{id}")).await.body["id"].clone();
    let x = sb
        .post(
            "/v1/exchange",
            json!({"sourceExternalUserId": id, "amount": 10, "currencyFrom": "eur",
                   "currencyTo": "usdt", "lockId": lock}),
        )
        .await
        .body["exchangeId"]
        .clone();
    let all = sent_until(&sb, "exchange", |a| a.iter().any(|(e, _)| e == "exchange")).await;
    let (_, body) = all.iter().find(|(e, _)| e == "exchange").unwrap();
    assert_eq!((&body["id"], &body["status"]), (&x, &json!("COMPLETED")));

    // A deposit held for the travel rule: WAITING_FOR_TR_DATA, then (data given) checked and
    // credited: WAITING_FOR_VERIFICATION, SUCCESSFUL.
    let d = sb
        .post(
            &format!("/_sandbox/users/{id}/deposits"),
            json!({"currency": "eth", "amount": 0.1, "travelRule": true}),
        )
        .await
        .body["cryptoDepositId"]
        .clone();
    sb.patch(
        &format!(
            "/v1/crypto-deposit/update-travel-rule/{}",
            d.as_str().unwrap()
        ),
        Some(json!({"walletType": "CUSTODIAL", "details": {"iAmOwnerOfWallet": true}})),
    )
    .await
    .expect(200, None);
    let all = sent_until(&sb, "deposit credited", |a| {
        a.iter()
            .any(|(e, b)| e == "cryptoDeposit" && b["status"] == "SUCCESSFUL")
    })
    .await;
    let deposit: Vec<&Value> = all
        .iter()
        .filter(|(e, b)| e == "cryptoDeposit" && b["cryptoDepositId"] == d)
        .map(|(_, b)| &b["status"])
        .collect();
    assert_eq!(
        deposit,
        [
            &json!("WAITING_FOR_TR_DATA"),
            &json!("WAITING_FOR_VERIFICATION"),
            &json!("SUCCESSFUL")
        ]
    );

    // A card: its activation code; a payment with 3-D Secure: the code, then the transaction;
    // a blocked card's payment is declined.
    let card = sb
        .post(
            "/v1/card/virtual",
            json!({"externalUserId": id, "label": "Web shop", "pin": "1357"}),
        )
        .await;
    card.expect(200, None);
    let (card_id, number) = (
        card.body["cardId"].as_str().unwrap().to_owned(),
        card.body["cardNumber"].as_str().unwrap().to_owned(),
    );
    let pay =
        |three_ds: bool| json!({"amount": 12.5, "merchant": "Corner Shop", "threeDs": three_ds});
    let path = format!("/_sandbox/users/{id}/cards/{card_id}/payment");
    sb.post(&path, pay(true)).await.expect(201, None);
    sb.send(
        sb.http
            .patch(sb.url("/v1/card/block"))
            .json(&json!({"externalUserId": id, "cardId": card_id})),
    )
    .await
    .expect(200, None);
    sb.post(&path, pay(false)).await.expect(201, None);
    let all = sent_until(&sb, "card payments", |a| {
        a.iter().filter(|(e, _)| e == "cardTransaction").count() == 2
    })
    .await;
    let card_events: Vec<(&str, &Value)> = all
        .iter()
        .filter(|(e, _)| e.starts_with("card"))
        .map(|(e, b)| (e.as_str(), b))
        .collect();
    let kinds: Vec<&str> = card_events.iter().map(|(e, _)| *e).collect();
    assert_eq!(
        kinds,
        [
            "cardActivationCode",
            "card3dsCode",
            "cardTransaction",
            "cardTransaction"
        ]
    );
    for (_, b) in &card_events {
        assert_eq!(b["cardLastDigits"], &number[12..]);
    }
    assert!(
        card_events[0].1["code"]
            .as_str()
            .is_some_and(|c| c.len() == 6)
    );
    assert_eq!(card_events[2].1["status"], "APPROVED");
    assert_eq!(card_events[3].1["status"], "DECLINED");
    assert_eq!(card_events[2].1["merchant"], "Corner Shop");
    // Every body the sandbox sent reads back as the webhook P100 documents for its path.
    let log = sb.get("/_sandbox/webhooks").await.body;
    for d in log.as_array().unwrap() {
        let path = d["url"]
            .as_str()
            .unwrap()
            .trim_start_matches("http://127.0.0.1:9");
        let parsed = p100::webhooks::WebhookEvent::parse(path, d["payload"].to_string().as_bytes());
        assert!(parsed.is_ok(), "{path}: {parsed:?}");
    }
}
