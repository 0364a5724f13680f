//! P100's `errorCode`s that code branches on, named once (REFERENCE.md §8.1).

/// `P412 invalid-user`: the user does not exist (never created, or deleted).
pub const USER_NOT_FOUND: &str = "P412";
/// `P445`: no KYC exists for the user yet.
pub const KYC_NOT_FOUND: &str = "P445";
