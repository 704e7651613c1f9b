//! Pages by URL: HTTP GET (blocking `reqwest` over rustls) with a clear
//! user agent, connect and total timeouts, a bounded number of redirects, a
//! body size limit (checked on `Content-Length` and again while reading),
//! gzip and brotli bodies, the charset from the `Content-Type` header or the
//! page's `<meta>`, robots.txt respected (fetched once per host and kept),
//! and a per-host pause between requests. Conditional requests (ETag /
//! Last-Modified) serve `dossier watch`.
//!
//! Every failure (HTTP error status, timeout, redirect loop, a body that is
//! not a document, a page robots.txt forbids) is one failed input with the
//! reason; nothing panics.

use crate::{IngestError, Pending, Raw};
use dossier_model::SourceHints;
use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "Dossier/",
    env!("CARGO_PKG_VERSION"),
    " (news reader; +https://github.com/dossier)"
);
/// The token matched against robots.txt groups.
pub const ROBOTS_AGENT: &str = "Dossier";

#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub connect_timeout: Duration,
    /// Whole request, body included.
    pub timeout: Duration,
    pub max_redirects: usize,
    pub max_bytes: u64,
    /// Least time between two requests to one host.
    pub per_host_interval: Duration,
    pub respect_robots: bool,
    pub user_agent: String,
    /// Fetch from loopback, private and link-local addresses too. Off by
    /// default: a feed, a sitemap or a redirect must not steer Dossier into
    /// the machine's own network (server-side request forgery).
    pub allow_private: bool,
    /// Addresses fetched even though they are not public (one intranet
    /// host), while every other private address stays refused.
    pub allowed_addresses: Vec<IpAddr>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            max_bytes: 20 * 1024 * 1024,
            per_host_interval: Duration::from_secs(1),
            respect_robots: true,
            user_agent: USER_AGENT.to_string(),
            allow_private: false,
            allowed_addresses: Vec::new(),
        }
    }
}

/// A fetched body.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Decompressed, not yet decoded.
    pub body: Vec<u8>,
}

/// What a conditional request found.
#[derive(Debug)]
pub enum Conditional {
    NotModified,
    Changed(Fetched),
}

pub struct Fetcher {
    client: reqwest::blocking::Client,
    cfg: FetchConfig,
    robots: Mutex<HashMap<String, Option<texting_robots::Robot>>>,
    last: Mutex<HashMap<String, Instant>>,
}

fn fail(e: impl std::fmt::Display) -> IngestError {
    IngestError::Io(e.to_string())
}

impl Fetcher {
    pub fn new(cfg: FetchConfig) -> Result<Self, IngestError> {
        let mut builder = reqwest::blocking::Client::builder();
        if !cfg.allow_private {
            builder = builder.dns_resolver(std::sync::Arc::new(FetchableResolver {
                allowed: cfg.allowed_addresses.clone(),
            }));
        }
        let client = builder
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .redirect(redirect_policy(
                cfg.max_redirects,
                cfg.allow_private,
                cfg.allowed_addresses.clone(),
            ))
            .gzip(true)
            .brotli(true)
            .build()
            .map_err(fail)?;
        Ok(Fetcher {
            client,
            cfg,
            robots: Mutex::new(HashMap::new()),
            last: Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    /// Wait until this host may be asked again.
    fn pace(&self, host: &str) {
        let wait = {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let next = last
                .get(host)
                .map(|t| *t + self.cfg.per_host_interval)
                .unwrap_or(now);
            let at = next.max(now);
            last.insert(host.to_string(), at);
            at - now
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    /// May this URL be fetched under its host's robots.txt? A missing or
    /// unreadable robots.txt allows everything.
    pub fn allowed(&self, url: &str) -> bool {
        if !self.cfg.respect_robots {
            return true;
        }
        let Ok(robots_url) = texting_robots::get_robots_url(url) else {
            return true;
        };
        let cached = self
            .robots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&robots_url)
            .map(|r| r.as_ref().map(|r| r.allowed(url)));
        if let Some(v) = cached {
            return v.unwrap_or(true);
        }
        let robot = self
            .raw_get(&robots_url, None, None)
            .ok()
            .and_then(|r| match r {
                Conditional::Changed(f) if f.status == 200 => {
                    texting_robots::Robot::new(ROBOTS_AGENT, &f.body).ok()
                }
                _ => None,
            });
        let ok = robot.as_ref().map(|r| r.allowed(url)).unwrap_or(true);
        self.robots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(robots_url, robot);
        ok
    }

    fn raw_get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Conditional, IngestError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| fail(format!("bad URL {url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(fail(format!("not an http(s) URL: {url}")));
        }
        if !self.cfg.allow_private {
            check_host(&parsed, &self.cfg.allowed_addresses).map_err(fail)?;
        }
        self.pace(parsed.host_str().unwrap_or(""));
        let mut req = self.client.get(parsed);
        if let Some(e) = etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, e);
        }
        if let Some(l) = last_modified {
            req = req.header(reqwest::header::IF_MODIFIED_SINCE, l);
        }
        let resp = req.send().map_err(|e| fail(describe(&e)))?;
        let status = resp.status().as_u16();
        if status == 304 {
            return Ok(Conditional::NotModified);
        }
        let header = |n: reqwest::header::HeaderName| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let etag = header(reqwest::header::ETAG);
        let last_modified = header(reqwest::header::LAST_MODIFIED);
        let final_url = resp.url().to_string();
        let max = self.cfg.max_bytes;
        if let Some(len) = resp.content_length().filter(|&l| l > max) {
            return Err(IngestError::TooLarge {
                size: len,
                limit: max,
            });
        }
        let mut body = Vec::new();
        resp.take(max + 1)
            .read_to_end(&mut body)
            .map_err(|e| fail(format!("reading the body: {e}")))?;
        if body.len() as u64 > max {
            return Err(IngestError::TooLarge {
                size: body.len() as u64,
                limit: max,
            });
        }
        Ok(Conditional::Changed(Fetched {
            url: final_url,
            status,
            content_type,
            etag,
            last_modified,
            body,
        }))
    }

    /// GET a URL (robots.txt and pacing included); HTTP error statuses are errors.
    pub fn get(&self, url: &str) -> Result<Fetched, IngestError> {
        match self.get_if_changed(url, None, None)? {
            Conditional::Changed(f) => Ok(f),
            Conditional::NotModified => Err(fail("304 Not Modified without a conditional request")),
        }
    }

    /// GET with `If-None-Match` / `If-Modified-Since`.
    pub fn get_if_changed(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Conditional, IngestError> {
        if !self.allowed(url) {
            return Err(fail(format!("robots.txt forbids {url}")));
        }
        let r = self.raw_get(url, etag, last_modified)?;
        if let Conditional::Changed(f) = &r {
            if f.status >= 400 {
                return Err(fail(format!("HTTP {} for {url}", f.status)));
            }
        }
        Ok(r)
    }

    /// One page as an input: fetched, checked to be a document, decoded to
    /// UTF-8 with its declared charset.
    pub fn page(&self, url: &str) -> Pending {
        let input = self.get(url).and_then(|f| {
            if !crate::httpmsg::is_document_type(f.content_type.as_deref()) {
                return Err(fail(format!(
                    "not a web page: {}",
                    f.content_type.as_deref().unwrap_or("")
                )));
            }
            let bytes =
                dossier_extract::charset::to_utf8(&f.body, f.content_type.as_deref()).into_owned();
            let hints = SourceHints {
                url: Some(f.url.clone()),
                content_type: f
                    .content_type
                    .as_deref()
                    .map(crate::httpmsg::mime)
                    .filter(|m| !m.is_empty()),
                ..Default::default()
            };
            Ok(Raw { bytes, hints })
        });
        Pending {
            origin: url.to_string(),
            input,
        }
    }

    /// Inputs for a URL argument: a feed gives its items' pages, a sitemap
    /// its pages (index files followed, to a bounded depth), anything else
    /// is one page.
    pub fn url_inputs(&self, url: &str) -> Vec<Pending> {
        self.url_inputs_depth(url, 0)
    }

    fn url_inputs_depth(&self, url: &str, depth: usize) -> Vec<Pending> {
        let f = match self.get(url) {
            Ok(f) => f,
            Err(e) => {
                return vec![Pending {
                    origin: url.to_string(),
                    input: Err(e),
                }]
            }
        };
        let mime = f
            .content_type
            .as_deref()
            .map(crate::httpmsg::mime)
            .unwrap_or_default();
        let xmlish = mime.contains("xml")
            || mime.contains("rss")
            || mime.contains("atom")
            || f.body.starts_with(&[0x1f, 0x8b]);
        if xmlish || !mime.contains("html") {
            if crate::feeds::sniff(&f.body) {
                let fetch = |u: &str| self.page(&join(url, u));
                return crate::feeds::read(url, &f.body, Some(&fetch));
            }
            if crate::sitemap::sniff(&f.body) || f.body.starts_with(&[0x1f, 0x8b]) {
                return match crate::sitemap::parse(&f.body) {
                    Ok(s) => {
                        let mut out: Vec<Pending> = s
                            .pages
                            .iter()
                            .map(|e| {
                                let mut p = self.page(&join(url, &e.url));
                                if let Ok(raw) = p.input.as_mut() {
                                    let h = crate::sitemap::hints(e);
                                    raw.hints.title = raw.hints.title.take().or(h.title);
                                    raw.hints.published =
                                        raw.hints.published.take().or(h.published);
                                }
                                p
                            })
                            .collect();
                        for sub in s.sitemaps {
                            if depth < 3 {
                                out.extend(self.url_inputs_depth(&join(url, &sub), depth + 1));
                            }
                        }
                        out
                    }
                    Err(e) => vec![Pending {
                        origin: url.to_string(),
                        input: Err(e),
                    }],
                };
            }
        }
        if !crate::httpmsg::is_document_type(f.content_type.as_deref()) {
            return vec![Pending {
                origin: url.to_string(),
                input: Err(fail(format!("not a web page: {mime}"))),
            }];
        }
        let bytes =
            dossier_extract::charset::to_utf8(&f.body, f.content_type.as_deref()).into_owned();
        let hints = SourceHints {
            url: Some(f.url),
            content_type: Some(mime).filter(|m| !m.is_empty()),
            ..Default::default()
        };
        vec![Pending {
            origin: url.to_string(),
            input: Ok(Raw { bytes, hints }),
        }]
    }
}

/// Is this an address on the open internet? Not: loopback, private (RFC
/// 1918, IPv6 unique local and the old site-local), link-local, shared
/// (100.64/10), unspecified, broadcast, multicast, the IETF protocol block
/// (192.0.0/24), benchmarking (198.18/15) and reserved (240/4) addresses.
/// IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64
/// 64:ff9b::/96, 6to4 2002::/16) are judged by that address.
pub fn public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            !(a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(a) => {
            let seg = a.segments();
            let tail = |i: usize| {
                std::net::Ipv4Addr::new(
                    (seg[i] >> 8) as u8,
                    seg[i] as u8,
                    (seg[i + 1] >> 8) as u8,
                    seg[i + 1] as u8,
                )
            };
            if let Some(v4) = a.to_ipv4_mapped() {
                return public_address(IpAddr::V4(v4));
            }
            // IPv4-compatible ::a.b.c.d (not :: or ::1) and NAT64
            if (seg[..6] == [0; 6] && (seg[6] != 0 || seg[7] > 1))
                || seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
            {
                return public_address(IpAddr::V4(tail(6)));
            }
            if seg[0] == 0x2002 {
                return public_address(IpAddr::V4(tail(1)));
            }
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] & 0xffc0) == 0xfec0)
        }
    }
}

/// Refuses a URL whose host is an address literal that may not be
/// fetched ([`fetchable`]). Names are not looked up here: the client's
/// resolver ([`FetchableResolver`]) checks what they resolve to, once, at
/// the moment of connecting.
fn check_host(url: &reqwest::Url, allowed: &[IpAddr]) -> Result<(), String> {
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => {
            let port = url.port_or_known_default().unwrap_or(80);
            fetchable(
                host,
                std::iter::once(std::net::SocketAddr::new(ip, port)),
                allowed,
            )
            .map(|_| ())
        }
        Err(_) => Ok(()),
    }
}

/// The addresses of `host` that may be fetched; an error naming the host
/// when none may.
fn fetchable(
    host: &str,
    addrs: impl Iterator<Item = std::net::SocketAddr>,
    allowed: &[IpAddr],
) -> Result<Vec<std::net::SocketAddr>, String> {
    let all: Vec<std::net::SocketAddr> = addrs.collect();
    let ok: Vec<std::net::SocketAddr> = all
        .iter()
        .copied()
        .filter(|a| public_address(a.ip()) || allowed.contains(&a.ip()))
        .collect();
    match (ok.is_empty(), all.first()) {
        (false, _) => Ok(ok),
        (true, Some(a)) => Err(format!(
            "refused {host}: it is at {}, a loopback, private or link-local address (allow with --allow-private-addresses)",
            a.ip()
        )),
        (true, None) => Err(format!("cannot resolve {host}")),
    }
}

/// Name resolution for the HTTP client that hands it only addresses that
/// may be fetched, so the connection goes to a checked address: a name
/// cannot answer with a public address when checked and a private one when
/// connected to (DNS rebinding). The lookup is the system's, made on the
/// client's own thread (Dossier fetches one page at a time per client).
struct FetchableResolver {
    allowed: Vec<IpAddr>,
}

impl reqwest::dns::Resolve for FetchableResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let allowed = self.allowed.clone();
        Box::pin(async move {
            let addrs = (host.as_str(), 0)
                .to_socket_addrs()
                .map_err(|e| format!("cannot resolve {host}: {e}"))?;
            let ok = fetchable(&host, addrs, &allowed)?;
            Ok(Box::new(ok.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Follows at most `max` redirects, each to a public or `allowed` address
/// unless `allow_private`.
fn redirect_policy(
    max: usize,
    allow_private: bool,
    allowed: Vec<IpAddr>,
) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > max {
            return attempt.error(format!("too many redirects (a loop?), more than {max}"));
        }
        if !allow_private {
            if let Err(e) = check_host(attempt.url(), &allowed) {
                return attempt.error(e);
            }
        }
        attempt.follow()
    })
}

/// A short reason for a failed request.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("timed out: {}", e.url().map(|u| u.as_str()).unwrap_or(""))
    } else if e.is_redirect() {
        if let Some(src) = std::error::Error::source(e) {
            return format!("{src}: {}", e.url().map(|u| u.as_str()).unwrap_or(""));
        }
        format!(
            "too many redirects (a loop?): {}",
            e.url().map(|u| u.as_str()).unwrap_or("")
        )
    } else if e.is_connect() {
        // The innermost cause says why: a refused address (from the
        // resolver), a name that does not resolve, a closed port.
        let mut why = None;
        let mut src = std::error::Error::source(e);
        while let Some(c) = src {
            why = Some(c.to_string());
            src = c.source();
        }
        format!(
            "cannot connect: {}{}",
            e.url().map(|u| u.as_str()).unwrap_or(""),
            why.map(|w| format!(" ({w})")).unwrap_or_default()
        )
    } else {
        let mut s = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(c) = src {
            s.push_str(": ");
            s.push_str(&c.to_string());
            src = c.source();
        }
        s
    }
}

/// A link as found in a feed or sitemap, made absolute against the
/// document it was found in.
pub fn join(base: &str, link: &str) -> String {
    reqwest::Url::parse(base)
        .and_then(|b| b.join(link))
        .map(|u| u.to_string())
        .unwrap_or_else(|_| link.to_string())
}

/// Inputs for command-line arguments that may mix URLs and paths: each
/// URL is fetched (a feed or sitemap URL gives its pages), each path is read
/// as [`crate::files::inputs`] reads it. Lazy, in argument order.
pub fn inputs(
    args: &[String],
    limits: crate::Limits,
    allow_private: bool,
) -> Box<dyn Iterator<Item = Pending>> {
    let fetcher: std::sync::Arc<std::sync::OnceLock<Result<Fetcher, String>>> = Default::default();
    let args = args.to_vec();
    Box::new(
        args.into_iter()
            .flat_map(move |a| -> Box<dyn Iterator<Item = Pending>> {
                if is_url(&a) {
                    let f = fetcher.get_or_init(|| {
                        Fetcher::new(FetchConfig {
                            max_bytes: limits.max_bytes,
                            allow_private,
                            ..Default::default()
                        })
                        .map_err(|e| e.to_string())
                    });
                    match f {
                        Ok(f) => Box::new(f.url_inputs(&a).into_iter()),
                        Err(e) => Box::new(std::iter::once(Pending {
                            origin: a.clone(),
                            input: Err(fail(e)),
                        })),
                    }
                } else {
                    Box::new(crate::files::inputs(&[std::path::PathBuf::from(a)], limits))
                }
            }),
    )
}

/// Is this argument a URL rather than a path?
pub fn is_url(arg: &str) -> bool {
    arg.starts_with("http://") || arg.starts_with("https://")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A small HTTP/1.1 server on 127.0.0.1 serving fixed routes; it runs
    /// until the test process ends. Returns its base URL.
    pub fn serve(
        routes: fn(&str, &[(String, String)]) -> (u16, Vec<(&'static str, String)>, Vec<u8>, u64),
    ) -> String {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", l.local_addr().unwrap());
        std::thread::spawn(move || {
            for s in l.incoming().take(500) {
                let Ok(mut s) = s else { continue };
                std::thread::spawn(move || {
                    let mut r = BufReader::new(s.try_clone().unwrap());
                    let mut line = String::new();
                    if r.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let mut headers = Vec::new();
                    loop {
                        let mut h = String::new();
                        if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                            break;
                        }
                        if let Some((k, v)) = h.split_once(':') {
                            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                        }
                    }
                    let (status, hs, body, delay_ms) = routes(&path, &headers);
                    std::thread::sleep(Duration::from_millis(delay_ms));
                    let mut head = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n");
                    let mut has_len = false;
                    for (k, v) in hs {
                        has_len |= k.eq_ignore_ascii_case("content-length");
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    if !has_len {
                        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
                    }
                    head.push_str("\r\n");
                    let _ = s.write_all(head.as_bytes());
                    let _ = s.write_all(&body);
                });
            }
        });
        base
    }

    const ARTICLE: &str = "<html><head><title>Port reopens</title><meta property=\"article:published_time\" content=\"2025-07-08T09:00:00Z\"></head><body><article><p>The port reopened on Monday after a week-long strike by dock workers ended with a pay deal, the harbour authority said.</p><p>Ships queued outside the harbour for days while the talks went on.</p></article></body></html>";

    fn routes(
        path: &str,
        headers: &[(String, String)],
    ) -> (u16, Vec<(&'static str, String)>, Vec<u8>, u64) {
        let html = ("Content-Type", "text/html; charset=utf-8".to_string());
        match path {
            "/robots.txt" => (
                200,
                vec![("Content-Type", "text/plain".into())],
                b"User-agent: *\nDisallow: /private/\n".to_vec(),
                0,
            ),
            "/article" => (200, vec![html], ARTICLE.as_bytes().to_vec(), 0),
            "/private/page" => (200, vec![html], ARTICLE.as_bytes().to_vec(), 0),
            "/moved" => (301, vec![("Location", "/article".into())], vec![], 0),
            "/to-metadata" => (
                302,
                vec![(
                    "Location",
                    "http://169.254.169.254/latest/meta-data/".into(),
                )],
                vec![],
                0,
            ),
            "/loop-a" => (302, vec![("Location", "/loop-b".into())], vec![], 0),
            "/loop-b" => (302, vec![("Location", "/loop-a".into())], vec![], 0),
            "/missing" => (404, vec![html], b"<p>not found</p>".to_vec(), 0),
            "/broken" => (500, vec![html], b"<p>oops</p>".to_vec(), 0),
            "/slow" => (200, vec![html], ARTICLE.as_bytes().to_vec(), 3000),
            "/gzip" => {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                gz.write_all(ARTICLE.replace("port", "airport").as_bytes())
                    .unwrap();
                (
                    200,
                    vec![html, ("Content-Encoding", "gzip".into())],
                    gz.finish().unwrap(),
                    0,
                )
            }
            "/latin1" => {
                // Declared in the header, not in the page; the bytes are not UTF-8.
                let mut b = b"<html><body><article><p>Le caf\xe9 du port a rouvert lundi apr\xe8s une semaine de gr\xe8ve des dockers, a indiqu\xe9 l'autorit\xe9 portuaire du Havre.</p></article></body></html>".to_vec();
                b.shrink_to_fit();
                (
                    200,
                    vec![("Content-Type", "text/html; charset=iso-8859-1".into())],
                    b,
                    0,
                )
            }
            "/big" => (200, vec![html], vec![b'a'; 50 * 1024 * 1024], 0),
            "/image" => (
                200,
                vec![("Content-Type", "image/png".into())],
                b"\x89PNG\r\n\x1a\n".to_vec(),
                0,
            ),
            "/etag" => {
                if headers
                    .iter()
                    .any(|(k, v)| k == "if-none-match" && v == "\"v1\"")
                {
                    (304, vec![("ETag", "\"v1\"".into())], vec![], 0)
                } else {
                    (
                        200,
                        vec![html, ("ETag", "\"v1\"".into())],
                        ARTICLE.as_bytes().to_vec(),
                        0,
                    )
                }
            }
            "/feed.xml" => (
                200,
                vec![("Content-Type", "application/rss+xml".into())],
                FEED.as_bytes().to_vec(),
                0,
            ),
            "/sitemap.xml" => (
                200,
                vec![("Content-Type", "application/xml".into())],
                SITEMAP.as_bytes().to_vec(),
                0,
            ),
            "/bad-feed.xml" => (
                200,
                vec![("Content-Type", "application/rss+xml".into())],
                b"<rss version=\"2.0\"><channel><item><title>x".to_vec(),
                0,
            ),
            _ => (404, vec![], vec![], 0),
        }
    }

    const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>
<item><title>Port reopens (feed title)</title><link>/article</link><pubDate>Tue, 08 Jul 2025 09:30:00 GMT</pubDate><author>ana@news.example (Ana Ruiz)</author></item>
<item><title>Gone</title><link>/missing</link></item></channel></rss>"#;
    const SITEMAP: &str = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/gzip</loc></url><url><loc>/broken</loc></url></urlset>"#;

    fn fetcher(max_bytes: u64) -> Fetcher {
        Fetcher::new(FetchConfig {
            timeout: Duration::from_secs(1),
            max_bytes,
            per_host_interval: Duration::ZERO,
            // the test server is on 127.0.0.1
            allow_private: true,
            ..Default::default()
        })
        .unwrap()
    }

    fn err(p: &Pending) -> String {
        p.input
            .as_ref()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn addresses_off_the_open_internet_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!public_address(a.parse().unwrap()), "{a}");
        }
        for a in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(public_address(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn the_resolver_hands_on_only_fetchable_addresses() {
        let a = |s: &str| -> std::net::SocketAddr { s.parse().unwrap() };
        // a name answering with both: the connection may only go public
        let mixed = [a("10.0.0.5:0"), a("93.184.216.34:0")];
        assert_eq!(
            fetchable("rebind.example", mixed.into_iter(), &[]).unwrap(),
            vec![a("93.184.216.34:0")]
        );
        let private = [a("127.0.0.1:0"), a("[::1]:0")];
        let e = fetchable("localhost", private.into_iter(), &[]).unwrap_err();
        assert!(
            e.contains("refused localhost") && e.contains("127.0.0.1"),
            "{e}"
        );
        let allowed = ["127.0.0.1".parse().unwrap()];
        assert_eq!(
            fetchable("localhost", private.into_iter(), &allowed).unwrap(),
            vec![a("127.0.0.1:0")]
        );
        assert!(fetchable("nowhere", std::iter::empty(), &[]).is_err());
    }

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        let base = serve(routes);
        let strict = Fetcher::new(FetchConfig {
            per_host_interval: Duration::ZERO,
            ..Default::default()
        })
        .unwrap();
        let e = err(&strict.page(&format!("{base}/article")));
        assert!(e.contains("refused") && e.contains("127.0.0.1"), "{e}");
        assert!(err(&strict.page("http://localhost:9/x")).contains("refused"));
        assert!(err(&strict.page("http://[::1]:9/x")).contains("refused"));
        // allowed, the same page is fetched
        assert!(fetcher(1 << 20)
            .page(&format!("{base}/article"))
            .input
            .is_ok());
        // one host allowed: its pages come, but its redirect into the
        // link-local metadata address is refused at the hop
        let one_host = Fetcher::new(FetchConfig {
            per_host_interval: Duration::ZERO,
            allowed_addresses: vec!["127.0.0.1".parse().unwrap()],
            ..Default::default()
        })
        .unwrap();
        assert!(one_host.page(&format!("{base}/article")).input.is_ok());
        // by name too: the client's own resolver hands it 127.0.0.1 and
        // drops ::1
        let by_name = base.replace("127.0.0.1", "localhost");
        let page = one_host.page(&format!("{by_name}/article"));
        assert!(page.input.is_ok(), "{}", err(&page));
        let e = err(&one_host.page(&format!("{base}/to-metadata")));
        assert!(
            e.contains("refused") && e.contains("169.254.169.254"),
            "{e}"
        );
    }

    #[test]
    fn pages_redirects_errors_and_limits() {
        let base = serve(routes);
        let f = fetcher(10 * 1024 * 1024);
        let d = crate::extract(f.page(&format!("{base}/moved")))
            .result
            .unwrap();
        assert!(d.text.contains("dock workers"));
        assert_eq!(d.url.as_deref(), Some(format!("{base}/article").as_str()));
        assert_eq!(d.published.as_deref(), Some("2025-07-08"));
        assert!(err(&f.page(&format!("{base}/loop-a"))).contains("redirect"));
        assert!(err(&f.page(&format!("{base}/missing"))).contains("404"));
        assert!(err(&f.page(&format!("{base}/broken"))).contains("500"));
        assert!(err(&f.page(&format!("{base}/slow"))).contains("timed out"));
        assert!(err(&f.page(&format!("{base}/private/page"))).contains("robots.txt"));
        assert!(err(&f.page(&format!("{base}/image"))).contains("not a web page"));
        assert!(matches!(
            f.page(&format!("{base}/big")).input,
            Err(IngestError::TooLarge { .. })
        ));
        assert!(crate::extract(f.page(&format!("{base}/gzip")))
            .result
            .unwrap()
            .text
            .contains("airport"));
        let fr = crate::extract(f.page(&format!("{base}/latin1")))
            .result
            .unwrap();
        assert!(fr.text.contains("Le café du port"), "{}", fr.text);
        assert!(err(&f.page("ftp://127.0.0.1/x")).contains("not an http"));
    }

    #[test]
    fn arguments_mix_urls_and_paths() {
        let base = serve(routes);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(
            &p,
            "Talks resume\nThe talks went on for a second day on Tuesday in Cairo.",
        )
        .unwrap();
        let args = vec![
            format!("{base}/article"),
            p.display().to_string(),
            format!("{base}/missing"),
        ];
        let items: Vec<crate::Item> = inputs(&args, crate::Limits::default(), true)
            .map(crate::extract)
            .collect();
        assert_eq!(items.len(), 3);
        assert!(items[0].result.is_ok() && items[1].result.is_ok());
        assert!(items[2]
            .result
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("404"));
    }

    #[test]
    fn conditional_requests() {
        let base = serve(routes);
        let f = fetcher(1 << 20);
        let first = match f
            .get_if_changed(&format!("{base}/etag"), None, None)
            .unwrap()
        {
            Conditional::Changed(x) => x,
            Conditional::NotModified => panic!("first request cannot be 304"),
        };
        assert_eq!(first.etag.as_deref(), Some("\"v1\""));
        assert!(matches!(
            f.get_if_changed(&format!("{base}/etag"), first.etag.as_deref(), None)
                .unwrap(),
            Conditional::NotModified
        ));
    }

    #[test]
    fn feeds_and_sitemaps_by_url() {
        let base = serve(routes);
        let f = fetcher(1 << 20);
        // Relative links in the fixtures are made absolute here.
        let feed_items: Vec<crate::Item> = f
            .url_inputs(&format!("{base}/feed.xml"))
            .into_iter()
            .map(crate::extract)
            .collect();
        assert_eq!(feed_items.len(), 2);
        assert!(feed_items[1].result.is_err());
        let items: Vec<crate::Item> = f
            .url_inputs(&format!("{base}/sitemap.xml"))
            .into_iter()
            .map(crate::extract)
            .collect();
        assert_eq!(items.len(), 2);
        assert!(f.url_inputs(&format!("{base}/bad-feed.xml"))[0]
            .input
            .is_err());
    }
}
