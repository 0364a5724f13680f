//! The app's commands, one file per domain; each is a few lines over the desk core.

pub mod board;
pub mod credentials;
pub mod documents;
pub mod environment;
pub mod export;
pub mod kyc;
pub mod operations;
pub mod reference;
pub mod sync;
pub mod users;

/// The desk core, shared with upload tasks that outlive a command's borrow.
pub type DeskState<'a> = tauri::State<'a, std::sync::Arc<desk::Desk>>;
