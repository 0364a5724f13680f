//! Bulk imports run by the hub: a desktop starts a job (`import_start`), and any replica's
//! import worker takes it by a lease (`desk::ledger::imports`), so closing the desktop does not
//! stop it and a replica that dies mid-job leaves it to another once the lease runs out. Each
//! job's rows are sent as the operator who started it: their journal lines and timeline events
//! name that operator, as if they had sent each create themselves.

use super::{Hub, replica};
use std::sync::Weak;
use std::time::Duration;

/// How often an idle worker looks for a running job.
const IDLE_LOOK: Duration = Duration::from_secs(1);

/// One worker: takes running imports until the hub is dropped.
pub async fn work(hub: Weak<Hub>, n: usize) {
    let me = format!("{}#import{n}", replica());
    loop {
        let Some(h) = hub.upgrade() else { return };
        match h.desk.take_import(&me).await {
            Ok(Some(job)) => {
                let desk = h.desk_for(&job.created_by);
                drop(h);
                if let Err(e) = desk.run_import(&job, &me).await {
                    tracing::warn!(job = %job.id, error = %e, "an import stopped; it is taken up again");
                    tokio::time::sleep(IDLE_LOOK).await;
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the imports could not be read"),
        }
        drop(h);
        tokio::time::sleep(IDLE_LOOK).await;
    }
}
