//! Bytes plus hints to a [`Document`]: format sniffing, decoding, the main
//! text of HTML pages, plain-text clean-up with every removal recorded, and
//! metadata (title, byline, standfirst, publisher, date, language).
//!
//! Extraction fills only what the source says. A publication date that the
//! metadata does not give is estimated later, from the text's own time
//! expressions (`dossier-nlp`), and marked as estimated there.

pub mod charset;
pub mod decode;
pub mod eval;
pub mod html;
pub mod meta;
pub mod text;

use dossier_model::{Document, Removal, SourceHints};

/// Why an input could not become a document.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("empty input")]
    Empty,
    #[error("binary content, not text")]
    Binary,
    #[error("{0}")]
    InvalidText(String),
    #[error("HTML extraction failed: {0}")]
    Html(String),
    #[error("no article text found")]
    NoText,
}

/// The input formats extraction understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
}

/// Stable document id: a hash of who published it, its title and its text.
/// The same report ingested twice gets the same id; the same wire text run
/// by two outlets gets two ids (and is folded as a near-duplicate later).
pub fn document_id(publisher: Option<&str>, title: Option<&str>, text: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(publisher.unwrap_or("").to_lowercase().as_bytes());
    h.update(b"\x1f");
    h.update(title.unwrap_or("").as_bytes());
    h.update(b"\x1f");
    for w in text.split_whitespace() {
        h.update(w.as_bytes());
        h.update(b" ");
    }
    h.finalize().to_hex()[..16].to_string()
}

/// Decode and extract one input.
pub fn extract(bytes: &[u8], hints: &SourceHints) -> Result<Document, ExtractError> {
    let decoded = decode::decode(bytes, None)?;
    let is_html = match hints.content_type.as_deref() {
        Some(ct) if ct.contains("html") => true,
        Some(ct) if ct.contains("text/plain") => false,
        _ => {
            let ext = hints
                .path
                .as_deref()
                .and_then(|p| p.rsplit('.').next())
                .map(str::to_ascii_lowercase);
            matches!(ext.as_deref(), Some("html" | "htm" | "xhtml"))
                || html::looks_like_html(&decoded.text)
        }
    };
    let mut doc = if is_html {
        extract_html(&decoded.text, hints)?
    } else {
        extract_text(&decoded.text, hints)
    };
    if let Some(enc) = decoded.encoding {
        doc.removed.insert(
            0,
            Removal {
                text: String::new(),
                reason: format!("decoded-from-{enc}"),
            },
        );
    }
    if doc.text.trim().is_empty() {
        return Err(ExtractError::NoText);
    }
    Ok(doc)
}

/// Build a document from plain text.
pub fn extract_text(raw: &str, hints: &SourceHints) -> Document {
    let c = text::clean(raw, hints.title.as_deref());
    finish(c, hints, None, None)
}

/// Build a document from an HTML page.
pub fn extract_html(page: &str, hints: &SourceHints) -> Result<Document, ExtractError> {
    let a = html::extract(page, hints.url.as_deref())?;
    let title_hint = hints.title.clone().or(a.title.clone());
    let mut c = text::clean_extracted(&a.text, title_hint.as_deref());
    if c.byline.is_none() {
        c.byline = a.byline.clone();
    }
    if c.standfirst.is_none() {
        c.standfirst = a
            .excerpt
            .clone()
            .filter(|e| !c.body.starts_with(e.as_str()));
    }
    let publisher = c.publisher.clone().or(a.site_name.clone());
    c.publisher = publisher;
    let mut hints = hints.clone();
    if hints.published.is_none() {
        hints.published = a.published.clone();
    }
    if hints.url.is_none() {
        hints.url = a.url.clone();
    }
    let mut doc = finish(c, &hints, a.lang.as_deref(), None);
    // From the page's own tags only: the extractors fall back to the
    // fetch address and to the first paragraph, which are neither.
    doc.canonical_url = meta::canonical_in_html(page);
    doc.description = meta::description_in_html(page);
    doc.modified = a.modified.as_deref().and_then(meta::parse_date);
    Ok(doc)
}

fn finish(
    c: text::Cleaned,
    hints: &SourceHints,
    lang: Option<&str>,
    _enc: Option<&str>,
) -> Document {
    let publisher = hints.source.clone().or(c.publisher);
    let title = c.title.or_else(|| hints.title.clone());
    let published = hints.published.as_deref().and_then(meta::parse_date);
    let language = meta::language(&c.body)
        .or_else(|| lang.map(|l| l.split(['-', '_']).next().unwrap_or(l).to_lowercase()));
    Document {
        id: document_id(publisher.as_deref(), title.as_deref(), &c.body),
        path: hints.path.clone(),
        url: hints.url.clone(),
        title,
        byline: c.byline.or_else(|| hints.byline.clone()),
        standfirst: c.standfirst,
        publisher,
        published,
        published_estimated: false,
        date_estimate: None,
        language,
        text: c.body,
        removed: c.removed,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_page_gives_body_and_metadata() {
        let page = r#"<!doctype html><html lang="en"><head><title>Talks resume | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2025-07-08T09:00:00Z">
<meta property="article:modified_time" content="2025-07-09T15:30:00Z">
<link rel="canonical" href="https://planet.example/world/talks-resume">
<meta name="description" content="Negotiators are back at the table in Cairo.">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks resume</h1><p class="byline">By Lois Lane</p>
<p>Negotiators met again in Cairo on Sunday, officials said, after a week-long pause in the talks between the two sides.</p>
<p>“We are close,” a senior diplomat said. The next round is expected on Tuesday, when both delegations return to the Egyptian capital.</p>
<p>Mediators have proposed a 60-day truce during which prisoners and hostages would be exchanged in stages.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"#;
        let d = extract(page.as_bytes(), &SourceHints::default()).unwrap();
        assert!(
            d.text.contains("Negotiators met again in Cairo"),
            "{}",
            d.text
        );
        assert!(!d.text.contains("Subscribe"));
        assert!(!d.text.contains("Home"));
        assert_eq!(d.published.as_deref(), Some("2025-07-08"));
        assert_eq!(d.modified.as_deref(), Some("2025-07-09"));
        assert_eq!(
            d.canonical_url.as_deref(),
            Some("https://planet.example/world/talks-resume")
        );
        assert_eq!(
            d.description.as_deref(),
            Some("Negotiators are back at the table in Cairo.")
        );
        assert_eq!(d.publisher.as_deref(), Some("Daily Planet"));
        assert!(d.title.as_deref().unwrap().contains("Talks resume"));
    }

    #[test]
    fn ids_are_stable_and_text_driven() {
        let a = document_id(Some("X"), Some("T"), "one  two\nthree");
        assert_eq!(a, document_id(Some("x"), Some("T"), "one two three"));
        assert_ne!(a, document_id(Some("Y"), Some("T"), "one two three"));
    }

    #[test]
    fn metadata_hints_win_over_text() {
        let hints = SourceHints {
            source: Some("Wire".into()),
            published: Some("2024-01-30".into()),
            ..Default::default()
        };
        let d = extract(
            b"Talks go on\nThe talks went on for a third day on Tuesday.\nNo deal was reached.",
            &hints,
        )
        .unwrap();
        assert_eq!(d.publisher.as_deref(), Some("Wire"));
        assert_eq!(d.published.as_deref(), Some("2024-01-30"));
        assert!(!d.published_estimated);
        assert_eq!(d.title.as_deref(), Some("Talks go on"));
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(matches!(
            extract(b"", &SourceHints::default()),
            Err(ExtractError::Empty)
        ));
        assert!(matches!(
            extract(b"\x00\x01\x02\x03abc", &SourceHints::default()),
            Err(ExtractError::Binary)
        ));
    }
}
