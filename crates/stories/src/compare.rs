//! How outlets compare within a story or storyline: the figures each
//! reported for one measure, the quotes they carry, and the words they
//! choose for the main actors.

use std::collections::{BTreeMap, HashMap};

use dossier_model::{
    ActorLabels, Agreement, Document, FigureComparison, FigureKind, FigureReport, OutletLabels,
    OutletSourcing, PositionRef, QuoteRef,
};

use crate::text;

/// A document as seen by the comparison: the document, its outlet, and the
/// "moment" it belongs to (its story id): reports in one story are taken to
/// be about one time.
pub(crate) struct Member<'a> {
    pub doc: &'a Document,
    pub outlet: String,
    pub moment: String,
}

/// Splits a measure key into its name and its anchor (`killed@2023-10-07`,
/// `killed|2023-10-07`); keys without an anchor have none.
pub(crate) fn split_key(key: &str) -> (&str, Option<&str>) {
    match key.find(['@', '|']) {
        Some(i) => (&key[..i], Some(&key[i + 1..])),
        None => (key, None),
    }
}

/// Two anchors are compatible when they have the same length and agree on
/// every character where neither has the `X` placeholder of TIMEX3
/// (`XXXX-10-07` ~ `2023-10-07`).
pub(crate) fn anchors_compatible(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.chars()
            .zip(b.chars())
            .all(|(x, y)| x == y || x == 'X' || y == 'X')
}

fn specificity(a: &str) -> usize {
    a.chars().filter(|&c| c != 'X').count()
}

/// Length in days of one unit of time, for comparing durations given in
/// different units ("six-week" against "42-day").
fn unit_days(unit: Option<&str>) -> Option<f64> {
    let u = unit?.trim().to_lowercase();
    let u = u.trim_end_matches('s');
    Some(match u {
        "hour" => 1.0 / 24.0,
        "day" => 1.0,
        "week" => 7.0,
        "month" => 30.4375,
        "year" => 365.25,
        _ => return None,
    })
}

/// The interval of values a report allows, after its hedge:
/// `about`/`some`/`around`/`approximately` ±10%; `nearly`/`almost` up to
/// 10% below; `more than`/`over`/`at least` open above; `less than`/
/// `under`/`at most`/`up to` open below; ranges use their bounds.
fn interval(
    value: f64,
    low: Option<f64>,
    high: Option<f64>,
    qualifier: Option<&str>,
) -> (f64, f64) {
    let (lo, hi) = match (low, high) {
        (Some(l), Some(h)) if l <= h => (l, h),
        _ => (value, value),
    };
    let q = qualifier
        .map(|q| q.trim().to_lowercase())
        .unwrap_or_default();
    match q.as_str() {
        "about" | "some" | "around" | "approximately" | "roughly" | "an estimated"
        | "estimated" => (lo * 0.9, hi * 1.1),
        "nearly" | "almost" | "close to" => (lo * 0.9, hi),
        "more than" | "over" | "at least" | "above" | "upwards of" => (lo, f64::INFINITY),
        "less than" | "under" | "at most" | "up to" | "below" | "fewer than" => (lo.min(0.0), hi),
        _ => (lo, hi),
    }
}

struct Rep<'a> {
    report: FigureReport,
    moment: &'a str,
    /// Interval in comparable units (days for durations).
    iv: (f64, f64),
}

fn all_agree(reps: &[&Rep], tol: f64) -> bool {
    let lo = reps
        .iter()
        .map(|r| r.iv.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let hi = reps.iter().map(|r| r.iv.1).fold(f64::INFINITY, f64::min);
    lo <= hi + hi.abs() * tol + 1e-9
}

fn distinct_docs(reps: &[&Rep]) -> usize {
    let mut d: Vec<&str> = reps.iter().map(|r| r.report.document.as_str()).collect();
    d.sort_unstable();
    d.dedup();
    d.len()
}

/// Values that move in one direction with the publication date: every
/// report dated, at least two dates, reports of one date agree, and the
/// middle of the allowed intervals never goes back (a toll that grows, a
/// count of hostages still held that shrinks).
fn updated(reps: &[&Rep], tol: f64) -> bool {
    if reps.iter().any(|r| r.report.published.is_none()) {
        return false;
    }
    let mut by_date: BTreeMap<&str, Vec<&Rep>> = BTreeMap::new();
    for r in reps {
        by_date
            .entry(r.report.published.as_deref().unwrap_or(""))
            .or_default()
            .push(r);
    }
    if by_date.len() < 2 || by_date.values().any(|g| !all_agree(g, tol)) {
        return false;
    }
    let mids: Vec<f64> = by_date
        .values()
        .map(|g| {
            g.iter()
                .map(|r| {
                    if r.iv.0.is_finite() && r.iv.1.is_finite() {
                        (r.iv.0 + r.iv.1) / 2.0
                    } else {
                        r.report.value
                    }
                })
                .sum::<f64>()
                / g.len() as f64
        })
        .collect();
    let up = mids.windows(2).all(|w| w[1] >= w[0]);
    let down = mids.windows(2).all(|w| w[1] <= w[0]);
    up || down
}

/// Agreement of the reports of one measure.
///
/// Counts, money and percentages are compared across all reports:
/// `agree` when one value fits every report's hedged interval (within
/// `tol`), else `updated` when they move one way with the date, else
/// `differ`. Durations ("a 60-day truce", "a six-week pause") are usually
/// proposals of their time, and a later proposal does not contradict an
/// earlier one: they stay in one comparison, but agreement is computed
/// only among reports of the same moment (the same story); when no two
/// reports share a moment there is nothing to compare (`single`).
fn agreement(reps: &[&Rep], duration: bool, tol: f64) -> Agreement {
    if distinct_docs(reps) < 2 {
        return Agreement::Single;
    }
    if duration {
        let mut by_moment: BTreeMap<&str, Vec<&Rep>> = BTreeMap::new();
        for r in reps {
            by_moment.entry(r.moment).or_default().push(r);
        }
        let mut compared = false;
        for g in by_moment.values() {
            if distinct_docs(g) < 2 {
                continue;
            }
            compared = true;
            if !all_agree(g, tol) {
                return Agreement::Differ;
            }
        }
        return if compared {
            Agreement::Agree
        } else {
            Agreement::Single
        };
    }
    if all_agree(reps, tol) {
        Agreement::Agree
    } else if updated(reps, tol) {
        Agreement::Updated
    } else {
        Agreement::Differ
    }
}

fn humanize(name: &str) -> String {
    name.replace(['_', '-'], " ").trim().to_string()
}

/// Figures of the members grouped by measure key, one comparison per
/// measure, ordered by number of reports (most first) then key.
///
/// Keys with the same name join when their anchors are compatible with
/// every anchor already in the group (placeholders are not transitive:
/// `XXXX-10-07` must not bridge 2023-10-07 and 2024-10-07). A document
/// reporting the same value of a measure twice counts once.
pub(crate) fn figures(members: &[Member], tol: f64) -> Vec<FigureComparison> {
    // name -> list of (anchor, member idx, figure idx)
    let mut by_name: BTreeMap<String, Vec<(Option<String>, usize, usize)>> = BTreeMap::new();
    for (mi, m) in members.iter().enumerate() {
        for (fi, f) in m.doc.figures.iter().enumerate() {
            let Some(key) = f
                .measure
                .as_deref()
                .map(str::trim)
                .filter(|k| !k.is_empty())
            else {
                continue;
            };
            if !f.value.is_finite() {
                continue;
            }
            let (name, anchor) = split_key(key);
            by_name
                .entry(name.to_string())
                .or_default()
                .push((anchor.map(str::to_string), mi, fi));
        }
    }
    let mut out = Vec::new();
    for (name, items) in by_name {
        let mut anchors: Vec<Option<String>> = items.iter().map(|i| i.0.clone()).collect();
        anchors.sort();
        anchors.dedup();
        anchors.sort_by(|a, b| {
            let sa = a.as_deref().map_or(0, specificity);
            let sb = b.as_deref().map_or(0, specificity);
            sb.cmp(&sa).then(a.cmp(b))
        });
        let mut groups: Vec<Vec<Option<String>>> = Vec::new();
        for a in anchors {
            let slot = groups.iter_mut().find(|g| {
                g.iter().all(|x| match (x, &a) {
                    (Some(x), Some(y)) => anchors_compatible(x, y),
                    (None, None) => true,
                    _ => false,
                })
            });
            match slot {
                Some(g) => g.push(a),
                None => groups.push(vec![a]),
            }
        }
        for g in groups {
            let head = g[0].clone();
            let key = match &head {
                Some(a) => format!("{name}@{a}"),
                None => name.clone(),
            };
            let mut reps: Vec<Rep> = Vec::new();
            let mut seen: Vec<(usize, u64, Option<String>)> = Vec::new();
            let mut counted: BTreeMap<String, usize> = BTreeMap::new();
            let mut duration = false;
            for (anchor, mi, fi) in items.iter().filter(|i| g.contains(&i.0)) {
                let m = &members[*mi];
                let f = &m.doc.figures[*fi];
                let sig = (*mi, f.value.to_bits(), f.qualifier.clone());
                if seen.contains(&sig) {
                    continue;
                }
                seen.push(sig);
                let _ = anchor;
                duration |= f.kind == FigureKind::Duration;
                if let Some(c) = f.counted.as_deref().filter(|c| !c.trim().is_empty()) {
                    *counted.entry(c.trim().to_string()).or_default() += 1;
                }
                let scale = if f.kind == FigureKind::Duration {
                    unit_days(f.unit.as_deref()).unwrap_or(1.0)
                } else {
                    1.0
                };
                let (lo, hi) = interval(f.value, f.low, f.high, f.qualifier.as_deref());
                reps.push(Rep {
                    report: FigureReport {
                        document: m.doc.id.clone(),
                        outlet: m.outlet.clone(),
                        published: m.doc.published.clone(),
                        text: f.text.clone(),
                        value: f.value,
                        low: f.low,
                        high: f.high,
                        qualifier: f.qualifier.clone(),
                        unit: f.unit.clone(),
                        counted: f.counted.clone(),
                        source: f.source.clone(),
                        date: f.date.clone(),
                        place: f.place.clone(),
                        start: f.start,
                        end: f.end,
                    },
                    moment: &m.moment,
                    iv: (lo * scale, hi * scale),
                });
            }
            if reps.is_empty() {
                continue;
            }
            let refs: Vec<&Rep> = reps.iter().collect();
            let agreement = agreement(&refs, duration, tol);
            let mut what = counted
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|x| x.0.clone())
                .unwrap_or_else(|| humanize(&name));
            if let Some(a) = &head {
                what = format!("{what} ({a})");
            }
            out.push(FigureComparison {
                measure: what,
                key,
                reports: reps.into_iter().map(|r| r.report).collect(),
                agreement,
            });
        }
    }
    out.sort_by(|a, b| {
        b.reports
            .len()
            .cmp(&a.reports.len())
            .then(a.key.cmp(&b.key))
    });
    out
}

/// The quote ledger: every quote with words or a speaker, in member order,
/// each with the other outlets that carry the same words. "The same words"
/// means the quote's normalized words equal another quote's, or (for
/// quotes of four words or more) occur in another document's normalized
/// text. `copies` lists, per member, the outlets of its near-duplicates:
/// a copy carries every quote of the text it copies.
pub(crate) fn quotes(members: &[Member], copies: &[Vec<String>]) -> Vec<QuoteRef> {
    let norm_texts: Vec<String> = members
        .iter()
        .map(|m| format!(" {} ", text::normalize_quote(&m.doc.text)))
        .collect();
    let norm_quotes: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            m.doc
                .quotes
                .iter()
                .map(|q| text::normalize_quote(&q.text))
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for (mi, m) in members.iter().enumerate() {
        for (qi, q) in m.doc.quotes.iter().enumerate() {
            let nq = &norm_quotes[mi][qi];
            if nq.is_empty() && q.speaker.is_none() {
                continue;
            }
            let mut also: Vec<String> = Vec::new();
            if !nq.is_empty() {
                let long = nq.split(' ').count() >= 4;
                let needle = format!(" {nq} ");
                for (oi, o) in members.iter().enumerate() {
                    if oi == mi || o.outlet == m.outlet {
                        continue;
                    }
                    let same = norm_quotes[oi].iter().any(|x| x == nq)
                        || (long && norm_texts[oi].contains(&needle));
                    if same {
                        also.push(o.outlet.clone());
                    }
                }
            }
            if let Some(cs) = copies.get(mi) {
                also.extend(cs.iter().filter(|c| **c != m.outlet).cloned());
            }
            also.sort();
            also.dedup();
            out.push(QuoteRef {
                document: m.doc.id.clone(),
                outlet: m.outlet.clone(),
                text: q.text.clone(),
                kind: q.kind,
                speaker: q.speaker.clone(),
                cue: q.cue.clone(),
                start: q.start,
                end: q.end,
                also_in: also,
            });
        }
    }
    out
}

/// Who each outlet quotes, from the ledger: counts of named, anonymous and
/// unattributed quotes, the named speakers, and the anonymous sources by
/// affiliation. Outlets quoting most first.
pub(crate) fn sourcing(ledger: &[QuoteRef]) -> Vec<OutletSourcing> {
    // Per outlet: its counts, and tallies of speakers and affiliations.
    type Tally = BTreeMap<String, usize>;
    let mut by_outlet: BTreeMap<&str, (OutletSourcing, Tally, Tally)> = BTreeMap::new();
    for q in ledger {
        let (o, speakers, affiliations) = by_outlet.entry(q.outlet.as_str()).or_default();
        o.quotes += 1;
        match &q.speaker {
            None => o.unattributed += 1,
            Some(sp) if sp.anonymous => {
                o.anonymous += 1;
                let aff = sp.affiliation.as_deref().unwrap_or("unstated");
                *affiliations.entry(aff.to_string()).or_default() += 1;
            }
            Some(sp) => {
                o.named += 1;
                let name = sp.canonical.as_deref().unwrap_or(&sp.name);
                *speakers.entry(name.to_string()).or_default() += 1;
            }
        }
    }
    finish_sourcing(by_outlet)
}

/// One sourcing table for several stories: each outlet's counts and
/// tallies summed over the stories' tables, ordered as `sourcing` orders.
pub(crate) fn merge_sourcing<'a>(
    tables: impl IntoIterator<Item = &'a [OutletSourcing]>,
) -> Vec<OutletSourcing> {
    type Tally = BTreeMap<String, usize>;
    let mut by_outlet: BTreeMap<&str, (OutletSourcing, Tally, Tally)> = BTreeMap::new();
    for table in tables {
        for s in table {
            let (o, speakers, affiliations) = by_outlet.entry(s.outlet.as_str()).or_default();
            o.quotes += s.quotes;
            o.named += s.named;
            o.anonymous += s.anonymous;
            o.unattributed += s.unattributed;
            for (k, n) in &s.speakers {
                *speakers.entry(k.clone()).or_default() += n;
            }
            for (k, n) in &s.anonymous_by_affiliation {
                *affiliations.entry(k.clone()).or_default() += n;
            }
        }
    }
    finish_sourcing(by_outlet)
}

/// Sourcing rows from per-outlet counts and tallies: tallies ranked most
/// first, outlets quoting most first.
fn finish_sourcing(
    by_outlet: BTreeMap<
        &str,
        (
            OutletSourcing,
            BTreeMap<String, usize>,
            BTreeMap<String, usize>,
        ),
    >,
) -> Vec<OutletSourcing> {
    let ranked = |m: BTreeMap<String, usize>| {
        let mut v: Vec<(String, usize)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    let mut out: Vec<OutletSourcing> = by_outlet
        .into_iter()
        .map(|(outlet, (o, speakers, affiliations))| OutletSourcing {
            outlet: outlet.to_string(),
            speakers: ranked(speakers),
            anonymous_by_affiliation: ranked(affiliations),
            ..o
        })
        .collect();
    out.sort_by(|a, b| b.quotes.cmp(&a.quotes).then(a.outlet.cmp(&b.outlet)));
    out
}

/// The members' attributions whose source is a known entity or an
/// anonymous source, whose content is a phrase (three words or more) and
/// whose cue is not tentative, in story order: the positions the ledger
/// can show beside the quotes.
pub(crate) fn positions(members: &[Member]) -> Vec<PositionRef> {
    let mut out = Vec::new();
    for m in members {
        for a in &m.doc.attributions {
            let (Some(sp), Some(span), Some(text)) = (&a.speaker, a.content_span, &a.content)
            else {
                continue;
            };
            if a.tentative
                || !(sp.anonymous || sp.canonical.is_some())
                || text.split_whitespace().count() < 3
            {
                continue;
            }
            out.push(PositionRef {
                document: m.doc.id.clone(),
                outlet: m.outlet.clone(),
                speaker: sp.clone(),
                cue: a.cue.clone(),
                text: text.clone(),
                start: span.start,
                end: span.end,
            });
        }
    }
    out
}

/// Lower-case words that end a descriptive phrase read leftwards from a
/// mention: articles, prepositions, conjunctions, reporting verbs.
const PHRASE_STOP: &[&str] = &[
    "the", "a", "an", "of", "and", "or", "but", "in", "on", "at", "to", "for", "from", "by",
    "with", "between", "as", "that", "this", "said", "says", "told", "says", "is", "was", "are",
    "were", "has", "have", "had", "will", "would", "after", "before", "against", "about", "than",
    "while", "his", "her", "their", "its", "our", "when", "where", "who", "which", "if", "not",
    "also",
];

/// Prepositions that join a title to its complement ("Envoy to the Middle
/// East", "Minister of Foreign Affairs"), then the article they may take.
const LINKING: &[&str] = &["of", "to", "for", "the"];

/// Titles that take a complement ("Secretary of State", "Ambassador to
/// the United Nations").
const TITLE_NOUNS: &[&str] = &[
    "envoy",
    "minister",
    "secretary",
    "ambassador",
    "president",
    "chairman",
    "chairwoman",
    "director",
    "head",
    "chief",
    "representative",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "coordinator",
    "commissioner",
    "adviser",
    "advisor",
    "governor",
    "mayor",
    "speaker",
    "leader",
    "commander",
    "undersecretary",
    "counselor",
    "emissary",
    "mediator",
    "delegate",
];

/// Reporting verbs that close a parenthetical attribution.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "noted",
    "stressed",
    "insisted",
    "claimed",
    "confirmed",
    "explained",
    "argued",
    "wrote",
    "reported",
    "continued",
];

/// Honorifics: shown with the name they precede ("Mr. Witkoff"), since an
/// outlet's house style is part of its wording.
const HONORIFICS: &[&str] = &["Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr"];

/// Words that open a noun phrase.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "this",
];

fn clean_word(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '-' && c != '\'' && c != '’')
}

/// The descriptive words right before a mention in its sentence ("US
/// Middle East envoy" in "US Middle East envoy Steve Witkoff"; "Palestinian
/// Resistance Movement" in "the Palestinian Resistance Movement Hamas"),
/// read leftwards until punctuation, an article, a preposition or a verb.
///
/// The phrase is kept only when its left edge is a phrase boundary (an
/// article or possessive determiner, punctuation, or the sentence start)
/// or when every word is capitalized (a title: "and Israeli Prime
/// Minister"); this drops verbs and adverbs ("to convince Hamas").
pub(crate) fn descriptor_before(sentence_before: &str) -> Option<String> {
    let mut taken: Vec<&str> = Vec::new();
    let mut bounded = true;
    let words: Vec<&str> = sentence_before.split_whitespace().collect();
    let capitalized = |w: &str| w.chars().next().is_some_and(|c| c.is_uppercase());
    // Words of a title's complement ("to the", "of") taken so far: they do
    // not count toward the phrase's length.
    let mut linking = 0;
    for (i, &raw) in words.iter().enumerate().rev() {
        if raw.ends_with([',', ';', ':', '(', ')', '"', '“', '”', '—', '–'])
            || raw.starts_with(['(', '"', '“']) && !taken.is_empty()
        {
            break;
        }
        let w = clean_word(raw);
        if w.is_empty() {
            break;
        }
        // a sentence end, unless an abbreviation ("U.S.", "Mr.")
        if raw.ends_with(['!', '?'])
            || (raw.ends_with('.')
                && w.trim_end_matches('.')
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .count()
                    > 3
                && !w.trim_end_matches('.').contains('.'))
        {
            break;
        }
        let lw = w.to_lowercase();
        let lower = w.chars().next().is_some_and(|c| c.is_lowercase());
        // A title's complement: "Special Envoy to the Middle East",
        // "Minister of Foreign Affairs". The words after the preposition
        // are all capitalized and a title noun comes before it.
        let word_at = |k: usize| words.get(k).map(|r| clean_word(r)).unwrap_or("");
        let title = |w: &str| TITLE_NOUNS.contains(&w.to_lowercase().as_str());
        let linked = !taken.is_empty()
            && taken
                .iter()
                .all(|t| capitalized(t) || LINKING.contains(&t.to_lowercase().as_str()))
            && match lw.as_str() {
                "the" => {
                    i >= 2
                        && matches!(word_at(i - 1).to_lowercase().as_str(), "of" | "to" | "for")
                        && title(word_at(i - 2))
                }
                "of" | "to" | "for" => i >= 1 && title(word_at(i - 1)),
                _ => false,
            };
        if linked {
            taken.push(w);
            linking += 1;
            continue;
        }
        if PHRASE_STOP.contains(&lw.as_str())
            || (lower && (lw.ends_with("ed") || lw.ends_with("ing") || lw.ends_with("ly")))
        {
            bounded = DETERMINERS.contains(&lw.as_str()) && !taken.is_empty();
            break;
        }
        // possessives start a new phrase ("Trump's envoy"): keep them
        taken.push(w);
        if taken.len() - linking >= 6 {
            break;
        }
    }
    // A complement with no title word before it is not one.
    while taken
        .last()
        .is_some_and(|t| LINKING.contains(&t.to_lowercase().as_str()))
    {
        taken.pop();
    }
    if taken.is_empty() {
        return None;
    }
    let titled = taken.iter().all(|w| {
        w.chars().next().is_some_and(|c| !c.is_lowercase())
            || LINKING.contains(&w.to_lowercase().as_str())
    });
    if !bounded && !titled {
        return None;
    }
    // A lower-case word ending in -s right before the name after another
    // word is a verb with its subject ("Hamas believes Israel ..."), not a
    // descriptor; role nouns before a name are singular ("envoy", "group").
    let next_to_name = taken[0];
    if taken.len() >= 2
        && next_to_name
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase())
        && next_to_name.ends_with('s')
        && !next_to_name.ends_with("'s")
        && !next_to_name.ends_with("’s")
    {
        return None;
    }
    taken.reverse();
    Some(taken.join(" "))
}

/// An appositive right after a mention: ", the prime minister," or ",
/// Mr. Trump’s Middle East envoy,": up to ten words up to the next comma or
/// period, starting with an article or containing a possessive in its
/// first three words.
pub(crate) fn appositive_after(after: &str) -> Option<String> {
    let rest = after.strip_prefix(',')?.trim_start();
    let end = rest
        .find([',', ';', '(', ')'])
        .or_else(|| rest.find(". "))
        .unwrap_or(rest.len());
    let phrase = rest[..end].trim().trim_end_matches('.');
    let ws: Vec<&str> = phrase.split_whitespace().collect();
    if ws.is_empty() || ws.len() > 10 {
        return None;
    }
    let first = ws[0].to_lowercase();
    let art = matches!(first.as_str(), "the" | "a" | "an");
    let poss = ws
        .iter()
        .take(3)
        .any(|w| w.ends_with("'s") || w.ends_with("’s"));
    if !(art || poss) || ws.len() < 2 {
        return None;
    }
    // ", the U.S. official said," is an attribution, not an appositive.
    let last = ws[ws.len() - 1].to_lowercase();
    if SPEECH_VERBS.contains(&last.as_str()) {
        return None;
    }
    Some(phrase.to_string())
}

/// For the most mentioned canonical entities (people, organizations and
/// places; MISC is mostly nationality adjectives; at least two mentions, up
/// to `max_actors`), how each outlet refers to them: surface forms, roles the
/// annotator found, the descriptive words before a mention and appositives
/// after it, with counts.
pub(crate) fn labels(members: &[Member], max_actors: usize) -> Vec<ActorLabels> {
    let mut totals: HashMap<&str, usize> = HashMap::new();
    for m in members {
        for e in m
            .doc
            .entities
            .iter()
            .filter(|e| e.label != dossier_model::EntityLabel::Misc)
        {
            let c = e.canonical.trim();
            if !c.is_empty() {
                *totals.entry(c).or_default() += 1;
            }
        }
    }
    let mut actors: Vec<(&str, usize)> = totals.into_iter().filter(|x| x.1 >= 2).collect();
    actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    actors.truncate(max_actors);
    let sents: Vec<Vec<dossier_model::Span>> = members
        .iter()
        .map(|m| text::sentence_spans(m.doc))
        .collect();
    let mut out = Vec::new();
    for (actor, _) in actors {
        let mut per_outlet: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
        let mut outlet_order: Vec<&str> = Vec::new();
        for (mi, m) in members.iter().enumerate() {
            let t = &m.doc.text;
            for e in m
                .doc
                .entities
                .iter()
                .filter(|e| e.canonical.trim() == actor)
            {
                if e.start > e.end
                    || e.end > t.len()
                    || !t.is_char_boundary(e.start)
                    || !t.is_char_boundary(e.end)
                {
                    continue;
                }
                if !outlet_order.contains(&m.outlet.as_str()) {
                    outlet_order.push(&m.outlet);
                }
                let mut found: Vec<String> = Vec::new();
                let surface = e.text.trim();
                if !surface.is_empty() {
                    found.push(surface.to_string());
                }
                if let Some(r) = e.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                    found.push(r.to_string());
                }
                let (sent_start, sent_end) = match sents[mi]
                    .iter()
                    .find(|s| s.start <= e.start && e.end <= s.end)
                {
                    Some(s) => (s.start, s.end),
                    None => (
                        t[..e.start].rfind('\n').map_or(0, |i| i + 1),
                        t[e.end..].find('\n').map_or(t.len(), |i| e.end + i),
                    ),
                };
                if let Some(d) = descriptor_before(&t[sent_start..e.start]) {
                    if HONORIFICS.contains(&d.as_str()) {
                        found.retain(|f| f != surface);
                        found.push(format!("{d} {surface}"));
                    } else {
                        found.push(d);
                    }
                }
                if let Some(a) = appositive_after(&t[e.end..sent_end]) {
                    found.push(a);
                }
                found.sort();
                found.dedup();
                let entry = per_outlet.entry(m.outlet.as_str()).or_default();
                for f in found {
                    *entry.entry(f).or_default() += 1;
                }
            }
        }
        let outlets = outlet_order
            .into_iter()
            .filter_map(|o| {
                let mut labels: Vec<(String, usize)> = per_outlet.remove(o)?.into_iter().collect();
                labels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                Some(OutletLabels {
                    outlet: o.to_string(),
                    labels,
                })
            })
            .collect();
        out.push(ActorLabels {
            actor: actor.to_string(),
            outlets,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_model::{EntityLabel, EntityMention, Figure, Quote, QuoteKind};

    fn fig(
        text: &str,
        value: f64,
        kind: FigureKind,
        unit: &str,
        q: Option<&str>,
        key: &str,
    ) -> Figure {
        Figure {
            start: 0,
            end: 0,
            text: text.into(),
            kind,
            value,
            low: None,
            high: None,
            qualifier: q.map(String::from),
            unit: Some(unit.into()),
            counted: None,
            measure: Some(key.into()),
            source: None,
            date: None,
            place: None,
        }
    }

    fn doc(id: &str, date: Option<&str>, figures: Vec<Figure>) -> Document {
        Document {
            id: id.into(),
            published: date.map(String::from),
            figures,
            ..Default::default()
        }
    }

    fn members<'a>(docs: &'a [Document], moments: &[&str]) -> Vec<Member<'a>> {
        docs.iter()
            .zip(moments)
            .map(|(d, m)| Member {
                doc: d,
                outlet: format!("outlet-{}", d.id),
                moment: m.to_string(),
            })
            .collect()
    }

    #[test]
    fn hedged_counts_agree_and_wildcard_anchor_joins() {
        let docs = vec![
            doc(
                "a",
                None,
                vec![fig(
                    "about 1,200",
                    1200.0,
                    FigureKind::Count,
                    "person",
                    Some("about"),
                    "killed@XXXX-10-07",
                )],
            ),
            doc(
                "b",
                None,
                vec![fig(
                    "some 1,200",
                    1200.0,
                    FigureKind::Count,
                    "person",
                    Some("about"),
                    "killed@2023-10-07",
                )],
            ),
            doc(
                "c",
                None,
                vec![fig(
                    "24",
                    24.0,
                    FigureKind::Count,
                    "person",
                    None,
                    "hostages alive",
                )],
            ),
            doc(
                "d",
                None,
                vec![fig(
                    "up to 24",
                    24.0,
                    FigureKind::Count,
                    "person",
                    Some("up to"),
                    "hostages alive",
                )],
            ),
        ];
        let ms = members(&docs, &["s", "s", "s", "s"]);
        let c = figures(&ms, 0.03);
        assert_eq!(c.len(), 2);
        let killed = c.iter().find(|c| c.key.starts_with("killed")).unwrap();
        assert_eq!(killed.key, "killed@2023-10-07");
        assert_eq!(killed.reports.len(), 2);
        assert_eq!(killed.agreement, Agreement::Agree);
        assert_eq!(
            c.iter()
                .find(|c| c.key == "hostages alive")
                .unwrap()
                .agreement,
            Agreement::Agree
        );
    }

    #[test]
    fn growing_toll_is_updated_and_conflict_differs() {
        let docs = vec![
            doc(
                "a",
                Some("2024-01-10"),
                vec![fig(
                    "23,000",
                    23000.0,
                    FigureKind::Count,
                    "person",
                    None,
                    "killed gaza",
                )],
            ),
            doc(
                "b",
                Some("2024-01-20"),
                vec![fig(
                    "more than 24,000",
                    24000.0,
                    FigureKind::Count,
                    "person",
                    Some("more than"),
                    "killed gaza",
                )],
            ),
            doc(
                "c",
                Some("2024-01-20"),
                vec![fig(
                    "24,100",
                    24100.0,
                    FigureKind::Count,
                    "person",
                    None,
                    "killed gaza",
                )],
            ),
        ];
        assert_eq!(
            figures(&members(&docs, &["s", "s", "s"]), 0.03)[0].agreement,
            Agreement::Updated
        );
        let docs2 = vec![
            doc(
                "a",
                Some("2024-01-10"),
                vec![fig(
                    "23,000",
                    23000.0,
                    FigureKind::Count,
                    "person",
                    None,
                    "killed gaza",
                )],
            ),
            doc(
                "b",
                Some("2024-01-10"),
                vec![fig(
                    "30,000",
                    30000.0,
                    FigureKind::Count,
                    "person",
                    None,
                    "killed gaza",
                )],
            ),
        ];
        assert_eq!(
            figures(&members(&docs2, &["s", "s"]), 0.03)[0].agreement,
            Agreement::Differ
        );
        let one = vec![doc(
            "a",
            None,
            vec![fig("5", 5.0, FigureKind::Count, "person", None, "k")],
        )];
        assert_eq!(
            figures(&members(&one, &["s"]), 0.03)[0].agreement,
            Agreement::Single
        );
    }

    #[test]
    fn truce_lengths_compare_only_within_a_moment() {
        let docs = vec![
            doc(
                "a",
                None,
                vec![fig(
                    "60-day",
                    60.0,
                    FigureKind::Duration,
                    "day",
                    None,
                    "ceasefire length",
                )],
            ),
            doc(
                "b",
                None,
                vec![fig(
                    "two-month",
                    2.0,
                    FigureKind::Duration,
                    "month",
                    None,
                    "ceasefire length",
                )],
            ),
            doc(
                "c",
                None,
                vec![fig(
                    "six-week",
                    6.0,
                    FigureKind::Duration,
                    "week",
                    None,
                    "ceasefire length",
                )],
            ),
        ];
        // a and b are one moment (60 days ~ two months), c another proposal.
        let c = figures(&members(&docs, &["s1", "s1", "s2"]), 0.03);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].reports.len(), 3);
        assert_eq!(c[0].agreement, Agreement::Agree);
        let c2 = figures(&members(&docs, &["s1", "s2", "s2"]), 0.03);
        assert_eq!(c2[0].agreement, Agreement::Differ);
        let c3 = figures(&members(&docs, &["s1", "s2", "s3"]), 0.03);
        assert_eq!(c3[0].agreement, Agreement::Single);
    }

    #[test]
    fn anchors_with_placeholders() {
        assert!(anchors_compatible("XXXX-10-07", "2023-10-07"));
        assert!(!anchors_compatible("2024-10-07", "2023-10-07"));
        assert!(!anchors_compatible("2023-10", "2023-10-07"));
        assert_eq!(
            split_key("killed|2023-10-07"),
            ("killed", Some("2023-10-07"))
        );
    }

    #[test]
    fn quote_carried_by_two_outlets() {
        let mk = |id: &str, text: &str, q: &str| {
            let start = text.find(q).unwrap();
            Document {
                id: id.into(),
                text: text.into(),
                quotes: vec![Quote {
                    start,
                    end: start + q.len(),
                    text: q.into(),
                    kind: QuoteKind::Direct,
                    speaker: None,
                    cue: Some("said".into()),
                    anonymity_reason: None,
                }],
                ..Default::default()
            }
        };
        let a = mk(
            "a",
            "“We are in the final stretch of negotiations,” an official said.",
            "We are in the final stretch of negotiations",
        );
        let b = mk(
            "b",
            "An official told Walla: \"We are in the final  stretch of negotiations.\"",
            "We are in the final  stretch of negotiations.",
        );
        let c = mk(
            "c",
            "Talks stalled, an official said: “There is no deal.”",
            "There is no deal.",
        );
        let docs = vec![a, b, c];
        let ms = members(&docs, &["s", "s", "s"]);
        let l = quotes(&ms, &[vec![], vec![], vec!["copy-outlet".into()]]);
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].also_in, vec!["outlet-b".to_string()]);
        assert_eq!(l[1].also_in, vec!["outlet-a".to_string()]);
        assert_eq!(l[2].also_in, vec!["copy-outlet".to_string()]);
    }

    #[test]
    fn descriptors_around_mentions() {
        assert_eq!(
            descriptor_before(
                "negotiations between Israel and the Palestinian Resistance Movement "
            )
            .as_deref(),
            Some("Palestinian Resistance Movement")
        );
        assert_eq!(
            descriptor_before("US Middle East envoy ").as_deref(),
            Some("US Middle East envoy")
        );
        // A title with its complement, not the place it ends with.
        assert_eq!(
            descriptor_before("U.S. Special Envoy to the Middle East ").as_deref(),
            Some("U.S. Special Envoy to the Middle East")
        );
        assert_eq!(
            descriptor_before("a call with Jordan’s Minister of Foreign Affairs ").as_deref(),
            Some("Jordan’s Minister of Foreign Affairs")
        );
        assert_eq!(
            descriptor_before("Trump’s special envoy to the Middle East ").as_deref(),
            Some("Trump’s special envoy to the Middle East")
        );
        // A place before the preposition is no title.
        assert_eq!(
            descriptor_before("talks in Cairo to the Israeli Prime Minister ").as_deref(),
            Some("Israeli Prime Minister")
        );
        assert_eq!(
            descriptor_before("talks between Israel and ").as_deref(),
            None
        );
        assert_eq!(
            descriptor_before("Egypt is working to convince ").as_deref(),
            None
        );
        assert_eq!(
            descriptor_before("about, I would say, almost exclusively ").as_deref(),
            None
        );
        assert_eq!(
            descriptor_before("she said the terror group ").as_deref(),
            Some("terror group")
        );
        assert_eq!(
            descriptor_before("a meeting between Trump and Israeli Prime Minister ").as_deref(),
            Some("Israeli Prime Minister")
        );
        assert_eq!(
            appositive_after(", Mr. Trump’s Middle East envoy, was expected").as_deref(),
            Some("Mr. Trump’s Middle East envoy")
        );
        assert_eq!(
            appositive_after(", the prime minister, of dragging").as_deref(),
            Some("the prime minister")
        );
        assert_eq!(appositive_after(" said on Monday"), None);
        assert_eq!(
            descriptor_before("Before talks on a ceasefire, Hamas believes ").as_deref(),
            None
        );
        assert_eq!(
            appositive_after(", the U.S. official said, “has been very helpful”"),
            None
        );
    }

    #[test]
    fn labels_per_outlet() {
        let text = "Talks between Israel and the Palestinian Resistance Movement Hamas narrowed. Hamas said little.";
        let h1 = text.find("Hamas").unwrap();
        let h2 = text.rfind("Hamas").unwrap();
        let ent = |s: usize| EntityMention {
            start: s,
            end: s + 5,
            text: "Hamas".into(),
            label: EntityLabel::Org,
            canonical: "Hamas".into(),
            role: None,
        };
        let d = Document {
            id: "a".into(),
            text: text.into(),
            entities: vec![ent(h1), ent(h2)],
            ..Default::default()
        };
        let docs = vec![d];
        let l = labels(&members(&docs, &["s"]), 6);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].actor, "Hamas");
        let labels = &l[0].outlets[0].labels;
        assert_eq!(labels[0], ("Hamas".to_string(), 2));
        assert!(labels.contains(&("Palestinian Resistance Movement".to_string(), 1)));
    }

    #[test]
    fn positions_need_a_named_or_anonymous_source_a_phrase_and_a_firm_cue() {
        use dossier_model::{Attribution, Span, Speaker};
        let text = "Hamas has rejected the ceasefire proposal. Hamas seized 250 people in \
                    the raid. Critics say the plan fails. Hamas wants a deal.";
        let at = |w: &str| {
            let s = text.find(w).unwrap();
            Span::new(s, s + w.len())
        };
        let rel =
            |cue: &str, content: &str, speaker: Option<Speaker>, tentative: bool| Attribution {
                cue: cue.into(),
                cue_span: at(cue),
                speaker,
                content: Some(content.into()),
                content_span: Some(at(content)),
                tentative,
                ..Default::default()
            };
        let hamas = || {
            Some(Speaker {
                name: "Hamas".into(),
                canonical: Some("Hamas".into()),
                ..Default::default()
            })
        };
        let critics = Some(Speaker {
            name: "Critics".into(),
            ..Default::default()
        });
        let d = Document {
            id: "a".into(),
            text: text.into(),
            attributions: vec![
                rel("has rejected", "the ceasefire proposal", hamas(), false),
                rel("seized", "250 people in the raid", hamas(), true),
                rel("say", "the plan fails", critics, false),
                rel("wants", "a deal", hamas(), false),
            ],
            ..Default::default()
        };
        let docs = [d];
        let p = positions(&members(&docs, &["2025-01-01"]));
        let kept: Vec<&str> = p.iter().map(|x| x.cue.as_str()).collect();
        // The event's cue is tentative, the critics are no entity and "a
        // deal" is under three words.
        assert_eq!(kept, vec!["has rejected"]);
    }

    #[test]
    fn sourcing_counts_named_anonymous_and_unattributed_quotes_per_outlet() {
        use dossier_model::Speaker;
        let q = |outlet: &str, speaker: Option<Speaker>| QuoteRef {
            document: "d".into(),
            outlet: outlet.into(),
            text: "words".into(),
            kind: QuoteKind::Direct,
            speaker,
            cue: None,
            start: 0,
            end: 0,
            also_in: vec![],
        };
        let named = |name: &str, canonical: &str| {
            Some(Speaker {
                name: name.into(),
                canonical: Some(canonical.into()),
                ..Default::default()
            })
        };
        let anon = |aff: Option<&str>| {
            Some(Speaker {
                name: "an official".into(),
                anonymous: true,
                affiliation: aff.map(String::from),
                ..Default::default()
            })
        };
        let ledger = vec![
            q("B", named("He", "Tammy Bruce")),
            q("A", anon(Some("Israeli"))),
            q("B", named("Bruce", "Tammy Bruce")),
            q("B", anon(None)),
            q("B", None),
            q("B", named("Axios", "Axios")),
            q("A", anon(Some("Israeli"))),
        ];
        let s = sourcing(&ledger);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (
                s[0].outlet.as_str(),
                s[0].quotes,
                s[0].named,
                s[0].anonymous,
                s[0].unattributed
            ),
            ("B", 5, 3, 1, 1)
        );
        assert_eq!(
            s[0].speakers,
            vec![("Tammy Bruce".to_string(), 2), ("Axios".to_string(), 1)]
        );
        assert_eq!(
            s[0].anonymous_by_affiliation,
            vec![("unstated".to_string(), 1)]
        );
        assert_eq!((s[1].outlet.as_str(), s[1].anonymous), ("A", 2));
        assert_eq!(
            s[1].anonymous_by_affiliation,
            vec![("Israeli".to_string(), 2)]
        );
        assert!(s[1].speakers.is_empty());

        // Two stories' tables sum per outlet, tallies merged and re-ranked.
        let other = vec![OutletSourcing {
            outlet: "A".into(),
            quotes: 3,
            named: 3,
            speakers: vec![("Tammy Bruce".into(), 3)],
            ..Default::default()
        }];
        let m = merge_sourcing([s.as_slice(), other.as_slice()]);
        assert_eq!(m.len(), 2);
        assert_eq!(
            (
                m[0].outlet.as_str(),
                m[0].quotes,
                m[0].named,
                m[0].anonymous
            ),
            ("A", 5, 3, 2)
        );
        assert_eq!(m[0].speakers, vec![("Tammy Bruce".to_string(), 3)]);
        assert_eq!(
            m[0].anonymous_by_affiliation,
            vec![("Israeli".to_string(), 2)]
        );
        assert_eq!(m[1], s[0]);
    }
}
