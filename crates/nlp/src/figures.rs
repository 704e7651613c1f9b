//! (being written)
use dossier_model::Document;

/// Fill `doc.figures`, replacing what is there.
pub fn annotate(doc: &mut Document) {
    doc.figures.clear();
}
