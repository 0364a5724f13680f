//! Virtual cards over real HTTP: each documented rule (REFERENCE-user-money.md §2) and each of
//! the sandbox's choices where P100 is silent (docs/decisions.md, "Virtual cards").

mod common;
use common::*;
use serde_json::{Value, json};

/// An active (verified), extended user of `country`.
async fn cardholder(sb: &Sb, country: &str) -> String {
    let id = sb.active_user(country).await;
    sb.post(&format!("/v1/user/extend/{id}"), json!({}))
        .await
        .expect(200, None);
    id
}

async fn new_card(sb: &Sb, id: &str, label: &str) -> Reply {
    sb.post(
        "/v1/card/virtual",
        json!({"externalUserId": id, "label": label, "pin": "1234"}),
    )
    .await
}

async fn card_id(sb: &Sb, id: &str) -> String {
    let r = new_card(sb, id, "Shopping").await;
    r.expect(200, None);
    r.body["cardId"].as_str().unwrap().to_owned()
}

fn card_ref(id: &str, card: &str) -> Value {
    json!({"externalUserId": id, "cardId": card})
}

async fn statuses(sb: &Sb, id: &str) -> Vec<String> {
    let r = sb.get(&format!("/v1/card/all/{id}")).await;
    r.expect(200, None);
    r.body["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap().to_owned())
        .collect()
}

async fn delete_card(sb: &Sb, id: &str, card: &str) -> Reply {
    sb.send(sb.http.delete(sb.url("/v1/card")).json(&card_ref(id, card)))
        .await
}

#[tokio::test]
async fn a_card_shows_its_number_once_and_in_details_never_in_the_list() {
    let sb = sandbox().await;
    let id = cardholder(&sb, "PL").await;
    let r = new_card(&sb, &id, "Online shopping").await;
    r.expect(200, None);
    let number = r.body["cardNumber"].as_str().unwrap().to_owned();
    assert_eq!(number.len(), 16);
    assert!(r.body["cvv"].as_str().unwrap().len() == 3);
    assert!(r.body["exp"].as_str().unwrap().contains('/'));
    let card = r.body["cardId"].as_str().unwrap();

    let list = sb.get(&format!("/v1/card/all/{id}")).await;
    list.expect(200, None);
    assert_eq!(
        list.body,
        json!({"cards": [{"cardId": card, "status": "ACTIVE", "label": "Online shopping",
                          "cardLastDigits": &number[12..]}]})
    );
    assert!(!list.body.to_string().contains(&number));

    let details = sb.get(&format!("/v1/card/details/{id}/{card}")).await;
    details.expect(200, None);
    assert_eq!(details.body["cardNumber"], number.as_str());
    assert_eq!(details.body["cvv"], r.body["cvv"]);
    assert_eq!(details.body["status"], "ACTIVE");
}

#[tokio::test]
async fn cards_need_a_verified_extended_unsuspended_user_of_a_card_country() {
    let sb = sandbox().await;
    new_card(&sb, "nobody", "Shopping")
        .await
        .expect(400, Some("P412"));
    let unverified = sb.create("PL").await;
    new_card(&sb, &unverified, "Shopping")
        .await
        .expect(400, Some("P459"));
    let not_extended = sb.active_user("PL").await;
    new_card(&sb, &not_extended, "Shopping")
        .await
        .expect(400, Some("P461"));
    let british = cardholder(&sb, "GB").await;
    let r = new_card(&sb, &british, "Shopping").await;
    r.expect(400, Some("P451"));
    assert_eq!(r.body["errorName"], "forbidden-country-card");

    let id = cardholder(&sb, "DE").await;
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(200, None);
    new_card(&sb, &id, "Shopping")
        .await
        .expect(400, Some("P455"));

    // The body first: every problem in one P403, before any rule of the user.
    let r = sb
        .post(
            "/v1/card/virtual",
            json!({"externalUserId": id, "label": "ab", "pin": "12a4", "colour": "red"}),
        )
        .await;
    r.expect(400, Some("P403"));
    for part in [
        "label must be 3 to 30 characters",
        "pin must be exactly 4 digits",
        "property colour should not exist",
    ] {
        assert!(r.message().contains(part), "{}", r.message());
    }
}

/// The ids of the user's cards that are not deleted.
async fn live_cards(sb: &Sb, id: &str) -> Vec<String> {
    let r = sb.get(&format!("/v1/card/all/{id}")).await;
    r.body["cards"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "DELETED")
        .map(|c| c["cardId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_user_holds_ten_cards_and_creates_five_a_day_ten_a_month_twenty_a_year() {
    let sb = sandbox().await;
    let id = cardholder(&sb, "PL").await;
    let age = |days: u32| {
        let path = format!("/_sandbox/users/{id}/cards/age");
        let sb = &sb;
        async move {
            sb.post(&path, json!({"days": days}))
                .await
                .expect(204, None);
        }
    };
    let refused = |r: Reply, why: &str| {
        r.expect(400, Some("P902"));
        assert_eq!(r.message(), why);
    };
    let delete_all = || async {
        for card in live_cards(&sb, &id).await {
            delete_card(&sb, &id, &card).await.expect(200, None);
        }
    };

    for _ in 0..5 {
        card_id(&sb, &id).await;
    }
    refused(
        new_card(&sb, &id, "Sixth").await,
        "A user can create at most 5 cards in 1 day(s)",
    );
    age(2).await;
    for _ in 0..5 {
        card_id(&sb, &id).await;
    }
    refused(
        new_card(&sb, &id, "Eleventh").await,
        "A user can hold at most 10 cards",
    );
    // A deleted card frees a place among the ten held, not among the month's ten creations.
    let first = live_cards(&sb, &id).await.remove(0);
    delete_card(&sb, &id, &first).await.expect(200, None);
    age(2).await;
    refused(
        new_card(&sb, &id, "Eleventh").await,
        "A user can create at most 10 cards in 30 day(s)",
    );

    // A month on, ten more (five a day): twenty created this year.
    age(31).await;
    delete_all().await;
    for _ in 0..5 {
        card_id(&sb, &id).await;
    }
    age(2).await;
    for _ in 0..5 {
        card_id(&sb, &id).await;
    }
    assert_eq!(statuses(&sb, &id).await.len(), 20);
    delete_all().await;
    age(2).await;
    refused(
        new_card(&sb, &id, "More").await,
        "A user can create at most 10 cards in 30 day(s)",
    );
    age(31).await;
    refused(
        new_card(&sb, &id, "More").await,
        "A user can create at most 20 cards in 365 day(s)",
    );
    age(365).await;
    card_id(&sb, &id).await;
    assert_eq!(live_cards(&sb, &id).await.len(), 1);
}

#[tokio::test]
async fn block_unblock_pin_limits_and_delete() {
    let sb = sandbox().await;
    let id = cardholder(&sb, "FR").await;
    let card = card_id(&sb, &id).await;

    for _ in 0..2 {
        // Blocking twice is answered as done: a retry after a lost answer is safe.
        sb.patch("/v1/card/block", Some(card_ref(&id, &card)))
            .await
            .expect(200, None);
    }
    assert_eq!(statuses(&sb, &id).await, ["LOCKED_BY_USER"]);
    sb.patch("/v1/card/unblock", Some(card_ref(&id, &card)))
        .await
        .expect(200, None);
    assert_eq!(statuses(&sb, &id).await, ["ACTIVE"]);

    let pin = |p: &str| json!({"externalUserId": id, "cardId": card, "pin": p});
    sb.patch("/v1/card/pin", Some(pin("12345")))
        .await
        .expect(400, Some("P403"));
    sb.patch("/v1/card/pin", Some(pin("4321")))
        .await
        .expect(200, None);

    let limits = sb.get(&format!("/v1/card/limits/{id}/{card}")).await;
    limits.expect(200, None);
    assert_eq!(limits.body["dailyTrxAtm"], 500.0);
    let mut update = limits.body.clone();
    update["externalUserId"] = json!(id);
    update["cardId"] = json!(card);
    update["dailyTrxAll"] = json!(20_000);
    update["monthlyTrxAtm"] = json!(-1);
    let r = sb.patch("/v1/card/limits", Some(update.clone())).await;
    r.expect(400, Some("P403"));
    assert!(
        r.message()
            .contains("dailyTrxAll must not be more than monthlyTrxAll")
            && r.message()
                .contains("monthlyTrxAtm must be between 0 and 1000000"),
        "{}",
        r.message()
    );
    update["dailyTrxAll"] = json!(1500.5);
    update["monthlyTrxAtm"] = json!(800);
    sb.patch("/v1/card/limits", Some(update))
        .await
        .expect(200, None);
    let now = sb.get(&format!("/v1/card/limits/{id}/{card}")).await;
    assert_eq!(now.body["dailyTrxAll"], 1500.5);
    assert_eq!(now.body["monthlyTrxAtm"], 800.0);

    // Another user's card, or one that never was, does not exist for this user.
    let other = cardholder(&sb, "FR").await;
    let theirs = card_id(&sb, &other).await;
    sb.patch("/v1/card/block", Some(card_ref(&id, &theirs)))
        .await
        .expect(400, Some("P434"));
    sb.get(&format!("/v1/card/details/{id}/no-such-card"))
        .await
        .expect(400, Some("P434"));

    delete_card(&sb, &id, &card).await.expect(200, None);
    delete_card(&sb, &id, &card).await.expect(200, None);
    assert_eq!(statuses(&sb, &id).await, ["DELETED"]);
    let gone = sb.get(&format!("/v1/card/details/{id}/{card}")).await;
    gone.expect(400, Some("P434"));
    assert_eq!(gone.message(), "Card not exist");
    sb.patch("/v1/card/unblock", Some(card_ref(&id, &card)))
        .await
        .expect(400, Some("P434"));
}

#[tokio::test]
async fn suspension_waits_until_every_active_card_is_blocked() {
    let sb = sandbox().await;
    let id = cardholder(&sb, "IT").await;
    let first = card_id(&sb, &id).await;
    let second = card_id(&sb, &id).await;
    sb.patch("/v1/card/block", Some(card_ref(&id, &first)))
        .await
        .expect(200, None);
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(400, Some("P454"));
    sb.patch("/v1/card/block", Some(card_ref(&id, &second)))
        .await
        .expect(200, None);
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(200, None);

    // Suspended: cards may be read, blocked and deleted, not unblocked or changed.
    sb.patch("/v1/card/unblock", Some(card_ref(&id, &first)))
        .await
        .expect(400, Some("P455"));
    sb.patch(
        "/v1/card/pin",
        Some(json!({"externalUserId": id, "cardId": first, "pin": "1111"})),
    )
    .await
    .expect(400, Some("P455"));
    sb.get(&format!("/v1/card/details/{id}/{first}"))
        .await
        .expect(200, None);
    delete_card(&sb, &id, &second).await.expect(200, None);

    sb.patch(&format!("/v1/user/unsuspend/{id}"), None)
        .await
        .expect(200, None);
    sb.patch("/v1/card/unblock", Some(card_ref(&id, &first)))
        .await
        .expect(200, None);
    assert_eq!(statuses(&sb, &id).await, ["ACTIVE", "DELETED"]);
}
