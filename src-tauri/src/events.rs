//! What the shell tells the page unasked — dropped documents, roster rows live sync changed,
//! retry waits — goes over one IPC channel the page opens (`commands::page::events_subscribe`), not Tauri's
//! event system: the page has no permission to listen to events at all, so Tauri's own
//! `tauri://drag-*` events, which carry the paths of dropped files, can never reach it.

use desk::documents::Admitted;
use desk::ledger::roster::UserRecord;
use desk::operation::RetryEvent;
use serde::Serialize;
use std::sync::Mutex;
use tauri::ipc::Channel;
use tauri::{Manager, Runtime};
use ts_rs::TS;

/// One message to the page.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", content = "data", rename_all = "camelCase")]
pub enum PageEvent {
    /// Files dropped on the window, as tokens (never paths).
    DocumentsDropped(Admitted),
    /// A roster row live sync changed, or `null`: changes were missed, read the roster again.
    RosterChanged(Option<Box<UserRecord>>),
    /// A call waits to be sent again ("retrying in N s"), cancellable.
    OperationRetrying(RetryEvent),
}

/// The page's channel; a reload of the page opens a new one, which replaces the old.
#[derive(Default)]
pub struct PageEvents(Mutex<Option<Channel<PageEvent>>>);

impl PageEvents {
    /// The page (re)opened its channel: events go there from now on.
    pub fn replace(&self, channel: Channel<PageEvent>) {
        *self.channel() = Some(channel);
    }

    fn channel(&self) -> std::sync::MutexGuard<'_, Option<Channel<PageEvent>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Sends `event` to the page, if it is listening (before it is, the store has everything).
pub fn send<R: Runtime>(app: &tauri::AppHandle<R>, event: PageEvent) {
    if let Some(events) = app.try_state::<PageEvents>()
        && let Some(channel) = events.channel().as_ref()
        && let Err(e) = channel.send(event)
    {
        tracing::debug!(error = %e, "the page did not take an event");
    }
}
