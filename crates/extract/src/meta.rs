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

/// A `<meta>` tag whose `property`, `name`, `itemprop` or `http-equiv` is
/// one of `names` (a regex alternation, matched case-insensitively), with
/// its `content` before or after; the content is in one of groups 1-4.
/// Tag names end at an ASCII word boundary, `(?-u:\b)`: the regex crate's
/// fast automaton gives up on a Unicode `\b` at the first non-ASCII byte
/// and leaves the whole page to its slowest engine (12% of the samples of
/// `perf record` over the extraction benchmark before; docs/bench/web.md).
fn meta_pattern(names: &str) -> regex::Regex {
    let attr = r#"\s(?:property|name|itemprop|http-equiv)\s*=\s*["'](?:NAMES)["']"#
        .replace("NAMES", names);
    let content = r#"\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')"#;
    regex::Regex::new(&format!(
        r"(?i)<meta(?-u:\b)[^>]*?{attr}[^>]*?{content}|<meta(?-u:\b)[^>]*?{content}[^>]*?{attr}"
    ))
    .expect("meta pattern")
}

/// `<time itemprop="PROP" datetime="...">`, the date in group 1.
fn time_pattern(itemprop: &str) -> regex::Regex {
    regex::Regex::new(&format!(
        r#"(?i)<time(?-u:\b)[^>]*?\sitemprop\s*=\s*["']{itemprop}["'][^>]*?\sdatetime\s*=\s*["']([^"']+)["']"#
    ))
    .expect("time pattern")
}

/// A JSON-LD `"KEY": "..."` string value, in group 1.
fn json_ld_pattern(key: &str) -> regex::Regex {
    regex::Regex::new(&format!(r#""{key}"\s*:\s*"([^"]+)""#)).expect("JSON-LD pattern")
}

/// The first non-empty capture of the first match, entities decoded.
fn first_capture(re: &regex::Regex, html: &str) -> Option<String> {
    re.captures_iter(html).find_map(|c| {
        c.iter()
            .skip(1)
            .flatten()
            .map(|m| html_escape::decode_html_entities(m.as_str().trim()).into_owned())
            .find(|s| !s.is_empty())
    })
}

type Lazy<T> = once_cell::sync::Lazy<T>;

static PUBLISHED_META: Lazy<regex::Regex> = Lazy::new(|| {
    meta_pattern("article:published_time|og:published_time|datepublished|date|pubdate|publishdate|publish-date|publish_date|dc.date|dc.date.issued|dcterms.date|dcterms.created|sailthru.date|parsely-pub-date|citation_publication_date")
});
static PUBLISHED_ELSEWHERE: Lazy<[regex::Regex; 2]> = Lazy::new(|| {
    [
        time_pattern("datePublished"),
        json_ld_pattern("datePublished"),
    ]
});
static MODIFIED: Lazy<[regex::Regex; 3]> = Lazy::new(|| {
    [
        meta_pattern("article:modified_time|og:updated_time|datemodified|last-modified|modified|dcterms.modified"),
        time_pattern("dateModified"),
        json_ld_pattern("dateModified"),
    ]
});
static DESCRIPTION: Lazy<regex::Regex> =
    Lazy::new(|| meta_pattern("description|og:description|twitter:description|dc.description"));
static CANONICAL: Lazy<[regex::Regex; 2]> = Lazy::new(|| {
    [
        regex::Regex::new(r#"(?i)<link(?-u:\b)[^>]*?\srel\s*=\s*["']canonical["'][^>]*?\shref\s*=\s*["']([^"']+)["']|<link(?-u:\b)[^>]*?\shref\s*=\s*["']([^"']+)["'][^>]*?\srel\s*=\s*["']canonical["']"#).expect("canonical pattern"),
        meta_pattern("og:url"),
    ]
});

/// The first-publication date a page's `<meta>` tags state, as written
/// (`article:published_time`, `datePublished`, `pubdate`, Dublin Core...).
pub fn published_meta(html: &str) -> Option<String> {
    first_capture(&PUBLISHED_META, html)
}

/// A first-publication date stated elsewhere in the page: a
/// `<time itemprop="datePublished">` or JSON-LD `"datePublished"`. Less
/// sure than a `<meta>` tag: the first found may belong to a teaser of
/// another article.
pub fn published_elsewhere(html: &str) -> Option<String> {
    PUBLISHED_ELSEWHERE
        .iter()
        .find_map(|re| first_capture(re, html))
}

/// The last-update date a page states, as written: a `<meta>` tag
/// (`article:modified_time`, `og:updated_time`, `dateModified`,
/// `last-modified`), else a `<time itemprop="dateModified">`, else JSON-LD
/// `"dateModified"`.
pub fn modified_in_html(html: &str) -> Option<String> {
    MODIFIED.iter().find_map(|re| first_capture(re, html))
}

/// The page's own description (`<meta name="description">`,
/// `og:description`, `twitter:description`), entities decoded.
pub fn description_in_html(html: &str) -> Option<String> {
    first_capture(&DESCRIPTION, html)
}

/// The page's canonical address as it states it (`<link rel="canonical">`,
/// else `og:url`), never the address it was fetched from.
pub fn canonical_in_html(html: &str) -> Option<String> {
    CANONICAL.iter().find_map(|re| first_capture(re, html))
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
        let both = r#"<meta property="article:modified_time" content="2025-07-09"><meta property="article:published_time" content="2025-07-08"><script type="application/ld+json">{"datePublished":"2025-07-07T06:00:00Z"}</script>"#;
        assert_eq!(published_meta(both).as_deref(), Some("2025-07-08"));
        assert_eq!(
            published_elsewhere(both).as_deref(),
            Some("2025-07-07T06:00:00Z")
        );
        assert_eq!(modified_in_html(both).as_deref(), Some("2025-07-09"));
    }

    #[test]
    fn description_and_canonical_from_the_page_only() {
        let page = r#"<head><meta name="description" content="It's the talks' last day &amp; more"><link href="https://x.example/a" rel="canonical"></head>"#;
        assert_eq!(
            description_in_html(page).as_deref(),
            Some("It's the talks' last day & more")
        );
        assert_eq!(
            canonical_in_html(page).as_deref(),
            Some("https://x.example/a")
        );
        let og = r#"<meta property="og:url" content="https://x.example/b"><meta property="og:description" content='Said "yes"'>"#;
        assert_eq!(
            canonical_in_html(og).as_deref(),
            Some("https://x.example/b")
        );
        assert_eq!(description_in_html(og).as_deref(), Some("Said \"yes\""));
        assert_eq!(canonical_in_html("<p>no head</p>"), None);
        assert_eq!(description_in_html("<p>no head</p>"), None);
        assert_eq!(
            parse_date(
                &modified_in_html(
                    r#"<META PROPERTY='og:updated_time' CONTENT='2024-01-31T08:00:00+02:00'>"#
                )
                .unwrap()
            )
            .as_deref(),
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
