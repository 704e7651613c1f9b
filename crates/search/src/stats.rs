//! One pass over the matching documents that counts facets (outlets,
//! entities) and attention (matches per day, overall and per outlet), from
//! fast fields, without loading any stored document.

use crate::{query, split_entity_key, Attention, FacetCount, Facets, Series};
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
}

#[derive(Default)]
pub(crate) struct Stats {
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
    days: HashMap<i64, u64>,
    outlet_days: HashMap<(u64, i64), u32>,
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
            day: ff.i64(self.day)?,
            days: HashMap::new(),
            outlet_days: HashMap::new(),
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
                for (k, v) in days {
                    *e.entry(k).or_default() += v;
                }
            }
            all.undated += s.undated;
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
            for ord in col.term_ords(doc) {
                if let Some(n) = self.entity_ords.get_mut(ord as usize) {
                    *n += 1;
                }
            }
        }
    }

    fn harvest(self) -> Stats {
        let mut out = Stats {
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
        for ((ord, day), n) in self.outlet_days {
            if let Some(k) = names.get(&ord) {
                *out.outlet_days
                    .entry(k.clone())
                    .or_default()
                    .entry(day)
                    .or_default() += n as u64;
            }
        }
        // Names are looked up only for the most counted ordinals: naming
        // costs more than counting.
        let mut counted: Vec<(u32, u64)> = self
            .entity_ords
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(o, n)| (*n, o as u64))
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
