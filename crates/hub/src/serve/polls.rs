//! Polling P100 for users under review, as queued work any replica may take. A trigger keeps one
//! `review_polls` row per user under review (migration 2); a worker takes a due row with
//! `FOR UPDATE SKIP LOCKED` and leases it by moving `due` ahead, asks P100 outside any
//! transaction (`Desk::poll_review`, which records what changed), then schedules the next poll
//! with the desk's own backoff (`desk::sync::poll::next_poll`). However many replicas run, a user
//! is polled by one at a time, at the pace one desk would poll them; a replica that dies mid-poll
//! leaves a row another takes once the lease runs out.

use super::{Hub, blocking, replica};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How long a taken poll is this worker's before another may take it.
const LEASE_SECS: f64 = 60.0;
/// How often an idle worker looks for a due poll.
const IDLE_LOOK: Duration = Duration::from_secs(1);

struct Poll {
    external_user_id: String,
    /// The interval the last wait continued from; none before the first poll.
    interval: Option<Duration>,
}

/// One worker: takes due polls until the hub is dropped.
pub async fn work(hub: Weak<Hub>, n: usize) {
    let me = format!("{}#poll{n}", replica());
    loop {
        let Some(h) = hub.upgrade() else { return };
        let env = h.environment;
        match blocking(&h, {
            let me = me.clone();
            move |h| take(h, env.as_str(), &me)
        })
        .await
        {
            Ok(Some(poll)) => {
                process(&h, poll).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the poll queue could not be read"),
        }
        drop(h);
        tokio::time::sleep(IDLE_LOOK).await;
    }
}

/// Takes the next due poll of this hub's environment and leases it.
fn take(hub: &Hub, env: &str, me: &str) -> crate::Result<Option<Poll>> {
    let row = hub.db.get()?.query_opt(
        "UPDATE review_polls SET due = now() + make_interval(secs => $2), taken_by = $3
         WHERE environment = $1 AND external_user_id = (
             SELECT external_user_id FROM review_polls WHERE environment = $1 AND due <= now()
             ORDER BY due LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING external_user_id, interval_secs",
        &[&env, &LEASE_SECS, &me],
    )?;
    Ok(row.map(|r| Poll {
        external_user_id: r.get(0),
        interval: r
            .get::<_, Option<f64>>(1)
            .and_then(|s| Duration::try_from_secs_f64(s).ok()),
    }))
}

/// Schedules the next poll, if the user is still under review (the trigger removed the row
/// otherwise, and nothing is updated).
fn schedule(
    hub: &Hub,
    env: &str,
    ext: &str,
    interval: Duration,
    wait: Duration,
) -> crate::Result<()> {
    hub.db.get()?.execute(
        "UPDATE review_polls
         SET due = now() + make_interval(secs => $3), interval_secs = $4, taken_by = NULL
         WHERE environment = $1 AND external_user_id = $2",
        &[&env, &ext, &wait.as_secs_f64(), &interval.as_secs_f64()],
    )?;
    Ok(())
}

async fn process(hub: &Arc<Hub>, poll: Poll) {
    let changed = match hub.desk.poll_review(&poll.external_user_id).await {
        Ok(changed) => changed,
        Err(e) => {
            // P100 unreachable or refusing: the backoff grows as if nothing moved.
            tracing::debug!(error = %e, user = %poll.external_user_id, "a review poll failed");
            false
        }
    };
    let (interval, wait) = desk::sync::poll::next_poll(poll.interval, changed);
    let env = hub.environment;
    let ext = poll.external_user_id.clone();
    if let Err(e) = blocking(hub, move |h| {
        schedule(h, env.as_str(), &ext, interval, wait)
    })
    .await
    {
        tracing::warn!(error = %e, user = %poll.external_user_id, "the next review poll is not scheduled; the lease will run out");
    }
}
