//! A gazetteer for the tagger's gazetteer features: known place names
//! (countries, continents, US states, cities), matched in a sentence token
//! by token.
//!
//! A name the training text (1996 Reuters) never shows is learned from its
//! context alone; a list of the world's places gives the tagger evidence for
//! "Kherson", "Rafah" or "Khan Younis" as places whatever the context. The
//! tagger learns how far to trust a match (many place names are also
//! surnames or common words: "Bush", "Mobile"), so the list is evidence,
//! not a rule. Names are kept as hashes of their tokens' normalized forms,
//! the same hashes the tagger computes for every word, with the text of
//! each name so the model file can be written again.

use std::path::Path;

use super::tagger::{casing_key, starts_upper, NerError};
use crate::featkey::{mix, KeyMap, FNV_OFFSET};

/// Categories of names, in bit order of a match's category set.
pub const CATEGORIES: [&str; 4] = ["country", "continent", "state", "city"];
/// Longest name matched, in tokens.
const MAX_TOKENS: usize = 5;

/// Known names: the hash of each name's token sequence -> the set of its
/// categories (one bit each, [`CATEGORIES`] order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceNames {
    names: KeyMap<u8>,
    /// Each name's category bits and text, for writing the model file.
    entries: Vec<(u8, String)>,
}

/// Where a token falls in the name that covers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// 0: a one-token name; 1: first token; 2: inside; 3: last token.
    pub position: u8,
    /// Category bits of the name.
    pub categories: u8,
}

/// The hash of a token sequence, from its tokens' normalized-form hashes.
fn sequence_hash(tokens: impl Iterator<Item = u64>) -> u64 {
    tokens.fold(mix(FNV_OFFSET, 0x6761_7a), mix)
}

impl PlaceNames {
    /// Build from `(category, name)` pairs; a name is split into tokens at
    /// spaces. Unknown categories and names longer than five tokens are
    /// refused.
    pub fn from_names<'a>(
        names: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<PlaceNames, String> {
        let mut g = PlaceNames::default();
        let mut bits: std::collections::BTreeMap<String, u8> = Default::default();
        for (cat, name) in names {
            let c = CATEGORIES
                .iter()
                .position(|k| *k == cat)
                .ok_or_else(|| format!("unknown gazetteer category {cat:?}"))?;
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let n = name.split(' ').count();
            if name.is_empty() || n > MAX_TOKENS || name.len() > 255 {
                return Err(format!("gazetteer name {name:?}: empty or too long"));
            }
            *bits.entry(name).or_default() |= 1 << c;
        }
        for (name, b) in bits {
            // Two spellings of one name ("St. Louis", "ST. LOUIS") share a
            // hash: their categories join.
            let h = sequence_hash(name.split(' ').map(casing_key));
            *g.names.entry(h).or_default() |= b;
            g.entries.push((b, name));
        }
        Ok(g)
    }

    /// Read `category<TAB>name` lines (`scripts/ner/gazetteer.py` writes
    /// them).
    pub fn read_tsv(path: &Path) -> Result<PlaceNames, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut rows = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let (cat, name) = line
                .split_once('\t')
                .ok_or_else(|| format!("{}: line {}: no tab", path.display(), i + 1))?;
            rows.push((cat.trim(), name.trim()));
        }
        PlaceNames::from_names(rows).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The name covering each token of a sentence, if any: from the left,
    /// the longest known name starting at a capitalized token, then on
    /// after it. `hashes` are the tokens' normalized-form hashes.
    pub fn matches(&self, words: &[&str], hashes: &[u64]) -> Vec<Option<Match>> {
        let n = words.len();
        let mut out = vec![None; n];
        if self.names.is_empty() {
            return out;
        }
        let mut i = 0;
        while i < n {
            let found = if starts_upper(words[i]) {
                (1..=MAX_TOKENS.min(n - i)).rev().find_map(|len| {
                    let h = sequence_hash(hashes[i..i + len].iter().copied());
                    self.names.get(&h).map(|&c| (len, c))
                })
            } else {
                None
            };
            match found {
                Some((len, categories)) => {
                    for (k, slot) in out[i..i + len].iter_mut().enumerate() {
                        let position = match (len, k) {
                            (1, _) => 0,
                            (_, 0) => 1,
                            (_, k) if k + 1 == len => 3,
                            _ => 2,
                        };
                        *slot = Some(Match {
                            position,
                            categories,
                        });
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    /// Append the binary form: `u32` count, then per name its category
    /// bits `u8`, length `u8` and bytes.
    pub(crate) fn write_bytes(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for (b, name) in &self.entries {
            out.push(*b);
            out.push(name.len() as u8);
            out.extend_from_slice(name.as_bytes());
        }
    }

    /// Read what `write_bytes` wrote; returns the gazetteer and the bytes
    /// used.
    pub(crate) fn read_bytes(b: &[u8]) -> Result<(PlaceNames, usize), NerError> {
        let bad = |m: &str| NerError::Model(format!("gazetteer: {m}"));
        let head: [u8; 4] = b
            .get(0..4)
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| bad("truncated"))?;
        let n = u32::from_le_bytes(head) as usize;
        let mut pos = 4;
        let mut rows = Vec::with_capacity(n.min(b.len() / 3));
        for _ in 0..n {
            let (&bits, &len) = (
                b.get(pos).ok_or_else(|| bad("truncated"))?,
                b.get(pos + 1).ok_or_else(|| bad("truncated"))?,
            );
            let name = b
                .get(pos + 2..pos + 2 + len as usize)
                .ok_or_else(|| bad("truncated"))?;
            let name = std::str::from_utf8(name).map_err(|_| bad("a name is not UTF-8"))?;
            if bits == 0 || bits >> CATEGORIES.len() != 0 {
                return Err(bad("category bits out of range"));
            }
            for (c, cat) in CATEGORIES.iter().enumerate() {
                if bits & 1 << c != 0 {
                    rows.push((*cat, name));
                }
            }
            pos += 2 + len as usize;
        }
        let g = PlaceNames::from_names(rows).map_err(|e| bad(&e))?;
        Ok((g, pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(words: &[&str]) -> Vec<u64> {
        words.iter().map(|w| casing_key(w)).collect()
    }

    #[test]
    fn longest_capitalized_name_wins_and_round_trips() {
        let g = PlaceNames::from_names([
            ("city", "York"),
            ("state", "New York"),
            ("city", "New York"),
            ("city", "Khan Younis"),
            ("country", "Mobile"),
        ])
        .unwrap();
        let words = [
            "Talks", "in", "New", "York", "and", "Khan", "Younis", "on", "mobile", "phones",
        ];
        let m = g.matches(&words, &hashes(&words));
        let both = 1 << 2 | 1 << 3;
        assert_eq!(
            m[2],
            Some(Match {
                position: 1,
                categories: both
            })
        );
        assert_eq!(
            m[3],
            Some(Match {
                position: 3,
                categories: both
            }),
            "not the city York alone"
        );
        assert_eq!(m[5].map(|x| x.position), Some(1));
        assert_eq!(m[6].map(|x| x.position), Some(3));
        assert_eq!(m[8], None, "a lower-case word is not a name");
        assert!(m[0].is_none() && m[1].is_none());
        let caps = ["NEW", "YORK"];
        assert!(
            g.matches(&caps, &hashes(&caps))[1].is_some(),
            "headline capitals"
        );
        let mut bytes = Vec::new();
        g.write_bytes(&mut bytes);
        bytes.extend_from_slice(b"rest");
        let (back, used) = PlaceNames::read_bytes(&bytes).unwrap();
        assert_eq!(back, g);
        assert_eq!(&bytes[used..], b"rest");
        assert!(PlaceNames::read_bytes(&bytes[..used - 2]).is_err());
        assert!(PlaceNames::from_names([("river", "Nile")]).is_err());
    }
}
