//! The desk core: environments, credentials, the SQLite store (roster, timeline events, audit
//! journal, outbox) and the user operations that tie them to the P100 client. No Tauri here:
//! the shell calls [`Desk`] and nothing else.

pub mod account;
pub mod api;
pub mod attention;
pub mod cards;
pub mod credentials;
pub mod desk;
pub mod documents;
pub mod environment;
pub mod environments;
pub mod error;
mod hub_api;
pub mod hub_client;
pub mod import;
pub mod kept;
pub mod kyc;
pub mod ledger;
mod local_api;
pub mod money;
pub mod notes;
pub mod onboarding;
pub mod operation;
pub mod operator;
pub mod recovery;
pub mod sandbox;
pub mod store;
pub mod sync;
pub mod team;
pub mod timeline;
pub mod tracking;
pub mod uploads;
pub mod users;
pub mod views;
pub mod vocabulary;

pub use desk::{Desk, DeskConfig};
pub use environment::{EnvironmentInfo, EnvironmentKind};
pub use error::{Error, Result};
