//! Document vectors for clustering: TF-IDF over content terms, with entity
//! canonical names and figure measure keys as extra features.
//!
//! Entity and measure features are namespaced (`@e:`, `@m:`) so they never
//! collide with words; when the annotators left a document bare, the vector
//! is built from its words alone and grouping still works.

use std::collections::HashMap;

use dossier_model::Document;

use crate::text;

/// For each stem, the surface forms seen and how often.
pub(crate) type Surfaces = HashMap<String, HashMap<String, usize>>;

/// A sparse vector: (term id, weight) sorted by term id, L2-normalized.
pub(crate) type SparseVec = Vec<(u32, f32)>;

/// Raw feature weights of one text or document, before IDF.
pub(crate) type Counts = Vec<(String, f64)>;

/// Term statistics of one batch of documents.
#[derive(Debug, Default)]
pub(crate) struct Corpus {
    pub vocab: HashMap<String, u32>,
    pub idf: Vec<f32>,
    /// For each term id, the most frequent surface word (to print terms).
    pub surface: Vec<String>,
    /// Number of documents each term occurs in.
    pub df: Vec<u32>,
    /// The term of each id.
    pub terms: Vec<String>,
}

pub(crate) fn text_counts(t: &str, surfaces: &mut Surfaces) -> HashMap<String, f64> {
    let mut m: HashMap<String, f64> = HashMap::new();
    for (term, surf) in text::content_terms(t) {
        *surfaces
            .entry(term.clone())
            .or_default()
            .entry(surf)
            .or_default() += 1;
        *m.entry(term).or_default() += 1.0;
    }
    m
}

/// Feature weights of a document: content terms of its title and text,
/// plus `entity_weight` per entity mention (`@e:` + canonical name) and
/// `figure_weight` per figure with a measure key (`@m:` + key).
pub(crate) fn doc_counts(
    doc: &Document,
    entity_weight: f64,
    figure_weight: f64,
    surfaces: &mut Surfaces,
) -> Counts {
    let mut m = text_counts(&doc.text, surfaces);
    if let Some(title) = &doc.title {
        // Skip a title the text already starts with (counted once).
        if !doc.text.trim_start().starts_with(title.trim()) {
            for (k, v) in text_counts(title, surfaces) {
                *m.entry(k).or_default() += v;
            }
        }
    }
    if entity_weight > 0.0 {
        for e in &doc.entities {
            let c = e.canonical.trim();
            let name = if c.is_empty() { e.text.trim() } else { c };
            if !name.is_empty() {
                *m.entry(format!("@e:{}", name.to_lowercase())).or_default() += entity_weight;
            }
        }
    }
    if figure_weight > 0.0 {
        for f in &doc.figures {
            if let Some(k) = f.measure.as_deref().filter(|k| !k.trim().is_empty()) {
                *m.entry(format!("@m:{}", k.trim().to_lowercase()))
                    .or_default() += figure_weight;
            }
        }
    }
    let mut v: Counts = m.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

impl Corpus {
    /// Builds the vocabulary (terms sorted, so ids are deterministic) and
    /// smoothed IDF `ln((1+N)/(1+df)) + 1` from the documents' counts.
    pub fn build(docs: &[Counts], surfaces: &Surfaces) -> Corpus {
        let mut df: HashMap<&str, u32> = HashMap::new();
        for d in docs {
            for (t, _) in d {
                *df.entry(t.as_str()).or_default() += 1;
            }
        }
        let mut terms: Vec<&str> = df.keys().copied().collect();
        terms.sort_unstable();
        let n = docs.len() as f64;
        let mut c = Corpus::default();
        for (i, t) in terms.iter().enumerate() {
            c.vocab.insert(t.to_string(), i as u32);
            c.terms.push(t.to_string());
            let d = df[t];
            c.df.push(d);
            c.idf
                .push((((1.0 + n) / (1.0 + d as f64)).ln() + 1.0) as f32);
            let surf = surfaces
                .get(*t)
                .and_then(|m| {
                    let mut v: Vec<(&String, &usize)> = m.iter().collect();
                    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                    v.first().map(|x| x.0.clone())
                })
                .unwrap_or_else(|| {
                    t.trim_start_matches("@e:")
                        .trim_start_matches("@m:")
                        .to_string()
                });
            c.surface.push(surf);
        }
        c
    }

    /// The TF-IDF vector of counts (sublinear tf `1 + ln c`), L2-normalized;
    /// terms outside the vocabulary are ignored.
    pub fn vector(&self, counts: &[(String, f64)]) -> SparseVec {
        let mut v: SparseVec = counts
            .iter()
            .filter(|(_, c)| *c > 0.0)
            .filter_map(|(t, c)| {
                let id = *self.vocab.get(t)?;
                let tf = if *c >= 1.0 { 1.0 + c.ln() } else { *c };
                Some((id, (tf * self.idf[id as usize] as f64) as f32))
            })
            .collect();
        v.sort_unstable_by_key(|x| x.0);
        normalize(&mut v);
        v
    }

    /// `v` without the terms found in fewer than `min_df` documents of the
    /// batch, renormalized. A term only one document has cannot make it
    /// alike any other, yet with the highest IDF it takes a large share of
    /// the vector's length, and more so in a long text carrying names,
    /// comments or headlines of its own: leaving it out makes two reports
    /// of one event as alike as the terms they can share say.
    pub fn shared_terms(&self, v: &SparseVec, min_df: u32) -> SparseVec {
        let mut out: SparseVec = v
            .iter()
            .copied()
            .filter(|x| self.df[x.0 as usize] >= min_df)
            .collect();
        normalize(&mut out);
        out
    }
}

pub(crate) fn normalize(v: &mut SparseVec) {
    let n: f64 = v
        .iter()
        .map(|x| (x.1 as f64) * (x.1 as f64))
        .sum::<f64>()
        .sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            x.1 = (x.1 as f64 / n) as f32;
        }
    }
}

/// Cosine of two normalized sparse vectors.
pub(crate) fn cosine(a: &SparseVec, b: &SparseVec) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 as f64 * b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// The normalized sum of vectors (a cluster centroid direction).
pub(crate) fn centroid<'a>(vs: impl IntoIterator<Item = &'a SparseVec>) -> SparseVec {
    let mut m: HashMap<u32, f64> = HashMap::new();
    for v in vs {
        for &(i, w) in v {
            *m.entry(i).or_default() += w as f64;
        }
    }
    let mut out: SparseVec = m.into_iter().map(|(i, w)| (i, w as f32)).collect();
    out.sort_unstable_by_key(|x| x.0);
    normalize(&mut out);
    out
}

/// Maximal marginal relevance (Carbonell & Goldstein 1998): picks items one
/// at a time, each the best by `lambda * salience - (1 - lambda) *` its
/// highest cosine to the items already picked, until `done(picked)` says
/// enough or nothing is left. Returns indices in pick order; ties go to
/// the earlier item.
pub(crate) fn mmr(
    vecs: &[&SparseVec],
    salience: &[f64],
    lambda: f64,
    mut done: impl FnMut(&[usize]) -> bool,
) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::new();
    while !done(&picked) {
        let mut best: Option<(usize, f64)> = None;
        for (i, v) in vecs.iter().enumerate() {
            if picked.contains(&i) {
                continue;
            }
            let red = picked
                .iter()
                .map(|&p| cosine(v, vecs[p]))
                .fold(0.0, f64::max);
            let score = lambda * salience[i] - (1.0 - lambda) * red;
            if !matches!(best, Some((_, b)) if b >= score) {
                best = Some((i, score));
            }
        }
        match best {
            Some((i, _)) => picked.push(i),
            None => break,
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_rare_terms_weigh_more_than_common_ones() {
        let mut s = HashMap::new();
        let docs: Vec<Counts> = [
            "Witkoff travels to Qatar for truce talks on Gaza",
            "Witkoff says one obstacle remains in Gaza truce talks",
            "Gaza talks stall as Israel strikes Khan Younis",
        ]
        .iter()
        .map(|t| {
            let d = Document {
                text: t.to_string(),
                ..Default::default()
            };
            doc_counts(&d, 1.0, 1.0, &mut s)
        })
        .collect();
        let c = Corpus::build(&docs, &s);
        let v: Vec<SparseVec> = docs.iter().map(|d| c.vector(d)).collect();
        assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]));
        assert!((cosine(&v[0], &v[0]) - 1.0).abs() < 1e-5);
        assert_eq!(c.surface[c.vocab["talk"] as usize], "talks");
        // Without the terms no other document has, the first two share
        // more of what is left, and each vector keeps unit length.
        let s: Vec<SparseVec> = v.iter().map(|x| c.shared_terms(x, 2)).collect();
        assert!(cosine(&s[0], &s[1]) > cosine(&v[0], &v[1]) + 0.1);
        assert!((cosine(&s[0], &s[0]) - 1.0).abs() < 1e-5);
        assert!(!s[0].iter().any(|x| c.df[x.0 as usize] < 2));
        assert!(v[0].iter().any(|x| c.df[x.0 as usize] < 2));
    }
}
