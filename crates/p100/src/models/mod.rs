//! Request and response bodies, spelled as P100 spells them (camelCase).

pub mod kyc;
pub mod user;

pub use kyc::{AttemptStatus, KycStatus, VerificationStatus};
pub use user::{CreateUserRequest, CreateUserResponse, UserProfile, UserStatus};
