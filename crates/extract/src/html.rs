//! Main text and metadata from an HTML page, by `dom_smoothie` (a port of
//! Mozilla's Readability: the fastest of the Rust extractors measured on
//! news pages here), followed by the same furniture clean-up as plain text.

use crate::ExtractError;
use dom_smoothie::{Config, Readability, TextMode};

/// What the HTML extractor found.
pub struct HtmlArticle {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub site_name: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub excerpt: Option<String>,
    /// Main text, one paragraph per line.
    pub text: String,
}

pub fn extract(html: &str, url: Option<&str>) -> Result<HtmlArticle, ExtractError> {
    let cfg = Config { text_mode: TextMode::Formatted, ..Default::default() };
    // dom_smoothie rejects relative or malformed URLs; the URL is only a hint.
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let mut r = Readability::new(html, url, Some(cfg.clone()))
        .or_else(|_| Readability::new(html, None, Some(cfg)))
        .map_err(|e| ExtractError::Html(e.to_string()))?;
    let a = r.parse().map_err(|e| ExtractError::Html(e.to_string()))?;
    let text = a
        .text_content
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(HtmlArticle {
        title: nonempty(Some(a.title.to_string())),
        byline: nonempty(a.byline),
        site_name: nonempty(a.site_name),
        published: nonempty(a.published_time),
        lang: nonempty(a.lang),
        url: nonempty(a.url),
        excerpt: nonempty(a.excerpt),
        text,
    })
}

/// Does this look like HTML rather than plain text?
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(2048).collect::<String>().to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
        || (head.starts_with('<') && (head.contains("<body") || head.contains("<head") || head.contains("<p>") || head.contains("<div")))
}
