//! Learned attribution: who is said, thought or reported to hold which
//! content, found the way PolNeAR (Newell et al. 2018) annotates it, beyond
//! the reporting verbs and quotation marks the rules in [`crate::quotes`]
//! know: "Trump wants a wall", "the poll shows Clinton ahead", "he mocked the
//! ambitions of three hopefuls", "according to the campaign".
//!
//! Two averaged structured perceptrons (first-order taggers decoded with
//! Viterbi), run per sentence:
//! 1. the **cue tagger** marks cue words with BIO tags ("said", "according
//!    to", "is expected", "wants");
//! 2. for each cue, the **role tagger** marks the source and the content
//!    among the other words of the sentence, with features relative to that
//!    cue (which side, how far, commas, quotation marks and other cues in
//!    between, the cue's own word).
//!
//! Both are trained on PolNeAR's training split (`dossier train
//! attribution`). Each word's strings are hashed once and a feature's
//! 64-bit key combines those hashes ([`crate::featkey`]); the model keeps
//! quantized weights only, one table entry per feature (file layout in
//! [`Model::to_bytes`]).

use std::io::Write;
use std::path::Path;

use dossier_model::{Document, Span};
use once_cell::sync::Lazy;

use crate::featkey::{fnv, k1, k2, k3, start, KeyMap};
use crate::segment::{self, Token, TokenKind};
use crate::viterbi::{mistakes, Lattice};

/// The committed model (`models/attribution/polnear.bin`, see its model
/// card), embedded so the binary works from any directory.
static MODEL_BYTES: &[u8] = include_bytes!("../../../models/attribution/polnear.bin");
static MODEL: Lazy<Result<Model, String>> = Lazy::new(|| Model::from_bytes(MODEL_BYTES));

/// The committed model, decoded once per process.
pub fn committed() -> Result<&'static Model, String> {
    MODEL.as_ref().map_err(|e| e.clone())
}

const MAGIC: &[u8; 4] = b"DATR";
/// Version 2: feature keys combine per-word hashes ([`crate::featkey`]);
/// version 1 hashed each feature's strings whole, and its keys mean nothing
/// to this code.
const FORMAT_VERSION: u32 = 2;

/// Cue tags: outside, begin, inside.
const CUE_LABELS: usize = 3;
/// Role tags: outside, source (begin, inside), content (begin, inside).
const ROLE_LABELS: usize = 5;
const O: usize = 0;
const B_SRC: usize = 1;
const I_SRC: usize = 2;
const B_CON: usize = 3;
const I_CON: usize = 4;

/// One attribution found in a text: byte spans of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub cue: Span,
    pub source: Option<Span>,
    pub content: Option<Span>,
    /// The cue is found only with the recall bias (see [`Model::cue_bias`]):
    /// decoded without it, the tagger does not mark it. Such cues are right
    /// less often ("Hamas seized about 250 people").
    pub tentative: bool,
}

// ---------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------

/// Stand-ins for the words and shapes before the first token and after
/// the last one.
const BOS: u64 = 1;
const EOS: u64 = 2;

// ---------------------------------------------------------------------------
// Tokens of a document, with what the features need to know about each
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Tok {
    start: usize,
    end: usize,
    /// Hashes of the lower-cased word, its last three and last two
    /// characters, and its stem.
    word: u64,
    suffix3: u64,
    suffix2: u64,
    stem: u64,
    /// Word shape ([`shape_of`]).
    shape: u64,
    /// A comma or semicolon.
    comma: bool,
    /// Inside quotation marks (opened earlier in the paragraph, not closed).
    in_quote: bool,
    /// The token is a quotation mark.
    quote_mark: bool,
    /// Word cluster path, its first level and its first two levels (0:
    /// the word has no cluster).
    cl: [u32; 2],
}

impl Tok {
    /// 2 for a quotation mark, 1 inside quotation marks, 0 outside.
    fn quote_state(&self) -> u64 {
        if self.quote_mark {
            2
        } else {
            u64::from(self.in_quote)
        }
    }
}

/// Word shape: 3 a number, 4 punctuation, 5 all capitals ("UN"), 6
/// capitalized ("Gaza"), 7 lower case (1 and 2 are the sentence's edges).
fn shape_of(text: &str, kind: TokenKind) -> u64 {
    match kind {
        TokenKind::Number => 3,
        TokenKind::Punct => 4,
        TokenKind::Word => {
            let mut chars = text.chars();
            let first = chars.next().unwrap_or(' ');
            if first.is_uppercase() {
                if text.chars().skip(1).all(|c| !c.is_lowercase()) && text.chars().count() > 1 {
                    5
                } else {
                    6
                }
            } else {
                7
            }
        }
    }
}

fn is_quote_mark(s: &str) -> bool {
    matches!(s, "\"" | "“" | "”" | "„" | "«" | "»")
}

/// Sentences of `text` as token lists; `paragraphs` and `sentences` as
/// [`segment`] finds them.
fn doc_tokens(text: &str, paragraphs: &[Span], sentences: &[Span]) -> Vec<Vec<Tok>> {
    let mut out = Vec::with_capacity(sentences.len());
    let clusters = crate::entities::word_clusters();
    let mut in_quote = false;
    let mut para = 0usize;
    let mut lower = String::new();
    for &s in sentences {
        while para < paragraphs.len() && paragraphs[para].end <= s.start {
            para += 1;
            in_quote = false;
        }
        let toks: Vec<Token> = segment::tokenize_span(text, s);
        let mut sent = Vec::with_capacity(toks.len());
        for t in toks {
            let raw = &text[t.start..t.end];
            let q = is_quote_mark(raw);
            let cl = match clusters.and_then(|c| c.get(raw)) {
                Some(p) => [1 + p[0] as u32, (1 + p[0] as u32) << 16 | p[1] as u32],
                None => [0, 0],
            };
            lower.clear();
            lower.extend(raw.chars().flat_map(char::to_lowercase));
            let mut tok = Tok {
                cl,
                start: t.start,
                end: t.end,
                word: fnv(&lower),
                suffix3: fnv(suffix(&lower, 3)),
                suffix2: fnv(suffix(&lower, 2)),
                stem: fnv(stem(&lower)),
                shape: shape_of(raw, t.kind),
                comma: matches!(raw, "," | ";"),
                in_quote,
                quote_mark: q,
            };
            if q {
                in_quote = match raw {
                    "“" | "«" | "„" => true,
                    "”" | "»" => false,
                    _ => !in_quote,
                };
                tok.in_quote = in_quote;
            }
            sent.push(tok);
        }
        out.push(sent);
    }
    out
}

// ---------------------------------------------------------------------------
// Features
// ---------------------------------------------------------------------------

fn suffix(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    let skip = s.char_indices().nth(count - n).map_or(0, |(b, _)| b);
    &s[skip..]
}

/// A crude stem: the word without an inflection ending ("says", "saying",
/// "said" stay apart, but "warns", "warned", "warning" meet at "warn").
fn stem(w: &str) -> &str {
    for end in ["ing", "ed", "es", "s"] {
        if let Some(s) = w.strip_suffix(end) {
            if s.chars().count() >= 3 {
                return s;
            }
        }
    }
    w
}

/// The word hash at `i`, or the sentence edge's stand-in.
fn word(sent: &[Tok], i: isize) -> u64 {
    if i < 0 {
        BOS
    } else {
        sent.get(i as usize).map_or(EOS, |t| t.word)
    }
}

fn shape_at(sent: &[Tok], i: isize) -> u64 {
    if i < 0 {
        BOS
    } else {
        sent.get(i as usize).map_or(EOS, |t| t.shape)
    }
}

/// Features of token `i` for the cue tagger that do not depend on tags.
fn cue_static(sent: &[Tok], i: usize, out: &mut Vec<u64>) {
    out.clear();
    let ii = i as isize;
    let w0 = word(sent, ii);
    let (wm1, wp1) = (word(sent, ii - 1), word(sent, ii + 1));
    let (wm2, wp2) = (word(sent, ii - 2), word(sent, ii + 2));
    let t = &sent[i];
    out.push(start(0));
    out.push(k1(1, w0));
    out.push(k1(2, wm1));
    out.push(k1(3, wp1));
    out.push(k1(4, wm2));
    out.push(k1(5, wp2));
    out.push(k2(6, wm1, w0));
    out.push(k2(7, w0, wp1));
    out.push(k1(8, t.suffix3));
    out.push(k1(9, t.suffix2));
    out.push(k1(10, t.shape));
    out.push(k2(11, shape_at(sent, ii - 1), shape_at(sent, ii + 1)));
    let q = t.quote_state();
    out.push(k1(12, q));
    out.push(k2(13, q, w0));
    let near_before = u64::from((i.saturating_sub(3)..i).any(|j| sent[j].quote_mark));
    let near_after = u64::from((i + 1..(i + 4).min(sent.len())).any(|j| sent[j].quote_mark));
    out.push(k2(14, near_before, near_after));
    out.push(k2(15, near_before, w0));
    out.push(k2(16, near_after, w0));
    // first, last, last but one, elsewhere
    let pos = if i == 0 {
        0
    } else if i + 1 == sent.len() {
        1
    } else if i + 2 == sent.len() {
        2
    } else {
        3
    };
    out.push(k2(17, pos, w0));
    out.push(k2(18, t.suffix3, wp1));
    out.push(k2(19, wm1, t.suffix3));
    out.push(k1(24, t.stem));
    out.push(k2(25, t.stem, wp1));
    out.push(k2(26, wm1, t.stem));
    out.push(k1(20, t.cl[0] as u64));
    out.push(k1(21, t.cl[1] as u64));
    if let Some(n) = sent.get(i + 1) {
        out.push(k2(22, t.cl[1] as u64, n.cl[0] as u64));
    }
    if i > 0 {
        out.push(k2(23, sent[i - 1].cl[0] as u64, t.cl[1] as u64));
    }
}

/// Tag-history features of the cue tagger.
fn cue_history(sent: &[Tok], i: usize, prev: usize, out: &mut Vec<u64>) {
    out.push(k1(30, prev as u64));
    out.push(k2(31, prev as u64, sent[i].word));
}

/// Distance bucket: 0, 1, 2, 3, 4-5, 6-10, 11-20, more.
fn bucket(d: usize) -> u64 {
    match d {
        0..=3 => d as u64,
        4..=5 => 4,
        6..=10 => 5,
        11..=20 => 6,
        _ => 7,
    }
}

/// None, one, more.
fn count3(n: usize) -> u64 {
    n.min(2) as u64
}

/// Per-sentence prefix counts used by the role features.
struct Prefix {
    commas: Vec<usize>,
    quotes: Vec<usize>,
    cues: Vec<usize>,
}

impl Prefix {
    fn new(sent: &[Tok], is_cue: &[bool]) -> Prefix {
        let mut p = Prefix {
            commas: vec![0; sent.len() + 1],
            quotes: vec![0; sent.len() + 1],
            cues: vec![0; sent.len() + 1],
        };
        for (i, t) in sent.iter().enumerate() {
            p.commas[i + 1] = p.commas[i] + usize::from(t.comma);
            p.quotes[i + 1] = p.quotes[i] + usize::from(t.quote_mark);
            // Count cue starts only.
            let start = is_cue[i] && (i == 0 || !is_cue[i - 1]);
            p.cues[i + 1] = p.cues[i] + usize::from(start);
        }
        p
    }
    fn between(v: &[usize], a: usize, b: usize) -> usize {
        v[b] - v[a]
    }
}

/// Features of token `j` for the role tagger given a cue over tokens
/// `a..b` (not including `j`), without tag history.
fn role_static(
    sent: &[Tok],
    j: usize,
    (a, b): (usize, usize),
    prefix: &Prefix,
    out: &mut Vec<u64>,
) {
    out.clear();
    let left = j < a;
    let side = u64::from(left);
    let dist = if left { a - j } else { j + 1 - b };
    let db = bucket(dist);
    let jj = j as isize;
    let w0 = word(sent, jj);
    let cue0 = sent[a].word;
    let cue_last = sent[b - 1].word;
    let (lo, hi) = if left { (j + 1, a) } else { (b, j) };
    let commas = count3(Prefix::between(&prefix.commas, lo, hi));
    let quotes = count3(Prefix::between(&prefix.quotes, lo, hi));
    let cues = count3(Prefix::between(&prefix.cues, lo, hi));
    let t = &sent[j];
    let q = t.quote_state();
    let cue_q = u64::from(sent[a].in_quote);
    out.push(k1(40, side));
    out.push(k2(41, side, db));
    out.push(k2(42, side, w0));
    out.push(k2(43, side, t.shape));
    out.push(k2(44, side, word(sent, jj - 1)));
    out.push(k2(45, side, word(sent, jj + 1)));
    out.push(k3(46, side, q, cue_q));
    out.push(k2(47, side, cue0));
    out.push(k3(48, side, cue0, db));
    out.push(k2(49, side, cue_last));
    out.push(k2(50, side, commas));
    out.push(k2(51, side, quotes));
    out.push(k2(52, side, cues));
    out.push(k2(53, side, commas | quotes << 2 | cues << 4));
    out.push(k3(54, side, db, w0));
    out.push(k3(55, side, db, t.shape));
    out.push(k3(56, side, cue0, commas));
    out.push(k3(57, side, cue0, quotes));
    out.push(k3(58, side, word(sent, a as isize - 1), cue0));
    out.push(k3(59, side, cue_last, word(sent, b as isize)));
    out.push(k3(60, side, u64::from(j == 0), db));
    out.push(k3(61, side, cues, db));
    out.push(k2(62, side, t.suffix3));
    out.push(k2(63, side, t.cl[1] as u64));
    out.push(k3(64, side, db, t.cl[0] as u64));
    out.push(k2(65, side, sent[a].cl[1] as u64));
    out.push(k3(66, side, sent[a].stem, db));
}

fn role_history(sent: &[Tok], j: usize, left: bool, prev: usize, out: &mut Vec<u64>) {
    let (p, side) = (prev as u64, u64::from(left));
    out.push(k2(70, p, side));
    out.push(k3(71, p, side, sent[j].word));
    out.push(k3(72, p, side, sent[j].shape));
}

// ---------------------------------------------------------------------------
// Perceptron
// ---------------------------------------------------------------------------

/// Weights of one tagger with `L` tags, quantized: each feature's `L`
/// weights are one hash-table entry of `i16` steps (value = step x
/// `scale`), so a look-up reads one entry, and a key the model lacks is
/// mostly turned away by the table's control bytes, which stay in cache.
#[derive(Debug, Clone)]
struct Weights<const L: usize> {
    rows: KeyMap<[i16; L]>,
    scale: f32,
}

impl<const L: usize> Default for Weights<L> {
    fn default() -> Self {
        Weights {
            rows: KeyMap::default(),
            scale: 1.0,
        }
    }
}

impl<const L: usize> Weights<L> {
    /// Quantize weights to steps of the largest one / 32767; features whose
    /// weights all stay within `prune` steps of zero are left out (with
    /// `prune` 0, those that round to zero).
    fn quantize(entries: impl Iterator<Item = (u64, [f32; L])> + Clone, prune: u16) -> Weights<L> {
        let max = entries
            .clone()
            .flat_map(|(_, v)| v)
            .fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max == 0.0 { 1.0 } else { max / 32767.0 };
        let rows = entries
            .map(|(k, v)| (k, v.map(|x| (x / scale).round() as i16)))
            .filter(|(_, q)| q.iter().any(|x| x.unsigned_abs() > prune))
            .collect();
        Weights { rows, scale }
    }
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn scores(&self, feats: &[u64], out: &mut [f32]) {
        let mut steps = [0i32; L];
        for f in feats {
            if let Some(v) = self.rows.get(f) {
                for (s, x) in steps.iter_mut().zip(v) {
                    *s += *x as i32;
                }
            }
        }
        for (o, s) in out.iter_mut().zip(steps) {
            *o = s as f32 * self.scale;
        }
    }
}

/// An averaged perceptron under training (lazy averaging by time stamps).
struct Learner<const L: usize> {
    /// weight, running sum, last update step; per label.
    w: KeyMap<[(f32, f32, u32); L]>,
    step: u32,
}

impl<const L: usize> Learner<L> {
    fn new() -> Learner<L> {
        Learner {
            w: KeyMap::default(),
            step: 1,
        }
    }
    fn scores(&self, feats: &[u64], out: &mut [f32]) {
        out.iter_mut().for_each(|x| *x = 0.0);
        for f in feats {
            if let Some(v) = self.w.get(f) {
                for (o, x) in out.iter_mut().zip(v) {
                    *o += x.0;
                }
            }
        }
    }
    /// Add `delta` to the weight of `label` for each feature.
    fn add(&mut self, feats: &[u64], label: usize, delta: f32) {
        let step = self.step;
        for f in feats {
            let v = self.w.entry(*f).or_insert([(0.0, 0.0, step); L]);
            let e = &mut v[label];
            e.1 += (step - e.2) as f32 * e.0;
            e.2 = step;
            e.0 += delta;
        }
    }
    fn tick(&mut self) {
        self.step += 1;
    }
    fn averaged(&self, prune: u16) -> Weights<L> {
        let t = self.step as f32;
        Weights::quantize(
            self.w
                .iter()
                .map(|(k, v)| (*k, v.map(|e| (e.1 + (self.step - e.2) as f32 * e.0) / t))),
            prune,
        )
    }
}

fn cue_allowed(prev: usize, tag: usize) -> bool {
    tag != 2 || prev != O
}

fn role_allowed(prev: usize, tag: usize) -> bool {
    match tag {
        I_SRC => prev == B_SRC || prev == I_SRC,
        I_CON => prev == B_CON || prev == I_CON,
        _ => true,
    }
}

/// Scores of one word's features, under the learner in training or the
/// finished weights in decoding.
enum Scorer<'a, const L: usize> {
    Fixed(&'a Weights<L>),
    Learning(&'a Learner<L>),
}

impl<const L: usize> Scorer<'_, L> {
    fn scores(&self, feats: &[u64], out: &mut [f32]) {
        match self {
            Scorer::Fixed(w) => w.scores(feats, out),
            Scorer::Learning(l) => l.scores(feats, out),
        }
    }
}

/// A first-order tagger with `L` tags over one sentence: features of a
/// word without tag history, features that add the previous tag, which tags
/// may follow which, and words whose tag is fixed.
trait Chain<const L: usize> {
    fn len(&self) -> usize;
    fn fixed(&self, _i: usize) -> Option<usize> {
        None
    }
    fn allowed(&self, prev: usize, tag: usize) -> bool;
    fn static_feats(&self, i: usize, out: &mut Vec<u64>);
    fn history_feats(&self, i: usize, prev: usize, out: &mut Vec<u64>);
    /// Added to the score of tag 1 at every word before decoding.
    fn bias(&self) -> f32 {
        0.0
    }
}

/// The lattice of `chain`'s scores under `scorer`.
fn lattice<const L: usize, C: Chain<L>>(chain: &C, scorer: &Scorer<L>) -> Lattice {
    let (mut sf, mut hf) = (Vec::with_capacity(48), Vec::with_capacity(8));
    Lattice::build(
        L,
        chain.len(),
        |i| chain.fixed(i),
        |i, out| {
            chain.static_feats(i, &mut sf);
            scorer.scores(&sf, out);
        },
        |i, p, out| {
            hf.clear();
            chain.history_feats(i, p, &mut hf);
            scorer.scores(&hf, out);
        },
    )
}

/// The best tag sequence of `chain` under `scorer`, with the chain's bias.
fn viterbi<const L: usize, C: Chain<L>>(chain: &C, scorer: &Scorer<L>) -> Vec<usize> {
    lattice(chain, scorer).best(chain.bias(), |p, t| chain.allowed(p, t))
}

/// One structured-perceptron step (Collins 2002): decode the sentence with
/// the learner's weights and, where the best sequence differs from the
/// gold one, move the weights towards the gold tags and away from the
/// guessed ones, word by word with each sequence's own history.
fn learn_chain<const L: usize, C: Chain<L>>(chain: &C, learner: &mut Learner<L>, gold: &[usize]) {
    let guess = viterbi(chain, &Scorer::Learning(learner));
    if guess != gold {
        let mut feats = Vec::with_capacity(48);
        for (i, gp, pp) in mistakes(gold, &guess, O) {
            if chain.fixed(i).is_some() {
                continue;
            }
            for (tags, prev, delta) in [(gold, gp, 1.0f32), (&guess[..], pp, -1.0)] {
                chain.static_feats(i, &mut feats);
                chain.history_feats(i, prev, &mut feats);
                learner.add(&feats, tags[i], delta);
            }
        }
    }
    learner.tick();
}

/// The cue tagger over one sentence.
struct CueChain<'a> {
    sent: &'a [Tok],
    bias: f32,
}

impl Chain<CUE_LABELS> for CueChain<'_> {
    fn len(&self) -> usize {
        self.sent.len()
    }
    fn allowed(&self, prev: usize, tag: usize) -> bool {
        cue_allowed(prev, tag)
    }
    fn static_feats(&self, i: usize, out: &mut Vec<u64>) {
        cue_static(self.sent, i, out);
    }
    fn history_feats(&self, i: usize, prev: usize, out: &mut Vec<u64>) {
        cue_history(self.sent, i, prev, out);
    }
    fn bias(&self) -> f32 {
        self.bias
    }
}

/// The role tagger over one sentence, for the cue over tokens `cue.0..cue.1`
/// (tagged `O`).
struct RoleChain<'a> {
    sent: &'a [Tok],
    cue: (usize, usize),
    prefix: &'a Prefix,
}

impl Chain<ROLE_LABELS> for RoleChain<'_> {
    fn len(&self) -> usize {
        self.sent.len()
    }
    fn fixed(&self, i: usize) -> Option<usize> {
        (i >= self.cue.0 && i < self.cue.1).then_some(O)
    }
    fn allowed(&self, prev: usize, tag: usize) -> bool {
        role_allowed(prev, tag)
    }
    fn static_feats(&self, i: usize, out: &mut Vec<u64>) {
        role_static(self.sent, i, self.cue, self.prefix, out);
    }
    fn history_feats(&self, i: usize, prev: usize, out: &mut Vec<u64>) {
        role_history(self.sent, i, i < self.cue.0, prev, out);
    }
}

/// Cue tags of one sentence, with `bias` added to each word's B score.
fn tag_cues(sent: &[Tok], weights: &Weights<CUE_LABELS>, bias: f32) -> Vec<usize> {
    viterbi(&CueChain { sent, bias }, &Scorer::Fixed(weights))
}

/// Role tags of one sentence for the cue over tokens `cue.0..cue.1`; cue
/// tokens get `O`.
fn tag_roles(
    sent: &[Tok],
    cue: (usize, usize),
    prefix: &Prefix,
    weights: &Weights<ROLE_LABELS>,
) -> Vec<usize> {
    viterbi(&RoleChain { sent, cue, prefix }, &Scorer::Fixed(weights))
}

/// Runs of `begin`/`inside` tags as token ranges.
fn runs(tags: &[usize], begin: usize, inside: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if tags[i] == begin || tags[i] == inside {
            let s = i;
            i += 1;
            while i < tags.len() && tags[i] == inside {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

/// The two taggers.
#[derive(Debug, Clone, Default)]
pub struct Model {
    cue: Weights<CUE_LABELS>,
    role: Weights<ROLE_LABELS>,
    /// Added to the score of a cue's first word: above zero, the tagger
    /// marks more cues than the plain perceptron would (recall for
    /// precision). Chosen on held-out training documents.
    cue_bias: f32,
}

impl Model {
    /// The bias added to a cue's first word (see the field).
    pub fn cue_bias(&self) -> f32 {
        self.cue_bias
    }

    /// Number of features with weights, both taggers together.
    pub fn features(&self) -> usize {
        self.cue.len() + self.role.len()
    }

    /// Attributions in `text`, in text order.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let paragraphs = segment::paragraphs(text);
        let sentences = segment::sentences(text);
        self.find_in_sentences(text, &paragraphs, &sentences)
    }

    /// Every attribution in `doc`, by its sentences when it has them.
    pub fn find_doc(&self, doc: &Document) -> Vec<Found> {
        if doc.sentences.is_empty() {
            self.find(&doc.text)
        } else {
            self.find_in_sentences(&doc.text, &doc.paragraphs, &doc.sentences)
        }
    }

    /// Attributions in `text`, given its paragraphs and sentences.
    pub fn find_in_sentences(
        &self,
        text: &str,
        paragraphs: &[Span],
        sentences: &[Span],
    ) -> Vec<Found> {
        let mut out = Vec::new();
        for sent in doc_tokens(text, paragraphs, sentences) {
            self.find_in(&sent, &mut out);
        }
        out
    }

    fn find_in(&self, sent: &[Tok], out: &mut Vec<Found>) {
        if sent.is_empty() {
            return;
        }
        let chain = CueChain {
            sent,
            bias: self.cue_bias,
        };
        let lattice = lattice(&chain, &Scorer::Fixed(&self.cue));
        let cue_tags = lattice.best(self.cue_bias, cue_allowed);
        let firm = if self.cue_bias > 0.0 {
            lattice.best(0.0, cue_allowed)
        } else {
            cue_tags.clone()
        };
        let cues = runs(&cue_tags, 1, 2);
        if cues.is_empty() {
            return;
        }
        let mut is_cue = vec![false; sent.len()];
        for (a, b) in &cues {
            is_cue[*a..*b].iter_mut().for_each(|x| *x = true);
        }
        let prefix = Prefix::new(sent, &is_cue);
        for &(a, b) in &cues {
            let tags = tag_roles(sent, (a, b), &prefix, &self.role);
            let span = |(s, e): (usize, usize)| Span::new(sent[s].start, sent[e - 1].end);
            // The source nearest the cue; the content as one stretch.
            let source = runs(&tags, B_SRC, I_SRC)
                .into_iter()
                .min_by_key(|&(s, e)| if e <= a { a - e } else { s.saturating_sub(b) })
                .map(span);
            let content = runs(&tags, B_CON, I_CON);
            let content = match (content.first(), content.last()) {
                (Some(f), Some(l)) => Some(span((f.0, l.1))),
                _ => None,
            };
            out.push(Found {
                cue: span((a, b)),
                source,
                content,
                tentative: firm[a..b].iter().all(|&t| t == O),
            });
        }
    }

    /// Layout (little endian): magic `DATR`, version `u32`, the cue bias
    /// `f32`; then for the
    /// cue tagger and the role tagger: label count `u32`, feature count
    /// `u32`, scale `f32`, and per feature its `u64` key and one `i16`
    /// weight per label (value = i16 * scale).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&self.cue_bias.to_le_bytes());
        write_weights(&mut out, &self.cue);
        write_weights(&mut out, &self.role);
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, String> {
        let mut pos = 0usize;
        let mut take = |n: usize| -> Result<&[u8], String> {
            let s = bytes
                .get(pos..pos + n)
                .ok_or_else(|| "attribution model file is truncated".to_string())?;
            pos += n;
            Ok(s)
        };
        if take(4)? != MAGIC {
            return Err("not an attribution model file (bad magic)".into());
        }
        let version = u32::from_le_bytes(take(4)?.try_into().unwrap());
        if version != FORMAT_VERSION {
            return Err(format!(
                "attribution model format {version}, this build reads {FORMAT_VERSION}"
            ));
        }
        let cue_bias = f32::from_le_bytes(take(4)?.try_into().unwrap());
        let cue = read_weights(&mut take, bytes.len())?;
        let role = read_weights(&mut take, bytes.len())?;
        Ok(Model {
            cue,
            role,
            cue_bias,
        })
    }
}

/// One tagger's part of the model file (see [`Model::to_bytes`]), entries in
/// key order so that a model always writes the same bytes.
fn write_weights<const L: usize>(out: &mut Vec<u8>, w: &Weights<L>) {
    let mut entries: Vec<(&u64, &[i16; L])> = w.rows.iter().collect();
    entries.sort_unstable_by_key(|e| *e.0);
    out.extend_from_slice(&(L as u32).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    out.extend_from_slice(&w.scale.to_le_bytes());
    for (k, q) in entries {
        out.extend_from_slice(&k.to_le_bytes());
        for x in q {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
}

/// Reads one tagger's part; `file_len` bounds what a damaged count may
/// reserve.
fn read_weights<'a, const L: usize>(
    take: &mut impl FnMut(usize) -> Result<&'a [u8], String>,
    file_len: usize,
) -> Result<Weights<L>, String> {
    let labels = u32::from_le_bytes(take(4)?.try_into().unwrap()) as usize;
    if labels != L {
        return Err("attribution model has unexpected tag sets".into());
    }
    let n = u32::from_le_bytes(take(4)?.try_into().unwrap()) as usize;
    let scale = f32::from_le_bytes(take(4)?.try_into().unwrap());
    let mut rows = KeyMap::default();
    // The count comes from the file: reserve no more than its bytes hold.
    rows.reserve(n.min(file_len / (8 + 2 * L)));
    for _ in 0..n {
        let k = u64::from_le_bytes(take(8)?.try_into().unwrap());
        let raw = take(2 * L)?;
        let mut q = [0i16; L];
        for (x, c) in q.iter_mut().zip(raw.chunks_exact(2)) {
            *x = i16::from_le_bytes([c[0], c[1]]);
        }
        rows.insert(k, q);
    }
    Ok(Weights { rows, scale })
}

// ---------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------

/// One annotated relation: byte spans per part.
#[derive(Debug, Default, Clone)]
pub struct GoldRelation {
    pub source: Vec<Span>,
    pub cue: Vec<Span>,
    pub content: Vec<Span>,
}

/// A training document: its sentences' tokens, cue tags, and one role
/// example per relation (sentence index, cue tokens, role tags).
struct Example {
    sents: Vec<Vec<Tok>>,
    cue_tags: Vec<Vec<usize>>,
    roles: Vec<(usize, (usize, usize), Vec<usize>)>,
}

fn overlaps(t: &Tok, spans: &[Span]) -> bool {
    spans.iter().any(|s| s.start < t.end && t.start < s.end)
}

fn example(text: &str, rels: &[GoldRelation]) -> Example {
    let sents = doc_tokens(text, &segment::paragraphs(text), &segment::sentences(text));
    let mut cue_tags: Vec<Vec<usize>> = sents.iter().map(|s| vec![O; s.len()]).collect();
    let mut roles = Vec::new();
    for rel in rels {
        let Some(first) = rel.cue.iter().min_by_key(|s| s.start) else {
            continue;
        };
        // Each cue span: B on its first token, I on the rest.
        for span in &rel.cue {
            for (si, sent) in sents.iter().enumerate() {
                let idx: Vec<usize> = (0..sent.len())
                    .filter(|&i| overlaps(&sent[i], std::slice::from_ref(span)))
                    .collect();
                for (n, i) in idx.iter().enumerate() {
                    let tag = if n == 0 { 1 } else { 2 };
                    if cue_tags[si][*i] == O || tag == 1 {
                        cue_tags[si][*i] = tag;
                    }
                }
            }
        }
        // The role example: the sentence of the cue's first span.
        for (si, sent) in sents.iter().enumerate() {
            let idx: Vec<usize> = (0..sent.len())
                .filter(|&i| overlaps(&sent[i], std::slice::from_ref(first)))
                .collect();
            let (Some(&a), Some(&b)) = (idx.first(), idx.last()) else {
                continue;
            };
            let mut tags = vec![O; sent.len()];
            let mut prev = O;
            for (j, t) in sent.iter().enumerate() {
                let tag = if j >= a && j <= b {
                    O
                } else if overlaps(t, &rel.source) {
                    if prev == B_SRC || prev == I_SRC {
                        I_SRC
                    } else {
                        B_SRC
                    }
                } else if overlaps(t, &rel.content) {
                    if prev == B_CON || prev == I_CON {
                        I_CON
                    } else {
                        B_CON
                    }
                } else {
                    O
                };
                tags[j] = tag;
                prev = tag;
            }
            roles.push((si, (a, b + 1), tags));
            break;
        }
    }
    Example {
        sents,
        cue_tags,
        roles,
    }
}

/// Options for [`train`].
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub epochs: usize,
    /// One document in `holdout` (by [`is_held_out`]) is kept out of
    /// training and used to pick the best pass (0: none; the last pass is
    /// kept).
    pub holdout: usize,
    /// After choosing the number of passes and the cue bias on the held-out
    /// documents, train again on all documents with them.
    pub refit: bool,
    pub seed: u64,
    /// Features whose quantized weights all lie within this many steps of
    /// zero (a step is the tagger's largest weight / 32767) are left out of
    /// the model: a smaller table is read faster. Held-out scores are those
    /// of the pruned model, so the choice of passes and cue bias sees it.
    pub prune: u16,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 20,
            holdout: 10,
            refit: true,
            seed: 7,
            // The committed model's level: the largest tried that lost
            // nothing on the held-out documents (models/attribution/MODEL_CARD.md).
            prune: 400,
        }
    }
}

/// Whether a document is kept out of training: by a hash of its text, so
/// the annotations of one text by several annotators fall on one side.
pub fn is_held_out(text: &str, holdout: usize) -> bool {
    holdout > 0 && fnv(text) % holdout as u64 == 0
}

/// Scores on the held-out training documents after each pass.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PassScore {
    pub epoch: usize,
    /// Token-level F1 of cue tags (B or I against O).
    pub cue_f1: f64,
    /// Token-level accuracy of role tags on gold cues (source/content/none).
    pub role_f1: f64,
}

fn f1(tp: usize, fp: usize, fnn: usize) -> f64 {
    if tp == 0 {
        return 0.0;
    }
    let p = tp as f64 / (tp + fp) as f64;
    let r = tp as f64 / (tp + fnn) as f64;
    2.0 * p * r / (p + r)
}

fn score_pass(model: &Model, docs: &[Example]) -> (f64, f64) {
    let (mut ctp, mut cfp, mut cfn) = (0, 0, 0);
    let (mut rtp, mut rfp, mut rfn) = (0, 0, 0);
    for ex in docs {
        for (sent, gold) in ex.sents.iter().zip(&ex.cue_tags) {
            let pred = tag_cues(sent, &model.cue, model.cue_bias);
            for (p, g) in pred.iter().zip(gold) {
                match (*p != O, *g != O) {
                    (true, true) => ctp += 1,
                    (true, false) => cfp += 1,
                    (false, true) => cfn += 1,
                    _ => {}
                }
            }
        }
        for (si, cue, gold) in &ex.roles {
            let sent = &ex.sents[*si];
            let is_cue: Vec<bool> = ex.cue_tags[*si].iter().map(|t| *t != O).collect();
            let prefix = Prefix::new(sent, &is_cue);
            let pred = tag_roles(sent, *cue, &prefix, &model.role);
            let class = |t: usize| (t + 1) / 2;
            for (p, g) in pred.iter().zip(gold) {
                let (p, g) = (class(*p), class(*g));
                if p != 0 && p == g {
                    rtp += 1;
                } else {
                    if p != 0 {
                        rfp += 1;
                    }
                    if g != 0 {
                        rfn += 1;
                    }
                }
            }
        }
    }
    (f1(ctp, cfp, cfn), f1(rtp, rfp, rfn))
}

/// Train both taggers on `(text, relations)` documents; then choose the
/// cue bias on the held-out documents (the mean overlap F1 of source, cue
/// and content). Returns the model, the held-out scores after each pass and at
/// each cue bias.
pub fn train(
    docs: &[(String, Vec<GoldRelation>)],
    opts: &TrainOptions,
    log: &mut dyn FnMut(&PassScore),
) -> (Model, Vec<PassScore>, Vec<BiasScore>) {
    let mut learn = Vec::new();
    let mut held = Vec::new();
    for (text, rels) in docs.iter() {
        let ex = example(text, rels);
        if is_held_out(text, opts.holdout) {
            held.push(ex);
        } else {
            learn.push(ex);
        }
    }
    let mut cue = Learner::<CUE_LABELS>::new();
    let mut role = Learner::<ROLE_LABELS>::new();
    let mut order: Vec<(usize, usize)> = learn
        .iter()
        .enumerate()
        .flat_map(|(d, ex)| (0..ex.sents.len()).map(move |s| (d, s)))
        .collect();
    let mut role_order: Vec<(usize, usize)> = learn
        .iter()
        .enumerate()
        .flat_map(|(d, ex)| (0..ex.roles.len()).map(move |r| (d, r)))
        .collect();
    let mut rng = opts.seed.max(1);
    let mut shuffle = |v: &mut Vec<(usize, usize)>| {
        for i in (1..v.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            v.swap(i, (rng % (i as u64 + 1)) as usize);
        }
    };
    let mut best: Option<(f64, Model, usize)> = None;
    let mut scores = Vec::new();
    for epoch in 1..=opts.epochs {
        shuffle(&mut order);
        shuffle(&mut role_order);
        for &(d, s) in &order {
            let ex = &learn[d];
            let chain = CueChain {
                sent: &ex.sents[s],
                bias: 0.0,
            };
            learn_chain(&chain, &mut cue, &ex.cue_tags[s]);
        }
        for &(d, r) in &role_order {
            let ex = &learn[d];
            let (si, span, gold) = &ex.roles[r];
            let sent = &ex.sents[*si];
            let is_cue: Vec<bool> = ex.cue_tags[*si].iter().map(|t| *t != O).collect();
            let prefix = Prefix::new(sent, &is_cue);
            let chain = RoleChain {
                sent,
                cue: *span,
                prefix: &prefix,
            };
            learn_chain(&chain, &mut role, gold);
        }
        let model = Model {
            cue: cue.averaged(opts.prune),
            role: role.averaged(opts.prune),
            cue_bias: 0.0,
        };
        let (cue_f1, role_f1) = if held.is_empty() {
            (0.0, 0.0)
        } else {
            score_pass(&model, &held)
        };
        let pass = PassScore {
            epoch,
            cue_f1,
            role_f1,
        };
        log(&pass);
        scores.push(pass);
        let total = cue_f1 + role_f1;
        if held.is_empty() || best.as_ref().map_or(true, |(b, _, _)| total > *b) {
            best = Some((total, model, epoch));
        }
    }
    let (_, mut model, best_epoch) = best.unwrap_or_default();
    let mut biases = Vec::new();
    if !held.is_empty() {
        let held_docs: Vec<&(String, Vec<GoldRelation>)> = docs
            .iter()
            .filter(|(text, _)| is_held_out(text, opts.holdout))
            .collect();
        let mut best_bias = (f64::MIN, 0.0f32);
        for bias in CUE_BIASES {
            model.cue_bias = bias;
            let s = overlap_scores(&model, &held_docs);
            let goal = (s.source + s.cue + s.content) / 3.0;
            if goal > best_bias.0 {
                best_bias = (goal, bias);
            }
            biases.push(s);
        }
        model.cue_bias = best_bias.1;
        if opts.refit {
            // The same passes and bias, learned from every document.
            let all = TrainOptions {
                epochs: best_epoch,
                holdout: 0,
                refit: false,
                seed: opts.seed,
                prune: opts.prune,
            };
            let (refit, _, _) = train(docs, &all, &mut |_| {});
            model = Model {
                cue_bias: model.cue_bias,
                ..refit
            };
        }
    }
    (model, scores, biases)
}

/// Cue biases tried on the held-out documents after training.
const CUE_BIASES: [f32; 21] = [
    0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0, 26.0, 28.0, 30.0,
    32.0, 34.0, 36.0, 38.0, 40.0,
];

/// Overlap F1 per part on held-out documents at one cue bias.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BiasScore {
    pub cue_bias: f32,
    pub source: f64,
    pub cue: f64,
    pub content: f64,
}

/// Overlap F1 of source, cue and content spans (each predicted span counts
/// for precision when it shares a byte with a gold span of its part, each
/// gold span for recall when a predicted one shares a byte with it), the
/// measure `dossier eval attribution` reports.
fn overlap_scores(model: &Model, docs: &[&(String, Vec<GoldRelation>)]) -> BiasScore {
    // (predicted ok, predicted, gold ok, gold) per part.
    let mut c = [[0usize; 4]; 3];
    for (text, rels) in docs {
        let found = model.find(text);
        let pred: [Vec<Span>; 3] = [
            found.iter().filter_map(|f| f.source).collect(),
            found.iter().map(|f| f.cue).collect(),
            found.iter().filter_map(|f| f.content).collect(),
        ];
        let gold: [Vec<Span>; 3] = [
            rels.iter().flat_map(|r| r.source.iter().copied()).collect(),
            rels.iter().flat_map(|r| r.cue.iter().copied()).collect(),
            rels.iter()
                .filter_map(|r| {
                    let s = r.content.iter().map(|x| x.start).min()?;
                    let e = r.content.iter().map(|x| x.end).max()?;
                    Some(Span::new(s, e))
                })
                .collect(),
        ];
        for k in 0..3 {
            let (p, g) = (&pred[k], &gold[k]);
            c[k][0] += p.iter().filter(|x| g.iter().any(|y| y.overlaps(x))).count();
            c[k][1] += p.len();
            c[k][2] += g.iter().filter(|y| p.iter().any(|x| x.overlaps(y))).count();
            c[k][3] += g.len();
        }
    }
    let f = |k: usize| {
        let p = c[k][0] as f64 / c[k][1].max(1) as f64;
        let r = c[k][2] as f64 / c[k][3].max(1) as f64;
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    };
    BiasScore {
        cue_bias: model.cue_bias,
        source: f(0),
        cue: f(1),
        content: f(2),
    }
}

/// The annotated documents of a PolNeAR folder.
#[derive(Debug, Default)]
pub struct Polnear {
    /// One entry per annotation file: the text and its relations.
    pub docs: Vec<(String, Vec<GoldRelation>)>,
    /// The annotation file of each document, without its extension.
    pub names: Vec<String>,
    /// Annotation files whose text (or themselves) could not be read.
    pub skipped: Vec<String>,
}

/// Read a PolNeAR folder (`text/NAME.txt`, `attributions/NAME_XXXX.ann`,
/// where `NAME_XXXX.ann` annotates `NAME.txt`).
pub fn read_polnear(dir: &Path) -> std::io::Result<Polnear> {
    let mut anns: Vec<_> = std::fs::read_dir(dir.join("attributions"))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ann"))
        .collect();
    anns.sort();
    let mut out = Polnear::default();
    for ann_path in anns {
        let stem = ann_path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let name = stem.rsplit_once('_').map_or(stem, |(a, _)| a);
        match (
            std::fs::read_to_string(dir.join("text").join(format!("{name}.txt"))),
            std::fs::read_to_string(&ann_path),
        ) {
            (Ok(text), Ok(ann)) => {
                let rels = crate::quotes::eval::parse_brat(&ann, &text);
                out.docs.push((text, rels));
                out.names.push(stem.to_string());
            }
            _ => out.skipped.push(stem.to_string()),
        }
    }
    Ok(out)
}

/// Save a model file.
pub fn save(model: &Model, path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::File::create(path)?;
    f.write_all(&model.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A relation over the first occurrence of each part in `text`.
    fn rel(text: &str, source: &str, cue: &str, content: &str) -> GoldRelation {
        let at = |s: &str| {
            let i = text.find(s).unwrap();
            vec![Span::new(i, i + s.len())]
        };
        GoldRelation {
            source: at(source),
            cue: at(cue),
            content: at(content),
        }
    }

    fn tiny_corpus() -> Vec<(String, Vec<GoldRelation>)> {
        let mut docs = Vec::new();
        let names = ["Alice", "Omar", "Dana", "Yossi", "Maria", "Chen"];
        let verbs = ["said", "told reporters", "added"];
        let claims = [
            "the plan had failed",
            "talks would resume next week",
            "the border stayed closed",
            "aid trucks were waiting",
        ];
        for (i, name) in names.iter().enumerate() {
            for (j, verb) in verbs.iter().enumerate() {
                let claim = claims[(i + j) % claims.len()];
                let text = format!("{name} {verb} {claim}. The weather was mild in the city.");
                let r = rel(&text, name, verb, claim);
                docs.push((text, vec![r]));
            }
        }
        docs
    }

    #[test]
    fn learns_cue_source_and_content_from_examples() {
        let opts = TrainOptions {
            epochs: 5,
            holdout: 0,
            refit: false,
            seed: 3,
            prune: 0,
        };
        let (model, passes, _) = train(&tiny_corpus(), &opts, &mut |_| {});
        assert_eq!(passes.len(), 5);
        let text = "Karim said the crossing was shut. The weather was mild in the city.";
        let found = model.find(text);
        assert_eq!(found.len(), 1, "{found:?}");
        let a = &found[0];
        assert_eq!(a.cue.slice(text), "said");
        assert_eq!(a.source.unwrap().slice(text), "Karim");
        assert_eq!(a.content.unwrap().slice(text), "the crossing was shut");
    }

    #[test]
    fn pruning_drops_features_whose_weights_all_stay_near_zero() {
        // Steps are the largest weight / 32767: 1.0 is 32767 steps, 0.01
        // about 328, 0.02 about 655.
        let entries = vec![
            (1u64, [1.0f32, 0.0, 0.0]),
            (2, [0.0, 0.01, -0.01]),
            (3, [0.0, -0.02, 0.0]),
            (4, [0.0, 0.0, 0.0]),
        ];
        let all = Weights::<3>::quantize(entries.clone().into_iter(), 0);
        assert_eq!(all.len(), 3, "only the all-zero feature goes at 0");
        let pruned = Weights::<3>::quantize(entries.into_iter(), 400);
        let mut kept: Vec<u64> = pruned.rows.keys().copied().collect();
        kept.sort();
        assert_eq!(kept, [1, 3]);
        assert_eq!(pruned.scale, all.scale, "pruning leaves the step alone");
    }

    #[test]
    fn model_file_round_trips_and_bad_files_are_refused() {
        let opts = TrainOptions {
            epochs: 3,
            holdout: 0,
            refit: false,
            seed: 3,
            prune: 0,
        };
        let (mut model, _, _) = train(&tiny_corpus(), &opts, &mut |_| {});
        model.cue_bias = 1.5;
        let bytes = model.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.cue_bias(), 1.5);
        assert_eq!(back.features(), model.features());
        let text = "Omar told reporters the border stayed closed.";
        assert_eq!(back.find(text), model.find(text));
        // the committed file reads and writes back unchanged
        assert!(committed().unwrap().to_bytes() == MODEL_BYTES);
        assert!(Model::from_bytes(&bytes[..bytes.len() / 2])
            .unwrap_err()
            .contains("truncated"));
        assert!(Model::from_bytes(b"NOPE\x01\x00\x00\x00")
            .unwrap_err()
            .contains("magic"));
    }

    /// A toy chain whose features name the word and the previous tag, so
    /// any weights give any scores.
    struct Toy {
        n: usize,
        fixed_at: Option<usize>,
    }

    impl Chain<ROLE_LABELS> for Toy {
        fn len(&self) -> usize {
            self.n
        }
        fn fixed(&self, i: usize) -> Option<usize> {
            (Some(i) == self.fixed_at).then_some(O)
        }
        fn allowed(&self, prev: usize, tag: usize) -> bool {
            role_allowed(prev, tag)
        }
        fn static_feats(&self, i: usize, out: &mut Vec<u64>) {
            out.clear();
            out.push(i as u64);
        }
        fn history_feats(&self, i: usize, prev: usize, out: &mut Vec<u64>) {
            out.push(1000 + 10 * i as u64 + prev as u64);
        }
    }

    /// The score of a whole tag sequence, or none if a transition is barred.
    fn sequence_score(chain: &Toy, w: &Weights<ROLE_LABELS>, tags: &[usize]) -> Option<f32> {
        let mut total = 0.0;
        let (mut feats, mut scores) = (Vec::new(), [0f32; ROLE_LABELS]);
        for (i, &t) in tags.iter().enumerate() {
            let prev = if i == 0 { O } else { tags[i - 1] };
            if let Some(f) = chain.fixed(i) {
                if t != f {
                    return None;
                }
                continue;
            }
            if !chain.allowed(prev, t) {
                return None;
            }
            chain.static_feats(i, &mut feats);
            chain.history_feats(i, prev, &mut feats);
            w.scores(&feats, &mut scores);
            total += scores[t];
        }
        Some(total)
    }

    #[test]
    fn viterbi_finds_the_best_allowed_sequence() {
        let mut rng = 0x9e3779b97f4a7c15u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % 2001) as f32 / 100.0 - 10.0
        };
        for trial in 0..20 {
            let chain = Toy {
                n: 5,
                fixed_at: (trial % 2 == 0).then_some(trial % 5),
            };
            let mut entries = Vec::new();
            for i in 0..5u64 {
                entries.push((i, [(); ROLE_LABELS].map(|_| next())));
                for p in 0..ROLE_LABELS as u64 {
                    entries.push((1000 + 10 * i + p, [(); ROLE_LABELS].map(|_| next())));
                }
            }
            let w = Weights::quantize(entries.into_iter(), 0);
            // Every sequence of five tags, by brute force.
            let mut best = f32::NEG_INFINITY;
            for code in 0..ROLE_LABELS.pow(5) {
                let tags: Vec<usize> = (0..5)
                    .map(|k| code / ROLE_LABELS.pow(k) % ROLE_LABELS)
                    .collect();
                if let Some(s) = sequence_score(&chain, &w, &tags) {
                    best = best.max(s);
                }
            }
            let found = viterbi(&chain, &Scorer::Fixed(&w));
            let got = sequence_score(&chain, &w, &found).expect("an allowed sequence");
            assert!(
                (got - best).abs() < 1e-3,
                "trial {trial}: {got} against {best}"
            );
        }
    }

    #[test]
    fn tentative_cues_are_those_only_the_recall_bias_finds() {
        let m = committed().unwrap();
        assert!(m.cue_bias() > 0.0);
        let text = "Hamas seized about 250 people in the Oct. 7 attack, officials said. \
                    Israel imposed harsh restrictions on humanitarian aid entering Gaza. \
                    Qatar has criticized the decision to close the crossings. \
                    The U.S.-brokered proposal currently on the table calls for a truce. \
                    The court ordered an end to the assault, the minister said. \
                    Israel launched its assault on Gaza after Hamas led the Oct. 7 attacks.";
        let found = m.find(text);
        let mut unbiased = m.clone();
        unbiased.cue_bias = 0.0;
        let firm = unbiased.find(text);
        for f in &found {
            let also = firm.iter().any(|g| g.cue.overlaps(&f.cue));
            assert_eq!(f.tentative, !also, "{}", &text[f.cue.start..f.cue.end]);
        }
        assert!(found.iter().any(|f| f.tentative), "{found:?}");
        assert!(found.iter().any(|f| !f.tentative), "{found:?}");
    }

    #[test]
    fn held_out_documents_are_chosen_by_text() {
        let a = "one text";
        assert_eq!(is_held_out(a, 10), is_held_out(a, 10));
        assert!(!is_held_out(a, 0));
        let held = (0..1000)
            .filter(|i| is_held_out(&format!("text {i}"), 10))
            .count();
        assert!((50..150).contains(&held), "{held}");
    }

    #[test]
    fn committed_model_finds_speech_and_belief() {
        let model = committed().unwrap();
        let text = "The talks have stalled, a senior Israeli official said on Tuesday. \
                    Netanyahu wants a deal that returns all the hostages.";
        let found = model.find(text);
        let said = found
            .iter()
            .find(|a| a.cue.slice(text) == "said")
            .expect("the cue 'said'");
        assert!(said.source.unwrap().slice(text).contains("official"));
        assert!(said
            .content
            .unwrap()
            .slice(text)
            .contains("talks have stalled"));
        let wants = found
            .iter()
            .find(|a| a.cue.slice(text).contains("wants"))
            .expect("the cue 'wants'");
        assert_eq!(wants.source.unwrap().slice(text), "Netanyahu");
    }
}
