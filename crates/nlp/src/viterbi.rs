//! First-order Viterbi decoding, shared by the taggers (named entities, and
//! the cues and roles of attributions): each word's tag scores without
//! history, plus the scores each previous tag adds, searched exactly for the
//! best allowed sequence. Tag 0 is the outside tag, which the first word
//! follows.

/// The scores of every tag at every word of a sentence: the part without
/// tag history, and the part added by each previous tag. Fixed words have
/// no scores.
pub(crate) struct Lattice {
    labels: usize,
    fixed: Vec<Option<usize>>,
    /// `labels` scores per word.
    base: Vec<f32>,
    /// `labels * labels` scores per word, previous tag first.
    history: Vec<f32>,
}

impl Lattice {
    /// The lattice of `n` words with `labels` tags: `fixed(i)` gives a word's
    /// tag when it is not to be chosen, `base(i, s)` adds word `i`'s scores
    /// without history to `s`, `hist(i, p, s)` those previous tag `p` adds
    /// (asked only for the outside tag at the first word, which follows it).
    pub(crate) fn build(
        labels: usize,
        n: usize,
        fixed: impl Fn(usize) -> Option<usize>,
        mut base: impl FnMut(usize, &mut [f32]),
        mut hist: impl FnMut(usize, usize, &mut [f32]),
    ) -> Lattice {
        let l = labels;
        let mut lat = Lattice {
            labels: l,
            fixed: (0..n).map(fixed).collect(),
            base: vec![0.0; n * l],
            history: vec![0.0; n * l * l],
        };
        for i in 0..n {
            if lat.fixed[i].is_some() {
                continue;
            }
            base(i, &mut lat.base[i * l..(i + 1) * l]);
            for p in 0..if i == 0 { 1 } else { l } {
                let at = (i * l + p) * l;
                hist(i, p, &mut lat.history[at..at + l]);
            }
        }
        lat
    }

    /// The best tag sequence with `bias` added to every word's score of tag
    /// 1 (Viterbi: the history features see only the previous tag, so the
    /// search is exact). The first word follows tag 0; `allowed` bars
    /// transitions.
    pub(crate) fn best(&self, bias: f32, allowed: impl Fn(usize, usize) -> bool) -> Vec<usize> {
        let l = self.labels;
        let n = self.fixed.len();
        let mut best = vec![f32::NEG_INFINITY; l];
        let mut next = vec![f32::NEG_INFINITY; l];
        let mut back = vec![0usize; n * l];
        for i in 0..n {
            next.iter_mut().for_each(|x| *x = f32::NEG_INFINITY);
            let prevs = |p: usize| {
                if i == 0 {
                    p == OUTSIDE
                } else {
                    best[p].is_finite()
                }
            };
            let prev_score = |p: usize| if i == 0 { 0.0 } else { best[p] };
            if let Some(tag) = self.fixed[i] {
                // A fixed word scores nothing; its tag follows the best path
                // (the first best, on ties, as for every other word).
                let p = (0..l)
                    .filter(|&p| prevs(p))
                    .fold(None, |best: Option<usize>, p| match best {
                        Some(b) if prev_score(b) >= prev_score(p) => Some(b),
                        _ => Some(p),
                    })
                    .unwrap_or(OUTSIDE);
                next[tag] = prev_score(p);
                back[i * l + tag] = p;
            } else {
                for p in (0..l).filter(|&p| prevs(p)) {
                    let at = (i * l + p) * l;
                    for t in (0..l).filter(|&t| allowed(p, t)) {
                        let b = if t == 1 { bias } else { 0.0 };
                        let s = prev_score(p) + self.base[i * l + t] + self.history[at + t] + b;
                        if s > next[t] {
                            next[t] = s;
                            back[i * l + t] = p;
                        }
                    }
                }
            }
            std::mem::swap(&mut best, &mut next);
        }
        let mut tag = (0..l)
            .filter(|&t| best[t].is_finite())
            .max_by(|&a, &b| best[a].total_cmp(&best[b]))
            .unwrap_or(OUTSIDE);
        let mut tags = vec![OUTSIDE; n];
        for i in (0..n).rev() {
            tags[i] = tag;
            tag = back[i * l + tag];
        }
        tags
    }
}

/// The outside tag: the first word follows it.
const OUTSIDE: usize = 0;

/// The words a structured-perceptron step (Collins 2002) moves the weights
/// at, where the decoded sequence `guess` differs from `gold`: each word
/// whose tag or previous tag differs, with the previous tag in `gold` and in
/// `guess` (`outside` before the first word).
pub(crate) fn mistakes<'a, T: Copy + PartialEq>(
    gold: &'a [T],
    guess: &'a [T],
    outside: T,
) -> impl Iterator<Item = (usize, T, T)> + 'a {
    (0..gold.len().min(guess.len())).filter_map(move |i| {
        let gp = if i == 0 { outside } else { gold[i - 1] };
        let pp = if i == 0 { outside } else { guess[i - 1] };
        (gold[i] != guess[i] || gp != pp).then_some((i, gp, pp))
    })
}
