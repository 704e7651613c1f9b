//! Tokens, sentences and paragraphs, as byte spans into the clean text.
//!
//! Sentences come from `sentencex` (abbreviation-aware: "Mr.", "U.S.",
//! "Oct. 7"); paragraphs are runs of text between blank lines or line
//! breaks, since the clean text keeps one paragraph per line.

use dossier_model::Span;

/// Paragraph spans: each non-empty line, trimmed.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let trimmed = body.trim();
        if !trimmed.is_empty() {
            let s = pos + lead;
            out.push(Span::new(s, s + trimmed.len()));
        }
        pos += line.len();
    }
    out
}

/// Sentence spans, trimmed of surrounding white space, never crossing a
/// paragraph boundary.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for p in paragraphs(text) {
        let para = p.slice(text);
        for b in sentencex::get_sentence_boundaries("en", para) {
            let raw = &para[b.start_byte..b.end_byte];
            let lead = raw.len() - raw.trim_start().len();
            let t = raw.trim();
            if t.is_empty() {
                continue;
            }
            let s = p.start + b.start_byte + lead;
            out.push(Span::new(s, s + t.len()));
        }
    }
    out
}

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

/// A token: a byte span and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

impl Token {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Joiners that stay inside a word when letters or digits stand on both
/// sides: apostrophes (Sa'ar, Sa’ar), hyphens (al-Ansari, 60‑day with a
/// non-breaking hyphen), periods in abbreviations (U.S.), and digit group
/// separators (1,200).
fn is_inner_joiner(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '-' | '\u{2011}' | '\u{2010}' | '.' | ',' | '&'
    )
}

/// Split `text[span]` into tokens. Words keep inner apostrophes and hyphens;
/// numbers keep their separators; abbreviations with inner periods keep a
/// final period ("U.S."); every other character is a punctuation token.
pub fn tokenize_span(text: &str, span: Span) -> Vec<Token> {
    let s = &text[span.start..span.end];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (off, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if is_word_char(c) {
            let mut j = i + 1;
            let mut has_inner_period = false;
            while j < chars.len() {
                let cj = chars[j].1;
                if is_word_char(cj) {
                    j += 1;
                } else if is_inner_joiner(cj) && j + 1 < chars.len() && is_word_char(chars[j + 1].1)
                {
                    // A comma joins only digit groups: "1,200" but not "Gaza,Israel".
                    if cj == ','
                        && !(chars[j - 1].1.is_ascii_digit() && chars[j + 1].1.is_ascii_digit())
                    {
                        break;
                    }
                    if cj == '.' {
                        let prev_digit = chars[j - 1].1.is_ascii_digit();
                        let next_digit = chars[j + 1].1.is_ascii_digit();
                        // "3.5" or "U.S": letters must be single ("U.S.") to join.
                        let single_letter = j >= 1
                            && chars[j - 1].1.is_alphabetic()
                            && (j < 2 || !is_word_char(chars[j - 2].1) || chars[j - 2].1 == '.');
                        if !(prev_digit && next_digit) && !single_letter {
                            break;
                        }
                        if !prev_digit {
                            has_inner_period = true;
                        }
                    }
                    j += 2;
                } else {
                    break;
                }
            }
            // Keep the closing period of "U.S." as part of the token.
            if has_inner_period && j < chars.len() && chars[j].1 == '.' {
                j += 1;
            }
            let end = if j < chars.len() { chars[j].0 } else { s.len() };
            let word = &s[off..end];
            let kind = if word.chars().next().is_some_and(|c| c.is_ascii_digit())
                && word
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            out.push(Token {
                start: span.start + off,
                end: span.start + end,
                kind,
            });
            i = j;
        } else {
            let end = off + c.len_utf8();
            out.push(Token {
                start: span.start + off,
                end: span.start + end,
                kind: TokenKind::Punct,
            });
            i += 1;
        }
    }
    out
}

/// Tokens of the whole text.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_span(text, Span::new(0, text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<&str> {
        tokenize(t).iter().map(|k| k.text(t)).collect()
    }

    #[test]
    fn tokens_keep_names_numbers_and_abbreviations() {
        assert_eq!(
            words("Sa’ar met al-Ansari."),
            vec!["Sa’ar", "met", "al-Ansari", "."]
        );
        assert_eq!(
            words("some 1,200 people, 3.5%"),
            vec!["some", "1,200", "people", ",", "3.5", "%"]
        );
        assert_eq!(words("The U.S. envoy"), vec!["The", "U.S.", "envoy"]);
        assert_eq!(
            words("a 60\u{2011}day truce"),
            vec!["a", "60\u{2011}day", "truce"]
        );
        assert_eq!(
            words("“final stretch.”"),
            vec!["“", "final", "stretch", ".", "”"]
        );
    }

    #[test]
    fn sentences_respect_titles_and_paragraphs() {
        let t = "Mr. Witkoff met Mr. Trump on Oct. 7. He left.\nA new paragraph";
        let s: Vec<&str> = sentences(t).iter().map(|s| s.slice(t)).collect();
        assert_eq!(
            s,
            vec![
                "Mr. Witkoff met Mr. Trump on Oct. 7.",
                "He left.",
                "A new paragraph"
            ]
        );
    }

    #[test]
    fn paragraphs_are_trimmed_lines() {
        let t = "  one\n\n two \n";
        let p: Vec<&str> = paragraphs(t).iter().map(|s| s.slice(t)).collect();
        assert_eq!(p, vec!["one", "two"]);
    }
}
