//! Canonical names: the one name each entity goes by.
//!
//! Inside a document ([`canonicalize`]) and across documents
//! ([`unify_across`]) the same rules apply:
//! - spelling variants (case, curly or straight apostrophes, periods in
//!   acronyms) share one form;
//! - a one-word PERSON name ("Witkoff", from "Mr. Witkoff") joins the one
//!   full name that ends with it ("Steve Witkoff"); with two candidates it is
//!   ambiguous and stays as it is;
//! - an acronym ("U.S.", "US") joins the one multiword name whose initials
//!   it spells ("United States").
//!
//! Choices never depend on input order: candidates are counted and ties
//! are broken by the text itself.

use dossier_model::{Document, EntityLabel, EntityMention};
use std::collections::{BTreeMap, BTreeSet};

/// Comparison key: lower case, plain apostrophes, no periods, single spaces.
pub(crate) fn key(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '’' | '‘' | 'ʼ' | '`' => s.push('\''),
            '.' => {}
            '\u{2010}' | '\u{2011}' => s.push('-'),
            c if c.is_whitespace() => {
                if !s.ends_with(' ') {
                    s.push(' ')
                }
            }
            c => s.extend(c.to_lowercase()),
        }
    }
    s.trim().to_string()
}

fn words(name: &str) -> Vec<&str> {
    name.split_whitespace().collect()
}

/// The letters of an acronym ("U.S." -> "US", "NATO" -> "NATO"), when
/// `name` is one.
fn acronym_letters(name: &str) -> Option<String> {
    if name.contains(char::is_whitespace) {
        return None;
    }
    let letters: String = name.chars().filter(|c| *c != '.').collect();
    let n = letters.chars().count();
    ((2..=6).contains(&n) && letters.chars().all(|c| c.is_uppercase())).then_some(letters)
}

/// The initials of a multiword name ("United States" -> "US", "Islamic
/// Revolutionary Guard Corps" -> "IRGC"), small joining words skipped.
fn initials(name: &str) -> Option<String> {
    let ws = words(name);
    if ws.len() < 2 {
        return None;
    }
    let mut out = String::new();
    for w in ws {
        if matches!(w, "of" | "the" | "and" | "for" | "de" | "&") {
            continue;
        }
        let c = w.chars().next()?;
        if !c.is_uppercase() {
            return None;
        }
        out.push(c);
    }
    (out.chars().count() >= 2).then_some(out)
}

fn is_person(l: EntityLabel) -> bool {
    l == EntityLabel::Person
}

/// A name's last word's key: the surname of a full name.
fn surname_key(name: &str) -> String {
    key(words(name).last().copied().unwrap_or(""))
}

/// The best of several surface forms: most frequent, then most words, then
/// the form that sorts first. `forms` maps a form to its count.
fn pick(forms: &BTreeMap<String, usize>) -> Option<String> {
    forms
        .iter()
        .max_by(|a, b| {
            a.1.cmp(b.1)
                .then(words(a.0).len().cmp(&words(b.0).len()))
                .then(b.0.cmp(a.0))
        })
        .map(|(f, _)| f.clone())
}

/// Resolve names: `names` holds (name, label, count) for every canonical in
/// play; returns the canonical each name should take.
fn resolve(
    names: &BTreeMap<(String, EntityLabel), usize>,
) -> BTreeMap<(String, EntityLabel), String> {
    // 1. Spelling variants: one form per (key, label), then per key across
    //    labels (the tagger may label one name differently in two places).
    let mut by_key: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for ((n, _), c) in names {
        *by_key
            .entry(key(n))
            .or_default()
            .entry(n.clone())
            .or_default() += c;
    }
    let spelled: BTreeMap<String, String> = by_key
        .iter()
        .filter_map(|(k, forms)| Some((k.clone(), pick(forms)?)))
        .collect();
    let form = |n: &str| {
        spelled
            .get(&key(n))
            .cloned()
            .unwrap_or_else(|| n.to_string())
    };

    // 2. Full PERSON names by surname; the fullest of nested full names.
    let mut full_by_surname: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ((n, l), _) in names {
        if is_person(*l) && words(n).len() >= 2 {
            full_by_surname
                .entry(surname_key(n))
                .or_default()
                .insert(form(n));
        }
    }
    // "Witkoff" with one candidate "Steve Witkoff"; a full name that another
    // one contains word for word ("Benjamin Netanyahu" in "Benjamin Ze'ev
    // Netanyahu") joins it when that is the only such name.
    let person_target = |n: &str| -> Option<String> {
        let cands = full_by_surname.get(&surname_key(n))?;
        let nk: Vec<String> = words(n).iter().map(|w| key(w)).collect();
        let fitting: Vec<&String> = cands
            .iter()
            .filter(|c| {
                let ck: Vec<String> = words(c).iter().map(|w| key(w)).collect();
                ck.len() > nk.len() && nk.iter().all(|w| ck.contains(w))
            })
            .collect();
        match fitting.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    };

    // 3. Acronyms by their letters; multiword names by their initials.
    let mut expansions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ((n, l), _) in names {
        if !is_person(*l) {
            if let Some(i) = initials(n) {
                expansions.entry(i).or_default().insert(form(n));
            }
        }
    }

    let mut out = BTreeMap::new();
    for ((n, l), _) in names {
        let base = form(n);
        let target = if is_person(*l) {
            person_target(&base).unwrap_or(base)
        } else if let Some(letters) = acronym_letters(&base) {
            match expansions
                .get(&letters)
                .map(|s| s.iter().collect::<Vec<_>>())
            {
                Some(v) if v.len() == 1 => v[0].clone(),
                // No single expansion: the plain letters stand for all spellings.
                _ => spelled
                    .get(&key(&base))
                    .cloned()
                    .filter(|f| !f.contains('.'))
                    .unwrap_or(letters),
            }
        } else {
            base
        };
        out.insert((n.clone(), *l), target);
    }
    out
}

/// Set `canonical` on the mentions of one document. Mentions must have
/// `canonical` equal to their cleaned name on entry (as `annotate` makes
/// them).
pub(crate) fn canonicalize(mentions: &mut [EntityMention]) {
    // One label per spelling: the one the tagger gave most often.
    let mut votes: BTreeMap<String, BTreeMap<EntityLabel, usize>> = BTreeMap::new();
    for m in mentions.iter() {
        *votes
            .entry(key(&m.text))
            .or_default()
            .entry(m.label)
            .or_default() += 1;
    }
    for m in mentions.iter_mut() {
        if let Some(v) = votes.get(&key(&m.text)) {
            if let Some((l, _)) = v.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
                m.label = *l;
            }
        }
    }
    // A lone word tagged ORG or MISC that is the surname of a person named
    // in full in the document is that person ("Biden" from "the Biden
    // administration" next to "Joe Biden"). LOC is left alone: "Washington".
    let surnames: BTreeSet<String> = mentions
        .iter()
        .filter(|m| is_person(m.label) && words(&m.text).len() >= 2)
        .map(|m| surname_key(&m.text))
        .collect();
    for m in mentions.iter_mut() {
        if matches!(m.label, EntityLabel::Org | EntityLabel::Misc)
            && words(&m.text).len() == 1
            && surnames.contains(&key(&m.text))
        {
            m.label = EntityLabel::Person;
        }
    }
    apply(mentions.iter_mut().collect());
}

fn apply(mut mentions: Vec<&mut EntityMention>) {
    let mut names: BTreeMap<(String, EntityLabel), usize> = BTreeMap::new();
    for m in mentions.iter() {
        *names.entry((m.canonical.clone(), m.label)).or_default() += 1;
    }
    let map = resolve(&names);
    for m in mentions.iter_mut() {
        if let Some(c) = map.get(&(m.canonical.clone(), m.label)) {
            m.canonical = c.clone();
        }
    }
}

/// Unify canonical names across documents ("Witkoff" in one report,
/// "Steve Witkoff" in another). The result does not depend on the order of
/// `docs`.
///
/// A name labelled differently in different reports ("Qatar" LOC in one,
/// ORG in another) first takes the label most of its mentions carry, all
/// reports counted together (ties broken by the label order, so the result
/// stays independent of document order).
pub fn unify_across(docs: &mut [Document]) {
    let mut votes: BTreeMap<String, BTreeMap<EntityLabel, usize>> = BTreeMap::new();
    for m in docs.iter().flat_map(|d| &d.entities) {
        *votes
            .entry(key(&m.text))
            .or_default()
            .entry(m.label)
            .or_default() += 1;
    }
    for m in docs.iter_mut().flat_map(|d| d.entities.iter_mut()) {
        if let Some((l, _)) = votes
            .get(&key(&m.text))
            .and_then(|v| v.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))))
        {
            if *l != m.label {
                m.label = *l;
                // The canonical was chosen under the old label: start again
                // from the name itself.
                m.canonical = m.text.clone();
            }
        }
    }
    apply(
        docs.iter_mut()
            .flat_map(|d| d.entities.iter_mut())
            .collect(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str, label: EntityLabel) -> EntityMention {
        EntityMention {
            start: 0,
            end: text.len(),
            text: text.into(),
            label,
            canonical: text.into(),
            role: None,
        }
    }
    use EntityLabel::*;

    #[test]
    fn surnames_join_the_full_name() {
        let mut ms = vec![
            m("Witkoff", Person),
            m("Steve Witkoff", Person),
            m("Witkoff", Person),
            m("Netanyahu", Person),
        ];
        canonicalize(&mut ms);
        assert_eq!(ms[0].canonical, "Steve Witkoff");
        assert_eq!(ms[2].canonical, "Steve Witkoff");
        assert_eq!(ms[3].canonical, "Netanyahu");
    }

    #[test]
    fn ambiguous_surname_stays() {
        let mut ms = vec![
            m("Bush", Person),
            m("George Bush", Person),
            m("Jeb Bush", Person),
        ];
        canonicalize(&mut ms);
        assert_eq!(ms[0].canonical, "Bush");
    }

    #[test]
    fn acronyms_join_their_expansion() {
        let mut ms = vec![
            m("U.S.", Loc),
            m("US", Loc),
            m("United States", Loc),
            m("UN", Org),
        ];
        canonicalize(&mut ms);
        assert!(
            ms[..3].iter().all(|x| x.canonical == "United States"),
            "{ms:?}"
        );
        assert_eq!(ms[3].canonical, "UN");
        let mut ms = vec![m("U.S.", Loc), m("US", Loc)];
        canonicalize(&mut ms);
        assert_eq!(
            (ms[0].canonical.as_str(), ms[1].canonical.as_str()),
            ("US", "US")
        );
    }

    #[test]
    fn spelling_variants_share_a_form() {
        let mut ms = vec![
            m("Gideon Sa’ar", Person),
            m("Sa'ar", Person),
            m("Gideon Sa'ar", Person),
            m("Gideon Sa’ar", Person),
        ];
        canonicalize(&mut ms);
        assert!(ms.iter().all(|x| x.canonical == "Gideon Sa’ar"), "{ms:?}");
    }

    #[test]
    fn across_documents_in_any_order() {
        let doc = |ms: Vec<EntityMention>| Document {
            entities: ms,
            ..Default::default()
        };
        let a = doc(vec![m("Witkoff", Person), m("US", Loc)]);
        let b = doc(vec![m("Steve Witkoff", Person), m("United States", Loc)]);
        let mut one = vec![a.clone(), b.clone()];
        let mut two = vec![b, a];
        unify_across(&mut one);
        unify_across(&mut two);
        assert_eq!(one[0].entities[0].canonical, "Steve Witkoff");
        assert_eq!(one[0].entities[1].canonical, "United States");
        assert_eq!(one[0].entities, two[1].entities);
        assert_eq!(one[1].entities, two[0].entities);
    }

    #[test]
    fn labels_are_voted_across_documents() {
        let doc = |ms: Vec<EntityMention>| Document {
            entities: ms,
            ..Default::default()
        };
        let mut docs = vec![
            doc(vec![m("Qatar", Loc), m("Qatar", Loc)]),
            doc(vec![m("Qatar", Org)]),
            doc(vec![m("Qatar", Loc), m("Hamas", Org)]),
        ];
        unify_across(&mut docs);
        assert!(docs
            .iter()
            .flat_map(|d| &d.entities)
            .filter(|x| x.text == "Qatar")
            .all(|x| x.label == Loc));
        assert_eq!(docs[2].entities[1].label, Org);
    }
}
