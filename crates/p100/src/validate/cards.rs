//! The rules of card bodies (REFERENCE-user-money.md §2): the label, the PIN, the limits, and
//! the countries whose users may have a card. The sandbox runs them on what it received; the
//! desk and the client before anything is sent.

use crate::FieldError;
use crate::models::CardLimits;

/// The user countries (ISO alpha-2) that may have a virtual card: the 27 EU states (G0-new).
pub const CARD_COUNTRIES: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Cards a user may hold at once (deleted ones do not count).
pub const MAX_LIVE_CARDS: usize = 10;
/// Cards a user may create: 5 in any 24 hours, 10 in any 30 days, 20 in any 365 days (rolling
/// windows; P100 does not say which kind).
pub const CARD_WINDOWS: [(u32, usize); 3] = [(1, 5), (30, 10), (365, 20)];
/// The highest limit the sandbox takes, in euros (P100 publishes none).
pub const MAX_LIMIT: f64 = 1_000_000.0;

/// Whether a user whose profile says `country` may have a card (P451 otherwise).
pub fn card_country(country: Option<&str>) -> bool {
    country.is_some_and(|c| CARD_COUNTRIES.contains(&c.to_ascii_uppercase().as_str()))
}

/// The label: 3 to 30 characters, not only spaces.
pub fn label(v: &str, errors: &mut Vec<FieldError>) {
    if !(3..=30).contains(&v.chars().count()) {
        errors.push(FieldError::new("label", "label must be 3 to 30 characters"));
    } else if v.trim().is_empty() {
        errors.push(FieldError::new("label", "label must not be only spaces"));
    }
}

/// A PIN: exactly 4 digits.
pub fn pin(v: &str, errors: &mut Vec<FieldError>) {
    if v.len() != 4 || !v.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(FieldError::new("pin", "pin must be exactly 4 digits"));
    }
}

/// The six limits: each a number of euros from 0 to [`MAX_LIMIT`] with at most 2 decimals, and
/// each daily limit at most its monthly one.
pub fn limits(l: &CardLimits, errors: &mut Vec<FieldError>) {
    for (name, v) in l.named() {
        if !v.is_finite() || !(0.0..=MAX_LIMIT).contains(&v) {
            errors.push(FieldError::new(
                name,
                format!("{name} must be between 0 and {MAX_LIMIT:.0}"),
            ));
        } else if ((v * 100.0).round() - v * 100.0).abs() > 1e-6 {
            errors.push(FieldError::new(
                name,
                format!("{name} can have at most 2 decimal places"),
            ));
        }
    }
    for (daily, monthly, d, m) in [
        (
            "dailyTrxAll",
            "monthlyTrxAll",
            l.daily_trx_all,
            l.monthly_trx_all,
        ),
        (
            "dailyTrxAtm",
            "monthlyTrxAtm",
            l.daily_trx_atm,
            l.monthly_trx_atm,
        ),
        (
            "dailyTrxEcom",
            "monthlyTrxEcom",
            l.daily_trx_ecom,
            l.monthly_trx_ecom,
        ),
    ] {
        if d > m {
            errors.push(FieldError::new(
                daily,
                format!("{daily} must not be more than {monthly}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(f: impl FnOnce(&mut Vec<FieldError>)) -> Vec<String> {
        let mut errors = Vec::new();
        f(&mut errors);
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn labels_pins_and_countries() {
        assert!(fields(|e| label("Shopping", e)).is_empty());
        assert_eq!(fields(|e| label("ab", e)), ["label"]);
        assert_eq!(fields(|e| label(&"x".repeat(31), e)), ["label"]);
        assert_eq!(fields(|e| label("    ", e)), ["label"]);
        assert!(fields(|e| pin("0123", e)).is_empty());
        for bad in ["123", "12345", "12a4", "١٢٣٤"] {
            assert_eq!(fields(|e| pin(bad, e)), ["pin"], "{bad}");
        }
        assert!(card_country(Some("pl")));
        assert!(!card_country(Some("GB")));
        assert!(!card_country(None));
    }

    #[test]
    fn limits_are_bounded_in_cents_and_daily_within_monthly() {
        assert!(fields(|e| limits(&CardLimits::NEW_CARD, e)).is_empty());
        let bad = CardLimits {
            daily_trx_all: 20_000.0,
            monthly_trx_atm: -1.0,
            daily_trx_ecom: 10.001,
            ..CardLimits::NEW_CARD
        };
        assert_eq!(
            fields(|e| limits(&bad, e)),
            // dailyTrxAtm: its monthly limit is now below it.
            [
                "monthlyTrxAtm",
                "dailyTrxEcom",
                "dailyTrxAll",
                "dailyTrxAtm"
            ]
        );
    }
}
