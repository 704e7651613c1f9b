//! Sitemaps (`<urlset>`), sitemap index files (`<sitemapindex>`) and Google
//! News sitemaps (`<news:news>` with title and publication date), parsed
//! with `quick-xml` as a stream of events. Gzipped sitemaps are inflated
//! first. The pages it lists need fetching; the title and date of a news
//! sitemap go along as hints.

use crate::IngestError;
use quick_xml::events::Event;
use quick_xml::Reader;

/// One page a sitemap lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    pub url: String,
    pub lastmod: Option<String>,
    /// From `<news:title>`.
    pub title: Option<String>,
    /// From `<news:publication_date>`.
    pub published: Option<String>,
    /// From `<news:publication><news:name>`.
    pub publisher: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sitemap {
    /// Pages (from a `<urlset>`).
    pub pages: Vec<Entry>,
    /// Further sitemaps (from a `<sitemapindex>`).
    pub sitemaps: Vec<String>,
}

/// Does this start of a file look like a sitemap?
pub fn sniff(head: &[u8]) -> bool {
    let h = String::from_utf8_lossy(&head[..head.len().min(2048)]).to_ascii_lowercase();
    h.contains("<urlset") || h.contains("<sitemapindex")
}

/// Parse a sitemap or sitemap index (plain or gzipped).
pub fn parse(bytes: &[u8]) -> Result<Sitemap, IngestError> {
    let inflated;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        inflated = crate::httpmsg::decode_content(bytes, Some("gzip"), 200 << 20)?;
        &inflated[..]
    } else {
        bytes
    };
    let mut r = Reader::from_reader(bytes);
    r.config_mut().trim_text(true);
    let mut out = Sitemap::default();
    let mut path: Vec<String> = Vec::new();
    let mut cur = Entry::default();
    let mut buf = Vec::new();
    let bad = |e: String| IngestError::Io(format!("not a readable sitemap: {e}"));
    loop {
        match r
            .read_event_into(&mut buf)
            .map_err(|e| bad(e.to_string()))?
        {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if name == "url" {
                    cur = Entry::default();
                }
                path.push(name);
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                if name == "url" && !cur.url.is_empty() {
                    out.pages.push(std::mem::take(&mut cur));
                }
            }
            Event::Text(t) => {
                let v = t
                    .unescape()
                    .map_err(|e| bad(e.to_string()))?
                    .trim()
                    .to_string();
                on_text(&path, v, &mut cur, &mut out);
            }
            Event::CData(t) => {
                let v = String::from_utf8_lossy(&t).trim().to_string();
                on_text(&path, v, &mut cur, &mut out);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !path.is_empty() {
        return Err(bad("unexpected end of file".into()));
    }
    if out.pages.is_empty() && out.sitemaps.is_empty() && !sniff(bytes) {
        return Err(bad("neither <urlset> nor <sitemapindex>".into()));
    }
    Ok(out)
}

fn on_text(path: &[String], v: String, cur: &mut Entry, out: &mut Sitemap) {
    if v.is_empty() {
        return;
    }
    let parent = path.len().checked_sub(2).map(|i| path[i].as_str());
    match (parent, path.last().map(String::as_str)) {
        (Some("url"), Some("loc")) => cur.url = v,
        (Some("url"), Some("lastmod")) => cur.lastmod = Some(v),
        (Some("sitemap"), Some("loc")) => out.sitemaps.push(v),
        (Some("news"), Some("title")) => cur.title = Some(v),
        (Some("news"), Some("publication_date")) => cur.published = Some(v),
        (Some("publication"), Some("name")) => cur.publisher = Some(v),
        _ => {}
    }
}

/// The hints an entry gives its page.
pub fn hints(e: &Entry) -> dossier_model::SourceHints {
    dossier_model::SourceHints {
        url: Some(e.url.clone()),
        title: e.title.clone(),
        published: e.published.clone(),
        source: e.publisher.clone(),
        ..Default::default()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const NEWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/port</loc><lastmod>2025-07-08</lastmod>
<news:news><news:publication><news:name>Harbour News</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2025-07-08T09:30:00Z</news:publication_date><news:title>Port reopens &amp; ships sail</news:title></news:news></url>
<url><loc><![CDATA[https://news.example/ferry?a=1&b=2]]></loc></url>
</urlset>"#;

    #[test]
    fn news_sitemap_entries() {
        let s = parse(NEWS.as_bytes()).unwrap();
        assert_eq!(s.pages.len(), 2);
        assert_eq!(s.pages[0].url, "https://news.example/port");
        assert_eq!(
            s.pages[0].title.as_deref(),
            Some("Port reopens & ships sail")
        );
        assert_eq!(
            s.pages[0].published.as_deref(),
            Some("2025-07-08T09:30:00Z")
        );
        assert_eq!(s.pages[0].publisher.as_deref(), Some("Harbour News"));
        assert_eq!(s.pages[1].url, "https://news.example/ferry?a=1&b=2");
        assert!(sniff(NEWS.as_bytes()));
    }

    #[test]
    fn index_files_and_gzip() {
        use std::io::Write;
        let idx = r#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://news.example/s1.xml</loc></sitemap><sitemap><loc>https://news.example/s2.xml.gz</loc></sitemap></sitemapindex>"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(idx.as_bytes()).unwrap();
        let s = parse(&gz.finish().unwrap()).unwrap();
        assert_eq!(
            s.sitemaps,
            vec![
                "https://news.example/s1.xml",
                "https://news.example/s2.xml.gz"
            ]
        );
        assert!(s.pages.is_empty());
    }

    #[test]
    fn broken_sitemaps_are_errors() {
        assert!(parse(b"<urlset><url><loc>https://x.example/</loc>").is_err());
        assert!(parse(b"<html><body>no</body></html>").is_err());
    }
}
