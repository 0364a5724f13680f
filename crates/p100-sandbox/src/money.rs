//! Balances created at activation, and a deterministic seeded transaction history.
//!
//! Everything derives from the user's `externalUserId` through a small PRNG, so the same user
//! always has the same wallets, IBAN and history (relative to its activation time).

use p100::models::balances::{DepositConfig, WithdrawalConfig};
use p100::models::money::{Currency, Network};
use p100::models::{
    CryptoBalance, FiatBalance, FiatBalanceStatus, NetworkConfig, Transaction, TransactionPage,
    TransactionQuery, TransactionStatus, TransactionType, UserBalances,
};
use p100::validate::money::format_minor;
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime};

/// Countries for which G0 says an IBAN can be issued.
pub const IBAN_COUNTRIES: &[&str] = &[
    "AM", "AT", "AZ", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GE",
    "GR", "HR", "HU", "IE", "IL", "IN", "IS", "IT", "LI", "LT", "LU", "LV", "MD", "MT", "NL", "NO",
    "PL", "PT", "RO", "SE", "SI", "SK", "UA",
];

/// `(currency, decimals, EUR rate, networks)`; networks are `(key, testnet name, fee, min
/// withdrawal, min deposit)`. Staging-like: every network is a testnet.
type Net = (&'static str, &'static str, f64, f64, f64);
const CRYPTO: &[(&str, usize, f64, &[Net])] = &[
    ("btc", 8, 85_000.0, &[("btc", "test", 0.0002, 0.0005, 0.0)]),
    ("doge", 8, 0.085, &[("doge", "test", 2.0, 20.0, 0.0)]),
    (
        "eth",
        8,
        2_900.0,
        &[("ethereum", "sepolia", 0.002, 0.01, 0.0)],
    ),
    ("eurt", 6, 0.99, &[("ethereum", "sepolia", 5.0, 10.0, 0.0)]),
    ("ltc", 8, 75.0, &[("ltc", "test", 0.001, 0.01, 0.0)]),
    ("pol", 8, 0.21, &[("polygon", "amoy", 0.1, 1.0, 0.0)]),
    (
        "usdc",
        6,
        0.86,
        &[
            ("ethereum", "sepolia", 10.0, 1.0, 5.0),
            ("polygon", "amoy", 0.5, 2.0, 0.0),
        ],
    ),
    (
        "usdt",
        6,
        0.86,
        &[
            ("ethereum", "sepolia", 10.0, 1.0, 5.0),
            ("polygon", "amoy", 0.5, 2.0, 0.0),
        ],
    ),
];

pub fn decimals(currency: &str) -> Option<usize> {
    Currency::parse(currency)
        .filter(|c| c.as_str() == currency)
        .map(|c| c.decimals() as usize)
}

pub fn currencies() -> impl Iterator<Item = &'static str> {
    std::iter::once("eur").chain(CRYPTO.iter().map(|c| c.0))
}

/// SplitMix64: tiny, fast and good enough to make fake but stable data.
struct Rng(u64);

impl Rng {
    fn for_user(external_user_id: &str, salt: u64) -> Self {
        // FNV-1a of the id, mixed with a salt per use.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
        for b in external_user_id.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        let bytes = ((u128::from(a) << 64) | u128::from(b)).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char)
            .collect()
    }
}

/// A valid (mod-97) Lithuanian IBAN, the country of P100's EMI licence in this sandbox.
fn iban(rng: &mut Rng) -> String {
    let bban = format!(
        "{}{}",
        32_500 + rng.below(99) as u32,
        rng.chars(b"0123456789", 11)
    );
    // Check digits: move "LT00" to the end, letters to numbers (L=21, T=29), mod 97.
    let digits = format!("{bban}212900");
    let rem = digits
        .bytes()
        .fold(0u32, |acc, d| (acc * 10 + u32::from(d - b'0')) % 97);
    format!("LT{:02}{bban}", 98 - rem)
}

fn wallet(rng: &mut Rng, currency: &str) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    const BECH32: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    match currency {
        "btc" => format!("tb1q{}", rng.chars(BECH32, 38)),
        "ltc" => format!("tltc1q{}", rng.chars(BECH32, 38)),
        "doge" => format!(
            "n{}",
            rng.chars(
                b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
                33
            )
        ),
        _ => format!("0x{}", rng.chars(HEX, 40)),
    }
}

/// The balances a user gets when verification succeeds: EUR (with an IBAN where one can be
/// issued) and every crypto currency with a wallet. Amounts are the net of the completed history.
pub fn balances(external_user_id: &str, country: Option<&str>, activated_at: &str) -> UserBalances {
    let totals = net_totals(external_user_id, activated_at);
    let iban_ok = country.is_some_and(|c| IBAN_COUNTRIES.contains(&c));
    build(
        Rng::for_user(external_user_id, 1),
        |c| totals.get(c).copied().unwrap_or(0),
        iban_ok,
    )
}

/// The partner's balances: its own ids, IBAN and wallets, and the amounts it holds.
pub fn partner_balances(amounts: &BTreeMap<Currency, i128>) -> UserBalances {
    build(
        Rng::for_user("partner", 1),
        |c| {
            Currency::parse(c)
                .and_then(|c| amounts.get(&c).copied())
                .unwrap_or(0)
        },
        true,
    )
}

/// What a partner starts with in the sandbox: enough of each currency to fund many users.
pub fn partner_opening() -> BTreeMap<Currency, i128> {
    Currency::ALL
        .into_iter()
        .map(|c| {
            let units: i128 = match c {
                Currency::Eur => 1_000_000,
                Currency::Btc => 10,
                Currency::Eth => 100,
                Currency::Ltc => 1_000,
                _ => 100_000,
            };
            (c, units * 10i128.pow(c.decimals()))
        })
        .collect()
}

/// The reference rate of `currency`: EUR value of one unit. Fixed, so tests can predict what an
/// exchange gives (docs/decisions.md).
pub fn rate(currency: Currency) -> f64 {
    if currency == Currency::Eur {
        return 1.0;
    }
    CRYPTO
        .iter()
        .find(|c| c.0 == currency.as_str())
        .map_or(1.0, |c| c.2)
}

/// The network's `(fee, minimum)` for a withdrawal of `currency`, from the balances' config.
pub fn withdrawal_terms(currency: Currency, network: Network) -> Option<(f64, f64)> {
    CRYPTO
        .iter()
        .find(|c| c.0 == currency.as_str())
        .and_then(|c| c.3.iter().find(|n| n.0 == network.as_str()))
        .map(|n| (n.2, n.3))
}

fn build(mut rng: Rng, amount_of: impl Fn(&str) -> i128, iban_ok: bool) -> UserBalances {
    let fiat = FiatBalance {
        id: rng.uuid(),
        amount: format_amount(amount_of("eur"), 2),
        name: "eur".into(),
        rate: 1.0,
        iban: iban_ok.then(|| iban(&mut rng)),
        status: if iban_ok {
            FiatBalanceStatus::Active
        } else {
            FiatBalanceStatus::WaitingToBeActivated
        },
    };
    let crypto = CRYPTO
        .iter()
        .map(|(name, dec, rate, nets)| CryptoBalance {
            id: rng.uuid(),
            amount: format_amount(amount_of(name), *dec),
            name: (*name).into(),
            wallet: Some(wallet(&mut rng, name)),
            rate: *rate,
            network_config: nets
                .iter()
                .map(|(key, net, fee, min_w, min_d)| {
                    (
                        (*key).to_owned(),
                        NetworkConfig {
                            mainnet: false,
                            name: (*net).into(),
                            withdrawal: WithdrawalConfig {
                                fee_withdrawal: *fee,
                                min_withdrawal: *min_w,
                            },
                            deposit: DepositConfig {
                                min_deposit: *min_d,
                            },
                        },
                    )
                })
                .collect::<BTreeMap<_, _>>(),
        })
        .collect();
    UserBalances {
        fiat_balances: vec![fiat],
        crypto_balances: crypto,
    }
}

/// Amounts are kept in minor units (10^-decimals) so that sums are exact.
fn format_amount(minor: i128, decimals: usize) -> String {
    format_minor(minor, decimals as u32)
}

/// Adds `delta` minor units to the balance of `currency` in `b`; `Err` with what it holds when
/// that would take it below zero (nothing changed then).
pub fn adjust(b: &mut UserBalances, currency: Currency, delta: i128) -> Result<(), String> {
    let dec = currency.decimals();
    let slot = if currency == Currency::Eur {
        b.fiat_balances.iter_mut().map(|f| &mut f.amount).next()
    } else {
        b.crypto_balances
            .iter_mut()
            .find(|c| c.name == currency.as_str())
            .map(|c| &mut c.amount)
    };
    let Some(slot) = slot else {
        return Err(format!("0 {currency}"));
    };
    let held = parse_minor(slot, dec);
    if held + delta < 0 {
        return Err(format!("{} {currency}", format_minor(held, dec)));
    }
    *slot = format_minor(held + delta, dec);
    Ok(())
}

/// A balance's amount text in minor units.
fn parse_minor(text: &str, decimals: u32) -> i128 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    format!("{whole}{frac:0<width$}", width = decimals as usize)
        .parse()
        .unwrap_or(0)
}

struct SeededTx {
    tx: Transaction,
    minor: i128,
}

/// 8–40 transactions over the 90 days before activation, newest first. Deterministic per user
/// and activation time.
fn history(external_user_id: &str, activated_at: &str) -> Vec<SeededTx> {
    let Ok(end) = OffsetDateTime::parse(activated_at, &Rfc3339) else {
        return Vec::new();
    };
    let mut rng = Rng::for_user(external_user_id, 2);
    let count = 8 + rng.below(33) as usize;
    let currencies: Vec<&str> = currencies().collect();
    let mut out: Vec<SeededTx> = (0..count)
        .map(|_| {
            let currency = currencies[rng.below(currencies.len() as u64) as usize];
            let dec = decimals(currency).unwrap_or(2);
            // The seeded history predates exchanges: only the first five kinds.
            let kind = TransactionType::ALL[rng.below(5) as usize];
            let status = match rng.below(10) {
                0 => TransactionStatus::Failed,
                1 => TransactionStatus::Pending,
                _ => TransactionStatus::Completed,
            };
            // Amounts roughly worth 5–500 EUR, at a resolution the currency can hold.
            let eur_cents = 500 + rng.below(49_500) as i128;
            let rate = if currency == "eur" {
                1.0
            } else {
                CRYPTO.iter().find(|c| c.0 == currency).map_or(1.0, |c| c.2)
            };
            let units = (eur_cents as f64 / 100.0) / rate;
            let minor = ((units * 10f64.powi(dec as i32)).round() as i128).max(1);
            let at = end - Duration::seconds(rng.below(90 * 86_400) as i64);
            SeededTx {
                minor,
                tx: Transaction {
                    id: rng.uuid(),
                    created_at: at
                        .replace_nanosecond(0)
                        .unwrap_or(at)
                        .format(&Rfc3339)
                        .unwrap_or_default(),
                    kind,
                    status,
                    currency: currency.to_owned(),
                    amount: format_amount(minor, dec),
                    description: describe(kind, currency),
                },
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.tx.created_at
            .cmp(&a.tx.created_at)
            .then_with(|| a.tx.id.cmp(&b.tx.id))
    });
    out
}

fn describe(kind: TransactionType, currency: &str) -> String {
    let c = currency.to_uppercase();
    match kind {
        TransactionType::Deposit => format!("{c} deposit"),
        TransactionType::Withdrawal => format!("{c} withdrawal"),
        TransactionType::TransferIn => format!("{c} funding from partner"),
        TransactionType::TransferOut => format!("{c} collection to partner"),
        TransactionType::Fee => format!("{c} network fee"),
        TransactionType::ExchangeIn => format!("{c} bought in an exchange"),
        TransactionType::ExchangeOut => format!("{c} sold in an exchange"),
    }
}

/// Completed credits minus completed debits, per currency. A balance never goes below zero:
/// debits that would overdraw are left out of the total (and stay in the history as they are).
fn net_totals(external_user_id: &str, activated_at: &str) -> BTreeMap<&'static str, i128> {
    let mut totals: BTreeMap<&'static str, i128> = currencies().map(|c| (c, 0)).collect();
    let mut chronological = history(external_user_id, activated_at);
    chronological.reverse();
    for s in chronological
        .iter()
        .filter(|s| s.tx.status == TransactionStatus::Completed)
    {
        let Some((key, total)) = totals.iter_mut().find(|(k, _)| **k == s.tx.currency) else {
            continue;
        };
        let _ = key;
        if s.tx.kind.is_credit() {
            *total += s.minor;
        } else if *total >= s.minor {
            *total -= s.minor;
        }
    }
    totals
}

/// Why a history query was refused: P403 messages.
pub fn check_query(q: &TransactionQuery) -> Vec<String> {
    let mut errors = Vec::new();
    if q.page == Some(0) {
        errors.push("page must not be less than 1".to_owned());
    }
    if let Some(l) = q.limit
        && !(1..=100).contains(&l)
    {
        errors.push("limit must be between 1 and 100".to_owned());
    }
    if let Some(c) = &q.currency
        && decimals(c).is_none()
    {
        let all: Vec<_> = currencies().collect();
        errors.push(format!(
            "currency must be one of the following values: {}",
            all.join(", ")
        ));
    }
    let from = q.from.as_deref().map(parse_date);
    let to = q.to.as_deref().map(parse_date);
    if matches!(from, Some(None)) {
        errors.push("from must be a date written YYYY-MM-DD".to_owned());
    }
    if matches!(to, Some(None)) {
        errors.push("to must be a date written YYYY-MM-DD".to_owned());
    }
    if let (Some(Some(f)), Some(Some(t))) = (from, to)
        && f > t
    {
        errors.push("from must not be after to".to_owned());
    }
    errors
}

fn parse_date(s: &str) -> Option<Date> {
    p100::validate::parse_day(s)
}

/// One page of a user's history; an empty page before activation. The query must have passed
/// [`check_query`].
pub fn transactions(
    external_user_id: &str,
    activated_at: Option<&str>,
    moves: &[Transaction],
    q: &TransactionQuery,
) -> TransactionPage {
    let page = q.page.unwrap_or(1).max(1);
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let from = q.from.as_deref().and_then(parse_date);
    let to = q.to.as_deref().and_then(parse_date);
    let mut all: Vec<Transaction> = activated_at
        .map(|a| history(external_user_id, a))
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.tx)
        .chain(moves.iter().cloned())
        .collect();
    // Newest first; the moves were made after the seeded history.
    all.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    let matching: Vec<Transaction> = all
        .into_iter()
        .filter(|t| q.currency.as_deref().is_none_or(|c| t.currency == c))
        .filter(|t| q.kind.is_none_or(|k| t.kind == k))
        .filter(|t| q.status.is_none_or(|s| t.status == s))
        .filter(|t| {
            let d = t.created_at.get(..10).and_then(parse_date);
            from.is_none_or(|f| d.is_some_and(|d| d >= f))
                && to.is_none_or(|x| d.is_some_and(|d| d <= x))
        })
        .collect();
    let total = matching.len() as u32;
    let items = matching
        .into_iter()
        // In usize and saturating: a far page (up to u32::MAX) is empty, not an overflow panic.
        .skip((page as usize - 1).saturating_mul(limit as usize))
        .take(limit as usize)
        .collect();
    TransactionPage {
        items,
        page,
        limit,
        total,
        total_pages: total.div_ceil(limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: &str = "2026-06-01T12:00:00Z";

    #[test]
    fn ibans_have_valid_check_digits() {
        for id in ["a", "b", "user-42", "00000000-0000-4000-8000-000000000001"] {
            let iban = iban(&mut Rng::for_user(id, 1));
            assert_eq!(iban.len(), 20, "{iban}");
            let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
            let numeric: String = rearranged
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        c.to_string()
                    } else {
                        (c as u32 - 'A' as u32 + 10).to_string()
                    }
                })
                .collect();
            let rem = numeric
                .bytes()
                .fold(0u32, |acc, d| (acc * 10 + u32::from(d - b'0')) % 97);
            assert_eq!(rem, 1, "{iban}");
        }
    }

    #[test]
    fn balances_are_stable_and_have_documented_precisions() {
        let a = balances("user-1", Some("PL"), AT);
        assert_eq!(a, balances("user-1", Some("PL"), AT));
        assert_eq!(a.fiat_balances[0].status, FiatBalanceStatus::Active);
        assert!(
            a.fiat_balances[0]
                .iban
                .as_deref()
                .is_some_and(|i| i.starts_with("LT"))
        );
        for c in &a.crypto_balances {
            let dec = c.amount.split('.').nth(1).map_or(0, str::len);
            assert_eq!(
                dec,
                Currency::parse(&c.name).unwrap().decimals() as usize,
                "{}: {}",
                c.name,
                c.amount
            );
            assert!(!c.amount.starts_with('-'));
        }
        let no_iban = balances("user-1", Some("US"), AT);
        assert_eq!(no_iban.fiat_balances[0].iban, None);
        assert_eq!(
            no_iban.fiat_balances[0].status,
            FiatBalanceStatus::WaitingToBeActivated
        );
    }

    #[test]
    fn a_far_page_is_empty_not_an_overflow() {
        let q = TransactionQuery {
            page: Some(u32::MAX),
            limit: Some(100),
            ..Default::default()
        };
        let far = transactions("user-1", Some(AT), &[], &q);
        assert!(far.items.is_empty());
        assert_eq!(far.page, u32::MAX);
    }

    #[test]
    fn paging_and_filters() {
        let q = TransactionQuery {
            limit: Some(5),
            ..Default::default()
        };
        let first = transactions("user-1", Some(AT), &[], &q);
        assert!(first.total >= 8);
        assert_eq!(first.items.len(), 5);
        assert_eq!(first.total_pages, first.total.div_ceil(5));
        let all = transactions(
            "user-1",
            Some(AT),
            &[],
            &TransactionQuery {
                limit: Some(100),
                ..Default::default()
            },
        );
        assert!(
            all.items
                .windows(2)
                .all(|w| w[0].created_at >= w[1].created_at),
            "newest first"
        );
        let eur = transactions(
            "user-1",
            Some(AT),
            &[],
            &TransactionQuery {
                currency: Some("eur".into()),
                limit: Some(100),
                ..Default::default()
            },
        );
        assert!(eur.items.iter().all(|t| t.currency == "eur"));
        assert_eq!(
            transactions("user-1", None, &[], &q).total,
            0,
            "no history before activation"
        );
        assert!(
            !check_query(&TransactionQuery {
                limit: Some(500),
                ..Default::default()
            })
            .is_empty()
        );
        assert!(
            !check_query(&TransactionQuery {
                from: Some("2026-13-01".into()),
                ..Default::default()
            })
            .is_empty()
        );
    }
}
