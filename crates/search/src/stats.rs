//! One pass over the matching documents that counts facets (outlets,
//! entities) and attention (matches per day, overall and per outlet), from
//! fast fields, without loading any stored document.

use crate::{query, split_entity_key, Attention, FacetCount, Facets, Series};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

pub(crate) struct StatsCollector {
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

pub(crate) struct SegmentStats {
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
    days: FxHashMap<i64, u64>,
    outlet_days: FxHashMap<(u64, i64), u32>,
    undated: u64,
    entity_shard: usize,
}

impl Collector for StatsCollector {
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
        Ok(SegmentStats {
            outlet_ords: vec![0; outlet.as_ref().map(|c| c.num_terms()).unwrap_or(0)],
            entity_ords: vec![0; entity.as_ref().map(|c| c.num_terms()).unwrap_or(0)],
            outlet,
            entity,
            entity_touched: Vec::new(),
            entity_docs: 0,
            entity_level: 0,
            entity_cap: self.entity_sample,
            day: ff.i64(self.day)?,
            days: FxHashMap::default(),
            outlet_days: FxHashMap::default(),
            undated: 0,
            entity_shard: self.entity_shard,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Stats>) -> tantivy::Result<Stats> {
        let mut all = Stats::default();
        for s in fruits {
            for (k, v) in s.outlets {
                *all.outlets.entry(k).or_default() += v;
            }
            for (k, v) in s.entities {
                *all.entities.entry(k).or_default() += v;
            }
            for (k, v) in s.days {
                *all.days.entry(k).or_default() += v;
            }
            for (o, days) in s.outlet_days {
                let e = all.outlet_days.entry(o).or_default();
                if e.is_empty() {
                    *e = days;
                    continue;
                }
                for (k, v) in days {
                    *e.entry(k).or_default() += v;
                }
            }
            all.undated += s.undated;
            all.entities_estimated |= s.entities_estimated;
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentStats {
    type Fruit = Stats;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let day = self.day.first(doc);
        match day {
            Some(d) => *self.days.entry(d).or_default() += 1,
            None => self.undated += 1,
        }
        if let Some(col) = &self.outlet {
            for ord in col.term_ords(doc) {
                if let Some(n) = self.outlet_ords.get_mut(ord as usize) {
                    *n += 1;
                }
                if let Some(d) = day {
                    *self.outlet_days.entry((ord, d)).or_default() += 1;
                }
            }
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

    fn harvest(self) -> Stats {
        let mut out = Stats {
            entities_estimated: self.entity_level > 0,
            days: self.days.into_iter().collect(),
            undated: self.undated,
            ..Default::default()
        };
        let outlet_ords: Vec<u64> = (0..self.outlet_ords.len() as u64)
            .filter(|&o| self.outlet_ords[o as usize] > 0)
            .collect();
        let names: HashMap<u64, String> = names_of(&self.outlet, outlet_ords).into_iter().collect();
        for (ord, k) in &names {
            out.outlets
                .insert(k.clone(), self.outlet_ords[*ord as usize] as u64);
        }
        // Grouped by outlet first, so each outlet's name is copied once,
        // not once per day.
        let mut by_ord: FxHashMap<u64, BTreeMap<i64, u64>> = FxHashMap::default();
        for ((ord, day), n) in self.outlet_days {
            *by_ord.entry(ord).or_default().entry(day).or_default() += n as u64;
        }
        for (ord, days) in by_ord {
            if let Some(k) = names.get(&ord) {
                out.outlet_days.insert(k.clone(), days);
            }
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
        out
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
