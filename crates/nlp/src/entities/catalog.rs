//! The canonical entities of a set of documents: one record per entity
//! (label + canonical name) with a stable id, the surface forms it goes by,
//! the roles given to it, and its mention count per outlet.
//!
//! Run [`super::unify_across`] on the documents first so that names are
//! canonical across the whole set.

use dossier_model::{Document, EntityLabel};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One canonical entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CanonicalEntity {
    /// Stable id: a hash of the label and the canonical name, so the same
    /// entity has the same id in every run and every store.
    pub id: String,
    pub label: EntityLabel,
    pub canonical: String,
    /// Surface forms and how often each was written, most frequent first.
    pub aliases: Vec<(String, usize)>,
    /// Roles given by titles or appositions, most frequent first.
    pub roles: Vec<String>,
    /// All mentions.
    pub mentions: usize,
    /// Mentions per outlet (publisher, else the host of the URL, else
    /// "unknown").
    pub outlets: BTreeMap<String, usize>,
    /// Ids of the documents that mention it.
    pub documents: Vec<String>,
}

/// FNV-1a, 64 bits: a stable hash needing no dependency.
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// The id of an entity: `e` + 16 hex digits of a hash of label and name.
pub fn entity_id(label: EntityLabel, canonical: &str) -> String {
    format!(
        "e{:016x}",
        fnv(&format!("{}\u{1f}{}", label.as_str(), canonical))
    )
}

/// The outlet a document comes from.
pub fn outlet(doc: &Document) -> String {
    if let Some(p) = doc
        .publisher
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        return p.to_string();
    }
    if let Some(u) = doc.url.as_deref() {
        let rest = u.split_once("://").map_or(u, |(_, r)| r);
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.strip_prefix("www.").unwrap_or(host);
        if !host.is_empty() {
            return host.to_string();
        }
    }
    "unknown".to_string()
}

/// The canonical entities of `docs`, most mentioned first (ties by label
/// and name).
pub fn catalog(docs: &[Document]) -> Vec<CanonicalEntity> {
    #[derive(Default)]
    struct Acc {
        aliases: BTreeMap<String, usize>,
        roles: BTreeMap<String, usize>,
        outlets: BTreeMap<String, usize>,
        docs: BTreeSet<String>,
        n: usize,
    }
    let mut by: BTreeMap<(EntityLabel, String), Acc> = BTreeMap::new();
    for d in docs {
        let o = outlet(d);
        for m in &d.entities {
            let a = by.entry((m.label, m.canonical.clone())).or_default();
            a.n += 1;
            *a.aliases.entry(m.text.clone()).or_default() += 1;
            if let Some(r) = &m.role {
                *a.roles.entry(r.clone()).or_default() += 1;
            }
            *a.outlets.entry(o.clone()).or_default() += 1;
            a.docs.insert(d.id.clone());
        }
    }
    let by_count = |m: BTreeMap<String, usize>| {
        let mut v: Vec<(String, usize)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    let mut out: Vec<CanonicalEntity> = by
        .into_iter()
        .map(|((label, canonical), a)| CanonicalEntity {
            id: entity_id(label, &canonical),
            label,
            aliases: by_count(a.aliases),
            roles: by_count(a.roles).into_iter().map(|(r, _)| r).collect(),
            mentions: a.n,
            outlets: a.outlets,
            documents: a.docs.into_iter().collect(),
            canonical,
        })
        .collect();
    out.sort_by(|a, b| {
        b.mentions
            .cmp(&a.mentions)
            .then(a.label.cmp(&b.label))
            .then(a.canonical.cmp(&b.canonical))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_model::EntityMention;

    fn m(text: &str, canonical: &str, label: EntityLabel, role: Option<&str>) -> EntityMention {
        EntityMention {
            start: 0,
            end: text.len(),
            text: text.into(),
            label,
            canonical: canonical.into(),
            role: role.map(Into::into),
        }
    }

    #[test]
    fn entities_gather_aliases_roles_and_outlets() {
        let a = Document {
            id: "a".into(),
            publisher: Some("Reuters".into()),
            entities: vec![
                m(
                    "Steve Witkoff",
                    "Steve Witkoff",
                    EntityLabel::Person,
                    Some("US envoy"),
                ),
                m("Witkoff", "Steve Witkoff", EntityLabel::Person, None),
            ],
            ..Default::default()
        };
        let b = Document {
            id: "b".into(),
            url: Some("https://www.bbc.co.uk/news/x".into()),
            entities: vec![
                m("Witkoff", "Steve Witkoff", EntityLabel::Person, None),
                m("Qatar", "Qatar", EntityLabel::Loc, None),
            ],
            ..Default::default()
        };
        let c = catalog(&[a, b]);
        assert_eq!(c.len(), 2);
        let w = &c[0];
        assert_eq!((w.canonical.as_str(), w.mentions), ("Steve Witkoff", 3));
        assert_eq!(
            w.aliases,
            vec![("Witkoff".to_string(), 2), ("Steve Witkoff".to_string(), 1)]
        );
        assert_eq!(w.roles, ["US envoy"]);
        assert_eq!(w.outlets.get("Reuters"), Some(&2));
        assert_eq!(w.outlets.get("bbc.co.uk"), Some(&1));
        assert_eq!(w.documents, ["a", "b"]);
        // Ids depend on label and name only.
        assert_eq!(w.id, entity_id(EntityLabel::Person, "Steve Witkoff"));
        assert_ne!(
            entity_id(EntityLabel::Loc, "Washington"),
            entity_id(EntityLabel::Person, "Washington")
        );
        assert!(w.id.starts_with('e') && w.id.len() == 17);
    }
}
