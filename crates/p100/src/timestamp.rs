//! Timestamps as the desk and the sandbox store them.

use time::OffsetDateTime;
use time::macros::format_description;

/// UTC now as RFC 3339 with exactly three fraction digits (`2026-11-26T01:55:00.120Z`).
/// Fixed width matters: these strings are sorted as text, and RFC 3339 formatters drop trailing
/// zeros (`…:00Z` would sort after `…:00.123Z`).
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_default()
}

/// Reads an RFC 3339 timestamp (any offset); `None` when it is not one.
pub fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_width_sorts_as_time() {
        let whole = format(datetime!(2026-11-26 01:55:00 UTC));
        let later = format(datetime!(2026-11-26 01:55:00.123 UTC));
        let tenth = format(datetime!(2026-11-26 01:55:00.12 UTC));
        assert_eq!(whole, "2026-11-26T01:55:00.000Z");
        assert_eq!(tenth, "2026-11-26T01:55:00.120Z");
        assert!(whole < tenth && tenth < later);
    }
}
