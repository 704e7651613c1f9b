//! Time expressions (TIMEX3 types and values) and the publication date.
//!
//! Recognition is rule-based over the conventions of news writing: full
//! dates ("Oct. 7, 2023", "7 October 2023", "2025-03-13"), month-day and
//! month mentions ("Oct. 7", "mid-January"), years, weekdays ("on Tuesday",
//! "Monday night"), deictic expressions ("last week", "earlier this month",
//! "over the weekend", "yesterday"), vague references ("in recent weeks",
//! "in the coming days"), durations ("60-day", "six-week", "15 months") and
//! sets ("every day", "daily"). Each match is parsed into a [`Parsed`]
//! meaning first; values are computed afterwards against the anchor date.
//!
//! The anchor is `doc.published`. When the metadata gave none, the date is
//! estimated from the text ([`estimate_date`]): the latest fully dated
//! reference in past context, pushed later by durations counted from a dated
//! event ("the 15-month war" after "Oct. 7, 2023") and by month names in
//! past-tense context after that date. Without any dated evidence, relative
//! expressions keep `X` placeholders (`XXXX-WXX-2`, `XXXX-10-07`).
//!
//! Whether a weekday or a month without a year lies before or after the
//! anchor is read from the nearest tense cue around the mention ("said on
//! Monday" -> past; "scheduled for Tuesday" -> future).

use chrono::{Datelike, Duration as Delta, Months, NaiveDate, Weekday};
use dossier_model::{DateEstimate, Document, TimeExpr, TimeType};
use once_cell::sync::Lazy;
use regex::Regex;

use crate::calendar::{self, capitalized_alternation};
use crate::figures::{parse_number, NUMBER_WORDS};

#[path = "times_eval.rs"]
pub mod eval;

/// Units of time used by durations, offsets and sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
}

impl Unit {
    fn parse(w: &str) -> Option<Unit> {
        let w = w.to_ascii_lowercase();
        let w = w.trim_end_matches('s');
        Some(match w {
            "second" => Unit::Second,
            "minute" => Unit::Minute,
            "hour" => Unit::Hour,
            "day" | "night" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            "year" => Unit::Year,
            "decade" => Unit::Decade,
            "century" | "centurie" => Unit::Century,
            _ => return None,
        })
    }
    fn code(self) -> &'static str {
        match self {
            Unit::Second => "S",
            Unit::Minute => "M",
            Unit::Hour => "H",
            Unit::Day => "D",
            Unit::Week => "W",
            Unit::Month => "M",
            Unit::Year => "Y",
            Unit::Decade => "DE",
            Unit::Century => "CE",
        }
    }
    fn is_clock(self) -> bool {
        matches!(self, Unit::Second | Unit::Minute | Unit::Hour)
    }
}

/// The meaning of one time expression before it is resolved against the
/// document date.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A full calendar date.
    Date(NaiveDate),
    YearMonth(i32, u32),
    Year(i32),
    /// The first three digits of a decade ("1990s" -> 199).
    Decade(i32),
    /// TIMEX3 century value ("21st century" -> 20).
    Century(i32),
    /// Month and day without a year.
    MonthDay(u32, u32),
    /// A month without a year; the day is where the mention starts within
    /// the month (1 plain/early, 11 mid, 21 late). `shift` is -1 for "last",
    /// +1 for "next", 0 otherwise.
    Month {
        month: u32,
        day: u32,
        shift: i32,
    },
    /// A weekday, with an optional part of day (`MO`, `AF`, `EV`, `NI`) and
    /// an explicit direction (-1 "last", +1 "next", 0 from tense).
    Weekday {
        day: Weekday,
        part: Option<&'static str>,
        shift: i32,
    },
    /// Today plus an offset in days, with an optional part of day.
    Day {
        offset: i64,
        part: Option<&'static str>,
    },
    /// This week plus an offset.
    Week(i64),
    /// A weekend: 0 = the one the tense points to, -1 last, +1 next.
    Weekend(i32),
    Month0(i64),
    Year0(i64),
    /// The last day of the anchor's year, or of the year before when the
    /// context looks back ("since year-end").
    YearEnd,
    /// A month of the anchor's year plus an offset ("June last year").
    MonthOfYear0 {
        month: u32,
        k: i64,
    },
    /// Quarter of the anchor year.
    Quarter(u32),
    /// A holiday with a fixed rule in the Gregorian calendar, of a given
    /// year, or the one before (-1), after (+1) or nearest by tense (0).
    Holiday {
        day: Holiday,
        year: Option<i32>,
        shift: i32,
    },
    /// A season (`SP`, `SU`, `FA`, `WI`): of a given year, or the one
    /// before (-1, "last summer"), around (0, "this summer") or after (+1,
    /// "next spring") the anchor.
    Season {
        code: &'static str,
        year: Option<i32>,
        shift: i32,
    },
    /// A time told relative to the one the narrative last named, not to
    /// the publication date: "that day" (0), "the following month" (+1),
    /// "the previous year" (-1), "the next morning" (+1 day, `MO`).
    Narrative {
        unit: Unit,
        k: i64,
        part: Option<&'static str>,
    },
    /// The anchor's quarter plus an offset ("the latest quarter" -1, "the
    /// current quarter" 0, "the year-ago quarter" -5).
    Quarter0(i64),
    /// n units before (negative) or after the anchor; None for "several".
    Offset(Option<f64>, Unit, i32),
    /// `PAST_REF`, `PRESENT_REF`, `FUTURE_REF`.
    Ref(&'static str),
    /// A length of time; None for an unspecified number ("for weeks").
    Duration(Option<f64>, Unit),
    /// A recurring time: a unit, or a weekday.
    Set(Unit),
    SetWeekday(Weekday),
    /// Clock time on the anchor's day.
    Clock(u32, u32),
    /// Clock time on a named day ("9 a.m. Tuesday", "Nov. 9 at 5 p.m.").
    At {
        day: Box<Parsed>,
        h: u32,
        m: u32,
    },
}

/// One recognized time expression before resolution.
#[derive(Debug, Clone)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub parsed: Parsed,
    /// True when the context points after the document date.
    pub future: bool,
    /// True when a tense cue or an explicit "last"/"next" decided `future`;
    /// otherwise a date without a year or week resolves to the nearest
    /// occurrence.
    pub cued: bool,
}

/// Hyphens as news text writes them: ASCII, U+2010, non-breaking U+2011.
const HY: &str = "[-\u{2010}\u{2011}]";

fn month_re() -> String {
    let full = capitalized_alternation(&calendar::MONTHS);
    let abbr = capitalized_alternation(&calendar::MONTH_ABBREVIATIONS);
    format!(r"(?:\b(?:{full})\b|\b(?:{abbr})\.)")
}

/// A number under 100 written as a word, with its ones after a hyphen
/// ("ninety", "six"): 96.
fn spelled_below_100(word: &str, ones: Option<&str>) -> Option<i32> {
    let n = parse_number(&word.to_ascii_lowercase())? as i32;
    let o = match ones {
        Some(o) => parse_number(&o.to_ascii_lowercase())? as i32,
        None => 0,
    };
    (n < 100 && o < 10 && (o == 0 || n % 10 == 0)).then_some(n + o)
}

/// A year, or a month of it when a month name was matched before it
/// ("January nineteen ninety-seven").
fn year_in_month(y: i32, month: Option<regex::Match>) -> Option<Parsed> {
    Some(match month {
        Some(m) => Parsed::YearMonth(y, month_num(m.as_str())?),
        None => Parsed::Year(y),
    })
}

fn month_num(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    let m = match s.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn weekday_of(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn part_of_day(s: &str) -> Option<&'static str> {
    match s.to_ascii_lowercase().as_str() {
        "morning" => Some("MO"),
        "afternoon" => Some("AF"),
        "evening" => Some("EV"),
        "night" => Some("NI"),
        _ => None,
    }
}

fn shift_word(s: Option<&str>) -> i32 {
    match s.map(|s| s.to_ascii_lowercase()) {
        Some(w) if w == "last" || w == "past" || w == "previous" => -1,
        Some(w) if w == "next" || w == "coming" => 1,
        _ => 0,
    }
}

fn num_group() -> String {
    format!(r"(?:\d[\d,]*(?:\.\d+)?|{NUMBER_WORDS}|an?|several|a few|a couple of|many)")
}

fn num_value(s: &str) -> Option<Option<f64>> {
    let l = s.trim().to_ascii_lowercase();
    match l.as_str() {
        "several" | "a few" | "many" => Some(None),
        "a couple of" => Some(Some(2.0)),
        _ => parse_number(&l).map(Some),
    }
}

type Handler = fn(&regex::Captures, &str) -> Option<Parsed>;

struct Rule {
    re: Regex,
    handle: Handler,
    /// The rule was written case-insensitive (`(?i)` for the whole
    /// pattern): it runs without the flag on the text in ASCII lower case,
    /// which keeps byte offsets and lets the regex engine skip ahead to its
    /// literal words instead of stepping through every byte.
    lower: bool,
}

fn date_ok(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

static RULES: Lazy<Vec<Rule>> = Lazy::new(|| {
    let mon = month_re();
    let weekdays = capitalized_alternation(&calendar::WEEKDAYS);
    let num = num_group();
    let mut rules: Vec<Rule> = Vec::new();
    let mut add = |pat: String, handle: Handler| {
        let (pat, lower) = match pat.strip_prefix("(?i)") {
            Some(rest) => (rest.to_string(), true),
            None => (pat, false),
        };
        rules.push(Rule {
            re: crate::regex(&pat),
            handle,
            lower,
        });
    };
    // 2025-03-13
    add(r"\b(\d{4})-(\d{2})-(\d{2})\b".into(), |c, _| {
        date_ok(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?).map(Parsed::Date)
    });
    // Oct. 7, 2023 / October 7 2023
    add(
        format!(r"(?P<m>{mon})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b"),
        |c, _| {
            date_ok(
                c["y"].parse().ok()?,
                month_num(&c["m"])?,
                c["d"].parse().ok()?,
            )
            .map(Parsed::Date)
        },
    );
    // 7 October 2023
    add(
        format!(
            r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{mon}),?\s+(?P<y>\d{{4}})\b"
        ),
        |c, _| {
            date_ok(
                c["y"].parse().ok()?,
                month_num(&c["m"])?,
                c["d"].parse().ok()?,
            )
            .map(Parsed::Date)
        },
    );
    // Oct. 7
    add(
        format!(r"(?P<m>{mon})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"),
        |c, _| {
            let (m, d) = (month_num(&c["m"])?, c["d"].parse().ok()?);
            date_ok(2000, m, d).map(|_| Parsed::MonthDay(m, d))
        },
    );
    // 7 October
    add(
        format!(r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{mon})"),
        |c, _| {
            let (m, d) = (month_num(&c["m"])?, c["d"].parse().ok()?);
            date_ok(2000, m, d).map(|_| Parsed::MonthDay(m, d))
        },
    );
    // (early) March 2025
    add(
        format!(
            r"(?i:\b(?P<p>early|mid|late){HY}?\s*)?(?P<m>{mon}),?\s+(?:of\s+)?(?P<y>\d{{4}})\b"
        ),
        |c, _| {
            let y: i32 = c["y"].parse().ok()?;
            let m = month_num(&c["m"])?;
            (1000..2200).contains(&y).then_some(Parsed::YearMonth(y, m))
        },
    );
    // (in) June last year, January this year, March of next year
    add(
        format!(
            r"(?i:\b(?:early|mid|late){HY}?\s*)?(?P<m>{mon}),?\s+(?i:of\s+)?(?P<s>(?i:last|this|next))\s+(?i:year)\b"
        ),
        |c, _| {
            let k = match c["s"].to_ascii_lowercase().as_str() {
                "last" => -1,
                "next" => 1,
                _ => 0,
            };
            Some(Parsed::MonthOfYear0 {
                month: month_num(&c["m"])?,
                k,
            })
        },
    );
    // mid-January / early March / last November / in May
    add(
        format!(r"(?i:\b(?P<p>early|mid|late|last|next|this)(?:{HY}|\s+))?(?P<m>{mon})"),
        |c, text| {
            let m = month_num(&c["m"])?;
            let p = c.name("p").map(|p| p.as_str().to_ascii_lowercase());
            let whole = c.get(0)?;
            if p.is_none() {
                // A bare month name needs a preposition before it: "in May",
                // "since November" (otherwise "May" the verb, "March" the walk).
                let before = text[..whole.start()].trim_end();
                let prev = before
                    .rsplit(|ch: char| !ch.is_alphabetic())
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if !matches!(
                    prev.as_str(),
                    "in" | "since"
                        | "by"
                        | "until"
                        | "till"
                        | "through"
                        | "during"
                        | "from"
                        | "before"
                        | "after"
                        | "of"
                        | "to"
                        | "and"
                        | "or"
                        | "between"
                        | "mid"
                        | "for"
                        | "throughout"
                ) {
                    return None;
                }
            }
            let (day, shift) = match p.as_deref() {
                Some("mid") => (11, 0),
                Some("late") => (21, 0),
                Some("last") => (1, -1),
                Some("next") => (1, 1),
                _ => (1, 0),
            };
            Some(Parsed::Month {
                month: m,
                day,
                shift,
            })
        },
    );
    // Years after a preposition: "in 2023", "since 1998", "fiscal 1989".
    add(r"(?i:\b(?:in|since|by|until|through|during|from|before|after|of|fiscal|early|late|mid|to|and|between|for)(?:\s+|-))(?P<y>(?:1[89]|20)\d{2})\b(?:[^%\d,.]|[,.](?:\D|$)|$)".into(), |c, _| {
        Some(Parsed::Year(c["y"].parse().ok()?))
    });
    // Years as modifiers, the year alone being the expression: "the 1996
    // Olympic bombing", "a 1996 law", "its 1990 invasion", "Mixte's 1989
    // profit", "the 2000 Olympics". A count ("the 2000 workers", "the 1800
    // Palestinians", "a 2000 km pipeline") is not a year.
    add(
        r"(?:\b(?i:the|a|an|its|his|her|their|our|that|this|both)|['’]s)\s+(?P<t>(?P<y>(?:1[89]|20)\d{2}))\s+(?P<n>[A-Za-z][A-Za-z-]*)".into(),
        |c, _| {
            let n = &c["n"];
            let plural = n.ends_with('s') && !matches!(n, "Olympics" | "Paralympics" | "Games");
            let count_noun = matches!(
                n,
                "people" | "men" | "women" | "children" | "police" | "personnel" | "staff" | "feet"
                    | "head" | "cattle" | "km" | "kg" | "mph" | "m" | "ft" | "MW" | "mw"
            );
            if plural || count_noun {
                return None;
            }
            Some(Parsed::Year(c["y"].parse().ok()?))
        },
    );
    // The middle years of a list: "in 1994, 1995, 1996 and 1997". The match
    // is the year alone, so consecutive ones are all found; the year before
    // it is checked in the text.
    add(
        r"\b(?P<t>(?P<y>(?:1[89]|20)\d{2}))(?:,|\s+and\b)".into(),
        |c, text| {
            let start = c.get(0)?.start();
            let before = text[..start].trim_end().strip_suffix(',')?;
            let prev = before.get(before.len().checked_sub(4)?..)?;
            let is_year = prev.bytes().all(|b| b.is_ascii_digit())
                && matches!(&prev[..2], "18" | "19" | "20")
                && !before[..before.len() - 4].ends_with(|ch: char| ch.is_ascii_alphanumeric());
            if !is_year {
                return None;
            }
            Some(Parsed::Year(c["y"].parse().ok()?))
        },
    );
    // Years in words, as broadcast transcripts write them: "nineteen
    // ninety-six", "January nineteen ninety-seven", "the year two
    // thousand". A century word and a tens word together are a year; "two
    // thousand" only after "the year" or a month (alone it is a count).
    add(
        format!(
            r"(?i)\b(?:(?P<m>{months})\s+)?(?P<c>eighteen|nineteen)[\s-]+(?P<tens>ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:{HY}(?P<ones>one|two|three|four|five|six|seven|eight|nine))?\b",
            months = calendar::MONTHS.join("|")
        ),
        |c, _| {
            let century = if c["c"].eq_ignore_ascii_case("eighteen") {
                1800
            } else {
                1900
            };
            let y = century + spelled_below_100(&c["tens"], c.name("ones").map(|o| o.as_str()))?;
            year_in_month(y, c.name("m"))
        },
    );
    add(
        format!(
            r"(?i)\b(?:the\s+year|(?P<m>{months}))\s+two\s+thousand(?:(?:\s+and)?\s+(?P<n>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?\b",
            months = calendar::MONTHS.join("|")
        ),
        |c, _| {
            let y = 2000
                + c.name("n")
                    .map_or(Some(0), |t| spelled_below_100(t.as_str(), None))?;
            year_in_month(y, c.name("m"))
        },
    );
    // the 1990s
    add(r"\b(?:the\s+)?(?P<y>(?:1[89]|20)\d)0s\b".into(), |c, _| {
        Some(Parsed::Decade(c["y"].parse().ok()?))
    });
    // the 21st century
    add(
        r"(?i)\b(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)\s+century\b".into(),
        |c, _| {
            let n: i32 = c["n"].parse().ok()?;
            (n >= 1).then_some(Parsed::Century(n - 1))
        },
    );
    // (last) Monday (night)
    add(
        format!(
            r"(?i:\b(?P<s>last|next|this|early|late)\s+)?\b(?P<w>{weekdays})\b(?i:\s+(?P<pd>morning|afternoon|evening|night))?"
        ),
        |c, _| {
            let day = weekday_of(&c["w"])?;
            let part = c.name("pd").and_then(|p| part_of_day(p.as_str()));
            let shift = shift_word(c.name("s").map(|m| m.as_str()));
            Some(Parsed::Weekday { day, part, shift })
        },
    );
    // today, yesterday, tonight, this morning, last night, earlier in the day
    add(r"(?i)\b(?:today|yesterday|tomorrow|tonight|this\s+(?:morning|afternoon|evening)|last\s+night|(?:earlier|later)\s+in\s+the\s+day|(?:earlier|later)\s+today|the\s+day\s+before\s+yesterday)\b".into(), |c, _| {
        let t = c[0].to_ascii_lowercase();
        let offset = if t.contains("before yesterday") {
            -2
        } else if t.contains("yesterday") || t == "last night" {
            -1
        } else if t.contains("tomorrow") {
            1
        } else {
            0
        };
        let part = if t == "tonight" || t == "last night" {
            Some("NI")
        } else {
            t.split_whitespace().last().and_then(part_of_day)
        };
        Some(Parsed::Day { offset, part })
    });
    // "year-earlier profit", "year-ago results": the year before (a quarter
    // a year before in an earnings report; see `comparison_quarters`)
    add(
        r"(?i)\b(?P<t>year-(?:earlier|ago))\s+(?P<n>[a-z]+)".into(),
        |c, _| {
            // not "the year-ago third quarter", "the year-earlier nine
            // months": there the period itself is named
            let next = &c["n"];
            let period_follows = [
                "first", "second", "third", "fourth", "quarter", "period", "half",
            ]
            .contains(&next)
                || num_value(next).is_some();
            (!period_follows).then_some(Parsed::Year0(-1))
        },
    );
    // "by year-end", "since year-end": the close of this year or the last
    add(r"(?i)\byear-end\b".into(), |_, _| Some(Parsed::YearEnd));
    // "sales for the full year": the business year under way
    add(r"(?i)\bthe\s+full\s+year\b".into(), |_, _| {
        Some(Parsed::Year0(0))
    });
    // last week, this month, earlier this year, the previous week, next year
    add(r"(?i)\b(?:(?:earlier|later)\s+)?(?P<s>last|this|next|the\s+previous|the\s+following)\s+(?P<u>week|month|year)\b".into(), |c, _| {
        let s = c["s"].to_ascii_lowercase();
        let k = if s.contains("previous") || s == "last" { -1 } else if s == "this" { 0 } else { 1 };
        if s.starts_with("the") {
            return Some(Parsed::Narrative { unit: Unit::parse(&c["u"])?, k, part: None });
        }
        Some(match &c["u"].to_ascii_lowercase()[..] {
            "week" => Parsed::Week(k),
            "month" => Parsed::Month0(k),
            _ => Parsed::Year0(k),
        })
    });
    // that day, later that year, the same month; the following day, the
    // next morning, the previous night: relative to the narrative's time
    add(r"(?i)\b(?:(?:earlier|later)\s+)?(?:that(?:\s+same)?|the\s+same)\s+(?P<u>day|week|month|year)\b".into(), |c, _| {
        Some(Parsed::Narrative { unit: Unit::parse(&c["u"])?, k: 0, part: None })
    });
    add(r"(?i)\bthe\s+(?P<s>following|next|previous)\s+(?P<u>day|morning|afternoon|evening|night)\b".into(), |c, _| {
        let k = if c["s"].eq_ignore_ascii_case("previous") { -1 } else { 1 };
        let part = part_of_day(&c["u"]);
        Some(Parsed::Narrative { unit: Unit::Day, k, part })
    });
    // the end of the week
    add(r"(?i)\b(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+(?P<s>the|this|next|last)\s+(?P<u>week|month|year)\b".into(), |c, _| {
        let k = shift_word(Some(&c["s"])) as i64;
        Some(match &c["u"].to_ascii_lowercase()[..] {
            "week" => Parsed::Week(k),
            "month" => Parsed::Month0(k),
            _ => Parsed::Year0(k),
        })
    });
    // over the weekend, this weekend, last weekend
    add(r"(?i)\b(?:(?P<s>this|last|next|this\s+past|the\s+past)\s+weekend|(?:over|during|on|at)\s+the\s+weekend)\b".into(), |c, _| {
        Some(Parsed::Weekend(direction(c.name("s").map(|m| m.as_str()))))
    });
    // the third quarter
    add(
        r"(?i)\b(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)(?:\s+|-)quarter\b"
            .into(),
        |c, _| {
            let q = match &c["q"].to_ascii_lowercase()[..] {
                "first" | "1st" => 1,
                "second" | "2nd" => 2,
                "third" | "3rd" => 3,
                _ => 4,
            };
            Some(Parsed::Quarter(q))
        },
    );
    // Holidays whose date the Gregorian calendar gives: "Thanksgiving Day",
    // "last Christmas", "Easter 2024". Days that differ by country
    // ("Independence Day", "Memorial Day", "Labor Day") or follow the Hebrew
    // or Islamic calendar are left out rather than resolved wrongly. Names
    // are matched capitalized ("a service of thanksgiving" is not the day),
    // and not where the name modifies a noun ([`holiday_compound`]: "Christmas
    // Island", "the Easter Rising", "a Christmas tree").
    add(
        r"\b(?:(?i:(?P<s>last|next|this))\s+)?(?P<h>Christmas(?i:\s+eve|\s+day)?|New\s+Year['’]s\s+(?i:eve|day)|Thanksgiving(?i:\s+day)?|Easter(?i:\s+sunday)?|Halloween|Valentine['’]s\s+(?i:day))\b(?:,?\s+(?P<y>(?:1[89]|20)\d{2})\b)?"
            .into(),
        |c, text| {
            let end = c.get(0)?.end();
            let h = c["h"].to_ascii_lowercase();
            // "last Thanksgiving", "Thanksgiving Day": a day, whatever follows
            let bare = c.name("s").is_none() && !h.contains(char::is_whitespace);
            if c.name("y").is_none() && holiday_compound(&text[end..], bare) {
                return None;
            }
            let eve = h.ends_with("eve");
            let day = match h.as_bytes()[0] {
                b'c' if eve => Holiday::ChristmasEve,
                b'c' => Holiday::Christmas,
                b'n' if eve => Holiday::NewYearsEve,
                b'n' => Holiday::NewYearsDay,
                b't' => Holiday::Thanksgiving,
                b'e' => Holiday::Easter,
                b'h' => Holiday::Halloween,
                _ => Holiday::Valentines,
            };
            let shift = direction(c.name("s").map(|m| m.as_str()));
            let year = c.name("y").and_then(|y| y.as_str().parse().ok());
            Some(Parsed::Holiday { day, year, shift })
        },
    );
    // Seasons: "last fall", "this past spring", "the early summer", "the
    // winter of 2024", "summer 2025". Bare "fall" and "spring" are verbs and
    // nouns too ("prices fall", "the fall of Kabul"): they need "last",
    // "next", "this", "early" / "late" or a year. A capitalized season
    // next to another capitalized word is a name ("Winter Olympics",
    // "Summer Games", "Donna Summer"), and "nuclear winter" is no season.
    add(
        r"\b(?:(?i:(?P<s>last|next|this\s+past|the\s+past|this|the))\s+)?(?:(?i:(?P<e>early|late|mid))(?:\s+|-))?(?P<n>(?i:spring|summer|fall|autumn|winter))\b(?:,?\s+(?i:of\s+)?(?P<y>(?:1[89]|20)\d{2})\b)?"
            .into(),
        |c, text| {
            let raw = c.name("n")?;
            let capital = |w: &str| w.starts_with(|ch: char| ch.is_ascii_uppercase());
            let next = text[raw.end()..].trim_start();
            let prev_word = text[..c.get(0)?.start()]
                .trim_end()
                .rsplit(|ch: char| !ch.is_alphanumeric())
                .next()
                .unwrap_or("");
            if capital(raw.as_str())
                && c.name("y").is_none()
                && (capital(next) || (c.name("s").is_none() && capital(prev_word)))
            {
                return None;
            }
            if prev_word.eq_ignore_ascii_case("nuclear") {
                return None;
            }
            let n = &raw.as_str().to_ascii_lowercase()[..];
            let s = c.name("s").map(|m| m.as_str());
            let year = c.name("y").and_then(|y| y.as_str().parse().ok());
            // every qualifier the rule takes but a bare "the"
            let qualified = year.is_some()
                || c.name("e").is_some()
                || s.is_some_and(|s| !s.eq_ignore_ascii_case("the"));
            if matches!(n, "fall" | "spring") && !qualified {
                return None;
            }
            let code = match n {
                "spring" => "SP",
                "summer" => "SU",
                "fall" | "autumn" => "FA",
                _ => "WI",
            };
            let shift = direction(s);
            Some(Parsed::Season { code, year, shift })
        },
    );
    // The quarters of earnings reports, relative to the publication date:
    // "the quarter" and "the latest quarter" or "period" are the last one
    // completed (the one being reported), "the current quarter" the one
    // under way, "the year-ago" or "year-earlier" quarter or period the
    // reported one a year before. Not "quarter-final".
    add(
        r"(?i)\b(?P<t>the\s+(?:(?P<a>latest|most\s+recent|just-ended|past|previous|current|year-ago|year-earlier|comparable\s+year-ago|comparable\s+year-earlier)\s+)?(?:fiscal\s+)?(?P<u>quarter|period))(?:[^-a-z0-9]|$)"
            .into(),
        |c, text| {
            // A quarter of a business year: not "the past quarter century",
            // and only with results nearby (not a quarter of a game).
            let t = c.name("t")?;
            if text[t.end()..].trim_start().starts_with("century") {
                return None;
            }
            let near = around(text, t.start(), t.end(), 300);
            if !BUSINESS_WORDS.iter().any(|w| near.contains(w)) {
                return None;
            }
            let a = c.name("a").map(|m| m.as_str());
            let k = match a {
                None if &c["u"] == "period" => return None,
                Some("current") if &c["u"] == "period" => return None,
                Some("current") => 0,
                Some(a) if a.contains("year-") => -5,
                _ => -1,
            };
            Some(Parsed::Quarter0(k))
        },
    );
    // three days ago, a year earlier
    add(
        format!(
            r"(?i)\b(?P<n>{num})\s+(?P<u>day|week|month|year|decade)s?\s+(?P<d>ago|earlier|later|before|after|from\s+now)\b"
        ),
        |c, text| {
            let d = c["d"].to_ascii_lowercase();
            // "two days before the vote" is an interval to an event, not to the
            // document date; only "ago", "from now" and a clause-final
            // "earlier"/"later" count from the document date.
            if matches!(d.as_str(), "before" | "after") {
                return None;
            }
            if matches!(d.as_str(), "earlier" | "later") {
                let next = text[c.get(0)?.end()..].trim_start();
                if next.starts_with(|ch: char| ch.is_alphanumeric()) && !next.starts_with("than") {
                    return None;
                }
            }
            let n = num_value(&c["n"])?;
            let sign = if d == "ago" || d == "earlier" || d == "before" {
                -1
            } else {
                1
            };
            Some(Parsed::Offset(n, Unit::parse(&c["u"])?, sign))
        },
    );
    // vague references
    add(r"(?i)\b(?:recent\s+(?:days|weeks|months|years)|the\s+coming\s+(?:days|weeks|months|years)|the\s+near\s+future|the\s+future|now|currently|nowadays|these\s+days|recently|the\s+past|right\s+now|at\s+the\s+moment)\b".into(), |c, text| {
        let t = c[0].to_ascii_lowercase();
        let whole = c.get(0)?;
        if t == "the past" || t == "the future" {
            // "the past" as a time of its own ("in the past", "in the past
            // it considered", "the future that awaits him").
            let next: String = text[whole.end()..]
                .trim_start()
                .chars()
                .take_while(|ch| ch.is_alphanumeric())
                .collect::<String>()
                .to_lowercase();
            // Only before a function word: "the future conditions of a
            // ceasefire" is an adjective, "the future of Gaza" a time.
            if !next.is_empty() && !CLAUSE_WORDS.contains(&next.as_str()) {
                return None;
            }
        }
        if t == "now" {
            // "now in its third week" is fine; "now-defunct" and "right now"
            // are handled by the word boundary and the longer alternative.
            if text[whole.end()..].starts_with(['-', '\u{2011}']) {
                return None;
            }
        }
        let r = if t.contains("coming") || t.contains("future") {
            "FUTURE_REF"
        } else if t.contains("recent") || t.contains("past") || t == "formerly" || t == "previously" {
            "PAST_REF"
        } else {
            "PRESENT_REF"
        };
        Some(Parsed::Ref(r))
    });
    // 60-day, six-week, 15-month-war, six weeks, 42 days, a year (after a
    // preposition or hedge), for weeks, decadeslong
    add(
        format!(
            r"(?i)\b(?:(?:the\s+)?(?:past|last|next|first|previous|coming)\s+)?(?P<n>{num})(?P<frac>\s+(?:1/2|1/4|3/4|and\s+a\s+half)|\s*[½¼¾])?(?:\s*{HY}\s*|\s+)(?:more\s+)?(?P<u>seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|century)\b(?:{HY}long)?(?P<half>\s+and\s+a\s+half)?"
        ),
        |c, text| {
            let n_txt = c["n"].to_ascii_lowercase();
            let u = Unit::parse(&c["u"])?;
            let whole = c.get(0)?;
            // "a year" alone; "a minute and a half" is a duration anywhere.
            if (n_txt == "a" || n_txt == "an") && c.name("half").is_none() {
                // "a year" is a duration only after a preposition or hedge;
                // "a second meeting" is an ordinal.
                if u == Unit::Second {
                    return None;
                }
                let before = text[..whole.start()].trim_end();
                let prev = before
                    .rsplit(|ch: char| !ch.is_alphabetic())
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if !matches!(
                    prev.as_str(),
                    "for"
                        | "over"
                        | "within"
                        | "about"
                        | "nearly"
                        | "almost"
                        | "than"
                        | "after"
                        | "lasting"
                        | "under"
                        | "least"
                        | "roughly"
                        | "around"
                        | "some"
                        | "half"
                        | "in"
                        | "as"
                        | "barely"
                        | "only"
                        | "just"
                ) {
                    return None;
                }
                // "once a day" is a set, handled elsewhere.
            }
            // Ages ("a 6-year-old boy", "Mr. Schwarz, 52 years old") are not
            // time expressions; "two years older" is a difference.
            let tail = &text[whole.end()..];
            let rest = tail.trim_start_matches(|ch: char| {
                matches!(ch, '-' | '\u{2010}' | '\u{2011}') || ch.is_whitespace()
            });
            if rest.len() < tail.len()
                && rest.to_ascii_lowercase().starts_with("old")
                && !rest[3..].starts_with(|ch: char| ch.is_alphabetic())
            {
                return None;
            }
            // The fraction of a mixed number, before the unit ("2 1/2
            // years", "5½ hours", "two and a half years") or after it ("a
            // minute and a half").
            let before = c.name("frac").map_or(0.0, |f| match f.as_str().trim() {
                "1/4" | "¼" => 0.25,
                "3/4" | "¾" => 0.75,
                _ => 0.5,
            });
            let after = if c.name("half").is_some() { 0.5 } else { 0.0 };
            let n = num_value(&n_txt)?.map(|v| v + before + after);
            Some(Parsed::Duration(n, u))
        },
    );
    add(
        r"(?i)\b(?:for|over)\s+(?P<u>days|weeks|months|years|decades)\b".into(),
        |c, _| Some(Parsed::Duration(None, Unit::parse(&c["u"])?)),
    );
    add(
        format!(r"(?i)\b(?P<u>years|decades|months|weeks){HY}?long\b"),
        |c, _| Some(Parsed::Duration(None, Unit::parse(&c["u"])?)),
    );
    // every day, each week, every Monday, daily, twice a week
    add(
        format!(r"(?i:\b(?:every|each)\s+)(?P<w>{weekdays})\b"),
        |c, _| Some(Parsed::SetWeekday(weekday_of(&c["w"])?)),
    );
    add(r"(?i)\b(?:(?:every|each)\s+(?P<u>day|week|month|year|morning|night|hour)|(?:once|twice|\w+\s+times)\s+(?:a|per|each)\s+(?P<u2>day|week|month|year|hour)|(?P<adv>daily|weekly|monthly|annually|yearly|hourly|nightly))\b".into(), |c, _| {
        let u = if let Some(a) = c.name("adv") {
            match &a.as_str().to_ascii_lowercase()[..] {
                "daily" | "nightly" => Unit::Day,
                "weekly" => Unit::Week,
                "monthly" => Unit::Month,
                "hourly" => Unit::Hour,
                _ => Unit::Year,
            }
        } else {
            let w = c.name("u").or(c.name("u2"))?.as_str().to_ascii_lowercase();
            if w == "morning" { Unit::Day } else { Unit::parse(&w)? }
        };
        Some(Parsed::Set(u))
    });
    // 3 p.m., 10:30 a.m.
    add(
        r"(?i)\b(?P<h>\d{1,2})(?::(?P<mi>\d{2}))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)".into(),
        |c, _| {
            let mut h: u32 = c["h"].parse().ok()?;
            let mi: u32 = c
                .name("mi")
                .map(|m| m.as_str().parse().ok())
                .unwrap_or(Some(0))?;
            if h == 0 || h > 12 || mi > 59 {
                return None;
            }
            let pm = c["ap"].to_ascii_lowercase().starts_with('p');
            if pm && h != 12 {
                h += 12;
            } else if !pm && h == 12 {
                h = 0;
            }
            Some(Parsed::Clock(h, mi))
        },
    );
    // "the year ended March 31", "the fiscal year ending June 30": a
    // twelve-month period closing on the date that follows
    add(
        r"(?i)\b(?P<t>the\s+(?:fiscal\s+|financial\s+)?year)\s+(?:that\s+)?(?:ended|ending|ends|to)\s".into(),
        |_, _| Some(Parsed::Duration(Some(1.0), Unit::Year)),
    );
    // noon, midday (midnight is left out: which day it closes is a
    // convention) ("high noon" is a figure of speech)
    add(r"(?i)\b(?:noon|midday)\b".into(), |c, text| {
        let before = text[..c.get(0)?.start()].trim_end();
        (!before.to_ascii_lowercase().ends_with("high")).then_some(Parsed::Clock(12, 0))
    });
    rules
});

static FUTURE_CUE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:will|'ll|’ll|shall|scheduled|due|expected|planned|plans|plan|upcoming|next|until|ahead|won't|won’t|slated|set|payable|effective|expect|expects)$").unwrap()
});
static PAST_CUE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:[a-z]+ed|said|told|met|came|began|held|took|gave|made|went|was|were|had|did|saw|left|spoke|wrote|won|lost|struck|killed|fell|rose|sent|brought|ago|since|last|earlier)$").unwrap()
});

/// Words ending in "-ed" that are not past forms ("will succeed Mr. Davison
/// Feb. 1", "two hundred").
const NOT_PAST_ED: &[&str] = &[
    "need", "red", "bed", "shed", "hundred", "indeed", "succeed", "proceed", "exceed", "feed",
    "seed", "speed", "deed", "bleed", "breed", "greed", "heed", "sacred", "naked", "wicked",
    "rugged",
];

/// Words after which "the past" or "the future" is a time of its own
/// ("in the past it considered", "the future that awaits him", "the
/// future of Gaza", "about the future and fear"); before any other word it
/// starts a longer span ("the past week") or is an adjective ("the future
/// conditions").
const CLAUSE_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have",
    "he", "her", "his", "i", "if", "in", "is", "it", "its", "may", "might", "of", "on", "or",
    "she", "should", "than", "that", "the", "their", "then", "there", "they", "this", "to",
    "unless", "was", "we", "were", "what", "when", "where", "whether", "which", "while", "who",
    "will", "with", "would", "you",
];

/// True when the words nearest to `[start, end)` within its sentence point
/// after the document date. The nearest tense cue before the mention wins;
/// failing that, the nearest after it.
fn future_context(text: &str, sent: (usize, usize), start: usize, end: usize) -> Option<bool> {
    let before = &text[sent.0.min(start)..start];
    let after = &text[end..sent.1.max(end)];
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .filter(|w| !w.is_empty())
            .map(|w| w.to_string())
            .collect()
    };
    let cue = |w: &str| -> Option<bool> {
        if w.chars().next().is_some_and(|c| c.is_uppercase()) && w != "I" {
            return None;
        }
        let l = w.to_lowercase();
        if FUTURE_CUE.is_match(&l) {
            Some(true)
        } else if PAST_CUE.is_match(&l) && !NOT_PAST_ED.contains(&l.as_str()) {
            Some(false)
        } else {
            None
        }
    };
    let b = words(before);
    // "as soon as Tuesday": the earliest time something may happen
    if b.len() >= 3
        && b[b.len() - 3..]
            .iter()
            .map(|w| w.to_lowercase())
            .eq(["as", "soon", "as"])
    {
        return Some(true);
    }
    for (i, w) in b.iter().enumerate().rev().take(10) {
        let next = b.get(i + 1).map(|n| n.to_lowercase());
        let next = next.as_deref();
        let l = w.to_lowercase();
        let before = |k: usize| (i >= k).then(|| b[i - k].to_lowercase());
        match l.as_str() {
            // Prepositions, not tense: "next to the embassy", "ahead of the
            // trip".
            "next" if next == Some("to") => continue,
            // A plan in the past perfect was overtaken by what is reported:
            // "the offer had been due to expire Friday", "had been scheduled
            // to expire at midnight Friday".
            "due" | "scheduled" | "expected" | "slated" | "supposed" | "set" | "planned"
                if before(1).as_deref() == Some("had")
                    || (before(1).as_deref() == Some("been")
                        && before(2).as_deref() == Some("had")) =>
            {
                return Some(false)
            }
            // "is to resume trading Tuesday": an arrangement still to come.
            "to" if matches!(before(1).as_deref(), Some("is" | "are" | "am")) => return Some(true),
            "ahead" if next == Some("of") => continue,
            // "set" and "plan" look ahead only before "to" or "for" ("set
            // to meet", "planned for Saturday"); otherwise they are a past
            // form or a noun ("a record set on Aug. 6", "announced the plan
            // Aug. 21").
            "set" | "plan" | "plans" | "planned" => {
                return Some(matches!(next, Some("to" | "for")));
            }
            "planning" | "supposed" | "intends" | "intend" if next == Some("to") => {
                return Some(true)
            }
            _ => {}
        }
        if let Some(f) = cue(w) {
            // A participle after "be" says what is still to happen after
            // "to", "will" or a modal ("to be completed", "would be held on
            // April 24"), and what happened otherwise ("could not be
            // reached Monday" reads as past). A past cue is such a
            // participle or a past form.
            if !f && i > 0 && b[i - 1].eq_ignore_ascii_case("be") {
                // The auxiliary, past adverbs: "would still be held".
                let aux = b[..i - 1].iter().rev().map(|w| w.to_lowercase()).find(|w| {
                    !matches!(
                        w.as_str(),
                        "not"
                            | "still"
                            | "also"
                            | "probably"
                            | "likely"
                            | "never"
                            | "then"
                            | "soon"
                            | "only"
                            | "now"
                            | "already"
                    )
                });
                if matches!(
                    aux.as_deref(),
                    Some(
                        "to" | "will"
                            | "would"
                            | "shall"
                            | "'ll"
                            | "’ll"
                            | "must"
                            | "should"
                            | "may"
                            | "might"
                            | "can"
                    )
                ) {
                    return Some(true);
                }
            }
            return Some(f);
        }
    }
    for w in words(after).iter().take(8) {
        if let Some(f) = cue(w) {
            return Some(f);
        }
    }
    None
}

/// Find the time expressions of `text` (unresolved), longest match first,
/// without overlaps, in text order. `sentences` are the sentence spans (may
/// be empty: then the whole text is one context).
pub fn recognize(text: &str, sentences: &[dossier_model::Span]) -> Vec<Mention> {
    let mut cands: Vec<(usize, usize, Parsed)> = Vec::new();
    let lowered = text.to_ascii_lowercase();
    for rule in RULES.iter() {
        let hay = if rule.lower { lowered.as_str() } else { text };
        for c in crate::captures_fast(&rule.re, hay) {
            // A rule may match context around the expression and name the
            // expression itself `t`.
            let Some(m) = c.name("t").or_else(|| c.get(0)) else {
                continue;
            };
            if let Some(p) = (rule.handle)(&c, hay) {
                let (mut s, mut e) = (m.start(), m.end());
                // "the daily Haaretz", "the weekly Der Spiegel": before a
                // name, "daily" is a newspaper, not a frequency.
                if matches!(p, Parsed::Set(_))
                    && !lowered[s..e].contains(char::is_whitespace)
                    && text[e..]
                        .strip_prefix(' ')
                        .is_some_and(|r| r.starts_with(|ch: char| ch.is_uppercase()))
                {
                    continue;
                }
                // Trim leading prepositions kept only as context and any
                // trailing white space or punctuation.
                let low = &lowered[s..e];
                for pre in [
                    "in ", "since ", "by ", "until ", "through ", "during ", "from ", "before ",
                    "after ", "of ", "fiscal ", "to ", "and ", "between ", "for ", "over ", "on ",
                    "at ",
                ] {
                    if low.starts_with(pre)
                        && !matches!(p, Parsed::Duration(..) | Parsed::Weekend(_))
                    {
                        s += pre.len();
                        break;
                    }
                }
                if let Parsed::Weekend(0) = p {
                    // keep "the weekend" as the span
                    if let Some(i) = lowered[s..e].find("the weekend") {
                        s += i;
                    }
                }
                if let Parsed::Duration(None, _) = p {
                    let low = &lowered[s..e];
                    for pre in ["for ", "over "] {
                        if low.starts_with(pre) {
                            s += pre.len();
                        }
                    }
                }
                while e > s
                    && text[..e].ends_with(|c: char| c.is_whitespace() || c == ',' || c == '.')
                {
                    // Keep the period of an abbreviation like "Oct." only
                    // when it is the end of the month token itself.
                    if text[..e].ends_with('.')
                        && matches!(p, Parsed::Month { .. } | Parsed::Clock(..))
                    {
                        break;
                    }
                    // White space may be several bytes (U+202F, U+00A0).
                    e -= text[..e].chars().next_back().map_or(1, char::len_utf8);
                }
                if e > s && text.is_char_boundary(s) && text.is_char_boundary(e) {
                    cands.push((s, e, p));
                }
            }
        }
    }
    cands.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
    let mut kept: Vec<(usize, usize, Parsed)> = Vec::new();
    for c in cands {
        if kept.iter().all(|k| c.1 <= k.0 || k.1 <= c.0) {
            kept.push(c);
        }
    }
    kept.sort_by_key(|k| k.0);
    let kept = clocks_on_days(text, kept);
    kept.into_iter()
        .map(|(s, e, parsed)| {
            let sent = sentences
                .iter()
                .find(|sp| sp.start <= s && e <= sp.end)
                .map(|sp| (sp.start, sp.end))
                .unwrap_or((0, text.len()));
            let mut tense = future_context(text, sent, s, e);
            match &parsed {
                Parsed::Month { shift, .. } | Parsed::Weekday { shift, .. } if *shift != 0 => {
                    tense = Some(*shift > 0)
                }
                _ => {}
            }
            Mention {
                start: s,
                end: e,
                parsed,
                future: tense == Some(true),
                cued: tense.is_some(),
            }
        })
        .collect()
}

/// Between a clock time and the day it falls on: "9 a.m. Tuesday", "5
/// p.m. EST Nov. 9", "4 a.m. (EDT) Thursday"; "Tuesday at 9 a.m.".
static CLOCK_THEN_DAY: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^,?\s+(?:\(?[A-Z]{2,4}\)?,?\s+)?(?:on\s+)?$").unwrap());
static DAY_THEN_CLOCK: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^,?\s+(?:at|from|by|until|around|about|after|before)?\s*$").unwrap());

/// Joins a clock time and the day beside it into one expression whose
/// value is that day at that time.
fn clocks_on_days(text: &str, kept: Vec<(usize, usize, Parsed)>) -> Vec<(usize, usize, Parsed)> {
    let is_day = |p: &Parsed| {
        matches!(
            p,
            Parsed::Weekday { part: None, .. }
                | Parsed::MonthDay(..)
                | Parsed::Date(_)
                | Parsed::Day { part: None, .. }
        )
    };
    let mut out: Vec<(usize, usize, Parsed)> = Vec::with_capacity(kept.len());
    let mut it = kept.into_iter().peekable();
    while let Some((s, e, p)) = it.next() {
        if let Some((s2, e2, p2)) = it.peek() {
            let gap = &text[e..*s2];
            let joined = match (&p, p2) {
                (Parsed::Clock(h, m), d) if is_day(d) && CLOCK_THEN_DAY.is_match(gap) => {
                    Some((*h, *m, d.clone()))
                }
                (d, Parsed::Clock(h, m)) if is_day(d) && DAY_THEN_CLOCK.is_match(gap) => {
                    Some((*h, *m, d.clone()))
                }
                _ => None,
            };
            if let Some((h, m, day)) = joined {
                let end = *e2;
                it.next();
                out.push((
                    s,
                    end,
                    Parsed::At {
                        day: Box::new(day),
                        h,
                        m,
                    },
                ));
                continue;
            }
        }
        out.push((s, e, p));
    }
    out
}

fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn iso_week(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{}", n)
    }
}

fn duration_value(n: Option<f64>, u: Unit) -> String {
    // Decades as years ("two decades" P20Y): ISO 8601 has no decade unit,
    // and years are what a reader and other tools compare.
    if let (Unit::Decade, Some(k)) = (u, n) {
        return format!("P{}Y", fmt_num(10.0 * k));
    }
    // A fraction goes to the next smaller unit when it comes out whole
    // there, as TimeML writes it: "2 1/2 years" P2Y6M, "5 1/2 hours"
    // PT5H30M, "a day and a half" P1DT12H; otherwise ISO 8601's decimal
    // fraction of the last unit ("1.5 weeks" P1.5W).
    if let Some(k) = n.filter(|k| k.fract() != 0.0 && *k > 0.0) {
        let (whole, frac) = (k.trunc(), k.fract());
        let smaller = match u {
            Unit::Year => Some((12.0, "M")),
            Unit::Day => Some((24.0, "H")),
            Unit::Hour => Some((60.0, "M")),
            Unit::Minute => Some((60.0, "S")),
            _ => None,
        };
        if let Some((per, sub)) = smaller {
            let f = frac * per;
            if (f - f.round()).abs() < 1e-9 {
                // "half a year" is P6M, not P0Y6M
                let w = if whole > 0.0 {
                    format!("{}{}", fmt_num(whole), u.code())
                } else {
                    String::new()
                };
                let f = format!("{}{sub}", fmt_num(f.round()));
                return match u {
                    Unit::Year => format!("P{w}{f}"),
                    Unit::Day => format!("P{w}T{f}"),
                    _ => format!("PT{w}{f}"),
                };
            }
        }
    }
    let n = n.map(fmt_num).unwrap_or_else(|| "X".into());
    if u.is_clock() {
        format!("PT{n}{}", u.code())
    } else {
        format!("P{n}{}", u.code())
    }
}

fn add_months(d: NaiveDate, months: i64) -> Option<NaiveDate> {
    if months >= 0 {
        d.checked_add_months(Months::new(months as u32))
    } else {
        d.checked_sub_months(Months::new((-months) as u32))
    }
}

/// `text[start..end]` with up to `margin` bytes either side, widened to
/// character boundaries.
pub(crate) fn around(text: &str, start: usize, end: usize, margin: usize) -> &str {
    let mut lo = start.saturating_sub(margin);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (end + margin).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    &text[lo..hi]
}

/// The direction a qualifier gives a weekend, holiday or season: -1 for
/// "last", "this past" and "the past", 1 for "next", 0 otherwise ("this",
/// none). Case and spacing do not matter.
fn direction(qualifier: Option<&str>) -> i32 {
    let q = qualifier.map(|q| {
        q.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase()
    });
    match q.as_deref() {
        Some("last" | "this past" | "the past") => -1,
        Some("next") => 1,
        _ => 0,
    }
}

/// Words that may follow a holiday's name without making it a modifier:
/// function words, auxiliaries and verbs of arrival ("before Christmas
/// and", "Easter was", "Christmas came early"), and the nouns of time that
/// keep it a time ("Christmas week", "the Easter holidays").
static AFTER_HOLIDAY: &str =
    "a about after afternoon again ago all already also an and approached approaches are arrived \
     arrives as at be because been before both break but by came can comes could day did \
     does during each evening eve even every fell falls for from had has have he her his \
     holiday holidays i if in into is it its just last later may might morning must my \
     next night no nor not now of on only or our passed period recess season she should \
     since so than that the their then there these they this those though to until \
     time vacation was we week weekend were when which while who will with would yet you";

/// True when the word after a `bare` holiday name makes the name a
/// modifier rather than a day: a capitalized word ("Christmas Island", "the
/// Easter Rising", "Easter Egg Podcasts") or a lower-case one, unless it is
/// a function word or a noun of time ("a Christmas tree", "Christmas
/// shopping", "Halloween costumes"; not "over Christmas I", "Christmas
/// week"). A name made a day by its own words ("Thanksgiving Day", "last
/// Christmas") is one whatever follows ("found Thanksgiving Day clinging to
/// ...", "since last Christmas Hamas has ...").
fn holiday_compound(after: &str, bare: bool) -> bool {
    if !bare {
        return false;
    }
    let Some(rest) = after
        .strip_prefix([' ', '\u{a0}'])
        .map(|r| r.trim_start_matches([' ', '\u{a0}']))
    else {
        return false;
    };
    let n = rest
        .find(|ch: char| !(ch.is_alphabetic() || ch == '-'))
        .unwrap_or(rest.len());
    let word = &rest[..n];
    // "Christmas isn't", "Easter's": a contraction or possessive follows
    if word.is_empty() || rest[n..].starts_with(['\'', '’']) {
        return false;
    }
    let w = word.to_lowercase();
    if AFTER_HOLIDAY.split_ascii_whitespace().any(|a| a == w) {
        return false;
    }
    // any other word, capitalized ("Island") or not ("tree")
    true
}

/// The holidays the time rules resolve: those whose date a Gregorian rule
/// gives (US Thanksgiving, Western Easter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holiday {
    Christmas,
    ChristmasEve,
    NewYearsDay,
    NewYearsEve,
    Thanksgiving,
    Easter,
    Halloween,
    Valentines,
}

/// The date of a holiday in year `y`.
fn holiday_date(day: Holiday, y: i32) -> Option<NaiveDate> {
    let md = |m, d| NaiveDate::from_ymd_opt(y, m, d);
    match day {
        Holiday::Christmas => md(12, 25),
        Holiday::ChristmasEve => md(12, 24),
        Holiday::NewYearsDay => md(1, 1),
        Holiday::NewYearsEve => md(12, 31),
        Holiday::Halloween => md(10, 31),
        Holiday::Valentines => md(2, 14),
        // The fourth Thursday of November.
        Holiday::Thanksgiving => NaiveDate::from_weekday_of_month_opt(y, 11, Weekday::Thu, 4),
        Holiday::Easter => {
            // The anonymous Gregorian computus (Meeus/Jones/Butcher).
            let (a, b, c) = (y % 19, y / 100, y % 100);
            let (d, e) = (b / 4, b % 4);
            let g = (8 * b + 13) / 25;
            let h = (19 * a + b - d - g + 15) % 30;
            let (i, k) = (c / 4, c % 4);
            let l = (32 + 2 * e + 2 * i - h - k) % 7;
            let m = (a + 11 * h + 19 * l) / 433;
            let month = (h + l - 7 * m + 90) / 25;
            let day = (h + l - 7 * m + 33 * month + 19) % 32;
            md(month as u32, day as u32)
        }
    }
}

/// The year of the season meant from `anchor`: the last one ended before it
/// (`shift` -1), the first one starting after it (+1), or the one under way
/// or still to come this year (0; in January or February, the winter that
/// began in December). Winter `Y` runs from December `Y` to February.
fn season_year(anchor: NaiveDate, code: &str, shift: i32) -> i32 {
    let start = match code {
        "SP" => 3,
        "SU" => 6,
        "FA" => 9,
        _ => 12,
    };
    // Months since year 0 of the season's first and last month in year `y`.
    let first = |y: i32| y as i64 * 12 + start as i64 - 1;
    let last = |y: i32| first(y) + 2;
    let now = anchor.year() as i64 * 12 + anchor.month0() as i64;
    let y = anchor.year();
    match shift {
        s if s < 0 => (y - 2..=y)
            .rev()
            .find(|&yy| last(yy) < now)
            .unwrap_or(y - 1),
        s if s > 0 => (y - 1..=y + 1).find(|&yy| first(yy) > now).unwrap_or(y + 1),
        _ => (y - 1..=y).find(|&yy| last(yy) >= now).unwrap_or(y),
    }
}

/// The occurrence of a weekday nearest to `anchor` in the given direction
/// (the anchor's own day counts).
fn weekday_near(anchor: NaiveDate, day: Weekday, future: bool) -> NaiveDate {
    let a = anchor.weekday().num_days_from_monday() as i64;
    let t = day.num_days_from_monday() as i64;
    let diff = if future {
        (t - a).rem_euclid(7)
    } else {
        -((a - t).rem_euclid(7))
    };
    anchor + Delta::days(diff)
}

/// The year that puts a month and day nearest to `anchor`.
fn nearest_year(anchor: NaiveDate, month: u32, day: u32) -> i32 {
    let y = anchor.year();
    let day = day.min(28);
    (y - 1..=y + 1)
        .filter_map(|yy| {
            NaiveDate::from_ymd_opt(yy, month, day).map(|d| (yy, (d - anchor).num_days().abs()))
        })
        .min_by_key(|(_, dist)| *dist)
        .map_or(y, |(yy, _)| yy)
}

/// How near to the anchor (in days) a date without a year is read as the
/// nearest occurrence whatever the tense around it.
const NEAR_DAYS: i64 = 31;

/// The year in which a month (and day) without a year falls, seen from
/// `anchor` in the given direction.
fn year_for(anchor: NaiveDate, month: u32, day: u32, future: bool) -> i32 {
    let y = anchor.year();
    // Tense cues are read from a few words around the mention and often
    // belong to another clause ("said it would extend its bid to Nov. 6"):
    // a date within a few weeks of the anchor is taken as the near one
    // rather than a year away in the cued direction.
    let near = nearest_year(anchor, month, day);
    if NaiveDate::from_ymd_opt(near, month, day.min(28))
        .is_some_and(|d| (d - anchor).num_days().abs() <= NEAR_DAYS)
    {
        return near;
    }
    let here = (anchor.month(), anchor.day());
    if future {
        if (month, day) >= here || month == anchor.month() {
            y
        } else {
            y + 1
        }
    } else if (month, day) <= here || month == anchor.month() {
        y
    } else {
        y - 1
    }
}

/// Resolve a mention to its TIMEX3 type, value and whether the value was
/// computed from (or awaits) the document date.
/// `future` is Some when the context says on which side of the anchor the
/// time lies; None resolves dates without a year (or week) to the nearest
/// occurrence.
pub fn resolve(
    p: &Parsed,
    anchor: Option<NaiveDate>,
    tense: Option<bool>,
) -> (TimeType, String, bool) {
    use TimeType::*;
    let future = tense == Some(true);
    let part = |base: String, pd: &Option<&'static str>| match pd {
        Some(pd) => format!("{base}T{pd}"),
        None => base,
    };
    match p {
        Parsed::Date(d) => (Date, fmt_date(*d), false),
        Parsed::YearMonth(y, m) => (Date, format!("{y:04}-{m:02}"), false),
        Parsed::Year(y) => (Date, format!("{y:04}"), false),
        Parsed::Decade(d) => (Date, format!("{d:03}"), false),
        Parsed::Century(c) => (Date, format!("{c:02}"), false),
        Parsed::MonthDay(m, d) => match anchor {
            Some(a) => {
                let y = match tense {
                    Some(f) => year_for(a, *m, *d, f),
                    None => nearest_year(a, *m, *d),
                };
                (Date, format!("{y:04}-{m:02}-{d:02}"), true)
            }
            None => (Date, format!("XXXX-{m:02}-{d:02}"), true),
        },
        Parsed::Month { month, shift, .. } => match anchor {
            Some(a) => {
                let mut y = match (shift, tense) {
                    (0, None) => nearest_year(a, *month, 15),
                    (0, Some(f)) => year_for(a, *month, 1, f),
                    (s, _) => year_for(a, *month, 1, *s > 0),
                };
                // "last March" said in March means a year ago.
                if *shift < 0 && *month == a.month() {
                    y -= 1;
                }
                if *shift > 0 && *month == a.month() {
                    y += 1;
                }
                (Date, format!("{y:04}-{month:02}"), true)
            }
            None => (Date, format!("XXXX-{month:02}"), true),
        },
        Parsed::Weekday {
            day,
            part: pd,
            shift,
        } => {
            let ty = if pd.is_some() { Time } else { Date };
            match anchor {
                Some(a) => {
                    let d = match shift {
                        -1 => weekday_near(a - Delta::days(7), *day, false).max(weekday_near(
                            a - Delta::days(1),
                            *day,
                            false,
                        )),
                        1 => weekday_near(a + Delta::days(1), *day, true),
                        _ => match tense {
                            Some(f) => weekday_near(a, *day, f),
                            None => {
                                let back = weekday_near(a, *day, false);
                                let fwd = weekday_near(a, *day, true);
                                if (a - back).num_days() <= (fwd - a).num_days() {
                                    back
                                } else {
                                    fwd
                                }
                            }
                        },
                    };
                    (ty, part(fmt_date(d), pd), true)
                }
                None => (
                    ty,
                    part(format!("XXXX-WXX-{}", day.number_from_monday()), pd),
                    true,
                ),
            }
        }
        Parsed::Day { offset, part: pd } => {
            let ty = if pd.is_some() { Time } else { Date };
            match anchor {
                Some(a) => (ty, part(fmt_date(a + Delta::days(*offset)), pd), true),
                None => (ty, part("XXXX-XX-XX".into(), pd), true),
            }
        }
        Parsed::Week(k) => match anchor {
            Some(a) => (Date, iso_week(a + Delta::weeks(*k)), true),
            None => (Date, "XXXX-WXX".into(), true),
        },
        Parsed::Weekend(k) => match anchor {
            Some(a) => {
                let fut = match k {
                    0 => future,
                    k => *k > 0,
                };
                let sat = weekday_near(if fut { a } else { a - Delta::days(1) }, Weekday::Sat, fut);
                (Date, format!("{}-WE", iso_week(sat)), true)
            }
            None => (Date, "XXXX-WXX-WE".into(), true),
        },
        Parsed::Month0(k) => match anchor.and_then(|a| add_months(a.with_day(1)?, *k)) {
            Some(d) => (Date, d.format("%Y-%m").to_string(), true),
            None => (Date, "XXXX-XX".into(), true),
        },
        Parsed::MonthOfYear0 { month, k } => match anchor {
            Some(a) => (Date, format!("{:04}-{month:02}", a.year() as i64 + k), true),
            None => (Date, format!("XXXX-{month:02}"), true),
        },
        Parsed::YearEnd => match anchor {
            Some(a) => {
                let y = a.year() - i32::from(tense == Some(false));
                (Date, format!("{y:04}-12-31"), true)
            }
            None => (Date, "XXXX-12-31".into(), true),
        },
        Parsed::Year0(k) => match anchor {
            Some(a) => (Date, format!("{:04}", a.year() as i64 + k), true),
            None => (Date, "XXXX".into(), true),
        },
        Parsed::Quarter(q) => match anchor {
            Some(a) => (Date, format!("{:04}-Q{q}", a.year()), true),
            None => (Date, format!("XXXX-Q{q}"), true),
        },
        Parsed::Holiday { day, year, shift } => {
            let on = |y: i32| holiday_date(*day, y);
            let date = match (year, anchor) {
                (Some(y), _) => on(*y),
                (None, Some(a)) => {
                    let near: Vec<NaiveDate> =
                        (a.year() - 1..=a.year() + 1).filter_map(on).collect();
                    match (shift, tense) {
                        (-1, _) => near.into_iter().rev().find(|d| *d < a),
                        (1, _) => near.into_iter().find(|d| *d > a),
                        (_, Some(true)) => near.into_iter().find(|d| *d >= a),
                        (_, Some(false)) => near.into_iter().rev().find(|d| *d <= a),
                        _ => near.into_iter().min_by_key(|d| (*d - a).num_days().abs()),
                    }
                }
                (None, None) => None,
            };
            match date {
                Some(d) => (Date, fmt_date(d), year.is_none()),
                None => (Date, "XXXX-XX-XX".into(), true),
            }
        }
        Parsed::Season { code, year, shift } => match (year, anchor) {
            (Some(y), _) => (Date, format!("{y:04}-{code}"), false),
            (None, Some(a)) => (
                Date,
                format!("{:04}-{code}", season_year(a, code, *shift)),
                true,
            ),
            (None, None) => (Date, format!("XXXX-{code}"), true),
        },
        // Counted from the reference date passed as `anchor`, like the
        // same offset from the publication date.
        Parsed::Narrative { unit, k, part } => {
            let same = match unit {
                Unit::Day => Parsed::Day {
                    offset: *k,
                    part: *part,
                },
                Unit::Week => Parsed::Week(*k),
                Unit::Month => Parsed::Month0(*k),
                _ => Parsed::Year0(*k),
            };
            resolve(&same, anchor, tense)
        }
        Parsed::Quarter0(k) => match anchor {
            Some(a) => {
                let n = a.year() as i64 * 4 + a.month0() as i64 / 3 + k;
                (
                    Date,
                    format!("{:04}-Q{}", n.div_euclid(4), n.rem_euclid(4) + 1),
                    true,
                )
            }
            None => (Date, "XXXX-QX".into(), true),
        },
        Parsed::Offset(n, u, sign) => {
            let Some(a) = anchor else {
                let v = match u {
                    Unit::Day => "XXXX-XX-XX",
                    Unit::Week => "XXXX-WXX",
                    Unit::Month => "XXXX-XX",
                    _ => "XXXX",
                };
                return (Date, v.into(), true);
            };
            let Some(n) = n
                .filter(|n| n.fract() == 0.0 && *n < 10000.0)
                .map(|n| n as i64 * *sign as i64)
            else {
                return (
                    Date,
                    if *sign < 0 { "PAST_REF" } else { "FUTURE_REF" }.into(),
                    true,
                );
            };
            let v = match u {
                Unit::Day => fmt_date(a + Delta::days(n)),
                Unit::Week => iso_week(a + Delta::weeks(n)),
                Unit::Month => add_months(a, n)
                    .map(|d| d.format("%Y-%m").to_string())
                    .unwrap_or_default(),
                Unit::Decade => format!("{:03}", (a.year() as i64 + 10 * n) / 10),
                _ => format!("{:04}", a.year() as i64 + n),
            };
            (Date, v, true)
        }
        Parsed::Ref(r) => (Date, r.to_string(), false),
        Parsed::Duration(n, u) => (Duration, duration_value(*n, *u), false),
        Parsed::Set(u) => (Set, duration_value(Some(1.0), *u), false),
        Parsed::SetWeekday(d) => (Set, format!("XXXX-WXX-{}", d.number_from_monday()), false),
        Parsed::At { day, h, m } => {
            let (_, v, rel) = resolve(day, anchor, tense);
            (Time, format!("{v}T{h:02}:{m:02}"), rel)
        }
        Parsed::Clock(h, m) => match anchor {
            Some(a) => (Time, format!("{}T{h:02}:{m:02}", fmt_date(a)), true),
            None => (Time, format!("XXXX-XX-XXT{h:02}:{m:02}"), true),
        },
    }
}

/// Nouns for ongoing states whose length, given as "the N-month war", runs
/// from a dated event mentioned beside it.
const ONGOING_NOUNS: &[&str] = &[
    "war",
    "conflict",
    "fighting",
    "offensive",
    "campaign",
    "siege",
    "occupation",
    "crisis",
    "blockade",
    "standoff",
    "insurgency",
    "invasion",
    "assault",
    "bombardment",
    "captivity",
    "detention",
    "lockdown",
    "strike",
    "protest",
    "protests",
    "shutdown",
    "operation",
];

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    first
        .checked_add_months(Months::new(1))
        .map(|d| d - Delta::days(1))
}

/// Estimate the publication date from the text's own dated evidence.
/// Returns None when the text gives no dated reference.
pub fn estimate_date(
    text: &str,
    sentences: &[dossier_model::Span],
    mentions: &[Mention],
) -> Option<DateEstimate> {
    let _ = sentences;
    // 1. The latest dated reference in past context.
    let mut earliest: Option<(NaiveDate, String)> = None;
    let mut latest: Option<NaiveDate> = None;
    for m in mentions {
        let (lo, hi) = match m.parsed {
            Parsed::Date(d) => (d, d),
            Parsed::YearMonth(y, mo) => (
                NaiveDate::from_ymd_opt(y, mo, 1)?,
                last_day_of_month(y, mo)?,
            ),
            Parsed::Year(y) => (
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            ),
            _ => continue,
        };
        if m.future {
            latest = Some(latest.map_or(hi, |l| l.min(hi)));
        } else if !matches!(&earliest, Some((e, _)) if lo <= *e) {
            earliest = Some((lo, text[m.start..m.end].to_string()));
        }
    }
    let (mut start, dated_text) = earliest?;
    let mut basis = format!("latest dated reference in the text: {dated_text}");
    // 2. Durations counted from a dated event in the same sentence.
    for m in mentions {
        let Parsed::Duration(Some(n), u) = m.parsed else {
            continue;
        };
        if n.fract() != 0.0 || !matches!(u, Unit::Day | Unit::Week | Unit::Month | Unit::Year) {
            continue;
        }
        let rest = text[m.end..].trim_start_matches(|c: char| {
            c == '-' || c == '\u{2011}' || c == '\u{2010}' || c.is_whitespace()
        });
        let noun: String = rest
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        if !ONGOING_NOUNS.contains(&noun.as_str()) {
            continue;
        }
        let sent = sentences
            .iter()
            .find(|s| s.start <= m.start && m.end <= s.end)
            .map(|s| (s.start, s.end))
            .unwrap_or((0, text.len()));
        let from = mentions
            .iter()
            .filter(|o| o.start >= sent.0 && o.end <= sent.1 && o.end <= m.start)
            .filter_map(|o| match o.parsed {
                Parsed::Date(d) => Some((d, &text[o.start..o.end])),
                _ => None,
            })
            .next_back();
        let Some((d, dtext)) = from else { continue };
        let n = n as i64;
        let end = match u {
            Unit::Day => Some(d + Delta::days(n)),
            Unit::Week => Some(d + Delta::weeks(n)),
            Unit::Month => add_months(d, n),
            _ => add_months(d, 12 * n),
        };
        if let Some(end) = end.filter(|e| *e > start) {
            start = end;
            let phrase = format!(
                "{}{}{}",
                &text[m.start..m.end],
                if rest.len() < text[m.end..].len() {
                    "-"
                } else {
                    ""
                },
                noun
            );
            basis.push_str(&format!(
                "; the {phrase} counted from {dtext} reaches {}",
                fmt_date(end)
            ));
        }
    }
    // 3. Months named in past-tense context after that date: each lies in
    //    its first occurrence that does not end before the estimate; a month
    //    named without a year lies within the year before publication.
    let base = start;
    let mut month_latest: Option<NaiveDate> = None;
    let mut month_basis: Vec<String> = Vec::new();
    for m in mentions.iter().filter(|m| !m.future) {
        let (month, day) = match m.parsed {
            Parsed::Month {
                month,
                day,
                shift: 0,
            } => (month, day),
            Parsed::MonthDay(month, day) => (month, day),
            _ => continue,
        };
        let is_day = matches!(m.parsed, Parsed::MonthDay(..));
        let mut y = base.year();
        let fits = |y: i32| -> Option<bool> {
            let end = if is_day {
                NaiveDate::from_ymd_opt(y, month, day)?
            } else {
                last_day_of_month(y, month)?
            };
            Some(end >= base)
        };
        if !fits(y)? {
            y += 1;
        }
        let Some(lo) = NaiveDate::from_ymd_opt(y, month, day) else {
            continue;
        };
        let lo = lo.max(base);
        if lo > start {
            start = lo;
            month_basis.push(format!(
                "{} ({})",
                &text[m.start..m.end],
                if is_day {
                    fmt_date(lo)
                } else {
                    format!("{y:04}-{month:02}")
                }
            ));
        }
        let year_after = NaiveDate::from_ymd_opt(y, month, 1)
            .and_then(|d| add_months(d, 12))
            .map(|d| d - Delta::days(1));
        if let Some(ya) = year_after {
            month_latest = Some(month_latest.map_or(ya, |l| l.min(ya)));
        }
    }
    if !month_basis.is_empty() {
        basis.push_str(&format!(
            "; month named in past-tense context after it: {}",
            month_basis.join(", ")
        ));
    }
    let latest = match (latest, month_latest) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
    .filter(|l| *l >= start);
    Some(DateEstimate {
        earliest: fmt_date(start),
        latest: latest.map(fmt_date),
        basis,
    })
}

fn parse_published(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Fill `doc.times`, replacing what is there. When `doc.published` is None
/// (or was itself estimated earlier), estimate it from the text first.
pub fn annotate(doc: &mut Document) {
    doc.times.clear();
    let owned_sentences;
    let sentences: &[dossier_model::Span] = if doc.sentences.is_empty() {
        owned_sentences = crate::segment::sentences(&doc.text);
        &owned_sentences
    } else {
        &doc.sentences
    };
    let mentions = recognize(&doc.text, sentences);
    if doc.published_estimated {
        doc.published = None;
        doc.published_estimated = false;
        doc.date_estimate = None;
    }
    // The dates the document may have been published on: its own date, or
    // days spread over an estimated range (see `anchors_within`).
    let mut anchors: Vec<NaiveDate> = doc
        .published
        .as_deref()
        .and_then(parse_published)
        .into_iter()
        .collect();
    if doc.published.is_none() {
        if let Some(est) = estimate_date(&doc.text, sentences, &mentions) {
            anchors = anchors_within(&est);
            doc.published = Some(est.earliest.clone());
            doc.published_estimated = true;
            doc.date_estimate = Some(est);
        }
    }
    let mut times: Vec<TimeExpr> = Vec::with_capacity(mentions.len());
    for m in &mentions {
        // "That day" or "the following month" is counted from the last
        // time the text named at that precision, else from the anchor.
        let at = |anchor: Option<NaiveDate>| {
            let base = match &m.parsed {
                Parsed::Narrative { unit, .. } => narrative_reference(&times, *unit).or(anchor),
                _ => anchor,
            };
            resolve(&m.parsed, base, m.cued.then_some(m.future))
        };
        // Against an estimated range, an expression is resolved only when
        // every date of the range gives it the same value ("in early March"
        // in a report of March to December 2025 is March 2025; "on
        // Thursday" in it stays a Thursday of unknown date).
        let (kind, value, relative) = match anchors.split_first() {
            None => at(None),
            Some((first, rest)) => {
                let r = at(Some(*first));
                if rest.iter().all(|a| at(Some(*a)).1 == r.1) {
                    r
                } else {
                    at(None)
                }
            }
        };
        times.push(TimeExpr {
            start: m.start,
            end: m.end,
            text: doc.text[m.start..m.end].to_string(),
            kind,
            value,
            relative,
        });
    }
    doc.times = times;
    let year = anchors.first().map(|a| a.year());
    let dated = quarter_years(&doc.text, &mut doc.times, year);
    comparison_quarters(&doc.text, &mut doc.times, &dated);
}

static QUARTER_YEAR_AFTER: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^\s+(?:of\s+)?(?:fiscal\s+)?((?:1[89]|20)\d{2})\b").unwrap());
static QUARTER_YEAR_BEFORE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?:\b((?:1[89]|20)\d{2})(?:['’]s)?|\b(year-ago|year-earlier|(?:next|last|this)\s+year['’]s))\s+(?:fiscal\s+)?$").unwrap()
});

/// A numbered quarter takes the year its words give it: "the third quarter
/// of 1984", "the 1988 second quarter", "next year's first quarter", "the
/// year-ago third quarter" (a year before the anchor's). Without one it
/// stays in the anchor's year. Returns, per expression, whether its words
/// put it in another year than the anchor's.
fn quarter_years(text: &str, times: &mut [TimeExpr], anchor_year: Option<i32>) -> Vec<bool> {
    let mut dated = vec![false; times.len()];
    for (t, dated) in times.iter_mut().zip(dated.iter_mut()) {
        let Some((_, q)) = t.value.split_once("-Q") else {
            continue;
        };
        if !t.text.to_lowercase().contains("quarter") {
            continue;
        }
        let q = q.to_string();
        let after = QUARTER_YEAR_AFTER
            .captures(&text[t.end..])
            .and_then(|c| c[1].parse::<i32>().ok());
        let before = || {
            let mut from = t.start.saturating_sub(40);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let c = QUARTER_YEAR_BEFORE.captures(&text[from..t.start])?;
            if let Some(y) = c.get(1) {
                return y.as_str().parse::<i32>().ok();
            }
            let w = c.get(2)?.as_str().to_lowercase();
            let a = anchor_year?;
            Some(if w.starts_with("next") {
                a + 1
            } else if w.starts_with("this") {
                a
            } else {
                a - 1
            })
        };
        if let Some(y) = after.or_else(before) {
            t.value = format!("{y:04}-Q{q}");
            // "this year's third quarter" is still the one reported.
            *dated = Some(y) != anchor_year;
        }
    }
    dated
}

/// The publication dates an estimate allows, to resolve time expressions
/// against. An estimate that pins the date to within a month gives its
/// first day alone ("on Monday" is then the Monday of that week, near
/// enough for a timeline). A wider one gives its first day, then every
/// fifth day, and its last (about 100 dates at most, spread evenly over a
/// longer range): an expression is then resolved only when all give the
/// same value. A resolved value moves forward with the date it is resolved
/// against, so the two ends would decide; the days between guard a rule
/// for which that does not hold. An open range ("after 2023-10-07") gives
/// none: "on Monday" could then be any Monday, and expressions that need
/// the date keep their X placeholders.
fn anchors_within(est: &DateEstimate) -> Vec<NaiveDate> {
    let (Some(lo), Some(hi)) = (
        parse_published(&est.earliest),
        est.latest.as_deref().and_then(parse_published),
    ) else {
        return Vec::new();
    };
    let days = (hi - lo).num_days().max(0);
    if days <= 31 {
        return vec![lo];
    }
    let step = (days / 100 + 1).max(5);
    let mut out: Vec<NaiveDate> = (0..=days)
        .step_by(step as usize)
        .map(|d| lo + Delta::days(d))
        .collect();
    if out.last() != Some(&hi) {
        out.push(hi);
    }
    out
}

/// The date a narrative expression of `unit` counts from: the last dated
/// expression before it, when it is at least that precise ("Oct. 23, 1999
/// ... Earlier that day" counts from Oct. 23; "in 1995 ... the following
/// year" from 1995). None when it is less precise ("in March ... the next
/// morning": which morning is not known).
fn narrative_reference(before: &[TimeExpr], unit: Unit) -> Option<NaiveDate> {
    let v = &before
        .iter()
        .rev()
        .find(|t| {
            matches!(t.kind, TimeType::Date | TimeType::Time)
                && t.value
                    .get(..4)
                    .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
        })?
        .value;
    match unit {
        Unit::Day | Unit::Week => parse_published(v),
        Unit::Month => NaiveDate::parse_from_str(&format!("{}-01", v.get(..7)?), "%Y-%m-%d").ok(),
        Unit::Year | Unit::Decade | Unit::Century => {
            NaiveDate::from_ymd_opt(v.get(..4)?.parse().ok()?, 1, 1)
        }
        _ => None,
    }
}

/// Words near an earnings report's figures: a quarter ("the latest
/// quarter") or a year-ago comparison counts only with one of them nearby.
const BUSINESS_WORDS: &[&str] = &[
    "profit",
    "revenue",
    "earnings",
    "sales",
    "net income",
    "loss",
    "a share",
    "dividend",
    "results",
];

/// In an earnings report, "a year ago", "a year earlier" and "last year"
/// beside a quarter's results compare with the same quarter a year before
/// ("net rose to $5 million from $4 million a year ago"), and "the 1988
/// quarter" or "period" is that quarter of 1988; so are "year-earlier
/// profit" and "year-ago results". The quarter is the first one the report
/// names (the one being reported; a year-ago quarter does not count, nor
/// one named in passing later, "a flat second quarter"). Without a quarter
/// named before, or without results nearby, the year stays a year.
/// `dated` marks the quarters whose own words gave their year ("the third
/// quarter of 1984"): those are history, not the quarter being reported.
fn comparison_quarters(text: &str, times: &mut [TimeExpr], dated: &[bool]) {
    fn quarter_of(v: &str) -> Option<(i32, u32)> {
        let (y, q) = v.split_once("-Q")?;
        Some((y.parse().ok()?, q.parse().ok()?))
    }
    let mut reported: Option<(i32, u32)> = None;
    for (i, t) in times.iter_mut().enumerate() {
        let lower = t.text.to_lowercase();
        if let Some(yq) = quarter_of(&t.value) {
            if reported.is_none()
                && !lower.contains("year")
                && !dated.get(i).copied().unwrap_or(false)
            {
                reported = Some(yq);
            }
            continue;
        }
        let Some((y0, q0)) = reported else { continue };
        // "last year" is often the whole year ("which last year accounted
        // for 41% of sales"); it is the year-ago quarter only as the
        // comparison of a figure: "last year's $1.55 billion", "down from
        // $21.4 million last year".
        let figure_before = || {
            let before = around(text, t.start, t.start, 30);
            let clause = before.rsplit(['.', ';']).next().unwrap_or(before);
            clause.contains(|ch: char| ch.is_ascii_digit())
        };
        let back = [
            "a year ago",
            "a year earlier",
            "one year ago",
            "one year earlier",
            "year-earlier",
            "year-ago",
        ]
        .contains(&lower.as_str())
            || (lower == "last year"
                && (text[t.end..].starts_with("'s")
                    || text[t.end..].starts_with("\u{2019}s")
                    || figure_before()));
        let next = text[t.end..].trim_start();
        let year_period = t.value.len() == 4
            && t.value.bytes().all(|b| b.is_ascii_digit())
            && (next.starts_with("quarter") || next.starts_with("period"));
        if !(back || year_period) {
            continue;
        }
        let near = around(text, t.start, t.end, 150).to_lowercase();
        if !BUSINESS_WORDS.iter().any(|w| near.contains(w)) {
            continue;
        }
        let y = if back {
            y0 - 1
        } else {
            t.value.parse().unwrap_or(y0)
        };
        t.value = format!("{y:04}-Q{q0}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str, published: Option<&str>) -> Document {
        let mut d = Document {
            text: text.into(),
            published: published.map(String::from),
            ..Default::default()
        };
        annotate(&mut d);
        d
    }

    fn find<'a>(d: &'a Document, t: &str) -> &'a TimeExpr {
        d.times
            .iter()
            .find(|x| x.text == t)
            .unwrap_or_else(|| panic!("no {t:?} in {:?}", d.times))
    }

    #[test]
    fn full_dates_in_three_forms() {
        let d = doc(
            "It began on Oct. 7, 2023. Then 7 October 2023 again, and 2025-03-13.",
            Some("2025-03-13"),
        );
        assert_eq!(find(&d, "Oct. 7, 2023").value, "2023-10-07");
        assert_eq!(find(&d, "7 October 2023").value, "2023-10-07");
        assert_eq!(find(&d, "2025-03-13").value, "2025-03-13");
        assert!(!find(&d, "Oct. 7, 2023").relative);
    }

    #[test]
    fn relative_expressions_resolve_against_publication() {
        // 2025-07-08 is a Tuesday.
        let d = doc(
            "Witkoff said on Monday that talks had narrowed. A meeting is scheduled for Tuesday. Last week, officials met. Earlier this month, aid was cut. They met over the weekend. Yesterday he left.",
            Some("2025-07-08"),
        );
        assert_eq!(find(&d, "Monday").value, "2025-07-07");
        assert_eq!(find(&d, "Tuesday").value, "2025-07-08");
        assert_eq!(find(&d, "Last week").value, "2025-W27");
        assert_eq!(find(&d, "Earlier this month").value, "2025-07");
        assert_eq!(find(&d, "the weekend").value, "2025-W27-WE");
        assert_eq!(find(&d, "Yesterday").value, "2025-07-07");
        assert!(find(&d, "Monday").relative);
    }

    #[test]
    fn durations_with_hyphens_and_words() {
        let d = doc("a 6\u{2011}year\u{2011}old boy, a 60-day truce, a 60\u{2011}day ceasefire, a six-week pause, a one-month truce, the 42-day phase. We may stay for a while.", None);
        assert_eq!(find(&d, "60-day").value, "P60D");
        assert_eq!(find(&d, "60\u{2011}day").value, "P60D");
        assert_eq!(find(&d, "six-week").value, "P6W");
        assert_eq!(find(&d, "one-month").value, "P1M");
        assert_eq!(find(&d, "42-day").kind, TimeType::Duration);
        assert!(d
            .times
            .iter()
            .all(|t| !t.text.contains("while") && !t.text.contains("year")));
        let d = doc("Prices rose over the past 20 years.", Some("2025-01-01"));
        assert_eq!(find(&d, "the past 20 years").value, "P20Y");
    }

    #[test]
    fn fractions_of_a_unit_go_to_the_next_smaller_one() {
        let d = doc("They lived in camps for 2 1/2 years. She spent about 5 1/2 hours in Nairobi. But a minute and a half later the pilot called. The talks lasted a day and a half, then two and a half years passed, then 1.5 weeks, then 3¾ hours.", Some("1998-02-27"));
        assert_eq!(find(&d, "2 1/2 years").value, "P2Y6M");
        assert_eq!(find(&d, "5 1/2 hours").value, "PT5H30M");
        assert_eq!(find(&d, "a minute and a half").value, "PT1M30S");
        assert_eq!(find(&d, "a day and a half").value, "P1DT12H");
        assert_eq!(find(&d, "two and a half years").value, "P2Y6M");
        assert_eq!(find(&d, "1.5 weeks").value, "P1.5W");
        assert_eq!(find(&d, "3¾ hours").value, "PT3H45M");
    }

    #[test]
    fn more_units_hedged_units_and_midday() {
        let d = doc("He will stay for at least two more weeks. The appeal could take as long as a month or two. This comes barely a year after the crisis. He was due in court at midday. It will not change for a couple of years.", Some("1999-10-08"));
        assert_eq!(find(&d, "two more weeks").value, "P2W");
        assert_eq!(find(&d, "a month").value, "P1M");
        assert_eq!(find(&d, "a year").value, "P1Y");
        assert_eq!(find(&d, "midday").value, "1999-10-08T12:00");
        assert_eq!(find(&d, "a couple of years").value, "P2Y");
        let d = doc(
            "Mr. Schwarz, 52 years old, will succeed him. She is two years older than he is.",
            Some("1989-11-02"),
        );
        assert!(d.times.iter().all(|t| t.text != "52 years"), "an age");
        assert_eq!(find(&d, "two years").value, "P2Y");
    }

    #[test]
    fn undated_text_keeps_placeholders() {
        let d = doc(
            "Hamas led the Oct. 7 attacks. The spokeswoman spoke during a Tuesday briefing. Progress was made in recent weeks and a deal may come in the coming days. Aid arrives every day.",
            None,
        );
        assert_eq!(d.published, None);
        assert!(d.date_estimate.is_none());
        assert_eq!(find(&d, "Oct. 7").value, "XXXX-10-07");
        assert_eq!(find(&d, "Tuesday").value, "XXXX-WXX-2");
        assert_eq!(find(&d, "recent weeks").value, "PAST_REF");
        assert_eq!(find(&d, "the coming days").value, "FUTURE_REF");
        assert_eq!(find(&d, "every day").kind, TimeType::Set);
    }

    #[test]
    fn months_and_times_of_day() {
        let d = doc("In mid-January, the sides agreed. The phase elapsed in early March. They dined on Monday night. A truce in November held.", Some("2025-03-13"));
        assert_eq!(find(&d, "mid-January").value, "2025-01");
        assert_eq!(find(&d, "early March").value, "2025-03");
        assert_eq!(find(&d, "November").value, "2024-11");
        let mn = find(&d, "Monday night");
        assert_eq!(mn.kind, TimeType::Time);
        assert_eq!(mn.value, "2025-03-10TNI");
    }

    #[test]
    fn estimates_date_from_war_length_and_past_months() {
        let text = "In mid-January, the two sides agreed to a truce. The 42-day first phase elapsed in early March. Hamas seized about 250 people in the Oct. 7, 2023 attack that ignited the devastating 15-month-war in Gaza. Earlier this month, Israel imposed restrictions.";
        let d = doc(text, None);
        assert!(d.published_estimated);
        let est = d.date_estimate.as_ref().unwrap();
        assert_eq!(est.earliest, "2025-03-01");
        assert!(est.basis.contains("Oct. 7, 2023"), "{}", est.basis);
        assert!(est.basis.contains("15-month"), "{}", est.basis);
        assert_eq!(d.published.as_deref(), Some("2025-03-01"));
        // The estimate spans March to December: too wide to pin "this month"
        // to one month, so the expression keeps its placeholder.
        let m = &find(&d, "Earlier this month").value;
        assert!(m.starts_with("XXXX") || m.ends_with("_REF"), "{m}");
        // "early March" is March 2025 whatever day of March to December the
        // report is from; "mid-January" would be January 2026 seen from late
        // December (a date within a month is read as the nearest), so it
        // keeps its placeholder.
        assert_eq!(find(&d, "early March").value, "2025-03");
        assert_eq!(find(&d, "mid-January").value, "XXXX-01");
        // Running again gives the same result.
        let mut again = d.clone();
        annotate(&mut again);
        assert_eq!(again, d);
    }

    #[test]
    fn multibyte_white_space_after_a_date_is_trimmed_safely() {
        let d = doc(
            "Voters went to the polls on Sunday\u{202f} after weeks of protests.",
            Some("2019-11-12"),
        );
        assert_eq!(find(&d, "Sunday").value, "2019-11-10");
    }

    #[test]
    fn years_need_a_preposition_a_determiner_or_a_list() {
        let d = doc(
            "The war since 2023 killed 2024 people in 1990s terms.",
            Some("2025-01-01"),
        );
        assert_eq!(find(&d, "2023").value, "2023");
        assert!(d.times.iter().all(|t| t.text != "2024"));
        // A year modifying a noun is the year alone; a count is not a year.
        let d = doc(
            "The 2014 war and a 1996 law, Israel's 2005 pullout and their 2019 deal at the 2000 Olympics; the 2000 workers, the 1990 people and the 1800 Palestinians, a 2000 km pipe. Raids in 1994, 1995, 1996 and 1997.",
            Some("2025-01-01"),
        );
        for y in ["2014", "1996", "2005", "2019", "2000", "1995"] {
            let t = find(&d, y);
            assert_eq!((t.value.as_str(), t.end - t.start), (y, 4));
        }
        let count = |y: &str| d.times.iter().filter(|t| t.text == y).count();
        assert_eq!((count("2000"), count("1996")), (1, 2), "{:?}", d.times);
        assert_eq!((count("1990"), count("1800")), (0, 0), "{:?}", d.times);
    }

    #[test]
    fn years_in_words_as_transcripts_write_them() {
        let d = doc(
            "Atlanta nineteen ninety-six. January nineteen ninety-seven, again. The promise to halve unemployment by the year two thousand was dropped; nineteen people and two thousand troops.",
            Some("1998-03-01"),
        );
        assert_eq!(find(&d, "nineteen ninety-six").value, "1996");
        assert_eq!(find(&d, "January nineteen ninety-seven").value, "1997-01");
        assert_eq!(find(&d, "the year two thousand").value, "2000");
        assert!(
            d.times
                .iter()
                .all(|t| !t.text.contains("nineteen people") && !t.text.contains("troops")),
            "{:?}",
            d.times
        );
    }

    #[test]
    fn a_daily_before_a_name_is_a_newspaper() {
        let d = doc(
            "The Communist Party daily Granma and the Israeli daily Haaretz reported it. Flights leave daily. Trucks enter daily, officials said.",
            Some("2000-01-07"),
        );
        let sets: Vec<&str> = d
            .times
            .iter()
            .filter(|t| t.value == "P1D")
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(sets, ["daily", "daily"], "{:?}", d.times);
        assert!(d.times.iter().all(|t| t.start > 60 || t.text != "daily"));
    }

    #[test]
    fn the_past_and_the_future_on_their_own() {
        let d = doc(
            "He said in the past it considered a bid. The future that awaits him is unclear. Sales fell over the past week. Hamas waits until the future conditions of a truce are agreed.",
            Some("1998-03-01"),
        );
        assert_eq!(find(&d, "the past").value, "PAST_REF");
        assert_eq!(find(&d, "The future").value, "FUTURE_REF");
        // "the past week" is a span of its own, not "the past" and a week;
        // "the future conditions" is an adjective.
        assert!(
            d.times.iter().all(|t| t.text != "the future"),
            "{:?}",
            d.times
        );
        assert_eq!(
            d.times.iter().filter(|t| t.text == "the past").count(),
            1,
            "{:?}",
            d.times
        );
    }

    #[test]
    fn payments_and_completions_to_come_are_dated_ahead() {
        // Published 1989-11-02: record dates, payments and closings named
        // without a year lie ahead, though "reduced" or "completed" end in -ed.
        let d = doc(
            "The reduced dividend is payable Jan. 2 to stock of record Nov. 20. They expect the sale to be completed by Dec. 15. The plant was completed on Oct. 3.",
            Some("1989-11-02"),
        );
        assert_eq!(find(&d, "Jan. 2").value, "1990-01-02");
        assert_eq!(find(&d, "Dec. 15").value, "1989-12-15");
        assert_eq!(find(&d, "Oct. 3").value, "1989-10-03");
    }

    #[test]
    fn holidays_resolve_by_calendar_rule_and_tense() {
        // 1999-12-03: Thanksgiving 1999 was Thursday, November 25.
        let d = doc(
            "Elian was found on Thanksgiving Day. Talks will resume after Christmas. Easter 2024 fell on March 31, Easter 2025 on April 20. He arrived last Thanksgiving.",
            Some("1999-12-03"),
        );
        assert_eq!(find(&d, "Thanksgiving Day").value, "1999-11-25");
        assert_eq!(find(&d, "Christmas").value, "1999-12-25");
        assert_eq!(find(&d, "Easter 2024").value, "2024-03-31");
        assert_eq!(find(&d, "Easter 2025").value, "2025-04-20");
        assert_eq!(find(&d, "last Thanksgiving").value, "1999-11-25");
        // Places, events and the common noun are not the holiday.
        let d = doc(
            "Flights to Christmas Island resumed; the Easter Rising is remembered; a service of thanksgiving was held. It lights up like a Christmas tree, in Adam and Joe's Easter Egg Podcasts, with Halloween costumes.",
            Some("2025-01-10"),
        );
        assert!(d.times.is_empty(), "{:?}", d.times);
        // ... but a noun of time or a verb after the name keeps the day.
        let d = doc(
            "Christmas week was quiet. Easter came early; troops left before Christmas and returned. He was found Thanksgiving Day clinging to a tube, a year after last Christmas following the crash. Over Christmas I met him; Christmas isn't far; since last Christmas Hamas has waited.",
            Some("2025-05-10"),
        );
        assert_eq!(find(&d, "Christmas").value, "2024-12-25");
        assert_eq!(find(&d, "Easter").value, "2025-04-20");
        assert_eq!(find(&d, "Thanksgiving Day").value, "2024-11-28");
        assert_eq!(find(&d, "last Christmas").value, "2024-12-25");
        assert_eq!(d.times.len(), 8, "{:?}", d.times);
        // Christmas said in January is the one just past.
        let d = doc(
            "Hostages were freed at Christmas, officials said.",
            Some("2025-01-10"),
        );
        assert_eq!(find(&d, "Christmas").value, "2024-12-25");
    }

    #[test]
    fn seasons_resolve_around_the_publication_date() {
        let d = doc(
            "He was shot last fall. Protests grew this summer and will return next spring. Prices fall in the fall of 2024, and in the early summer. The fall of Kabul came in winter 2021.",
            Some("1998-08-20"),
        );
        assert_eq!(find(&d, "last fall").value, "1997-FA");
        assert_eq!(find(&d, "this summer").value, "1998-SU");
        assert_eq!(find(&d, "next spring").value, "1999-SP");
        assert_eq!(find(&d, "the fall of 2024").value, "2024-FA");
        assert_eq!(find(&d, "the early summer").value, "1998-SU");
        assert_eq!(find(&d, "winter 2021").value, "2021-WI");
        // A verb, and "the fall of" a city, are not seasons.
        assert!(
            d.times
                .iter()
                .all(|t| t.text != "fall" && t.text != "The fall"),
            "{:?}",
            d.times
        );
        // Names and "nuclear winter" are not seasons.
        let d = doc(
            "The Winter Olympics and the Summer Games drew crowds; Donna Summer sang of nuclear winter.",
            Some("2025-01-10"),
        );
        assert!(d.times.is_empty(), "{:?}", d.times);
        // In January, this winter began in December; last winter a year before.
        let d = doc(
            "This winter is mild; last winter was not.",
            Some("2025-01-15"),
        );
        assert_eq!(find(&d, "This winter").value, "2024-WI");
        assert_eq!(find(&d, "last winter").value, "2023-WI");
    }

    #[test]
    fn quarters_of_earnings_reports() {
        let d = doc(
            "Profit rose in the latest quarter from the year-ago quarter, and the current quarter began well. The latest period was strong. The team lost the quarter-final.",
            Some("1989-10-20"),
        );
        assert_eq!(find(&d, "the latest quarter").value, "1989-Q3");
        assert_eq!(find(&d, "the year-ago quarter").value, "1988-Q3");
        assert_eq!(find(&d, "the current quarter").value, "1989-Q4");
        assert_eq!(find(&d, "The latest period").value, "1989-Q3");
        assert!(
            d.times.iter().all(|t| !t.text.contains("final")),
            "{:?}",
            d.times
        );
        // Not a quarter century, nor a quarter of a game.
        let d = doc(
            "Over the past quarter century the league grew. He scored ten points in the quarter.",
            Some("2025-01-15"),
        );
        assert!(
            d.times.iter().all(|t| !t.text.contains("quarter")),
            "{:?}",
            d.times
        );
        // Across a year boundary; a bare "period" is not a quarter.
        let d = doc(
            "Sales in the quarter fell over the period.",
            Some("2025-01-15"),
        );
        assert_eq!(find(&d, "the quarter").value, "2024-Q4");
        assert!(d.times.iter().all(|t| t.text != "the period"));
    }

    #[test]
    fn quarters_take_the_year_their_words_give() {
        let d = doc(
            "The utility stopped paying a dividend in the third quarter of 1984. In the 1988 second quarter it lost money. Sales may recover in next year's first quarter. In the year-earlier fourth quarter it earned $2 million. Profit a year ago was lower.",
            Some("1989-10-27"),
        );
        assert_eq!(find(&d, "the third quarter").value, "1984-Q3");
        assert_eq!(find(&d, "second quarter").value, "1988-Q2");
        assert_eq!(find(&d, "first quarter").value, "1990-Q1");
        assert_eq!(find(&d, "fourth quarter").value, "1988-Q4");
        // Without a date, the year named still holds.
        let d = doc("Losses ran through the third quarter of 1990.", None);
        assert_eq!(find(&d, "the third quarter").value, "1990-Q3");
    }

    #[test]
    fn plans_overtaken_and_arrangements_to_come() {
        let d = doc(
            "The offer had been due to expire Friday evening. The stock is to resume trading in Paris Tuesday.",
            Some("1989-10-30"),
        );
        assert_eq!(find(&d, "Friday evening").value, "1989-10-27TEV");
        assert_eq!(find(&d, "Tuesday").value, "1989-10-31");
    }

    #[test]
    fn lowered_rules_have_no_capitals() {
        // A rule run on lower-cased text must spell its words in lower case.
        let escapes = regex::Regex::new(r"\\[A-Za-z]|\\p\{[^}]*\}|\(\?P<").unwrap();
        for r in RULES.iter().filter(|r| r.lower) {
            let bare = escapes.replace_all(r.re.as_str(), "");
            assert!(
                !bare.chars().any(|c| c.is_ascii_uppercase()),
                "capital letter in a lower-case rule: {}",
                r.re.as_str()
            );
        }
        assert!(RULES.iter().filter(|r| r.lower).count() >= 10);
    }

    #[test]
    fn no_panic_on_odd_text() {
        for t in [
            "",
            "Oct. 99, 2023",
            "May",
            "“Tuesday”—é 3 p.m.",
            "February 30, 2024 and 2024-13-45",
        ] {
            let _ = doc(t, None);
            let _ = doc(t, Some("2025-01-01"));
        }
        let d = doc("at 3 p.m. on Friday", Some("2025-01-01"));
        assert_eq!(find(&d, "3 p.m. on Friday").value, "2025-01-03T15:00");
    }

    #[test]
    fn clock_times_on_their_day() {
        let d = doc(
            "Talks broke off at noon Thursday. The deadline will be 9 a.m. EST Tuesday. \
             The offer will expire Nov. 9 at 5 p.m. The film High Noon played. They met at 3 p.m.",
            Some("1998-02-13"),
        );
        assert_eq!(find(&d, "noon Thursday").value, "1998-02-12T12:00");
        assert_eq!(find(&d, "9 a.m. EST Tuesday").value, "1998-02-17T09:00");
        assert_eq!(find(&d, "Nov. 9 at 5 p.m.").value, "1998-11-09T17:00");
        assert_eq!(find(&d, "3 p.m.").value, "1998-02-13T15:00");
        assert!(d.times.iter().all(|t| !t.text.contains("Noon")));
    }

    #[test]
    fn year_ago_comparisons_in_earnings_reports() {
        let d = doc(
            "Third-quarter net income rose to $5 million, or 10 cents a share, from $4 million a year ago. \
             Sales rose to $80 million from last year's $70 million. In the 1988 period, the \
             company took a charge. Last year the unit accounted for 41% of the market.",
            Some("1989-11-02"),
        );
        assert_eq!(find(&d, "a year ago").value, "1988-Q3");
        assert_eq!(find(&d, "last year").value, "1988-Q3");
        assert_eq!(find(&d, "1988").value, "1988-Q3");
        // not a comparison of figures: the year
        assert_eq!(find(&d, "Last year").value, "1988");
        // no quarter named: a year ago is a year
        let d = doc(
            "Profit rose to $5 million from $4 million a year ago.",
            Some("1989-11-02"),
        );
        assert_eq!(find(&d, "a year ago").value, "1988");
    }

    #[test]
    fn year_earlier_results_year_end_and_the_full_year() {
        let d = doc(
            "Third-quarter profit rose 5%, compared with year-earlier profit of $3 million. \
             In the year-ago third quarter it lost money. Sales for the full year will grow, \
             and the deal should close by year-end.",
            Some("1989-11-02"),
        );
        assert_eq!(find(&d, "year-earlier").value, "1988-Q3");
        assert!(d.times.iter().all(|t| t.text != "year-ago"));
        assert_eq!(find(&d, "the full year").value, "1989");
        assert_eq!(find(&d, "year-end").value, "1989-12-31");
        let d = doc("Shares have fallen 10% since year-end.", Some("1989-11-02"));
        assert_eq!(find(&d, "year-end").value, "1988-12-31");
    }

    #[test]
    fn months_of_last_or_next_year_and_fiscal_years() {
        let d = doc(
            "In June last year the leaders met, and in January this year again; \
             more talks are set for March of next year. For the fiscal year ended Sept. 30, \
             profit fell to a low not seen in two decades.",
            Some("1998-02-19"),
        );
        assert_eq!(find(&d, "June last year").value, "1997-06");
        assert_eq!(find(&d, "January this year").value, "1998-01");
        assert_eq!(find(&d, "March of next year").value, "1999-03");
        let fy = find(&d, "the fiscal year");
        assert_eq!((fy.kind, fy.value.as_str()), (TimeType::Duration, "P1Y"));
        assert_eq!(find(&d, "two decades").value, "P20Y");
    }

    #[test]
    fn tense_cues_as_soon_as_and_words_ending_in_eed() {
        let d = doc(
            "The boy could leave as soon as Tuesday. Mr. Smith will succeed Mr. Jones Feb. 1.",
            Some("2000-04-03"),
        );
        assert_eq!(find(&d, "Tuesday").value, "2000-04-04");
        assert_eq!(find(&d, "Feb. 1").value, "2001-02-01");
    }

    #[test]
    fn narrative_times_count_from_the_last_date_named() {
        let d = doc(
            "He was killed on Oct. 23, 1998 by a sniper. Earlier that day, his family sent a fax; the next morning they called again. The trial opened in March 1999; the following month the jury met. That year ended badly.",
            Some("2000-01-10"),
        );
        assert_eq!(find(&d, "Earlier that day").value, "1998-10-23");
        assert_eq!(find(&d, "the next morning").value, "1998-10-24TMO");
        assert_eq!(find(&d, "the following month").value, "1999-04");
        assert_eq!(find(&d, "That year").value, "1999");
        // With nothing named before, the anchor is the reference.
        let d = doc("The following day, talks resumed.", Some("2000-01-10"));
        assert_eq!(find(&d, "The following day").value, "2000-01-11");
    }

    #[test]
    fn tense_cues_that_are_prepositions_or_nouns_do_not_count() {
        let d = doc(
            "A bomb went off next to the embassy Friday morning. The thrift announced the plan Aug. 21. The index set a record on Aug. 6. Protesters were planning to march on Monday. He could not be located Wednesday. The summit would still be held on April 24.",
            Some("1999-09-04"),
        );
        assert_eq!(find(&d, "Friday morning").value, "1999-09-03TMO");
        assert_eq!(find(&d, "Aug. 21").value, "1999-08-21");
        assert_eq!(find(&d, "Aug. 6").value, "1999-08-06");
        assert_eq!(find(&d, "Monday").value, "1999-09-06");
        assert_eq!(find(&d, "Wednesday").value, "1999-09-01");
        assert_eq!(find(&d, "April 24").value, "2000-04-24");
    }

    #[test]
    fn dates_within_weeks_of_the_anchor_stay_in_its_year_whatever_the_tense() {
        let d = doc(
            "The company said it extended its bid to Nov. 16. It said sales fell in March.",
            Some("1989-11-02"),
        );
        assert_eq!(find(&d, "Nov. 16").value, "1989-11-16");
        assert_eq!(find(&d, "March").value, "1989-03");
    }
}
