//! RSS 0.9x/2.0, RSS 1.0 (RDF), Atom and JSON feeds, parsed by `feed-rs`.
//! Each item becomes one input: its page, fetched by the caller's fetcher
//! when one is given, else the content the feed itself carries (full-text
//! feeds). The item's title, date and author go along as hints, so a page
//! that lacks them still gets them. A feed that does not parse is one failed
//! input naming the reason; an item with neither link nor content fails
//! alone.

use crate::{IngestError, Pending, Raw};
use dossier_model::SourceHints;

/// One feed item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedItem {
    pub url: Option<String>,
    pub title: Option<String>,
    /// RFC 3339.
    pub published: Option<String>,
    pub author: Option<String>,
    /// The item's own HTML (content, else summary), if any.
    pub content: Option<String>,
}

/// A parsed feed.
#[derive(Debug, Clone, Default)]
pub struct Feed {
    pub title: Option<String>,
    pub items: Vec<FeedItem>,
}

/// Does this start of a file look like a feed?
pub fn sniff(head: &[u8]) -> bool {
    let h = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    let h = h.trim_start_matches('\u{feff}').trim_start();
    h.starts_with("<?xml") && (h.contains("<rss") || h.contains("<feed") || h.contains("<rdf:rdf"))
        || h.starts_with("<rss")
        || h.starts_with("<feed")
        || h.starts_with("<rdf:rdf")
}

/// Parse a feed.
pub fn parse(bytes: &[u8]) -> Result<Feed, IngestError> {
    let f = feed_rs::parser::parse(bytes)
        .map_err(|e| IngestError::Io(format!("not a readable feed: {e}")))?;
    let text = |t: &Option<feed_rs::model::Text>| {
        t.as_ref()
            .map(|t| t.content.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let items = f
        .entries
        .iter()
        .map(|e| {
            let url = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().map_or(true, |r| r == "alternate"))
                .or(e.links.first())
                .map(|l| l.href.trim().to_string())
                .or_else(|| {
                    Some(e.id.clone())
                        .filter(|id| id.starts_with("http://") || id.starts_with("https://"))
                });
            let author = e
                .authors
                .iter()
                .filter_map(|p| p.name.as_deref())
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            FeedItem {
                url,
                title: text(&e.title),
                published: e.published.or(e.updated).map(|d| d.to_rfc3339()),
                author: Some(author).filter(|a| !a.is_empty()),
                content: e
                    .content
                    .as_ref()
                    .and_then(|c| c.body.clone())
                    .filter(|b| !b.trim().is_empty())
                    .or_else(|| text(&e.summary)),
            }
        })
        .collect();
    Ok(Feed {
        title: text(&f.title),
        items,
    })
}

/// The hints an item gives its page.
pub fn hints(item: &FeedItem) -> SourceHints {
    SourceHints {
        url: item.url.clone(),
        title: item.title.clone(),
        published: item.published.clone(),
        byline: item.author.clone(),
        ..Default::default()
    }
}

/// Inputs for a feed's items. `fetch` fetches an item's page;
/// without one, the feed's own content is used.
pub fn items(origin: &str, feed: &Feed, fetch: Option<&dyn Fn(&str) -> Pending>) -> Vec<Pending> {
    feed.items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let at = format!(
                "{origin}[{i}]{}",
                it.url
                    .as_deref()
                    .map(|u| format!(" {u}"))
                    .unwrap_or_default()
            );
            let from_feed = |at: String| match &it.content {
                Some(c) => Pending {
                    origin: at,
                    input: Ok(Raw {
                        bytes: c.clone().into_bytes(),
                        hints: SourceHints {
                            content_type: Some("text/html".into()),
                            ..hints(it)
                        },
                    }),
                },
                None => Pending {
                    origin: at,
                    input: Err(IngestError::Io(
                        "feed item has no content and its page was not fetched".into(),
                    )),
                },
            };
            match (fetch, it.url.as_deref()) {
                (Some(f), Some(u)) => {
                    let mut p = f(u);
                    if let Ok(raw) = p.input.as_mut() {
                        let h = hints(it);
                        raw.hints.title = raw.hints.title.take().or(h.title);
                        raw.hints.published = raw.hints.published.take().or(h.published);
                        raw.hints.byline = raw.hints.byline.take().or(h.byline);
                    }
                    p.origin = at;
                    p
                }
                _ => from_feed(at),
            }
        })
        .collect()
}

/// Inputs for a feed file.
pub fn read(origin: &str, bytes: &[u8], fetch: Option<&dyn Fn(&str) -> Pending>) -> Vec<Pending> {
    match parse(bytes) {
        Ok(feed) => items(origin, &feed, fetch),
        Err(e) => vec![Pending {
            origin: origin.to_string(),
            input: Err(e),
        }],
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Harbour News</title><link>https://news.example/</link>
<item><title>Port reopens after strike</title><link>https://news.example/port</link>
<pubDate>Tue, 08 Jul 2025 09:30:00 GMT</pubDate><dc:creator>Ana Ruiz</dc:creator>
<content:encoded><![CDATA[<p>The port reopened on Monday after a week-long strike by dock workers ended with a pay deal, the harbour authority said.</p>]]></content:encoded></item>
<item><title>Ferry timetable</title><link>https://news.example/ferry</link></item>
</channel></rss>"#;

    pub const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:x</id><updated>2025-07-08T10:00:00Z</updated>
<entry><title>Talks resume</title><id>urn:y</id><link rel="alternate" href="https://wire.example/talks"/>
<published>2025-07-07T08:00:00Z</published><updated>2025-07-08T08:00:00Z</updated><author><name>Lee Kim</name></author>
<summary type="html">&lt;p&gt;Negotiators met again in Cairo on Sunday, officials said, after a week-long pause in the talks.&lt;/p&gt;</summary></entry>
</feed>"#;

    pub const RDF: &str = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://old.example/"><title>Old</title><link>https://old.example/</link><description>d</description></channel>
<item rdf:about="https://old.example/a"><title>Budget passed</title><link>https://old.example/a</link><dc:date>2025-07-01T12:00:00Z</dc:date><description>The budget passed on Tuesday by a narrow margin after a long night session in parliament.</description></item>
</rdf:RDF>"#;

    #[test]
    fn rss_atom_and_rdf_items_with_metadata() {
        let f = parse(RSS.as_bytes()).unwrap();
        assert_eq!(f.title.as_deref(), Some("Harbour News"));
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[0].url.as_deref(), Some("https://news.example/port"));
        assert_eq!(f.items[0].author.as_deref(), Some("Ana Ruiz"));
        assert!(f.items[0]
            .published
            .as_deref()
            .unwrap()
            .starts_with("2025-07-08T09:30:00"));
        let a = parse(ATOM.as_bytes()).unwrap();
        assert_eq!(
            a.items[0].url.as_deref(),
            Some("https://wire.example/talks")
        );
        assert!(a.items[0]
            .published
            .as_deref()
            .unwrap()
            .starts_with("2025-07-07"));
        assert_eq!(a.items[0].author.as_deref(), Some("Lee Kim"));
        let r = parse(RDF.as_bytes()).unwrap();
        assert_eq!(r.items[0].url.as_deref(), Some("https://old.example/a"));
        assert!(r.items[0]
            .published
            .as_deref()
            .unwrap()
            .starts_with("2025-07-01"));
        assert!(sniff(RSS.as_bytes()) && sniff(ATOM.as_bytes()) && sniff(RDF.as_bytes()));
        assert!(!sniff(b"<html><body>x</body></html>"));
    }

    #[test]
    fn items_without_a_fetcher_use_feed_content_and_fail_alone() {
        let items: Vec<crate::Item> = read("h.rss", RSS.as_bytes(), None)
            .into_iter()
            .map(crate::extract)
            .collect();
        assert_eq!(items.len(), 2);
        let d = items[0].result.as_ref().unwrap();
        assert!(d.text.contains("dock workers"));
        assert_eq!(d.published.as_deref(), Some("2025-07-08"));
        assert_eq!(d.byline.as_deref(), Some("Ana Ruiz"));
        assert_eq!(d.url.as_deref(), Some("https://news.example/port"));
        assert!(items[1].result.is_err());
    }

    #[test]
    fn a_fetcher_gets_the_item_pages() {
        let fetch = |u: &str| {
            Pending {
            origin: u.to_string(),
            input: Ok(Raw { bytes: format!("<html><body><article><p>Full page for {u}: the talks went on for a second day in the capital on Monday.</p></article></body></html>").into_bytes(), hints: SourceHints { url: Some(u.into()), content_type: Some("text/html".into()), ..Default::default() } }),
        }
        };
        let items: Vec<crate::Item> = read("w.atom", ATOM.as_bytes(), Some(&fetch))
            .into_iter()
            .map(crate::extract)
            .collect();
        let d = items[0].result.as_ref().unwrap();
        assert!(d.text.contains("Full page for https://wire.example/talks"));
        assert_eq!(d.title.as_deref(), Some("Talks resume"));
        assert_eq!(d.published.as_deref(), Some("2025-07-07"));
    }

    #[test]
    fn bad_feed_xml_is_one_failed_input() {
        let p = read("bad.rss", b"<rss><channel><item><title>x</title", None);
        assert_eq!(p.len(), 1);
        assert!(p[0]
            .input
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("feed"));
    }
}
