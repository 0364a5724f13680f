//! P100's `errorCode`s (REFERENCE.md §8.1), the only place they are written out. Code that
//! branches on a code matches a [`Code`]; a code P100 sends that is not here stays text in
//! [`crate::Error::Api`] and is shown as such.

/// An `errorCode` the project knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// `P211`, answered with HTTP 202: a proof of address is already waiting for review.
    PoaPending,
    /// `P403`: validation failed (no `errorName`; the message joins every failure).
    Validation,
    /// `P411 user-exists`: the `externalUserId` is taken (third-party client; docs/decisions.md).
    UserExists,
    /// `P412 invalid-user`: the user does not exist (never created, or deleted).
    UserNotFound,
    /// `P426`: a file type P100 does not take.
    InvalidFileType,
    /// `P440`: a file over 5 MB.
    FileTooLarge,
    /// `P445`: no KYC exists for the user yet.
    KycNotFound,
    /// `P434 invalid-card`: the card does not exist (or is another user's).
    InvalidCard,
    /// `P447`: the proof of address is already verified.
    PoaAlreadyVerified,
    /// `P451 forbidden-country-card`: the user's country may not have a card.
    ForbiddenCountryCard,
    /// `P454`: suspension refused while the user has active cards.
    ActiveCards,
    /// `P455 user-suspended` (third-party client): the user is suspended.
    UserSuspended,
    /// `P459`: the user is not verified.
    UserNotVerified,
    /// `P460`: no proof-of-address verification exists.
    PoaNotFound,
    /// `P461`: the user is not extended.
    UserNotExtended,
    /// `P500`: an unknown exception at P100 (it may have acted).
    UnknownException,
    /// `P501`: P100 is temporarily unavailable (nothing happened).
    Unavailable,
    /// `P901 invalid-state`: the sandbox's own code (P9xx is never P100's) for "not allowed in
    /// the user's current state".
    InvalidState,
    /// `P902 card-quota` — the sandbox's own (P100 publishes the card quotas, not their code): a
    /// user may hold 10 cards at once and create 5 a day, 10 in 30 days, 20 a year.
    CardQuota,
    /// `P410 invalid-currency`: a currency P100 does not have (G0 crypto withdrawals).
    InvalidCurrency,
    /// `P424 source-or-destination-required`: a transfer names neither user (G3's example).
    SourceOrDestinationRequired,
    /// `P433 insufficient-funds`: the balance cannot pay the move. G3 cites P433 beside an
    /// "insufficient funds" remark without naming it; docs/decisions.md.
    InsufficientFunds,
    /// `P903 invalid-lock` — the sandbox's own: an exchange lock unknown, another user's,
    /// already used, or past its 40 seconds.
    InvalidLock,
    /// `P904 not-found` — the sandbox's own, with HTTP 404: no transfer, exchange, withdrawal or
    /// deposit has that id (P100 publishes only the SEPA transfer's P428).
    MoveNotFound,
}

impl Code {
    pub const ALL: [Code; 24] = [
        Code::PoaPending,
        Code::Validation,
        Code::UserExists,
        Code::UserNotFound,
        Code::InvalidFileType,
        Code::FileTooLarge,
        Code::KycNotFound,
        Code::PoaAlreadyVerified,
        Code::ActiveCards,
        Code::UserSuspended,
        Code::UserNotVerified,
        Code::PoaNotFound,
        Code::UnknownException,
        Code::Unavailable,
        Code::InvalidState,
        Code::InvalidCard,
        Code::ForbiddenCountryCard,
        Code::UserNotExtended,
        Code::CardQuota,
        Code::InvalidCurrency,
        Code::SourceOrDestinationRequired,
        Code::InsufficientFunds,
        Code::InvalidLock,
        Code::MoveNotFound,
    ];

    /// The code as P100 writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::PoaPending => "P211",
            Code::Validation => "P403",
            Code::UserExists => "P411",
            Code::UserNotFound => "P412",
            Code::InvalidFileType => "P426",
            Code::FileTooLarge => "P440",
            Code::KycNotFound => "P445",
            Code::PoaAlreadyVerified => "P447",
            Code::ActiveCards => "P454",
            Code::UserSuspended => "P455",
            Code::UserNotVerified => "P459",
            Code::PoaNotFound => "P460",
            Code::UnknownException => "P500",
            Code::Unavailable => "P501",
            Code::InvalidState => "P901",
            Code::InvalidCard => "P434",
            Code::ForbiddenCountryCard => "P451",
            Code::UserNotExtended => "P461",
            Code::CardQuota => "P902",
            Code::InvalidCurrency => "P410",
            Code::SourceOrDestinationRequired => "P424",
            Code::InsufficientFunds => "P433",
            Code::InvalidLock => "P903",
            Code::MoveNotFound => "P904",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The `errorName` slug sent with the code (`P403` has none, as documented).
    pub fn error_name(self) -> Option<&'static str> {
        Some(match self {
            Code::Validation => return None,
            Code::PoaPending => "poa-pending",
            Code::UserExists => "user-exists",
            Code::UserNotFound => "invalid-user",
            Code::InvalidFileType => "invalid-file-type",
            Code::FileTooLarge => "file-too-large",
            Code::KycNotFound => "kyc-not-found",
            Code::PoaAlreadyVerified => "poa-already-verified",
            Code::ActiveCards => "active-cards",
            Code::UserSuspended => "user-suspended",
            Code::UserNotVerified => "user-not-verified",
            Code::PoaNotFound => "poa-verification-not-found",
            Code::UnknownException => "unknown-exception",
            Code::Unavailable => "service-unavailable",
            Code::InvalidState => "invalid-state",
            Code::InvalidCard => "invalid-card",
            Code::ForbiddenCountryCard => "forbidden-country-card",
            Code::UserNotExtended => "user-not-extended",
            Code::CardQuota => "card-quota",
            Code::InvalidCurrency => "invalid-currency",
            Code::SourceOrDestinationRequired => "source-or-destination-required",
            Code::InsufficientFunds => "insufficient-funds",
            Code::InvalidLock => "invalid-lock",
            Code::MoveNotFound => "not-found",
        })
    }

    /// The HTTP status P100 answers the code with (P211 as 202, P445, P460 and P904 as 404, the rest
    /// — P500 and P501 included — as 400).
    pub fn http_status(self) -> u16 {
        match self {
            Code::PoaPending => 202,
            Code::KycNotFound | Code::PoaNotFound | Code::MoveNotFound => 404,
            _ => 400,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_is_named_once() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(c));
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert_eq!(c.error_name().is_none(), c == Code::Validation);
        }
        assert_eq!(Code::parse("P999"), None);
    }
}
