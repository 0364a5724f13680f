//! User accounts over real HTTP: update, delete, suspend/unsuspend, extend, balances, history,
//! and the legacy create. Create itself is covered by `crates/p100/tests/client_sandbox.rs`.

mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn update_changes_only_the_given_fields_and_follows_residence_for_poa() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    let r = sb
        .patch(
            &format!("/v1/user/{id}"),
            Some(json!({"city": "Kraków", "phone": "48600000000"})),
        )
        .await;
    r.expect(200, None);
    assert_eq!(r.body["city"], "Kraków");
    assert_eq!(r.body["phone"], "48600000000");
    assert_eq!(r.body["firstName"], "Ada", "untouched");
    assert_eq!(r.body["poaRequiredForExtended"], false);
    let moved = sb
        .patch(&format!("/v1/user/{id}"), Some(json!({"country": "GE"})))
        .await;
    assert_eq!(
        moved.body["poaRequiredForExtended"], true,
        "GE residents need POA for extended"
    );
}

#[tokio::test]
async fn update_refuses_bad_and_foreign_fields_with_p403() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    let r = sb
        .patch(
            &format!("/v1/user/{id}"),
            Some(json!({"email": "nope", "externalUserId": "x", "birthDate": "1990-02-30"})),
        )
        .await;
    r.expect(400, Some("P403"));
    let m = r.message();
    assert!(
        m.contains("property externalUserId should not exist."),
        "{m}"
    );
    assert!(m.contains("email must be an email address"), "{m}");
    assert!(m.contains("birthDate must be a real date"), "{m}");
    sb.patch(&format!("/v1/user/{id}"), Some(json!({})))
        .await
        .expect(400, Some("P403"));
    sb.patch("/v1/user/nobody", Some(json!({"city": "X"})))
        .await
        .expect(400, Some("P412"));
}

#[tokio::test]
async fn suspend_and_unsuspend_follow_the_state_machine() {
    let sb = sandbox().await;
    let id = sb.active_user("PL").await;
    let r = sb
        .patch(
            &format!("/v1/user/suspend/{id}"),
            Some(json!({"reason": "compliance review"})),
        )
        .await;
    r.expect(200, None);
    assert_eq!(r.body["status"], "SUSPENDED");
    // Suspended: no second suspension, no KYC, no update; reads still work.
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(400, Some("P455"));
    sb.patch(&format!("/v1/user/{id}"), Some(json!({"city": "X"})))
        .await
        .expect(400, Some("P455"));
    sb.post(&format!("/v1/user/extend/{id}"), json!({}))
        .await
        .expect(400, Some("P455"));
    sb.get(&format!("/v1/user/balances/{id}"))
        .await
        .expect(200, None);
    let r = sb.patch(&format!("/v1/user/unsuspend/{id}"), None).await;
    r.expect(200, None);
    assert_eq!(r.body["status"], "ACTIVE", "back to where it was");
    let again = sb.patch(&format!("/v1/user/unsuspend/{id}"), None).await;
    again.expect(400, Some("P901"));
    assert!(again.message().contains("not suspended"), "{again:?}");
}

#[tokio::test]
async fn a_waiting_user_can_be_suspended_and_comes_back_waiting() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(200, None);
    let r = sb.patch(&format!("/v1/user/unsuspend/{id}"), None).await;
    assert_eq!(r.body["status"], "WAITING_FOR_ACTIVATION");
}

#[tokio::test]
async fn suspension_is_refused_with_p454_while_cards_are_active() {
    let sb = sandbox().await;
    let magic = sb.create_with("PL", "grace+cards@example.com").await;
    let r = sb.patch(&format!("/v1/user/suspend/{magic}"), None).await;
    r.expect(400, Some("P454"));
    assert_eq!(
        r.message(),
        "Suspension is not possible due to active cards"
    );

    let id = sb.create("PL").await;
    sb.put(
        &format!("/_sandbox/users/{id}/cards"),
        json!({"active": true}),
    )
    .await
    .expect(204, None);
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(400, Some("P454"));
    sb.put(
        &format!("/_sandbox/users/{id}/cards"),
        json!({"active": false}),
    )
    .await
    .expect(204, None);
    sb.patch(&format!("/v1/user/suspend/{id}"), None)
        .await
        .expect(200, None);
}

#[tokio::test]
async fn delete_leaves_nothing_behind_but_the_taken_id() {
    let sb = sandbox().await;
    let id = sb.active_user("PL").await;
    let r = sb.delete(&format!("/v1/user/{id}")).await;
    r.expect(200, None);
    assert_eq!(r.body["status"], "DELETED");
    for path in [
        format!("/v1/user/balances/{id}"),
        format!("/v1/user/transactions/{id}"),
        format!("/v1/kyc/status/{id}"),
    ] {
        sb.get(&path).await.expect(400, Some("P412"));
    }
    sb.delete(&format!("/v1/user/{id}"))
        .await
        .expect(400, Some("P412"));
    let reuse = sb
        .post(
            "/v1/user/balances/crypto-and-fiat",
            create_body(&id, "PL", "a@b.co"),
        )
        .await;
    reuse.expect(400, Some("P411"));
}

#[tokio::test]
async fn extend_needs_an_active_user_and_approved_poa_where_it_applies() {
    let sb = sandbox().await;
    let waiting = sb.create("PL").await;
    sb.post(&format!("/v1/user/extend/{waiting}"), json!({}))
        .await
        .expect(400, Some("P459"));

    let plain = sb.active_user("PL").await;
    let r = sb
        .post(&format!("/v1/user/extend/{plain}"), json!({}))
        .await;
    r.expect(200, None);
    assert_eq!(r.body["extended"], true);
    sb.post(&format!("/v1/user/extend/{plain}"), json!({}))
        .await
        .expect(200, None);

    let poa = sb.active_user("UA").await;
    sb.post(&format!("/v1/user/extend/{poa}"), json!({}))
        .await
        .expect(404, Some("P460"));
    sb.upload(
        &format!("/v1/user/poa-files/{poa}"),
        &[],
        &[("files", "bill-manual.pdf", PDF.to_vec())],
    )
    .await
    .expect(201, None);
    sb.post(&format!("/v1/user/extend/{poa}"), json!({}))
        .await
        .expect(202, Some("P211"));
    sb.post(
        &format!("/_sandbox/users/{poa}/poa"),
        json!({"decision": "approve"}),
    )
    .await
    .expect(204, None);
    let r = sb.post(&format!("/v1/user/extend/{poa}"), json!({})).await;
    r.expect(200, None);
    assert_eq!(r.body["extended"], true);
}

#[tokio::test]
async fn balances_appear_at_activation_with_the_documented_shapes() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    let before = sb.get(&format!("/v1/user/balances/{id}")).await;
    before.expect(200, None);
    assert_eq!(
        before.body,
        json!({"fiatBalances": [], "cryptoBalances": []}),
        "G3: no balances before verification"
    );

    let id = sb.active_user("PL").await;
    let b = sb.get(&format!("/v1/user/balances/{id}")).await.body;
    let eur = &b["fiatBalances"][0];
    assert_eq!(eur["name"], "eur");
    assert_eq!(eur["status"], "ACTIVE");
    assert_eq!(eur["rate"], 1.0);
    let iban = eur["iban"].as_str().unwrap();
    assert!(iban.starts_with("LT") && iban.len() == 20, "{iban}");
    assert!(
        eur["amount"]
            .as_str()
            .unwrap()
            .split('.')
            .nth(1)
            .is_some_and(|d| d.len() == 2)
    );
    let names: Vec<_> = b["cryptoBalances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["btc", "doge", "eth", "eurt", "ltc", "pol", "usdc", "usdt"]
    );
    for c in b["cryptoBalances"].as_array().unwrap() {
        assert!(c["wallet"].as_str().is_some_and(|w| w.len() > 20), "{c}");
        for net in c["networkConfig"].as_object().unwrap().values() {
            assert_eq!(net["mainnet"], false);
            assert!(net["withdrawal"]["feeWithdrawal"].is_number());
            assert!(net["deposit"]["minDeposit"].is_number());
        }
    }
    // Same user, same answer.
    assert_eq!(sb.get(&format!("/v1/user/balances/{id}")).await.body, b);

    let us = sb.active_user("US").await;
    let eur = &sb.get(&format!("/v1/user/balances/{us}")).await.body["fiatBalances"][0];
    assert_eq!(
        eur["iban"],
        serde_json::Value::Null,
        "no IBAN outside the IBAN countries"
    );
    assert_eq!(eur["status"], "WAITING_TO_BE_ACTIVATED");
}

#[tokio::test]
async fn transaction_history_pages_and_filters() {
    let sb = sandbox().await;
    let waiting = sb.create("PL").await;
    let r = sb.get(&format!("/v1/user/transactions/{waiting}")).await;
    r.expect(200, None);
    assert_eq!(r.body["total"], 0);

    let id = sb.active_user("PL").await;
    let all = sb
        .get(&format!("/v1/user/transactions/{id}?limit=100"))
        .await
        .body;
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 8, "{all}");
    let page2 = sb
        .get(&format!("/v1/user/transactions/{id}?page=2&limit=3"))
        .await
        .body;
    assert_eq!(page2["page"], 2);
    assert_eq!(page2["limit"], 3);
    assert_eq!(page2["totalPages"].as_u64().unwrap(), total.div_ceil(3));
    assert_eq!(page2["items"][0], all["items"][3], "pages cut one ordering");
    let done = sb
        .get(&format!(
            "/v1/user/transactions/{id}?status=COMPLETED&type=DEPOSIT&limit=100"
        ))
        .await
        .body;
    assert!(
        done["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "COMPLETED" && t["type"] == "DEPOSIT")
    );
    let day = all["items"][0]["createdAt"].as_str().unwrap()[..10].to_owned();
    let one_day = sb
        .get(&format!(
            "/v1/user/transactions/{id}?from={day}&to={day}&limit=100"
        ))
        .await
        .body;
    assert!(one_day["total"].as_u64().unwrap() >= 1);
    assert!(
        one_day["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["createdAt"].as_str().unwrap().starts_with(&day))
    );

    let bad = sb
        .get(&format!(
            "/v1/user/transactions/{id}?limit=0&type=GIFT&currency=shib&sort=asc"
        ))
        .await;
    bad.expect(400, Some("P403"));
    for part in [
        "limit must be between 1 and 100.",
        "type must be one of",
        "currency must be one of",
        "property sort should not exist.",
    ] {
        assert!(bad.message().contains(part), "{part}: {}", bad.message());
    }
    sb.get("/v1/user/transactions/nobody")
        .await
        .expect(400, Some("P412"));
}

#[tokio::test]
async fn the_legacy_no_kyc_create_says_why_it_is_refused() {
    let sb = sandbox().await;
    let r = sb
        .post("/v1/user/balances/crypto", json!({"externalUserId": "x"}))
        .await;
    r.expect(400, Some("P901"));
    assert!(r.message().contains("KYC model"), "{r:?}");
}

#[tokio::test]
async fn every_v1_route_needs_the_key_except_the_browser_redirect() {
    let sb = sandbox().await;
    let http = reqwest::Client::new();
    for route in p100::routes::ALL {
        let params: Vec<&str> = route.template.matches('{').map(|_| "someone").collect();
        let url = sb.url(&route.path(&params));
        let method = reqwest::Method::from_bytes(route.method.as_str().as_bytes()).unwrap();
        let resp = http.request(method, &url).send().await.unwrap();
        if route.name == "redirectToVerification" {
            assert_ne!(resp.status().as_u16(), 401, "{}", route.name);
        } else {
            assert_eq!(resp.status().as_u16(), 401, "{}", route.name);
            assert_eq!(
                resp.text().await.unwrap(),
                "Access Denied. xo1",
                "{}",
                route.name
            );
        }
    }
    let admin = http
        .get(sb.url("/_sandbox/users"))
        .header("x-api-key", "wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(
        admin.status().as_u16(),
        401,
        "admin routes need the key too"
    );
}

#[tokio::test]
async fn ids_that_are_path_segments_are_refused() {
    let sb = sandbox().await;
    for id in ["crypto", "crypto-and-fiat", "verification"] {
        let r = sb
            .post(
                "/v1/user/balances/crypto-and-fiat",
                create_body(id, "PL", "a@b.co"),
            )
            .await;
        r.expect(400, Some("P403"));
        assert!(r.message().contains("it is a path segment"), "{r:?}");
    }
}
