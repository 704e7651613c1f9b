//! Scoring of story clustering: B-cubed precision, recall and F1.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use dossier_model::Document;

use crate::dedup::UnionFind;
use crate::{full_regroup_due, group, group_onto, Grouping, Options, PriorStory};

/// Scores of one clustering run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ClusteringScore {
    pub documents: usize,
    pub gold_clusters: usize,
    pub predicted_clusters: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Documents grouped per second (whole [`group`] call, comparison and
    /// summaries included).
    pub docs_per_second: f64,
}

/// The story index of each document (in input order) after [`group`];
/// copies share their original's story.
pub fn story_labels(docs: &[Document], opts: &Options) -> Vec<usize> {
    labels_of(&group(docs, opts), docs)
}

/// The story index of each document (in input order) when the documents
/// arrive in `batches` batches, grouped after each as `dossier ingest`
/// does run after run: from scratch when [`full_regroup_due`] says so
/// (`extend_only`: only the first batch), otherwise with [`group_onto`],
/// keeping the stories already made. Documents are dealt into batches in
/// the order of a hash of their id, so the reports of one event arrive
/// spread over batches.
pub fn story_labels_in_batches(
    docs: &[Document],
    batches: usize,
    extend_only: bool,
    opts: &Options,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|&i| {
        (
            blake3::hash(docs[i].id.as_bytes()).as_bytes()[..8].to_vec(),
            i,
        )
    });
    let per = docs.len().div_ceil(batches.max(1)).max(1);
    let mut so_far: Vec<Document> = Vec::with_capacity(docs.len());
    let mut g = Grouping::default();
    let mut last_full = None;
    for chunk in order.chunks(per) {
        so_far.extend(chunk.iter().map(|&i| docs[i].clone()));
        let first = g.stories.is_empty();
        if first || (!extend_only && full_regroup_due(so_far.len(), true, last_full)) {
            g = group(&so_far, opts);
            last_full = Some(so_far.len());
            continue;
        }
        let prior: Vec<PriorStory> = g.stories.iter().map(PriorStory::of).collect();
        g = group_onto(&so_far, &prior, opts);
    }
    labels_of(&g, docs)
}

fn labels_of(g: &Grouping, docs: &[Document]) -> Vec<usize> {
    let mut of: HashMap<&str, usize> = HashMap::new();
    for (si, s) in g.stories.iter().enumerate() {
        for id in s.documents.iter().chain(s.duplicates.iter().flatten()) {
            of.insert(id.as_str(), si);
        }
    }
    docs.iter()
        .map(|d| of.get(d.id.as_str()).copied().unwrap_or(usize::MAX))
        .collect()
}

/// The storyline index of each document (in input order) after [`group`].
pub fn storyline_labels(docs: &[Document], opts: &Options) -> Vec<usize> {
    let g = group(docs, opts);
    let line: HashMap<&str, usize> = g
        .storylines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.stories.iter().map(move |s| (s.as_str(), i)))
        .collect();
    let mut of: HashMap<&str, usize> = HashMap::new();
    for s in &g.stories {
        let l = line.get(s.id.as_str()).copied().unwrap_or(usize::MAX);
        for id in s.documents.iter().chain(s.duplicates.iter().flatten()) {
            of.insert(id.as_str(), l);
        }
    }
    docs.iter()
        .map(|d| of.get(d.id.as_str()).copied().unwrap_or(usize::MAX))
        .collect()
}

/// Groups `docs` and scores the stories against `gold` with B-cubed.
pub fn score(docs: &[Document], gold: &[usize], opts: &Options) -> ClusteringScore {
    score_in_batches(docs, gold, 1, false, opts)
}

/// As [`score`], the documents arriving in `batches` batches (see
/// [`story_labels_in_batches`]); the speed covers every batch's grouping.
pub fn score_in_batches(
    docs: &[Document],
    gold: &[usize],
    batches: usize,
    extend_only: bool,
    opts: &Options,
) -> ClusteringScore {
    let t = Instant::now();
    let pred = if batches <= 1 {
        story_labels(docs, opts)
    } else {
        story_labels_in_batches(docs, batches, extend_only, opts)
    };
    let secs = t.elapsed().as_secs_f64().max(1e-9);
    let (precision, recall, f1) = bcubed(gold, &pred);
    let count = |v: &[usize]| {
        let mut x = v.to_vec();
        x.sort_unstable();
        x.dedup();
        x.len()
    };
    ClusteringScore {
        documents: docs.len(),
        gold_clusters: count(gold),
        predicted_clusters: count(&pred),
        precision,
        recall,
        f1,
        docs_per_second: docs.len() as f64 / secs,
    }
}

/// Reads Multi-News (`multinews-dev.jsonl`: one cluster per line, its
/// articles in `cleansed_document`) into documents with text only, and the
/// gold cluster of each. Empty articles are skipped. Ids are the cluster
/// line and article index, so nothing of the gold leaks into the text.
pub fn load_multinews(path: &Path) -> Result<(Vec<Document>, Vec<usize>), String> {
    let raw =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut docs = Vec::new();
    let mut gold = Vec::new();
    for (li, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: {e}", path.display(), li + 1))?;
        let arts = v
            .get("cleansed_document")
            .and_then(|a| a.as_array())
            .cloned()
            .unwrap_or_default();
        for (ai, a) in arts.iter().enumerate() {
            let text = a.as_str().unwrap_or("").trim();
            if text.is_empty() {
                continue;
            }
            // a hash id, so the sort by id inside `group` mixes clusters
            let id = blake3::hash(format!("{li}:{ai}").as_bytes()).to_hex()[..16].to_string();
            docs.push(Document {
                id,
                text: text.to_string(),
                ..Default::default()
            });
            gold.push(li);
        }
    }
    Ok((docs, gold))
}

/// Clusters Multi-News dev blind (all clusters' articles mixed) and scores
/// the stories against the clusters. For `dossier eval clustering`.
pub fn eval_multinews(path: &Path, opts: &Options) -> Result<ClusteringScore, String> {
    let (docs, gold) = load_multinews(path)?;
    Ok(score(&docs, &gold, opts))
}

/// Reads the news story chains of Gedikli, Stockem Novo & Jannach (2021):
/// 100 dated business energy articles from several outlets and every pair
/// of them hand-coded as one story or not. Documents carry their title,
/// text and publication date (the outlet and URL are left out, so nothing
/// of the gold leaks); the gold story of each is its connected component
/// under the first coder's "same story" pairs (the pairs are transitive
/// but for one).
pub fn load_story_chains(dir: &Path) -> Result<(Vec<Document>, Vec<usize>), String> {
    let texts = dir.join("gedikli-business_energy_news_dataset-2021-06-29-article_texts.csv");
    let pairs = dir.join("hand_coded/story_pairs-2021-06-29-coder1-gedikli.csv");
    let mut rd =
        csv::Reader::from_path(&texts).map_err(|e| format!("reading {}: {e}", texts.display()))?;
    let mut docs = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, rec) in rd.deserialize::<HashMap<String, String>>().enumerate() {
        let rec = rec.map_err(|e| format!("{}: record {}: {e}", texts.display(), i + 1))?;
        let field = |k: &str| rec.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
        let url = field("url");
        index.insert(url.clone(), docs.len());
        let date = field("date");
        docs.push(Document {
            id: blake3::hash(url.as_bytes()).to_hex()[..16].to_string(),
            title: Some(field("title")).filter(|t| !t.is_empty()),
            text: field("text"),
            published: date.get(..10).map(str::to_string),
            ..Default::default()
        });
    }
    let mut uf = UnionFind::new(docs.len());
    let raw =
        std::fs::read_to_string(&pairs).map_err(|e| format!("reading {}: {e}", pairs.display()))?;
    for (li, line) in raw.trim_start_matches('\u{feff}').lines().enumerate() {
        let f: Vec<&str> = line.trim().split(';').collect();
        if f.len() < 3 {
            continue;
        }
        let (Some(&a), Some(&b)) = (index.get(f[0]), index.get(f[1])) else {
            return Err(format!("{}:{}: unknown article", pairs.display(), li + 1));
        };
        if f[2] == "1" {
            uf.union(a, b);
        }
    }
    let gold = (0..docs.len()).map(|i| uf.find(i)).collect();
    Ok((docs, gold))
}

/// Documents with their sub-topic and topic labels.
pub type Labelled = (Vec<Document>, Vec<usize>, Vec<usize>);

/// Reads ECB+ (the `ECB+` folder of tokenized XML documents, one folder per
/// topic) into documents (tokens joined by spaces, one sentence a line),
/// with two gold labels each: the sub-topic (one real-world event: a
/// story) and the topic (two similar events: a loose upper level).
pub fn load_ecbplus(dir: &Path) -> Result<Labelled, String> {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let topics = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for t in topics.flatten() {
        if let Ok(rd) = std::fs::read_dir(t.path()) {
            files.extend(
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "xml")),
            );
        }
    }
    files.sort();
    let mut docs = Vec::new();
    let (mut sub, mut top) = (Vec::new(), Vec::new());
    let mut sub_ids: HashMap<String, usize> = HashMap::new();
    for f in files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let Some((topic, rest)) = name.split_once('_') else {
            continue;
        };
        let Ok(topic) = topic.parse::<usize>() else {
            continue;
        };
        let plus = rest.contains("ecbplus");
        let raw =
            std::fs::read_to_string(&f).map_err(|e| format!("reading {}: {e}", f.display()))?;
        let mut text = String::new();
        let mut last_sent = String::new();
        for piece in raw.split("<token ").skip(1) {
            let Some((attrs, after)) = piece.split_once('>') else {
                continue;
            };
            let Some((tok, _)) = after.split_once("</token>") else {
                continue;
            };
            let sent = attrs
                .split("sentence=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_string();
            if !text.is_empty() {
                text.push(if sent != last_sent { '\n' } else { ' ' });
            }
            last_sent = sent;
            text.push_str(
                &tok.replace("&amp;", "&")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            );
        }
        let key = format!("{topic}{}", if plus { "plus" } else { "" });
        let n = sub_ids.len();
        sub.push(*sub_ids.entry(key).or_insert(n));
        top.push(topic);
        docs.push(Document {
            id: name,
            text,
            ..Default::default()
        });
    }
    Ok((docs, sub, top))
}

/// B-cubed precision, recall and F1 of a predicted clustering against a
/// gold one (`gold[i]`, `pred[i]`: cluster labels of item i). For each item,
/// precision is the share of its predicted cluster that shares its gold
/// label, recall the share of its gold cluster that shares its predicted
/// label; both are averaged over items (Bagga & Baldwin 1998).
pub fn bcubed(gold: &[usize], pred: &[usize]) -> (f64, f64, f64) {
    let n = gold.len().min(pred.len());
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let mut both: HashMap<(usize, usize), usize> = HashMap::new();
    let mut g: HashMap<usize, usize> = HashMap::new();
    let mut p: HashMap<usize, usize> = HashMap::new();
    for i in 0..n {
        *both.entry((gold[i], pred[i])).or_default() += 1;
        *g.entry(gold[i]).or_default() += 1;
        *p.entry(pred[i]).or_default() += 1;
    }
    let (mut ps, mut rs) = (0.0, 0.0);
    for i in 0..n {
        let b = both[&(gold[i], pred[i])] as f64;
        ps += b / p[&pred[i]] as f64;
        rs += b / g[&gold[i]] as f64;
    }
    let (pp, rr) = (ps / n as f64, rs / n as f64);
    let f = if pp + rr > 0.0 {
        2.0 * pp * rr / (pp + rr)
    } else {
        0.0
    };
    (pp, rr, f)
}

/// Purity, inverse purity and their harmonic mean (Zhao & Karypis 2001):
/// purity credits each predicted cluster with its largest gold class,
/// inverse purity each gold class with its largest predicted cluster.
pub fn purity(gold: &[usize], pred: &[usize]) -> (f64, f64, f64) {
    let n = gold.len().min(pred.len());
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let mut both: HashMap<(usize, usize), usize> = HashMap::new();
    for i in 0..n {
        *both.entry((gold[i], pred[i])).or_default() += 1;
    }
    let mut best_p: HashMap<usize, usize> = HashMap::new();
    let mut best_g: HashMap<usize, usize> = HashMap::new();
    for (&(g, p), &c) in &both {
        let bp = best_p.entry(p).or_default();
        *bp = (*bp).max(c);
        let bg = best_g.entry(g).or_default();
        *bg = (*bg).max(c);
    }
    let pu = best_p.values().sum::<usize>() as f64 / n as f64;
    let inv = best_g.values().sum::<usize>() as f64 / n as f64;
    let f = if pu + inv > 0.0 {
        2.0 * pu * inv / (pu + inv)
    } else {
        0.0
    };
    (pu, inv, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purity_extremes() {
        assert_eq!(purity(&[0, 0, 1, 1], &[5, 5, 7, 7]), (1.0, 1.0, 1.0));
        // one cluster for all: pure as the largest class, inverse purity 1
        assert_eq!(
            purity(&[0, 0, 0, 1], &[3, 3, 3, 3]),
            (0.75, 1.0, 2.0 * 0.75 / 1.75)
        );
        // singletons: purity 1, inverse purity = largest share per class
        assert_eq!(purity(&[0, 0, 1, 1], &[0, 1, 2, 3]).0, 1.0);
        assert_eq!(purity(&[0, 0, 1, 1], &[0, 1, 2, 3]).1, 0.5);
    }

    #[test]
    fn bcubed_extremes() {
        assert_eq!(bcubed(&[0, 0, 1, 1], &[5, 5, 7, 7]), (1.0, 1.0, 1.0));
        let (p, r, _) = bcubed(&[0, 0, 1, 1], &[0, 0, 0, 0]);
        assert_eq!((p, r), (0.5, 1.0));
        let (p, r, _) = bcubed(&[0, 0, 1, 1], &[0, 1, 2, 3]);
        assert_eq!((p, r), (1.0, 0.5));
    }

    /// Loads a story-chains folder made of `texts` (the article CSV) and
    /// `pairs` (the first coder's pair file), then removes it.
    fn load_chains(
        name: &str,
        texts: &str,
        pairs: &str,
    ) -> Result<(Vec<Document>, Vec<usize>), String> {
        let dir = std::env::temp_dir().join(format!("dossier-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("hand_coded")).unwrap();
        std::fs::write(
            dir.join("gedikli-business_energy_news_dataset-2021-06-29-article_texts.csv"),
            texts,
        )
        .unwrap();
        std::fs::write(
            dir.join("hand_coded/story_pairs-2021-06-29-coder1-gedikli.csv"),
            pairs,
        )
        .unwrap();
        let out = load_story_chains(&dir);
        std::fs::remove_dir_all(&dir).ok();
        out
    }

    #[test]
    fn story_chains_gold_is_the_components_of_same_story_pairs() {
        let (docs, gold) = load_chains(
            "chains",
            "\"url\",\"title\",\"date\",\"text\"\n\
             \"u1\",\"Wind farm\",\"2021-06-01 00:00:00\",\"A \"\"quoted\"\" text,\nover two lines.\"\n\
             \"u2\",\"Wind farm grows\",\"2021-06-03 00:00:00\",\"More.\"\n\
             \"u3\",\"\",\"\",\"Other.\"\n\
             \"u4\",\"Solar\",\"2021-06-09 00:00:00\",\"Sun.\"\n",
            "\u{feff}u1;u2;1\nu1;u3;0\nu2;u3;0\nu3;u4;1\nu1;u4;0\nu2;u4;0\n",
        )
        .unwrap();
        assert_eq!(docs.len(), 4);
        assert_eq!(docs[0].text, "A \"quoted\" text,\nover two lines.");
        assert_eq!(docs[0].published.as_deref(), Some("2021-06-01"));
        assert_eq!(docs[2].title, None);
        assert_eq!(docs[2].published, None);
        assert!(!docs[0].id.contains('u'), "the URL is not the id");
        assert_eq!(gold[0], gold[1]);
        assert_eq!(gold[2], gold[3]);
        assert_ne!(gold[0], gold[2]);
    }

    #[test]
    fn story_chains_refuse_a_pair_naming_an_unknown_article() {
        let err = load_chains(
            "chains-bad",
            "url,title,date,text\nu1,T,2021-06-01,Text.\n",
            "u1;u9;1\n",
        )
        .unwrap_err();
        assert!(err.contains("unknown article"), "{err}");
    }
}
