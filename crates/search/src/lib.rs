//! Dossier's full-text index: one tantivy document per stored report, over
//! title, text, outlet, date, entities, speakers and quotes.
//!
//! The index is derived data: the store is the system of record, and
//! [`Index::sync_with`] brings the index in step with it (adding what is
//! missing, removing what the store no longer holds). It lives in the store
//! directory, under `index/` ([`Index::open_for_store`]).
//!
//! Searching ([`Index::search`]) takes the query language of [`query`],
//! returns hits with highlighted snippets, facets by outlet and entity, and
//! the attention over time (daily counts of matching documents, overall
//! and for the outlets with most matches), sorted by relevance or date.

pub mod query;
mod stats;

use dossier_model::Document;
use dossier_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, Value, FAST, INDEXED, STORED, STRING, TEXT,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

pub use query::DayRange;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index directory {path}: {message}")]
    Dir { path: String, message: String },
    #[error(transparent)]
    Store(#[from] dossier_store::StoreError),
    #[error("index: {0}")]
    Io(#[from] std::io::Error),
    #[error("index: a writer is already open elsewhere: {0}")]
    Busy(String),
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// Bumped when the schema or the on-disk format changes (2: columnar
/// dictionaries uncompressed); an index of another version is rebuilt
/// from the store.
const INDEX_VERSION: &str = "2";
/// Matches per segment whose entities are all counted before entity facets
/// are estimated from a sample (see `stats`): below about this many
/// matches per segment, counts are exact.
const ENTITY_SAMPLE: u32 = 2_000;
/// Outlets charted beside the overall attention series: the most matched.
const ATTENTION_OUTLETS: usize = 6;
/// Memory for the index writer, shared by its threads.
const WRITER_HEAP: usize = 128 * 1024 * 1024;
/// Key separator in `entity_key` values: `LABEL<TAB>canonical name`.
const KEY_SEP: char = '\t';

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    text: Field,
    outlet: Field,
    outlet_key: Field,
    entity: Field,
    entity_key: Field,
    speaker: Field,
    quote: Field,
    day: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let f = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", TEXT | STORED),
        text: b.add_text_field("text", TEXT | STORED),
        outlet: b.add_text_field("outlet", TEXT),
        outlet_key: b.add_text_field("outlet_key", STRING | FAST | STORED),
        entity: b.add_text_field("entity", TEXT),
        entity_key: b.add_text_field("entity_key", STRING | FAST),
        speaker: b.add_text_field("speaker", TEXT),
        quote: b.add_text_field("quote", TEXT),
        day: b.add_i64_field("day", INDEXED | FAST | STORED),
    };
    (b.build(), f)
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest first; undated documents last.
    Date,
    /// Oldest first.
    DateAsc,
}

/// One search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query in the language of [`query`]; empty matches everything.
    pub q: String,
    /// Exact outlet filter (as in the outlet facet).
    pub outlet: Option<String>,
    /// Exact entity filter: a canonical name (any label), as in the entity facet.
    pub entity: Option<String>,
    /// Inclusive date range.
    pub dates: DayRange,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Count facets (outlets, entities) over all matches.
    pub facets: bool,
    /// Count matches per day (overall and for the top outlets).
    pub attention: bool,
    /// How many entries each facet lists.
    pub facet_size: usize,
}

/// A piece of text with the byte ranges that match the query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlighted {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
    pub title: Highlighted,
    pub outlet: String,
    /// `YYYY-MM-DD`, when the document is dated.
    pub published: Option<String>,
    pub score: f32,
    pub snippet: Highlighted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    /// For entities: `PERSON`, `ORG`, `LOC`, `MISC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Facets {
    pub outlets: Vec<FacetCount>,
    pub entities: Vec<FacetCount>,
    /// True when the query matched so many documents that entity counts
    /// were estimated from a uniform sample of the matches (outlet counts
    /// and attention are always exact).
    #[serde(default)]
    pub entities_estimated: bool,
}

/// Matches per day, days without matches left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Series {
    pub days: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Attention {
    pub overall: Series,
    /// The outlets with most matches, most first.
    pub outlets: Vec<(String, Series)>,
    /// Matching documents that carry no date.
    pub undated: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub total: usize,
    pub offset: usize,
    pub hits: Vec<Hit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attention: Option<Attention>,
    /// Parts of the query that were not understood and were left out.
    pub warnings: Vec<String>,
}

/// What [`Index::sync_with`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SyncReport {
    pub added: usize,
    pub removed: usize,
}

/// The full-text index.
pub struct Index {
    index: tantivy::Index,
    reader: IndexReader,
    fields: Fields,
    dir: Option<PathBuf>,
    /// Serializes writers within this process (tantivy allows one per index).
    write_lock: Mutex<()>,
    /// The whole index's outlet and entity counts, as of one searcher
    /// generation: the entity and outlet list pages ask for them on every
    /// visit, and counting every document each time cost about 100 ms at
    /// 100,000 documents.
    overview: Mutex<Option<Overview>>,
    /// Day and outlet per document, decoded per segment for counting.
    columns: stats::ColumnCache,
}

/// Whole-index facet counts and the searcher generation they were counted
/// in.
struct Overview {
    generation: u64,
    size: usize,
    facets: Facets,
}

/// How many outlets and entities a whole-index count keeps, so that list
/// pages of the usual sizes (the web UI lists 500 outlets and 200
/// entities) are served from one count.
const OVERVIEW_SIZE: usize = 500;

impl Index {
    /// Open (creating when absent) the index of the store in `store_dir`.
    pub fn open_for_store(store_dir: &Path) -> Result<Self> {
        Self::open(&store_dir.join("index"))
    }

    /// Open (creating when absent) the index in directory `dir`. An index
    /// written by another schema version is emptied, to be rebuilt by
    /// [`Index::sync_with`].
    pub fn open(dir: &Path) -> Result<Self> {
        let derr = |e: &dyn std::fmt::Display| SearchError::Dir {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        let version_file = dir.join("dossier-index-version");
        if dir.exists()
            && std::fs::read_to_string(&version_file).ok().as_deref() != Some(INDEX_VERSION)
        {
            std::fs::remove_dir_all(dir).map_err(|e| derr(&e))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| derr(&e))?;
        let (schema, fields) = schema();
        let mmap = MmapDirectory::open(dir).map_err(|e| derr(&e))?;
        let index = tantivy::Index::open_or_create(mmap, schema)?;
        std::fs::write(&version_file, INDEX_VERSION).map_err(|e| derr(&e))?;
        Self::from_index(index, fields, Some(dir.to_path_buf()))
    }

    /// An index in memory, for tests and stateless runs.
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema();
        Self::from_index(tantivy::Index::create_in_ram(schema), fields, None)
    }

    fn from_index(mut index: tantivy::Index, fields: Fields, dir: Option<PathBuf>) -> Result<Self> {
        // Segments are searched in parallel, one thread per core: a broad
        // query's latency is then about its largest segment's, not the sum.
        index.set_default_multithread_executor()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Index {
            index,
            reader,
            fields,
            dir,
            write_lock: Mutex::new(()),
            overview: Mutex::new(None),
            columns: stats::ColumnCache::default(),
        })
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Number of documents searchable now.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn writer(&self) -> Result<IndexWriter> {
        self.index.writer(WRITER_HEAP).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Busy(e.to_string()),
            e => e.into(),
        })
    }

    fn to_tantivy(&self, d: &Document) -> TantivyDocument {
        let f = &self.fields;
        let mut t = TantivyDocument::default();
        t.add_text(f.id, &d.id);
        if let Some(title) = &d.title {
            t.add_text(f.title, title);
        }
        t.add_text(f.text, &d.text);
        let outlet = d.outlet();
        t.add_text(f.outlet, &outlet);
        t.add_text(f.outlet_key, &outlet);
        if let Some(day) = d.published.as_deref().and_then(query::published_day) {
            t.add_i64(f.day, day);
        }
        let mut seen = HashSet::new();
        for e in &d.entities {
            if seen.insert((e.label, e.canonical.as_str())) {
                t.add_text(f.entity, &e.canonical);
                t.add_text(
                    f.entity_key,
                    format!("{}{KEY_SEP}{}", e.label.as_str(), e.canonical),
                );
            }
            if e.text != e.canonical && seen.insert((e.label, e.text.as_str())) {
                t.add_text(f.entity, &e.text);
            }
        }
        let mut speakers = HashSet::new();
        for q in &d.quotes {
            t.add_text(f.quote, &q.text);
            if let Some(s) = &q.speaker {
                for name in [Some(&s.name), s.canonical.as_ref(), s.description.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    if speakers.insert(name.as_str()) {
                        t.add_text(f.speaker, name);
                    }
                }
            }
        }
        t
    }

    /// Add (or replace, by id) documents and make them searchable.
    pub fn add(&self, docs: &[Document]) -> Result<usize> {
        if docs.is_empty() {
            return Ok(0);
        }
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut w = self.writer()?;
        for d in docs {
            w.delete_term(Term::from_field_text(self.fields.id, &d.id));
            w.add_document(self.to_tantivy(d))?;
        }
        w.commit()?;
        Self::finish(w)?;
        self.reader.reload()?;
        Ok(docs.len())
    }

    /// Let the merges the commit started finish before the writer goes.
    /// Dropping a writer abandons them, and an index written in many small
    /// commits (an ingest's batches) then kept every commit's segments: 115
    /// segments for 100,000 documents, and facet counting pays per segment.
    fn finish(w: IndexWriter) -> Result<()> {
        w.wait_merging_threads()?;
        Ok(())
    }

    /// Remove documents by id.
    pub fn remove(&self, ids: &[String]) -> Result<usize> {
        if ids.is_empty() {
            return Ok(0);
        }
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut w = self.writer()?;
        for id in ids {
            w.delete_term(Term::from_field_text(self.fields.id, id));
        }
        w.commit()?;
        Self::finish(w)?;
        self.reader.reload()?;
        Ok(ids.len())
    }

    /// The ids of every indexed document.
    pub fn ids(&self) -> Result<HashSet<String>> {
        let searcher = self.reader.searcher();
        let mut out = HashSet::new();
        for seg in searcher.segment_readers() {
            let inv = seg.inverted_index(self.fields.id)?;
            let mut terms = inv.terms().stream()?;
            while terms.advance() {
                // A term may survive in the dictionary after its documents
                // were deleted: keep it only when a live document holds it.
                let term = Term::from_field_bytes(self.fields.id, terms.key());
                if let Some(mut postings) = inv.read_postings(&term, IndexRecordOption::Basic)? {
                    use tantivy::DocSet;
                    let alive = seg.alive_bitset();
                    let mut doc = postings.doc();
                    while doc != tantivy::TERMINATED {
                        if alive.is_none_or(|a| a.is_alive(doc)) {
                            out.insert(String::from_utf8_lossy(terms.key()).into_owned());
                            break;
                        }
                        doc = postings.advance();
                    }
                }
            }
        }
        Ok(out)
    }

    /// Bring the index in step with the store: index the stored documents it
    /// lacks, drop those the store no longer has. Documents are read in
    /// batches, so memory stays bounded on a large store.
    pub fn sync_with(&self, store: &dyn Store) -> Result<SyncReport> {
        let have = self.ids()?;
        let stored: Vec<String> = store.document_ids()?;
        let stored_set: HashSet<&str> = stored.iter().map(String::as_str).collect();
        let gone: Vec<String> = have
            .iter()
            .filter(|id| !stored_set.contains(String::as_str(id)))
            .cloned()
            .collect();
        let missing: Vec<&String> = stored.iter().filter(|id| !have.contains(*id)).collect();
        let mut report = SyncReport {
            removed: self.remove(&gone)?,
            added: 0,
        };
        // One writer for the whole sync, committing every 20,000 documents
        // (what a crash would lose), so that a large sync does not leave a
        // segment or two per small batch.
        if !missing.is_empty() {
            let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
            let mut w = self.writer()?;
            let mut uncommitted = 0;
            for id in missing {
                if let Some(d) = store.document(id)? {
                    w.delete_term(Term::from_field_text(self.fields.id, &d.id));
                    w.add_document(self.to_tantivy(&d))?;
                    report.added += 1;
                    uncommitted += 1;
                }
                if uncommitted == 20_000 {
                    w.commit()?;
                    uncommitted = 0;
                }
            }
            w.commit()?;
            Self::finish(w)?;
            self.reader.reload()?;
        }
        Ok(report)
    }

    fn parser(&self) -> QueryParser {
        let f = &self.fields;
        let mut p = QueryParser::for_index(
            &self.index,
            vec![f.title, f.text, f.outlet, f.entity, f.quote, f.speaker],
        );
        p.set_conjunction_by_default();
        p.set_field_boost(f.title, 2.0);
        p.set_field_boost(f.entity, 1.5);
        p
    }

    /// Parse a query string; parts that do not parse are left out and
    /// reported.
    pub fn parse(&self, q: &str) -> (Box<dyn Query>, Vec<String>) {
        let (rewritten, mut warnings) = query::rewrite_dates(&query::rewrite_not(q));
        if rewritten.trim().is_empty() {
            return (Box::new(AllQuery), warnings);
        }
        let (query, errors) = self.parser().parse_query_lenient(&rewritten);
        warnings.extend(errors.into_iter().map(|e| format!("query: {e}")));
        (query, warnings)
    }

    fn full_query(&self, req: &SearchRequest) -> (Box<dyn Query>, Box<dyn Query>, Vec<String>) {
        let (text_query, warnings) = self.parse(&req.q);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        if let Some(o) = &req.outlet {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.outlet_key, o),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(e) = &req.entity {
            let (label, name) = e
                .split_once(KEY_SEP)
                .map(|(l, n)| (Some(l), n))
                .unwrap_or((None, e.as_str()));
            let labels: Vec<&str> = match label {
                Some(l) => vec![l],
                None => vec!["PERSON", "ORG", "LOC", "MISC"],
            };
            let any: Vec<(Occur, Box<dyn Query>)> = labels
                .into_iter()
                .map(|l| {
                    let t = Term::from_field_text(
                        self.fields.entity_key,
                        &format!("{l}{KEY_SEP}{name}"),
                    );
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if req.dates.from.is_some() || req.dates.to.is_some() {
            use std::ops::Bound;
            let b = |v: Option<i64>| {
                v.map(|d| Bound::Included(Term::from_field_i64(self.fields.day, d)))
                    .unwrap_or(Bound::Unbounded)
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(b(req.dates.from), b(req.dates.to))),
            ));
        }
        let q: Box<dyn Query> = if clauses.len() == 1 {
            text_query.box_clone()
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        (q, text_query, warnings)
    }

    /// Run one search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let (query, text_query, warnings) = self.full_query(req);
        let limit = req.limit.clamp(1, 1000);
        let top = TopDocs::with_limit(limit).and_offset(req.offset.min(1_000_000));
        let addrs: Vec<(f32, DocAddress)>;
        let total;
        let mut st = None;
        let want_stats = req.facets || req.attention;
        let size = if req.facet_size == 0 {
            20
        } else {
            req.facet_size
        };
        let collector = stats::StatsCollector {
            outlet: "outlet_key",
            entity: "entity_key",
            day: "day",
            entities: req.facets,
            // Each segment names only its most counted entities, this many
            // (the usual shard heuristic, Elasticsearch's `shard_size`:
            // size x 1.5 + 10). An entity outside a segment's list loses
            // that segment's count, so counts near the cut are approximate.
            entity_shard: size * 3 / 2 + 10,
            entity_sample: ENTITY_SAMPLE,
            attention_outlets: ATTENTION_OUTLETS,
            columns: Some(&self.columns),
        };
        if want_stats {
            let live: Vec<_> = searcher
                .segment_readers()
                .iter()
                .map(|s| s.segment_id())
                .collect();
            self.columns.keep_only(&live);
        }
        match req.sort {
            Sort::Relevance => {
                if want_stats {
                    let (a, c, s) =
                        searcher.search(&query, &(top.order_by_score(), Count, collector))?;
                    (addrs, total, st) = (a, c, Some(s));
                } else {
                    (addrs, total) = searcher.search(&query, &(top.order_by_score(), Count))?;
                }
            }
            Sort::Date | Sort::DateAsc => {
                let order = if req.sort == Sort::Date {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let c = top.order_by_fast_field::<i64>("day", order);
                let (a, n, s): (Vec<(Option<i64>, DocAddress)>, usize, Option<stats::Stats>) =
                    if want_stats {
                        let (a, n, s) = searcher.search(&query, &(c, Count, collector))?;
                        (a, n, Some(s))
                    } else {
                        let (a, n) = searcher.search(&query, &(c, Count))?;
                        (a, n, None)
                    };
                addrs = a.into_iter().map(|(_, d)| (0.0, d)).collect();
                total = n;
                st = s;
            }
        }
        let f = &self.fields;
        let text_snips = self.snippets(&searcher, &*text_query, f.text, 240)?;
        let title_snips = self.snippets(&searcher, &*text_query, f.title, 400)?;
        let mut hits = Vec::with_capacity(addrs.len());
        for (score, addr) in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let title_text = get(f.title);
            let title = highlighted(&title_snips.snippet(&title_text), &title_text, true);
            let body = get(f.text);
            let snippet = highlighted(&text_snips.snippet(&body), &body, false);
            hits.push(Hit {
                id: get(f.id),
                title,
                outlet: get(f.outlet_key),
                published: doc
                    .get_first(f.day)
                    .and_then(|v| v.as_i64())
                    .map(query::day_label),
                score,
                snippet,
            });
        }
        let (facets, attention) = match st {
            Some(s) => {
                let (facets, attention) = s.finish(size, ATTENTION_OUTLETS);
                (
                    req.facets.then_some(facets),
                    req.attention.then_some(attention),
                )
            }
            None => (None, None),
        };
        Ok(SearchResults {
            total,
            offset: req.offset,
            hits,
            facets,
            attention,
            warnings,
        })
    }

    /// A snippet generator for `field` that highlights the words the query
    /// looks for in any text field, so `entity:"Steve Witkoff"` or
    /// `speaker:witkoff` still marks the words in the text.
    fn snippets(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        field: Field,
        max_chars: usize,
    ) -> Result<SnippetGenerator> {
        let f = &self.fields;
        let text_fields = [f.title, f.text, f.outlet, f.entity, f.speaker, f.quote];
        let mut terms = std::collections::BTreeMap::new();
        query.query_terms(&mut |term, _| {
            if text_fields.contains(&term.field()) {
                if let Some(s) = term.value().as_str() {
                    terms.insert(s.to_string(), 1.0);
                }
            }
        });
        let tokenizer = searcher.index().tokenizer_for_field(field)?;
        Ok(SnippetGenerator::new(terms, tokenizer, field, max_chars))
    }

    /// The outlets in the index with their document counts, most first.
    pub fn outlets(&self, limit: usize) -> Result<Vec<FacetCount>> {
        let mut v = self.overview(limit)?.outlets;
        v.truncate(limit);
        Ok(v)
    }

    /// The entities in the index with their document counts, most first.
    pub fn entities(&self, limit: usize) -> Result<Vec<FacetCount>> {
        let mut v = self.overview(limit)?.entities;
        v.truncate(limit);
        Ok(v)
    }

    /// Counts the whole index's outlets and entities now, so that the first
    /// visit to the list pages does not wait for it (the server calls this
    /// on start).
    pub fn warm(&self) -> Result<()> {
        self.overview(OVERVIEW_SIZE).map(|_| ())
    }

    /// Outlet and entity counts over the whole index, at least `limit` of
    /// each, counted once per searcher generation (a commit, once the
    /// reader has picked it up, starts a new one).
    fn overview(&self, limit: usize) -> Result<Facets> {
        let generation = self.reader.searcher().generation().generation_id();
        let cached = |o: &Option<Overview>| {
            o.as_ref()
                .filter(|o| o.generation == generation && o.size >= limit)
                .map(|o| o.facets.clone())
        };
        if let Some(f) = cached(&self.overview.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(f);
        }
        let size = limit.max(OVERVIEW_SIZE);
        let r = self.search(&SearchRequest {
            facets: true,
            limit: 1,
            facet_size: size,
            ..Default::default()
        })?;
        let facets = r.facets.unwrap_or_default();
        // Counted by a searcher at least as new as `generation`: a reload in
        // between only makes the next call count again.
        *self.overview.lock().unwrap_or_else(|e| e.into_inner()) = Some(Overview {
            generation,
            size,
            facets: facets.clone(),
        });
        Ok(facets)
    }
}

/// A snippet as text plus highlight ranges; when the query matched nothing
/// in the field, the start of the text (whole, for titles).
fn highlighted(s: &tantivy::snippet::Snippet, full: &str, whole: bool) -> Highlighted {
    if whole && !s.is_empty() && s.fragment().len() == full.len() {
        return Highlighted {
            text: s.fragment().to_string(),
            highlights: s.highlighted().iter().map(|r| (r.start, r.end)).collect(),
        };
    }
    if whole {
        return Highlighted {
            text: full.to_string(),
            highlights: vec![],
        };
    }
    if s.is_empty() || s.fragment().is_empty() {
        let mut end = full.len().min(240);
        while !full.is_char_boundary(end) {
            end -= 1;
        }
        return Highlighted {
            text: full[..end].to_string(),
            highlights: vec![],
        };
    }
    Highlighted {
        text: s.fragment().to_string(),
        highlights: s.highlighted().iter().map(|r| (r.start, r.end)).collect(),
    }
}

/// Split an `entity_key` value into (label, name).
pub fn split_entity_key(key: &str) -> (Option<&str>, &str) {
    match key.split_once(KEY_SEP) {
        Some((l, n)) => (Some(l), n),
        None => (None, key),
    }
}

#[cfg(test)]
mod tests;
