//! Feed watching: what `dossier watch` remembers between polls and across
//! restarts, and one poll of one feed.
//!
//! Each poll is a conditional GET (`If-None-Match` with the feed's last
//! ETag, `If-Modified-Since` with its last `Last-Modified`): a feed that did
//! not change costs one request and no parsing. A changed feed is parsed and
//! only its items not seen before are fetched. An item counts as seen once
//! the caller has stored it ([`WatchState::mark_seen`]); an item whose page
//! failed is tried again at the next polls, up to [`MAX_ATTEMPTS`] times,
//! then given up (and reported), so one dead link does not cost a request
//! forever.
//!
//! The state is one JSON file, written to a temporary file and renamed
//! over the old one, so a crash mid-write leaves the previous state whole.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::feeds::{self, FeedItem};
use crate::fetch::{join, Conditional, Fetcher};
use crate::{IngestError, Pending};

/// Items remembered per feed; older keys are forgotten first. Feeds list
/// their latest 10 to 100 items, so this is many polls' worth.
pub const SEEN_PER_FEED: usize = 5000;
/// Polls in which an item's page may fail before it is given up.
pub const MAX_ATTEMPTS: u32 = 3;

/// What is remembered of one feed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FeedState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// When the feed was last polled (RFC 3339), and what came of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_polled: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Keys of items stored or given up, oldest first.
    #[serde(default)]
    pub seen: VecDeque<String>,
    /// Failed attempts of items not yet stored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attempts: BTreeMap<String, u32>,
}

/// Everything `dossier watch` remembers, by feed URL.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WatchState {
    pub version: u32,
    pub feeds: BTreeMap<String, FeedState>,
    /// Documents were stored but stories were not regrouped yet (set before
    /// the state is saved, cleared once grouping and index are updated), so
    /// a watch stopped in between regroups when it starts again.
    #[serde(default)]
    pub regroup_pending: bool,
    #[serde(skip)]
    index: HashMap<String, std::collections::HashSet<String>>,
}

/// The key of a feed item: its link, else its title and date.
pub fn item_key(feed_url: &str, item: &FeedItem) -> String {
    match item.url.as_deref() {
        Some(u) => join(feed_url, u),
        None => format!(
            "{}|{}",
            item.title.as_deref().unwrap_or(""),
            item.published.as_deref().unwrap_or("")
        ),
    }
}

impl WatchState {
    /// Read the state file; an absent file is an empty state. A file that
    /// does not parse is an error (it is never silently overwritten).
    pub fn load(path: &Path) -> Result<Self, IngestError> {
        let raw = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(WatchState {
                    version: 1,
                    ..Default::default()
                })
            }
            Err(e) => return Err(IngestError::Io(format!("{}: {e}", path.display()))),
        };
        let mut s: WatchState = serde_json::from_slice(&raw).map_err(|e| {
            IngestError::Io(format!(
                "{}: not a watch state file ({e}); move it away to start afresh",
                path.display()
            ))
        })?;
        s.reindex();
        Ok(s)
    }

    fn reindex(&mut self) {
        self.index = self
            .feeds
            .iter()
            .map(|(k, f)| (k.clone(), f.seen.iter().cloned().collect()))
            .collect();
    }

    /// Write the state: to `PATH.tmp`, then renamed over `PATH`.
    pub fn save(&self, path: &Path) -> Result<(), IngestError> {
        let io = |e: std::io::Error| IngestError::Io(format!("{}: {e}", path.display()));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp: PathBuf = {
            let mut s = path.as_os_str().to_owned();
            s.push(".tmp");
            s.into()
        };
        let body = serde_json::to_vec_pretty(self)
            .map_err(|e| IngestError::Internal(format!("watch state: {e}")))?;
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(io)?;
            f.write_all(&body).map_err(io)?;
            // On disk before the rename, so a power cut leaves the old
            // state or the new one, never an empty file.
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, path).map_err(io)
    }

    pub fn feed(&self, url: &str) -> Option<&FeedState> {
        self.feeds.get(url)
    }

    pub fn is_seen(&self, feed: &str, key: &str) -> bool {
        self.index.get(feed).is_some_and(|s| s.contains(key))
    }

    /// Remember an item as done (stored, or given up).
    pub fn mark_seen(&mut self, feed: &str, key: &str) {
        let f = self.feeds.entry(feed.to_string()).or_default();
        let idx = self.index.entry(feed.to_string()).or_default();
        f.attempts.remove(key);
        if idx.insert(key.to_string()) {
            f.seen.push_back(key.to_string());
            while f.seen.len() > SEEN_PER_FEED {
                if let Some(old) = f.seen.pop_front() {
                    idx.remove(&old);
                }
            }
        }
    }

    /// Count a failed attempt; true when the item is now given up (and
    /// remembered as seen).
    pub fn mark_failed(&mut self, feed: &str, key: &str) -> bool {
        let f = self.feeds.entry(feed.to_string()).or_default();
        let n = f.attempts.entry(key.to_string()).or_default();
        *n += 1;
        if *n >= MAX_ATTEMPTS {
            self.mark_seen(feed, key);
            true
        } else {
            false
        }
    }
}

/// What one poll of one feed found.
#[derive(Debug)]
pub enum Poll {
    /// 304: nothing changed since the last poll.
    NotModified,
    /// The feed's new items with their keys, in feed order (their pages
    /// not yet fetched: [`fetch_item`]); `total` items in the feed.
    New {
        items: Vec<(String, FeedItem)>,
        total: usize,
        /// The feed's ETag and Last-Modified, for
        /// [`WatchState::set_validators`].
        validators: (Option<String>, Option<String>),
    },
    /// The feed itself could not be had or read.
    Failed(IngestError),
}

/// Poll one feed: conditional GET, parse, and list the items not seen
/// before. Updates the feed's poll time in `state`; marking items seen and
/// keeping the validators are the caller's, once the items are stored.
pub fn poll(fetcher: &Fetcher, url: &str, state: &mut WatchState, now: &str) -> Poll {
    let f = state.feeds.entry(url.to_string()).or_default();
    f.last_polled = Some(now.to_string());
    let got = fetcher.get_if_changed(url, f.etag.as_deref(), f.last_modified.as_deref());
    let fetched = match got {
        Ok(Conditional::NotModified) => {
            f.last_error = None;
            return Poll::NotModified;
        }
        Ok(Conditional::Changed(x)) => x,
        Err(e) => {
            f.last_error = Some(e.to_string());
            return Poll::Failed(e);
        }
    };
    let feed = match feeds::parse(&fetched.body) {
        Ok(x) => x,
        Err(e) => {
            f.last_error = Some(e.to_string());
            return Poll::Failed(e);
        }
    };
    f.last_error = None;
    let total = feed.items.len();
    let keyed: Vec<(String, FeedItem)> = feed
        .items
        .into_iter()
        .map(|it| (item_key(url, &it), it))
        .collect();
    // Failed attempts of items no longer in the feed are forgotten.
    f.attempts
        .retain(|k, _| keyed.iter().any(|(key, _)| key == k));
    let items = keyed
        .into_iter()
        .filter(|(k, _)| !state.is_seen(url, k))
        .collect();
    Poll::New {
        items,
        total,
        validators: (fetched.etag, fetched.last_modified),
    }
}

impl WatchState {
    /// Keep a feed's ETag and Last-Modified for the next conditional GET.
    /// Call it only once every new item of the poll is stored or given up:
    /// with an item still to retry, the next poll must read the feed in
    /// full, not be told "304 Not Modified".
    pub fn set_validators(&mut self, feed: &str, validators: (Option<String>, Option<String>)) {
        let f = self.feeds.entry(feed.to_string()).or_default();
        (f.etag, f.last_modified) = validators;
    }
}

/// The input for one item of the feed at `feed_url`: its page, fetched,
/// with the item's title, date and author as hints (else the content the
/// feed carries).
pub fn fetch_item(fetcher: &Fetcher, feed_url: &str, item: FeedItem) -> Pending {
    let one = feeds::Feed {
        title: None,
        items: vec![item],
    };
    let fetch = |u: &str| fetcher.page(&join(feed_url, u));
    feeds::items(feed_url, &one, Some(&fetch))
        .pop()
        .unwrap_or_else(|| Pending {
            origin: feed_url.to_string(),
            input: Err(IngestError::Internal("feed item vanished".into())),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::tests::serve;
    use crate::fetch::FetchConfig;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    static FEED_VERSION: AtomicUsize = AtomicUsize::new(1);
    static FEED_GETS: AtomicUsize = AtomicUsize::new(0);
    static NOT_MODIFIED: AtomicUsize = AtomicUsize::new(0);

    fn feed_xml(n: usize) -> String {
        let items: String = (1..=n)
            .map(|i| {
                format!(
                    "<item><title>Report {i}</title><link>/story/{i}</link><pubDate>Tue, 08 Jul 2025 0{i}:00:00 GMT</pubDate></item>"
                )
            })
            .collect();
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>{items}</channel></rss>")
    }

    fn routes(
        path: &str,
        headers: &[(String, String)],
    ) -> (u16, Vec<(&'static str, String)>, Vec<u8>, u64) {
        let html = ("Content-Type", "text/html; charset=utf-8".to_string());
        match path {
            "/feed.xml" => {
                FEED_GETS.fetch_add(1, Ordering::SeqCst);
                let v = FEED_VERSION.load(Ordering::SeqCst);
                let tag = format!("\"v{v}\"");
                if headers
                    .iter()
                    .any(|(k, x)| k == "if-none-match" && *x == tag)
                {
                    NOT_MODIFIED.fetch_add(1, Ordering::SeqCst);
                    return (304, vec![("ETag", tag)], vec![], 0);
                }
                (
                    200,
                    vec![("Content-Type", "application/rss+xml".into()), ("ETag", tag)],
                    feed_xml(v + 1).into_bytes(),
                    0,
                )
            }
            "/story/3" => (404, vec![html], b"gone".to_vec(), 0),
            p if p.starts_with("/story/") => (
                200,
                vec![html],
                format!("<html><body><article><p>Talks resumed in the capital on Tuesday, officials said, as mediators pressed both sides for a deal ({p}).</p><p>A second round is planned for next week.</p></article></body></html>").into_bytes(),
                0,
            ),
            _ => (404, vec![html], vec![], 0),
        }
    }

    #[test]
    fn polls_fetch_only_new_items_and_respect_etags() {
        let base = serve(routes);
        let fetcher = Fetcher::new(FetchConfig {
            per_host_interval: Duration::ZERO,
            allow_private: true,
            ..Default::default()
        })
        .unwrap();
        let url = format!("{base}/feed.xml");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watch.json");
        let mut st = WatchState::load(&path).unwrap();

        // First poll: both items are new and fetched.
        let Poll::New {
            items,
            total,
            validators,
        } = poll(&fetcher, &url, &mut st, "t1")
        else {
            panic!("expected new items")
        };
        assert_eq!((items.len(), total), (2, 2));
        for (k, it) in items {
            let p = fetch_item(&fetcher, &url, it);
            assert!(p.input.is_ok(), "{k}: {:?}", p.input);
            assert_eq!(
                p.input.as_ref().unwrap().hints.title.as_deref(),
                Some(if k.ends_with("/1") {
                    "Report 1"
                } else {
                    "Report 2"
                })
            );
            st.mark_seen(&url, &k);
        }
        st.set_validators(&url, validators);
        assert_eq!(st.feed(&url).unwrap().etag.as_deref(), Some("\"v1\""));
        st.save(&path).unwrap();

        // Restart: the state comes back from disk; the unchanged feed is a 304.
        let mut st = WatchState::load(&path).unwrap();
        assert!(matches!(
            poll(&fetcher, &url, &mut st, "t2"),
            Poll::NotModified
        ));
        assert_eq!(NOT_MODIFIED.load(Ordering::SeqCst), 1);

        // The feed grows by one item, whose page is gone, and then stays
        // the same: the item is retried at each poll (the feed is read in
        // full, never a 304, while it is pending) and given up after
        // MAX_ATTEMPTS polls; only then does an unchanged feed become a 304.
        FEED_VERSION.store(2, Ordering::SeqCst);
        for attempt in 1..=MAX_ATTEMPTS {
            let Poll::New {
                items, validators, ..
            } = poll(&fetcher, &url, &mut st, "t3")
            else {
                panic!("attempt {attempt}: expected the feed read in full")
            };
            let keys: Vec<&String> = items.iter().map(|(k, _)| k).collect();
            assert_eq!(keys, [&format!("{base}/story/3")], "attempt {attempt}");
            let mut pending = 0;
            for (k, it) in items {
                assert!(fetch_item(&fetcher, &url, it).input.is_err());
                let gave_up = st.mark_failed(&url, &k);
                assert_eq!(gave_up, attempt == MAX_ATTEMPTS);
                pending += usize::from(!gave_up);
            }
            if pending == 0 {
                st.set_validators(&url, validators);
            }
        }
        assert!(st.is_seen(&url, &format!("{base}/story/3")));
        assert!(matches!(
            poll(&fetcher, &url, &mut st, "t4"),
            Poll::NotModified
        ));
    }

    #[test]
    fn a_damaged_state_file_is_an_error_not_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watch.json");
        std::fs::write(&path, b"{not json").unwrap();
        let e = WatchState::load(&path).unwrap_err().to_string();
        assert!(e.contains("not a watch state file"), "{e}");
    }

    #[test]
    fn seen_items_are_bounded_per_feed() {
        let mut st = WatchState::default();
        for i in 0..SEEN_PER_FEED + 10 {
            st.mark_seen("f", &format!("k{i}"));
        }
        assert_eq!(st.feed("f").unwrap().seen.len(), SEEN_PER_FEED);
        assert!(!st.is_seen("f", "k0"));
        assert!(st.is_seen("f", &format!("k{}", SEEN_PER_FEED + 9)));
    }
}
