//! Every typed client operation against the sandbox over loopback: success and the documented
//! errors, decoded into the client's types.

use p100::models::*;
use p100::upload::UploadProgress;
use p100::{Client, Error};
use p100_sandbox::{SandboxConfig, SandboxHandle};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;
use common::{activate, code, create, file, jpeg, until, verification};

const KEY: &str = "ops-key";

async fn setup() -> (SandboxHandle, Client) {
    let cfg = SandboxConfig::local(KEY).with_review_delay(Duration::from_millis(20));
    let sb = common::sandbox(cfg).await;
    let c = common::client(&sb, KEY);
    (sb, c)
}

#[tokio::test]
async fn kyc_files_stream_with_progress_and_activation_follows() {
    let (_sb, c) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let id = create(&c, "PL").await;
    let seen: Arc<Mutex<Vec<UploadProgress>>> = Arc::default();
    let rec = seen.clone();
    let progress: p100::upload::ProgressFn = Arc::new(move |p| rec.lock().unwrap().push(p));
    let big = file(dir.path(), "front", "passport.jpg", &jpeg(1_100_000));
    let r = c
        .add_kyc_files(&id, DocumentType::Passport, &[big], Some(progress))
        .await
        .unwrap();
    assert_eq!(r.received, [KycFileSide::Front]);
    assert_eq!(r.missing, [KycFileSide::Selfie]);
    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() >= 4, "1.1 MB in 256 KiB chunks: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].sent < w[1].sent));
    assert_eq!(
        seen.last().map(|p| (p.sent, p.total)),
        Some((1_100_000, 1_100_000))
    );

    let err = c
        .add_user_verification(&verification(&id))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "P403", "incomplete set");
    let selfie = file(dir.path(), "selfie", "selfie.jpg", &jpeg(1000));
    c.add_kyc_files(&id, DocumentType::Passport, &[selfie], None)
        .await
        .unwrap();
    let status = c.add_user_verification(&verification(&id)).await.unwrap();
    assert_eq!(status.attempt_status, Some(AttemptStatus::Verification));
    until(|| async {
        c.get_user_balances(&id)
            .await
            .is_ok_and(|b| !b.fiat_balances.is_empty())
    })
    .await;
    let b = c.get_user_balances(&id).await.unwrap();
    assert_eq!(b.fiat_balances[0].status, FiatBalanceStatus::Active);
    assert_eq!(
        b.crypto_balances.len(),
        8,
        "every coin of the exchange: btc, doge, eth, eurt, ltc, pol, usdc, usdt"
    );
}

#[tokio::test]
async fn file_errors_come_back_typed() {
    let (_sb, c) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let id = create(&c, "UA").await;
    let gif = file(dir.path(), "front", "x.jpg", b"GIF89a");
    let err = c
        .add_kyc_files(&id, DocumentType::Passport, &[gif], None)
        .await
        .unwrap_err();
    assert_eq!((code(&err), err.http_status()), ("P426", Some(400)));
    let big = file(dir.path(), "files", "big.jpg", &jpeg(5 * 1024 * 1024 + 1));
    assert_eq!(
        code(&c.add_poa_files(&id, &[big], None).await.unwrap_err()),
        "P440"
    );
    let four: Vec<_> = (0..4)
        .map(|i| file(dir.path(), "files", &format!("{i}.jpg"), &jpeg(10)))
        .collect();
    assert!(
        matches!(
            c.add_poa_files(&id, &four, None).await,
            Err(Error::InvalidRequest(_))
        ),
        "refused before sending"
    );
}

#[tokio::test]
async fn poa_states_from_the_client() {
    let (_sb, c) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let plain = create(&c, "PL").await;
    let bill = file(dir.path(), "files", "bill.pdf", b"%PDF-1.4\n");
    assert_eq!(
        code(
            &c.add_poa_files(&plain, std::slice::from_ref(&bill), None)
                .await
                .unwrap_err()
        ),
        "P460"
    );
    let id = create(&c, "UA").await;
    let r = c
        .add_poa_files(&id, std::slice::from_ref(&bill), None)
        .await
        .unwrap();
    assert_eq!(r.status, PoaStatus::Waiting);
    let pending = c
        .add_poa_files(&id, std::slice::from_ref(&bill), None)
        .await
        .unwrap_err();
    assert_eq!((code(&pending), pending.http_status()), ("P211", Some(202)));
    until(|| async {
        c.add_poa_files(&id, std::slice::from_ref(&bill), None)
            .await
            .is_err_and(|e| code(&e) == "P447")
    })
    .await;
}

#[tokio::test]
async fn account_operations_round_trip() {
    let (_sb, c) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let id = create(&c, "PL").await;
    let changes = UserProfile {
        city: Some("Gdańsk".into()),
        ..Default::default()
    };
    let acc = c.update_user(&id, &changes).await.unwrap();
    assert_eq!(acc.profile.city.as_deref(), Some("Gdańsk"));
    assert_eq!(acc.status, UserStatus::WaitingForActivation);
    assert!(matches!(
        c.update_user(&id, &UserProfile::default()).await,
        Err(Error::InvalidRequest(_))
    ));
    let bad = UserProfile {
        email: Some("x".into()),
        ..Default::default()
    };
    assert!(matches!(
        c.update_user(&id, &bad).await,
        Err(Error::InvalidRequest(_))
    ));

    assert_eq!(code(&c.extend_user(&id).await.unwrap_err()), "P459");
    activate(&c, &id, dir.path()).await;
    assert!(c.extend_user(&id).await.unwrap().extended);
    assert_eq!(
        c.suspend_user(&id, Some("chargeback"))
            .await
            .unwrap()
            .status,
        UserStatus::Suspended
    );
    assert_eq!(code(&c.suspend_user(&id, None).await.unwrap_err()), "P455");
    assert_eq!(
        c.unsuspend_user(&id).await.unwrap().status,
        UserStatus::Active
    );
    assert_eq!(code(&c.unsuspend_user(&id).await.unwrap_err()), "P901");
    let page = c
        .get_user_transactions(
            &id,
            &TransactionQuery {
                limit: Some(5),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 5);
    let q = TransactionQuery {
        kind: Some(TransactionType::Deposit),
        status: Some(TransactionStatus::Completed),
        limit: Some(100),
        ..Default::default()
    };
    let deposits = c.get_user_transactions(&id, &q).await.unwrap();
    assert!(deposits.items.iter().all(|t| t.kind == TransactionType::Deposit && t.status == TransactionStatus::Completed));
    let bad_query = TransactionQuery {
        limit: Some(1000),
        ..Default::default()
    };
    assert_eq!(
        code(&c.get_user_transactions(&id, &bad_query).await.unwrap_err()),
        "P403"
    );
    assert_eq!(
        c.delete_user(&id).await.unwrap().status,
        UserStatus::Deleted
    );
    assert_eq!(code(&c.get_user_balances(&id).await.unwrap_err()), "P412");
}

#[tokio::test]
async fn card_operations_round_trip_and_an_active_card_blocks_suspension() {
    let (sb, c) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let id = create(&c, "PL").await;
    let new_card = |pin: &str| CreateCardRequest {
        external_user_id: id.clone(),
        label: "Travel".into(),
        pin: pin.into(),
    };
    // The client refuses a body P100 would, before sending: nothing reaches the sandbox.
    let before = sb.state().user(&id).unwrap().cards.len();
    let Err(Error::InvalidRequest(fields)) = c.create_card(&new_card("12")).await else {
        panic!("refused before sending")
    };
    assert_eq!(fields[0].field, "pin");
    assert_eq!(
        code(&c.create_card(&new_card("1234")).await.unwrap_err()),
        "P459"
    );
    activate(&c, &id, dir.path()).await;
    assert_eq!(
        code(&c.create_card(&new_card("1234")).await.unwrap_err()),
        "P461"
    );
    c.extend_user(&id).await.unwrap();
    assert_eq!(sb.state().user(&id).unwrap().cards.len(), before);

    let created = c.create_card(&new_card("1234")).await.unwrap();
    assert!(!format!("{created:?}").contains(&created.card_number));
    let card = CardRef {
        external_user_id: id.clone(),
        card_id: created.card_id.clone(),
    };
    let list = c.list_cards(&id).await.unwrap();
    assert_eq!(list.cards.len(), 1);
    assert_eq!(list.cards[0].status, CardStatus::Active);
    assert_eq!(list.cards[0].card_last_digits, &created.card_number[12..]);
    let details = c.card_details(&id, &created.card_id).await.unwrap();
    assert_eq!(
        (details.card_number, details.cvv),
        (created.card_number, created.cvv)
    );

    let e = c.suspend_user(&id, None).await.unwrap_err();
    assert_eq!(e.code(), Some(p100::codes::Code::ActiveCards));
    c.block_card(&card).await.unwrap();
    assert_eq!(
        c.list_cards(&id).await.unwrap().cards[0].status,
        CardStatus::LockedByUser
    );
    c.suspend_user(&id, None).await.unwrap();
    c.unsuspend_user(&id).await.unwrap();
    c.unblock_card(&card).await.unwrap();

    c.update_card_pin(&CardPinRequest {
        external_user_id: id.clone(),
        card_id: created.card_id.clone(),
        pin: "9876".into(),
    })
    .await
    .unwrap();
    let mut limits = c.card_limits(&id, &created.card_id).await.unwrap();
    assert_eq!(limits, CardLimits::NEW_CARD);
    limits.daily_trx_ecom = 250.5;
    let update = |limits| CardLimitsUpdate {
        external_user_id: id.clone(),
        card_id: created.card_id.clone(),
        limits,
    };
    c.update_card_limits(&update(limits)).await.unwrap();
    assert_eq!(c.card_limits(&id, &created.card_id).await.unwrap(), limits);
    let too_much = CardLimits {
        daily_trx_all: limits.monthly_trx_all + 1.0,
        ..limits
    };
    let Err(Error::InvalidRequest(fields)) = c.update_card_limits(&update(too_much)).await else {
        panic!("refused before sending")
    };
    assert_eq!(fields[0].field, "dailyTrxAll");

    c.delete_card(&card).await.unwrap();
    assert_eq!(
        c.list_cards(&id).await.unwrap().cards[0].status,
        CardStatus::Deleted
    );
    assert_eq!(
        code(&c.card_details(&id, &created.card_id).await.unwrap_err()),
        "P434"
    );
}

#[tokio::test]
async fn hosted_kyc_from_the_client() {
    let (_sb, c) = setup().await;
    let id = create(&c, "PL").await;
    let req = CreateKycVerificationRequest {
        external_user_id: id.clone(),
        document_type: DocumentType::IdCard,
        country: "PL".into(),
        income_source: IncomeSource::Salary,
        open_account_reason: OpenAccountReason::DailyUse,
        tax_id: None,
        occupation: Some(Occupation::Engineering),
        additional_info: Some("Civil engineer".into()),
    };
    let created = c.create_kyc_verification(&req).await.unwrap();
    let url = c.verification_url(&id, &created.verification_id).unwrap();
    assert!(url.path().starts_with("/v1/kyc/verification/"));
    let page = reqwest::get(url).await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let status = c.get_kyc_status(&id).await.unwrap();
    assert_eq!(
        (status.verification_status, status.attempt_status),
        (
            VerificationStatus::NotVerified,
            Some(AttemptStatus::Pending)
        )
    );
    let mut missing = req.clone();
    missing.occupation = None;
    missing.external_user_id = id.clone();
    assert_eq!(
        code(&c.create_kyc_verification(&missing).await.unwrap_err()),
        "P403"
    );
}
