//! A casing lexicon from unlabeled news text: how often each word is
//! written capitalized where case carries meaning (inside a sentence, not
//! after a sentence end or an opening quote, not in a headline).
//!
//! A capitalized word at the start of a sentence says nothing by its case:
//! "Analysts said" and "Witkoff said" look alike. The document can help
//! (other mentions of the word), but a short input has no other mentions.
//! The lexicon gives the tagger that evidence from a large corpus instead:
//! "analysts" is almost never capitalized mid-sentence, "trump" almost
//! always, and a word the corpus never saw is more likely a name than a
//! common word. Keys are hashes of the tagger's normalized word form; the
//! value is a rate bucket (see [`bucket_of`]), so the table is small and
//! stored in the model file.

use std::collections::HashMap;

use super::clusters::tokenize;
use super::tagger::{casing_key, starts_upper, NerError};

/// Buckets of the mid-sentence capitalization rate (`rate < BOUNDS[k]`
/// gives bucket `k`; `rate >= 0.99` gives the last).
const BOUNDS: [f64; 5] = [0.01, 0.1, 0.5, 0.9, 0.99];
/// A word counts only when seen mid-sentence at least this many times.
pub const MIN_COUNT: u32 = 3;

/// Word (hash of the tagger's normalized form) -> capitalization bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Casing {
    map: HashMap<u64, u8>,
}

/// The bucket of a rate of capitalized mid-sentence occurrences.
pub fn bucket_of(rate: f64) -> u8 {
    BOUNDS
        .iter()
        .position(|&b| rate < b)
        .unwrap_or(BOUNDS.len()) as u8
}

fn starts_lower(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_lowercase())
}

/// A line set in title case or capitals (a headline, a byline, a caption
/// credit): case there says nothing about the words. Four in five longer
/// words capitalized: a sentence dense with names still has its verbs and
/// common nouns in lower case.
fn is_headline(tokens: &[String]) -> bool {
    let long: Vec<&String> = tokens
        .iter()
        .filter(|t| t.chars().count() > 3 && t.chars().all(char::is_alphabetic))
        .collect();
    long.len() >= 2 && long.iter().filter(|t| starts_upper(t)).count() * 5 >= long.len() * 4
}

impl Casing {
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The bucket of a word by the hash of its normalized form; `None` for a
    /// word the corpus did not show often enough.
    pub fn get(&self, key: u64) -> Option<u8> {
        self.map.get(&key).copied()
    }

    /// Count capitalized and lower-case mid-sentence occurrences over
    /// `texts` (split into lines; headline-like lines are skipped) and keep
    /// the words seen at least [`MIN_COUNT`] times, keyed as the tagger
    /// looks them up ([`casing_key`]).
    pub fn build(texts: &[String]) -> Casing {
        let mut counts: HashMap<u64, (u32, u32)> = HashMap::new();
        let mut tokens = Vec::new();
        for text in texts {
            for line in text.lines() {
                tokens.clear();
                tokenize(line, &mut tokens);
                if is_headline(&tokens) {
                    continue;
                }
                for i in 1..tokens.len() {
                    let prev = &tokens[i - 1];
                    // Inside a sentence: the previous token is a word or a
                    // comma, never a sentence end, quote, colon or bracket.
                    let inside = prev == ","
                        || prev.chars().next().is_some_and(char::is_alphanumeric)
                            && !prev.ends_with('.');
                    if !inside {
                        continue;
                    }
                    let w = &tokens[i];
                    let (up, low) = (starts_upper(w), starts_lower(w));
                    if !up && !low {
                        continue;
                    }
                    let c = counts.entry(casing_key(w)).or_default();
                    if up {
                        c.0 += 1;
                    } else {
                        c.1 += 1;
                    }
                }
            }
        }
        let map = counts
            .into_iter()
            .filter(|(_, (up, low))| up + low >= MIN_COUNT)
            .map(|(k, (up, low))| (k, bucket_of(up as f64 / (up + low) as f64)))
            .collect();
        Casing { map }
    }

    /// Append the binary form: `u32` count, then per word its `u64` key and
    /// `u8` bucket, keys ascending.
    pub(crate) fn write_bytes(&self, out: &mut Vec<u8>) {
        let mut rows: Vec<(u64, u8)> = self.map.iter().map(|(k, v)| (*k, *v)).collect();
        rows.sort_unstable();
        out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        for (k, v) in rows {
            out.extend_from_slice(&k.to_le_bytes());
            out.push(v);
        }
    }

    /// Read what `write_bytes` wrote; returns the lexicon and the bytes used.
    pub(crate) fn read_bytes(b: &[u8]) -> Result<(Casing, usize), NerError> {
        let bad = || NerError::Model("truncated casing lexicon".into());
        let head: [u8; 4] = b.get(0..4).ok_or_else(bad)?.try_into().map_err(|_| bad())?;
        let n = u32::from_le_bytes(head) as usize;
        let end = 4 + n * 9;
        let body = b.get(4..end).ok_or_else(bad)?;
        let mut map = HashMap::with_capacity(n);
        for row in body.chunks_exact(9) {
            let k = u64::from_le_bytes(row[..8].try_into().map_err(|_| bad())?);
            if row[8] as usize > BOUNDS.len() {
                return Err(NerError::Model(format!(
                    "casing bucket {} out of range",
                    row[8]
                )));
            }
            map.insert(k, row[8]);
        }
        Ok((Casing { map }, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::casing_key as key;

    #[test]
    fn counts_case_inside_sentences_only() {
        let texts = vec![
            "Talks resumed. Analysts said the plan failed, analysts said.\n\
             Officials met Witkoff on Monday and Witkoff said little, and Witkoff left.\n\
             Later, the officials and the officials said the officials agreed.\n\
             BREAKING NEWS FROM THE CAPITAL\n\
             The Envoy Said The Talks Went Well And Analysts Agreed"
                .to_string(),
        ];
        let c = Casing::build(&texts);
        // "Witkoff" three times after a word: always capitalized.
        assert_eq!(c.get(key("Witkoff")), Some(5));
        // "analysts": sentence-initial "Analysts" does not count and the
        // headline line is skipped, which leaves one mid-sentence mention.
        assert_eq!(c.get(key("analysts")), None, "seen mid-sentence once only");
        assert_eq!(c.get(key("officials")), Some(0));
        assert_eq!(c.get(key("said")), Some(0));
        // Headline-like lines count for nothing.
        assert_eq!(c.get(key("breaking")), None);
        assert_eq!(c.get(key("envoy")), None);
    }

    #[test]
    fn buckets_and_bytes_round_trip() {
        assert_eq!(bucket_of(0.0), 0);
        assert_eq!(bucket_of(0.05), 1);
        assert_eq!(bucket_of(0.3), 2);
        assert_eq!(bucket_of(0.7), 3);
        assert_eq!(bucket_of(0.95), 4);
        assert_eq!(bucket_of(1.0), 5);
        let c = Casing {
            map: [(7u64, 0u8), (3, 5), (u64::MAX, 2)].into_iter().collect(),
        };
        let mut b = vec![];
        c.write_bytes(&mut b);
        let (back, used) = Casing::read_bytes(&b).unwrap();
        assert_eq!((back, used), (c, b.len()));
        assert!(Casing::read_bytes(&b[..b.len() - 1]).is_err());
        let mut bad = b.clone();
        *bad.last_mut().unwrap() = 9;
        assert!(Casing::read_bytes(&bad).is_err());
    }
}
