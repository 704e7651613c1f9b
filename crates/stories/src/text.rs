//! Word-level text handling shared by the grouping stages: words with byte
//! offsets, content terms (stop words dropped, Snowball-stemmed), a fallback
//! sentence splitter for documents that arrive without sentence spans, and
//! the normalization used to match quotes across outlets.
//!
//! Kept here rather than taken from `dossier_nlp::segment` so that grouping
//! depends only on the data model: documents read back from the store or
//! built by hand group the same way.

use dossier_model::{Document, Span};
use dossier_nlp::{calendar, WordList};
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

pub(crate) fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// One word: byte span in the text and its normalized form (lower case,
/// hyphens inside compounds and separators inside numbers removed, so
/// "cease-fire" and "ceasefire" meet, "60‑day" becomes "60day" and
/// "1,200" becomes "1200").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    pub norm: String,
}

/// Words of `text`, in order. Apostrophes end a word ("Hamas’s" gives
/// "hamas" and "s"); callers drop one-letter words.
pub(crate) fn words(text: &str) -> Vec<Word> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut norm = String::new();
        let mut j = i;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_alphanumeric() {
                norm.extend(c.to_lowercase());
                j += 1;
                continue;
            }
            let prev = chars[j - 1].1;
            let next = chars.get(j + 1).map(|p| p.1);
            let joins = match next {
                Some(n) if is_hyphen(c) => prev.is_alphanumeric() && n.is_alphanumeric(),
                Some(n) if c == ',' || c == '.' => prev.is_ascii_digit() && n.is_ascii_digit(),
                _ => false,
            };
            if !joins {
                break;
            }
            j += 1;
        }
        let end = if j < chars.len() {
            chars[j].0
        } else {
            text.len()
        };
        out.push(Word { start, end, norm });
        i = j;
    }
    out
}

/// Function words and the reporting vocabulary every news report shares;
/// they carry no evidence that two reports are about one event.
static STOP: WordList = WordList::new(&[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "two",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "s",
    "t",
    "re",
    "ve",
    "ll",
    "d",
    "m",
    // reporting and web-page vocabulary
    "said",
    "says",
    "say",
    "told",
    "tell",
    "according",
    "report",
    "reported",
    "reports",
    "reporting",
    "added",
    "news",
    "mr",
    "mrs",
    "ms",
    "dr",
    "stated",
    "statement",
    "comment",
    "comments",
    "reply",
    "continue",
    "reading",
    "published",
    "read",
    "share",
    "click",
    "email",
    "subscribe",
    // (weekdays and months: see `is_stop`)
    "week",
    "weeks",
    "day",
    "days",
    "today",
    "yesterday",
    "tomorrow",
    "year",
    "years",
    "month",
    "months",
    "time",
    "last",
    "next",
    "first",
    "new",
]);

/// True for a word of the stop-word list alone (no calendar words).
pub(crate) fn is_stop_word(w: &str) -> bool {
    STOP.contains(w)
}

/// The Snowball stem of a lower-cased word.
pub(crate) fn stem(w: &str) -> String {
    stemmer().stem(w).into_owned()
}

pub(crate) fn is_stop(w: &str) -> bool {
    // Weekdays and months date a report; they do not tell what it is about.
    STOP.contains(w)
        || calendar::is_weekday(w)
        || calendar::names_a_month(w)
        || calendar::is_month_abbreviation(w)
}

/// The content terms of a text: words of two or more characters that are
/// not stop words, stemmed when alphabetic. Returns (term, surface) pairs;
/// the surface (lower-cased word) is kept to print terms readably.
pub(crate) fn content_terms(text: &str) -> Vec<(String, String)> {
    words(text)
        .into_iter()
        .filter(|w| w.norm.chars().count() >= 2 && !is_stop(&w.norm))
        .map(|w| {
            let term = if w.norm.chars().all(|c| c.is_alphabetic()) {
                stemmer().stem(&w.norm).into_owned()
            } else {
                w.norm.clone()
            };
            (term, w.norm)
        })
        .collect()
}

/// Quote text reduced to its words, for matching the same words across
/// outlets whatever the quotation marks, dashes or spacing.
pub(crate) fn normalize_quote(text: &str) -> String {
    let ws: Vec<String> = words(text).into_iter().map(|w| w.norm).collect();
    ws.join(" ")
}

/// Abbreviations after which a period does not end a sentence.
const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "prof", "lt", "col", "sgt", "capt",
    "no", "vs", "inc", "corp", "co", "jr", "sr", "u.s", "u.n", "u.k", "e.g", "i.e", "etc",
    "approx",
];

/// Sentence spans of a document: its own when the annotator set them (and
/// they are valid for its text), else a plain splitter: every line is a
/// block, and a block is cut after `.`, `!` or `?` (plus closing quotes)
/// followed by a space and a capital, digit or opening quote, unless the
/// period ends a known abbreviation or a single initial.
pub(crate) fn sentence_spans(doc: &Document) -> Vec<Span> {
    let t = &doc.text;
    let valid: Vec<Span> = doc
        .sentences
        .iter()
        .copied()
        .filter(|s| {
            s.start < s.end
                && s.end <= t.len()
                && t.is_char_boundary(s.start)
                && t.is_char_boundary(s.end)
        })
        .collect();
    if !valid.is_empty() {
        return valid;
    }
    split_sentences(t)
}

pub(crate) fn split_sentences(t: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in t.split_inclusive('\n') {
        let base = line_start;
        line_start += line.len();
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut seg_start = 0usize;
        let mut k = 0;
        while k < chars.len() {
            let (pos, c) = chars[k];
            if matches!(c, '.' | '!' | '?') {
                let mut e = k + 1;
                while e < chars.len() && matches!(chars[e].1, '"' | '”' | '’' | '\'' | ')') {
                    e += 1;
                }
                let next_is_space = e < chars.len() && chars[e].1.is_whitespace();
                let mut n = e;
                while n < chars.len() && chars[n].1.is_whitespace() {
                    n += 1;
                }
                let starts = n < chars.len()
                    && (chars[n].1.is_uppercase()
                        || chars[n].1.is_ascii_digit()
                        || matches!(chars[n].1, '"' | '“' | '‘' | '\''));
                let word_before: String = {
                    let head = &line[..pos];
                    let w = head
                        .rsplit(|ch: char| ch.is_whitespace() || ch == '(')
                        .next()
                        .unwrap_or("");
                    w.to_lowercase()
                };
                let abbrev = c == '.'
                    && (ABBREV.contains(&word_before.as_str())
                        || calendar::is_month_abbreviation(&word_before)
                        || (word_before.chars().count() == 1
                            && word_before.chars().all(|ch| ch.is_alphabetic())));
                if next_is_space && starts && !abbrev {
                    let end_b = if e < chars.len() {
                        chars[e].0
                    } else {
                        line.len()
                    };
                    push_trimmed(&mut out, line, base, seg_start, end_b);
                    seg_start = chars[n].0;
                    k = n;
                    continue;
                }
            }
            k += 1;
        }
        push_trimmed(&mut out, line, base, seg_start, line.len());
    }
    out
}

fn push_trimmed(out: &mut Vec<Span>, line: &str, base: usize, s: usize, e: usize) {
    let seg = &line[s..e];
    let lead = seg.len() - seg.trim_start().len();
    let trimmed = seg.trim();
    if !trimmed.is_empty() {
        let start = base + s + lead;
        out.push(Span::new(start, start + trimmed.len()));
    }
}

/// An update note or a list dash opening a sentence: "(Update 9:45 p.m.
/// Cairo, 2:45 p.m. ET)", "-- (Updated 3:53 p.m.)", "— ". Live pages put
/// them before each new paragraph; in a summary or a timeline they stand
/// between the reader and what happened. A dateline ("CAIRO (CNN) --")
/// stays: it says where the report was filed from.
fn lead_in_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^(?:(?:\(\s*(?i:update[ds]?)\b[^)]{0,80}\)\s*(?:--|[–—:-])?|--|[–—])\s+)+",
        )
        .expect("lead-in pattern")
    })
}

/// Length in bytes of the update note or list dash that opens `t` (0 when
/// there is none, or when nothing of at least three words would follow).
pub(crate) fn lead_in(t: &str) -> usize {
    let Some(m) = lead_in_re().find(t) else {
        return 0;
    };
    let rest = &t[m.end()..];
    if word_count(rest) < 3
        || !rest
            .starts_with(|c: char| c.is_uppercase() || c == '"' || c == '“' || c.is_ascii_digit())
    {
        return 0;
    }
    m.end()
}

/// `s` without the update note or list dash that opens it ([`lead_in`]),
/// so the sentence a summary shows, and the span it links to, start at the
/// report's own words.
pub(crate) fn without_lead_in(text: &str, s: Span) -> Span {
    let n = lead_in(s.slice(text));
    Span::new(s.start + n, s.end)
}

/// Number of words in a text.
pub(crate) fn word_count(text: &str) -> usize {
    words(text).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_and_numbers_are_one_word() {
        let ws: Vec<String> = words("A 60\u{2011}day cease-fire; 1,200 killed. Hamas’s")
            .into_iter()
            .map(|w| w.norm)
            .collect();
        assert_eq!(
            ws,
            vec!["a", "60day", "ceasefire", "1200", "killed", "hamas", "s"]
        );
    }

    #[test]
    fn word_offsets_fall_on_char_boundaries() {
        let t = "“Très bien,” dit Benjamín — ok";
        for w in words(t) {
            assert!(t.is_char_boundary(w.start) && t.is_char_boundary(w.end));
            assert_eq!(t[w.start..w.end].to_lowercase(), w.norm);
        }
    }

    #[test]
    fn content_terms_drop_stop_words_and_stem() {
        let terms: Vec<String> =
            content_terms("The hostages were released on Monday, officials said.")
                .into_iter()
                .map(|t| t.0)
                .collect();
        assert_eq!(terms, vec!["hostag", "releas", "offici"]);
    }

    #[test]
    fn quotes_match_across_quote_styles() {
        assert_eq!(
            normalize_quote("“We are in the  final stretch”"),
            normalize_quote("\"we are in the final stretch\"")
        );
    }

    #[test]
    fn update_notes_and_list_dashes_are_lead_ins() {
        let cases = [
            ("(Update 9:45 p.m. Cairo, 2:45 p.m. ET) Egypt's health minister said 611 were hurt.", "Egypt's"),
            ("-- (Update 3:53 p.m. Cairo) Opposition leaders called for calm.", "Opposition"),
            ("( Updated 10:14 p.m. ) -- Obama spoke about the situation.", "Obama"),
            ("— Aid reached the capital on Friday.", "Aid"),
        ];
        for (t, rest) in cases {
            assert!(t[lead_in(t)..].starts_with(rest), "{t:?}");
        }
        // Datelines stay, and so do sentences that only look like one.
        for t in [
            "CAIRO, Egypt (CNN) -- Protesters filled the square on Tuesday.",
            "NEW ORLEANS -- No oil appeared to be leaking from the rig.",
            "(Updates with new toll) -- now.",
            "The update -- issued late -- changed nothing.",
            "-- so he said.",
        ] {
            assert_eq!(lead_in(t), 0, "{t:?}");
        }
        let text = "x\n(Update 2 p.m.) Shelling resumed in Homs on Monday.";
        let s = without_lead_in(text, Span::new(2, text.len()));
        assert_eq!(s.slice(text), "Shelling resumed in Homs on Monday.");
    }

    #[test]
    fn splitter_respects_abbreviations_and_lines() {
        let t = "Headline here\nMr. Witkoff met U.S. officials on Oct. 7. He said “It is done.” Then he left.";
        let s: Vec<&str> = split_sentences(t).iter().map(|s| s.slice(t)).collect();
        assert_eq!(
            s,
            vec![
                "Headline here",
                "Mr. Witkoff met U.S. officials on Oct. 7.",
                "He said “It is done.”",
                "Then he left."
            ]
        );
    }
}
