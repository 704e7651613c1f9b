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

/// Which date of a page: first publication or last update.
#[derive(Clone, Copy)]
enum PageDate {
    Published,
    Modified,
}

/// Patterns for one kind of page date: `<meta>` with the name before or
/// after `content`, `<time itemprop=...>`, JSON-LD.
fn page_date_patterns(kind: PageDate) -> [regex::Regex; 3] {
    let (names, itemprop, ld) = match kind {
        PageDate::Published => (
            "article:published_time|og:published_time|datepublished|date|pubdate|publishdate|publish-date|publish_date|dc.date|dc.date.issued|dcterms.date|dcterms.created|sailthru.date|parsely-pub-date|citation_publication_date",
            "datePublished",
            "datePublished",
        ),
        PageDate::Modified => (
            "article:modified_time|og:updated_time|datemodified|last-modified|modified|dcterms.modified",
            "dateModified",
            "dateModified",
        ),
    };
    let attr = "(?:property|name|itemprop|http-equiv)";
    let q = "[\"']";
    [
        regex::Regex::new(&format!(
            r#"(?i)<meta\b[^>]*?\s{attr}\s*=\s*{q}(?:{names}){q}[^>]*?\scontent\s*=\s*{q}([^"']+){q}|<meta\b[^>]*?\scontent\s*=\s*{q}([^"']+){q}[^>]*?\s{attr}\s*=\s*{q}(?:{names}){q}"#
        )),
        regex::Regex::new(&format!(
            r#"(?i)<time\b[^>]*?\sitemprop\s*=\s*{q}{itemprop}{q}[^>]*?\sdatetime\s*=\s*{q}([^"']+){q}"#
        )),
        regex::Regex::new(&format!(r#""{ld}"\s*:\s*"([^"]+)""#)),
    ]
    .map(|r| r.expect("page date pattern"))
}

fn page_date(html: &str, pats: &[regex::Regex; 3]) -> Option<String> {
    pats.iter()
        .find_map(|re| {
            re.captures(html)
                .and_then(|c| c.iter().skip(1).flatten().next())
                .map(|m| m.as_str().trim().to_string())
        })
        .filter(|s| !s.is_empty())
}

/// The first-publication date a page's metadata states, as written: a
/// `<meta>` tag (`article:published_time`, `datePublished`, `pubdate`,
/// Dublin Core...), a `<time itemprop="datePublished">`, or JSON-LD
/// `"datePublished"`; the first found wins. Read apart from the main
/// extractor, which prefers the last-update date when a page has both.
pub fn published_in_html(html: &str) -> Option<String> {
    static P: once_cell::sync::Lazy<[regex::Regex; 3]> =
        once_cell::sync::Lazy::new(|| page_date_patterns(PageDate::Published));
    page_date(html, &P)
}

/// The last-update date a page's metadata states, as written: a `<meta>`
/// tag (`article:modified_time`, `og:updated_time`, `dateModified`,
/// `last-modified`), a `<time itemprop="dateModified">`, or JSON-LD
/// `"dateModified"`; the first found wins.
pub fn modified_in_html(html: &str) -> Option<String> {
    static P: once_cell::sync::Lazy<[regex::Regex; 3]> =
        once_cell::sync::Lazy::new(|| page_date_patterns(PageDate::Modified));
    page_date(html, &P)
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
    fn modified_dates_from_meta_time_and_json_ld() {
        let cases = [
            (
                r#"<meta property="article:modified_time" content="2025-07-09T10:00:00Z">"#,
                "2025-07-09T10:00:00Z",
            ),
            (
                r#"<meta content="2025-03-02" name="dateModified" />"#,
                "2025-03-02",
            ),
            (
                r#"<META PROPERTY='og:updated_time' CONTENT='2024-01-31T08:00:00+02:00'>"#,
                "2024-01-31T08:00:00+02:00",
            ),
            (
                r#"<time itemprop="dateModified" datetime="2025-01-15">Jan 15</time>"#,
                "2025-01-15",
            ),
            (
                r#"<script type="application/ld+json">{"datePublished":"2025-01-14","dateModified": "2025-01-16T12:00:00Z"}</script>"#,
                "2025-01-16T12:00:00Z",
            ),
        ];
        for (html, want) in cases {
            assert_eq!(modified_in_html(html).as_deref(), Some(want), "{html}");
        }
        assert_eq!(
            modified_in_html(r#"<meta property="article:published_time" content="2025-07-08">"#),
            None
        );
        let both = r#"<meta property="article:modified_time" content="2025-07-09"><meta property="article:published_time" content="2025-07-08"><script type="application/ld+json">{"datePublished":"2025-07-08T06:00:00Z"}</script>"#;
        assert_eq!(published_in_html(both).as_deref(), Some("2025-07-08"));
        assert_eq!(modified_in_html(both).as_deref(), Some("2025-07-09"));
        assert_eq!(
            parse_date(&modified_in_html(cases[2].0).unwrap()).as_deref(),
            Some("2024-01-31")
        );
    }

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
