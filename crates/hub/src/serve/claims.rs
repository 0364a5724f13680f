//! Confirming webhooks, as queued work any replica may take. A claim's job is taken with
//! `FOR UPDATE SKIP LOCKED` (two workers never take the same one) and leased by moving its `due`
//! time ahead: a replica that dies while asking P100 leaves a job that another takes once the
//! lease runs out. P100 is asked outside any transaction; the answer is recorded by the desk
//! core (`Desk::confirm_claim`), then the job is removed.

use super::{Hub, blocking, replica};
use desk::EnvironmentKind;
use desk::ledger::claims::PendingClaim;
use desk::timeline::Event;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How long a taken job is this worker's before another may take it.
const LEASE_SECS: f64 = 60.0;
/// How often an idle worker looks for work that other replicas queued (a webhook that this
/// replica received wakes its workers at once).
const IDLE_LOOK: Duration = Duration::from_secs(1);
/// Waits after a failed ask of P100 (unreachable, rate limited…); then the claim is settled as
/// unconfirmed, saying why.
const BACKOFF_SECS: [f64; 3] = [2.0, 8.0, 30.0];

struct Job {
    claim_id: i64,
    attempts: i32,
}

/// One worker: takes due jobs until the hub is dropped.
pub async fn work(hub: Weak<Hub>, n: usize) {
    let me = format!("{}#{n}", replica());
    loop {
        let Some(h) = hub.upgrade() else { return };
        match blocking(&h, {
            let me = me.clone();
            move |h| take(h, &me)
        })
        .await
        {
            Ok(Some(job)) => {
                process(&h, job).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the claim queue could not be read"),
        }
        let woken = h.wake.notified();
        tokio::select! {
            () = woken => {}
            () = tokio::time::sleep(IDLE_LOOK) => {}
        }
    }
}

/// Takes the next due job and leases it.
fn take(hub: &Hub, me: &str) -> crate::Result<Option<Job>> {
    let row = hub.db.get()?.query_opt(
        "UPDATE claim_jobs SET due = now() + make_interval(secs => $1), attempts = attempts + 1, taken_by = $2
         WHERE claim_id = (SELECT claim_id FROM claim_jobs WHERE due <= now()
                           ORDER BY due, claim_id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING claim_id, attempts",
        &[&LEASE_SECS, &me],
    )?;
    Ok(row.map(|r| Job {
        claim_id: r.get(0),
        attempts: r.get(1),
    }))
}

/// The claim a job is for, while it still waits for its confirmation.
fn load(hub: &Hub, claim_id: i64) -> crate::Result<Option<PendingClaim>> {
    let row = hub.db.get()?.query_opt(
        "SELECT environment, detail::text FROM events
         WHERE id = $1 AND kind = 'webhookClaim' AND detail->>'confirmation' = 'pending'",
        &[&claim_id],
    )?;
    let Some(row) = row else { return Ok(None) };
    let environment: String = row.get(0);
    let Some(environment) = EnvironmentKind::parse(&environment) else {
        return Ok(None);
    };
    let detail: String = row.get(1);
    Ok(Event::from_stored("webhookClaim", &detail)
        .ok()
        .and_then(|event| PendingClaim::from_stored(claim_id, environment, event)))
}

fn finish(hub: &Hub, claim_id: i64) -> crate::Result<()> {
    hub.db
        .get()?
        .execute("DELETE FROM claim_jobs WHERE claim_id = $1", &[&claim_id])?;
    Ok(())
}

fn retry_later(hub: &Hub, claim_id: i64, after: f64) -> crate::Result<()> {
    hub.db.get()?.execute(
        "UPDATE claim_jobs SET due = now() + make_interval(secs => $2), taken_by = NULL
         WHERE claim_id = $1",
        &[&claim_id, &after],
    )?;
    Ok(())
}

async fn process(hub: &Arc<Hub>, job: Job) {
    let id = job.claim_id;
    let claim = match blocking(hub, move |h| load(h, id)).await {
        Ok(Some(c)) => c,
        // Settled already (a worker that died after settling), or not a claim any more.
        Ok(None) => {
            let _ = blocking(hub, move |h| finish(h, id)).await;
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, claim = id, "a queued claim could not be read");
            return;
        }
    };
    let outcome = match hub.desk.confirm_claim(&claim).await {
        Ok(_) => Ok(()),
        Err(e) => match BACKOFF_SECS.get(job.attempts as usize - 1) {
            Some(&after) => {
                tracing::debug!(error = %e, claim = id, "a webhook could not be confirmed yet");
                let _ = blocking(hub, move |h| retry_later(h, id, after)).await;
                return;
            }
            None => hub.desk.give_up_claim(&claim, &e).await.map(|_| ()),
        },
    };
    match outcome {
        Ok(()) => {
            if let Err(e) = blocking(hub, move |h| finish(h, id)).await {
                tracing::warn!(error = %e, claim = id, "a confirmed claim's job stays queued");
            }
        }
        Err(e) => {
            tracing::error!(error = %e, claim = id, "a webhook's confirmation was not stored")
        }
    }
}
