//! Typed async client for the P100 Partner API: user accounts and KYC.
//!
//! Every path lives in [`routes`], which the sandbox serves too, so that a path confirmed by P100
//! is a one-line change for both. Errors keep P100's `errorCode` ([`Error`]).

pub mod auth;
pub mod client;
pub mod codes;
pub mod countries;
pub mod error;
pub mod models;
pub mod response;
pub mod retry;
pub mod routes;
pub mod timestamp;
pub mod upload;
pub mod validate;
pub mod webhooks;

pub use auth::{ApiKey, InvalidApiKey};
pub use client::Client;
pub use error::{DenyReason, Error, FieldError, Result};
pub use retry::RetryPolicy;
