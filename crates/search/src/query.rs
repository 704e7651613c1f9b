//! The query language on top of tantivy's: words, "phrases", AND/OR/NOT
//! (and `+`/`-`), fields (`title:`, `outlet:`, `entity:`, `speaker:`,
//! `quote:`, `text:`), and date ranges written the way people write dates:
//!
//! - `date:2025-07-08` (one day), `date:2025-07` (a month), `date:2025` (a year);
//! - `date:2025-07-01..2025-07-31`, `date:2025-07..` (open end), `date:..2025-06`;
//! - `date:>=2025-07-01`, `date:>2025-07`, `date:<2025`, `date:<=2025-07-08`.
//!
//! Date terms are rewritten into ranges over the `day` field (days since
//! 1970-01-01) before tantivy parses the rest.

use chrono::{Datelike, NaiveDate};
use once_cell::sync::Lazy;
use regex::Regex;

/// Days since 1970-01-01 of a calendar date.
pub fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch")).num_days()
}

/// The calendar date of a day number.
pub fn day_date(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::try_days(day)?)
}

/// `YYYY-MM-DD` of a day number.
pub fn day_label(day: i64) -> String {
    use chrono::Datelike;
    let Some(d) = day_date(day) else {
        return String::new();
    };
    let y = d.year();
    if !(0..=9999).contains(&y) {
        return d.format("%Y-%m-%d").to_string();
    }
    // Written digit by digit: attention series label thousands of days per
    // query, and `format!` cost several times the date arithmetic.
    let (m, dd) = (d.month() as u8, d.day() as u8);
    let y = y as u16;
    let b = [
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + m / 10,
        b'0' + m % 10,
        b'-',
        b'0' + dd / 10,
        b'0' + dd % 10,
    ];
    String::from_utf8_lossy(&b).into_owned()
}

/// The first and last day of a period written `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD` (a prefix of an ISO date, as stored in `published`).
pub fn period(s: &str) -> Option<(i64, i64)> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 4)
            .then(|| p.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y)? as i32;
            Some((
                day_number(NaiveDate::from_ymd_opt(y, 1, 1)?),
                day_number(NaiveDate::from_ymd_opt(y, 12, 31)?),
            ))
        }
        [y, m] if y.len() == 4 => {
            let (y, m) = (num(y)? as i32, num(m)?);
            let first = NaiveDate::from_ymd_opt(y, m, 1)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)?
            };
            Some((day_number(first), day_number(next) - 1))
        }
        [y, m, d] if y.len() == 4 => {
            let d = NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)?;
            Some((day_number(d), day_number(d)))
        }
        _ => None,
    }
}

/// A date value as the start of a published date (`YYYY-MM-DD` or any
/// prefix of it); anything else is `None`.
pub fn published_day(published: &str) -> Option<i64> {
    let s = published.get(..10).unwrap_or(published);
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    // Years outside this range are typos or placeholders, not news dates.
    (1800..=2200).contains(&d.year()).then(|| day_number(d))
}

/// An inclusive range of day numbers; `None` ends are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// Parse the value of a `date:` term into a range.
pub fn parse_date_value(v: &str) -> Option<DayRange> {
    let v = v.trim();
    if let Some((a, b)) = v.split_once("..") {
        let from = if a.is_empty() {
            None
        } else {
            Some(period(a)?.0)
        };
        let to = if b.is_empty() {
            None
        } else {
            Some(period(b)?.1)
        };
        if from.is_none() && to.is_none() {
            return None;
        }
        return Some(DayRange { from, to });
    }
    if let Some(x) = v.strip_prefix(">=") {
        return Some(DayRange {
            from: Some(period(x)?.0),
            to: None,
        });
    }
    if let Some(x) = v.strip_prefix("<=") {
        return Some(DayRange {
            from: None,
            to: Some(period(x)?.1),
        });
    }
    if let Some(x) = v.strip_prefix('>') {
        return Some(DayRange {
            from: Some(period(x)?.1 + 1),
            to: None,
        });
    }
    if let Some(x) = v.strip_prefix('<') {
        return Some(DayRange {
            from: None,
            to: Some(period(x)?.0 - 1),
        });
    }
    let (a, b) = period(v)?;
    Some(DayRange {
        from: Some(a),
        to: Some(b),
    })
}

fn range_syntax(r: DayRange) -> String {
    match (r.from, r.to) {
        (Some(a), Some(b)) => format!("day:[{a} TO {b}]"),
        (Some(a), None) => format!("day:>={a}"),
        (None, Some(b)) => format!("day:<={b}"),
        (None, None) => String::new(),
    }
}

static DATE_TERM: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"(?i)(^|[\s(+\-])(date|published):([^\s()"]+)"#).expect("valid regex")
});

/// Rewrite `date:` terms into `day` ranges; a date term that does not parse
/// is reported and dropped, so the rest of the query still runs.
pub fn rewrite_dates(q: &str) -> (String, Vec<String>) {
    let mut warnings = Vec::new();
    let out = DATE_TERM
        .replace_all(q, |c: &regex::Captures| {
            let lead = &c[1];
            match parse_date_value(&c[3]) {
                Some(r) => format!("{lead}{}", range_syntax(r)),
                None => {
                    warnings.push(format!("date term `{}:{}` not understood: write date:YYYY-MM-DD, date:YYYY-MM, date:A..B or date:>=A", &c[2], &c[3]));
                    lead.to_string()
                }
            }
        })
        .into_owned();
    (out, warnings)
}

static NOT_OP: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(^|\s)(?:AND\s+)?NOT\s+").expect("valid regex"));

/// Write `NOT x` and `AND NOT x` as `-x`, the form tantivy reads as
/// exclusion; text inside quotes is left alone.
pub fn rewrite_not(q: &str) -> String {
    q.split('"')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                NOT_OP.replace_all(part, "$1-").into_owned()
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_becomes_exclusion_outside_quotes() {
        assert_eq!(rewrite_not("ceasefire AND NOT Doha"), "ceasefire -Doha");
        assert_eq!(rewrite_not("NOT x OR y"), "-x OR y");
        assert_eq!(rewrite_not("\"do NOT enter\" NOT z"), "\"do NOT enter\" -z");
        assert_eq!(rewrite_not("KNOT tying"), "KNOT tying");
    }

    #[test]
    fn periods_cover_whole_days_months_and_years() {
        let (a, b) = period("2025-02").unwrap();
        assert_eq!(b - a + 1, 28);
        let (a, b) = period("2024").unwrap();
        assert_eq!(b - a + 1, 366);
        assert_eq!(day_label(period("2025-07-08").unwrap().0), "2025-07-08");
        assert!(period("2025-13").is_none());
        assert!(period("July").is_none());
        assert!(period("2025-02-30").is_none());
    }

    #[test]
    fn date_terms_become_day_ranges() {
        let d = |s: &str| period(s).unwrap();
        let (q, w) = rewrite_dates("ceasefire date:2025-07-01..2025-07-31 AND outlet:reuters");
        assert!(w.is_empty());
        assert_eq!(
            q,
            format!(
                "ceasefire day:[{} TO {}] AND outlet:reuters",
                d("2025-07-01").0,
                d("2025-07-31").1
            )
        );
        let (q, _) = rewrite_dates("date:>=2025-07");
        assert_eq!(q, format!("day:>={}", d("2025-07").0));
        let (q, _) = rewrite_dates("talks -date:<2025");
        assert_eq!(q, format!("talks -day:<={}", d("2025").0 - 1));
        let (q, _) = rewrite_dates("date:..2025-06");
        assert_eq!(q, format!("day:<={}", d("2025-06").1));
    }

    #[test]
    fn unreadable_dates_are_reported_not_fatal() {
        let (q, w) = rewrite_dates("hostages date:yesterday");
        assert_eq!(q.trim(), "hostages");
        assert_eq!(w.len(), 1);
        // A word that merely contains "date:" inside a phrase is left alone.
        let (q, w) = rewrite_dates("\"update:now\"");
        assert_eq!(q, "\"update:now\"");
        assert!(w.is_empty());
    }

    #[test]
    fn published_dates_parse_with_or_without_time() {
        assert_eq!(
            published_day("2025-07-08T10:00:00Z"),
            published_day("2025-07-08")
        );
        assert!(published_day("0001-01-01").is_none());
        assert!(published_day("soon").is_none());
        assert!(published_day("2025-07-0é").is_none());
    }
}
