//! The rules of money bodies (REFERENCE-user-money.md §3–§6): amounts at each currency's
//! precision, the one user of a transfer, an exchange's pair, a withdrawal's network and wallet
//! address, the travel rule's sender. The sandbox answers them as `P403`; the client and the desk
//! check them before anything is sent. Where P100 is silent the rule is in docs/decisions.md.

use crate::FieldError;
use crate::countries::is_country_code;
use crate::models::money::{
    CryptoWithdrawalRequest, Currency, ExchangeRequest, Network, NetworkFeeQuery, TransferRequest,
    TravelRuleUpdate,
};

/// The largest amount taken in one move (P100 publishes none): 10^12 units keeps every amount
/// exact in minor units and in a JSON number.
pub const MAX_AMOUNT: f64 = 1e12;
/// Longest beneficiary name, memo or sender field.
pub const MAX_TEXT: usize = 100;

/// The money bodies' field names, for mapping a `P403` message back to its field.
pub const MONEY_FIELDS: &[&str] = &[
    "sourceExternalUserId",
    "destinationExternalUserId",
    "amount",
    "currency",
    "currencyFrom",
    "currencyTo",
    "lockId",
    "walletAddress",
    "memo",
    "network",
    "name",
    "walletType",
    "receiverType",
    "iAmOwnerOfWallet",
    "companyName",
    "vatId",
    "details",
];

/// The decimal places of `v` as it travels in JSON (the shortest text that reads back as `v`).
fn places(v: f64) -> usize {
    let s = v.to_string();
    s.split_once('.').map_or(0, |(_, frac)| frac.len())
}

/// An amount of `currency`: above zero, at most [`MAX_AMOUNT`], with no more decimals than the
/// currency has.
pub fn amount(field: &str, v: f64, currency: Currency, errors: &mut Vec<FieldError>) {
    if !v.is_finite() || v <= 0.0 {
        errors.push(FieldError::new(
            field,
            format!("{field} must be more than 0"),
        ));
    } else if v > MAX_AMOUNT {
        errors.push(FieldError::new(
            field,
            format!("{field} must not be more than {MAX_AMOUNT:.0}"),
        ));
    } else if places(v) > currency.decimals() as usize {
        errors.push(FieldError::new(
            field,
            format!(
                "{field} can have at most {} decimal places for {currency}",
                currency.decimals()
            ),
        ));
    }
}

/// An amount as an operator typed it ("12.5", "0,0003"): digits with one decimal point or comma,
/// checked by [`amount`]. The error is at `field`.
pub fn parse_amount(field: &str, text: &str, currency: Currency) -> Result<f64, FieldError> {
    let t = text.trim().replace(',', ".");
    let well_formed = !t.is_empty()
        && t.bytes().filter(|b| *b == b'.').count() <= 1
        && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && t.bytes().any(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(FieldError::new(
            field,
            format!("{field} must be a number such as 12.50"),
        ));
    }
    if t.split_once('.')
        .is_some_and(|(_, f)| f.len() > currency.decimals() as usize)
    {
        return Err(FieldError::new(
            field,
            format!(
                "{field} can have at most {} decimal places for {currency}",
                currency.decimals()
            ),
        ));
    }
    let v: f64 = t
        .parse()
        .map_err(|_| FieldError::new(field, format!("{field} must be a number such as 12.50")))?;
    let mut errors = Vec::new();
    amount(field, v, currency, &mut errors);
    errors.into_iter().next().map_or(Ok(v), Err)
}

/// `v` in minor units of a currency with `decimals` places, exactly as its JSON text reads;
/// `None` when it has more places or is out of range.
pub fn to_minor(v: f64, decimals: u32) -> Option<i128> {
    if !v.is_finite() || v.abs() > MAX_AMOUNT * 10.0 {
        return None;
    }
    let s = format!("{}", v.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > decimals as usize {
        return None;
    }
    let padded = format!("{whole}{frac:0<width$}", width = decimals as usize);
    let m: i128 = padded.parse().ok()?;
    Some(if v < 0.0 { -m } else { m })
}

/// Minor units written with `decimals` places, as balances write amounts (`"12.50"`).
pub fn format_minor(minor: i128, decimals: u32) -> String {
    let neg = minor < 0;
    let m = minor.unsigned_abs();
    let scale = 10u128.pow(decimals);
    let s = if decimals == 0 {
        m.to_string()
    } else {
        format!(
            "{}.{:0width$}",
            m / scale,
            m % scale,
            width = decimals as usize
        )
    };
    if neg { format!("-{s}") } else { s }
}

/// Minor units as the JSON number a body carries.
pub fn minor_to_f64(minor: i128, decimals: u32) -> f64 {
    format_minor(minor, decimals).parse().unwrap_or(0.0)
}

fn user_id(field: &str, v: &str, errors: &mut Vec<FieldError>) {
    if let Some(problem) = crate::validate::external_user_id_problem(v) {
        errors.push(FieldError::new(
            field,
            problem.replacen("externalUserId", field, 1),
        ));
    }
}

fn text(field: &str, v: &str, required: bool, errors: &mut Vec<FieldError>) {
    if v.trim().is_empty() {
        if required {
            errors.push(FieldError::new(
                field,
                format!("{field} should not be empty"),
            ));
        }
    } else if v.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            field,
            format!("{field} must be at most {MAX_TEXT} characters"),
        ));
    }
}

/// A transfer's rules, besides naming a user at all (that is `P424`, not a `P403`): not both
/// users, and the amount.
pub fn transfer(req: &TransferRequest, errors: &mut Vec<FieldError>) {
    match (&req.destination_external_user_id, &req.source_external_user_id) {
        (Some(_), Some(_)) => errors.push(FieldError::new(
            "sourceExternalUserId",
            "sourceExternalUserId must be left out when destinationExternalUserId is given: a transfer funds one user or collects from one",
        )),
        (Some(d), None) => user_id("destinationExternalUserId", d, errors),
        (None, Some(s)) => user_id("sourceExternalUserId", s, errors),
        (None, None) => {}
    }
    amount("amount", req.amount, req.currency, errors);
}

/// An exchange: two different currencies, the amount at `currencyFrom`'s precision, a lock.
pub fn exchange(req: &ExchangeRequest, errors: &mut Vec<FieldError>) {
    user_id("sourceExternalUserId", &req.source_external_user_id, errors);
    amount("amount", req.amount, req.currency_from, errors);
    if req.currency_from == req.currency_to {
        errors.push(FieldError::new(
            "currencyTo",
            "currencyTo must differ from currencyFrom",
        ));
    }
    if req.lock_id.trim().is_empty() || req.lock_id.len() > MAX_TEXT {
        errors.push(FieldError::new(
            "lockId",
            "lockId must be the id of a lock from Retrieve Exchange Rate and Create a Lock",
        ));
    }
}

/// The network a withdrawal of `currency` uses: the one named, which the currency must have,
/// or its default.
pub fn network_for(
    currency: Currency,
    network: Option<Network>,
    errors: &mut Vec<FieldError>,
) -> Option<Network> {
    let networks = currency.networks();
    if networks.is_empty() {
        errors.push(FieldError::new(
            "currency",
            "currency must be a crypto currency: btc, doge, eth, eurt, ltc, pol, usdc or usdt",
        ));
        return None;
    }
    match network {
        None => Some(networks[0]),
        Some(n) if networks.contains(&n) => Some(n),
        Some(n) => {
            let names: Vec<&str> = networks.iter().map(|n| n.as_str()).collect();
            errors.push(FieldError::new(
                "network",
                format!(
                    "network {} is not one of {currency}'s: {}",
                    n.as_str(),
                    names.join(", ")
                ),
            ));
            None
        }
    }
}

/// Get Network Fee's query: a crypto currency and one of its networks.
pub fn network_fee(q: &NetworkFeeQuery, errors: &mut Vec<FieldError>) {
    network_for(q.currency, q.network, errors);
}

/// A withdrawal's rules. The minimum and the balance are the sandbox's (and P100's) to check:
/// they live in the user's balances.
pub fn withdrawal(req: &CryptoWithdrawalRequest, errors: &mut Vec<FieldError>) {
    user_id("sourceExternalUserId", &req.source_external_user_id, errors);
    let network = network_for(req.currency, req.network, errors);
    amount("amount", req.amount, req.currency, errors);
    match network {
        Some(n) if !wallet_address(n, req.wallet_address.trim()) => {
            errors.push(FieldError::new(
                "walletAddress",
                format!("walletAddress is not a {} address", n.as_str()),
            ));
        }
        _ => {}
    }
    text("name", &req.name, true, errors);
    if let Some(m) = &req.memo {
        text("memo", m, false, errors);
    }
}

const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// Whether `a` is written as an address of `network` (its shape and alphabet, main or test
/// network; checksums are P100's to check).
pub fn wallet_address(network: Network, a: &str) -> bool {
    let base58 = |first: &str, len: std::ops::RangeInclusive<usize>| {
        a.chars().next().is_some_and(|c| first.contains(c))
            && len.contains(&a.len())
            && a.chars().all(|c| BASE58.contains(c))
    };
    let bech32 = |prefixes: &[&str]| {
        prefixes.iter().any(|p| {
            a.strip_prefix(p).is_some_and(|rest| {
                (8..=87).contains(&rest.len()) && rest.chars().all(|c| BECH32.contains(c))
            })
        })
    };
    match network {
        Network::Ethereum | Network::Polygon => {
            a.len() == 42 && a.starts_with("0x") && a[2..].bytes().all(|b| b.is_ascii_hexdigit())
        }
        Network::Btc => bech32(&["bc1", "tb1", "bcrt1"]) || base58("13mn2", 26..=35),
        Network::Ltc => bech32(&["ltc1", "tltc1", "rltc1"]) || base58("LM3mnQ2", 26..=35),
        Network::Doge => base58("DA9nm2", 25..=34),
    }
}

/// The travel rule's sender: the user's own wallet, or a person (first and last name) or a
/// company (its name); a country is two letters.
pub fn travel_rule(req: &TravelRuleUpdate, errors: &mut Vec<FieldError>) {
    let d = &req.details;
    if let Some(id) = &req.external_user_id {
        user_id("externalUserId", id, errors);
    }
    for (field, v) in [
        ("firstName", &d.first_name),
        ("lastName", &d.last_name),
        ("city", &d.city),
        ("street", &d.street),
        ("postCode", &d.post_code),
        ("companyName", &d.company_name),
        ("vatId", &d.vat_id),
    ] {
        if let Some(v) = v {
            text(field, v, false, errors);
        }
    }
    if let Some(c) = &d.country
        && !is_country_code(c)
    {
        errors.push(FieldError::new(
            "country",
            "country must be an ISO 3166-1 alpha-2 code",
        ));
    }
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let own = d.i_am_owner_of_wallet == Some(true);
    let person = given(&d.first_name) && given(&d.last_name);
    if !own && !person && !given(&d.company_name) {
        if given(&d.first_name) || given(&d.last_name) {
            let missing = if given(&d.first_name) {
                "lastName"
            } else {
                "firstName"
            };
            errors.push(FieldError::new(
                missing,
                format!("{missing} should not be empty: a person sender needs both names"),
            ));
        } else {
            errors.push(FieldError::new(
                "details",
                "details must name the sender: iAmOwnerOfWallet, a first and last name, or a companyName",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_at_each_currency_precision() {
        let mut e = Vec::new();
        amount("amount", 12.34, Currency::Eur, &mut e);
        amount("amount", 0.00000001, Currency::Btc, &mut e);
        amount("amount", 1.123456, Currency::Usdc, &mut e);
        assert!(e.is_empty(), "{e:?}");
        for (v, c) in [
            (12.345, Currency::Eur),
            (1.1234567, Currency::Usdt),
            (0.000000001, Currency::Eth),
            (0.0, Currency::Eur),
            (-1.0, Currency::Btc),
            (f64::NAN, Currency::Eur),
            (2e12, Currency::Eur),
        ] {
            let mut e = Vec::new();
            amount("amount", v, c, &mut e);
            assert_eq!(e.len(), 1, "{v} {c}");
            assert_eq!(e[0].field, "amount");
        }
    }

    #[test]
    fn typed_amounts() {
        assert_eq!(parse_amount("amount", " 12,5 ", Currency::Eur), Ok(12.5));
        assert_eq!(
            parse_amount("amount", "0.00000001", Currency::Btc),
            Ok(1e-8)
        );
        for bad in ["", "abc", "1.2.3", "-5", "1e3", "12.345", "0", "."] {
            let e = parse_amount("amount", bad, Currency::Eur).unwrap_err();
            assert_eq!(e.field, "amount", "{bad}");
        }
        assert!(
            parse_amount("amount", "1.1234567", Currency::Usdc)
                .unwrap_err()
                .message
                .contains("6 decimal places")
        );
    }

    #[test]
    fn minor_units_are_exact() {
        assert_eq!(to_minor(12.5, 2), Some(1250));
        assert_eq!(to_minor(0.1, 8), Some(10_000_000));
        assert_eq!(to_minor(0.123, 2), None);
        assert_eq!(
            to_minor(123456789.12345678, 8),
            Some(12_345_678_912_345_678)
        );
        assert_eq!(format_minor(1250, 2), "12.50");
        assert_eq!(format_minor(-5, 8), "-0.00000005");
        assert_eq!(minor_to_f64(1250, 2), 12.5);
    }

    #[test]
    fn wallet_addresses_by_network() {
        let eth = "0x52908400098527886E0F7030069857D2E4169EE7";
        assert!(wallet_address(Network::Ethereum, eth));
        assert!(wallet_address(Network::Polygon, eth));
        assert!(!wallet_address(Network::Ethereum, "0x1234"));
        assert!(wallet_address(
            Network::Btc,
            "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"
        ));
        assert!(wallet_address(
            Network::Btc,
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
        ));
        assert!(!wallet_address(Network::Btc, eth));
        assert!(wallet_address(
            Network::Ltc,
            "tltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9"
        ));
        assert!(wallet_address(
            Network::Doge,
            "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L"
        ));
        assert!(!wallet_address(Network::Doge, "0OIl"));
    }

    #[test]
    fn networks_belong_to_their_currency() {
        let mut e = Vec::new();
        assert_eq!(
            network_for(Currency::Usdc, None, &mut e),
            Some(Network::Ethereum)
        );
        assert_eq!(
            network_for(Currency::Usdt, Some(Network::Polygon), &mut e),
            Some(Network::Polygon)
        );
        assert!(e.is_empty());
        assert_eq!(
            network_for(Currency::Btc, Some(Network::Polygon), &mut e),
            None
        );
        assert_eq!(e[0].field, "network");
        let mut e = Vec::new();
        assert_eq!(network_for(Currency::Eur, None, &mut e), None);
        assert_eq!(e[0].field, "currency");
    }
}
