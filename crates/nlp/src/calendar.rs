//! Names of weekdays and months, in lower case: the one list the annotators
//! and the story features share. Time rules match them capitalized;
//! speaker and topic filters leave them out as names ("Monday" is not a
//! person, "October" tells when, not what).

/// Weekday names.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Month names.
pub const MONTHS: [&str; 12] = [
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

/// Month abbreviations as news text writes them, without the period ("may"
/// has none). "sept" comes before "sep" so an alternation built from the
/// list matches the longer form first.
pub const MONTH_ABBREVIATIONS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept", "sep", "oct", "nov", "dec",
];

/// Is `w` (lower case) a weekday name?
pub fn is_weekday(w: &str) -> bool {
    WEEKDAYS.contains(&w)
}

/// Is `w` (lower case) a month name other than "may", which is far more
/// often the verb?
pub fn names_a_month(w: &str) -> bool {
    w != "may" && MONTHS.contains(&w)
}

/// Is `w` (lower case, no period) a month abbreviation?
pub fn is_month_abbreviation(w: &str) -> bool {
    MONTH_ABBREVIATIONS.contains(&w)
}

/// The words of `list` capitalized and joined as a regex alternation:
/// `Monday|Tuesday|...`.
pub(crate) fn capitalized_alternation(list: &[&str]) -> String {
    list.iter()
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_alternations() {
        assert!(is_weekday("sunday") && !is_weekday("Sunday"));
        assert!(names_a_month("march") && !names_a_month("may"));
        assert!(is_month_abbreviation("sept") && !is_month_abbreviation("sept."));
        assert_eq!(
            capitalized_alternation(&WEEKDAYS),
            "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
        );
        assert_eq!(
            capitalized_alternation(&MONTH_ABBREVIATIONS),
            "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
        );
    }
}
