//! Annotators over a [`Document`]: sentences and paragraphs, named entities
//! with canonical names, time expressions (and the publication date when the
//! metadata lacks it), figures, and quotes with their speakers.
//!
//! Each annotator adds one kind of stand-off annotation and never rewrites
//! the text. [`Pipeline`] runs them in order; later annotators read what
//! earlier ones wrote (quotes resolve speakers against entities; figures use
//! time expressions to tell which event a toll belongs to).

pub mod entities;
pub mod figures;
pub mod quotes;
pub mod segment;
pub mod times;

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

/// The annotators, loaded once per process and shared across threads.
pub struct Pipeline {
    ner: entities::Recognizer,
}

impl Pipeline {
    /// Load the models. Fails only when a model file is unreadable.
    pub fn new() -> Result<Self, String> {
        Ok(Pipeline {
            ner: entities::Recognizer::load()?,
        })
    }

    /// Annotate one document in place. Clears earlier annotations first, so
    /// running it twice gives the same result.
    pub fn annotate(&self, doc: &mut Document) {
        doc.paragraphs = segment::paragraphs(&doc.text);
        doc.sentences = segment::sentences(&doc.text);
        self.ner.annotate(doc);
        // Time first: it estimates the publication date when metadata lacks
        // one, and figures use time expressions to anchor measures.
        times::annotate(doc);
        figures::annotate(doc);
        quotes::annotate(doc);
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
