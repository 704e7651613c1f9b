//! Figures: the quantities a report gives (counts, durations, percentages,
//! money, ordinals), normalized, with what they count, their hedge, their
//! attributed source and a cross-document measure key.
//!
//! Numbers are found by pattern (digits, words, ranges, vague plurals such as
//! "tens of thousands", percentages, money); durations come from the time
//! expressions already in `doc.times`. What is counted is read from the noun
//! phrase after the number and the event verb around it ("people were
//! killed", "killed about 1,200 people"); the hedge from the words before it.
use dossier_model::{Document, EntityLabel, Figure, FigureKind, Span, TimeType};
use once_cell::sync::Lazy;
use regex::Regex;

/// Regex fragment matching a number written in words ("six", "twenty-four",
/// "one hundred", "fifteen"). Case-insensitive flags are up to the caller.
pub(crate) const NUMBER_WORDS: &str = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)(?:\s+(?:hundred|thousand|million|billion))*";

fn word_value(w: &str) -> Option<f64> {
    let v = match w {
        "zero" => 0.0,
        "a" | "an" | "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    };
    Some(v)
}

fn scale_value(w: &str) -> Option<f64> {
    match w {
        "hundred" => Some(100.0),
        "thousand" => Some(1e3),
        "million" | "mln" | "m" => Some(1e6),
        "billion" | "bln" | "bn" => Some(1e9),
        "trillion" => Some(1e12),
        "dozen" => Some(12.0),
        _ => None,
    }
}

/// Parse a number written in digits or words: "1,200" -> 1200, "46,500",
/// "1.5 million", "six", "twenty-four", "a dozen", "two hundred".
/// Returns None when the text is not a number.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim().to_lowercase();
    let s = s.replace(['\u{2011}', '\u{2010}', '\u{2013}'], "-");
    if s.is_empty() {
        return None;
    }
    let mut total = 0.0f64;
    let mut current: Option<f64> = None;
    let mut any = false;
    for tok in s
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|t| !t.is_empty())
    {
        if tok == "and" {
            continue;
        }
        if tok.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            let digits: String = tok.chars().filter(|c| *c != ',').collect();
            let v: f64 = digits.parse().ok()?;
            if current.is_some() {
                return None;
            }
            current = Some(v);
            any = true;
        } else if let Some(v) = word_value(tok) {
            current = Some(current.unwrap_or(0.0) + v);
            any = true;
        } else if let Some(m) = scale_value(tok) {
            let c = current.unwrap_or(1.0);
            if m >= 1000.0 {
                total += c * m;
                current = None;
            } else {
                current = Some(c * m);
            }
            any = true;
        } else {
            return None;
        }
    }
    if !any {
        return None;
    }
    Some(total + current.unwrap_or(0.0))
}

/// Hedges before a number and their normalized form, longest first.
const QUALIFIERS: &[(&str, &str)] = &[
    ("in excess of", "more than"),
    ("upwards of", "more than"),
    ("no fewer than", "at least"),
    ("no less than", "at least"),
    ("no more than", "at most"),
    ("an estimated", "about"),
    ("approximately", "about"),
    ("just shy of", "nearly"),
    ("more than", "more than"),
    ("fewer than", "less than"),
    ("less than", "less than"),
    ("just over", "more than"),
    ("just under", "less than"),
    ("as many as", "up to"),
    ("estimated", "about"),
    ("roughly", "about"),
    ("around", "about"),
    ("about", "about"),
    ("some", "about"),
    ("nearly", "nearly"),
    ("almost", "nearly"),
    ("close to", "nearly"),
    ("at least", "at least"),
    ("at most", "at most"),
    ("up to", "up to"),
    ("exactly", "exactly"),
    ("precisely", "exactly"),
    ("over", "more than"),
    ("above", "more than"),
    ("under", "less than"),
    ("below", "less than"),
];

/// The hedge that ends right before `pos` (white space between allowed):
/// its normalized form and where it starts.
fn qualifier_before(text: &str, pos: usize) -> Option<(&'static str, usize)> {
    let before = text[..pos].trim_end_matches([' ', '\u{a0}']);
    let low = before.to_ascii_lowercase();
    for (q, norm) in QUALIFIERS {
        if low.ends_with(q) {
            let s = before.len() - q.len();
            let ok = s == 0 || !before[..s].ends_with(|c: char| c.is_alphanumeric());
            if ok && before.is_char_boundary(s) {
                return Some((norm, s));
            }
        }
    }
    None
}

static NUMBER_RE: Lazy<Regex> = Lazy::new(|| {
    let num =
        format!(r"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|a\s+dozen|{NUMBER_WORDS})");
    let scale = r"(?:\s*(?:million|billion|trillion|thousand|bn|mln)\b)";
    let pat = format!(
        r"(?i)(?P<cur>US\$|\$|€|£|₪)\s?(?P<mnum>{num}){scale}?|\bbetween\s+(?P<lo>{num})\s+and\s+(?P<hi>{num})\b|\bfrom\s+(?P<lo2>{num})\s+to\s+(?P<hi2>{num})\b|\b(?P<lo3>\d[\d,]*)\s*[-–]\s*(?P<hi3>\d[\d,]*)\b|\b(?P<vague>tens\s+of\s+thousands|hundreds\s+of\s+thousands|tens\s+of\s+millions|dozens|hundreds|thousands|millions)\b|\b(?P<num>{num}){scale}?\b(?P<pct>\s*%|\s+percent\b|\s+per\s+cent\b)?(?P<cur2>\s+(?:dollars|shekels|euros|pounds|yen)\b)?"
    );
    crate::regex(&pat)
});

static ORDINAL_RE: Lazy<Regex> = Lazy::new(|| {
    crate::regex(
        r"(?i)\b(?P<o>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d+(?:st|nd|rd|th))\b",
    )
});

fn ordinal_value(s: &str) -> Option<f64> {
    let l = s.to_ascii_lowercase();
    let words = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "eleventh", "twelfth",
    ];
    if let Some(i) = words.iter().position(|w| *w == l) {
        return Some(i as f64 + 1.0);
    }
    l.trim_end_matches(|c: char| c.is_alphabetic()).parse().ok()
}

/// Words that end a counted noun phrase.
const NP_STOP: &[&str] = &[
    "in",
    "on",
    "at",
    "for",
    "from",
    "to",
    "with",
    "by",
    "of",
    "into",
    "during",
    "since",
    "between",
    "under",
    "over",
    "after",
    "before",
    "across",
    "who",
    "whom",
    "which",
    "that",
    "and",
    "or",
    "but",
    "as",
    "than",
    "while",
    "were",
    "was",
    "are",
    "is",
    "have",
    "has",
    "had",
    "been",
    "being",
    "will",
    "would",
    "could",
    "may",
    "might",
    "remain",
    "remained",
    "remains",
    "still",
    "the",
    "a",
    "an",
    "its",
    "their",
    "his",
    "her",
    "this",
    "these",
    "those",
    "per",
    "said",
    "says",
    "according",
    "including",
    "also",
    "more",
    "each",
    "alone",
    "so",
    "far",
    "it",
    "they",
    "he",
    "she",
    "we",
    "not",
    "did",
    "do",
    "does",
    "can",
    "must",
    "should",
    "there",
    "here",
    "then",
    "because",
    "if",
    "when",
    "where",
    "out",
    "up",
    "down",
    "off",
    "about",
    "around",
    "nearly",
    "almost",
    "met",
    "came",
    "went",
    "took",
    "made",
    "held",
    "left",
    "led",
    "saw",
    "gave",
    "got",
    "began",
    "spoke",
    "fled",
    "sat",
    "ran",
    "won",
    "lost",
    "told",
    "sent",
    "kept",
    "stood",
    "brought",
    "became",
    "died",
    "remain",
    "say",
    "want",
    "wants",
];

/// Nouns for people; counts of them have unit `person`.
const PEOPLE: &[&str] = &[
    "people",
    "person",
    "persons",
    "palestinians",
    "israelis",
    "civilians",
    "children",
    "women",
    "men",
    "hostages",
    "hostage",
    "prisoners",
    "prisoner",
    "captives",
    "soldiers",
    "fighters",
    "militants",
    "officials",
    "leaders",
    "residents",
    "journalists",
    "workers",
    "detainees",
    "victims",
    "patients",
    "refugees",
    "others",
    "dead",
    "members",
    "troops",
    "migrants",
    "students",
    "voters",
    "adults",
    "babies",
    "infants",
    "staff",
    "employees",
    "casualties",
    "families",
    "individuals",
    "survivors",
    "doctors",
    "nurses",
    "protesters",
    "settlers",
];

/// Participles and adjectives that say what happened to those counted.
static EVENT_AFTER: Lazy<Regex> = Lazy::new(|| {
    crate::regex(
        r"(?i)^(?:(?:who|that|which)\s+)?(?:(?:were|was|are|is|have|has|had|been|being|reportedly|also|later|still|now|since|already|remain|remained|remains|believed\s+to\s+be|thought\s+to\s+be)\s+)*(?P<v>killed\s+(?:and|or)\s+(?:wounded|injured)|killed|wounded|injured|taken\s+(?:hostage|captive|prisoner)|abducted|kidnapped|seized|captured|released|freed|displaced|arrested|detained|missing|dead|died|evacuated|held)\b",
    )
});
static EVENT_BEFORE: Lazy<Regex> = Lazy::new(|| {
    crate::regex(
        r"(?i)\b(?P<v>killed\s+(?:and|or)\s+(?:wounded|injured)|killed|wounded|injured|abducted|kidnapped|seized|captured|released|freed|displaced|arrested|detained|evacuated|took|taken|kill|release|free)\s*$",
    )
});
static TOLL_BEFORE: Lazy<Regex> = Lazy::new(|| {
    crate::regex(r"(?i)\b(?:death\s+toll|deaths|fatalities|dead|killed)\b[^.;]{0,40}$")
});
static SOURCE_AFTER: Lazy<Regex> =
    Lazy::new(|| crate::regex(r"(?i)\baccording\s+to\s+[^,.;:—–(]+"));
static SAID_AFTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r",\s+(?P<s>(?:the\s+)?[A-Za-z][\w’'\- ]{2,60}?)\s+(?:said|says|reported|reports|estimated|estimates)\.?\s*$").unwrap()
});

fn words_with_pos(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let w = c.is_alphanumeric() || c == '-' || c == '\u{2011}' || c == '\'' || c == '’';
        match (w, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
                if !c.is_whitespace() {
                    // Punctuation ends the phrase.
                    out.push((i, &s[i..i + c.len_utf8()]));
                }
            }
            (false, None) if !c.is_whitespace() => out.push((i, &s[i..i + c.len_utf8()])),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

fn is_verbish(w: &str) -> bool {
    let l = w.to_lowercase();
    let nounish_ing = [
        "fighting",
        "building",
        "buildings",
        "meeting",
        "meetings",
        "shelling",
        "bombing",
        "bombings",
        "killing",
        "killings",
        "funding",
        "housing",
    ];
    if nounish_ing.contains(&l.as_str()) {
        return false;
    }
    (l.ends_with("ed")
        && l.len() > 4
        && !["red", "armed", "united", "hundred"].contains(&l.as_str()))
        || (l.ends_with("ing") && l.len() > 5)
        || (l.ends_with("ly")
            && l.len() > 4
            && !["italy", "family", "ally", "assembly", "supply"].contains(&l.as_str()))
}

/// The noun phrase right after `pos`: up to three words, stopping at a
/// preposition, verb, determiner or punctuation. Returns it and its end.
fn noun_phrase_after(text: &str, pos: usize, sentence_end: usize) -> (String, usize) {
    let seg = &text[pos..sentence_end.max(pos)];
    let mut words: Vec<&str> = Vec::new();
    let mut end = pos;
    let toks = words_with_pos(seg);
    let mut i = 0;
    // "tens of thousands of people", "1,000 of them": skip a leading "of".
    if toks.first().is_some_and(|t| t.1.eq_ignore_ascii_case("of")) {
        i = 1;
        if toks
            .get(1)
            .is_some_and(|t| matches!(t.1.to_lowercase().as_str(), "them" | "those" | "whom"))
        {
            return (String::new(), pos);
        }
    }
    while let Some((off, w)) = toks.get(i) {
        let l = w.to_lowercase();
        if !w.chars().next().is_some_and(|c| c.is_alphabetic())
            || NP_STOP.contains(&l.as_str())
            || words.len() == 3
        {
            break;
        }
        if is_verbish(w) {
            // A participle is a modifier only before a noun: "living
            // hostages", "remaining captives".
            let next_is_noun = toks.get(i + 1).is_some_and(|(_, n)| {
                n.chars().next().is_some_and(|c| c.is_alphabetic())
                    && !NP_STOP.contains(&n.to_lowercase().as_str())
                    && !is_verbish(n)
            });
            if !(words.is_empty() && next_is_noun) {
                break;
            }
        }
        words.push(w);
        end = pos + off + w.len();
        i += 1;
    }
    (words.join(" "), end)
}

/// The nearest char boundary at or before `pos`.
fn floor_boundary(text: &str, mut pos: usize) -> usize {
    pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

fn singular(w: &str) -> String {
    let l = w.to_lowercase();
    if let Some(s) = l.strip_suffix("ies") {
        format!("{s}y")
    } else if l.ends_with("ss") || !l.ends_with('s') || l.len() < 4 {
        l
    } else {
        l[..l.len() - 1].to_string()
    }
}

fn sentence_bounds(sentences: &[Span], pos: usize, len: usize) -> (usize, usize, usize) {
    match sentences
        .iter()
        .position(|s| s.start <= pos && pos < s.end.max(s.start + 1))
    {
        Some(i) => (sentences[i].start, sentences[i].end, i),
        None => (0, len, 0),
    }
}

/// The event class of a figure from what happened to those counted, the
/// head noun and the sentence.
fn event_class(verb: Option<&str>, head: &str, sentence: &str) -> Option<&'static str> {
    let s = sentence.to_lowercase();
    let head = head.to_lowercase();
    let prisoners = matches!(
        head.as_str(),
        "prisoners" | "prisoner" | "detainees" | "detainee"
    );
    let hostages = matches!(
        head.as_str(),
        "hostages" | "hostage" | "captives" | "captive"
    );
    let exchange = s.contains("releas")
        || s.contains("freed")
        || s.contains("free ")
        || s.contains("exchange");
    if let Some(v) = verb.map(|v| v.to_lowercase()) {
        let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
        if v.starts_with("killed") && (v.contains("wounded") || v.contains("injured")) {
            return Some("killed and wounded");
        }
        return Some(match v.as_str() {
            "killed" | "kill" | "dead" | "died" => "killed",
            "wounded" | "injured" => "wounded",
            "taken hostage" | "taken captive" | "taken prisoner" | "abducted" | "kidnapped"
            | "seized" | "captured" | "took" | "taken" => "taken hostage",
            "released" | "freed" | "release" | "free" if prisoners => "prisoners released",
            "released" | "freed" | "release" | "free" if hostages => "hostages released",
            "released" | "freed" | "release" | "free" => "released",
            "displaced" | "evacuated" => "displaced",
            "arrested" | "detained" if !hostages => "arrested",
            "missing" => "missing",
            "held" if hostages => "hostages held",
            "held" if prisoners && exchange => "prisoners released",
            "held" if prisoners => "prisoners held",
            _ => return None,
        });
    }
    if prisoners {
        return Some(if exchange {
            "prisoners released"
        } else {
            "prisoners held"
        });
    }
    if hostages {
        return Some("hostages held");
    }
    match head.as_str() {
        "dead" | "deaths" | "fatalities" | "bodies" => Some("killed"),
        "casualties" => Some("killed and wounded"),
        "trucks" | "truck" | "lorries" if s.contains("aid") => Some("aid trucks"),
        _ => None,
    }
}

static DATE_VALUE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(?:\d{4}|XXXX)(?:-\d{2}(?:-\d{2})?)?$").unwrap());
static PLACE_RE: Lazy<Regex> = Lazy::new(|| {
    crate::regex(
        r"\b(?:in|on|across|throughout)\s+(?:the\s+)?(?P<p>[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)*)",
    )
});

/// The date a figure applies to: the date expression of its sentence
/// nearest the figure, not one after "since" (which opens a period).
fn date_for(doc: &Document, sent: (usize, usize), fig: (usize, usize)) -> Option<String> {
    doc.times
        .iter()
        .filter(|t| {
            t.start >= sent.0
                && t.end <= sent.1
                && t.kind == TimeType::Date
                && DATE_VALUE.is_match(&t.value)
        })
        .filter(|t| {
            !doc.text[sent.0..t.start]
                .to_lowercase()
                .trim_end()
                .ends_with("since")
        })
        .min_by_key(|t| {
            if t.end <= fig.0 {
                fig.0 - t.end
            } else {
                t.start.saturating_sub(fig.1)
            }
        })
        .map(|t| t.value.clone())
}

/// Places a sentence states after "in", "on", "across" or "throughout"
/// (capitalized words that are not a month, a weekday or an opening
/// function word), with their offsets in the document.
fn places_in(doc: &Document, sent: (usize, usize)) -> Vec<(usize, usize, &str)> {
    let s = &doc.text[sent.0..sent.1];
    let mut out = Vec::new();
    for c in crate::captures_fast(&PLACE_RE, s) {
        let Some(p) = c.name("p") else { continue };
        let first = p.as_str().split_whitespace().next().unwrap_or("");
        if crate::times::recognize(p.as_str(), &[])
            .iter()
            .any(|m| m.start == 0)
            || ["The", "A", "An", "This"].contains(&first)
        {
            continue;
        }
        out.push((sent.0 + p.start(), sent.0 + p.end(), p.as_str()));
    }
    out
}

/// The place a figure applies to: of the places its sentence states
/// (`places`, from [`places_in`]) that the entity recognizer tagged as a
/// location ("in Gaza", not "in Hamas custody"), the nearest one in the
/// figure's own clause (no comma, semicolon, colon or dash between them:
/// in "its assault on Gaza after the attacks, in which 1,200 were killed",
/// Gaza is not where they were killed). None when entities were not
/// annotated.
fn place_for(
    doc: &Document,
    places: &[(usize, usize, &str)],
    fig: (usize, usize),
) -> Option<String> {
    places
        .iter()
        .filter(|(s, e, _)| {
            doc.entities
                .iter()
                .any(|x| x.label == EntityLabel::Loc && x.start < *e && *s < x.end)
        })
        .filter_map(|&(s, e, p)| {
            let (gap, dist) = if e <= fig.0 {
                (&doc.text[e..fig.0], fig.0 - e)
            } else if s >= fig.1 {
                (&doc.text[fig.1..s], s - fig.1)
            } else {
                return None;
            };
            (!gap.contains([',', ';', ':', '—', '–'])).then_some((dist, p))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| p.to_string())
}

/// The anchor of a measure: the date of the event the sentence names
/// ([`date_for`]), else the first place the sentence states (`places`),
/// lower-cased.
fn anchor(date: Option<&str>, places: &[(usize, usize, &str)]) -> Option<String> {
    date.map(str::to_string)
        .or_else(|| places.first().map(|(_, _, p)| p.to_lowercase()))
}

fn measure_key(class: &str, anchor: Option<String>) -> String {
    match anchor {
        Some(a) => format!("{class}@{a}"),
        None => class.to_string(),
    }
}

fn source_in(sentence: &str, after: usize) -> Option<String> {
    let tail = sentence.get(after..)?;
    if let Some(m) = SOURCE_AFTER.find(tail) {
        return Some(m.as_str().trim().to_string());
    }
    // "..., the ministry said." at the end of the sentence.
    SAID_AFTER
        .captures(tail)
        .and_then(|c| c.name("s"))
        .map(|m| m.as_str().trim().to_string())
}

const TRUCE_NOUNS: &[&str] = &[
    "truce",
    "ceasefire",
    "cease-fire",
    "pause",
    "lull",
    "halt",
    "armistice",
];

/// Fill `doc.figures`, replacing what is there. Reads `doc.times` (run the
/// time annotator first): durations come from it, numbers inside dates are
/// not figures, and event dates anchor measures.
///
/// `Figure::measure` has the form `<class>` or `<class>@<anchor>`, where
/// `<class>` comes from a small lexicon of event classes (`killed`,
/// `wounded`, `killed and wounded`, `taken hostage`, `hostages held`,
/// `hostages released`, `bodies held`, `prisoners released`, `prisoners held`, `displaced`,
/// `arrested`, `missing`, `aid trucks`, `truce length`) and `<anchor>` is
/// the TIMEX3 value of the event date the sentence names (`2023-10-07`,
/// `XXXX-10-07`: `X` digits are unknown and match anything) or, failing
/// that, the lower-cased place it states (`gaza`). Durations of truces carry
/// no anchor.
pub fn annotate(doc: &mut Document) {
    doc.figures.clear();
    let owned;
    let sentences: &[Span] = if doc.sentences.is_empty() {
        owned = crate::segment::sentences(&doc.text);
        &owned
    } else {
        &doc.sentences
    };
    let text = doc.text.as_str();
    let mut figs: Vec<Figure> = Vec::new();
    let blocked: Vec<(usize, usize)> = doc.times.iter().map(|t| (t.start, t.end)).collect();
    let overlaps_time = |s: usize, e: usize| blocked.iter().any(|(a, b)| s < *b && *a < e);

    // Durations, from the time expressions.
    for t in doc.times.iter().filter(|t| t.kind == TimeType::Duration) {
        let Some(num_txt) = t.text.split(['-', '\u{2011}', '\u{2010}', ' ']).next() else {
            continue;
        };
        let mut words: Vec<&str> = t
            .text
            .split(['-', '\u{2011}', '\u{2010}', ' '])
            .filter(|w| !w.is_empty())
            .collect();
        words.pop();
        // "the past 20 years": the number follows the determiner.
        while words.first().is_some_and(|w| parse_number(w).is_none()) {
            words.remove(0);
        }
        let value = parse_number(&words.join(" ")).or_else(|| parse_number(num_txt));
        let Some(value) = value else { continue };
        let unit = t
            .value
            .trim_start_matches("PT")
            .trim_start_matches('P')
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        let unit = match (t.value.starts_with("PT"), unit) {
            (true, "H") => "hour",
            (true, "M") => "minute",
            (true, _) => "second",
            (_, "D") => "day",
            (_, "W") => "week",
            (_, "M") => "month",
            (_, "Y") => "year",
            (_, "DE") => "decade",
            _ => "century",
        };
        let (ss, se, si) = sentence_bounds(sentences, t.start, text.len());
        let after = text[t.end..].trim_start_matches(['-', '\u{2011}', '\u{2010}']);
        let off = text.len() - after.len();
        let (np, _) = noun_phrase_after(text, off, se.max(off));
        let head = np.split_whitespace().last().unwrap_or("").to_lowercase();
        let (qualifier, start) = match qualifier_before(text, t.start) {
            Some((q, s)) if s >= ss => (Some(q.to_string()), s),
            _ => (None, t.start),
        };
        let context_lo = sentences
            .get(si.saturating_sub(2))
            .map_or(ss, |s| s.start.min(ss));
        let context = text[context_lo..se].to_lowercase();
        let truce = TRUCE_NOUNS.contains(&head.as_str())
            || (matches!(head.as_str(), "phase" | "period" | "window" | "stage")
                && TRUCE_NOUNS.iter().any(|n| context.contains(n)));
        figs.push(Figure {
            start,
            end: t.end,
            text: text[start..t.end].to_string(),
            kind: FigureKind::Duration,
            value,
            low: None,
            high: None,
            qualifier,
            unit: Some(unit.to_string()),
            counted: (!np.is_empty()).then(|| np.to_lowercase()),
            measure: truce.then(|| "truce length".to_string()),
            source: source_in(&text[ss..se], t.end - ss),
            date: None,
            place: None,
        });
    }

    // Counts, percentages and money.
    for c in crate::captures_fast(&NUMBER_RE, text) {
        let Some(m) = c.get(0) else { continue };
        let (s, e) = (m.start(), m.end());
        if overlaps_time(s, e) {
            continue;
        }
        // Part of a name or code: "F-16", "COVID-19", "G7".
        let prev = text[..s].chars().next_back();
        if prev.is_some_and(|p| p.is_alphanumeric() || p == '-' || p == '.' || p == '/' || p == ':')
            && !text[s..].starts_with(['$', '€', '£', '₪'])
        {
            continue;
        }
        let lower = m.as_str().to_lowercase();
        let value;
        let (mut low, mut high) = (None, None);
        let mut kind = FigureKind::Count;
        let mut unit: Option<String> = None;
        if let Some(cur) = c.name("cur") {
            let Some(v) = parse_number(&c["mnum"]) else {
                continue;
            };
            // The number with its scale word: "1.5 million" -> 1,500,000.
            value = parse_number(m.as_str()[cur.len()..].trim()).unwrap_or(v);
            kind = FigureKind::Money;
            unit = Some(
                match cur.as_str() {
                    "€" => "EUR",
                    "£" => "GBP",
                    "₪" => "ILS",
                    _ => "USD",
                }
                .into(),
            );
        } else if let (Some(lo), Some(hi)) = (
            c.name("lo").or(c.name("lo2")).or(c.name("lo3")),
            c.name("hi").or(c.name("hi2")).or(c.name("hi3")),
        ) {
            let (Some(l), Some(h)) = (parse_number(lo.as_str()), parse_number(hi.as_str())) else {
                continue;
            };
            if l >= h {
                continue;
            }
            value = l;
            low = Some(l);
            high = Some(h);
        } else if let Some(v) = c.name("vague") {
            let (l, h) = match &v
                .as_str()
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")[..]
            {
                "tens of thousands" => (2e4, 99_999.0),
                "hundreds of thousands" => (2e5, 999_999.0),
                "tens of millions" => (2e7, 99_999_999.0),
                "dozens" => (24.0, 99.0),
                "hundreds" => (200.0, 999.0),
                "thousands" => (2000.0, 9999.0),
                _ => (2e6, 9_999_999.0),
            };
            value = l;
            low = Some(l);
            high = Some(h);
        } else if let Some(n) = c.name("num") {
            let nl = n.as_str().to_lowercase();
            // "one" is mostly a pronoun or article ("one of the worst").
            if nl == "one" || nl == "zero" {
                continue;
            }
            let Some(v) = parse_number(n.as_str()) else {
                continue;
            };
            let full_num_end = c.name("pct").or(c.name("cur2")).map_or(e, |x| x.start());
            value = parse_number(&text[s..full_num_end]).unwrap_or(v);
            if c.name("pct").is_some() {
                kind = FigureKind::Percent;
                unit = Some("percent".into());
            } else if let Some(cur) = c.name("cur2") {
                kind = FigureKind::Money;
                unit = Some(
                    match cur.as_str().trim().to_lowercase().as_str() {
                        "shekels" => "ILS",
                        "euros" => "EUR",
                        "pounds" => "GBP",
                        "yen" => "JPY",
                        _ => "USD",
                    }
                    .into(),
                );
            }
        } else {
            continue;
        }
        let _ = lower;
        let (ss, se, _) = sentence_bounds(sentences, s, text.len());
        let se = se.max(e);
        let (qualifier, fstart) = match qualifier_before(text, s) {
            Some((q, qs)) if qs >= ss && low.is_none() => (Some(q.to_string()), qs),
            _ => (None, s),
        };
        let sentence = &text[ss..se];
        let counted: Option<String>;
        let mut measure = None;
        // What the sentence says of when and where, for the measure's
        // anchor and the figure's own date and place.
        let date = date_for(doc, (ss, se), (fstart, e));
        let places = places_in(doc, (ss, se));
        if kind == FigureKind::Count {
            let after = &text[e..se];
            let ev_after = EVENT_AFTER.captures(after.trim_start());
            let (np, np_end) = if ev_after.is_some() {
                (String::new(), e)
            } else {
                noun_phrase_after(text, e, se)
            };
            let verb_after = if ev_after.is_some() {
                ev_after
                    .as_ref()
                    .and_then(|c| c.name("v"))
                    .map(|v| v.as_str().to_string())
            } else {
                EVENT_AFTER
                    .captures(text[np_end..se].trim_start())
                    .and_then(|c| c.name("v"))
                    .map(|v| v.as_str().to_string())
            };
            let verb_before = EVENT_BEFORE
                .captures(&text[ss..fstart])
                .and_then(|c| c.name("v"))
                .map(|v| v.as_str().to_string());
            let mut np = np;
            if np.is_empty() {
                // Elliptical count: "1,200 people were killed and around 250
                // taken hostage" counts people too.
                if let Some(prev) = figs.iter().rev().find(|f| {
                    f.start >= ss
                        && f.kind == FigureKind::Count
                        && f.unit.as_deref() == Some("person")
                }) {
                    if let Some(pc) = &prev.counted {
                        np = pc.split_whitespace().next().unwrap_or("").to_string();
                    }
                }
            }
            let head = np.split_whitespace().last().unwrap_or("").to_string();
            let verb = verb_before.clone().or(verb_after.clone());
            let shown_verb = verb.clone().filter(|v| {
                let l = v.to_lowercase();
                l != "held" && l != "took" && l != "kill" && l != "release" && l != "free"
            });
            let shown_verb = shown_verb.map(|v| {
                if v.eq_ignore_ascii_case("taken") {
                    "taken hostage".to_string()
                } else {
                    v.split_whitespace().collect::<Vec<_>>().join(" ")
                }
            });
            counted = match (np.is_empty(), &shown_verb) {
                (false, Some(v)) => Some(format!("{np} {v}")),
                (false, None) => Some(np.clone()),
                (true, Some(v)) => Some(v.clone()),
                (true, None) => None,
            };
            let mut class = event_class(verb.as_deref(), &head, sentence);
            let lead = text[ss..fstart].to_lowercase();
            if lead.trim_end().ends_with("remains of") || lead.trim_end().ends_with("bodies of") {
                // "the remains of more than 30 others": bodies, not the living.
                class = Some("bodies held");
            }
            if class.is_none() && np.is_empty() && TOLL_BEFORE.is_match(&text[ss..fstart]) {
                class = Some("killed");
            }
            let people = PEOPLE.contains(&head.to_lowercase().as_str())
                || (head.is_empty()
                    && matches!(
                        class,
                        Some(
                            "killed"
                                | "wounded"
                                | "killed and wounded"
                                | "taken hostage"
                                | "displaced"
                                | "missing"
                                | "arrested"
                        )
                    ));
            unit = if people {
                Some("person".into())
            } else if head.is_empty() {
                None
            } else {
                Some(singular(&head))
            };
            measure = class.map(|cl| measure_key(cl, anchor(date.as_deref(), &places)));
            if counted.is_none()
                && unit.is_none()
                && c.name("num").is_some_and(|n| {
                    n.as_str().chars().all(|ch| ch.is_ascii_digit()) && n.as_str().len() == 4
                })
            {
                // A bare four-digit number with nothing counted is most
                // often a year the time annotator left out.
                continue;
            }
        } else {
            let (np, _) = noun_phrase_after(text, e, se);
            counted = (!np.is_empty()).then_some(np);
        }
        let source = source_in(sentence, e - ss);
        figs.push(Figure {
            start: fstart,
            end: e,
            text: text[fstart..e].to_string(),
            kind,
            value,
            low,
            high,
            qualifier,
            unit,
            counted,
            measure,
            source,
            place: place_for(doc, &places, (fstart, e)),
            date,
        });
    }

    // Ordinals after a determiner: "a second meeting", "the 42-day first phase".
    for c in crate::captures_fast(&ORDINAL_RE, text) {
        let Some(m) = c.get(0) else { continue };
        let (s, e) = (m.start(), m.end());
        if overlaps_time(s, e) || figs.iter().any(|f| s < f.end && f.start < e) {
            continue;
        }
        let before = words_with_pos(&text[floor_boundary(text, s.saturating_sub(40))..s]);
        let det = before.iter().rev().take(2).any(|(_, w)| {
            matches!(
                w.to_lowercase().as_str(),
                "the"
                    | "a"
                    | "an"
                    | "its"
                    | "their"
                    | "his"
                    | "her"
                    | "our"
                    | "this"
                    | "that"
                    | "whose"
            )
        }) || before
            .last()
            .is_some_and(|(_, w)| w.ends_with("'s") || w.ends_with("’s"));
        if !det {
            continue;
        }
        let Some(v) = ordinal_value(&c["o"]) else {
            continue;
        };
        let (_, se, _) = sentence_bounds(sentences, s, text.len());
        let (np, _) = noun_phrase_after(text, e, se.max(e));
        if np.is_empty() {
            continue;
        }
        let head = np.split_whitespace().last().unwrap_or("").to_string();
        figs.push(Figure {
            start: s,
            end: e,
            text: text[s..e].to_string(),
            kind: FigureKind::Ordinal,
            value: v,
            low: None,
            high: None,
            qualifier: None,
            unit: Some(singular(&head)),
            counted: Some(np),
            measure: None,
            source: None,
            date: None,
            place: None,
        });
    }
    figs.sort_by_key(|f| (f.start, f.end));
    doc.figures = figs;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotated(text: &str) -> Document {
        let mut d = Document {
            text: text.into(),
            ..Default::default()
        };
        d.sentences = crate::segment::sentences(&d.text);
        crate::times::annotate(&mut d);
        annotate(&mut d);
        d
    }

    fn fig<'a>(d: &'a Document, t: &str) -> &'a Figure {
        d.figures
            .iter()
            .find(|f| f.text == t)
            .unwrap_or_else(|| panic!("no {t:?} in {:#?}", d.figures))
    }

    #[test]
    fn toll_with_hedge_source_and_event_anchor() {
        let d = annotated("Hamas led the Oct. 7 attacks, in which some 1,200 people were killed and around 250 taken hostage, according to Israel.");
        let k = fig(&d, "some 1,200");
        assert_eq!(k.value, 1200.0);
        assert_eq!(k.qualifier.as_deref(), Some("about"));
        assert_eq!(k.unit.as_deref(), Some("person"));
        assert_eq!(k.counted.as_deref(), Some("people killed"));
        assert_eq!(k.measure.as_deref(), Some("killed@XXXX-10-07"));
        assert_eq!(k.source.as_deref(), Some("according to Israel"));
        let h = fig(&d, "around 250");
        assert_eq!(h.measure.as_deref(), Some("taken hostage@XXXX-10-07"));
        assert_eq!(h.unit.as_deref(), Some("person"));
    }

    #[test]
    fn active_voice_and_place_anchor() {
        let d = annotated("More than 46,500 people have been killed in Gaza since the offensive began, according to local health officials. The war has killed and wounded over 194,000 Palestinians in Gaza.");
        let k = fig(&d, "More than 46,500");
        assert_eq!(k.qualifier.as_deref(), Some("more than"));
        assert_eq!(k.measure.as_deref(), Some("killed@gaza"));
        assert_eq!(
            k.source.as_deref(),
            Some("according to local health officials")
        );
        let kw = fig(&d, "over 194,000");
        assert_eq!(kw.value, 194000.0);
        assert!(kw
            .counted
            .as_deref()
            .unwrap()
            .contains("killed and wounded"));
        assert_eq!(kw.measure.as_deref(), Some("killed and wounded@gaza"));
    }

    #[test]
    fn dated_attack_anchors_both_tolls() {
        let d = annotated("Hamas seized about 250 people in the Oct. 7, 2023 attack that killed about 1,200 people in Israel.");
        assert_eq!(
            fig(&d, "about 250").measure.as_deref(),
            Some("taken hostage@2023-10-07")
        );
        assert_eq!(
            fig(&d, "about 1,200").measure.as_deref(),
            Some("killed@2023-10-07")
        );
    }

    #[test]
    fn truce_lengths_and_ordinals() {
        let d = annotated("Talks aim at a 60\u{2011}day ceasefire. The cease-fire began with a six-week pause. The 42-day first phase elapsed. Egypt proposed a one-month truce before a second meeting.");
        for t in ["60\u{2011}day", "six-week", "42-day", "one-month"] {
            let f = fig(&d, t);
            assert_eq!(f.kind, FigureKind::Duration);
            assert_eq!(f.measure.as_deref(), Some("truce length"), "{t}");
        }
        assert_eq!(fig(&d, "six-week").value, 6.0);
        assert_eq!(fig(&d, "six-week").unit.as_deref(), Some("week"));
        assert_eq!(
            fig(&d, "60\u{2011}day").counted.as_deref(),
            Some("ceasefire")
        );
        let o = fig(&d, "second");
        assert_eq!(o.kind, FigureKind::Ordinal);
        assert_eq!(o.value, 2.0);
        assert!(o.measure.is_none());
        assert_eq!(fig(&d, "first").kind, FigureKind::Ordinal);
    }

    #[test]
    fn hostages_prisoners_ranges_and_vague_numbers() {
        let d = annotated("Up to 24 living hostages are still being held in Gaza. Hamas released more than 30 hostages in exchange for more than 1,000 Palestinian prisoners. Between 20 and 24 hostages are alive. Tens of thousands of people fled. Prices rose 5 percent and aid cost $1.5 million.");
        let u = fig(&d, "Up to 24");
        assert_eq!(u.qualifier.as_deref(), Some("up to"));
        assert_eq!(u.counted.as_deref(), Some("living hostages"));
        assert!(u.measure.as_deref().unwrap().starts_with("hostages held"));
        let p = fig(&d, "more than 1,000");
        assert_eq!(p.counted.as_deref(), Some("Palestinian prisoners"));
        assert_eq!(p.measure.as_deref(), Some("prisoners released"));
        let r = fig(&d, "Between 20 and 24");
        assert_eq!((r.low, r.high), (Some(20.0), Some(24.0)));
        let t = fig(&d, "Tens of thousands");
        assert_eq!(t.low, Some(20000.0));
        assert_eq!(t.unit.as_deref(), Some("person"));
        assert_eq!(fig(&d, "5 percent").kind, FigureKind::Percent);
        let m = fig(&d, "$1.5 million");
        assert_eq!(
            (m.kind, m.value, m.unit.as_deref()),
            (FigureKind::Money, 1_500_000.0, Some("USD"))
        );
    }

    #[test]
    fn dates_are_not_counts_and_odd_text_is_safe() {
        let d = annotated("On Oct. 7, 2023, six senior leaders met in 2023 at 3 p.m. The F-16 and COVID-19 are names.");
        assert!(
            d.figures
                .iter()
                .all(|f| f.value != 2023.0 && f.value != 7.0 && f.value != 16.0 && f.value != 19.0),
            "{:#?}",
            d.figures
        );
        assert_eq!(fig(&d, "six").counted.as_deref(), Some("senior leaders"));
        for t in ["", "“1,200”—é", "between 5 and", "$", "a dozen", "1,2,3"] {
            let _ = annotated(t);
        }
    }

    #[test]
    fn a_figure_carries_the_date_and_the_place_its_sentence_states() {
        let text = "About 1,200 people were killed in Israel on October 7, 2023. \
                    Since January 2024, 300 aid trucks have entered Gaza. \
                    Ten hostages are held in Hamas tunnels. \
                    The army moved on Gaza after the raid, in which 40 died.";
        let mut d = Document {
            text: text.into(),
            published: Some("2024-05-01".into()),
            ..Default::default()
        };
        d.sentences = crate::segment::sentences(&d.text);
        // `word` where it first follows `after`
        let mention = |word: &str, after: &str, label| {
            let from = text.find(after).unwrap();
            let start = from + text[from..].find(word).unwrap();
            dossier_model::EntityMention {
                start,
                end: start + word.len(),
                text: word.into(),
                label,
                canonical: word.into(),
                role: None,
            }
        };
        d.entities = vec![
            mention("Israel", "", EntityLabel::Loc),
            mention("Gaza", "", EntityLabel::Loc),
            mention("Gaza", "moved on", EntityLabel::Loc),
            mention("Hamas", "", EntityLabel::Org),
        ];
        crate::times::annotate(&mut d);
        annotate(&mut d);
        let killed = fig(&d, "About 1,200");
        assert_eq!(killed.date.as_deref(), Some("2023-10-07"));
        assert_eq!(killed.place.as_deref(), Some("Israel"));
        // "since" opens a period, and Gaza is not stated after "in"
        let trucks = fig(&d, "300");
        assert_eq!(
            (trucks.date.as_deref(), trucks.place.as_deref()),
            (None, None)
        );
        // an organisation is not a place
        assert_eq!(fig(&d, "Ten").place, None);
        // nor is a place in another clause
        assert_eq!(fig(&d, "40").place, None);
    }

    #[test]
    fn numbers_in_digits_and_words() {
        assert_eq!(parse_number("1,200"), Some(1200.0));
        assert_eq!(parse_number("46,500"), Some(46500.0));
        assert_eq!(parse_number("1.5 million"), Some(1_500_000.0));
        assert_eq!(parse_number("six"), Some(6.0));
        assert_eq!(parse_number("twenty-four"), Some(24.0));
        assert_eq!(parse_number("a dozen"), Some(12.0));
        assert_eq!(parse_number("two hundred"), Some(200.0));
        assert_eq!(parse_number("three hundred thousand"), Some(300_000.0));
        assert_eq!(parse_number("while"), None);
        assert_eq!(parse_number(""), None);
    }
}
