//! One pass over the matching documents that counts facets (outlets,
//! entities) and attention (matches per day, overall and per outlet), from
//! fast fields, without loading any stored document.

use crate::{query, split_entity_key, Attention, FacetCount, Facets, Series};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentReader};

/// Each segment's day and outlet per document, decoded once into plain
/// arrays. The fast-field columns are bit-packed behind an index of which
/// documents have a value; reading them cost about a third of a broad
/// faceted search, where an array read costs next to nothing. Eight bytes
/// per document (8 MB at a million). Entries are keyed by segment id
/// (a segment never changes; a merge makes a new one) and forgotten at
/// the next faceted search once their segment has left the searcher.
#[derive(Default)]
pub(crate) struct ColumnCache {
    segments: Mutex<FxHashMap<SegmentId, Arc<SegmentColumns>>>,
    /// Tests turn the cache off to check the direct column reads.
    #[cfg(test)]
    pub(crate) off: bool,
}

pub(crate) struct SegmentColumns {
    day: Vec<i32>,
    outlet: Vec<u32>,
}

const NO_DAY: i32 = i32::MIN;
const NO_OUTLET: u32 = u32::MAX;

impl SegmentColumns {
    /// `None` when a value does not fit (a day past ±5 million years, more
    /// than one outlet per document): the columns are then read directly.
    fn decode(max_doc: u32, day: &Column<i64>, outlet: Option<&StrColumn>) -> Option<Self> {
        if day.get_cardinality() == Cardinality::Multivalued {
            return None;
        }
        let mut days = Vec::with_capacity(max_doc as usize);
        for doc in 0..max_doc {
            days.push(match day.first(doc) {
                Some(d) => i32::try_from(d).ok().filter(|&d| d != NO_DAY)?,
                None => NO_DAY,
            });
        }
        let mut outlets = vec![NO_OUTLET; max_doc as usize];
        if let Some(col) = outlet {
            if col.ords().get_cardinality() == Cardinality::Multivalued {
                return None;
            }
            for (doc, o) in outlets.iter_mut().enumerate() {
                if let Some(ord) = col.ords().first(doc as u32) {
                    *o = u32::try_from(ord).ok().filter(|&o| o != NO_OUTLET)?;
                }
            }
        }
        Some(SegmentColumns {
            day: days,
            outlet: outlets,
        })
    }
}

impl ColumnCache {
    /// Forgets the segments `live` does not list (merged away or deleted).
    pub(crate) fn keep_only(&self, live: &[SegmentId]) {
        let mut m = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() > live.len() || m.keys().any(|k| !live.contains(k)) {
            m.retain(|k, _| live.contains(k));
        }
    }

    fn get(
        &self,
        seg: &SegmentReader,
        day: &Column<i64>,
        outlet: Option<&StrColumn>,
    ) -> Option<Arc<SegmentColumns>> {
        #[cfg(test)]
        if self.off {
            return None;
        }
        let id = seg.segment_id();
        if let Some(c) = self.segments.lock().ok()?.get(&id) {
            return Some(c.clone());
        }
        // Decoded outside the lock: two queries may both decode a new
        // segment once, and neither waits on the other.
        let c = Arc::new(SegmentColumns::decode(seg.max_doc(), day, outlet)?);
        self.segments.lock().ok()?.insert(id, c.clone());
        Some(c)
    }
}

pub(crate) struct StatsCollector<'a> {
    pub outlet: &'static str,
    pub entity: &'static str,
    pub day: &'static str,
    /// Entity counting costs most (many values per document): only when asked.
    pub entities: bool,
    /// Entities named per segment: the most frequent this many (naming an
    /// ordinal is a dictionary lookup, which costs more than counting).
    pub entity_shard: usize,
    /// Matches per segment whose entities are all counted; beyond, one in
    /// four of the next as many, then one in sixteen, and so on (see
    /// [`SegmentStats::collect`]). 0: count every match.
    pub entity_sample: u32,
    /// Outlets whose matches per day are wanted (the most matched, ties by
    /// name): only their series are merged across segments.
    pub attention_outlets: usize,
    /// Decoded day and outlet columns; `None` reads the columns directly.
    pub columns: Option<&'a ColumnCache>,
}

#[derive(Default)]
pub(crate) struct Stats {
    /// Entity counts are estimates from a sample of the matches.
    entities_estimated: bool,
    outlets: HashMap<String, u64>,
    entities: HashMap<String, u64>,
    days: BTreeMap<i64, u64>,
    outlet_days: HashMap<String, BTreeMap<i64, u64>>,
    undated: u64,
}

/// What one segment found: its counts by name, and its per-outlet day
/// counts still by ordinal, named only for the outlets that end up charted.
pub(crate) struct SegmentFruit {
    stats: Stats,
    days: DayCounts,
    outlet_ords: HashMap<String, u64>,
    outlet_days: DayCounts,
}

/// Matches per (row, day). Rows are outlet ordinals (or a single row for
/// all matches). Dense over the segment's day range when that is small
/// enough, the usual case (a segment spans some years of news): counting
/// is then an array increment, where a hash map cost a third of a broad
/// faceted search.
enum DayCounts {
    Dense {
        min: i64,
        width: usize,
        cells: Vec<u32>,
    },
    Sparse(FxHashMap<(u64, i64), u32>),
}

/// The largest dense table, in cells. `vec![0; n]` gets zeroed pages from
/// the allocator lazily, so a large table costs only the pages touched.
const DENSE_CELLS: usize = 1 << 22;
/// The widest day range kept dense (about 110 years; news dates span
/// 1800 to 2200 at most, see `query::published_day`).
const DENSE_DAYS: i64 = 40_000;

impl DayCounts {
    fn new(rows: usize, day: &Column<i64>) -> DayCounts {
        // A column with no values reports a meaningless range.
        if day.values.num_vals() == 0 {
            return DayCounts::Sparse(FxHashMap::default());
        }
        let (min, max) = (day.min_value(), day.max_value());
        let width = max.checked_sub(min).and_then(|w| w.checked_add(1));
        match width {
            Some(w) if (1..=DENSE_DAYS).contains(&w) && rows * (w as usize) <= DENSE_CELLS => {
                DayCounts::Dense {
                    min,
                    width: w as usize,
                    cells: vec![0; rows.max(1) * w as usize],
                }
            }
            _ => DayCounts::Sparse(FxHashMap::default()),
        }
    }

    #[inline]
    fn add(&mut self, row: u64, day: i64) {
        match self {
            DayCounts::Dense { min, width, cells } => {
                // The column's own min and max bound every value it holds.
                let off = day.wrapping_sub(*min);
                if (0..*width as i64).contains(&off) {
                    if let Some(n) = cells.get_mut(row as usize * *width + off as usize) {
                        *n += 1;
                    }
                }
            }
            DayCounts::Sparse(m) => *m.entry((row, day)).or_default() += 1,
        }
    }

    /// Adds one row's counts into `out`.
    fn add_row_to(&self, row: u64, out: &mut BTreeMap<i64, u64>) {
        match self {
            DayCounts::Dense { min, width, cells } => {
                let start = row as usize * *width;
                if let Some(r) = cells.get(start..start + *width) {
                    for (i, &n) in r.iter().enumerate() {
                        if n > 0 {
                            *out.entry(*min + i as i64).or_default() += n as u64;
                        }
                    }
                }
            }
            DayCounts::Sparse(m) => {
                for (&(r, d), &n) in m {
                    if r == row {
                        *out.entry(d).or_default() += n as u64;
                    }
                }
            }
        }
    }
}

/// The sum of some rows of several segments' counts, by day. Summed in a
/// dense array over the days they span when that is not too wide: merging
/// one map per segment cost more than counting.
fn sum_rows<'a>(parts: impl Iterator<Item = (&'a DayCounts, u64)> + Clone) -> BTreeMap<i64, u64> {
    let mut span: Option<(i64, i64)> = None;
    let mut all_dense = true;
    for (c, _) in parts.clone() {
        match c {
            DayCounts::Dense { min, width, .. } => {
                let max = min.saturating_add(*width as i64 - 1);
                span = Some(span.map_or((*min, max), |(a, b)| (a.min(*min), b.max(max))));
            }
            DayCounts::Sparse(_) => all_dense = false,
        }
    }
    let mut out = BTreeMap::new();
    match span {
        Some((lo, hi)) if all_dense && hi.checked_sub(lo).is_some_and(|w| w < DENSE_DAYS) => {
            let mut sum = vec![0u64; (hi - lo + 1) as usize];
            for (c, row) in parts {
                if let DayCounts::Dense { min, width, cells } = c {
                    let start = row as usize * width;
                    if let Some(r) = cells.get(start..start + width) {
                        let at = (min - lo) as usize;
                        for (s, &n) in sum[at..at + width].iter_mut().zip(r) {
                            *s += n as u64;
                        }
                    }
                }
            }
            // Built from sorted keys, so the map is bulk-loaded.
            out = sum
                .iter()
                .enumerate()
                .filter(|(_, &n)| n > 0)
                .map(|(i, &n)| (lo + i as i64, n))
                .collect();
        }
        _ => {
            for (c, row) in parts {
                c.add_row_to(row, &mut out);
            }
        }
    }
    out
}

pub(crate) struct SegmentStats {
    columns: Option<Arc<SegmentColumns>>,
    outlet: Option<StrColumn>,
    entity: Option<StrColumn>,
    day: Column<i64>,
    /// Counts indexed by the segment's term ordinals: no hashing per value.
    outlet_ords: Vec<u32>,
    entity_ords: Vec<u32>,
    /// The entity ordinals counted at least once, so harvesting costs what
    /// the matches hold, not the size of the segment's dictionary.
    entity_touched: Vec<u32>,
    /// Entity sampling: matches whose entities were counted at the current
    /// rate, and the rate's level (1 in 4^level matches, each counted
    /// 4^level times).
    entity_docs: u32,
    entity_level: u32,
    entity_cap: u32,
    days: DayCounts,
    outlet_days: DayCounts,
    undated: u64,
    entity_shard: usize,
}

impl Collector for StatsCollector<'_> {
    type Fruit = Stats;
    type Child = SegmentStats;

    fn for_segment(&self, _ord: u32, seg: &SegmentReader) -> tantivy::Result<SegmentStats> {
        let ff = seg.fast_fields();
        let outlet = ff.str(self.outlet)?;
        let entity = if self.entities {
            ff.str(self.entity)?
        } else {
            None
        };
        let day = ff.i64(self.day)?;
        let outlets = outlet.as_ref().map(|c| c.num_terms()).unwrap_or(0);
        let columns = self.columns.and_then(|c| c.get(seg, &day, outlet.as_ref()));
        Ok(SegmentStats {
            columns,
            outlet_ords: vec![0; outlets],
            days: DayCounts::new(1, &day),
            outlet_days: DayCounts::new(outlets, &day),
            day,
            entity_ords: vec![0; entity.as_ref().map(|c| c.num_terms()).unwrap_or(0)],
            outlet,
            entity,
            entity_touched: Vec::new(),
            entity_docs: 0,
            entity_level: 0,
            entity_cap: self.entity_sample,
            undated: 0,
            entity_shard: self.entity_shard,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Stats> {
        let mut all = Stats::default();
        for f in &fruits {
            let s = &f.stats;
            for (k, v) in &s.outlets {
                *all.outlets.entry(k.clone()).or_default() += v;
            }
            for (k, v) in &s.entities {
                *all.entities.entry(k.clone()).or_default() += v;
            }
            all.undated += s.undated;
            all.entities_estimated |= s.entities_estimated;
        }
        all.days = sum_rows(fruits.iter().map(|f| (&f.days, 0)));
        // Series only for the outlets charted, chosen as `finish` will.
        let charted: Vec<String> = top(all.outlets.clone(), self.attention_outlets)
            .into_iter()
            .map(|(o, _)| o)
            .collect();
        for o in charted {
            let series = sum_rows(
                fruits
                    .iter()
                    .filter_map(|f| f.outlet_ords.get(&o).map(|&ord| (&f.outlet_days, ord))),
            );
            all.outlet_days.insert(o, series);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentStats {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let day = match &self.columns {
            Some(c) => match c.day.get(doc as usize) {
                Some(&d) if d != NO_DAY => Some(d as i64),
                _ => None,
            },
            None => self.day.first(doc),
        };
        match day {
            Some(d) => self.days.add(0, d),
            None => self.undated += 1,
        }
        let mut count_outlet = |ord: u64| {
            if let Some(n) = self.outlet_ords.get_mut(ord as usize) {
                *n += 1;
            }
            if let Some(d) = day {
                self.outlet_days.add(ord, d);
            }
        };
        match (&self.columns, &self.outlet) {
            (Some(c), _) => {
                if let Some(&o) = c.outlet.get(doc as usize).filter(|&&o| o != NO_OUTLET) {
                    count_outlet(o as u64);
                }
            }
            (None, Some(col)) => col.term_ords(doc).for_each(count_outlet),
            (None, None) => {}
        }
        if let Some(col) = &self.entity {
            // Entities hold most of a match's values, so on broad queries
            // they are counted over a sample: every match up to the cap,
            // then one match in 4 (by a hash of its id, so the same query
            // counts the same matches) weighted 4, then one in 16 weighted
            // 16... Each stage is a uniform sample of its matches, so the
            // weighted counts estimate the true ones without bias, and the
            // work stays near `cap` matches per stage whatever the total.
            let weight = if self.entity_cap == 0 || self.entity_level == 0 {
                1
            } else {
                // The hash below keeps 24 bits: rates up to 4^12.
                let rate = 1u32 << (2 * self.entity_level.min(12));
                if doc.wrapping_mul(0x9E37_79B1) >> 8 & (rate - 1) != 0 {
                    return;
                }
                rate
            };
            for ord in col.term_ords(doc) {
                if let Some(n) = self.entity_ords.get_mut(ord as usize) {
                    if *n == 0 {
                        self.entity_touched.push(ord as u32);
                    }
                    *n += weight;
                }
            }
            if self.entity_cap > 0 {
                self.entity_docs += 1;
                if self.entity_docs >= self.entity_cap {
                    self.entity_docs = 0;
                    self.entity_level += 1;
                }
            }
        }
    }

    fn harvest(self) -> SegmentFruit {
        let mut out = Stats {
            entities_estimated: self.entity_level > 0,
            undated: self.undated,
            ..Default::default()
        };
        let outlet_ords: Vec<u64> = (0..self.outlet_ords.len() as u64)
            .filter(|&o| self.outlet_ords[o as usize] > 0)
            .collect();
        let mut named = HashMap::new();
        for (ord, k) in names_of(&self.outlet, outlet_ords) {
            out.outlets
                .insert(k.clone(), self.outlet_ords[ord as usize] as u64);
            named.insert(k, ord);
        }
        // Names are looked up only for the most counted ordinals: naming
        // costs more than counting.
        let mut counted: Vec<(u32, u64)> = self
            .entity_touched
            .iter()
            .map(|&o| (self.entity_ords[o as usize], o as u64))
            .collect();
        if counted.len() > self.entity_shard {
            counted.select_nth_unstable_by(self.entity_shard, |a, b| {
                b.0.cmp(&a.0).then(a.1.cmp(&b.1))
            });
            counted.truncate(self.entity_shard);
        }
        let ords: Vec<u64> = counted.iter().map(|x| x.1).collect();
        for (ord, k) in names_of(&self.entity, ords) {
            out.entities
                .insert(k, self.entity_ords[ord as usize] as u64);
        }
        SegmentFruit {
            stats: out,
            days: self.days,
            outlet_ords: named,
            outlet_days: self.outlet_days,
        }
    }
}

/// The terms of a column's ordinals, looked up in one ordered pass over the
/// dictionary: each compressed dictionary block is opened once, not once
/// per ordinal (opening a block starts a decompressor, which cost a
/// quarter of the faceted search time when done per ordinal).
fn names_of(col: &Option<StrColumn>, mut ords: Vec<u64>) -> Vec<(u64, String)> {
    let Some(col) = col else {
        return Vec::new();
    };
    ords.sort_unstable();
    ords.dedup();
    let mut out = Vec::with_capacity(ords.len());
    let mut i = 0;
    let _ = col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        if let (Some(&ord), Ok(s)) = (ords.get(i), std::str::from_utf8(bytes)) {
            out.push((ord, s.to_string()));
        }
        i += 1;
    });
    out
}

fn top(map: HashMap<String, u64>, k: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map.into_iter().collect();
    // Most first; ties by name so the order is the same on every run.
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(k);
    v
}

fn series(days: &BTreeMap<i64, u64>) -> Series {
    Series {
        days: days
            .iter()
            .map(|(d, n)| (query::day_label(*d), *n))
            .collect(),
    }
}

impl Stats {
    pub(crate) fn finish(
        mut self,
        facet_size: usize,
        attention_outlets: usize,
    ) -> (Facets, Attention) {
        let outlets = top(
            std::mem::take(&mut self.outlets),
            facet_size.max(attention_outlets),
        );
        let attention = Attention {
            overall: series(&self.days),
            outlets: outlets
                .iter()
                .take(attention_outlets)
                .map(|(o, _)| {
                    (
                        o.clone(),
                        self.outlet_days.get(o).map(series).unwrap_or_default(),
                    )
                })
                .collect(),
            undated: self.undated,
        };
        let facets = Facets {
            outlets: outlets
                .into_iter()
                .take(facet_size)
                .map(|(value, count)| FacetCount {
                    value,
                    label: None,
                    count,
                })
                .collect(),
            entities_estimated: self.entities_estimated,
            entities: top(self.entities, facet_size)
                .into_iter()
                .map(|(key, count)| {
                    let (label, name) = split_entity_key(&key);
                    FacetCount {
                        value: name.to_string(),
                        label: label.map(str::to_string),
                        count,
                    }
                })
                .collect(),
        };
        (facets, attention)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summing_rows_survives_meaningless_ranges_and_mixes_forms() {
        let wild = DayCounts::Dense {
            min: i64::MIN,
            width: 1,
            cells: vec![0],
        };
        let a = DayCounts::Dense {
            min: 20_000,
            width: 3,
            cells: vec![1, 0, 2, 5, 0, 0],
        };
        let b = DayCounts::Dense {
            min: 20_001,
            width: 2,
            cells: vec![4, 1],
        };
        let got = sum_rows([(&wild, 0), (&a, 0), (&b, 0)].into_iter());
        assert_eq!(got, BTreeMap::from([(20_000, 1), (20_001, 4), (20_002, 3)]));
        let got = sum_rows([(&a, 1), (&b, 0)].into_iter());
        assert_eq!(got, BTreeMap::from([(20_000, 5), (20_001, 4), (20_002, 1)]));
        let mut m = FxHashMap::default();
        m.insert((0, 19_000), 7);
        m.insert((1, 19_000), 9);
        let sparse = DayCounts::Sparse(m);
        let got = sum_rows([(&a, 0), (&sparse, 0)].into_iter());
        assert_eq!(got, BTreeMap::from([(19_000, 7), (20_000, 1), (20_002, 2)]));
    }
}
