//! Waiting on any [`DeskApi`] for what happens in the background (an import job's rows), as the
//! window does by polling: for the desk's tests (the local desk) and the hub's (`HubClient`)
//! alike. (Built for tests: the `conformance` feature.)

use super::DeskApi;
use crate::ledger::imports::ImportJob;
use std::time::Duration;

/// How often the job is read, and for how long before the wait fails.
const EVERY: Duration = Duration::from_millis(100);
const WITHIN: Duration = Duration::from_secs(60);

/// The import job `id` as `api` lists it, once `done` says so. Panics (the test fails) when
/// the job is not listed, or does not get there within a minute.
pub async fn import_job_when(
    api: &impl DeskApi,
    id: &str,
    done: impl Fn(&ImportJob) -> bool,
) -> ImportJob {
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        let job = api
            .import_jobs()
            .await
            .expect("the import jobs are listed")
            .into_iter()
            .find(|j| j.id == id)
            .expect("the job is listed");
        if done(&job) {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "import {id} did not get there within {WITHIN:?}; last seen: {job:?}"
        );
        tokio::time::sleep(EVERY).await;
    }
}
