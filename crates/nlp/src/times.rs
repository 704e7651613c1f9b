//! (being written)
use dossier_model::Document;

/// Fill `doc.times`, replacing what is there.
pub fn annotate(doc: &mut Document) {
    doc.times.clear();
}
