//! Average-link agglomerative clustering with a similarity threshold.
//!
//! Two forms, giving the same clusters at a positive threshold when every
//! similarity left out of the sparse one is zero:
//! - `average_link` over a dense matrix, by the nearest-neighbour-chain
//!   algorithm (average linkage is reducible, so the chain finds the same
//!   merges as the greedy algorithm) in O(n²) time and memory. Compiled for
//!   tests only, as the reference the sparse form is checked against.
//! - [`average_link_sparse`] over a list of weighted pairs, where a pair not
//!   listed counts as similarity 0: the greedy algorithm with a heap of
//!   cluster pairs, each cluster keeping the summed similarity to its
//!   neighbours. A batch of 100,000 documents has a few million pairs worth
//!   keeping, not 10¹⁰, so this is the form grouping uses.
//!
//! Average-link merge heights never increase (the average to a merged
//! cluster is a weighted mean of the averages to its parts), so the flat
//! clustering at a threshold is every merge whose similarity reaches it.
//!
//! Incremental use ([`extend`]): the same greedy algorithm started from the
//! clusters of an earlier run instead of singletons, never merging two of
//! them, so new items join an earlier cluster or each other; a periodic
//! full run revisits early decisions.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use crate::dedup::UnionFind;

/// A dense symmetric similarity matrix.
#[cfg(test)]
pub(crate) struct SimMatrix {
    pub n: usize,
    pub v: Vec<f32>,
}

#[cfg(test)]
impl SimMatrix {
    pub fn new(n: usize, mut f: impl FnMut(usize, usize) -> f64) -> Self {
        let mut v = vec![0f32; n * n];
        for i in 0..n {
            v[i * n + i] = 1.0;
            for j in i + 1..n {
                let s = f(i, j) as f32;
                v[i * n + j] = s;
                v[j * n + i] = s;
            }
        }
        SimMatrix { n, v }
    }
}

/// Clusters of `0..n`: members ascending, clusters ordered by first member.
#[cfg(test)]
pub(crate) fn average_link(m: &SimMatrix, threshold: f64) -> Vec<Vec<usize>> {
    let n = m.n;
    let mut uf = UnionFind::new(n);
    if n < 2 {
        return uf.groups();
    }
    let mut s = m.v.clone();
    let mut size = vec![1usize; n];
    let mut active = vec![true; n];
    let mut remaining = n;
    let mut chain: Vec<usize> = Vec::new();
    let mut merges: Vec<(usize, usize, f32)> = Vec::new();
    while remaining > 1 {
        if chain.is_empty() {
            let first = (0..n).find(|&i| active[i]).unwrap_or(0);
            chain.push(first);
        }
        let a = *chain.last().unwrap_or(&0);
        let prev = if chain.len() >= 2 {
            Some(chain[chain.len() - 2])
        } else {
            None
        };
        // Nearest active neighbour of a; on ties prefer the previous chain
        // element (needed for termination), then the smallest index.
        let mut best: Option<(usize, f32)> = prev.map(|p| (p, s[a * n + p]));
        for c in 0..n {
            if c == a || !active[c] {
                continue;
            }
            let v = s[a * n + c];
            match best {
                None => best = Some((c, v)),
                Some((_, bv)) if v > bv => best = Some((c, v)),
                _ => {}
            }
        }
        let Some((b, sim)) = best else { break };
        if Some(b) == prev {
            chain.pop();
            chain.pop();
            let (keep, gone) = if a < b { (a, b) } else { (b, a) };
            let (sk, sg) = (size[keep] as f64, size[gone] as f64);
            for k in 0..n {
                if !active[k] || k == keep || k == gone {
                    continue;
                }
                let v = ((sk * s[keep * n + k] as f64 + sg * s[gone * n + k] as f64) / (sk + sg))
                    as f32;
                s[keep * n + k] = v;
                s[k * n + keep] = v;
            }
            size[keep] += size[gone];
            active[gone] = false;
            remaining -= 1;
            merges.push((keep, gone, sim));
        } else {
            chain.push(b);
        }
    }
    for (a, b, sim) in merges {
        if sim as f64 >= threshold {
            uf.union(a, b);
        }
    }
    uf.groups()
}

/// A pair of items and their similarity.
pub(crate) type Edge = (u32, u32, f32);

/// A candidate merge in the heap: the average similarity of clusters `a`
/// and `b` when it was pushed. Larger averages first; among equal averages
/// the pair with the smaller indices, so the order never depends on the
/// heap's internals.
struct Merge {
    avg: f64,
    a: u32,
    b: u32,
}

impl PartialEq for Merge {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Merge {}
impl PartialOrd for Merge {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Merge {
    fn cmp(&self, o: &Self) -> Ordering {
        self.avg.total_cmp(&o.avg).then_with(|| {
            (o.a.min(o.b), o.a.max(o.b)).cmp(&(self.a.min(self.b), self.a.max(self.b)))
        })
    }
}

/// Average-link clusters of `0..n` at `threshold` from the pairs in
/// `edges` (any order; a pair listed twice is summed; pairs not listed
/// count as 0). Same output shape as [`average_link`].
///
/// Each cluster keeps the summed similarity to every cluster it has a pair
/// with; the average is that sum over the product of the sizes. A heap holds
/// candidate merges at or above the threshold. When a cluster grows, the
/// averages to its other neighbours fall, so an entry popped from the heap
/// is checked against the current average and pushed back lower when it has
/// fallen; a sum that rises (the merged-away cluster's neighbours) is
/// pushed at once. Only pairs at or above the threshold enter the heap,
/// and the clustering ends when it is empty. The threshold must be
/// positive: clusters with no listed pair between them never merge.
pub(crate) fn average_link_sparse(n: usize, edges: &[Edge], threshold: f64) -> Vec<Vec<usize>> {
    extend(n, &[], edges, threshold)
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

/// Incremental average-link: average link as [`average_link_sparse`],
/// started from the `fixed` clusters (disjoint sets of items, from an
/// earlier grouping) instead of singletons, and never merging two clusters
/// that each hold a fixed one. New items join a fixed cluster, or each
/// other, in order of average similarity, as they would have in a batch
/// run that had reached the fixed clusters; fixed clusters are never
/// merged or split.
///
/// Returns every cluster with the index of the fixed cluster it continues
/// (`None` for new ones): fixed clusters first, in their order, with the
/// items they gained; then the new clusters, ordered by their smallest item.
/// A fixed cluster left with no item is returned empty.
pub(crate) fn extend(
    n: usize,
    fixed: &[Vec<usize>],
    edges: &[Edge],
    threshold: f64,
) -> Vec<(Option<usize>, Vec<usize>)> {
    let mut uf = UnionFind::new(n);
    let mut adj: Vec<HashMap<u32, f64>> = vec![HashMap::new(); n];
    for &(a, b, s) in edges {
        if a == b || a as usize >= n || b as usize >= n {
            continue;
        }
        *adj[a as usize].entry(b).or_default() += s as f64;
        *adj[b as usize].entry(a).or_default() += s as f64;
    }
    let mut size = vec![1f64; n];
    let mut active = vec![true; n];
    // Clusters holding a fixed cluster: two of them never merge.
    let mut locked = vec![false; n];
    // Moves `gone`'s sums into `keep`'s; calls `touched` with each
    // neighbour whose sum with `keep` changed, and the new sum.
    let merge = |adj: &mut Vec<HashMap<u32, f64>>,
                 size: &mut Vec<f64>,
                 active: &mut Vec<bool>,
                 uf: &mut UnionFind,
                 keep: usize,
                 gone: usize,
                 touched: &mut dyn FnMut(usize, f64)| {
        uf.union(keep, gone);
        active[gone] = false;
        size[keep] += size[gone];
        let moved = std::mem::take(&mut adj[gone]);
        adj[keep].remove(&(gone as u32));
        for (&c, &s) in &moved {
            let c = c as usize;
            if c == keep {
                continue;
            }
            adj[c].remove(&(gone as u32));
            let total = {
                let e = adj[keep].entry(c as u32).or_default();
                *e += s;
                *e
            };
            adj[c].insert(keep as u32, total);
            touched(c, total);
        }
    };
    let mut head_of_fixed: Vec<Option<usize>> = vec![None; fixed.len()];
    // An item listed in two fixed clusters stays in the first: merging it
    // into the second would join the two.
    let mut taken = vec![false; n];
    for (f, members) in fixed.iter().enumerate() {
        let mut members = members
            .iter()
            .copied()
            .filter(|&i| i < n && !std::mem::replace(&mut taken[i], true));
        let Some(head) = members.next() else { continue };
        for m in members {
            if active[m] && m != head {
                merge(
                    &mut adj,
                    &mut size,
                    &mut active,
                    &mut uf,
                    head,
                    m,
                    &mut |_, _| {},
                );
            }
        }
        locked[head] = true;
        head_of_fixed[f] = Some(head);
    }
    let mut heap: BinaryHeap<Merge> = BinaryHeap::new();
    for (a, m) in adj.iter().enumerate() {
        if !active[a] {
            continue;
        }
        for (&b, &sum) in m {
            let avg = sum / (size[a] * size[b as usize]);
            if (a as u32) < b && avg >= threshold && !(locked[a] && locked[b as usize]) {
                heap.push(Merge {
                    avg,
                    a: a as u32,
                    b,
                });
            }
        }
    }
    while let Some(top) = heap.pop() {
        let (a, b) = (top.a as usize, top.b as usize);
        if !active[a] || !active[b] || (locked[a] && locked[b]) {
            continue;
        }
        let sum = adj[a].get(&top.b).copied().unwrap_or(0.0);
        let avg = sum / (size[a] * size[b]);
        if avg < top.avg - 1e-12 {
            // stale: the pair's average fell since it was pushed
            if avg >= threshold {
                heap.push(Merge { avg, ..top });
            }
            continue;
        }
        if avg < threshold {
            // within rounding of the threshold: others may still reach it
            continue;
        }
        // merge the cluster with fewer neighbours into the other
        let (keep, gone) = if adj[a].len() >= adj[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        locked[keep] |= locked[gone];
        let keep_locked = locked[keep];
        let mut pushes = Vec::new();
        merge(
            &mut adj,
            &mut size,
            &mut active,
            &mut uf,
            keep,
            gone,
            &mut |c, total| pushes.push((c, total)),
        );
        for (c, total) in pushes {
            let avg = total / (size[keep] * size[c]);
            if avg >= threshold && !(keep_locked && locked[c]) {
                heap.push(Merge {
                    avg,
                    a: keep as u32,
                    b: c as u32,
                });
            }
        }
    }
    // Which fixed cluster each group continues, by its head's root.
    let mut fixed_of_root: HashMap<usize, usize> = HashMap::new();
    for (f, h) in head_of_fixed.iter().enumerate() {
        if let Some(h) = h {
            fixed_of_root.insert(uf.find(*h), f);
        }
    }
    let mut out: Vec<(Option<usize>, Vec<usize>)> =
        (0..fixed.len()).map(|f| (Some(f), Vec::new())).collect();
    for g in uf.groups() {
        match fixed_of_root.get(&uf.find(g[0])) {
            Some(&f) => out[f].1 = g,
            None => out.push((None, g)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_blocks_split_at_threshold() {
        // 0,1,2 close; 3,4 close; weak links across.
        let pts: [f64; 5] = [0.0, 0.1, 0.2, 5.0, 5.1];
        let m = SimMatrix::new(5, |i, j| 1.0 / (1.0 + (pts[i] - pts[j]).abs()));
        assert_eq!(average_link(&m, 0.5), vec![vec![0, 1, 2], vec![3, 4]]);
        assert_eq!(average_link(&m, 0.0).len(), 1);
        assert_eq!(average_link(&m, 0.99).len(), 5);
    }

    #[test]
    fn average_not_single_link() {
        // 0-1 strong, 1-2 strong, 0-2 weak: single link would chain all three;
        // average of {0,1} to 2 is (0.1+0.7)/2 = 0.4 < 0.5.
        let s = [[1.0, 0.9, 0.1], [0.9, 1.0, 0.7], [0.1, 0.7, 1.0]];
        let m = SimMatrix::new(3, |i, j| s[i][j]);
        assert_eq!(average_link(&m, 0.5), vec![vec![0, 1], vec![2]]);
    }

    /// Dense pairs as a sparse list, leaving out zeros.
    fn edges_of(m: &SimMatrix) -> Vec<Edge> {
        let mut e = Vec::new();
        for i in 0..m.n {
            for j in i + 1..m.n {
                let s = m.v[i * m.n + j];
                if s > 0.0 {
                    e.push((i as u32, j as u32, s));
                }
            }
        }
        e
    }

    #[test]
    fn sparse_matches_dense_on_random_sparse_similarities() {
        // Points on a line in a few tight groups; similarity falls with
        // distance and is zero beyond a cut, as for documents sharing no
        // term. A small xorshift keeps the test deterministic.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        for round in 0..40 {
            let n = 5 + round * 3;
            let pts: Vec<f64> = (0..n)
                .map(|_| (next() * 8.0).floor() * 3.0 + next())
                .collect();
            let cut = 1.0 + next() * 4.0;
            let m = SimMatrix::new(n, |i, j| {
                let d = (pts[i] - pts[j]).abs();
                if d > cut {
                    0.0
                } else {
                    // quantized so that the two forms see the same floats
                    ((1.0 / (1.0 + d)) * 1024.0).round() / 1024.0
                }
            });
            let e = edges_of(&m);
            // thresholds no average of these values lands on, so the
            // dense form's f32 rounding cannot flip a merge
            for t in [0.1529, 0.3137, 0.5171, 0.7093] {
                assert_eq!(
                    average_link_sparse(n, &e, t),
                    average_link(&m, t),
                    "round {round}, threshold {t}"
                );
            }
        }
    }

    #[test]
    fn sparse_counts_missing_pairs_as_zero() {
        // 0-1 strong, 1-2 strong, 0-2 not listed (zero): {0,1} to 2 averages
        // 0.35, under 0.5, so 2 stays apart; at 0.3 all three join.
        let e = [(0, 1, 0.9), (1, 2, 0.7)];
        assert_eq!(average_link_sparse(3, &e, 0.5), vec![vec![0, 1], vec![2]]);
        assert_eq!(average_link_sparse(3, &e, 0.3), vec![vec![0, 1, 2]]);
        assert_eq!(average_link_sparse(0, &[], 0.3), Vec::<Vec<usize>>::new());
        assert_eq!(average_link_sparse(2, &[], 0.3), vec![vec![0], vec![1]]);
    }

    #[test]
    fn extend_keeps_fixed_clusters_and_places_new_items() {
        // Fixed: {0,1} and {2}. New: 3 and 4 close to each other and to
        // {0,1}; 5 close to 2 only at 0.4; 6 linked to nothing.
        let e = [
            (0, 1, 0.9),
            (3, 4, 0.8),
            (0, 3, 0.7),
            (1, 3, 0.6),
            (0, 4, 0.6),
            (1, 4, 0.5),
            (2, 5, 0.4),
            // 1 and 2 are similar, but fixed clusters never merge.
            (1, 2, 0.95),
        ];
        let fixed = vec![vec![0, 1], vec![2]];
        let got = extend(7, &fixed, &e, 0.5);
        assert_eq!(
            got,
            vec![
                (Some(0), vec![0, 1, 3, 4]),
                (Some(1), vec![2]),
                (None, vec![5]),
                (None, vec![6]),
            ]
        );
        // At 0.3, 5 joins {2}.
        let got = extend(7, &fixed, &e, 0.3);
        assert_eq!(got[1], (Some(1), vec![2, 5]));
        // With nothing fixed it is average link.
        let all = extend(7, &[], &e, 0.5);
        let plain = average_link_sparse(7, &e, 0.5);
        assert_eq!(all.into_iter().map(|c| c.1).collect::<Vec<_>>(), plain);
    }

    #[test]
    fn an_item_listed_in_two_fixed_clusters_stays_in_the_first() {
        let e = [(0, 1, 0.9), (1, 2, 0.9), (2, 3, 0.9)];
        let fixed = vec![vec![0, 1], vec![1, 2]];
        let got = extend(4, &fixed, &e, 0.5);
        assert_eq!(got[0], (Some(0), vec![0, 1]));
        assert_eq!(got[1], (Some(1), vec![2, 3]));
    }

    #[test]
    fn extend_averages_over_every_member_of_both() {
        // New {3} to fixed {0,1,2}: one pair at 0.75, two unlisted (0): the
        // average is 0.25, so 3 joins at 0.25 and not at 0.26.
        let e = [(0, 3, 0.75)];
        let fixed = vec![vec![0, 1, 2]];
        assert_eq!(extend(4, &fixed, &e, 0.25)[0].1, vec![0, 1, 2, 3]);
        assert_eq!(extend(4, &fixed, &e, 0.26).len(), 2);
    }
}
