//! Regrouping a store after documents are added: one policy for the
//! command line (`dossier ingest`, `dossier report`, `dossier watch`) and
//! the API's ingest.

use dossier_model::Document;
use dossier_store::Store;

/// How a regrouping treats the stories already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regroup {
    /// Keep them (and their ids) and place only the documents in none of
    /// them, unless a full clustering is due
    /// ([`dossier_stories::full_regroup_due`]).
    Extend,
    /// Cluster every stored document again.
    Full,
}

/// What [`regroup`] did.
pub struct Regrouped {
    /// Every stored document, entities unified across documents: as the
    /// grouping read them, or read again when another worker's grouping
    /// was kept, so that they cover the stored stories.
    pub documents: Vec<Document>,
    /// False when a grouping over more documents was already stored (by
    /// another worker), which was then kept.
    pub written: bool,
}

/// Groups the stored documents and stores the grouping: by default the
/// stored stories are kept and only new documents join or open stories.
/// With several workers at once, a grouping over fewer documents than the
/// stored one is not written (the stored one is newer).
pub fn regroup(store: &mut dyn Store, how: Regroup) -> dossier_store::Result<Regrouped> {
    let mut docs = store.documents()?;
    dossier_nlp::entities::unify_across(&mut docs);
    let prior: Vec<dossier_stories::PriorStory> = store
        .story_members()?
        .into_iter()
        .map(dossier_stories::PriorStory::from)
        .collect();
    let full = how == Regroup::Full
        || dossier_stories::full_regroup_due(
            docs.len(),
            !prior.is_empty(),
            store.full_grouping_documents()?,
        );
    let prior = if full { &[][..] } else { &prior[..] };
    let g = dossier_stories::group_onto(&docs, prior, &dossier_stories::Options::default());
    let seen = docs.len();
    let written = store.replace_grouping_from(&g.stories, &g.storylines, seen, full)?;
    if !written {
        docs = store.documents()?;
        dossier_nlp::entities::unify_across(&mut docs);
    }
    Ok(Regrouped {
        documents: docs,
        written,
    })
}
