//! The board's counts and the funnel: how many users reached each path stage, how many went on,
//! and how long they stayed, for users created in a period. Computed here from the ledger's
//! primitives, the same for every ledger.

use super::Tx;
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::onboarding::Stage;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FunnelStep {
    pub stage: Stage,
    /// Users created in the period who reached this stage.
    pub reached: u32,
    /// `reached` over the previous required step's (Proof of address is optional: Active is
    /// compared with Verification submitted, and Proof of address shows the share that needed it).
    pub conversion: Option<f64>,
    /// Median time from reaching this stage to reaching a later one, over users who moved on.
    pub median_secs: Option<f64>,
    /// Users still in this stage now.
    pub current: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Funnel {
    pub environment: EnvironmentKind,
    /// Users created at or after this time (RFC 3339); `None` for all time.
    pub from: Option<String>,
    pub users: u32,
    pub steps: Vec<FunnelStep>,
    /// Users beside the path now: needs action, suspended, deleted.
    pub aside: Vec<StageCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StageCount {
    pub stage: Stage,
    pub count: u32,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    })
}

fn seconds_between(a: &str, b: &str) -> Option<f64> {
    let (a, b) = (p100::timestamp::parse(a)?, p100::timestamp::parse(b)?);
    Some((b - a).as_seconds_f64().max(0.0))
}

impl dyn Tx + '_ {
    /// The funnel of users created at or after `from` (`None`: all time).
    pub fn funnel(&self, env: EnvironmentKind, from: Option<&str>) -> Result<Funnel> {
        let from_or_start = from.unwrap_or("");
        let mut current: HashMap<Stage, u32> = HashMap::new();
        let mut users = 0;
        for (stage, n) in self.stage_counts(env, from_or_start)? {
            users += n;
            *current.entry(stage).or_default() += n;
        }
        // Each user's first arrival at each path stage.
        let mut by_user: HashMap<String, Vec<(Stage, String)>> = HashMap::new();
        for (ext, stage, at) in self.stages_reached(env, from_or_start)? {
            by_user.entry(ext).or_default().push((stage, at));
        }
        let mut reached: HashMap<Stage, u32> = HashMap::new();
        let mut durations: HashMap<Stage, Vec<f64>> = HashMap::new();
        for stages in by_user.values_mut() {
            stages.sort();
            for (i, (stage, at)) in stages.iter().enumerate() {
                *reached.entry(*stage).or_default() += 1;
                if let Some((_, next_at)) = stages.get(i + 1)
                    && let Some(secs) = seconds_between(at, next_at)
                {
                    durations.entry(*stage).or_default().push(secs);
                }
            }
        }
        let count = |s: Stage| reached.get(&s).copied().unwrap_or(0);
        let steps = Stage::PATH
            .iter()
            .map(|&stage| {
                let base = match stage {
                    Stage::IdentityDocuments => Some(Stage::Created),
                    Stage::VerificationSubmitted => Some(Stage::IdentityDocuments),
                    Stage::ProofOfAddress | Stage::Active => Some(Stage::VerificationSubmitted),
                    _ => None,
                };
                FunnelStep {
                    stage,
                    reached: count(stage),
                    conversion: base
                        .map(count)
                        .filter(|n| *n > 0)
                        .map(|n| f64::from(count(stage)) / f64::from(n)),
                    median_secs: median(durations.remove(&stage).unwrap_or_default()),
                    current: current.get(&stage).copied().unwrap_or(0),
                }
            })
            .collect();
        let aside = [Stage::NeedsAction, Stage::Suspended, Stage::Deleted]
            .into_iter()
            .map(|stage| StageCount {
                stage,
                count: current.get(&stage).copied().unwrap_or(0),
            })
            .collect();
        Ok(Funnel {
            environment: env,
            from: from.map(str::to_owned),
            users,
            steps,
            aside,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
