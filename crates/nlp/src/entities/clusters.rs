//! Word clusters from unlabeled news text, used as tagger features.
//!
//! A fast stand-in for Brown clustering: each word is described by the
//! words seen just left and just right of it (Hellinger-weighted counts
//! over the most frequent context words, randomly projected to a dense
//! vector), and the vectors are split top-down by spherical k-means into
//! `BRANCH` groups, each group again into `BRANCH`, for `LEVELS` levels.
//! A word's cluster path ("3/12/7") plays the part of a Brown bit-string:
//! its prefixes are features at three granularities (16, 256 and 4,096
//! groups), so a name never seen in the labeled data still shares features
//! with names used the same way.
//!
//! File layout (text, one word a line): `path<TAB>word<TAB>count`, path as
//! `a/b/c` with each level numbered within its parent.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::tagger::NerError;

/// Levels of the cluster tree.
pub const LEVELS: usize = 3;
/// Children of each tree node.
pub const BRANCH: usize = 16;

/// Word -> cluster path. Path values are global per level: level `l`
/// holds `1 + id` where id runs over `BRANCH^(l+1)` nodes, 0 = unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clusters {
    map: HashMap<String, [u16; LEVELS]>,
}

/// How a word is looked up: digits folded to `0`, curly apostrophes plain.
pub(crate) fn cluster_key(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '’' | '‘' | 'ʼ' | '`' => s.push('\''),
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => s.push('-'),
            c if c.is_ascii_digit() => s.push('0'),
            c => s.push(c),
        }
    }
    s
}

fn title_case(lower: &str) -> String {
    let mut cs = lower.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

impl Clusters {
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The cluster path of a word. Case matters ("Apple" and "apple" are
    /// used differently), but a word in capitals ("GAZA") or unknown in its
    /// case falls back to its title-case and lower-case forms.
    ///
    /// Called for every word the taggers see, so it allocates only when a
    /// form differs from the one already tried: a plain ASCII word is its
    /// own key, and a title-case word is not looked up twice.
    pub fn get(&self, word: &str) -> Option<[u16; LEVELS]> {
        if self.map.is_empty() {
            return None;
        }
        let plain = word
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_digit() && b != b'`');
        let k: std::borrow::Cow<str> = if plain {
            std::borrow::Cow::Borrowed(word)
        } else {
            std::borrow::Cow::Owned(cluster_key(word))
        };
        if let Some(p) = self.map.get(k.as_ref()) {
            return Some(*p);
        }
        let lower = k.to_lowercase();
        let title = title_case(&lower);
        if title != k.as_ref() {
            if let Some(p) = self.map.get(&title) {
                return Some(*p);
            }
        }
        if lower != k.as_ref() {
            self.map.get(&lower).copied()
        } else {
            None
        }
    }

    /// Entries sorted by word (deterministic files).
    fn sorted(&self) -> Vec<(&String, &[u16; LEVELS])> {
        let mut v: Vec<_> = self.map.iter().collect();
        v.sort();
        v
    }

    /// Append the binary form: `u32` count, then per word a `u8` length,
    /// its bytes and `LEVELS` `u16` values.
    pub(crate) fn write_bytes(&self, out: &mut Vec<u8>) {
        let entries: Vec<_> = self
            .sorted()
            .into_iter()
            .filter(|(w, _)| w.len() <= 255)
            .collect();
        out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (w, p) in entries {
            out.push(w.len() as u8);
            out.extend_from_slice(w.as_bytes());
            for v in p {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
    }

    /// Read what `write_bytes` wrote; returns the clusters and the bytes used.
    pub(crate) fn read_bytes(b: &[u8]) -> Result<(Clusters, usize), NerError> {
        let bad = || NerError::Model("truncated cluster table".into());
        let n = u32::from_le_bytes(b.get(0..4).ok_or_else(bad)?.try_into().map_err(|_| bad())?)
            as usize;
        let mut i = 4;
        let mut map = HashMap::with_capacity(n);
        for _ in 0..n {
            let len = *b.get(i).ok_or_else(bad)? as usize;
            let w = std::str::from_utf8(b.get(i + 1..i + 1 + len).ok_or_else(bad)?)
                .map_err(|_| NerError::Model("cluster word is not UTF-8".into()))?;
            i += 1 + len;
            let mut p = [0u16; LEVELS];
            for v in p.iter_mut() {
                let x = b.get(i..i + 2).ok_or_else(bad)?;
                *v = u16::from_le_bytes([x[0], x[1]]);
                i += 2;
            }
            map.insert(w.to_string(), p);
        }
        Ok((Clusters { map }, i))
    }

    /// Write the text layout (`a/b/c<TAB>word<TAB>count`); `counts` gives
    /// the corpus frequency of each word (0 when unknown).
    pub fn save_tsv(&self, path: &Path, counts: &HashMap<String, u64>) -> Result<(), NerError> {
        let mut out = String::new();
        let mut rows: Vec<_> = self.sorted();
        rows.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
        for (w, p) in rows {
            let local: Vec<String> = (0..LEVELS)
                .map(|l| ((p[l] - 1) as usize % BRANCH).to_string())
                .collect();
            out += &format!(
                "{}\t{}\t{}\n",
                local.join("/"),
                w,
                counts.get(w.as_str()).copied().unwrap_or(0)
            );
        }
        std::fs::write(path, out).map_err(|e| NerError::Io {
            path: path.display().to_string(),
            source: e,
        })
    }

    /// Read the text layout.
    pub fn load_tsv(path: &Path) -> Result<Clusters, NerError> {
        let text = std::fs::read_to_string(path).map_err(|e| NerError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        let mut map = HashMap::new();
        for (no, line) in text.lines().enumerate() {
            let mut cols = line.split('\t');
            let (Some(p), Some(w)) = (cols.next(), cols.next()) else {
                continue;
            };
            let parts: Vec<usize> = p.split('/').filter_map(|x| x.parse().ok()).collect();
            if parts.len() != LEVELS || parts.iter().any(|&x| x >= BRANCH) {
                return Err(NerError::Data {
                    path: path.display().to_string(),
                    line: no + 1,
                    msg: format!("bad cluster path {p:?}"),
                });
            }
            let mut node = 0usize;
            let mut v = [0u16; LEVELS];
            for l in 0..LEVELS {
                node = node * BRANCH + parts[l];
                v[l] = (node + 1) as u16;
            }
            map.insert(w.to_string(), v);
        }
        Ok(Clusters { map })
    }
}

// ---------------------------------------------------------------- building

/// Split raw or already tokenized text into CoNLL-like tokens: whitespace,
/// then punctuation at either end of a word, then possessive `'s`.
pub fn tokenize(text: &str, out: &mut Vec<String>) {
    for raw in text.split_whitespace() {
        let mut w = raw;
        let mut tail: Vec<&str> = Vec::new();
        while let Some(c) = w.chars().next() {
            if c.is_alphanumeric() {
                break;
            }
            out.push(w[..c.len_utf8()].to_string());
            w = &w[c.len_utf8()..];
        }
        while let Some(c) = w.chars().next_back() {
            // Keep the period of "U.S." and "Mr.": a word with an inner period or a short capitalized one.
            if c.is_alphanumeric()
                || (c == '.'
                    && (w[..w.len() - 1].contains('.')
                        || (w.len() <= 4 && w.starts_with(char::is_uppercase))))
            {
                break;
            }
            tail.push(&w[w.len() - c.len_utf8()..]);
            w = &w[..w.len() - c.len_utf8()];
        }
        if !w.is_empty() {
            let cut = ["'s", "’s"]
                .iter()
                .find(|s| w.len() > s.len() && w.ends_with(*s))
                .map(|s| w.len() - s.len());
            match cut {
                Some(c) => {
                    out.push(w[..c].to_string());
                    out.push(w[c..].to_string());
                }
                None => out.push(w.to_string()),
            }
        }
        out.extend(tail.into_iter().rev().map(str::to_string));
    }
}

/// Texts of the files under `paths`: `.jsonl` files give the `text` field of
/// each record (Timeline17 articles), other files their whole content.
pub fn corpus_texts(paths: &[PathBuf]) -> Result<Vec<String>, NerError> {
    let mut files = Vec::new();
    for p in paths {
        collect_files(p, &mut files)?;
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let io = |e| NerError::Io {
            path: f.display().to_string(),
            source: e,
        };
        if f.extension().is_some_and(|e| e == "jsonl") {
            let file = std::fs::File::open(&f).map_err(io)?;
            for line in BufReader::new(file).lines() {
                let line = line.map_err(io)?;
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                    if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                        out.push(t.to_string());
                    }
                }
            }
        } else if let Ok(t) = std::fs::read_to_string(&f) {
            out.push(t);
        }
    }
    Ok(out)
}

fn collect_files(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), NerError> {
    if p.is_dir() {
        let rd = std::fs::read_dir(p).map_err(|e| NerError::Io {
            path: p.display().to_string(),
            source: e,
        })?;
        for e in rd.flatten() {
            collect_files(&e.path(), out)?;
        }
    } else if p.is_file() {
        out.push(p.to_path_buf());
    }
    Ok(())
}

/// Settings of [`build`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Words seen fewer times are not clustered.
    pub min_count: u64,
    /// At most this many words (the most frequent) are clustered.
    pub max_words: usize,
    /// Context words: the most frequent this many.
    pub contexts: usize,
    /// Dimension of the projected vectors.
    pub dim: usize,
    /// k-means passes per split.
    pub iterations: usize,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            min_count: 3,
            max_words: 80_000,
            contexts: 1000,
            dim: 128,
            iterations: 12,
        }
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Roughly normal: sum of uniforms, centred.
    fn gauss(&mut self) -> f32 {
        (0..4)
            .map(|_| (self.next() >> 40) as f32 / (1u64 << 24) as f32)
            .sum::<f32>()
            - 2.0
    }
}

/// Cluster the words of `texts`. Returns the clusters and the word counts.
/// Deterministic for the same texts in the same order.
pub fn build(texts: &[String], opt: &BuildOptions) -> (Clusters, HashMap<String, u64>) {
    // Token ids over the corpus, sentences not distinguished (a text
    // boundary is a context of its own).
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counts: Vec<u64> = Vec::new();
    let mut seq: Vec<u32> = Vec::new();
    const EDGE: u32 = u32::MAX;
    let mut toks = Vec::new();
    for t in texts {
        toks.clear();
        tokenize(t, &mut toks);
        seq.push(EDGE);
        for w in &toks {
            let k = cluster_key(w);
            let next = ids.len() as u32;
            let id = *ids.entry(k).or_insert(next);
            if id == next {
                counts.push(0);
            }
            counts[id as usize] += 1;
            seq.push(id);
        }
    }
    seq.push(EDGE);
    let mut words: Vec<(&String, u32)> = ids.iter().map(|(w, &i)| (w, i)).collect();
    words.sort_by(|a, b| {
        counts[b.1 as usize]
            .cmp(&counts[a.1 as usize])
            .then(a.0.cmp(b.0))
    });
    // Context slots: the most frequent words, plus one for a text edge.
    let mut ctx_of = vec![u32::MAX; counts.len()];
    for (slot, (_, id)) in words.iter().take(opt.contexts).enumerate() {
        ctx_of[*id as usize] = slot as u32;
    }
    let edge_slot = opt.contexts.min(words.len()) as u32;
    let n_ctx = edge_slot as usize + 1;
    let kept: Vec<(&String, u32)> = words
        .iter()
        .copied()
        .filter(|(_, id)| counts[*id as usize] >= opt.min_count)
        .take(opt.max_words)
        .collect();
    let mut row_of = vec![u32::MAX; counts.len()];
    for (r, (_, id)) in kept.iter().enumerate() {
        row_of[*id as usize] = r as u32;
    }
    // Left and right context counts per kept word.
    let mut cooc: Vec<HashMap<u32, u32>> = vec![HashMap::new(); kept.len()];
    let slot = |id: u32| {
        if id == EDGE {
            Some(edge_slot)
        } else {
            Some(ctx_of[id as usize]).filter(|&s| s != u32::MAX)
        }
    };
    // Positions -2, -1, +1, +2, each its own block of context slots; a
    // text edge stops the window.
    for i in 1..seq.len().saturating_sub(1) {
        let id = seq[i];
        if id == EDGE || row_of[id as usize] == u32::MAX {
            continue;
        }
        let r = row_of[id as usize] as usize;
        for (block, j) in [
            (0u32, i as isize - 2),
            (1, i as isize - 1),
            (2, i as isize + 1),
            (3, i as isize + 2),
        ] {
            if j < 0 || j as usize >= seq.len() {
                continue;
            }
            // Stop at an edge between the word and a ±2 neighbour.
            if (block == 0 && seq[i - 1] == EDGE) || (block == 3 && seq[i + 1] == EDGE) {
                continue;
            }
            if let Some(s) = slot(seq[j as usize]) {
                *cooc[r].entry(block * n_ctx as u32 + s).or_default() += 1;
            }
        }
    }
    // Hellinger weights, random projection, unit length.
    let d = opt.dim;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let proj: Vec<f32> = (0..4 * n_ctx * d).map(|_| rng.gauss()).collect();
    let mut vecs = vec![0f32; kept.len() * d];
    for (r, m) in cooc.iter().enumerate() {
        let total: u32 = m.values().sum();
        if total == 0 {
            continue;
        }
        let v = &mut vecs[r * d..(r + 1) * d];
        let mut entries: Vec<(&u32, &u32)> = m.iter().collect();
        entries.sort();
        for (&c, &n) in entries {
            let w = (n as f32 / total as f32).sqrt();
            let p = &proj[c as usize * d..(c as usize + 1) * d];
            for k in 0..d {
                v[k] += w * p[k];
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
        v.iter_mut().for_each(|x| *x /= norm);
    }
    let paths = tree(&vecs, d, kept.len(), opt.iterations, &mut rng);
    let map = kept
        .iter()
        .enumerate()
        .map(|(r, (w, _))| ((*w).clone(), paths[r]))
        .collect();
    let counts = kept
        .iter()
        .map(|(w, id)| ((*w).clone(), counts[*id as usize]))
        .collect();
    (Clusters { map }, counts)
}

/// The input embeddings of a WordPiece model (a BERT-style `vocab.txt`
/// and the `*word_embeddings.weight` matrix of its `model.safetensors`):
/// static word vectors learned from far more text than the project holds,
/// which `from_embeddings` clusters. Uncased vocabularies only: words are
/// looked up in lower case.
pub struct WordPieceEmbeddings {
    /// The vocabulary; a piece's row in `data` is its line number.
    vocab: Vec<String>,
    dim: usize,
    data: Vec<f32>,
}

impl WordPieceEmbeddings {
    /// Read `dir/vocab.txt` and `dir/model.safetensors`.
    pub fn load(dir: &Path) -> Result<Self, NerError> {
        let io = |p: &Path| {
            let path = p.display().to_string();
            move |e| NerError::Io { path, source: e }
        };
        let vp = dir.join("vocab.txt");
        let vocab: Vec<String> = std::fs::read_to_string(&vp)
            .map_err(io(&vp))?
            .lines()
            .map(str::to_string)
            .collect();
        let mp = dir.join("model.safetensors");
        let bytes = std::fs::read(&mp).map_err(io(&mp))?;
        let st = safetensors::SafeTensors::deserialize(&bytes)
            .map_err(|e| NerError::Model(format!("{}: {e}", mp.display())))?;
        let name = st
            .names()
            .into_iter()
            .find(|n| n.ends_with("word_embeddings.weight"))
            .ok_or_else(|| {
                NerError::Model(format!(
                    "{}: no word_embeddings.weight tensor",
                    mp.display()
                ))
            })?
            .to_string();
        let t = st
            .tensor(&name)
            .map_err(|e| NerError::Model(format!("{}: {e}", mp.display())))?;
        let shape = t.shape().to_vec();
        if t.dtype() != safetensors::Dtype::F32 || shape.len() != 2 || shape[0] != vocab.len() {
            return Err(NerError::Model(format!(
                "{}: {name} is {:?} {:?}, expected F32 [{}, dim]",
                mp.display(),
                t.dtype(),
                shape,
                vocab.len()
            )));
        }
        let data: Vec<f32> = t
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Ok(WordPieceEmbeddings {
            vocab,
            dim: shape[1],
            data,
        })
    }
}

/// Cluster the whole words of a WordPiece vocabulary (two letters or more)
/// by their input embeddings, centred on their mean and made unit length,
/// with the same top-down spherical k-means as [`build`]. Words the
/// vocabulary only has as pieces get no cluster: a mean of piece vectors
/// follows the pieces, not the word ("bi" + "##den" lands with "deepen").
///
/// The vocabulary is uncased, so a word with a common sense and a name
/// sense has one vector, mostly the common one's ("trump", "bush"). `texts`
/// (unlabeled news) tell which sense news uses: a word written capitalized
/// inside sentences at least half the time (more often a name than not in
/// news: "Trump" against "to trump"), in a leaf cluster where fewer than a
/// third of the words whose case is known are, is left out; so is a word
/// capitalized less than one time in ten in a leaf where more than two
/// thirds are names. Words are keyed in lower case
/// (the lookup falls back to it). Returns the clusters and the count of
/// each word in `texts`.
pub fn from_embeddings(
    emb: &WordPieceEmbeddings,
    texts: &[String],
    opt: &BuildOptions,
) -> (Clusters, HashMap<String, u64>) {
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut toks = Vec::new();
    for t in texts {
        toks.clear();
        tokenize(t, &mut toks);
        for w in &toks {
            *counts.entry(w.to_lowercase()).or_default() += 1;
        }
    }
    let casing = super::casing::Casing::build(texts);
    // (row, word), in word order: the clustering is seeded in this order.
    let mut rows: Vec<(usize, &String)> = emb
        .vocab
        .iter()
        .enumerate()
        .filter(|(_, w)| w.chars().count() >= 2 && w.chars().all(char::is_alphabetic))
        .collect();
    rows.sort_by(|a, b| a.1.cmp(b.1));
    let d = emb.dim;
    let n = rows.len();
    if n == 0 {
        return (Clusters::default(), HashMap::new());
    }
    let mut vecs: Vec<f32> = Vec::with_capacity(n * d);
    for (id, _) in &rows {
        vecs.extend_from_slice(&emb.data[id * d..(id + 1) * d]);
    }
    let words: Vec<&String> = rows.into_iter().map(|(_, w)| w).collect();
    let mut mean = vec![0f32; d];
    for r in vecs.chunks_exact(d) {
        mean.iter_mut().zip(r).for_each(|(m, x)| *m += x / n as f32);
    }
    for r in vecs.chunks_exact_mut(d) {
        r.iter_mut().zip(&mean).for_each(|(x, m)| *x -= m);
        let norm = r.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
        r.iter_mut().for_each(|x| *x /= norm);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let paths = tree(&vecs, d, n, opt.iterations, &mut rng);
    // Case of each word in news: Some(true) mostly a name, Some(false) a
    // common word, None unknown or in between.
    let name_like: Vec<Option<bool>> = words
        .iter()
        .map(|w| match casing.get(super::tagger::casing_key(w)) {
            Some(b) if b >= super::casing::bucket_of(0.5) => Some(true),
            Some(b) if b <= super::casing::bucket_of(0.09) => Some(false),
            _ => None,
        })
        .collect();
    let keep = fits_its_cluster(&paths, &name_like);
    let mut map = HashMap::new();
    let mut out_counts = HashMap::new();
    for ((w, p), k) in words.into_iter().zip(paths).zip(keep) {
        if k {
            out_counts.insert(w.clone(), counts.get(w).copied().unwrap_or(0));
            map.insert(w.clone(), p);
        }
    }
    (Clusters { map }, out_counts)
}

/// For each word, false when its case in news contradicts its leaf
/// cluster: a name (`Some(true)`) in a leaf where fewer than a third of the
/// words of known case are names, or a common word (`Some(false)`) where
/// more than two thirds are.
fn fits_its_cluster(paths: &[[u16; LEVELS]], name_like: &[Option<bool>]) -> Vec<bool> {
    let mut leaf: HashMap<u16, (u32, u32)> = HashMap::new();
    for (p, c) in paths.iter().zip(name_like) {
        let e = leaf.entry(p[LEVELS - 1]).or_default();
        match c {
            Some(true) => e.0 += 1,
            Some(false) => e.1 += 1,
            None => {}
        }
    }
    paths
        .iter()
        .zip(name_like)
        .map(|(p, c)| {
            let (names, common) = leaf[&p[LEVELS - 1]];
            let share = names as f64 / (names + common).max(1) as f64;
            match c {
                Some(true) => share >= 1.0 / 3.0,
                Some(false) => share <= 2.0 / 3.0,
                None => true,
            }
        })
        .collect()
}

/// Top-down spherical k-means of `n` unit rows of `vecs` (`d` each):
/// `BRANCH` groups, each split again, for `LEVELS` levels; each row's path.
fn tree(vecs: &[f32], d: usize, n: usize, iterations: usize, rng: &mut Rng) -> Vec<[u16; LEVELS]> {
    let mut paths = vec![[0u16; LEVELS]; n];
    let mut groups: Vec<(usize, Vec<usize>)> = vec![(0, (0..n).collect())];
    for level in 0..LEVELS {
        let mut next = Vec::new();
        for (node, members) in groups {
            let assign = kmeans(&vecs, d, &members, BRANCH, iterations, rng);
            let mut children: Vec<Vec<usize>> = vec![Vec::new(); BRANCH];
            for (i, &m) in members.iter().enumerate() {
                children[assign[i]].push(m);
            }
            for (c, ms) in children.into_iter().enumerate() {
                let child = node * BRANCH + c;
                for &m in &ms {
                    paths[m][level] = (child + 1) as u16;
                }
                if !ms.is_empty() {
                    next.push((child, ms));
                }
            }
        }
        groups = next;
    }
    paths
}

/// Spherical k-means of the rows `members` into `k` groups; returns each
/// member's group. Seeds are spread-out members (farthest-first).
fn kmeans(
    vecs: &[f32],
    d: usize,
    members: &[usize],
    k: usize,
    iters: usize,
    rng: &mut Rng,
) -> Vec<usize> {
    let n = members.len();
    if n <= k {
        return (0..n).collect();
    }
    let row = |m: usize| &vecs[m * d..(m + 1) * d];
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    // k-means++ seeding over a sample: each next seed drawn with
    // probability proportional to its squared distance from the seeds so far.
    let sample: Vec<usize> = if n > 4000 {
        (0..4000)
            .map(|_| members[(rng.next() % n as u64) as usize])
            .collect()
    } else {
        members.to_vec()
    };
    let mut cents: Vec<f32> = Vec::with_capacity(k * d);
    cents.extend_from_slice(row(sample[(rng.next() % sample.len() as u64) as usize]));
    let mut dist = vec![f32::INFINITY; sample.len()];
    for c in 1..k {
        let last = cents[(c - 1) * d..c * d].to_vec();
        for (i, &m) in sample.iter().enumerate() {
            // Squared distance of unit vectors: 2 - 2 cos.
            dist[i] = dist[i].min((2.0 - 2.0 * dot(row(m), &last)).max(0.0));
        }
        let total: f32 = dist.iter().sum();
        let mut pick = sample[c % sample.len()];
        if total > 0.0 {
            let mut x = (rng.next() >> 11) as f32 / (1u64 << 53) as f32 * total;
            for (i, &dd) in dist.iter().enumerate() {
                x -= dd;
                if x <= 0.0 {
                    pick = sample[i];
                    break;
                }
            }
        }
        cents.extend_from_slice(row(pick));
    }
    let mut assign = vec![0usize; n];
    for _ in 0..iters {
        let mut changed = false;
        for (i, &m) in members.iter().enumerate() {
            let v = row(m);
            let mut b = (f32::NEG_INFINITY, 0);
            for c in 0..k {
                let s = dot(v, &cents[c * d..(c + 1) * d]);
                if s > b.0 {
                    b = (s, c);
                }
            }
            if assign[i] != b.1 {
                changed = true;
                assign[i] = b.1;
            }
        }
        let mut sums = vec![0f32; k * d];
        for (i, &m) in members.iter().enumerate() {
            let c = assign[i];
            for (s, x) in sums[c * d..(c + 1) * d].iter_mut().zip(row(m)) {
                *s += x;
            }
        }
        for c in 0..k {
            let s = &mut sums[c * d..(c + 1) * d];
            let norm = s.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                s.iter_mut().for_each(|x| *x /= norm);
                cents[c * d..(c + 1) * d].copy_from_slice(s);
            }
        }
        if !changed {
            break;
        }
    }
    assign
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_tries_the_word_then_title_then_lower_case() {
        let mut map = HashMap::new();
        map.insert("gaza".to_string(), [1, 17, 273]);
        map.insert("Apple".to_string(), [2, 33, 529]);
        map.insert("apple".to_string(), [3, 49, 785]);
        map.insert("0000s".to_string(), [4, 65, 1041]);
        map.insert("Sa'ar".to_string(), [5, 81, 1297]);
        let c = Clusters { map };
        for w in ["gaza", "Gaza", "GAZA"] {
            assert_eq!(c.get(w), Some([1, 17, 273]), "{w}");
        }
        assert_eq!(c.get("Apple"), Some([2, 33, 529]));
        assert_eq!(c.get("APPLE"), Some([2, 33, 529]));
        assert_eq!(c.get("apple"), Some([3, 49, 785]));
        assert_eq!(c.get("1990s"), Some([4, 65, 1041]));
        assert_eq!(c.get("Sa’ar"), Some([5, 81, 1297]));
        assert_eq!(c.get("SA`AR"), Some([5, 81, 1297]));
        // A lower-case word not in the table takes its title-case entry.
        assert_eq!(c.get("sa'ar"), Some([5, 81, 1297]));
        assert_eq!(c.get("Witkoff"), None);
    }

    #[test]
    fn a_name_in_a_cluster_of_common_words_is_left_out() {
        // Leaf 1: three common words, one of unknown case and "trump",
        // written as a name in news.
        // Leaf 2: two names, two words of unknown case and "turkey", a
        // common word there (the bird), kept: two thirds of the words of
        // known case are names, not more. Leaf 3: a name alone.
        let paths: Vec<[u16; LEVELS]> = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]
            .iter()
            .map(|&l| [1, 1, l])
            .collect();
        let t = Some(true);
        let f = Some(false);
        let case = [f, f, f, None, t, t, t, None, None, f, t];
        let keep = fits_its_cluster(&paths, &case);
        assert_eq!(
            keep,
            [true, true, true, true, false, true, true, true, true, true, true]
        );
        // With one more name, leaf 2 is three quarters names: the common
        // word goes.
        let mut case2 = case;
        case2[8] = t;
        assert!(!fits_its_cluster(&paths, &case2)[9]);
    }

    #[test]
    fn tokenizer_splits_punctuation_and_possessives() {
        let mut v = Vec::new();
        tokenize(
            "“Hamas’s plan,” said Mr. Smith of the U.S. (Reuters).",
            &mut v,
        );
        assert_eq!(
            v,
            [
                "“", "Hamas", "’s", "plan", ",", "”", "said", "Mr.", "Smith", "of", "the", "U.S.",
                "(", "Reuters", ")", "."
            ]
        );
    }

    #[test]
    fn words_used_alike_share_clusters_and_files_round_trip() {
        // Cities after "in", people before "said": two distinct usages.
        let mut texts = Vec::new();
        let cities = ["Paris", "Rome", "Oslo", "Lima", "Cairo", "Doha"];
        let people = ["Smith", "Jones", "Brown", "Green", "White", "Black"];
        for i in 0..60 {
            let c = cities[i % 6];
            let p = people[(i * 5) % 6];
            texts.push(format!(
                "The talks in {c} ended today . {p} said the talks went well ."
            ));
        }
        let opt = BuildOptions {
            min_count: 2,
            contexts: 50,
            dim: 32,
            iterations: 10,
            ..Default::default()
        };
        let (cl, counts) = build(&texts, &opt);
        let top = |w: &str| cl.get(w).unwrap()[0];
        assert!(cities.iter().all(|c| top(c) == top("Paris")), "{cl:?}");
        assert!(people.iter().all(|p| top(p) == top("Smith")));
        assert_ne!(top("Paris"), top("Smith"));
        // Capitals fall back to the title-case form.
        assert_eq!(cl.get("PARIS"), cl.get("Paris"));
        let dir = std::env::temp_dir().join(format!("dossier-clusters-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("c.tsv");
        cl.save_tsv(&p, &counts).unwrap();
        assert_eq!(Clusters::load_tsv(&p).unwrap(), cl);
        let mut b = Vec::new();
        cl.write_bytes(&mut b);
        assert_eq!(Clusters::read_bytes(&b).unwrap().0, cl);
        assert!(Clusters::read_bytes(&b[..b.len() - 1]).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
