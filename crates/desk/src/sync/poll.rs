//! Polling Get KYC Status for users under review, each on its own backoff: 2 s after a change,
//! doubling (with jitter) up to a minute while nothing changes, so a quiet roster costs P100
//! little and a moving one is seen quickly.

use super::LiveSync;
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::timeline::EventSource;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const FIRST: Duration = Duration::from_secs(2);
const MAX: Duration = Duration::from_secs(60);

#[derive(Default)]
pub(super) struct Schedule {
    users: HashMap<(EnvironmentKind, String), (Instant, Duration)>,
}

impl Schedule {
    fn due(&self, key: &(EnvironmentKind, String), now: Instant) -> bool {
        self.users.get(key).is_none_or(|(due, _)| *due <= now)
    }

    /// Schedules the next poll.
    fn after(&mut self, key: (EnvironmentKind, String), changed: bool, now: Instant) {
        let last = self.users.get(&key).map(|(_, last)| *last);
        let (interval, wait) = next_poll(last, changed);
        self.users.insert(key, (now + wait, interval));
    }
}

/// When to poll a user again, given the interval the last wait continued from (none before the
/// first poll) and whether the last poll changed anything: soon after a change, later and later
/// (doubling up to a minute) while nothing moves. Returns the new interval and the wait, which
/// adds up to a fifth more so that many users submitted together spread their polls. The desk's
/// schedule and the hub's poll queue both use it.
pub fn next_poll(last: Option<Duration>, changed: bool) -> (Duration, Duration) {
    let interval = match last {
        Some(last) if !changed => (last * 2).clamp(FIRST, MAX),
        _ => FIRST,
    };
    let jitter = interval.mul_f64((uuid::Uuid::new_v4().as_u128() % 200) as f64 / 1000.0);
    (interval, interval + jitter)
}

impl LiveSync {
    pub(super) async fn poll_due(&self, schedule: &mut Schedule) -> Result<()> {
        let env = self.environments.current().await?;
        let ids = self.db(move |s| s.under_review(env)).await?;
        schedule
            .users
            .retain(|(e, id), _| *e == env && ids.contains(id));
        self.state.lock().await.polling = ids.len() as u32;
        if ids.is_empty() {
            return Ok(());
        }
        let client = self.environments.client_for(env).await?;
        for id in ids {
            let key = (env, id);
            let now = Instant::now();
            if !schedule.due(&key, now) {
                continue;
            }
            let changed = match self.poll_user(env, &client, &key.1).await {
                Ok(changed) => changed,
                Err(e) => {
                    tracing::debug!(error = %e, "KYC status poll failed");
                    false
                }
            };
            schedule.after(key, changed, now);
        }
        Ok(())
    }

    /// One poll of a user of the current environment, for a caller that keeps its own
    /// schedule (the hub's poll queue); true when P100's answer changed what the roster knew.
    pub(crate) async fn poll_one(&self, ext: &str) -> Result<bool> {
        let env = self.environments.current().await?;
        let client = self.environments.client_for(env).await?;
        self.poll_user(env, &client, ext).await
    }

    /// One poll; true when P100's answer changed what the roster knew.
    async fn poll_user(
        &self,
        env: EnvironmentKind,
        client: &p100::Client,
        ext: &str,
    ) -> Result<bool> {
        let status = client.get_kyc_status(ext).await?;
        Ok(self
            .take_kyc_answer(env, ext, status, EventSource::Poll)
            .await?
            .is_some())
    }
}
