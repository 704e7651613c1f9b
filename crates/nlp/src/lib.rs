//! Annotators over a [`Document`]: sentences and paragraphs, named entities
//! with canonical names, time expressions (and the publication date when the
//! metadata lacks it), figures, and quotes with their speakers.
//!
//! Each annotator adds one kind of stand-off annotation and never rewrites
//! the text. [`Pipeline`] runs them in order; later annotators read what
//! earlier ones wrote (quotes resolve speakers against entities; figures use
//! time expressions to tell which event a toll belongs to).

pub mod attribution;
pub mod calendar;
pub mod entities;
mod featkey;
pub mod figures;
pub mod quotes;
pub mod segment;
pub mod times;
mod viterbi;

use dossier_model::Document;

/// `re.captures_iter(text)`, faster: the matches are found with the regex's
/// DFA and the slower capture engines run only at each match start. The
/// matches are the same (leftmost-first, non-overlapping).
pub(crate) fn captures_fast<'h>(
    re: &'h regex::Regex,
    text: &'h str,
) -> impl Iterator<Item = regex::Captures<'h>> + 'h {
    re.find_iter(text)
        .filter_map(move |m| re.captures_at(text, m.start()))
}

/// Compile `pat` with every `\b` made an ASCII word boundary.
///
/// News text is rarely pure ASCII (curly quotes, dashes, non-breaking
/// spaces), and the regex crate's fast lazy DFA gives up on a Unicode `\b`
/// as soon as it meets a non-ASCII byte, leaving the much slower PikeVM to
/// scan the whole text. The patterns here anchor on English words, digits
/// and month names, for which the ASCII boundary is the same; the one
/// difference (a letter such as "é" counts as a non-word byte) only matters
/// for a pattern word glued to an accented letter.
pub(crate) fn regex(pat: &str) -> regex::Regex {
    regex::Regex::new(&ascii_word_boundaries(pat)).expect("annotator pattern compiles")
}

fn ascii_word_boundaries(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len() + 16);
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A fixed list of lower-case words with constant-time membership (the set
/// is built on first use; very short lists are scanned).
pub struct WordList {
    words: &'static [&'static str],
    set: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>>,
}

impl WordList {
    pub const fn new(words: &'static [&'static str]) -> WordList {
        WordList {
            words,
            set: std::sync::OnceLock::new(),
        }
    }

    pub fn contains(&self, w: &str) -> bool {
        if self.words.len() <= 8 {
            return self.words.contains(&w);
        }
        self.set
            .get_or_init(|| self.words.iter().copied().collect())
            .contains(w)
    }
}

/// The stages of [`Pipeline::annotate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Paragraphs and sentences.
    Segment,
    Entities,
    /// Time expressions; also estimates the publication date when metadata
    /// lacks one.
    Times,
    /// Figures (they use time expressions to anchor measures).
    Figures,
    /// Quotes (they resolve speakers against entities).
    Quotes,
}

impl Stage {
    /// Every stage, in the order the pipeline runs them.
    pub const ALL: [Stage; 5] = [
        Stage::Segment,
        Stage::Entities,
        Stage::Times,
        Stage::Figures,
        Stage::Quotes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Segment => "segment",
            Stage::Entities => "entities",
            Stage::Times => "times",
            Stage::Figures => "figures",
            Stage::Quotes => "quotes",
        }
    }
}

/// The annotators, loaded once per process and shared across threads.
pub struct Pipeline {
    ner: entities::Recognizer,
    attribution: &'static attribution::Model,
}

impl Pipeline {
    /// Load the models. Fails only when a model file is unreadable.
    pub fn new() -> Result<Self, String> {
        Ok(Pipeline {
            ner: entities::Recognizer::load()?,
            attribution: attribution::committed()?,
        })
    }

    /// Annotate one document in place. Clears earlier annotations first, so
    /// running it twice gives the same result.
    pub fn annotate(&self, doc: &mut Document) {
        for stage in Stage::ALL {
            self.run(stage, doc);
        }
    }

    /// Run one stage on `doc` (stages read what earlier ones wrote, so run
    /// them in the order of [`Stage::ALL`]).
    pub fn run(&self, stage: Stage, doc: &mut Document) {
        match stage {
            Stage::Segment => {
                doc.paragraphs = segment::paragraphs(&doc.text);
                doc.sentences = segment::sentences(&doc.text);
            }
            Stage::Entities => self.ner.annotate(doc),
            Stage::Times => times::annotate(doc),
            Stage::Figures => figures::annotate(doc),
            Stage::Quotes => {
                let learned = self.attribution.find_doc(doc);
                quotes::annotate_with(doc, learned);
            }
        }
    }

    /// Annotate a batch in parallel-friendly order (callers parallelize with
    /// rayon; annotators share only read-only model data).
    pub fn annotate_all(&self, docs: &mut [Document]) {
        for d in docs.iter_mut() {
            self.annotate(d);
        }
        entities::unify_across(docs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii_and_escapes_survive() {
        assert_eq!(ascii_word_boundaries(r"\bmay\b"), r"(?-u:\b)may(?-u:\b)");
        assert_eq!(ascii_word_boundaries(r"a\\b\d"), r"a\\b\d");
        let re = regex(r"(?i)\b(?:may|june)\s+\d{1,2}\b");
        let text = "“Talks resumed” on May 5 — and on June 12’s deadline";
        let found: Vec<_> = re.find_iter(text).map(|m| m.as_str()).collect();
        assert_eq!(found, ["May 5", "June 12"]);
        assert!(!re.is_match("dismay 5"));
    }
}
