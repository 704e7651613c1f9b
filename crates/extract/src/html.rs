//! Main text and metadata from an HTML page. The base is the `trafilatura`
//! crate (a Rust port of trafilatura: on trafilatura's own 990-page set it
//! scores F1 0.909 against 0.889 for `dom_smoothie` and 0.890 for
//! `rs-trafilatura`; see docs/bench/web.md). `dom_smoothie` (Mozilla's
//! Readability) runs beside it: its text is the base when the port finds
//! nothing or a short text that Readability more than doubles, and each
//! extractor's prose paragraphs that the other lacks complete the base
//! (see [`extract`], [`complete`]). A page whose HTML holds only a teaser
//! takes its text from its structured data ([`article_body`]). The same
//! furniture clean-up as for plain text follows in `crate::text`.

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
    /// Date of the last update, as written in the page's metadata.
    pub modified: Option<String>,
    /// Main text, one paragraph per line.
    pub text: String,
}

/// Below this many characters, the trafilatura port's text is checked
/// against Readability's.
const SHORT_TEXT: usize = 2000;

pub fn extract(html: &str, url: Option<&str>) -> Result<HtmlArticle, ExtractError> {
    let mut a = match (with_trafilatura(html, url), with_readability(html, url)) {
        (None, r) => r?,
        (Some(a), Err(_)) => a,
        (Some(a), Ok(r)) => {
            // A short text is often an under-extraction (a page whose
            // article sits in a layout the port's rules do not reach):
            // Readability's text is the base when more than twice as long.
            // On trafilatura's 990-page set this takes F1 from 0.908 to
            // 0.913 (docs/bench/web.md).
            let len = a.text.chars().count();
            let text = if len < SHORT_TEXT && r.text.chars().count() > 2 * len {
                complete(&r.text, &a.text)
            } else {
                complete(&a.text, &r.text)
            };
            HtmlArticle { text, ..a }
        }
    };
    // A page that renders its article in the browser carries only a
    // teaser in its HTML; its structured data often holds the whole text.
    // The port falls back to that text itself at times, but runs its
    // paragraphs together: the same words then come back one paragraph a
    // line.
    if let Some(body) = article_body(html) {
        let (have, full) = (a.text.chars().count(), body.chars().count());
        let teaser = full >= FULL_BODY && (have as f64) < TEASER_SHARE * full as f64;
        let squeeze = |t: &str| t.split_whitespace().collect::<String>();
        if teaser || squeeze(&a.text) == squeeze(&body) {
            a.text = body;
        }
    }
    // The page's own date patterns, read once whichever extractor won.
    a.modified = crate::meta::modified_in_html(html);
    a.published = first_publication(html, a.published.take(), a.modified.as_deref());
    Ok(a)
}

/// The structured data's article text replaces the extracted text when it
/// is at least this long (characters) ...
const FULL_BODY: usize = 500;
/// ... and the extracted text is under this share of it: the HTML held a
/// teaser. Chosen on trafilatura's set (0.3, 0.5 and 0.7 tried: 0.3 gains
/// three `with` snippets for one `without`, docs/bench/web.md).
const TEASER_SHARE: f64 = 0.3;

/// The opening tag of a JSON-LD block (an ASCII word boundary: the fast
/// automaton gives up on a Unicode one at the page's first non-ASCII byte;
/// no capture group, so the search stays in that automaton).
static JSON_LD: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
    regex::Regex::new(r#"(?i)<script[^>]*(?-u:\b)type\s*=\s*["']?application/ld\+json["']?[^>]*>"#)
        .unwrap()
});

/// The JSON-LD blocks of a page: each one's content, up to its closing tag.
fn json_ld_blocks(html: &str) -> impl Iterator<Item = &str> {
    JSON_LD.find_iter(html).filter_map(move |m| {
        let rest = &html[m.end()..];
        rest.find("</script>").map(|end| &rest[..end])
    })
}

/// The end of a paragraph or a line break in marked-up text.
static LINE_BREAK: once_cell::sync::Lazy<regex::Regex> =
    once_cell::sync::Lazy::new(|| regex::Regex::new(r"(?i)</p\s*>|<br\s*/?>").unwrap());

/// The longest `articleBody` in the page's JSON-LD blocks (schema.org's
/// full text of an article, anywhere in the block, `@graph` included),
/// as plain text with one paragraph per line. Blocks that are not valid
/// JSON are skipped.
fn article_body(html: &str) -> Option<String> {
    fn longest<'a>(v: &'a serde_json::Value, best: &mut Option<&'a str>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(s)) = m.get("articleBody") {
                    if best.is_none_or(|b| s.len() > b.len()) {
                        *best = Some(s);
                    }
                }
                m.values().for_each(|x| longest(x, best));
            }
            serde_json::Value::Array(xs) => xs.iter().for_each(|x| longest(x, best)),
            _ => {}
        }
    }
    let mut body: Option<String> = None;
    for block in json_ld_blocks(html) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(block.trim()) else {
            continue;
        };
        let mut best = None;
        longest(&v, &mut best);
        if let Some(b) = best.filter(|b| body.as_ref().is_none_or(|x| b.len() > x.len())) {
            body = Some(b.to_string());
        }
    }
    let body = body?;
    // The text may be marked up: paragraphs and line breaks become lines,
    // other tags go and entities are decoded.
    let marked = LINE_BREAK.replace_all(&body, "\n");
    let text: String = scraper::Html::parse_fragment(&marked)
        .root_element()
        .text()
        .collect();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A line of the other extractor's text joins the base when it reads as
/// a paragraph of prose: this many words or more, ending a sentence.
const PARAGRAPH_WORDS: usize = 15;

/// `base` completed by the paragraphs of `other` it lacks. Each extractor
/// drops paragraphs the other keeps (the port on link density and class
/// names, Readability on its scoring of blocks); a line of `other` that is
/// a full paragraph of prose (see [`is_paragraph`]) and shares no sentence
/// with `base` is inserted after the base line that `other` has just
/// before it, so the text keeps its reading order. Nothing is added after
/// the base's last line: what follows an article's end is mostly author
/// boxes, disclaimers and comments, while what the base misses before its
/// first line is often the lead. On trafilatura's set this takes F1 from
/// 0.925 to 0.935 (docs/bench/web.md).
fn complete(base: &str, other: &str) -> String {
    // Lines compare with their white space collapsed, as the benchmark's
    // snippets do.
    use crate::eval::norm;
    let lines: Vec<&str> = base.lines().collect();
    let mut at: std::collections::HashMap<String, usize> = Default::default();
    for (i, l) in lines.iter().enumerate() {
        at.entry(norm(l)).or_insert(i);
    }
    let whole = norm(base);
    // Lines to insert after base line i (index 0: before the first).
    let mut after: Vec<Vec<&str>> = vec![Vec::new(); lines.len() + 1];
    let mut last = 0;
    for l in other.lines() {
        let n = norm(l);
        if let Some(&i) = at.get(&n) {
            last = i + 1;
        } else if last < lines.len()
            && is_paragraph(l)
            && !whole.contains(&n)
            && !sentences(&n).any(|s| s.split(' ').count() >= 5 && whole.contains(s))
        {
            after[last].push(l.trim());
        }
    }
    if after.iter().all(Vec::is_empty) {
        return base.to_string();
    }
    let mut out: Vec<&str> = after[0].clone();
    for (i, l) in lines.iter().enumerate() {
        out.push(l);
        out.extend(&after[i + 1]);
    }
    out.join("\n")
}

/// Prose rather than a label, a link or a caption: [`PARAGRAPH_WORDS`]
/// words or more ending in sentence punctuation, or, in scripts written
/// without spaces, 40 characters or more ending in a full stop of theirs.
fn is_paragraph(line: &str) -> bool {
    let t = line
        .trim()
        .trim_end_matches(['"', '”', '’', '»', ')', '」']);
    (t.ends_with(['.', '!', '?']) && t.split_whitespace().count() >= PARAGRAPH_WORDS)
        || (t.ends_with(['。', '！', '？']) && t.chars().count() >= 40)
}

/// The sentences of a text normalized by [`crate::eval::norm`]: split
/// after `.`, `!` or `?` and a space.
fn sentences(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .match_indices(' ')
            .find(|(i, _)| rest[..*i].ends_with(['.', '!', '?']))
            .map(|(i, _)| i);
        let (head, tail) = match end {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        rest = tail;
        Some(head)
    })
}

/// The trafilatura port's text and metadata; `None` when it finds no text.
fn with_trafilatura(html: &str, url: Option<&str>) -> Option<HtmlArticle> {
    let mut opts = trafilatura::Options::default();
    opts.original_url = url.and_then(|u| u.parse().ok());
    let r = trafilatura::extract(html, &opts).ok()?;
    // The port's plain text joins paragraphs with spaces; its HTML keeps
    // them apart, and the clean-up that follows reads lines.
    let text = html_lines(&r.content_html);
    let text = if text.is_empty() {
        r.content_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        text
    };
    if text.is_empty() {
        return None;
    }
    let m = r.metadata;
    let nonempty = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Some(HtmlArticle {
        title: nonempty(m.title),
        byline: nonempty(m.author),
        site_name: nonempty(m.sitename),
        // The extractor's own date, weighed against the page's in `extract`.
        published: m.date.map(|d| d.to_string()),
        lang: nonempty(m.language),
        url: nonempty(m.url),
        excerpt: nonempty(m.description),
        modified: None,
        text,
    })
}

/// Elements that start and end a line of text.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tr",
    "ul",
];

/// Text of an HTML fragment, one block (paragraph, heading, list item,
/// table row, line break) per line, spaces inside a line collapsed.
pub(crate) fn html_lines(fragment: &str) -> String {
    use ego_tree::iter::Edge;
    fn flush(lines: &mut Vec<String>, line: &mut String) {
        let t = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            lines.push(t);
        }
        line.clear();
    }
    let doc = scraper::Html::parse_fragment(fragment);
    let mut lines = Vec::new();
    let mut line = String::new();
    // Walked without recursion: a page nested thousands of elements deep
    // must not exhaust the stack. Inside a skipped element (script, style)
    // `skip` counts the open elements.
    let mut skip = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                scraper::Node::Text(t) if skip == 0 => {
                    for (i, part) in t.split(char::is_whitespace).enumerate() {
                        if i > 0 && !line.ends_with(' ') {
                            line.push(' ');
                        }
                        line.push_str(part);
                    }
                }
                scraper::Node::Element(e) => {
                    let name = e.name();
                    if skip > 0 || matches!(name, "script" | "style" | "noscript" | "template") {
                        skip += 1;
                    } else if BLOCKS.contains(&name) {
                        flush(&mut lines, &mut line);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let scraper::Node::Element(e) = node.value() {
                    let name = e.name();
                    if skip > 0 {
                        skip -= 1;
                    } else if BLOCKS.contains(&name) {
                        flush(&mut lines, &mut line);
                    } else if matches!(name, "td" | "th") && !line.ends_with(' ') {
                        line.push(' ');
                    }
                }
            }
        }
    }
    flush(&mut lines, &mut line);
    lines.join("\n")
}

/// Mozilla Readability's text and metadata (`dom_smoothie`).
fn with_readability(html: &str, url: Option<&str>) -> Result<HtmlArticle, ExtractError> {
    let cfg = Config {
        text_mode: TextMode::Formatted,
        ..Default::default()
    };
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
        modified: None,
        text,
    })
}

/// The first publication date of a page. The trafilatura port prefers a
/// page's last-update date, so a `<meta>` publication date wins over the
/// extractor's; a `<time>` or JSON-LD publication date (less sure: it may
/// belong to a teaser) only replaces the extractor's date when that date is
/// the page's update date.
fn first_publication(
    html: &str,
    extractor: Option<String>,
    modified: Option<&str>,
) -> Option<String> {
    use crate::meta::{parse_date, published_elsewhere, published_meta};
    if let Some(d) = published_meta(html).and_then(|s| parse_date(&s)) {
        return Some(d);
    }
    let extractor = extractor.and_then(|s| parse_date(&s));
    let modified = modified.and_then(parse_date);
    let elsewhere = || published_elsewhere(html).and_then(|s| parse_date(&s));
    match extractor {
        Some(e) if Some(&e) == modified.as_ref() => elsewhere().or(Some(e)),
        Some(e) => Some(e),
        None => elsewhere(),
    }
}

/// Does this look like HTML rather than plain text?
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
        || (head.starts_with('<')
            && (head.contains("<body")
                || head.contains("<head")
                || head.contains("<p>")
                || head.contains("<div")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_from_json_ld_and_meta_tags() {
        let page = r#"<html lang="en"><head><title>Port reopens after strike - Harbour News</title>
<meta property="og:site_name" content="Harbour News">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Port reopens after strike","datePublished":"2025-07-08T09:30:00Z","author":{"@type":"Person","name":"Ana Ruiz"}}</script>
</head><body><nav><a href="/">Home</a></nav><article><h1>Port reopens after strike</h1>
<p>The port reopened on Monday after a week-long strike by dock workers ended with a pay deal, the harbour authority said in a statement.</p>
<p>Ships had queued outside the harbour for days while talks went on between the union and the terminal operators.</p>
<p>Union leaders said members had voted by a large margin to accept the offer, which raises pay by six percent over two years.</p>
</article><aside class="related"><h3>Related stories</h3><a href="/x">Ferry fares rise</a></aside></body></html>"#;
        let a = extract(page, Some("https://news.example/port")).unwrap();
        assert!(a.text.contains("week-long strike"), "{}", a.text);
        assert!(!a.text.contains("Ferry fares rise"));
        assert_eq!(a.published.as_deref(), Some("2025-07-08"));
        assert_eq!(a.byline.as_deref(), Some("Ana Ruiz"));
        assert_eq!(a.site_name.as_deref(), Some("Harbour News"));
    }

    #[test]
    fn extracted_text_has_one_block_per_line() {
        let html = "<div><h2>Deal  reached</h2><p>The <b>union</b> voted\n to accept.<br>Pay rises.</p><ul><li>Six percent</li><li>Two years</li></ul><table><tr><td>Ships</td><td>40</td></tr></table><script>var x;</script></div>";
        assert_eq!(
            html_lines(html),
            "Deal reached\nThe union voted to accept.\nPay rises.\nSix percent\nTwo years\nShips 40"
        );
        // Nesting deeper than any stack would take recursively.
        let deep = format!(
            "{}<p>deep</p>{}",
            "<div>".repeat(20_000),
            "</div>".repeat(20_000)
        );
        assert_eq!(html_lines(&deep), "deep");
        // Through the extractor: paragraphs stay apart.
        let page = "<html><head><title>Port reopens</title></head><body><article><h1>Port reopens</h1><p>The port reopened on Monday after a week-long strike by dock workers ended with a pay deal, the harbour authority said in a statement.</p><p>Ships had queued outside the harbour for days while talks went on between the union and the terminal operators.</p><p>Union leaders said members had voted by a large margin to accept the offer, which raises pay by six percent over two years.</p></article></body></html>";
        let a = extract(page, None).unwrap();
        assert!(a.text.lines().count() >= 3, "{}", a.text);
        assert!(a.text.lines().any(|l| l.starts_with("Ships had queued")));
    }

    #[test]
    fn structured_data_gives_the_article_when_the_html_holds_a_teaser() {
        let paragraphs = [
            "The port reopened on Monday after a week-long strike by dock workers ended with a pay deal, the harbour authority said in a statement.",
            "Ships had queued outside the harbour for days while talks went on between the union and the terminal operators, and the backlog is expected to take a week to clear.",
            "Union leaders said members had voted by a large margin to accept the offer, which raises pay by six percent over two years &amp; adds a day of leave.",
            "The operators said they would hire forty more crane drivers before the end of the year to shorten shifts, one of the union&#39;s demands.",
        ];
        let marked: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
        let ld = serde_json::json!({"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "name": "Port reopens"},
            {"@type": "NewsArticle", "headline": "Port reopens", "articleBody": marked},
        ]});
        let page = |body: &str| {
            format!(
                "<html><head><title>Port reopens</title><script type=\"application/ld+json\">{ld}</script></head><body><article><h1>Port reopens</h1>{body}</article></body></html>"
            )
        };
        // The page renders its text in the browser: the HTML holds a teaser.
        let teaser = page("<p>The port reopened on Monday after a week-long strike.</p><p>Read the full article in our app.</p>");
        let a = extract(&teaser, None).unwrap();
        let want: Vec<String> = paragraphs
            .iter()
            .map(|p| p.replace("&amp;", "&").replace("&#39;", "'"))
            .collect();
        assert_eq!(a.text, want.join("\n"));
        // The whole article in the HTML: the extractors' text stays.
        let full =
            page(&marked.replace("the harbour authority said", "the authority told reporters"));
        let a = extract(&full, None).unwrap();
        assert!(
            a.text.contains("the authority told reporters"),
            "{}",
            a.text
        );
        // A block that is not JSON is skipped.
        assert_eq!(
            article_body("<script type='application/ld+json'>{not json</script>"),
            None
        );
    }

    #[test]
    fn the_other_extractors_paragraphs_complete_the_base_in_reading_order() {
        let lead = "The port reopened on Monday after a week-long strike by dock workers ended with a pay deal, the authority said.";
        let middle = "Ships had queued outside the harbour for days while talks went on between the union and the terminal operators.";
        let base = "Port reopens\nUnion leaders said members had voted to accept.\nPay rises by six percent.";
        let other = format!(
            "{lead}\nUnion leaders said members had voted to accept.\n{middle}\nShare this\nPay rises by six percent.\nAna Ruiz has covered the harbour and its unions for the paper since the strike of 2015, and writes a weekly column."
        );
        assert_eq!(
            complete(base, &other),
            format!("{lead}\nPort reopens\nUnion leaders said members had voted to accept.\n{middle}\nPay rises by six percent.")
        );
        // A line holding a sentence the base has is not added again, nor is
        // a short line or one without a sentence end.
        let base = format!("Title\n{middle}\nEnd of the article here.");
        let other = format!(
            "Title\n{middle} A second sentence that the base does not have is added to it here.\nMore from the harbour desk on the strike and the talks and the pay deal and the ships\nEnd of the article here."
        );
        assert_eq!(complete(&base, &other), base);
        // Scripts written without spaces count characters.
        assert!(is_paragraph("子どもへの虐待をなくすための法律ができて、親が子どもを教育するために、たたいたり蹴ったりする体罰を禁止することになりました。"));
        assert!(!is_paragraph("法律ができる。"));
        assert_eq!(
            sentences("One two. Three four! Five").collect::<Vec<_>>(),
            vec!["One two.", "Three four!", "Five"]
        );
    }
}
