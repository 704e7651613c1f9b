//! Near-duplicate detection: copies of one text (syndicated wire copy, an
//! updated version of the same article, a page scraped twice).
//!
//! MinHash over word shingles with LSH banding finds candidate pairs; each
//! candidate is then verified on the exact shingle sets (Jaccard, or
//! containment for a copy cut short). This is a small own implementation:
//! `gaoya` is unmaintained since 2023 and `probminhash` gives sketches
//! only, while what is needed here (a fixed seeded hash family, banding, an
//! exact check) fits in a few dozen lines and stays deterministic across
//! runs and platforms.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::text;

const PERMS: usize = 126;
/// 42 bands of 3 rows: a pair with Jaccard 0.3 becomes a candidate with
/// probability 0.68, one with Jaccard 0.5 with probability 0.996. Candidates
/// are verified exactly, so a generous band setting costs only time.
const ROWS: usize = 3;

fn mix(mut x: u64) -> u64 {
    // splitmix64 finalizer
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A stable 64-bit hash of a string (FNV-1a then mixed), independent of the
/// process, unlike `std`'s randomized hasher.
fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// The set of hashed word `k`-shingles of a text (all words, stop words
/// included: copies share function words too). Each word is hashed once
/// and a shingle's hash chains its words' hashes in order, so no shingle
/// string is built.
pub(crate) fn shingles(text_: &str, k: usize) -> HashSet<u64> {
    let ws: Vec<u64> = text::words(text_)
        .into_iter()
        .map(|w| hash_str(&w.norm))
        .collect();
    let k = k.max(1);
    let chain = |win: &[u64]| win.iter().fold(0u64, |h, &w| mix(h ^ w));
    let mut out = HashSet::new();
    if ws.len() < k {
        if !ws.is_empty() {
            out.insert(chain(&ws));
        }
        return out;
    }
    for win in ws.windows(k) {
        out.insert(chain(win));
    }
    out
}

/// The seed of each of the `PERMS` hash functions.
fn seeds() -> &'static [u64; PERMS] {
    static SEEDS: std::sync::OnceLock<[u64; PERMS]> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| std::array::from_fn(|p| mix(p as u64 + 1)))
}

fn signature(sh: &HashSet<u64>) -> Vec<u64> {
    let seeds = seeds();
    let mut sig = vec![u64::MAX; PERMS];
    for &h in sh {
        for (slot, &seed) in sig.iter_mut().zip(seeds) {
            *slot = (*slot).min(mix(h ^ seed));
        }
    }
    sig
}

/// Exact overlap measures of two shingle sets: (Jaccard, containment of
/// the smaller in the larger).
pub(crate) fn overlap(a: &HashSet<u64>, b: &HashSet<u64>) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        return (0.0, 0.0);
    }
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let inter = small.iter().filter(|h| large.contains(h)).count() as f64;
    let union = (a.len() + b.len()) as f64 - inter;
    (inter / union, inter / small.len() as f64)
}

/// Settings of the copy test.
#[derive(Debug, Clone)]
pub(crate) struct DedupParams {
    pub shingle: usize,
    pub jaccard: f64,
    pub containment: f64,
    /// Containment counts only when the shorter text has at least this many
    /// shingles (a two-line text is "contained" in many others).
    pub min_shingles_for_containment: usize,
}

/// Groups of indices into `texts` that are copies of one another, each
/// group sorted ascending, groups ordered by their first member; singletons
/// are not returned.
pub(crate) fn duplicate_groups(texts: &[&str], p: &DedupParams) -> Vec<Vec<usize>> {
    // Shingles and signatures per text, and the exact check per candidate,
    // are independent: spread over the cores.
    let sets: Vec<HashSet<u64>> = texts.par_iter().map(|t| shingles(t, p.shingle)).collect();
    let sigs: Vec<Vec<u64>> = sets.par_iter().map(signature).collect();
    let mut candidates: HashSet<(usize, usize)> = HashSet::new();
    for band in 0..PERMS / ROWS {
        let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, sig) in sigs.iter().enumerate() {
            if sets[i].is_empty() {
                continue;
            }
            let mut h = band as u64;
            for r in 0..ROWS {
                h = mix(h ^ sig[band * ROWS + r]);
            }
            buckets.entry(h).or_default().push(i);
        }
        for members in buckets.values() {
            for x in 0..members.len() {
                for y in x + 1..members.len() {
                    candidates.insert((members[x], members[y]));
                }
            }
        }
    }
    let mut uf = UnionFind::new(texts.len());
    let mut cands: Vec<(usize, usize)> = candidates.into_iter().collect();
    cands.sort_unstable();
    let copies: Vec<(usize, usize)> = cands
        .into_par_iter()
        .filter(|&(i, j)| {
            let (jac, cont) = overlap(&sets[i], &sets[j]);
            let small = sets[i].len().min(sets[j].len());
            jac >= p.jaccard || (small >= p.min_shingles_for_containment && cont >= p.containment)
        })
        .collect();
    for (i, j) in copies {
        uf.union(i, j);
    }
    uf.groups().into_iter().filter(|g| g.len() > 1).collect()
}

/// Union-find over indices, with deterministic group listing.
pub(crate) struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }
    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    pub fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
    /// All groups (singletons included), members ascending, groups ordered
    /// by smallest member.
    pub fn groups(&mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..n {
            let r = self.find(i);
            by_root.entry(r).or_default().push(i);
        }
        let mut gs: Vec<Vec<usize>> = by_root.into_values().collect();
        gs.sort_by_key(|g| g[0]);
        gs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> DedupParams {
        DedupParams {
            shingle: 5,
            jaccard: 0.6,
            containment: 0.85,
            min_shingles_for_containment: 20,
        }
    }

    const WIRE: &str = "Israeli Prime Minister Benjamin Netanyahu said on Monday that Israel had accepted the proposal put forward by the US envoy, and claimed that he and President Trump shared a common vision for security in the region. The two leaders met privately for dinner at the White House on Monday night, their third meeting in Washington since Trump returned to the presidency.";

    #[test]
    fn lightly_edited_copy_is_a_duplicate() {
        let copy = WIRE
            .replace("on Monday night", "late on Monday")
            .replace("US envoy", "U.S. envoy");
        let other = "Qatar's foreign ministry spokesman confirmed that talks were continuing but emphasized they remain at the general framework stage, and that there are no timetables yet for detailed negotiations between the parties.";
        let g = duplicate_groups(&[WIRE, other, &copy], &params());
        assert_eq!(g, vec![vec![0, 2]]);
    }

    #[test]
    fn truncated_copy_is_contained() {
        let cut = WIRE.split(". ").next().unwrap();
        let long = format!("{WIRE} More paragraphs follow here with other material, quotes from officials and background on the long conflict in the region that the wire copy left out entirely.");
        let g = duplicate_groups(&[cut, &long], &params());
        assert_eq!(g, vec![vec![0, 1]]);
    }

    #[test]
    fn different_reports_on_one_event_are_not_copies() {
        let a = "US envoy Steve Witkoff will travel to Qatar in the coming days in an effort to secure a hostage deal and a 60-day ceasefire between Israel and Hamas.";
        let b = "Negotiations between Israel and Hamas have narrowed to one key issue, the US envoy Steve Witkoff told a Cabinet meeting, raising hopes for a 60-day ceasefire.";
        assert!(duplicate_groups(&[a, b], &params()).is_empty());
        assert!(duplicate_groups(&["", ""], &params()).is_empty());
    }
}
