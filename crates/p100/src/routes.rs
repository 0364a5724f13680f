//! Every Partner API path, in one table shared by the client and the sandbox.
//!
//! Templates use `{name}` placeholders, the syntax of both OpenAPI and axum 0.8, so the sandbox
//! mounts [`Route::template`] as it is. Paths P100 does not publish are marked
//! [`Source::Chosen`]; each choice is explained in `docs/decisions.md`.

/// HTTP method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Whether P100's public docs give the path, or we chose it where they are silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Documented,
    Chosen,
}

/// One operation of the Partner API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub name: &'static str,
    pub method: Method,
    pub template: &'static str,
    pub source: Source,
}

const fn route(
    name: &'static str,
    method: Method,
    template: &'static str,
    source: Source,
) -> Route {
    Route {
        name,
        method,
        template,
        source,
    }
}

use Method::*;
use Source::*;

pub const CREATE_USER: Route = route(
    "createUser",
    Post,
    "/v1/user/balances/crypto-and-fiat",
    Documented,
);
pub const CREATE_USER_WITHOUT_KYC: Route = route(
    "createUserWithoutKyc",
    Post,
    "/v1/user/balances/crypto",
    Documented,
);
pub const ADD_KYC_FILE: Route = route(
    "addKycFile",
    Post,
    "/v1/user/kyc-files/{externalUserId}",
    Documented,
);
pub const ADD_POA_FILE: Route = route(
    "addPoaFile",
    Post,
    "/v1/user/poa-files/{externalUserId}",
    Documented,
);
pub const ADD_USER_VERIFICATION: Route = route(
    "addUserVerification",
    Post,
    "/v1/user/verification",
    Documented,
);
pub const EXTEND_USER: Route = route(
    "extendUser",
    Post,
    "/v1/user/extend/{externalUserId}",
    Chosen,
);
pub const UPDATE_USER: Route = route("updateUser", Patch, "/v1/user/{externalUserId}", Chosen);
pub const DELETE_USER: Route = route("deleteUser", Delete, "/v1/user/{externalUserId}", Chosen);
pub const SUSPEND_USER: Route = route(
    "suspendUser",
    Patch,
    "/v1/user/suspend/{externalUserId}",
    Chosen,
);
pub const UNSUSPEND_USER: Route = route(
    "unsuspendUser",
    Patch,
    "/v1/user/unsuspend/{externalUserId}",
    Chosen,
);
pub const GET_USER_BALANCES: Route = route(
    "getUserBalances",
    Get,
    "/v1/user/balances/{externalUserId}",
    Documented,
);
pub const GET_USER_TRANSACTIONS: Route = route(
    "getUserTransactions",
    Get,
    "/v1/user/transactions/{externalUserId}",
    Chosen,
);
pub const CREATE_KYC_VERIFICATION: Route =
    route("createKycVerification", Post, "/v1/kyc", Documented);
pub const REDIRECT_TO_VERIFICATION: Route = route(
    "redirectToVerification",
    Get,
    "/v1/kyc/verification/{externalUserId}/{verificationId}",
    Documented,
);
pub const GET_KYC_STATUS: Route = route(
    "getKycStatus",
    Get,
    "/v1/kyc/status/{externalUserId}",
    Documented,
);

// Virtual cards (REFERENCE-user-money.md §2.4): create, list and details are in P100's docs;
// the other paths only in one integrator's client (their methods are in the docs' menu).
pub const CREATE_CARD: Route = route("createCard", Post, "/v1/card/virtual", Documented);
pub const LIST_CARDS: Route = route(
    "listCards",
    Get,
    "/v1/card/all/{externalUserId}",
    Documented,
);
pub const GET_CARD_DETAILS: Route = route(
    "getCardDetails",
    Get,
    "/v1/card/details/{externalUserId}/{cardId}",
    Documented,
);
pub const UPDATE_CARD_PIN: Route = route("updateCardPin", Patch, "/v1/card/pin", Chosen);
pub const BLOCK_CARD: Route = route("blockCard", Patch, "/v1/card/block", Chosen);
pub const UNBLOCK_CARD: Route = route("unblockCard", Patch, "/v1/card/unblock", Chosen);
pub const GET_CARD_LIMITS: Route = route(
    "getCardLimits",
    Get,
    "/v1/card/limits/{externalUserId}/{cardId}",
    Chosen,
);
pub const UPDATE_CARD_LIMITS: Route = route("updateCardLimits", Patch, "/v1/card/limits", Chosen);
pub const DELETE_CARD: Route = route("deleteCard", Delete, "/v1/card", Chosen);

// Money (REFERENCE-user-money.md §3–§6). The partner's balances and the transfer's paths are
// not published (chosen by analogy with `/v1/sepa-transfer` and the exchange's `details`).
pub const GET_PARTNER_BALANCES: Route =
    route("getPartnerBalances", Get, "/v1/partner/balances", Chosen);
pub const CREATE_TRANSFER: Route = route("createTransfer", Post, "/v1/transfer", Chosen);
pub const GET_TRANSFER: Route = route(
    "getTransfer",
    Get,
    "/v1/transfer/details/{transferId}",
    Chosen,
);
pub const GET_EXCHANGE_RATE: Route =
    route("getExchangeRate", Get, "/v1/exchange/get-rate", Documented);
pub const GET_EXCHANGE_LOCK: Route = route(
    "getExchangeLock",
    Get,
    "/v1/exchange/get-lock/{externalUserId}",
    Documented,
);
pub const CREATE_EXCHANGE: Route = route("createExchange", Post, "/v1/exchange", Documented);
pub const GET_EXCHANGE: Route = route(
    "getExchange",
    Get,
    "/v1/exchange/details/{exchangeId}",
    Chosen,
);
pub const GET_NETWORK_FEE: Route = route(
    "getNetworkFee",
    Get,
    "/v1/crypto-withdrawal/get-network-fee",
    Documented,
);
pub const CREATE_CRYPTO_WITHDRAWAL: Route = route(
    "createCryptoWithdrawal",
    Post,
    "/v1/crypto-withdrawal",
    Documented,
);
pub const GET_CRYPTO_WITHDRAWAL: Route = route(
    "getCryptoWithdrawal",
    Get,
    "/v1/crypto-withdrawal/details/{withdrawalId}",
    Chosen,
);
pub const UPDATE_TRAVEL_RULE: Route = route(
    "updateTravelRule",
    Patch,
    "/v1/crypto-deposit/update-travel-rule/{cryptoDepositId}",
    Chosen,
);

/// The whole table, for the sandbox and for the test that checks it against the OpenAPI file.
pub const ALL: &[Route] = &[
    CREATE_USER,
    CREATE_USER_WITHOUT_KYC,
    ADD_KYC_FILE,
    ADD_POA_FILE,
    ADD_USER_VERIFICATION,
    EXTEND_USER,
    UPDATE_USER,
    DELETE_USER,
    SUSPEND_USER,
    UNSUSPEND_USER,
    GET_USER_BALANCES,
    GET_USER_TRANSACTIONS,
    CREATE_KYC_VERIFICATION,
    REDIRECT_TO_VERIFICATION,
    GET_KYC_STATUS,
    CREATE_CARD,
    LIST_CARDS,
    GET_CARD_DETAILS,
    UPDATE_CARD_PIN,
    BLOCK_CARD,
    UNBLOCK_CARD,
    GET_CARD_LIMITS,
    UPDATE_CARD_LIMITS,
    DELETE_CARD,
    GET_PARTNER_BALANCES,
    CREATE_TRANSFER,
    GET_TRANSFER,
    GET_EXCHANGE_RATE,
    GET_EXCHANGE_LOCK,
    CREATE_EXCHANGE,
    GET_EXCHANGE,
    GET_NETWORK_FEE,
    CREATE_CRYPTO_WITHDRAWAL,
    GET_CRYPTO_WITHDRAWAL,
    UPDATE_TRAVEL_RULE,
];

impl Route {
    /// The path with each `{placeholder}` replaced, in order, by a percent-encoded parameter.
    ///
    /// # Panics
    /// When the number of parameters differs from the template's placeholders: that is a bug
    /// in the caller, not bad input.
    pub fn path(&self, params: &[&str]) -> String {
        let mut out = String::with_capacity(self.template.len() + 40);
        let mut rest = self.template;
        let mut params = params.iter();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..]
                .find('}')
                .map(|i| open + i)
                .expect("unclosed placeholder");
            let value = params.next().expect("too few path parameters");
            encode_segment(value, &mut out);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        assert!(params.next().is_none(), "too many path parameters");
        out
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so that an id can never add a
/// path segment or a query.
fn encode_segment(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders_in_order_and_encodes_them() {
        assert_eq!(GET_KYC_STATUS.path(&["abc-1"]), "/v1/kyc/status/abc-1");
        assert_eq!(
            REDIRECT_TO_VERIFICATION.path(&["u 1", "v/2"]),
            "/v1/kyc/verification/u%201/v%2F2"
        );
        assert_eq!(CREATE_USER.path(&[]), "/v1/user/balances/crypto-and-fiat");
    }

    #[test]
    #[should_panic(expected = "too few path parameters")]
    fn missing_parameter_is_a_bug() {
        GET_KYC_STATUS.path(&[]);
    }

    #[test]
    fn table_has_unique_method_and_path_pairs() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert!(
                    !(a.method == b.method && a.template == b.template),
                    "{} and {} share {} {}",
                    a.name,
                    b.name,
                    a.method.as_str(),
                    a.template
                );
            }
        }
    }
}
