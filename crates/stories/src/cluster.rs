//! Average-link agglomerative clustering with a similarity threshold.
//!
//! Uses the nearest-neighbour-chain algorithm: average linkage is
//! reducible, so the chain finds the same merges as the greedy algorithm in
//! O(n²) time and memory. Because average-link merge heights are monotone,
//! the flat clustering at a threshold is obtained by applying every merge
//! whose similarity is at least the threshold.
//!
//! The matrix is dense (4·n² bytes: 25 MB at 2,500 documents); beyond some
//! ten thousand documents per batch, candidate pairs should come from an
//! inverted index and clustering should go incremental ([`assign`]).
//!
//! Incremental use: a new document joins the cluster whose average
//! similarity to it is highest when that average reaches the threshold, and
//! opens a new cluster otherwise ([`assign`]); a periodic batch run
//! re-balances.

use crate::dedup::UnionFind;

/// A dense symmetric similarity matrix.
pub(crate) struct SimMatrix {
    pub n: usize,
    pub v: Vec<f32>,
}

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

/// Incremental assignment: the index of the cluster whose average
/// similarity to the new item is highest, when it reaches `threshold`.
/// `sims[c]` lists the similarities of the new item to members of cluster c.
pub fn assign(sims: &[Vec<f64>], threshold: f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (c, v) in sims.iter().enumerate() {
        if v.is_empty() {
            continue;
        }
        let avg = v.iter().sum::<f64>() / v.len() as f64;
        if avg >= threshold && !matches!(best, Some((_, b)) if b >= avg) {
            best = Some((c, avg));
        }
    }
    best.map(|b| b.0)
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

    #[test]
    fn assign_picks_best_average() {
        assert_eq!(assign(&[vec![0.2, 0.9], vec![0.6, 0.6]], 0.5), Some(1));
        assert_eq!(assign(&[vec![0.2], vec![]], 0.5), None);
    }
}
