//! The pairs worth comparing in a batch, from an inverted index.
//!
//! Clustering needs the similarity of every pair that has one; comparing
//! all n² pairs is what kept grouping to a few thousand documents. Two
//! documents with no term in common have cosine 0, so the pairs come from
//! the postings of the terms they share. Terms found in more than a set
//! share of the batch ("said", "year") are not used to propose pairs: their
//! postings are long and their IDF weight small, so a pair they alone would
//! propose is nearly orthogonal. They still count in the cosine of any pair
//! that a rarer shared term proposes.
//!
//! The cosine of a proposed pair is exact: the rare terms' products are
//! summed while their postings are walked, and the common terms' part is a
//! merge of the two short lists of common terms. Two items whose dates are
//! so far apart that the date decay alone puts them under the floor are not
//! compared at all (a window over date-ordered postings). Pairs under the
//! floor are dropped; the clustering counts them as 0.

use rayon::prelude::*;

use crate::cluster::Edge;
use crate::features::SparseVec;
use crate::DateRange;
use chrono::Datelike;

/// The date decay of a similarity (see [`crate::time_factor`]): the items'
/// publication ranges and the decay's grace and scale in days.
pub(crate) struct Decay<'a> {
    pub ranges: &'a [Option<DateRange>],
    pub grace: f64,
    pub scale: f64,
}

/// Pairs `(i, j, s)`, `i < j`, whose similarity `s = sim(i, j, cosine)`
/// reaches `floor`, where `cosine` is that of `vecs[i]` and `vecs[j]` and
/// `sim` must not exceed the cosine times the date decay (or, for pairs
/// that `extra` proposes, the decay alone).
///
/// A pair is proposed when the two items share a term of their vectors held
/// by at most `cap` items, or any term of their `extra` lists (ids of their
/// own, proposing pairs whatever their frequency, counting in no cosine;
/// `extra` may be empty). Output is ordered by `j`, then `i`.
pub(crate) fn similar_pairs(
    vecs: &[&SparseVec],
    extra: &[Vec<u32>],
    decay: &Decay,
    cap: usize,
    floor: f64,
    sim: impl Fn(usize, usize, f64) -> f64 + Sync,
) -> Vec<Edge> {
    similar_pairs_touching(vecs, extra, decay, cap, floor, &[], sim)
}

/// A pair search worker's arrays: the walker that last reached each item,
/// the rare terms' part of each candidate's cosine, the candidates, and the
/// walker's common terms spread by their dense number.
type Scratch = (Vec<u32>, Vec<f64>, Vec<u32>, Vec<f64>);

/// [`similar_pairs`], keeping only the pairs with at least one item marked
/// in `focus` (all pairs when `focus` is empty): when new documents are
/// placed among stories that stay as they are, pairs of two old documents
/// decide nothing. Only the marked items walk their postings, both ways
/// (the earlier items as in the full search, the later unmarked ones
/// too), so the cost follows the marked items, not the batch: fifty new
/// documents beside ten thousand stored ones are a few thousand posting
/// entries, not every pair of the store. The proposal rule, the window and
/// every similarity are those of [`similar_pairs`].
pub(crate) fn similar_pairs_touching(
    vecs: &[&SparseVec],
    extra: &[Vec<u32>],
    decay: &Decay,
    cap: usize,
    floor: f64,
    focus: &[bool],
    sim: impl Fn(usize, usize, f64) -> f64 + Sync,
) -> Vec<Edge> {
    let n = vecs.len();
    let in_focus = |i: usize| focus.is_empty() || focus.get(i).copied().unwrap_or(false);
    // a term in one item pairs nothing; one in two is always worth proposing
    let cap = cap.max(2);
    let (days, window) = window_keys(decay.ranges, decay.grace, decay.scale, floor);
    let day = |i: usize| days.get(i).copied().flatten();
    // Items ranked undated first, then by day, so that each term's postings
    // (ascending by rank) hold the undated items in front and the dated ones
    // in date order: a window is then one binary search per posting list.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (day(i).is_some(), day(i), i));
    let undated = order.iter().take_while(|&&i| day(i).is_none()).count() as u32;
    let ranked_day: Vec<i64> = order.iter().map(|&i| day(i).unwrap_or(0)).collect();
    let ranked_focus: Vec<bool> = order.iter().map(|&i| in_focus(i)).collect();

    let extra_of = |i: usize| extra.get(i).map_or(&[][..], |v| v.as_slice());
    let size = |ids: &mut dyn Iterator<Item = u32>| ids.max().map_or(0, |m| m as usize + 1);
    let vocab = size(&mut vecs.iter().flat_map(|v| v.iter().map(|x| x.0)));
    let extra_vocab = size(&mut extra.iter().flat_map(|v| v.iter().copied()));
    let mut df = vec![0usize; vocab];
    let mut extra_df = vec![0usize; extra_vocab];
    for (i, v) in vecs.iter().enumerate() {
        v.iter().for_each(|x| df[x.0 as usize] += 1);
        extra_of(i).iter().for_each(|&x| extra_df[x as usize] += 1);
    }
    let rare = |t: u32| (2..=cap).contains(&df[t as usize]);
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); vocab];
    let mut extra_postings: Vec<Vec<u32>> = vec![Vec::new(); extra_vocab];
    for (r, &i) in order.iter().enumerate() {
        for &(t, w) in vecs[i].iter().filter(|x| rare(x.0)) {
            postings[t as usize].push((r as u32, w));
        }
        for &x in extra_of(i).iter().filter(|&&x| extra_df[x as usize] > 1) {
            extra_postings[x as usize].push(r as u32);
        }
    }
    // Each item's common terms, for the rest of the cosine, numbered
    // densely in term order: a walking item spreads its own over an array
    // of that size, and each candidate's part is then a sum over the
    // candidate's list alone (the same products in the same order as a
    // merge of the two lists, so the same value).
    let mut common_id = vec![u32::MAX; vocab];
    let mut n_common = 0u32;
    for (t, &d) in df.iter().enumerate() {
        if d > cap {
            common_id[t] = n_common;
            n_common += 1;
        }
    }
    let common: Vec<SparseVec> = vecs
        .iter()
        .map(|v| {
            v.iter()
                .filter(|x| df[x.0 as usize] > cap)
                .map(|&(t, w)| (common_id[t as usize], w))
                .collect()
        })
        .collect();

    // The ranks that walk their postings: every one, or the marked ones.
    let walkers: Vec<usize> = if focus.is_empty() {
        (0..n).collect()
    } else {
        (0..n).filter(|&r| ranked_focus[r]).collect()
    };
    let only_focus = !focus.is_empty();
    let mut edges: Vec<Edge> = walkers
        .into_par_iter()
        .map_init(
            || {
                (
                    vec![u32::MAX; n],
                    vec![0f64; n],
                    Vec::new(),
                    vec![0f64; n_common as usize],
                )
            },
            |(seen, acc, cands, spread): &mut Scratch, r| {
                cands.clear();
                let r32 = r as u32;
                let earliest = match window {
                    Some(w) if r32 >= undated => Some(ranked_day[r] - w),
                    _ => None,
                };
                // The part of a posting list (ranks ascending) to visit: the
                // items before r, undated ones always, dated ones within the
                // window.
                let spans = |rank: &dyn Fn(usize) -> u32, len: usize| {
                    let end = partition(len, |k| rank(k) < r32);
                    match earliest {
                        None => [(0, end), (end, end)],
                        Some(e) => {
                            let dated = partition(end, |k| rank(k) < undated);
                            let from = dated
                                + partition(end - dated, |k| {
                                    ranked_day[rank(dated + k) as usize] < e
                                });
                            [(0, dated), (from, end)]
                        }
                    }
                };
                // The later items a marked item visits itself, since they
                // do not walk: all of them after an undated item (undated
                // items pair with everything), the dated ones within the
                // window after a dated one.
                let later = |rank: &dyn Fn(usize) -> u32, len: usize| {
                    if !only_focus {
                        return (len, len);
                    }
                    let start = partition(len, |k| rank(k) <= r32);
                    match window {
                        Some(w) if r32 >= undated => {
                            let last = ranked_day[r] + w;
                            let n_in = partition(len - start, |k| {
                                ranked_day[rank(start + k) as usize] <= last
                            });
                            (start, start + n_in)
                        }
                        _ => (start, len),
                    }
                };
                let j = order[r];
                // Every walker is marked (all items are when none is); a
                // later marked item finds the pair from its own walk.
                let mut visit = |q: u32, add: f64| {
                    if q > r32 && ranked_focus[q as usize] {
                        return;
                    }
                    if seen[q as usize] != r32 {
                        seen[q as usize] = r32;
                        acc[q as usize] = 0.0;
                        cands.push(q);
                    }
                    acc[q as usize] += add;
                };
                for &(t, w) in vecs[j].iter().filter(|x| rare(x.0)) {
                    let p = &postings[t as usize];
                    let [x, y] = spans(&|k| p[k].0, p.len());
                    for (a, b) in [x, y, later(&|k| p[k].0, p.len())] {
                        for &(q, wq) in &p[a..b] {
                            visit(q, w as f64 * wq as f64);
                        }
                    }
                }
                for &x in extra_of(j).iter().filter(|&&x| extra_df[x as usize] > 1) {
                    let p = &extra_postings[x as usize];
                    let [u, v] = spans(&|k| p[k], p.len());
                    for (a, b) in [u, v, later(&|k| p[k], p.len())] {
                        p[a..b].iter().for_each(|&q| visit(q, 0.0));
                    }
                }
                for &(c, w) in &common[j] {
                    spread[c as usize] = w as f64;
                }
                let found = cands
                    .iter()
                    .filter_map(|&q| {
                        let i = order[q as usize];
                        let rest = common[i]
                            .iter()
                            .fold(0.0f64, |s, &(c, w)| s + w as f64 * spread[c as usize]);
                        let cos = acc[q as usize] + rest;
                        let (a, b) = if i < j { (i, j) } else { (j, i) };
                        let s = sim(a, b, cos);
                        (s >= floor).then_some((a as u32, b as u32, s as f32))
                    })
                    .collect::<Vec<Edge>>();
                for &(c, _) in &common[j] {
                    spread[c as usize] = 0.0;
                }
                found
            },
        )
        .flatten_iter()
        .collect();
    edges.sort_unstable_by_key(|e| (e.1, e.0));
    edges
}

/// Date keys and a window for the pair search ([`similar_pairs`]):
/// two items whose keys are further apart than the window have a date gap
/// whose [`crate::time_factor`] is under `floor`, so their similarity is too.
/// An item's key is the first day of its range when the range is known and
/// no longer than the gap at which the factor falls under the floor; the
/// window is that gap plus the longest keyed range. Items without a key
/// (undated, open-ended, or spread over a long time) are compared with
/// everything. No window when nothing decays.
fn window_keys(
    ranges: &[Option<DateRange>],
    grace: f64,
    scale: f64,
    floor: f64,
) -> (Vec<Option<i64>>, Option<i64>) {
    if floor <= 0.0 || floor >= 1.0 || scale <= 0.0 {
        return (vec![None; ranges.len()], None);
    }
    let gap = (grace + scale * (1.0 / floor).ln()).ceil() as i64;
    let len = |r: &DateRange| r.hi.map(|h| (h - r.lo).num_days());
    let keyed = |r: &Option<DateRange>| -> Option<DateRange> {
        r.filter(|r| len(r).is_some_and(|l| l <= gap))
    };
    let slack = ranges
        .iter()
        .filter_map(|r| keyed(r).and_then(|r| len(&r)))
        .max()
        .unwrap_or(0);
    let keys = ranges
        .iter()
        .map(|r| keyed(r).map(|r| r.lo.num_days_from_ce() as i64))
        .collect();
    (keys, Some(gap + slack))
}

/// The number of leading `k` in `0..len` for which `before(k)` holds
/// (`before` must hold on a prefix).
fn partition(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn unit(v: &[(u32, f32)]) -> SparseVec {
        let mut v = v.to_vec();
        crate::features::normalize(&mut v);
        v
    }

    fn day(d: i64) -> Option<DateRange> {
        let x = NaiveDate::from_ymd_opt(2025, 1, 1)? + chrono::Days::new(d as u64);
        Some(DateRange { lo: x, hi: Some(x) })
    }

    const NO_DECAY: Decay = Decay {
        ranges: &[],
        grace: 0.0,
        scale: 0.0,
    };

    #[test]
    fn cosines_are_exact_and_pairs_come_from_terms_under_the_cap() {
        // term 1 is held by all four items (over the cap of 3); items 0
        // and 1 share the rare term 7, items 0 and 3 the rare term 9;
        // item 2 shares only term 1.
        let v = [
            unit(&[(1, 1.0), (7, 2.0), (9, 1.0)]),
            unit(&[(1, 2.0), (7, 1.0)]),
            unit(&[(1, 1.0), (4, 3.0)]),
            unit(&[(1, 1.0), (9, 1.0)]),
        ];
        let vecs: Vec<&SparseVec> = v.iter().collect();
        let e = similar_pairs(&vecs, &[], &NO_DECAY, 3, 0.0, |_, _, c| c);
        let pairs: Vec<(u32, u32)> = e.iter().map(|x| (x.0, x.1)).collect();
        assert_eq!(pairs, vec![(0, 1), (0, 3)]);
        for &(i, j, s) in &e {
            let exact = crate::features::cosine(vecs[i as usize], vecs[j as usize]);
            assert!((s as f64 - exact).abs() < 1e-6, "{i}-{j}: {s} vs {exact}");
        }
        // the floor drops the weaker pair
        let strong = similar_pairs(&vecs, &[], &NO_DECAY, 3, 0.6, |_, _, c| c);
        assert_eq!(strong.len(), 1);
        // with no cap, term 1 proposes every pair
        assert_eq!(
            similar_pairs(&vecs, &[], &NO_DECAY, 4, 0.0, |_, _, c| c).len(),
            6
        );
        // extra terms propose pairs whatever their frequency
        let extra = vec![vec![0], vec![], vec![0], vec![]];
        let e = similar_pairs(&vecs, &extra, &NO_DECAY, 3, 0.0, |_, _, _| 1.0);
        assert!(e.iter().any(|x| (x.0, x.1) == (0, 2)));
        assert!(similar_pairs(&[], &[], &NO_DECAY, 4, 0.0, |_, _, c| c).is_empty());
    }

    #[test]
    fn focused_pairs_are_the_pairs_touching_the_focus() {
        // 80 items with pseudo-random terms, ids of their own and dates
        // (some undated), a cap that leaves some terms common; with and
        // without a decay window.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let mut v = Vec::new();
        let mut ranges = Vec::new();
        let mut focus = Vec::new();
        let mut extra = Vec::new();
        for _ in 0..80 {
            let mut terms: Vec<(u32, f32)> = (0..6)
                .map(|_| (next(40) as u32, 1.0 + next(3) as f32))
                .collect();
            terms.sort_by_key(|t| t.0);
            terms.dedup_by_key(|t| t.0);
            v.push(unit(&terms));
            ranges.push(if next(5) == 0 {
                None
            } else {
                day(next(60) as i64)
            });
            focus.push(next(4) == 0);
            extra.push(if next(3) == 0 {
                vec![next(15) as u32]
            } else {
                vec![]
            });
        }
        let vecs: Vec<&SparseVec> = v.iter().collect();
        for (decay, extra) in [
            (
                Decay {
                    ranges: &ranges,
                    grace: 2.0,
                    scale: 3.0,
                },
                &[][..],
            ),
            (
                Decay {
                    ranges: &ranges,
                    grace: 2.0,
                    scale: 3.0,
                },
                &extra[..],
            ),
            (NO_DECAY, &extra[..]),
        ] {
            let sim = |i: usize, j: usize, c: f64| {
                let f = if decay.scale > 0.0 {
                    crate::time_factor(ranges[i], ranges[j], 2.0, 3.0)
                } else {
                    1.0
                };
                if c > 0.0 {
                    c * f
                } else {
                    0.5 * f
                }
            };
            let all = similar_pairs(&vecs, extra, &decay, 12, 0.01, sim);
            let want: Vec<Edge> = all
                .iter()
                .copied()
                .filter(|e| focus[e.0 as usize] || focus[e.1 as usize])
                .collect();
            let got = similar_pairs_touching(&vecs, extra, &decay, 12, 0.01, &focus, sim);
            assert!(
                want.len() > 20 && want.len() < all.len(),
                "{} {}",
                want.len(),
                all.len()
            );
            assert_eq!(got, want);
        }
    }

    #[test]
    fn a_window_skips_items_far_apart_in_time_but_never_undated_ones() {
        // every item shares term 5; days 0, 100, 3, none, 98
        let v = vec![unit(&[(5, 1.0)]); 5];
        let vecs: Vec<&SparseVec> = v.iter().collect();
        let ranges = [day(0), day(100), day(3), None, day(98)];
        // decay: nothing for 2 days, then e-fold every day; floor 0.01
        // puts the window at 2 + ln(100) = 6.6, so 7 days
        let decay = Decay {
            ranges: &ranges,
            grace: 2.0,
            scale: 1.0,
        };
        let pairs: Vec<(u32, u32)> = similar_pairs(&vecs, &[], &decay, 9, 0.01, |_, _, c| c)
            .into_iter()
            .map(|e| (e.0, e.1))
            .collect();
        assert_eq!(pairs, vec![(0, 2), (0, 3), (1, 3), (2, 3), (1, 4), (3, 4)]);
        // no decay, no window
        assert_eq!(
            similar_pairs(&vecs, &[], &NO_DECAY, 9, 0.01, |_, _, c| c).len(),
            10
        );
    }
}
