//! Each outlet's distinctive words in a storyline: for every term (a content
//! word, or two content words side by side) the weighted log-odds ratio of
//! its use in one outlet's reports against all other outlets' reports, with
//! an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
//! Words", section 3.5). The prior follows the storyline's pooled counts,
//! as the paper's follows the whole corpus: a term everyone uses often
//! needs a large difference to stand out, and a term used once or twice is
//! shrunk towards the common rate instead of topping the list as a raw
//! ratio would.
//!
//! Words and two-word phrases are two separate vocabularies (each its own
//! multinomial). A word is dropped when a kept phrase holds most of its
//! uses ("terror group" makes "terror" redundant).

use std::collections::HashMap;

use dossier_model::{DistinctiveTerm, OutletWording, SourceRef, Span, SummarySentence};

use crate::compare::Member;
use crate::text;

/// A z-score above this is a difference unlikely to be chance (5% level,
/// two-sided), the threshold the paper reads its plots with.
const MIN_Z: f64 = 1.96;
/// An outlet must use a term at least this often: one use is a word
/// choice of one sentence, not of an outlet.
const MIN_COUNT: u32 = 2;
/// The prior's weight, as a share of the storyline's term count: the prior
/// for a term is this share of its pooled count. With the z-score of the
/// paper, a term only one outlet uses scores about `ln(1 + 1/r) /
/// sqrt(1/(1 + r) + 1/r) * sqrt(uses)` at share `r`; the factor peaks near
/// 0.15-0.2 (0.74, so seven uses reach 1.96), while the whole pooled
/// counts as prior (share 1, factor 0.57) would ask twelve. The peak is
/// taken: the most sensitive prior that still shrinks rare terms.
const PRIOR_SHARE: f64 = 0.2;
/// Terms shown per outlet, and sentences kept per term.
const MAX_TERMS: usize = 10;
const MAX_SENTENCES: usize = 3;
/// A word whose uses fall at least this much inside one kept phrase is
/// left to the phrase.
const PHRASE_SHARE: f64 = 0.8;

/// One term's counts in one outlet, with where it was first used.
#[derive(Default)]
struct Uses {
    count: u32,
    /// Reports using it, and the last one counted (members come in order).
    docs: u32,
    last: Option<usize>,
    /// (member index, byte offset), the first few uses.
    first: Vec<(usize, usize)>,
}

/// Term key (stem, or "stem stem") and its written form.
struct Term {
    key: String,
    bigram: bool,
    surface: String,
    /// Byte offset in the text (none for a title's term).
    start: Option<usize>,
}

/// The terms of one text, words and adjacent pairs. Two words form a pair
/// only when nothing but spaces separates them (no punctuation, no line
/// break) and both are content words.
fn terms(t: &str, out: &mut Vec<Term>) {
    let words = text::words(t);
    let content: Vec<Option<String>> = words
        .iter()
        .map(|w| {
            let ok = w.norm.chars().count() >= 2
                && w.norm.chars().any(char::is_alphabetic)
                && !text::is_stop(&w.norm);
            ok.then(|| {
                // Spelling is a choice here: "cease-fire" and "ceasefire"
                // stay apart (grouping joins them).
                let low: String = t[w.start..w.end]
                    .chars()
                    .map(|c| if text::is_hyphen(c) { '-' } else { c })
                    .flat_map(char::to_lowercase)
                    .collect();
                if low.chars().all(|c| c.is_alphabetic() || c == '-') {
                    text::stem(&low)
                } else {
                    low
                }
            })
        })
        .collect();
    for (i, w) in words.iter().enumerate() {
        let Some(key) = &content[i] else { continue };
        out.push(Term {
            key: key.clone(),
            bigram: false,
            surface: t[w.start..w.end].to_string(),
            start: Some(w.start),
        });
        let Some(Some(next_key)) = content.get(i + 1) else {
            continue;
        };
        let next = &words[i + 1];
        if t[w.end..next.start].chars().all(|c| c == ' ') {
            out.push(Term {
                key: format!("{key} {next_key}"),
                bigram: true,
                surface: t[w.start..next.end].to_string(),
                start: Some(w.start),
            });
        }
    }
}

/// The log-odds ratio of a term in one group against the rest, with prior
/// `alpha` for the term and `alpha0` in all (eq. 16 and 20 of the paper),
/// divided by its standard deviation: the z-score.
fn z_score(y_i: f64, n_i: f64, y_j: f64, n_j: f64, alpha: f64, alpha0: f64) -> f64 {
    let a = y_i + alpha;
    let c = y_j + alpha;
    let delta = (a / (n_i + alpha0 - a)).ln() - (c / (n_j + alpha0 - c)).ln();
    delta / (1.0 / a + 1.0 / c).sqrt()
}

/// The distinctive terms of each outlet among `members` (with `sents`, each
/// member's sentence spans), outlets with the most reports first. Empty
/// when fewer than two outlets report.
pub(crate) fn distinctive(members: &[Member], sents: &[Vec<Span>]) -> Vec<OutletWording> {
    let mut outlets: Vec<&str> = members.iter().map(|m| m.outlet.as_str()).collect();
    outlets.sort_unstable();
    outlets.dedup();
    if outlets.len() < 2 {
        return Vec::new();
    }
    let outlet_ix: HashMap<&str, usize> =
        outlets.iter().enumerate().map(|(i, o)| (*o, i)).collect();
    // Per vocabulary (words, pairs): pooled counts, per-outlet uses, totals.
    let mut pooled: [HashMap<String, u32>; 2] = Default::default();
    let mut by_outlet: Vec<[HashMap<String, Uses>; 2]> =
        (0..outlets.len()).map(|_| Default::default()).collect();
    let mut totals = vec![[0f64; 2]; outlets.len()];
    let mut surfaces: HashMap<String, HashMap<String, u32>> = HashMap::new();
    let mut docs = vec![0usize; outlets.len()];
    let mut buf = Vec::new();
    for (mi, m) in members.iter().enumerate() {
        let o = outlet_ix[m.outlet.as_str()];
        docs[o] += 1;
        buf.clear();
        // The title counts too, unless the text opens with it; its uses
        // have no span in the text to cite.
        if let Some(title) = m.doc.title.as_deref() {
            if !m.doc.text.trim_start().starts_with(title.trim()) {
                terms(title, &mut buf);
                for t in &mut buf {
                    t.start = None;
                }
            }
        }
        terms(&m.doc.text, &mut buf);
        for t in buf.drain(..) {
            let v = t.bigram as usize;
            *pooled[v].entry(t.key.clone()).or_default() += 1;
            *surfaces
                .entry(t.key.clone())
                .or_default()
                .entry(t.surface)
                .or_default() += 1;
            let uses = by_outlet[o][v].entry(t.key).or_default();
            uses.count += 1;
            if uses.last != Some(mi) {
                uses.last = Some(mi);
                uses.docs += 1;
            }
            if let Some(start) = t.start.filter(|_| uses.first.len() < MAX_SENTENCES * 2) {
                uses.first.push((mi, start));
            }
            totals[o][v] += 1.0;
        }
    }
    let n: [f64; 2] = [0, 1].map(|v| totals.iter().map(|t| t[v]).sum());
    let mut out = Vec::new();
    for (o, outlet) in outlets.iter().enumerate() {
        // (vocabulary, key, z, count, others)
        let mut kept: Vec<(usize, &str, f64, u32, u32)> = Vec::new();
        for v in 0..2 {
            let n_i = totals[o][v];
            let n_j = n[v] - n_i;
            if n_i == 0.0 || n_j == 0.0 {
                continue;
            }
            for (key, uses) in &by_outlet[o][v] {
                // An outlet with several reports must use the term in two
                // of them: one report's repeated name is that story's
                // detail, not the outlet's wording.
                if uses.count < MIN_COUNT || (docs[o] > 1 && uses.docs < 2) {
                    continue;
                }
                let y = pooled[v][key] as f64;
                let y_i = uses.count as f64;
                let z = z_score(y_i, n_i, y - y_i, n_j, PRIOR_SHARE * y, PRIOR_SHARE * n[v]);
                if z >= MIN_Z {
                    kept.push((v, key, z, uses.count, (y - y_i) as u32));
                }
            }
        }
        // A word whose uses sit mostly inside a kept phrase goes.
        let phrases: Vec<(&str, u32)> = kept
            .iter()
            .filter(|k| k.0 == 1)
            .map(|k| (k.1, k.3))
            .collect();
        kept.retain(|&(v, key, _, count, _)| {
            v == 1
                || !phrases.iter().any(|&(p, pc)| {
                    p.split(' ').any(|part| part == key) && pc as f64 >= PHRASE_SHARE * count as f64
                })
        });
        kept.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.1.cmp(b.1)));
        // The outlet's own name (a credit or a self-reference) is not a
        // word it chooses.
        let own: Vec<String> = outlet
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut terms: Vec<DistinctiveTerm> = Vec::new();
        for (v, key, z, count, others) in kept {
            if terms.len() == MAX_TERMS {
                break;
            }
            let term = written_form(&surfaces, key);
            if term
                .split(' ')
                .all(|w| own.iter().any(|o| o == &w.to_lowercase()))
            {
                continue;
            }
            let sentences = sentences_of(&by_outlet[o][v][key].first, members, sents);
            // Terms used exactly as often in exactly the same sentences
            // are pieces of one repeated passage: the strongest stands
            // for it.
            if terms
                .iter()
                .any(|t| t.count == count as usize && t.sentences == sentences)
            {
                continue;
            }
            terms.push(DistinctiveTerm {
                term,
                z: (z * 100.0).round() / 100.0,
                count: count as usize,
                others: others as usize,
                sentences,
            });
        }
        if terms.is_empty() {
            continue;
        }
        out.push(OutletWording {
            outlet: outlet.to_string(),
            documents: docs[o],
            terms,
        });
    }
    out.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.outlet.cmp(&b.outlet)));
    out
}

/// The most frequent written form of a term: its common case ("Hamas",
/// "terror group"), ties to the first in order.
fn written_form(surfaces: &HashMap<String, HashMap<String, u32>>, key: &str) -> String {
    surfaces
        .get(key)
        .and_then(|m| {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
        })
        .unwrap_or_else(|| key.to_string())
}

/// The distinct sentences holding the first uses, at most `MAX_SENTENCES`.
fn sentences_of(
    first: &[(usize, usize)],
    members: &[Member],
    sents: &[Vec<Span>],
) -> Vec<SummarySentence> {
    let mut out: Vec<SummarySentence> = Vec::new();
    for &(mi, at) in first {
        let spans = &sents[mi];
        let k = spans.partition_point(|s| s.end <= at);
        let Some(span) = spans.get(k).filter(|s| s.start <= at) else {
            continue;
        };
        let doc = members[mi].doc;
        if out
            .iter()
            .any(|x| x.source.document == doc.id && x.source.start == span.start)
        {
            continue;
        }
        out.push(SummarySentence {
            text: doc.text[span.start..span.end].to_string(),
            source: SourceRef {
                document: doc.id.clone(),
                outlet: members[mi].outlet.clone(),
                start: span.start,
                end: span.end,
            },
        });
        if out.len() == MAX_SENTENCES {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_model::Document;

    fn doc(id: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }

    fn run(docs: &[(Document, &str)]) -> Vec<OutletWording> {
        let members: Vec<Member> = docs
            .iter()
            .map(|(d, o)| Member {
                doc: d,
                outlet: o.to_string(),
                moment: "s".into(),
            })
            .collect();
        let sents: Vec<Vec<Span>> = docs
            .iter()
            .map(|(d, _)| text::split_sentences(&d.text))
            .collect();
        distinctive(&members, &sents)
    }

    fn terms_of<'a>(w: &'a [OutletWording], outlet: &str) -> Vec<&'a str> {
        w.iter()
            .find(|x| x.outlet == outlet)
            .map(|x| x.terms.iter().map(|t| t.term.as_str()).collect())
            .unwrap_or_default()
    }

    /// Reports of two outlets on one matter: shared words, and each
    /// outlet's own label for the group and its own verbs.
    fn corpus() -> Vec<(Document, &'static str)> {
        let a = "The terror group attacked the border town. Officials said the terror group fired rockets at the town. Talks on a truce stalled in Cairo.";
        let b = "Militants attacked the border town. Witnesses said militants fired rockets at the town. Talks on a truce stalled in Cairo.";
        (0..6)
            .flat_map(|i| {
                [
                    (doc(&format!("a{i}"), a), "Outlet A"),
                    (doc(&format!("b{i}"), b), "Outlet B"),
                ]
            })
            .collect()
    }

    #[test]
    fn each_outlet_gets_its_own_label_and_shared_words_none() {
        let w = run(&corpus());
        let a = terms_of(&w, "Outlet A");
        let b = terms_of(&w, "Outlet B");
        assert_eq!(a.first(), Some(&"terror group"), "{a:?}");
        // the phrase holds every use of its words
        assert!(!a.contains(&"terror") && !a.contains(&"group"), "{a:?}");
        assert!(
            b.contains(&"Militants") || b.contains(&"militants"),
            "{b:?}"
        );
        for shared in ["town", "rockets", "truce", "Cairo", "border town"] {
            assert!(!a.contains(&shared) && !b.contains(&shared), "{shared}");
        }
        // counts, and the sentences behind the term with their sources
        let t = &w.iter().find(|x| x.outlet == "Outlet A").unwrap().terms[0];
        assert_eq!((t.count, t.others), (12, 0));
        assert!(t.z >= MIN_Z);
        assert_eq!(t.sentences.len(), MAX_SENTENCES);
        for s in &t.sentences {
            let d = corpus()
                .into_iter()
                .find(|(d, _)| d.id == s.source.document)
                .unwrap()
                .0;
            assert_eq!(&d.text[s.source.start..s.source.end], s.text);
            assert!(s.text.contains("terror group"));
            assert_eq!(s.source.outlet, "Outlet A");
        }
    }

    #[test]
    fn one_outlet_or_one_report_with_a_repeated_name_is_no_wording() {
        let c = corpus();
        let only_a: Vec<(Document, &str)> =
            c.iter().filter(|x| x.1 == "Outlet A").cloned().collect();
        assert!(run(&only_a).is_empty());
        // A name repeated in one of an outlet's several reports is that
        // report's detail.
        let mut c = corpus();
        c[0].0
            .text
            .push_str(" Kowalski spoke. Kowalski left. Kowalski returned.");
        assert!(!terms_of(&run(&c), "Outlet A").contains(&"Kowalski"));
        // With one report per outlet, that report is the outlet's wording.
        let two: Vec<(Document, &str)> = vec![
            (
                doc(
                    "a",
                    &"The terror group fired rockets. Later the terror group withdrew. ".repeat(5),
                ),
                "Outlet A",
            ),
            (
                doc(
                    "b",
                    &"Militants fired rockets. Later the militants withdrew. ".repeat(5),
                ),
                "Outlet B",
            ),
        ];
        assert_eq!(terms_of(&run(&two), "Outlet A"), vec!["terror group"]);
    }

    #[test]
    fn an_outlets_own_name_is_not_its_wording() {
        let mut c = corpus();
        for (d, o) in c.iter_mut() {
            if *o == "Outlet A" {
                d.text
                    .push_str(" Outlet reporters contributed. Outlet reporters contributed.");
            }
        }
        let w = run(&c);
        let a = terms_of(&w, "Outlet A");
        assert!(!a.contains(&"Outlet"), "{a:?}");
        // the rest of the credit line is still the outlet's
        assert!(a.iter().any(|t| t.contains("reporters")), "{a:?}");
    }

    #[test]
    fn the_log_odds_z_score_is_signed_and_shrinks_rare_terms() {
        // Over-used, under-used, and used at the common rate.
        assert!(z_score(30.0, 1000.0, 10.0, 1000.0, 40.0, 2000.0) > 0.0);
        assert!(z_score(10.0, 1000.0, 30.0, 1000.0, 40.0, 2000.0) < 0.0);
        assert!(z_score(20.0, 1000.0, 20.0, 1000.0, 40.0, 2000.0).abs() < 1e-9);
        // The same ratio on more evidence is more significant.
        let small = z_score(3.0, 100.0, 1.0, 100.0, 4.0, 200.0);
        let large = z_score(30.0, 1000.0, 10.0, 1000.0, 40.0, 2000.0);
        assert!(large > small);
    }
}
