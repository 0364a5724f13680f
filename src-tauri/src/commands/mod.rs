//! The app's commands, one file per domain; each is a few lines over the desk core.

pub mod credentials;
pub mod environment;
pub mod reference;
pub mod users;
