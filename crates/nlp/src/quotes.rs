//! (being written)
use dossier_model::Document;

/// Fill `doc.quotes`, replacing what is there.
pub fn annotate(doc: &mut Document) {
    doc.quotes.clear();
}
