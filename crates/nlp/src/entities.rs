//! Named entities (PERSON, ORG, LOC, MISC) and their canonical names.
use dossier_model::Document;

/// The entity recognizer, loaded once per process.
pub struct Recognizer;

impl Recognizer {
    pub fn load() -> Result<Self, String> {
        Ok(Recognizer)
    }
    /// Fill `doc.entities` (replacing what is there), with canonical names
    /// unified within the document.
    pub fn annotate(&self, doc: &mut Document) {
        doc.entities.clear();
    }
}

/// Unify canonical names across documents ("Witkoff" in one report,
/// "Steve Witkoff" in another).
pub fn unify_across(_docs: &mut [Document]) {}
