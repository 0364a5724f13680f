//! Cancelling an upload while it is being sent, on the embedded sandbox over a slow uplink: the
//! desk stops sending, says so, releases the upload's id, and leaves the operation open —
//! P100 may have received part of it — instead of recording an outcome it does not know.

use desk::ledger::outbox::OutboxState;
use desk::onboarding::Stage;
use p100::models::{DocumentType, KycFileSide};
use p100_sandbox::faults::{Fault, FaultRule};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_upload_stops_sending_and_stays_open_to_reconcile() {
    let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let d = Arc::new(common::desk(dir.path()).await);
    let user = d
        .create_user(common::new_user("slow@example.com", "PL"))
        .await
        .unwrap();
    let ext = user.external_user_id.clone();
    // The largest file the desk admits (5 MiB) behind a JPEG signature, read by the sandbox at
    // 256 KiB/s: some 20 s a file, so the cancel lands mid-file whatever the socket buffers hold.
    let mut big = common::JPEG.to_vec();
    big.resize(desk::documents::MAX_BYTES as usize, 0);
    let (front, selfie) = (
        files.path().join("front.jpg"),
        files.path().join("selfie.jpg"),
    );
    std::fs::write(&front, &big).unwrap();
    std::fs::write(&selfie, &big).unwrap();
    let t = d.admit_files(vec![front, selfie]).await.unwrap().accepted;
    d.with_sandbox(|h| {
        h.state().faults.add(FaultRule {
            fault: Fault::SlowUpload {
                bytes_per_sec: 256 * 1024,
            },
            times: 0,
            path_prefix: Some(
                p100::routes::ADD_KYC_FILE
                    .template
                    .split('{')
                    .next()
                    .unwrap()
                    .into(),
            ),
            method: Some("POST".into()),
        })
    })
    .await
    .unwrap();

    let sent = Arc::new(AtomicU64::new(0));
    let reports = sent.clone();
    let progress: p100::upload::ProgressFn =
        Arc::new(move |p| reports.store(p.sent, Ordering::SeqCst));
    let upload = {
        let (d, ext) = (d.clone(), ext.clone());
        let files = vec![
            (KycFileSide::Front, t[0].id.clone()),
            (KycFileSide::Selfie, t[1].id.clone()),
        ];
        tokio::spawn(async move {
            let work = d.add_kyc_files(&ext, DocumentType::Passport, files, Some(progress));
            d.cancellable("up-1", work).await
        })
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while sent.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Let it run a little: progress moves while the sandbox reads.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = sent.load(Ordering::SeqCst);
    assert!(before > 0, "the upload started");

    let asked = Instant::now();
    assert!(
        d.cancel_operation("up-1"),
        "a running upload is cancellable"
    );
    let err = upload.await.unwrap().unwrap_err();
    println!(
        "cancelled after {before} bytes reported; the upload ended {} ms after the cancel",
        asked.elapsed().as_millis()
    );
    assert!(matches!(err, desk::Error::UploadCancelled), "{err:?}");
    assert_eq!(err.kind(), "cancelled");
    assert!(!d.cancel_operation("up-1"), "its id is released");

    // Nothing more is sent once cancelled.
    let at_cancel = sent.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sent.load(Ordering::SeqCst), at_cancel);
    assert!(
        at_cancel < big.len() as u64,
        "stopped inside the first file"
    );

    // The user did not move, and the operation is open: the operator decides what happened.
    let users = d.users().await.unwrap();
    let row = users.iter().find(|u| u.external_user_id == ext).unwrap();
    assert_eq!(row.stage, Stage::Created);
    let open = d.open_operations().await.unwrap();
    let mine: Vec<_> = open.iter().filter(|o| o.target == ext).collect();
    assert_eq!(mine.len(), 1, "{open:?}");
    assert_eq!(mine[0].state, OutboxState::Pending);
    assert!(!mine[0].retryable, "the files must be picked again");
}
