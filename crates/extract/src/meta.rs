//! Metadata helpers: dates from metadata strings, language of the text.

use chrono::{DateTime, NaiveDate};

/// Parse a publication date as metadata gives it (ISO 8601, RFC 2822/3339,
/// "March 13, 2025", "13 March 2025", "2025/03/13") into `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.date_naive().to_string());
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.date_naive().to_string());
    }
    // A leading ISO date with anything after it ("2025-03-13T10:00", "2025-03-13 10:00:00").
    if s.len() >= 10 {
        if let Some(head) = s.get(..10) {
            for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"] {
                if let Ok(d) = NaiveDate::parse_from_str(head, fmt) {
                    return Some(d.to_string());
                }
            }
        }
    }
    let cleaned: String = s.replace(',', " ").replace('.', " ");
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    for fmt in [
        "%B %d %Y",
        "%b %d %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%A %B %d %Y",
        "%a %b %d %Y",
        "%A %d %B %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(&cleaned, fmt) {
            return Some(d.to_string());
        }
    }
    // "Sept" is common in news and not a chrono abbreviation.
    if cleaned.contains("Sept ") {
        return parse_date(&cleaned.replace("Sept ", "Sep "));
    }
    None
}

/// How much of the text the language is guessed from.
const LANGUAGE_SAMPLE_CHARS: usize = 600;

/// ISO 639-1 code of the text's language, when detection is reliable.
pub fn language(text: &str) -> Option<String> {
    // A few hundred characters decide the language as surely as the whole
    // text. The sample bounds the trigram counting; comparing against each
    // language profile costs the same whatever the length.
    let text = match text.char_indices().nth(LANGUAGE_SAMPLE_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let info = whatlang::detect(text)?;
    if !info.is_reliable() && text.len() > 400 {
        return None;
    }
    let code3 = info.lang().code();
    let code = match code3 {
        "eng" => "en",
        "deu" => "de",
        "fra" => "fr",
        "spa" => "es",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "rus" => "ru",
        "ara" => "ar",
        "heb" => "he",
        "tur" => "tr",
        "pol" => "pl",
        "ukr" => "uk",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "no",
        "fin" => "fi",
        "ces" => "cs",
        "ell" => "el",
        "hun" => "hu",
        "ron" => "ro",
        "cmn" => "zh",
        "jpn" => "ja",
        "kor" => "ko",
        "hin" => "hi",
        "urd" => "ur",
        "pes" => "fa",
        "ind" => "id",
        "vie" => "vi",
        "tha" => "th",
        other => other,
    };
    Some(code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_common_metadata_forms() {
        assert_eq!(
            parse_date("2025-03-13T10:22:00Z").as_deref(),
            Some("2025-03-13")
        );
        assert_eq!(
            parse_date("Thu, 13 Mar 2025 10:22:00 +0000").as_deref(),
            Some("2025-03-13")
        );
        assert_eq!(parse_date("March 13, 2025").as_deref(), Some("2025-03-13"));
        assert_eq!(parse_date("13 March 2025").as_deref(), Some("2025-03-13"));
        assert_eq!(parse_date("Sept. 4, 2024").as_deref(), Some("2024-09-04"));
        assert_eq!(parse_date("2025/07/08").as_deref(), Some("2025-07-08"));
        assert_eq!(parse_date("last week"), None);
    }

    #[test]
    fn language_of_news_text() {
        let en = "The negotiations between the two sides were in limbo on Thursday as officials turned their attention elsewhere.";
        assert_eq!(language(en).as_deref(), Some("en"));
    }
}
