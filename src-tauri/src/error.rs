//! How errors cross into the webview: the core's [`CommandError`] (the hub sends the same).

pub use desk::api::CommandError;

pub type CommandResult<T> = Result<T, CommandError>;
