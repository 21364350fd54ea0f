//! Cron monitor schedules given to `#[monitored(check_in(...))]`.

/// The units Sentry accepts for an interval schedule, as the SDK's enum names them.
pub const UNITS: &[(&str, &str)] = &[
    ("minute", "Minute"),
    ("hour", "Hour"),
    ("day", "Day"),
    ("week", "Week"),
    ("month", "Month"),
    ("year", "Year"),
];

/// Parses `"10 minutes"` into `(10, "Minute")`.
pub fn parse_interval(text: &str) -> Option<(u64, &'static str)> {
    let mut words = text.split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    let unit = words.next()?.to_ascii_lowercase();
    if words.next().is_some() || value == 0 {
        return None;
    }
    let unit = unit.strip_suffix('s').unwrap_or(&unit);
    UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, variant)| (value, *variant))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("10 minutes"), Some((10, "Minute")));
        assert_eq!(parse_interval("1 day"), Some((1, "Day")));
        assert_eq!(parse_interval("0 days"), None);
        assert_eq!(parse_interval("ten days"), None);
        assert_eq!(parse_interval("3 fortnights"), None);
    }
}
