//! The app's commands: the desk core's operations, generated from their list (`core`), and the
//! shell's own, one file per concern. `command_list.rs` lists them all.

pub mod app;
pub mod cards;
pub mod core;
pub mod documents;
mod drift;
pub mod export;
pub mod import;
pub mod kyc;
pub mod page;
pub mod reference;
pub mod sync;

/// The desk core, shared with upload tasks that outlive a command's borrow.
pub type DeskState<'a> = tauri::State<'a, std::sync::Arc<desk::Desk>>;
