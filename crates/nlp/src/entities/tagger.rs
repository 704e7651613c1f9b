//! A greedy averaged-perceptron sequence tagger for named entities (BIO
//! tags over PER, ORG, LOC, MISC), trained on CoNLL-2003 style files.
//!
//! Features are hashed to 64-bit keys (no strings are kept in the model),
//! so tagging a token costs a few dozen hash-map look-ups. Decoding is
//! greedy, left to right, with the two previous predicted tags as features
//! and the BIO constraint (an `I-X` only after `B-X` or `I-X`) enforced.
//!
//! Model file layout (little endian): magic `DNER`, format version `u32`,
//! tag count `u32`, feature count `u32`, a scale `f32`, then for each
//! feature its `u64` key followed by one `i16` weight per tag (weights are
//! stored quantized: value = i16 * scale), then the word cluster table and
//! the casing lexicon and the gazetteer the features were built with (see
//! [`super::clusters`], [`super::casing`] and [`super::gazetteer`]; any may
//! be empty), so one file holds everything the tagger needs. Versions 4
//! and 5 build keys by combining per-word hashes; version 4 has no
//! gazetteer.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::time::Instant;

use super::casing::Casing;
use super::clusters::{Clusters, LEVELS};
use super::gazetteer::PlaceNames;
use crate::featkey::{fnv, hash_bytes, k1, k2, k3, mix, start, KeyMap, FNV_OFFSET};
use crate::viterbi::{mistakes, Lattice};

/// Entity classes of the tag set, in tag order.
pub const CLASSES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];
/// Number of BIO tags: `O`, then `B-X`, `I-X` for each class.
pub const N_TAGS: usize = 1 + 2 * CLASSES.len();

const MAGIC: &[u8; 4] = b"DNER";
/// Version 4: feature keys combine per-word hashes (versions 1 and 2 hashed
/// each template's strings whole; their keys mean nothing to this code),
/// and the casing lexicon follows the cluster table (version 3 had none).
/// Version 5: the gazetteer follows the casing lexicon; version 4 files
/// (no gazetteer) are still read. Version 6: one last byte says how to
/// decode (0 word by word, 1 Viterbi); versions 4 and 5 decode word by word.
const FORMAT_VERSION: u32 = 6;

/// A BIO tag: 0 is `O`; `1 + 2k` is `B-CLASSES[k]`, `2 + 2k` is `I-CLASSES[k]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u8);

impl Tag {
    pub const O: Tag = Tag(0);
    /// The class index (into [`CLASSES`]) of a `B-` or `I-` tag.
    pub fn class(self) -> Option<usize> {
        (self.0 > 0).then(|| (self.0 as usize - 1) / 2)
    }
    pub fn is_begin(self) -> bool {
        self.0 > 0 && self.0 % 2 == 1
    }
    pub fn is_inside(self) -> bool {
        self.0 > 0 && self.0 % 2 == 0
    }
    pub fn begin(class: usize) -> Tag {
        Tag(1 + 2 * class as u8)
    }
    pub fn inside(class: usize) -> Tag {
        Tag(2 + 2 * class as u8)
    }
    /// Parse `O`, `B-PER`, `I-ORG`, ... (also `PERSON`, `LOCATION` spellings).
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (prefix, class) = s.split_once('-')?;
        let class = match class {
            "PER" | "PERSON" => 0,
            "ORG" | "ORGANIZATION" => 1,
            "LOC" | "LOCATION" | "GPE" => 2,
            "MISC" => 3,
            _ => return None,
        };
        match prefix {
            "B" | "S" => Some(Tag::begin(class)),
            "I" | "E" => Some(Tag::inside(class)),
            _ => None,
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.class() {
            None => f.write_str("O"),
            Some(c) => write!(
                f,
                "{}-{}",
                if self.is_begin() { "B" } else { "I" },
                CLASSES[c]
            ),
        }
    }
}

/// Whether `tag` may follow `prev` under BIO.
fn allowed(prev: Tag, tag: Tag) -> bool {
    !tag.is_inside() || prev.class() == tag.class()
}

/// Errors from reading data or model files.
#[derive(Debug, thiserror::Error)]
pub enum NerError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: line {line}: {msg}")]
    Data {
        path: String,
        line: usize,
        msg: String,
    },
    #[error("bad model file: {0}")]
    Model(String),
}

/// Feature key -> its row in the training index.
type RowMap = KeyMap<u32>;
/// Feature key -> its quantized weight per tag (value = i16 x scale), in
/// one entry: a look-up touches one place in memory, and the table is small
/// enough to stay mostly in cache.
type WeightMap = KeyMap<[i16; N_TAGS]>;

// ---------------------------------------------------------------- features

fn h1(t: u8, a: &str) -> u64 {
    k1(t, fnv(a))
}

/// The key of a word in the casing lexicon: the hash of its normalized
/// form, as the tagger computes it for every token.
pub(super) fn casing_key(word: &str) -> u64 {
    fnv(&norm(word))
}

/// The word as features see it: lower case, curly apostrophes and
/// non-ASCII hyphens made plain, digits folded to `0`.
fn norm(word: &str) -> String {
    if word.is_ascii() {
        let bytes: Vec<u8> = word
            .bytes()
            .map(|b| match b {
                b'`' => b'\'',
                b'0'..=b'9' => b'0',
                b => b.to_ascii_lowercase(),
            })
            .collect();
        // ASCII in, ASCII out.
        return String::from_utf8(bytes).unwrap_or_default();
    }
    let mut s = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '’' | '‘' | '`' | 'ʼ' => s.push('\''),
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => s.push('-'),
            c if c.is_ascii_digit() => s.push('0'),
            c => s.extend(c.to_lowercase()),
        }
    }
    s
}

/// Word shape with runs collapsed: "McGurk" -> "XxXx", "U.S." -> "X.X.",
/// "1996-08-22" -> "d-d-d", "al-Ansari" -> "x-Xx".
#[cfg(test)]
fn shape(word: &str) -> String {
    let mut s = String::with_capacity(8);
    shape_chars(word, |c| s.push(c));
    s
}

/// The characters of [`shape`], handed to `out` one by one.
#[inline]
fn shape_chars(word: &str, mut out: impl FnMut(char)) {
    let mut last = '\0';
    for c in word.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if matches!(c, '’' | '‘' | 'ʼ') {
            '\''
        } else if matches!(c, '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}') {
            '-'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if k != last {
            out(k);
            last = k;
        }
    }
}

/// `fnv(&shape(word))` without building the string.
fn shape_hash(word: &str) -> u64 {
    let mut h = FNV_OFFSET;
    shape_chars(word, |c| {
        let mut buf = [0u8; 4];
        h = hash_bytes(h, c.encode_utf8(&mut buf).as_bytes());
    });
    h
}

fn is_title(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(|c| c.is_uppercase()) && cs.any(|c| c.is_lowercase())
}

fn is_all_caps(w: &str) -> bool {
    w.chars().any(|c| c.is_alphabetic()) && !w.chars().any(|c| c.is_lowercase())
}

/// Hashes of the word's last 1, 2, 3 and 4 characters (the whole word when
/// it is shorter), from one backward pass.
fn suffix_hashes(w: &str) -> [u64; 4] {
    let mut starts = [0usize; 4];
    let mut back = w.char_indices().rev().map(|(i, _)| i);
    for st in starts.iter_mut() {
        *st = back.next().unwrap_or(0);
    }
    starts.map(|st| fnv(&w[st..]))
}

#[cfg(test)]
fn suffix(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    let (i, _) = s.char_indices().nth(count - n).unwrap_or((0, ' '));
    &s[i..]
}

/// Context aggregation over a document (Ratinov & Roth 2009): for each
/// word type, features of the contexts of all its occurrences in the
/// document (the words just before and after, whether it is written
/// capitalized inside a sentence or in lower case somewhere). A name at the
/// start of a sentence or in a headline then borrows the evidence of its
/// plainer mentions ("Mr. Witkoff" elsewhere tells "Witkoff" is a person).
#[derive(Default)]
struct DocContext {
    /// Per word type (normalized), each context feature with the number of
    /// occurrences showing it.
    by_word: KeyMap<Vec<(u64, u32)>>,
}

/// Whether a word's own occurrence is left out of its document context
/// (measured on CoNLL dev: leaving it out 0.8898 F1, keeping it 0.8946).
const DOC_EXCLUDE_OWN: bool = false;

/// At most this many distinct context features per word type.
const DOC_FEATURES_PER_WORD: usize = 24;

/// The context features one occurrence contributes.
fn occurrence_features(
    words: &[&str],
    lower_h: &[u64],
    i: usize,
    caps_sentence: bool,
    out: &mut Vec<u64>,
) {
    out.clear();
    let w = words[i];
    if !w.chars().any(|c| c.is_alphabetic()) {
        return;
    }
    if !name_cased(w) {
        out.push(h1(70, "lower"));
        return;
    }
    if caps_sentence {
        return;
    }
    if i > 0 {
        out.push(h1(71, "capmid"));
        out.push(k1(72, lower_h[i - 1]));
        if starts_upper(words[i - 1]) {
            out.push(h1(75, "capprev"));
        }
    }
    if i + 1 < words.len() {
        out.push(k1(73, lower_h[i + 1]));
        if starts_upper(words[i + 1]) {
            out.push(h1(74, "capnext"));
        }
    }
}

fn is_caps_sentence(words: &[&str]) -> bool {
    words.iter().all(|w| !w.chars().any(|c| c.is_lowercase()))
}

impl DocContext {
    fn build(sents: &[Vec<&str>], forms: &[Forms]) -> DocContext {
        // Only words written as names somewhere are ever looked up: their
        // lower-case mentions count, other words' do not.
        let mut counts: KeyMap<Vec<(u64, u32)>> = HashMap::default();
        for (words, form) in sents.iter().zip(forms) {
            for (w, h) in words.iter().zip(&form.lower_h) {
                if name_cased(w) {
                    counts.entry(*h).or_default();
                }
            }
        }
        let mut buf = Vec::new();
        for (words, form) in sents.iter().zip(forms) {
            let caps = is_caps_sentence(words);
            for i in 0..words.len() {
                let Some(v) = counts.get_mut(&form.lower_h[i]) else {
                    continue;
                };
                occurrence_features(words, &form.lower_h, i, caps, &mut buf);
                for &f in &buf {
                    match v.iter().position(|(k, _)| *k == f) {
                        Some(j) => v[j].1 += 1,
                        None if v.len() < DOC_FEATURES_PER_WORD => v.push((f, 1)),
                        None => {}
                    }
                }
            }
        }
        DocContext { by_word: counts }
    }
}

/// The normalized form and the shape of every word of a sentence, computed
/// once and shared by the document context and the token features.
struct Forms {
    lower: Vec<String>,
    /// Hashes of `lower` and of the shapes.
    lower_h: Vec<u64>,
    shape_h: Vec<u64>,
}

impl Forms {
    fn of(words: &[&str]) -> Forms {
        let lower: Vec<String> = words.iter().map(|w| norm(w)).collect();
        Forms {
            lower_h: lower.iter().map(|w| fnv(w)).collect(),
            shape_h: words.iter().map(|w| shape_hash(w)).collect(),
            lower,
        }
    }
}

/// The static features of a sentence's tokens in one buffer: token `i` owns
/// `flat[ends[i - 1]..ends[i]]`. Reused across sentences to spare
/// allocations.
#[derive(Default)]
struct Features {
    flat: Vec<u64>,
    ends: Vec<usize>,
}

impl Features {
    fn token(&self, i: usize) -> &[u64] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.flat[start..self.ends[i]]
    }
    fn len(&self) -> usize {
        self.ends.len()
    }
}

pub(super) fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Written as a name: capitalized, or a lower-case prefix joined by a
/// hyphen to a capitalized part ("al-Ansari", "bin-Zayed"; also
/// "pro-Israeli", "mid-January"), so that such a word's mentions count as
/// capitalized in its document context rather than as a common word in
/// lower case. Any prefix, not a list of name particles: the committed
/// model's dev score was measured this way.
fn name_cased(w: &str) -> bool {
    starts_upper(w)
        || w.rsplit(['-', '\u{2010}', '\u{2011}'])
            .next()
            .is_some_and(|last| last.len() < w.len() && starts_upper(last))
}

/// The tag-independent features of every token of a sentence.
fn static_features(
    words: &[&str],
    forms: &Forms,
    clusters: &Clusters,
    casing: &Casing,
    gazetteer: &PlaceNames,
    doc: &DocContext,
    out: &mut Features,
) {
    out.flat.clear();
    out.ends.clear();
    let n = words.len();
    let lower = &forms.lower;
    let (lh, shh) = (&forms.lower_h, &forms.shape_h);
    let letters: usize = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_alphabetic()))
        .count();
    // A headline or a dateline in capitals: case tells nothing there.
    let caps_sentence = letters >= 2 && words.iter().all(|w| !w.chars().any(|c| c.is_lowercase()));
    let (before, after) = (fnv("<s>"), fnv("</s>"));
    let get = |v: &[u64], i: isize| -> u64 {
        if i < 0 {
            before
        } else if i as usize >= v.len() {
            after
        } else {
            v[i as usize]
        }
    };
    // Hashes of each word's suffixes of 1-4 characters (template 35 uses
    // the previous word's 3-character suffix).
    let suffixes: Vec<[u64; 4]> = lower.iter().map(|w| suffix_hashes(w)).collect();
    let paths: Vec<Option<[u16; LEVELS]>> = words.iter().map(|w| clusters.get(w)).collect();
    let mut own: Vec<u64> = Vec::new();
    let caps_for_doc = is_caps_sentence(words);
    let use_clusters = !clusters.is_empty();
    // Casing bucket of each word with a letter (6: not in the lexicon).
    let case_bucket: Vec<Option<u64>> = if casing.is_empty() {
        vec![]
    } else {
        words
            .iter()
            .zip(lh)
            .map(|(w, h)| {
                w.chars()
                    .any(char::is_alphabetic)
                    .then(|| casing.get(*h).map_or(6, u64::from))
            })
            .collect()
    };
    let places = gazetteer.matches(words, lh);
    for i in 0..n {
        let w = words[i];
        let lw = &lower[i];
        let (lwh, shw) = (lh[i], shh[i]);
        let ii = i as isize;
        let f = &mut out.flat;
        f.push(start(0));
        f.push(k1(1, lwh));
        f.push(k1(2, shw));
        // Prefix hashes come from one pass: FNV's state after k characters.
        let mut state = FNV_OFFSET;
        let mut chars = lw.chars();
        for k in 0..4u64 {
            if let Some(c) = chars.next() {
                let mut buf = [0u8; 4];
                state = hash_bytes(state, c.encode_utf8(&mut buf).as_bytes());
            }
            f.push(k2(3, k, state));
            f.push(k2(4, k, suffixes[i][k as usize]));
        }
        let title = is_title(w);
        let caps = is_all_caps(w);
        // Case flags: title case, capitals, first in the sentence.
        let flags = (title as u64) | (caps as u64) << 1 | ((i == 0) as u64) << 2;
        f.push(k1(5, flags));
        if i == 0 {
            f.push(k1(6, lwh));
        }
        if caps_sentence {
            f.push(start(7));
            f.push(k1(8, lwh));
        }
        if w.chars().any(|c| c.is_ascii_digit()) {
            f.push(start(9));
        }
        if w.contains(['-', '\u{2011}', '\u{2010}']) {
            f.push(start(10));
            // Each part of a hyphenated word: "al-Ansari" -> "al", "ansari".
            for part in lw.split('-').filter(|p| !p.is_empty()) {
                f.push(h1(11, part));
            }
        }
        if !w.is_ascii() {
            f.push(start(12));
        }
        let (lm1, lm2, lp1, lp2) = (
            get(lh, ii - 1),
            get(lh, ii - 2),
            get(lh, ii + 1),
            get(lh, ii + 2),
        );
        let (sm1, sm2, sp1, sp2) = (
            get(shh, ii - 1),
            get(shh, ii - 2),
            get(shh, ii + 1),
            get(shh, ii + 2),
        );
        f.push(k1(20, lm1));
        f.push(k1(21, lm2));
        f.push(k1(22, lp1));
        f.push(k1(23, lp2));
        f.push(k1(24, sm1));
        f.push(k1(25, sm2));
        f.push(k1(26, sp1));
        f.push(k1(27, sp2));
        f.push(k2(28, lm1, lwh));
        f.push(k2(29, lwh, lp1));
        f.push(k3(30, sm1, shw, sp1));
        f.push(k2(31, sm1, shw));
        f.push(k2(32, shw, sp1));
        f.push(k2(33, lm1, shw));
        f.push(k2(34, shw, lp1));
        let prev_suffix = if i == 0 { before } else { suffixes[i - 1][2] };
        f.push(k2(35, prev_suffix, lwh));
        f.push(k2(36, lwh, shw));
        if use_clusters {
            // Cluster path prefixes of the word and its neighbours.
            for (slot, j) in [(0u64, ii), (1, ii - 1), (2, ii + 1)] {
                let p = if j < 0 || j as usize >= n {
                    None
                } else {
                    paths[j as usize]
                };
                match p {
                    Some(p) => {
                        for (l, v) in p.iter().enumerate() {
                            f.push(mix(start(50 + slot as u8), (l as u64) << 32 | *v as u64));
                        }
                    }
                    None if slot == 0 => f.push(mix(start(50), u64::MAX)),
                    None => {}
                }
            }
            if let Some(p) = paths[i] {
                f.push(mix(k1(53, shw), p[LEVELS - 1] as u64));
            }
        }
        if let Some(Some(b)) = case_bucket.get(i) {
            // How the corpus writes the word, with how it is written here.
            f.push(k2(60, *b, flags));
            if i > 0 {
                if let Some(p) = case_bucket[i - 1] {
                    f.push(k3(61, p, *b, flags));
                }
            }
        }
        if let Some(m) = places[i] {
            // Inside a known place name: where in it, and which kinds of
            // place it names.
            let (pos, cats) = (m.position as u64, m.categories as u64);
            f.push(k1(80, pos));
            f.push(k2(81, pos, cats));
            f.push(k3(82, pos, cats, flags));
        }
        // Contexts seen at the word's occurrences in the document.
        if name_cased(w) {
            if let Some(extra) = doc.by_word.get(&lwh) {
                if DOC_EXCLUDE_OWN {
                    occurrence_features(words, lh, i, caps_for_doc, &mut own);
                }
                for &(k, n) in extra {
                    if n > (DOC_EXCLUDE_OWN && own.contains(&k)) as u32 {
                        f.push(k);
                    }
                }
            }
        }
        out.ends.push(out.flat.len());
    }
}

/// Features that depend on the previous predicted tags.
#[inline]
fn history_features(stat: &[u64], p1: Tag, p2: Tag, out: &mut [u64; 4]) {
    let mut first = [0u64; 3];
    history1(stat, p1, &mut first);
    out[..3].copy_from_slice(&first);
    out[3] = mix(mix(start(41), p1.0 as u64 + 1), p2.0 as u64 + 1);
}

/// The history features a first-order decoder scores: those of
/// [`history_features`] without the previous two tags together.
fn history1(stat: &[u64], p1: Tag, out: &mut [u64; 3]) {
    // stat[1] is the word, stat[2] its shape.
    let t1 = p1.0 as u64 + 1;
    out[0] = mix(start(40), t1);
    out[1] = mix(stat[1], 100 + t1);
    out[2] = mix(stat[2], 200 + t1);
}

/// The best allowed tag sequence of `n` words (Viterbi), the first word
/// following an `O`: `base(i, s)` adds word `i`'s scores without history to
/// `s`, `hist(i, p, s)` those its previous tag `p` adds.
fn viterbi(
    n: usize,
    mut base: impl FnMut(usize, &mut [f32; N_TAGS]),
    mut hist: impl FnMut(usize, Tag, &mut [f32; N_TAGS]),
) -> Vec<Tag> {
    fn row(s: &mut [f32]) -> &mut [f32; N_TAGS] {
        s.try_into().expect("a lattice row holds one score per tag")
    }
    Lattice::build(
        N_TAGS,
        n,
        |_| None,
        |i, s| base(i, row(s)),
        |i, p, s| hist(i, Tag(p as u8), row(s)),
    )
    .best(0.0, |p, t| allowed(Tag(p as u8), Tag(t as u8)))
    .into_iter()
    .map(|t| Tag(t as u8))
    .collect()
}

// ------------------------------------------------------------------- model

/// A trained tagger: feature keys and their per-tag weights.
pub struct Model {
    weights: WeightMap,
    /// Weight of one quantization step.
    scale: f32,
    /// Word clusters the cluster features look up (empty: none used).
    clusters: Clusters,
    /// Casing lexicon the casing features look up (empty: none used).
    casing: Casing,
    /// Place names the gazetteer features look up (empty: none used).
    gazetteer: PlaceNames,
    /// Decode each sentence whole (Viterbi over first-order history) rather
    /// than word by word.
    viterbi: bool,
}

impl Model {
    /// The word clusters the model was trained with (empty: none).
    pub fn clusters(&self) -> &Clusters {
        &self.clusters
    }

    /// Add the weights of `feats` to `scores`, in quantization steps.
    fn score_into(&self, feats: &[u64], scores: &mut [i32; N_TAGS]) {
        for f in feats {
            if let Some(w) = self.weights.get(f) {
                for t in 0..N_TAGS {
                    scores[t] += w[t] as i32;
                }
            }
        }
    }

    /// Tag one sentence of words on its own.
    pub fn tag(&self, words: &[&str]) -> Vec<Tag> {
        self.tag_document(&[words.to_vec()])
            .pop()
            .unwrap_or_default()
    }

    /// Tag the sentences of one document: each word also sees the contexts
    /// of its other occurrences in the document.
    pub fn tag_document(&self, sents: &[Vec<&str>]) -> Vec<Vec<Tag>> {
        let forms: Vec<Forms> = sents.iter().map(|w| Forms::of(w)).collect();
        let doc = if self.uses_doc_context() {
            DocContext::build(sents, &forms)
        } else {
            DocContext::default()
        };
        let mut feats = Features::default();
        sents
            .iter()
            .zip(&forms)
            .map(|(words, form)| {
                static_features(
                    words,
                    form,
                    &self.clusters,
                    &self.casing,
                    &self.gazetteer,
                    &doc,
                    &mut feats,
                );
                self.tag_with(&feats)
            })
            .collect()
    }

    fn tag_with(&self, stat: &Features) -> Vec<Tag> {
        if self.viterbi {
            let mut h = [0u64; 3];
            // Exact in f32: the sums of steps stay far below 2^24.
            let add = |feats: &[u64], out: &mut [f32; N_TAGS]| {
                let mut steps = [0i32; N_TAGS];
                self.score_into(feats, &mut steps);
                for t in 0..N_TAGS {
                    out[t] += steps[t] as f32;
                }
            };
            return viterbi(
                stat.len(),
                |i, out| add(stat.token(i), out),
                |i, p, out| {
                    history1(stat.token(i), p, &mut h);
                    add(&h, out)
                },
            );
        }
        let mut tags = Vec::with_capacity(stat.len());
        let (mut p1, mut p2) = (Tag::O, Tag::O);
        let mut hist = [0u64; 4];
        for i in 0..stat.len() {
            let sf = stat.token(i);
            let mut steps = [0i32; N_TAGS];
            self.score_into(sf, &mut steps);
            history_features(sf, p1, p2, &mut hist);
            self.score_into(&hist, &mut steps);
            // Exact: the sums stay far below 2^24. The scale is positive, so
            // the best tag is the same in steps as in weights.
            let t = best(&steps.map(|x| x as f32), p1);
            tags.push(t);
            p2 = p1;
            p1 = t;
        }
        tags
    }

    /// Whether the model was trained with document context features: a
    /// model without them would give their keys no weight, so building the
    /// context would be wasted work.
    fn uses_doc_context(&self) -> bool {
        self.weights.contains_key(&h1(71, "capmid")) || self.weights.contains_key(&h1(70, "lower"))
    }

    /// The largest weight magnitude.
    fn max_weight(&self) -> f32 {
        self.weights
            .values()
            .flatten()
            .fold(0f32, |m, w| m.max(w.unsigned_abs() as f32))
            * self.scale
    }

    /// Number of features kept in the model.
    pub fn features(&self) -> usize {
        self.weights.len()
    }

    /// Number of words in the model's cluster table.
    pub fn cluster_words(&self) -> usize {
        self.clusters.len()
    }

    /// Number of names in the model's gazetteer.
    pub fn gazetteer_names(&self) -> usize {
        self.gazetteer.len()
    }

    /// Number of words in the model's casing lexicon.
    pub fn casing_words(&self) -> usize {
        self.casing.len()
    }

    /// Serialize to the compact binary layout described in the module docs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let scale = self.scale;
        // Sorted keys make the file deterministic.
        let mut rows: Vec<(u64, &[i16; N_TAGS])> =
            self.weights.iter().map(|(k, w)| (*k, w)).collect();
        rows.sort_unstable_by_key(|r| r.0);
        let mut out = Vec::with_capacity(20 + rows.len() * (8 + 2 * N_TAGS));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(N_TAGS as u32).to_le_bytes());
        out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for (k, w) in rows {
            out.extend_from_slice(&k.to_le_bytes());
            for t in 0..N_TAGS {
                out.extend_from_slice(&w[t].to_le_bytes());
            }
        }
        self.clusters.write_bytes(&mut out);
        self.casing.write_bytes(&mut out);
        self.gazetteer.write_bytes(&mut out);
        out.push(u8::from(self.viterbi));
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, NerError> {
        let bad = |m: &str| NerError::Model(m.to_string());
        if bytes.len() < 20 || &bytes[0..4] != MAGIC {
            return Err(bad("not a Dossier NER model (magic bytes differ)"));
        }
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let version = u32_at(4);
        if !(4..=FORMAT_VERSION).contains(&version) {
            return Err(bad(&format!(
                "format version {} (expected {FORMAT_VERSION}; retrain with `dossier train ner`)",
                u32_at(4)
            )));
        }
        if u32_at(8) as usize != N_TAGS {
            return Err(bad(&format!("{} tags (expected {N_TAGS})", u32_at(8))));
        }
        let n = u32_at(12) as usize;
        let scale = f32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        let row = 8 + 2 * N_TAGS;
        let end = 20 + n * row;
        if bytes.len() < end {
            return Err(bad(&format!(
                "length {} does not fit {n} features",
                bytes.len()
            )));
        }
        let (clusters, used) = Clusters::read_bytes(&bytes[end..])?;
        let (casing, used_casing) = Casing::read_bytes(&bytes[end + used..])?;
        let (gazetteer, used_gazetteer) = if version >= 5 {
            PlaceNames::read_bytes(&bytes[end + used + used_casing..])?
        } else {
            (PlaceNames::default(), 0)
        };
        let at = end + used + used_casing + used_gazetteer;
        let viterbi = if version >= 6 {
            match bytes.get(at) {
                Some(0) => false,
                Some(1) => true,
                _ => return Err(bad("the decoder byte is missing or unknown")),
            }
        } else {
            false
        };
        if at + usize::from(version >= 6) != bytes.len() {
            return Err(bad("trailing bytes after the gazetteer"));
        }
        let mut weights = WeightMap::with_capacity_and_hasher(n, Default::default());
        for chunk in bytes[20..end].chunks_exact(row) {
            let mut k = [0u8; 8];
            k.copy_from_slice(&chunk[..8]);
            let w: [i16; N_TAGS] =
                std::array::from_fn(|t| i16::from_le_bytes([chunk[8 + 2 * t], chunk[9 + 2 * t]]));
            weights.insert(u64::from_le_bytes(k), w);
        }
        Ok(Model {
            weights,
            scale,
            clusters,
            casing,
            gazetteer,
            viterbi,
        })
    }

    pub fn save(&self, path: &Path) -> Result<(), NerError> {
        std::fs::write(path, self.to_bytes()).map_err(|e| io_err(path, e))
    }

    pub fn load(path: &Path) -> Result<Model, NerError> {
        let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
        Model::from_bytes(&bytes)
    }
}

fn io_err(path: &Path, source: std::io::Error) -> NerError {
    NerError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The best tag allowed after `prev`.
fn best(scores: &[f32; N_TAGS], prev: Tag) -> Tag {
    let mut bt = Tag::O;
    let mut bs = f32::NEG_INFINITY;
    for t in 0..N_TAGS {
        let tag = Tag(t as u8);
        if allowed(prev, tag) && scores[t] > bs {
            bs = scores[t];
            bt = tag;
        }
    }
    bt
}

// ---------------------------------------------------------------- training

/// A sentence of words with gold BIO tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub words: Vec<String>,
    pub tags: Vec<Tag>,
    /// Document number within the data read (`-DOCSTART-` lines and file
    /// ends separate documents).
    pub doc: usize,
}

/// How the entity tags of a data file map onto PER, ORG, LOC, MISC.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LabelMap {
    /// CoNLL-2003 tags (`PER`, `ORG`, `LOC`, `MISC`; also `PERSON`,
    /// `ORGANIZATION`, `LOCATION`, `GPE`); any other tag is an error.
    #[default]
    Conll,
    /// The nine classes of the English Worldwide Newswire set (Shan et al.
    /// 2023), BIOES: Person -> PER, Organization -> ORG, Location and
    /// Facility -> LOC, Misc, NORP and Product -> MISC, Date and Money -> O
    /// (CoNLL-2003 guidelines: nationalities and products are MISC,
    /// buildings and airports LOC, dates and amounts not entities).
    Worldwide,
}

impl LabelMap {
    fn parse(self, s: &str) -> Option<Tag> {
        match self {
            LabelMap::Conll => Tag::parse(s),
            LabelMap::Worldwide => {
                if s == "O" {
                    return Some(Tag::O);
                }
                let (prefix, class) = s.split_once('-')?;
                let class = match class.to_ascii_lowercase().as_str() {
                    "person" | "per" => 0,
                    "organization" | "org" => 1,
                    "location" | "loc" | "facility" | "gpe" => 2,
                    "misc" | "norp" | "product" => 3,
                    "date" | "money" => return Some(Tag::O),
                    _ => return None,
                };
                match prefix {
                    "B" | "S" => Some(Tag::begin(class)),
                    "I" | "E" => Some(Tag::inside(class)),
                    _ => None,
                }
            }
        }
    }
}

/// Read a CoNLL file (word first, entity tag last on each line; blank lines
/// between sentences; `-DOCSTART-` lines skipped). IOB1 and BIO/BIOES input
/// are both turned into BIO.
pub fn read_conll(path: &Path) -> Result<Vec<Sentence>, NerError> {
    read_conll_with(path, LabelMap::Conll)
}

/// Read a CoNLL file, or every file of a folder (sorted by name, each file
/// ending its sentence), with the tags mapped by `map`.
pub fn read_conll_with(path: &Path, map: LabelMap) -> Result<Vec<Sentence>, NerError> {
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| io_err(path, e))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let base = out.last().map_or(0, |s: &Sentence| s.doc + 1);
            out.extend(read_conll_file(&f, map)?.into_iter().map(|mut s| {
                s.doc += base;
                s
            }));
        }
        return Ok(out);
    }
    read_conll_file(path, map)
}

fn read_conll_file(path: &Path, map: LabelMap) -> Result<Vec<Sentence>, NerError> {
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut out = Vec::new();
    let doc = 0usize;
    let mut cur = Sentence {
        words: vec![],
        tags: vec![],
        doc,
    };
    let mut raw: Vec<Tag> = Vec::new();
    let flush = |cur: &mut Sentence, raw: &mut Vec<Tag>, out: &mut Vec<Sentence>| {
        if !cur.words.is_empty() {
            cur.tags = to_bio(raw);
            let doc = cur.doc;
            out.push(std::mem::replace(
                cur,
                Sentence {
                    words: vec![],
                    tags: vec![],
                    doc,
                },
            ));
        }
        raw.clear();
    };
    for (no, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| io_err(path, e))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with("-DOCSTART-") {
            flush(&mut cur, &mut raw, &mut out);
            if line.starts_with("-DOCSTART-") && out.last().is_some_and(|s| s.doc == cur.doc) {
                cur.doc += 1;
            }
            continue;
        }
        let mut cols = line.split_whitespace();
        let word = cols.next().unwrap_or_default();
        let tag_s = cols.last().unwrap_or("O");
        let tag = map.parse(tag_s).ok_or_else(|| NerError::Data {
            path: path.display().to_string(),
            line: no + 1,
            msg: format!("unknown tag {tag_s:?}"),
        })?;
        cur.words.push(word.to_string());
        raw.push(tag);
    }
    flush(&mut cur, &mut raw, &mut out);
    Ok(out)
}

/// IOB1 -> BIO: an `I-X` that does not continue an `X` starts an entity.
fn to_bio(raw: &[Tag]) -> Vec<Tag> {
    let mut prev = Tag::O;
    raw.iter()
        .map(|&t| {
            let t = if t.is_inside() && prev.class() != t.class() {
                Tag::begin(t.class().unwrap_or(0))
            } else {
                t
            };
            prev = t;
            t
        })
        .collect()
}

/// Weights during training, with the bookkeeping for averaging.
struct Trainer {
    index: RowMap,
    w: Vec<f32>,
    total: Vec<f32>,
    stamp: Vec<u32>,
    now: u32,
}

impl Trainer {
    fn row(&mut self, f: u64) -> usize {
        let next = self.index.len() as u32;
        let r = *self.index.entry(f).or_insert(next) as usize;
        if r == next as usize {
            self.w.extend([0.0; N_TAGS]);
            self.total.extend([0.0; N_TAGS]);
            self.stamp.extend([0; N_TAGS]);
        }
        r
    }
    fn update(&mut self, f: u64, tag: usize, delta: f32) {
        let i = self.row(f) * N_TAGS + tag;
        self.total[i] += (self.now - self.stamp[i]) as f32 * self.w[i];
        self.stamp[i] = self.now;
        self.w[i] += delta;
    }
    fn scores(&self, feats: &[u64], scores: &mut [f32; N_TAGS]) {
        for f in feats {
            if let Some(&r) = self.index.get(f) {
                for t in 0..N_TAGS {
                    scores[t] += self.w[r as usize * N_TAGS + t];
                }
            }
        }
    }
    /// The averaged weights, without features whose weights are all below
    /// `prune` in magnitude.
    fn averaged(&self, prune: f32, opt: &TrainOptions) -> Model {
        let now = self.now.max(1) as f32;
        let mut keys: Vec<(u64, u32)> = self.index.iter().map(|(k, v)| (*k, *v)).collect();
        keys.sort_unstable();
        let mut kept: Vec<(u64, [f32; N_TAGS])> = Vec::new();
        for (k, r) in keys {
            let base = r as usize * N_TAGS;
            let avg: [f32; N_TAGS] = std::array::from_fn(|t| {
                (self.total[base + t] + (self.now - self.stamp[base + t]) as f32 * self.w[base + t])
                    / now
            });
            if avg.iter().any(|a| a.abs() > prune) {
                kept.push((k, avg));
            }
        }
        // Quantize as the model file stores it, so the model scored during
        // training is the one that gets saved.
        let max = kept
            .iter()
            .flat_map(|(_, w)| w.iter())
            .fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 {
            max / i16::MAX as f32
        } else {
            1.0
        };
        let weights = kept
            .into_iter()
            .map(|(k, w)| (k, w.map(|x| (x / scale).round() as i16)))
            .collect();
        Model {
            weights,
            scale,
            clusters: opt.clusters.clone(),
            casing: opt.casing.clone(),
            gazetteer: opt.gazetteer.clone(),
            viterbi: opt.viterbi,
        }
    }
}

/// Small deterministic generator for shuffling.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Relative pruning threshold: features whose averaged weights are all at
/// most this fraction of the largest weight are dropped. Measured on the
/// CoNLL dev set, dropping below 0.2% of the largest weight cost 1.1 F1
/// for a model 4x smaller; the unpruned model is under 3 MB, so only
/// all-zero features are dropped.
const PRUNE_FRACTION: f32 = 0.0;

/// Index ranges of the documents of `data` (consecutive sentences with the
/// same `doc`).
fn doc_ranges(data: &[Sentence]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=data.len() {
        if i == data.len() || data[i].doc != data[start].doc {
            if i > start {
                out.push(start..i);
            }
            start = i;
        }
    }
    out
}

/// Static features of every sentence, the sentences of a document taken
/// together, or each sentence as a document of its own when `alone`.
fn data_features(
    data: &[Sentence],
    clusters: &Clusters,
    casing: &Casing,
    gazetteer: &PlaceNames,
    doc_context: bool,
    alone: bool,
) -> Vec<Vec<Vec<u64>>> {
    let mut out = Vec::with_capacity(data.len());
    let ranges = if alone {
        (0..data.len()).map(|k| k..k + 1).collect()
    } else {
        doc_ranges(data)
    };
    for r in ranges {
        let sents: Vec<Vec<&str>> = data[r.clone()]
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect();
        let forms: Vec<Forms> = sents.iter().map(|w| Forms::of(w)).collect();
        let doc = if doc_context {
            DocContext::build(&sents, &forms)
        } else {
            DocContext::default()
        };
        let mut feats = Features::default();
        for (words, form) in sents.iter().zip(&forms) {
            static_features(words, form, clusters, casing, gazetteer, &doc, &mut feats);
            out.push((0..feats.len()).map(|i| feats.token(i).to_vec()).collect());
        }
    }
    out
}

/// Settings of [`train`].
#[derive(Debug, Clone, Default)]
pub struct TrainOptions {
    /// Passes over the training data (at least 1).
    pub epochs: usize,
    /// Word clusters for cluster features (empty: none).
    pub clusters: Clusters,
    /// Casing lexicon for casing features (empty: none).
    pub casing: Casing,
    /// Place names for gazetteer features (empty: none).
    pub gazetteer: PlaceNames,
    /// Train on the first this many sentences only (a quick check).
    pub max_sentences: Option<usize>,
    /// Add document context features (the contexts of a word's other
    /// occurrences in its document). The tagger uses them only when the
    /// model has them.
    pub doc_context: bool,
    /// Train and decode whole sentences (a structured perceptron over
    /// first-order history, Collins 2002) instead of word by word.
    pub viterbi: bool,
}

/// Train on `train_path`. With `dev_path`, the averaged model is scored on
/// it after each pass and the best pass is kept; without it, the last pass
/// is kept. Progress goes to stderr.
pub fn train(
    train_path: &Path,
    dev_path: Option<&Path>,
    opt: &TrainOptions,
) -> Result<Model, NerError> {
    let mut data = read_conll(train_path)?;
    if let Some(m) = opt.max_sentences {
        data.truncate(m);
    }
    let dev = match dev_path {
        Some(p) => Some(read_conll(p)?),
        None => None,
    };
    let clusters = &opt.clusters;
    let epochs = opt.epochs;
    let casing = &opt.casing;
    let mut feats = data_features(
        &data,
        clusters,
        casing,
        &opt.gazetteer,
        opt.doc_context,
        false,
    );
    if opt.doc_context {
        // Every sentence once more as a document of its own: CoNLL's
        // documents are long, so without these the model learns that a
        // capitalized word with no support elsewhere in its document is a
        // common word, and drops the name opening a one-sentence input
        // ("Witkoff told reporters ..."). Example `k` of the added half is
        // sentence `k - data.len()`.
        feats.extend(data_features(
            &data,
            clusters,
            casing,
            &opt.gazetteer,
            true,
            true,
        ));
    }
    let mut tr = Trainer {
        index: RowMap::default(),
        w: vec![],
        total: vec![],
        stamp: vec![],
        now: 0,
    };
    let mut order: Vec<usize> = (0..feats.len()).collect();
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut best_model: Option<(f64, usize, Model)> = None;
    for epoch in 1..=epochs.max(1) {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let mut errors = 0usize;
        let mut seen = 0usize;
        for &si in &order {
            let (p1s, gold) = (&feats[si], &data[si % data.len()].tags);
            if opt.viterbi {
                let mut h = [0u64; 3];
                let guess = viterbi(
                    p1s.len(),
                    |k, out| tr.scores(&p1s[k], out),
                    |k, p, out| {
                        history1(&p1s[k], p, &mut h);
                        tr.scores(&h, out)
                    },
                );
                tr.now += p1s.len() as u32;
                seen += p1s.len();
                for (k, gp, pp) in mistakes(gold, &guess, Tag::O) {
                    if gold[k] != guess[k] {
                        errors += 1;
                        for &f in &p1s[k] {
                            tr.update(f, gold[k].0 as usize, 1.0);
                            tr.update(f, guess[k].0 as usize, -1.0);
                        }
                    }
                    history1(&p1s[k], gp, &mut h);
                    for &f in &h {
                        tr.update(f, gold[k].0 as usize, 1.0);
                    }
                    history1(&p1s[k], pp, &mut h);
                    for &f in &h {
                        tr.update(f, guess[k].0 as usize, -1.0);
                    }
                }
                continue;
            }
            let (mut p1, mut p2) = (Tag::O, Tag::O);
            let mut hist = [0u64; 4];
            for (k, sf) in p1s.iter().enumerate() {
                tr.now += 1;
                let mut scores = [0f32; N_TAGS];
                tr.scores(sf, &mut scores);
                history_features(sf, p1, p2, &mut hist);
                tr.scores(&hist, &mut scores);
                let guess = best(&scores, p1);
                let truth = gold[k];
                if guess != truth {
                    errors += 1;
                    for &f in sf.iter().chain(hist.iter()) {
                        tr.update(f, truth.0 as usize, 1.0);
                        tr.update(f, guess.0 as usize, -1.0);
                    }
                }
                seen += 1;
                p2 = p1;
                p1 = guess;
            }
        }
        let model = tr.averaged(0.0, opt);
        let model = if PRUNE_FRACTION > 0.0 {
            let max = model.max_weight();
            tr.averaged(max * PRUNE_FRACTION, opt)
        } else {
            model
        };
        eprint!(
            "epoch {epoch}: train token error {:.4}, {} features ({} kept)",
            errors as f64 / seen.max(1) as f64,
            tr.index.len(),
            model.features()
        );
        match &dev {
            Some(dev) => {
                let s = score(&model, dev, None);
                eprintln!(
                    ", dev P {:.4} R {:.4} F1 {:.4}",
                    s.precision, s.recall, s.f1
                );
                if best_model.as_ref().map_or(true, |(f, _, _)| s.f1 > *f) {
                    best_model = Some((s.f1, epoch, model));
                }
            }
            None => {
                eprintln!();
                best_model = Some((0.0, epoch, model));
            }
        }
    }
    let (f1, epoch, model) = best_model.expect("at least one epoch ran");
    if dev.is_some() {
        eprintln!("kept epoch {epoch} (dev F1 {f1:.4})");
    }
    Ok(model)
}

// -------------------------------------------------------------- evaluation

/// Entity-level scores (exact span and label, as conlleval counts them).
#[derive(Debug, Clone, PartialEq)]
pub struct NerScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Tokens tagged.
    pub tokens: usize,
    /// Tagging speed over the whole file (features included, reading excluded).
    pub tokens_per_second: f64,
    /// Per class (PER, ORG, LOC, MISC): (class, precision, recall, f1).
    pub per_class: Vec<(String, f64, f64, f64)>,
}

/// Entity spans `(start, end, class)` of a BIO tag sequence.
pub fn spans(tags: &[Tag]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let continues = t.is_inside() && open.is_some_and(|(_, c)| Some(c) == t.class());
        if !continues {
            if let Some((s, c)) = open.take() {
                out.push((s, i, c));
            }
            if let Some(c) = t.class() {
                open = Some((i, c));
            }
        }
    }
    if let Some((s, c)) = open {
        out.push((s, tags.len(), c));
    }
    out
}

fn prf(correct: usize, guessed: usize, gold: usize) -> (f64, f64, f64) {
    let p = if guessed > 0 {
        correct as f64 / guessed as f64
    } else {
        0.0
    };
    let r = if gold > 0 {
        correct as f64 / gold as f64
    } else {
        0.0
    };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Score `model` on sentences already read; with `out`, also write one
/// `word gold predicted` line per token, a blank line after each sentence.
pub fn score(model: &Model, data: &[Sentence], mut out: Option<&mut dyn Write>) -> NerScores {
    let mut correct = [0usize; 4];
    let mut guessed = [0usize; 4];
    let mut gold_n = [0usize; 4];
    let mut tokens = 0;
    let mut secs = 0f64;
    let mut preds: Vec<Vec<Tag>> = Vec::with_capacity(data.len());
    for r in doc_ranges(data) {
        let sents: Vec<Vec<&str>> = data[r]
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect();
        let t0 = Instant::now();
        preds.extend(model.tag_document(&sents));
        secs += t0.elapsed().as_secs_f64();
    }
    for (s, pred) in data.iter().zip(preds) {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        tokens += words.len();
        let g = spans(&s.tags);
        let p = spans(&pred);
        for &(_, _, c) in &g {
            gold_n[c] += 1;
        }
        for sp in &p {
            guessed[sp.2] += 1;
            if g.contains(sp) {
                correct[sp.2] += 1;
            }
        }
        if let Some(w) = out.as_deref_mut() {
            for (k, word) in words.iter().enumerate() {
                let _ = writeln!(w, "{word} {} {}", s.tags[k], pred[k]);
            }
            let _ = writeln!(w);
        }
    }
    let (precision, recall, f1) = prf(
        correct.iter().sum(),
        guessed.iter().sum(),
        gold_n.iter().sum(),
    );
    let per_class = (0..4)
        .map(|c| {
            let (p, r, f) = prf(correct[c], guessed[c], gold_n[c]);
            (CLASSES[c].to_string(), p, r, f)
        })
        .collect();
    NerScores {
        precision,
        recall,
        f1,
        tokens,
        tokens_per_second: if secs > 0.0 {
            tokens as f64 / secs
        } else {
            0.0
        },
        per_class,
    }
}

/// Score `model` on a CoNLL file.
pub fn evaluate(model: &Model, conll_path: &Path) -> Result<NerScores, NerError> {
    Ok(score(model, &read_conll(conll_path)?, None))
}

/// Score `model` on a CoNLL file and write one `word gold predicted` line
/// per token (BIO tags), with a blank line after each sentence: the layout
/// conlleval reads.
pub fn evaluate_to(
    model: &Model,
    conll_path: &Path,
    out: &mut dyn Write,
) -> Result<NerScores, NerError> {
    Ok(score(model, &read_conll(conll_path)?, Some(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob1_becomes_bio() {
        let raw: Vec<Tag> = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]
            .iter()
            .map(|t| Tag::parse(t).unwrap())
            .collect();
        let bio: Vec<String> = to_bio(&raw).iter().map(|t| t.to_string()).collect();
        assert_eq!(bio, ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"]);
    }

    #[test]
    fn spans_follow_bio() {
        let tags: Vec<Tag> = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"]
            .iter()
            .map(|t| Tag::parse(t).unwrap())
            .collect();
        assert_eq!(spans(&tags), vec![(0, 2, 0), (3, 4, 2), (4, 6, 2)]);
    }

    #[test]
    fn names_with_a_lower_case_particle_count_as_capitalized() {
        for w in [
            "Witkoff",
            "al-Ansari",
            "bin\u{2011}Salman",
            "Sa’ar",
            "ÉLYSÉE",
        ] {
            assert!(name_cased(w), "{w}");
        }
        for w in ["said", "al-", "-", "pro-israeli", "ceasefire", "60-day", ""] {
            assert!(!name_cased(w), "{w}");
        }
    }

    #[test]
    fn shapes_and_norms() {
        assert_eq!(shape("McGurk"), "XxXx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("al-Ansari"), "x-Xx");
        for w in ["McGurk", "Sa’ar", "1996-08-22", "Løkke", ""] {
            assert_eq!(shape_hash(w), fnv(&shape(w)));
        }
        assert_eq!(norm("Sa’ar"), "sa'ar");
        assert_eq!(norm("1996"), "0000");
        assert_eq!(norm("It`s A1"), "it's a0");
        assert_eq!(suffix("Ansari", 3), "ari");
        assert_eq!(norm("Ég"), "ég");
        for w in ["ansari", "ég", "a", "", "løkke"] {
            let want: [u64; 4] = std::array::from_fn(|k| fnv(suffix(w, k + 1)));
            assert_eq!(suffix_hashes(w), want, "{w}");
        }
    }

    #[test]
    fn viterbi_finds_the_best_allowed_sequence() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut draw = || (rng.next() % 2001) as f32 / 100.0 - 10.0;
        for _ in 0..20 {
            let n = 3;
            let base: Vec<[f32; N_TAGS]> = (0..n).map(|_| [(); N_TAGS].map(|_| draw())).collect();
            let hist: Vec<[[f32; N_TAGS]; N_TAGS]> = (0..n)
                .map(|_| [(); N_TAGS].map(|_| [(); N_TAGS].map(|_| draw())))
                .collect();
            let got = viterbi(
                n,
                |i, out| (0..N_TAGS).for_each(|t| out[t] += base[i][t]),
                |i, p, out| (0..N_TAGS).for_each(|t| out[t] += hist[i][p.0 as usize][t]),
            );
            // Every allowed sequence, scored the long way.
            let mut best = (f32::NEG_INFINITY, vec![]);
            for code in 0..N_TAGS.pow(n as u32) {
                let seq: Vec<Tag> = (0..n)
                    .map(|i| Tag((code / N_TAGS.pow(i as u32) % N_TAGS) as u8))
                    .collect();
                let mut prev = Tag::O;
                let mut total = 0.0;
                let mut ok = true;
                for (i, &t) in seq.iter().enumerate() {
                    ok &= allowed(prev, t);
                    total += base[i][t.0 as usize] + hist[i][prev.0 as usize][t.0 as usize];
                    prev = t;
                }
                if ok && total > best.0 {
                    best = (total, seq);
                }
            }
            assert_eq!(got, best.1);
        }
        assert!(viterbi(0, |_, _| {}, |_, _, _| {}).is_empty());
    }

    #[test]
    fn trains_saves_and_loads_a_tiny_model() {
        let dir = std::env::temp_dir().join(format!("dossier-ner-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let train_path = dir.join("train.txt");
        let mut text = String::from("-DOCSTART- -X- O O\n\n");
        for (a, b) in [
            ("Smith", "Paris"),
            ("Jones", "Rome"),
            ("Brown", "Oslo"),
            ("Green", "Lima"),
        ] {
            text += &format!(
                "Mr NNP O O\n{a} NNP O I-PER\nvisited VBD O O\n{b} NNP O I-LOC\n. . O O\n\n"
            );
        }
        std::fs::write(&train_path, &text).unwrap();
        let model = train(
            &train_path,
            Some(&train_path),
            &TrainOptions {
                epochs: 5,
                ..Default::default()
            },
        )
        .unwrap();
        let path = dir.join("m.bin");
        model.save(&path).unwrap();
        let loaded = Model::load(&path).unwrap();
        let tags = loaded.tag(&["Mr", "Jones", "visited", "Paris", "."]);
        assert_eq!(
            tags.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            ["O", "B-PER", "O", "B-LOC", "O"]
        );
        let mut lines = Vec::new();
        let s = evaluate_to(&loaded, &train_path, &mut lines).unwrap();
        assert_eq!(s.tokens, 20);
        assert!(s.f1 > 0.99, "{s:?}");
        assert!(String::from_utf8(lines)
            .unwrap()
            .starts_with("Mr O O\nSmith B-PER B-PER\n"));
        assert!(Model::from_bytes(b"nonsense").is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
