//! Dates and durations as real feeds write them.
//!
//! Dates: RFC 822 in every variant hosts write (weekday or not, one- or
//! two-digit days, full or short month names, two- or four-digit years,
//! seconds or not, numeric or named zones, `+05:30` with a colon), and
//! RFC 3339 / ISO 8601. Durations: seconds, `MM:SS`, `H:MM:SS`, with or
//! without a fraction (minutes may exceed 59, as hosts write `75:30`).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

/// A parsed publication date, and whether it needed a lenient reading
/// (`Some(why)`) rather than strict RFC 2822.
pub fn parse_date(text: &str) -> Option<(DateTime<FixedOffset>, Option<String>)> {
    let text = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc2822(text) {
        // chrono reads a two-digit year as given; RFC 822 means 19xx/20xx.
        if !two_digit_year(text) {
            return Some((d, None));
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some((d, Some("an ISO 8601 date instead of RFC 822".into())));
    }
    lenient(text).map(|(d, why)| (d, Some(why)))
}

fn two_digit_year(text: &str) -> bool {
    let words: Vec<&str> = text.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    words
        .iter()
        .position(|w| month(w).is_some())
        .and_then(|i| words.get(i + 1))
        .is_some_and(|y| y.len() <= 2 && y.bytes().all(|b| b.is_ascii_digit()))
}

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if w == "sept" {
        return Some(9);
    }
    let found = NAMES.iter().position(|m| m.starts_with(&w))?;
    Some(found as u32 + 1)
}

/// Hours east of UTC of the zone names hosts write.
fn zone(word: &str) -> Option<i32> {
    let w = word.trim_matches(|c| c == '(' || c == ')');
    if let Some(sign) = w.strip_prefix(['+', '-']).map(|_| &w[..1]) {
        let digits: String = w[1..].chars().filter(|c| *c != ':').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() || digits.len() > 4 {
            return None;
        }
        let (h, m) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            3 => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
            _ => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        };
        let seconds = h * 3600 + m * 60;
        return Some(if sign == "-" { -seconds } else { seconds });
    }
    let hours = match w.to_ascii_uppercase().as_str() {
        "GMT" | "UT" | "UTC" | "Z" | "WET" => 0,
        "BST" | "CET" | "WEST" | "MEZ" => 1,
        "CEST" | "EET" | "MESZ" | "SAST" => 2,
        "EEST" | "MSK" => 3,
        "IST" => return Some(5 * 3600 + 1800),
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "NZDT" => 13,
        "EDT" | "AST" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        "AKST" => -9,
        "HST" => -10,
        _ => return None,
    };
    Some(hours * 3600)
}

/// Reads the words of a date in any order hosts put them.
fn lenient(text: &str) -> Option<(DateTime<FixedOffset>, String)> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let (mut day, mut mon, mut year, mut time, mut offset) = (None, None, None, None, None);
    let mut notes = Vec::new();
    for w in &words {
        if w.contains(':') && w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            let parts: Vec<u32> = w
                .split(':')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            time = Some(match parts[..] {
                [h, m] => (h, m, 0),
                [h, m, s] => (h, m, s.min(59)),
                _ => return None,
            });
        } else if let Some(m) = mon.is_none().then(|| month(w)).flatten() {
            mon = Some(m);
        } else if w.bytes().all(|b| b.is_ascii_digit()) {
            let n: i32 = w.parse().ok()?;
            if w.len() <= 2 && day.is_none() {
                day = Some(n as u32);
            } else if year.is_none() {
                year = Some(match w.len() {
                    1 | 2 => {
                        notes.push("a two-digit year");
                        if n < 50 {
                            2000 + n
                        } else {
                            1900 + n
                        }
                    }
                    3 => 1900 + n,
                    _ => n,
                });
            }
        } else if let Some(z) = zone(w) {
            offset = Some(z);
        }
    }
    let date = NaiveDate::from_ymd_opt(year?, mon?, day?)?;
    let (h, m, s) = time.unwrap_or_else(|| {
        notes.push("no time of day (midnight used)");
        (0, 0, 0)
    });
    let naive = date.and_hms_opt(h, m, s)?;
    let offset = offset.unwrap_or_else(|| {
        notes.push("no known time zone (UTC used)");
        0
    });
    let zone = FixedOffset::east_opt(offset)?;
    let instant = zone.from_local_datetime(&naive).single()?;
    if notes.is_empty() {
        notes.push("not strict RFC 822");
    }
    Some((instant, notes.join(", ")))
}

/// A duration in seconds: `3723`, `62:03`, `1:02:03`, each with an
/// optional fraction; `None` for anything else (or a negative time).
pub fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total = 0.0;
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let ok = !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (last && b == b'.'));
        if !ok {
            return None;
        }
        total = total * 60.0 + part.parse::<f64>().ok()?;
    }
    total.is_finite().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        parse_date(text).unwrap().0.to_rfc3339()
    }

    #[test]
    fn every_rfc_822_variant_hosts_write() {
        assert_eq!(
            utc("Tue, 02 Jun 2020 10:00:00 -0400"),
            "2020-06-02T10:00:00-04:00"
        );
        assert!(parse_date("Tue, 02 Jun 2020 10:00:00 -0400")
            .unwrap()
            .1
            .is_none());
        assert_eq!(utc("2 Jun 2020 10:00:00 GMT"), "2020-06-02T10:00:00+00:00");
        assert_eq!(utc("Tue, 2 Jun 20 10:00 EDT"), "2020-06-02T10:00:00-04:00");
        assert_eq!(
            utc("Tue, 02 Jun 99 10:00:00 PST"),
            "1999-06-02T10:00:00-08:00"
        );
        assert_eq!(
            utc("Tuesday, 02 June 2020 10:00:00 +05:30"),
            "2020-06-02T10:00:00+05:30"
        );
        assert_eq!(
            utc("Wed, 3 Sept 2014 07:00:00 CEST"),
            "2014-09-03T07:00:00+02:00"
        );
        assert_eq!(utc("2020-06-02T10:00:00Z"), "2020-06-02T10:00:00+00:00");
        assert_eq!(
            utc("Jun 2, 2020 10:00:00 +0000"),
            "2020-06-02T10:00:00+00:00"
        );
        assert_eq!(utc("02 Jun 2020"), "2020-06-02T00:00:00+00:00");
        assert!(parse_date("soon").is_none());
        assert!(parse_date("").is_none());
    }

    #[test]
    fn durations_as_hosts_write_them() {
        assert_eq!(parse_duration("3723"), Some(3723.0));
        assert_eq!(parse_duration("62:03"), Some(3723.0));
        assert_eq!(parse_duration("1:02:03"), Some(3723.0));
        assert_eq!(parse_duration("01:02:03.5"), Some(3723.5));
        assert_eq!(parse_duration("75:30"), Some(4530.0));
        assert_eq!(parse_duration(" 45 "), Some(45.0));
        for bad in ["", "1h2m", "1:2:3:4", "-5", "a:b", "1.5:00"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
