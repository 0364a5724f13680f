//! The page's channel for what Rust tells it unasked (see `crate::events`).

use crate::events::{PageEvent, PageEvents};
use tauri::ipc::Channel;

#[tauri::command]
pub fn events_subscribe(events: tauri::State<'_, PageEvents>, on_event: Channel<PageEvent>) {
    events.replace(on_event);
}
