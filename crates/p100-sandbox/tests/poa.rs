//! Proof of address over real HTTP: who needs it, the file rules, and its review states.

mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn poa_goes_waiting_then_approved_and_cannot_be_sent_twice() {
    let sb = sandbox().await;
    let id = sb.create("UA").await;
    let path = format!("/v1/user/poa-files/{id}");
    let files = [
        ("files", "bill.pdf", PDF.to_vec()),
        ("files", "lease.jpg", JPEG.to_vec()),
        ("files", "id.png", PNG.to_vec()),
    ];
    let r = sb.upload(&path, &[], &files).await;
    r.expect(201, None);
    assert_eq!(
        r.body,
        json!({"externalUserId": id, "status": "WAITING", "files": 3})
    );
    let pending = sb.upload(&path, &[], &files[..1]).await;
    pending.expect(202, Some("P211"));
    sb.wait_user(&id, |u| u["poa"]["status"] == "APPROVED", "approval")
        .await;
    sb.upload(&path, &[], &files[..1])
        .await
        .expect(400, Some("P447"));
}

#[tokio::test]
async fn rejected_and_questioned_poa_can_be_sent_again() {
    let sb = sandbox().await;
    let id = sb.create("GE").await;
    let path = format!("/v1/user/poa-files/{id}");
    sb.upload(&path, &[], &[("files", "reject-me.pdf", PDF.to_vec())])
        .await
        .expect(201, None);
    sb.wait_user(&id, |u| u["poa"]["status"] == "REJECTED", "rejection")
        .await;
    sb.upload(
        &path,
        &[],
        &[("files", "blurry-question.jpg", JPEG.to_vec())],
    )
    .await
    .expect(201, None);
    sb.wait_user(&id, |u| u["poa"]["status"] == "QUESTIONED", "question")
        .await;
    sb.upload(&path, &[], &[("files", "manual.pdf", PDF.to_vec())])
        .await
        .expect(201, None);
    sb.post(
        &format!("/_sandbox/users/{id}/poa"),
        json!({"decision": "question"}),
    )
    .await
    .expect(204, None);
    assert_eq!(
        sb.get(&format!("/_sandbox/users/{id}")).await.body["poa"]["status"],
        "QUESTIONED"
    );
    sb.post(
        &format!("/_sandbox/users/{id}/poa"),
        json!({"decision": "approve"}),
    )
    .await
    .expect(400, Some("P901"));
}

#[tokio::test]
async fn poa_file_rules() {
    let sb = sandbox().await;
    let id = sb.create("UA").await;
    let path = format!("/v1/user/poa-files/{id}");
    let four: Vec<_> = (0..4)
        .map(|i| {
            (
                "files",
                if i % 2 == 0 { "a.pdf" } else { "b.jpg" },
                PDF.to_vec(),
            )
        })
        .collect();
    let r = sb.upload(&path, &[], &four).await;
    r.expect(400, Some("P403"));
    assert!(
        r.message()
            .contains("files must contain no more than 3 elements")
    );
    sb.upload(&path, &[], &[]).await.expect(400, Some("P403"));
    let wrong_field = sb
        .upload(&path, &[], &[("file", "a.pdf", PDF.to_vec())])
        .await;
    assert!(
        wrong_field
            .message()
            .contains("property file should not exist"),
        "{wrong_field:?}"
    );
    let exe = sb
        .upload(
            &path,
            &[],
            &[
                ("files", "a.pdf", b"MZ\x90\x00".to_vec()),
                ("files", "b.pdf", PDF.to_vec()),
            ],
        )
        .await;
    exe.expect(400, Some("P426"));
    let big = [PDF.to_vec(), vec![b' '; 5 * 1024 * 1024]].concat();
    sb.upload(&path, &[], &[("files", "big.pdf", big)])
        .await
        .expect(400, Some("P440"));
    // Nothing above reached the review.
    assert_eq!(
        sb.get(&format!("/_sandbox/users/{id}")).await.body["poa"]["status"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn users_without_a_poa_requirement_have_no_poa_verification() {
    let sb = sandbox().await;
    let id = sb.create("PL").await;
    sb.poa_bill(&id).await.expect(404, Some("P460"));
    sb.upload(
        "/v1/user/poa-files/nobody",
        &[],
        &[("files", "bill.pdf", PDF.to_vec())],
    )
    .await
    .expect(400, Some("P412"));
}

#[tokio::test]
async fn poa_review_and_kyc_review_run_side_by_side() {
    let sb = sandbox().await;
    let id = sb.create("AM").await;
    sb.poa_bill(&id).await.expect(201, None);
    sb.passport_files(&id).await;
    sb.verify(&id, "AB1").await.expect(201, None);
    let u = sb
        .wait_user(
            &id,
            |u| u["status"] == "ACTIVE" && u["poa"]["status"] == "APPROVED",
            "both decisions",
        )
        .await;
    assert_eq!(u["poaRequiredForExtended"], true);
}
