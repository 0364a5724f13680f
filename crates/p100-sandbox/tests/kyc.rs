//! KYC over real HTTP: Method A files, Add User Verification, hosted KYC (Method B) with the
//! provider page, KYC status, automatic and admin decisions.

mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn method_a_files_arrive_in_any_order_and_say_what_is_missing() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    sb.get(&format!("/v1/kyc/status/{id}"))
        .await
        .expect(404, Some("P445"));

    let path = format!("/v1/user/kyc-files/{id}");
    let r = sb
        .upload(
            &path,
            &[("documentType", "ID_CARD")],
            &[("back", "back.png", PNG.to_vec())],
        )
        .await;
    r.expect(201, None);
    assert_eq!(r.body["received"], json!(["back"]));
    assert_eq!(r.body["missing"], json!(["front", "selfie"]));
    let status = sb.get(&format!("/v1/kyc/status/{id}")).await;
    status.expect(200, None);
    assert_eq!(
        status.body,
        json!({"externalUserId": id, "verificationStatus": "NOT_VERIFIED", "attemptStatus": "PENDING", "rejectionReason": null})
    );
    // Verification before the set is complete names what is missing.
    let early = sb.verify(&id, "AB123").await;
    early.expect(400, Some("P403"));
    assert!(
        early.message().contains("front, selfie missing"),
        "{early:?}"
    );

    let r = sb
        .upload(
            &path,
            &[("documentType", "ID_CARD")],
            &[
                ("front", "f.jpg", JPEG.to_vec()),
                ("selfie", "s.pdf", PDF.to_vec()),
            ],
        )
        .await;
    assert_eq!(r.body["missing"], json!([]));
    assert_eq!(r.body["received"], json!(["front", "back", "selfie"]));
}

#[tokio::test]
async fn kyc_files_are_judged_by_content_size_and_field() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    let path = format!("/v1/user/kyc-files/{id}");
    let gif = sb
        .upload(
            &path,
            &[("documentType", "PASSPORT")],
            &[("front", "photo.jpg", b"GIF89a....".to_vec())],
        )
        .await;
    gif.expect(400, Some("P426"));
    assert!(gif.message().contains("photo.jpg"));
    let big = [JPEG.to_vec(), vec![0u8; 5 * 1024 * 1024]].concat();
    sb.upload(
        &path,
        &[("documentType", "PASSPORT")],
        &[("front", "big.jpg", big)],
    )
    .await
    .expect(400, Some("P440"));
    let exactly_5mb = [JPEG.to_vec(), vec![0u8; 5 * 1024 * 1024 - JPEG.len()]].concat();
    sb.upload(
        &path,
        &[("documentType", "PASSPORT")],
        &[("front", "ok.jpg", exactly_5mb)],
    )
    .await
    .expect(201, None);

    let back = sb
        .upload(
            &path,
            &[("documentType", "PASSPORT")],
            &[("back", "b.jpg", JPEG.to_vec())],
        )
        .await;
    back.expect(400, Some("P403"));
    assert!(
        back.message().contains("back is not used for PASSPORT"),
        "{back:?}"
    );
    let no_type = sb
        .upload(&path, &[], &[("front", "f.jpg", JPEG.to_vec())])
        .await;
    assert!(
        no_type
            .message()
            .contains("documentType should not be empty"),
        "{no_type:?}"
    );
    let bad_type = sb
        .upload(
            &path,
            &[("documentType", "DRIVER_LICENSE")],
            &[("front", "f.jpg", JPEG.to_vec())],
        )
        .await;
    assert!(bad_type.message().contains(
        "documentType must be one of the following values: ID_CARD, PASSPORT, RESIDENCE_PERMIT"
    ));
    let nothing = sb.upload(&path, &[("documentType", "PASSPORT")], &[]).await;
    nothing.expect(400, Some("P403"));
    let json = sb.post(&path, json!({"documentType": "PASSPORT"})).await;
    json.expect(400, Some("P403"));
    assert!(json.message().contains("multipart/form-data"));
    sb.upload(
        "/v1/user/kyc-files/nobody",
        &[("documentType", "PASSPORT")],
        &[("front", "f.jpg", JPEG.to_vec())],
    )
    .await
    .expect(400, Some("P412"));
}

#[tokio::test]
async fn verification_activates_the_user_after_the_review() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    sb.verify(&id, "AB123456").await.expect(404, Some("P445"));
    sb.passport_files(&id).await;
    let wrong_type = sb
        .post(
            "/v1/user/verification",
            verification_body(&id, "ID_CARD", "AB1"),
        )
        .await;
    wrong_type.expect(400, Some("P403"));
    assert!(
        wrong_type
            .message()
            .contains("must match the uploaded KYC documents (PASSPORT)")
    );

    let r = sb.verify(&id, "AB123456").await;
    r.expect(201, None);
    assert_eq!(r.body["attemptStatus"], "VERIFICATION");
    sb.verify(&id, "AB123456").await.expect(400, Some("P901"));
    let u = sb.wait_status(&id, "ACTIVE").await;
    assert!(u["activatedAt"].is_string());
    let s = sb.get(&format!("/v1/kyc/status/{id}")).await.body;
    assert_eq!(
        (
            s["verificationStatus"].as_str(),
            s["attemptStatus"].as_str()
        ),
        (Some("VERIFIED"), Some("SUCCESSFUL"))
    );
    let again = sb.verify(&id, "AB123456").await;
    again.expect(400, Some("P901"));
    assert!(again.message().contains("already verified"));
    sb.upload(
        &format!("/v1/user/kyc-files/{id}"),
        &[("documentType", "PASSPORT")],
        &[("front", "f.jpg", JPEG.to_vec())],
    )
    .await
    .expect(400, Some("P901"));
}

#[tokio::test]
async fn verification_body_is_validated_field_by_field() {
    let sb = sandbox().await;
    let r = sb
        .post(
            "/v1/user/verification",
            json!({"documentType": "VISA", "documentNumber": "A B", "issuingCountry": "XX", "expiryDate": "2001-01-01", "issueDate": "2099-01-01"}),
        )
        .await;
    r.expect(400, Some("P403"));
    let m = r.message();
    for part in [
        "externalUserId should not be empty.",
        "documentType must be one of the following values: ID_CARD, PASSPORT, RESIDENCE_PERMIT, DRIVER_LICENSE.",
        "documentNumber must be 1 to 50",
        "issuingCountry must be an ISO 3166-1 alpha-2",
        "issueDate must not be in the future.",
        "expiryDate must be in the future",
    ] {
        assert!(m.contains(part), "{part} in {m}");
    }
    sb.post(
        "/v1/user/verification",
        verification_body("nobody", "PASSPORT", "AB1"),
    )
    .await
    .expect(400, Some("P412"));
}

#[tokio::test]
async fn magic_document_numbers_reject_or_wait_for_a_human() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    sb.passport_files(&id).await;
    sb.verify(&id, "REJECT_NO_FACE_FOUND")
        .await
        .expect(201, None);
    let u = sb
        .wait_user(
            &id,
            |u| u["kyc"]["attemptStatus"] == "REJECTED_BY_PROVIDER",
            "rejection",
        )
        .await;
    assert_eq!(u["status"], "WAITING_FOR_ACTIVATION");
    let s = sb.get(&format!("/v1/kyc/status/{id}")).await.body;
    assert_eq!(s["rejectionReason"], "NO_FACE_FOUND");
    // Rejected: the images must be sent again before another verification.
    sb.verify(&id, "AB1").await.expect(400, Some("P403"));
    sb.passport_files(&id).await;

    sb.verify(&id, "MANUAL-1").await.expect(201, None);
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    assert_eq!(
        sb.get(&format!("/_sandbox/users/{id}")).await.body["status"],
        "WAITING_FOR_ACTIVATION",
        "no automatic decision"
    );
    sb.post(
        &format!("/_sandbox/users/{id}/kyc"),
        json!({"decision": "approve"}),
    )
    .await
    .expect(204, None);
    sb.wait_status(&id, "ACTIVE").await;
    sb.post(
        &format!("/_sandbox/users/{id}/kyc"),
        json!({"decision": "approve"}),
    )
    .await
    .expect(400, Some("P901"));
}

#[tokio::test]
async fn hosted_kyc_runs_through_the_redirect_and_the_provider_page() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    let body = json!({
        "externalUserId": id, "documentType": "ID_CARD", "country": "PL",
        "incomeSource": "SALARY", "occupation": "IT", "additionalInfo": "Backend developer",
        "openAccountReason": "DAILY_USE"
    });
    let created = sb.post("/v1/kyc", body).await;
    created.expect(201, None);
    let vid = created.body["verificationId"].as_str().unwrap().to_owned();
    // Verification data cannot come before the hosted check passes.
    sb.post(
        "/v1/user/verification",
        verification_body(&id, "ID_CARD", "AB1"),
    )
    .await
    .expect(400, Some("P459"));

    // The redirect is for a browser: no key, 200 text/html that leads to the provider page.
    let http = reqwest::Client::new();
    let page = http
        .get(sb.url(&format!("/v1/kyc/verification/{id}/{vid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    let provider = format!("/_sandbox/provider/{id}/{vid}");
    assert!(html.contains(&provider), "{html}");
    let wrong = http
        .get(sb.url(&format!("/v1/kyc/verification/{id}/not-a-session")))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 404);
    let unknown = http
        .get(sb.url(&format!("/v1/kyc/verification/nobody/{vid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 400);

    let form = http
        .get(sb.url(&provider))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("Ada Lovelace") && form.contains("provider-pass"),
        "{form}"
    );
    let done = http
        .post(sb.url(&provider))
        .form(&[("outcome", "pass")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    assert!(done.text().await.unwrap().contains("provider-done"));
    let twice = http
        .post(sb.url(&provider))
        .form(&[("outcome", "pass")])
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status().as_u16(), 409);

    sb.wait_user(
        &id,
        |u| u["kyc"]["attemptStatus"] == "SUCCESSFUL",
        "hosted check passed",
    )
    .await;
    let s = sb.get(&format!("/v1/kyc/status/{id}")).await.body;
    assert_eq!(s["verificationStatus"], "VERIFIED");
    sb.post(
        "/v1/user/verification",
        verification_body(&id, "ID_CARD", "AB1"),
    )
    .await
    .expect(201, None);
    sb.wait_status(&id, "ACTIVE").await;
}

#[tokio::test]
async fn a_failed_hosted_check_carries_its_reason() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    let created = sb
        .post(
            "/v1/kyc",
            json!({"externalUserId": id, "documentType": "PASSPORT", "country": "PL",
                   "incomeSource": "BUSINESS_ACTIVITY", "taxId": "PL1234567890", "openAccountReason": "CURRENCY_EXCHANGE"}),
        )
        .await;
    created.expect(201, None);
    let vid = created.body["verificationId"].as_str().unwrap();
    sb.provider_rejects(&id, vid, "NO_FACE_FOUND").await;
    let s = sb.get(&format!("/v1/kyc/status/{id}")).await.body;
    assert_eq!(s["rejectionReason"], "NO_FACE_FOUND");
    assert_eq!(s["verificationStatus"], "NOT_VERIFIED");
    // A new session may start after a rejection.
    let again = sb
        .post(
            "/v1/kyc",
            json!({"externalUserId": id, "documentType": "PASSPORT", "country": "PL",
                   "incomeSource": "OTHER", "additionalInfo": "savings", "openAccountReason": "DAILY_USE"}),
        )
        .await;
    again.expect(201, None);
}

#[tokio::test]
async fn hosted_kyc_conditional_fields_follow_p100s_rules() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    let base = |income: &str| {
        json!({"externalUserId": id, "documentType": "PASSPORT", "country": "PL", "incomeSource": income,
               "openAccountReason": "INVESTMENTS_OR_CRYPTOCURRENCIE"})
    };
    let r = sb.post("/v1/kyc", base("BUSINESS_ACTIVITY")).await;
    r.expect(400, Some("P403"));
    assert!(
        r.message()
            .contains("taxId should not be empty when incomeSource is BUSINESS_ACTIVITY")
    );
    let r = sb.post("/v1/kyc", base("SALARY")).await;
    assert!(
        r.message()
            .contains("occupation should not be empty when incomeSource is SALARY"),
        "{r:?}"
    );
    assert!(
        r.message().contains("additionalInfo should not be empty"),
        "{r:?}"
    );
    let r = sb.post("/v1/kyc", base("TENANCY")).await;
    assert!(
        r.message().contains("additionalInfo should not be empty"),
        "{r:?}"
    );
    assert!(!r.message().contains("occupation"), "{r:?}");
    let mut bad = base("SALARY");
    bad["occupation"] = json!("ASTRONAUT");
    bad["openAccountReason"] = json!("INVESTMENTS_OR_CRYPTOCURRENCIES");
    bad["country"] = json!("Poland");
    let r = sb.post("/v1/kyc", bad).await;
    for part in [
        "occupation must be one of",
        "openAccountReason must be one of",
        "country must be an ISO",
    ] {
        assert!(r.message().contains(part), "{part}: {r:?}");
    }
    let mut unknown = base("TENANCY");
    unknown["additionalInfo"] = json!("flat rental");
    unknown["externalUserId"] = json!("nobody");
    sb.post("/v1/kyc", unknown).await.expect(400, Some("P412"));
}

#[tokio::test]
async fn hosted_kyc_replaces_method_a_files() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    sb.passport_files(&id).await;
    let r = sb
        .post(
            "/v1/kyc",
            json!({"externalUserId": id, "documentType": "PASSPORT", "country": "PL",
                   "incomeSource": "INVESTMENTS", "additionalInfo": "ETFs", "openAccountReason": "DAILY_USE"}),
        )
        .await;
    r.expect(201, None);
    let u = sb.get(&format!("/_sandbox/users/{id}")).await.body;
    assert_eq!(u["kyc"]["method"]["method"], "hosted");
    sb.verify(&id, "AB1").await.expect(400, Some("P459"));
}
