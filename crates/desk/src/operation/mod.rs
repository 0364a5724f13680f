//! How every mutating call to P100 runs: written to the outbox (durably: the store syncs each
//! commit) before it is sent, then — in one transaction — the roster and timeline take P100's
//! answer, the journal records who did what with which outcome, and the outbox entry is closed.
//! If that transaction fails, nothing of it is kept and the entry stays open to reconcile.
//!
//! While the client waits to retry (`p100::retry`), the desk announces it (`RetryEvent`) and the
//! operator may cancel the wait. When an earlier attempt's outcome was unknown — in this run, or
//! in a run that was killed — a repeat that P100 answers "already done" (`P411` for a create,
//! `P455` for a suspend, …) is the operation having happened, and is recorded as such.

mod request;

pub use request::Operation;

use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::journal::NewJournalEntry;
use crate::ledger::outbox::OutboxState;
use crate::ledger::{Ledger, Tx};
use crate::timeline::{Event, EventSource};
use p100::retry::{HOOK, RetryHook, RetryNotice};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use ts_rs::TS;

/// One call as the journal and the outbox see it.
pub(crate) struct Op {
    pub env: EnvironmentKind,
    /// What is asked of P100; its outbox form is written before it is sent.
    pub operation: Operation,
    /// A note for the journal line, e.g. the reason for a suspension.
    pub note: Option<String>,
    /// An open outbox entry this call retries (its earlier attempt's outcome is unknown).
    pub retrying: Option<String>,
}

impl Op {
    pub fn new(env: EnvironmentKind, operation: Operation, retrying: Option<String>) -> Self {
        Self {
            env,
            operation,
            note: None,
            retrying,
        }
    }

    pub fn noted(mut self, note: Option<String>) -> Self {
        self.note = note;
        self
    }
}

/// A retry the desk is waiting for, as the window shows it ("retrying in N s").
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetryEvent {
    /// The outbox entry: what `cancel_operation` takes.
    pub operation_id: String,
    pub operation: String,
    pub target: String,
    pub attempt: u32,
    pub max_attempts: u32,
    pub delay_ms: u64,
    pub reason: String,
}

/// Records an operation as done in the store, from what the desk knows.
pub(crate) type StoreCommit<R> = Box<dyn FnOnce(&dyn Tx) -> Result<R> + Send>;

/// P100's answer to a repeat of an operation that already happened.
pub(crate) struct Duplicate<R> {
    /// What to record then (P100's answer carries nothing). The answer that means "already
    /// done" is the operation's own (`Operation::already_done`).
    pub commit: StoreCommit<R>,
}

/// What can be stopped while it runs, with the switch that stops each: operations by outbox id
/// (their retry waits) and uploads by the id the page gave them. One registry for both, so that
/// one rule — the entry lives as long as the work — holds for everything cancellable.
/// An entry lives exactly as long as its operation: the guard returned by
/// [`CancelRegistry::register`] removes it when dropped, however the operation ends.
#[derive(Default)]
pub(crate) struct CancelRegistry(Mutex<HashMap<String, tokio::sync::watch::Sender<bool>>>);

/// Removes its operation from the registry when dropped.
pub(crate) struct Registered<'a> {
    registry: &'a CancelRegistry,
    id: String,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

impl CancelRegistry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, tokio::sync::watch::Sender<bool>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers operation `id`; its cancel switch is the receiver.
    pub fn register(&self, id: &str) -> (tokio::sync::watch::Receiver<bool>, Registered<'_>) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        self.lock().insert(id.to_owned(), tx);
        (
            rx,
            Registered {
                registry: self,
                id: id.to_owned(),
            },
        )
    }

    /// Flips operation `id`'s switch; `false` when it is not running.
    pub fn cancel(&self, id: &str) -> bool {
        self.lock().get(id).is_some_and(|tx| tx.send(true).is_ok())
    }

    /// Runs `work` until it ends or [`cancel`](Self::cancel)`(id)` stops it — dropped at its
    /// next await, so an upload stops sending. The entry goes when this future ends or is
    /// dropped, however that happens.
    pub async fn cancellable<T>(
        &self,
        id: &str,
        work: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let (mut switch, _registered) = self.register(id);
        let cancelled = async move {
            // The sender lives in the registry as long as `_registered`; should it go anyway,
            // that is no reason to stop the work.
            if switch.wait_for(|on| *on).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            out = work => out,
            () = cancelled => Err(Error::UploadCancelled),
        }
    }
}

/// The Operations component: runs every mutating call through the outbox, the retry hook and
/// the journal. It depends on the store only; callers bring the client and what to record.
#[derive(Clone)]
pub(crate) struct Operations {
    store: Arc<dyn Ledger>,
    /// Who the journal names: the OS user at the desk, or the hub's authenticated operator.
    operator: String,
    /// Shared by every copy acting for another operator (the hub makes one per request).
    retries: tokio::sync::broadcast::Sender<RetryEvent>,
    cancels: Arc<CancelRegistry>,
}

impl Operations {
    pub fn new(store: Arc<dyn Ledger>, operator: String) -> Self {
        Self {
            store,
            operator,
            retries: tokio::sync::broadcast::channel(256).0,
            cancels: Arc::default(),
        }
    }

    /// The same component writing through `store` and journaling as `operator`.
    pub fn acting_as(&self, store: Arc<dyn Ledger>, operator: String) -> Self {
        Self {
            store,
            operator,
            ..self.clone()
        }
    }

    /// The OS user at the desk, as the journal names it.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// Blocking store work off the async threads, as one transaction.
    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        crate::ledger::in_tx_blocking(self.store.clone(), f).await
    }

    /// Runs `call` as `op`; on success `commit` applies the answer to the store.
    pub async fn run<T, R>(
        &self,
        op: Op,
        call: impl Future<Output = p100::Result<T>>,
        commit: impl FnOnce(&dyn Tx, T) -> Result<R> + Send + 'static,
    ) -> Result<R>
    where
        T: Send + 'static,
        R: Send + 'static,
    {
        self.run_reconciled(op, call, commit, None).await
    }

    /// [`Operations::run`], with what a duplicate answer means for this operation.
    pub async fn run_reconciled<T, R>(
        &self,
        op: Op,
        call: impl Future<Output = p100::Result<T>>,
        commit: impl FnOnce(&dyn Tx, T) -> Result<R> + Send + 'static,
        duplicate: Option<Duplicate<R>>,
    ) -> Result<R>
    where
        T: Send + 'static,
        R: Send + 'static,
    {
        let Op {
            env,
            operation,
            note,
            retrying,
        } = op;
        let name = operation.route().name;
        let target = operation.target().to_owned();
        let payload = operation.payload();
        let already_done = operation.already_done();
        let prior_unknown = retrying.is_some();
        let outbox_id = match retrying {
            Some(id) => {
                let i = id.clone();
                self.db(move |s| s.outbox_attempt(&i)).await?;
                id
            }
            None => {
                let t = target.clone();
                self.db(move |s| s.outbox_open(env, name, &t, &payload))
                    .await?
            }
        };
        let (cancel_rx, registered) = self.cancels.register(&outbox_id);
        let events = self.retries.clone();
        let (oid, t) = (outbox_id.clone(), target.clone());
        let hook = RetryHook::new(
            Arc::new(move |n: &RetryNotice| {
                let _ = events.send(RetryEvent {
                    operation_id: oid.clone(),
                    operation: n.route.to_owned(),
                    target: t.clone(),
                    attempt: n.attempt,
                    max_attempts: n.max_attempts,
                    delay_ms: n.delay.as_millis() as u64,
                    reason: n.reason.clone(),
                });
            }),
            cancel_rx,
        );
        let started = Instant::now();
        let answer = HOOK.scope(hook.clone(), call).await;
        drop(registered);
        let record = hook.record();
        let duration_ms = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        let operator = self.operator.clone();
        let attempts = record.attempts.max(1);
        let line_target = target.clone();
        let ok_line = move |s: &dyn Tx, message: Option<&str>| -> Result<()> {
            s.journal(&NewJournalEntry {
                operator: &operator,
                environment: env,
                operation: name,
                target: Some(&line_target),
                outcome: "ok",
                p100_code: None,
                http_status: None,
                duration_ms,
                message,
            })?;
            Ok(())
        };
        match answer {
            Ok(value) => {
                self.db(move |s| {
                    let result = commit(s, value)?;
                    ok_line(s, note.as_deref())?;
                    s.outbox_close(&outbox_id, OutboxState::Done, None, attempts)?;
                    Ok(result)
                })
                .await
            }
            Err(e)
                if (prior_unknown || record.earlier_outcome_unknown)
                    && duplicate.is_some()
                    && e.code().is_some_and(|c| Some(c) == already_done) =>
            {
                let Some(dup) = duplicate else {
                    return Err(Error::Internal("checked above".into()));
                };
                let message = format!(
                    "reconciled: a repeat was answered {} after an attempt whose outcome was unknown, so it had happened",
                    e.code().map(|c| c.as_str()).unwrap_or_default()
                );
                self.db(move |s| {
                    let result = (dup.commit)(s)?;
                    ok_line(s, Some(&message))?;
                    s.outbox_close(&outbox_id, OutboxState::Done, Some(&message), attempts)?;
                    Ok(result)
                })
                .await
            }
            Err(e) => {
                // A refusal means nothing happened at P100; no answer means it may have — also
                // when an earlier attempt got no answer and a later one was refused for a reason
                // that does not tell.
                let unknown =
                    e.outcome_unknown() || prior_unknown || record.earlier_outcome_unknown;
                let state = if unknown {
                    OutboxState::Unknown
                } else {
                    OutboxState::Failed
                };
                let (code, status, text) = (
                    e.p100_code().map(str::to_owned),
                    e.http_status(),
                    e.to_string(),
                );
                let operator = self.operator.clone();
                self.db(move |s| {
                    let message = match &note {
                        Some(n) => format!("{n} — {text}"),
                        None => text.clone(),
                    };
                    s.journal(&NewJournalEntry {
                        operator: &operator,
                        environment: env,
                        operation: name,
                        target: Some(&target),
                        outcome: if unknown { "unknown" } else { "error" },
                        p100_code: code.as_deref(),
                        http_status: status,
                        duration_ms,
                        message: Some(&message),
                    })?;
                    if s.user(env, &target)?.is_some() {
                        let event = Event::OperationFailed {
                            operation: name.to_owned(),
                            p100_code: code.clone(),
                            message: text.clone(),
                        };
                        s.add_event(env, &target, EventSource::Operator, &event)?;
                    }
                    s.outbox_close(&outbox_id, state, Some(&text), attempts)
                })
                .await?;
                Err(Error::P100(e))
            }
        }
    }

    /// Every retry wait as it is scheduled, for the window.
    pub fn subscribe_retries(&self) -> tokio::sync::broadcast::Receiver<RetryEvent> {
        self.retries.subscribe()
    }

    /// Cancels the retry wait of a running operation; `false` when it is not running.
    pub fn cancel(&self, operation_id: &str) -> bool {
        self.cancels.cancel(operation_id)
    }

    /// Runs an upload that [`cancel`](Self::cancel)`(upload_id)` can stop.
    pub async fn cancellable<T>(
        &self,
        upload_id: &str,
        upload: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        self.cancels.cancellable(upload_id, upload).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn cancel_stops_the_work_says_so_and_releases_the_entry() {
        let registry = Arc::new(CancelRegistry::default());
        let finished = Arc::new(AtomicBool::new(false));
        let running = {
            let (registry, done) = (registry.clone(), finished.clone());
            tokio::spawn(async move {
                registry
                    .cancellable("u1", async move {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        done.store(true, Ordering::SeqCst);
                        Ok(())
                    })
                    .await
            })
        };
        while registry.lock().is_empty() {
            tokio::task::yield_now().await;
        }
        assert!(registry.cancel("u1"));
        let err = running.await.unwrap().unwrap_err();
        assert!(matches!(err, Error::UploadCancelled), "{err:?}");
        assert_eq!(err.kind(), "cancelled");
        assert!(!finished.load(Ordering::SeqCst));
        assert!(registry.lock().is_empty(), "nothing left registered");
    }

    #[tokio::test]
    async fn finished_or_dropped_work_is_no_longer_cancellable() {
        let registry = CancelRegistry::default();
        let out = registry.cancellable("u2", async { Ok(7) }).await;
        assert_eq!(out.unwrap(), 7);
        assert!(!registry.cancel("u2"), "nothing to cancel once finished");

        // A caller that goes away (its command future dropped) takes the entry with it.
        let pending = registry.cancellable("u3", std::future::pending::<Result<()>>());
        let timed_out = tokio::time::timeout(Duration::from_millis(10), pending).await;
        assert!(timed_out.is_err());
        assert!(!registry.cancel("u3"), "the drop guard released it");
        assert!(registry.lock().is_empty());
    }

    #[tokio::test]
    async fn a_retry_wait_inside_an_upload_goes_with_it() {
        let registry = Arc::new(CancelRegistry::default());
        let running = {
            let registry = registry.clone();
            tokio::spawn(async move {
                let inner = registry.clone();
                registry
                    .cancellable("upload", async move {
                        // The upload's operation registers its own outbox id for retry waits.
                        let (_switch, _registered) = inner.register("outbox-1");
                        std::future::pending::<Result<()>>().await
                    })
                    .await
            })
        };
        while registry.lock().len() < 2 {
            tokio::task::yield_now().await;
        }
        assert!(registry.cancel("upload"));
        assert!(running.await.unwrap().is_err());
        assert!(registry.lock().is_empty(), "both entries released");
    }
}
