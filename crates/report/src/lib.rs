//! Presents a dossier. Takes what grouping decided (stories, storylines) and
//! the documents they point to, and renders it for a reader: per story the
//! outlets and dates, a summary and a timeline whose every line points to its
//! source sentence, who said what (anonymous sources marked), the figures each
//! outlet reported with agreement, and the words each outlet uses for the main
//! actors. Nothing is recomputed here.

use dossier_model::{
    readable_date, Agreement, DistinctiveTerm, Document, FigureComparison, OutletSourcing,
    OutletWording, SourceRef, Speaker, Story, Storyline, TimelineEntry, SCHEMA_VERSION,
};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;

/// Everything a report shows, in its JSON form.
#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
    pub schema_version: &'static str,
    pub documents: Vec<&'a Document>,
    pub stories: Vec<&'a Story>,
    pub storylines: Vec<&'a Storyline>,
    /// Every story of the selected storylines, selected or not: what
    /// each outlet covered is read over all of them.
    pub line_stories: Vec<&'a Story>,
    /// Per storyline of several stories and outlets, which outlets covered
    /// which of its stories (schema 1.6).
    pub coverage: Vec<LineCoverage>,
}

/// What each outlet covered of one storyline, by story id.
#[derive(Debug, Clone, Serialize)]
pub struct LineCoverage {
    pub storyline: String,
    pub outlets: Vec<CoverageIds>,
}

/// One outlet's covered and missed stories, by id, in storyline order.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageIds {
    pub outlet: String,
    pub covered: Vec<String>,
    pub missed: Vec<String>,
}

impl<'a> Report<'a> {
    /// The stories that hold any of `wanted` documents (all when `wanted` is
    /// None), their storylines and their documents, with every document the
    /// storylines cite (their key dates and figures reach into stories not
    /// selected, and every citation must resolve to a source).
    pub fn select(
        docs: &'a [Document],
        stories: &'a [Story],
        storylines: &'a [Storyline],
        wanted: Option<&[String]>,
    ) -> Self {
        let keep_story = |s: &Story| match wanted {
            None => true,
            Some(w) => s
                .documents
                .iter()
                .chain(s.duplicates.iter().flatten())
                .any(|d| w.contains(d)),
        };
        let all_stories = stories;
        let stories: Vec<&Story> = stories.iter().filter(|s| keep_story(s)).collect();
        let line_ids: Vec<&str> = stories.iter().map(|s| s.storyline.as_str()).collect();
        let line_stories: Vec<&Story> = all_stories
            .iter()
            .filter(|s| line_ids.contains(&s.storyline.as_str()))
            .collect();
        let storylines: Vec<&Storyline> = storylines
            .iter()
            .filter(|l| line_ids.contains(&l.id.as_str()))
            .collect();
        let doc_ids: std::collections::HashSet<&str> = stories
            .iter()
            .flat_map(|s| s.documents.iter().chain(s.duplicates.iter().flatten()))
            .chain(storylines.iter().flat_map(|l| {
                l.timeline
                    .iter()
                    .flat_map(|k| k.sentences.iter().map(|x| &x.source.document))
                    .chain(
                        l.figures
                            .iter()
                            .flat_map(|f| f.reports.iter().map(|r| &r.document)),
                    )
            }))
            .map(String::as_str)
            .collect();
        let documents: Vec<&Document> = docs
            .iter()
            .filter(|d| doc_ids.contains(d.id.as_str()))
            .collect();
        let ids = |v: &[&Story]| v.iter().map(|s| s.id.clone()).collect();
        let coverage = storylines
            .iter()
            .map(|l| LineCoverage {
                storyline: l.id.clone(),
                outlets: coverage(l, &line_stories)
                    .iter()
                    .map(|c| CoverageIds {
                        outlet: c.outlet.clone(),
                        covered: ids(&c.covered),
                        missed: ids(&c.missed),
                    })
                    .collect(),
            })
            .filter(|c| !c.outlets.is_empty())
            .collect();
        Report {
            schema_version: SCHEMA_VERSION,
            documents,
            stories,
            storylines,
            line_stories,
            coverage,
        }
    }

    fn doc(&self, id: &str) -> Option<&'a Document> {
        self.documents.iter().copied().find(|d| d.id == id)
    }

    fn storyline(&self, id: &str) -> Option<&'a Storyline> {
        self.storylines.iter().copied().find(|l| l.id == id)
    }
}

/// Number the documents in the order they are first cited, for `[n]` marks.
struct Citations {
    order: Vec<String>,
    index: HashMap<String, usize>,
}

impl Citations {
    fn new() -> Self {
        Citations {
            order: Vec::new(),
            index: HashMap::new(),
        }
    }
    fn mark(&mut self, doc: &str) -> usize {
        if let Some(&i) = self.index.get(doc) {
            return i;
        }
        self.order.push(doc.to_string());
        let n = self.order.len();
        self.index.insert(doc.to_string(), n);
        n
    }
}

/// " (year from [n])" for a timeline entry whose year another report
/// gave (the text named the day without one), else nothing.
fn year_note(t: &TimelineEntry, cites: &mut Citations) -> String {
    match &t.year_from {
        Some(doc) => format!(" (year from [{}])", cites.mark(doc)),
        None => String::new(),
    }
}

/// A report's publication date in words: the date, or how far an estimate
/// from the text knows it ("after 2023-10-07 (estimated)", "between
/// 2025-03-01 and 2025-12-31 (estimated)"), or "undated".
pub fn date_label(d: &Document) -> String {
    match (&d.published, d.published_estimated, &d.date_estimate) {
        (Some(p), false, _) => p.clone(),
        (_, true, Some(e)) => match &e.latest {
            Some(l) if l != &e.earliest => format!("between {} and {} (estimated)", e.earliest, l),
            Some(_) => format!("~{} (estimated)", e.earliest),
            None => format!("after {} (estimated)", e.earliest),
        },
        (Some(p), true, None) => format!("~{p} (estimated)"),
        (None, _, _) => "undated".to_string(),
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = format!("{}", v.abs() as i64);
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if v < 0.0 {
            out.insert(0, '-');
        }
        out
    } else {
        format!("{v}")
    }
}

fn figure_value(r: &dossier_model::FigureReport) -> String {
    let mut s = String::new();
    if let Some(q) = &r.qualifier {
        s.push_str(q);
        s.push(' ');
    }
    match (r.low, r.high) {
        (Some(l), Some(h)) if l != h => s.push_str(&format!("{}–{}", fmt_num(l), fmt_num(h))),
        _ => s.push_str(&fmt_num(r.value)),
    }
    if let Some(u) = &r.unit {
        if u != "person" {
            s.push(' ');
            s.push_str(u);
            if r.value != 1.0
                && !u.ends_with('s')
                && u.chars().all(|c| c.is_alphabetic())
                && u.len() > 2
            {
                s.push('s');
            }
        }
    }
    // Where the figure applies, when its sentence says so: "about 1,200 in
    // Israel" (the measure's own date is in its name).
    if let Some(p) = &r.place {
        s.push_str(" in ");
        s.push_str(p);
    }
    s
}

fn agreement_word(a: Agreement) -> &'static str {
    match a {
        Agreement::Single => "single report",
        Agreement::Agree => "agree",
        Agreement::Differ => "differ",
        Agreement::Updated => "updated",
    }
}

fn speaker_label(speaker: Option<&Speaker>) -> String {
    match speaker {
        None => "(unattributed)".to_string(),
        Some(s) if s.anonymous => {
            format!(
                "{} [anonymous]",
                s.description.clone().unwrap_or_else(|| s.name.clone())
            )
        }
        Some(s) => {
            let c = s.canonical.clone().unwrap_or_else(|| s.name.clone());
            if c != s.name && !s.name.is_empty() {
                format!("{c} (“{}”)", s.name)
            } else {
                c
            }
        }
    }
}

fn outlet_of(r: &Report, id: &str) -> String {
    r.doc(id)
        .map(|d| d.outlet())
        .unwrap_or_else(|| id.to_string())
}

/// Plain text for a terminal.
pub fn render_text(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "DOSSIER — {} stories, {} documents, {} storylines",
        r.stories.len(),
        r.documents.len(),
        r.storylines.len()
    );
    for (i, s) in r.stories.iter().enumerate() {
        let mut cites = Citations::new();
        let _ = writeln!(o, "\n{}", "═".repeat(78));
        let _ = writeln!(o, "STORY {}: {}", i + 1, s.title);
        if let Some(l) = r.storyline(&s.storyline) {
            let _ = writeln!(o, "Storyline: {} ({} stories)", l.title, l.stories.len());
        }
        let span = match (&s.first_date, &s.last_date) {
            (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
            (Some(a), _) => a.clone(),
            _ => "dates unknown".into(),
        };
        let _ = writeln!(
            o,
            "{} reports from {} outlets, {span}",
            s.documents.len(),
            s.outlets.len()
        );
        let _ = writeln!(o, "{}", "═".repeat(78));

        let _ = writeln!(o, "\nREPORTS");
        for id in &s.documents {
            if let Some(d) = r.doc(id) {
                let n = cites.mark(id);
                let _ = writeln!(
                    o,
                    "  [{n}] {} — {} — {}",
                    d.outlet(),
                    date_label(d),
                    d.title.as_deref().unwrap_or("(no title)")
                );
                if let Some(b) = &d.byline {
                    let _ = writeln!(o, "      by {b}");
                }
            }
        }
        for group in &s.duplicates {
            if group.len() > 1 {
                let outlets: Vec<String> = group.iter().map(|id| outlet_of(r, id)).collect();
                let _ = writeln!(
                    o,
                    "  one text, published by {} outlets: {}",
                    group.len(),
                    outlets.join(", ")
                );
            }
        }

        if !s.summary.is_empty() {
            let _ = writeln!(o, "\nSUMMARY");
            for x in &s.summary {
                let n = cites.mark(&x.source.document);
                let _ = writeln!(o, "  {} [{n}]", x.text);
            }
        }
        if !s.timeline.is_empty() {
            let _ = writeln!(o, "\nTIMELINE");
            let dates: Vec<_> = s.timeline.iter().map(|t| readable_date(&t.date)).collect();
            let width = dates
                .iter()
                .map(|d| d.chars().count())
                .max()
                .unwrap_or(0)
                .max(12);
            for (t, date) in s.timeline.iter().zip(&dates) {
                let n = cites.mark(&t.source.document);
                let note = year_note(t, &mut cites);
                let _ = writeln!(o, "  {date:<width$} {} [{n}]{note}", t.text);
            }
        }
        if !s.quotes.is_empty() {
            let _ = writeln!(o, "\nWHO SAID WHAT");
            for q in &s.quotes {
                let n = cites.mark(&q.document);
                let also = if q.also_in.is_empty() {
                    String::new()
                } else {
                    format!(" (also in {})", q.also_in.join(", "))
                };
                // The cue, unless the quoted words open with it ("the
                // president “stressed the need …”"): it would read twice.
                let cue = q
                    .cue
                    .as_deref()
                    .filter(|c| !opens_with_word(&q.text, c))
                    .map(|c| format!(" {c}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "  {}{cue}: “{}” — {} [{n}]{also}",
                    speaker_label(q.speaker.as_ref()),
                    q.text,
                    q.outlet
                );
            }
        }
        if !s.positions.is_empty() {
            let _ = writeln!(o, "\nPOSITIONS ATTRIBUTED BEYOND QUOTES");
            for p in &s.positions {
                let n = cites.mark(&p.document);
                let who = speaker_label(Some(&p.speaker));
                let _ = writeln!(o, "  {who} ({}) {}: {} [{n}]", p.outlet, p.cue, p.text);
            }
        }
        if !s.sourcing.is_empty() {
            let _ = writeln!(o, "\nSOURCING BY OUTLET");
            write_sourcing_text(&mut o, &s.sourcing);
        }
        if !s.figures.is_empty() {
            let _ = writeln!(o, "\nFIGURES");
            write_figures_text(&mut o, &s.figures, &mut cites, r);
        }
        if !s.labels.is_empty() {
            let _ = writeln!(o, "\nHOW OUTLETS NAME THE MAIN ACTORS");
            for a in &s.labels {
                let _ = writeln!(o, "  {}", a.actor);
                for ol in &a.outlets {
                    let words: Vec<String> = ol
                        .labels
                        .iter()
                        .map(|(l, c)| format!("“{l}” ×{c}"))
                        .collect();
                    let _ = writeln!(o, "    {}: {}", ol.outlet, words.join(", "));
                }
            }
        }
        let _ = writeln!(o, "\nSOURCES");
        for (k, id) in cites.order.iter().enumerate() {
            if let Some(d) = r.doc(id) {
                let loc = d.url.clone().or(d.path.clone()).unwrap_or_default();
                let _ = writeln!(
                    o,
                    "  [{}] {} — {} — {} ({})",
                    k + 1,
                    d.outlet(),
                    d.title.as_deref().unwrap_or("(no title)"),
                    loc,
                    d.id
                );
            }
        }
    }
    for l in &r.storylines {
        let dates = shows_key_dates(l);
        let figures = l.figures.iter().any(|f| f.reports.len() > 1);
        let covered = coverage(l, &r.line_stories);
        let sourcing = shows_line_sourcing(l);
        if !dates && !figures && covered.is_empty() && !sourcing && l.wording.is_empty() {
            continue;
        }
        let mut cites = Citations::new();
        let _ = writeln!(
            o,
            "\n{}\nSTORYLINE: {} ({})\n{}",
            "─".repeat(78),
            l.title,
            count_stories(l.stories.len()),
            "─".repeat(78)
        );
        if dates {
            let _ = writeln!(o, "Key dates:");
            for k in &l.timeline {
                for (i, sen) in k.sentences.iter().enumerate() {
                    let n = cites.mark(&sen.source.document);
                    let when = if i == 0 { k.date.as_str() } else { "" };
                    let _ = writeln!(o, "  {when:<10}  {} [{n}]", sen.text.trim());
                }
            }
        }
        if figures {
            let _ = writeln!(o, "Figures across the storyline:");
            let multi: Vec<FigureComparison> = l
                .figures
                .iter()
                .filter(|f| f.reports.len() > 1)
                .cloned()
                .collect();
            write_figures_text(&mut o, &multi, &mut cites, r);
        }
        if !covered.is_empty() {
            let _ = writeln!(
                o,
                "Coverage (which outlets reported which of the {}):",
                count_stories(l.stories.len())
            );
            for c in &covered {
                let (line, missed) = coverage_line(c);
                let not = if missed.is_empty() {
                    String::new()
                } else {
                    format!("; not: {missed}")
                };
                let _ = writeln!(o, "  {}: {line}{not}", c.outlet);
            }
        }
        if sourcing {
            let _ = writeln!(o, "Sourcing by outlet across the storyline:");
            write_sourcing_text(&mut o, &l.sourcing);
        }
        if !l.wording.is_empty() {
            let _ = writeln!(o, "{WORDING_NOTE}:");
            for w in &l.wording {
                let terms: Vec<String> = w.terms.iter().map(term_label).collect();
                let _ = writeln!(o, "  {}: {}", wording_outlet(w), terms.join(", "));
            }
        }
        for (k, id) in cites.order.iter().enumerate() {
            if let Some(d) = r.doc(id) {
                let _ = writeln!(
                    o,
                    "  [{}] {} — {}",
                    k + 1,
                    d.outlet(),
                    d.title.as_deref().unwrap_or("(no title)")
                );
            }
        }
    }
    o
}

/// Whether `text` opens with the words `cue` (letter case aside), as a
/// whole word: "stressed the need" opens with "stressed", "stresses" does
/// not open with "stress".
fn opens_with_word(text: &str, cue: &str) -> bool {
    let cue = cue.trim();
    let text = text.trim_start();
    !cue.is_empty()
        && text
            .get(..cue.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(cue))
        && !text[cue.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}

fn count_stories(n: usize) -> String {
    if n == 1 {
        "1 story".to_string()
    } else {
        format!("{n} stories")
    }
}

/// What one outlet covered of a storyline: the stories with a report of
/// its own (or a copy it published) and those without.
pub struct OutletCoverage<'a> {
    pub outlet: String,
    pub covered: Vec<&'a Story>,
    pub missed: Vec<&'a Story>,
}

/// Which outlets covered which stories of `line` (the stories of
/// `stories` that name it as their storyline, in their order), outlets
/// covering most first. Empty when the storyline has one story or one
/// outlet: there is nothing to compare.
pub fn coverage<'a>(line: &Storyline, stories: &[&'a Story]) -> Vec<OutletCoverage<'a>> {
    let members: Vec<&Story> = stories
        .iter()
        .copied()
        .filter(|s| s.storyline == line.id)
        .collect();
    let mut outlets: Vec<&str> = members
        .iter()
        .flat_map(|s| s.outlets.iter().map(String::as_str))
        .collect();
    outlets.sort_unstable();
    outlets.dedup();
    if members.len() < 2 || outlets.len() < 2 {
        return Vec::new();
    }
    let mut out: Vec<OutletCoverage> = outlets
        .into_iter()
        .map(|o| {
            let (covered, missed) = members
                .iter()
                .partition(|s| s.outlets.iter().any(|x| x == o));
            OutletCoverage {
                outlet: o.to_string(),
                covered,
                missed,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.covered
            .len()
            .cmp(&a.covered.len())
            .then(a.outlet.cmp(&b.outlet))
    });
    out
}

/// Stories a coverage line names as not covered; the rest are counted.
pub const MISSED_SHOWN: usize = 5;

/// An outlet's coverage in words: "2 of 3 stories", and the stories it
/// did not cover, as "“Title” (2025-01-13), ..." (the first few, then
/// "and N more"; empty when none).
pub fn coverage_line(c: &OutletCoverage) -> (String, String) {
    let total = c.covered.len() + c.missed.len();
    let mut missed: Vec<String> = c
        .missed
        .iter()
        .take(MISSED_SHOWN)
        .map(|s| match &s.first_date {
            Some(d) => format!("“{}” ({d})", s.title),
            None => format!("“{}”", s.title),
        })
        .collect();
    if c.missed.len() > MISSED_SHOWN {
        missed.push(format!("and {} more", c.missed.len() - MISSED_SHOWN));
    }
    (
        format!("{} of {}", c.covered.len(), count_stories(total)),
        missed.join(", "),
    )
}

/// A storyline's key dates are worth a section when it joins several
/// stories (a one-story storyline's dates are in its story's timeline).
fn shows_key_dates(l: &Storyline) -> bool {
    l.stories.len() > 1 && l.timeline.iter().any(|k| !k.sentences.is_empty())
}

/// A report's date for a figure line. A date estimated from the text says
/// how far it is known: `~2025-03-01` for a day, `2025-03-01 to
/// 2025-12-31?` for a range, `after 2023-10-07?` for a lower bound only.
fn short_date(r: &Report, rep: &dossier_model::FigureReport) -> String {
    let doc = r.doc(&rep.document).filter(|d| d.published_estimated);
    match (&rep.published, doc.and_then(|d| d.date_estimate.as_ref())) {
        (Some(_), Some(e)) => match &e.latest {
            None => format!("after {}?", e.earliest),
            Some(l) if l != &e.earliest => format!("{} to {l}?", e.earliest),
            Some(_) => format!("~{}", e.earliest),
        },
        (Some(p), None) if doc.is_some() => format!("~{p}"),
        (Some(p), None) => p.clone(),
        (None, _) => "undated".to_string(),
    }
}

fn write_figures_text(
    o: &mut String,
    figs: &[FigureComparison],
    cites: &mut Citations,
    r: &Report,
) {
    for f in figs {
        let _ = writeln!(o, "  {} — {}", f.measure, agreement_word(f.agreement));
        for rep in &f.reports {
            let n = cites.mark(&rep.document);
            let date = short_date(r, rep);
            let src = rep
                .source
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "      {:<24} {:<28} “{}” ({date}{src}) [{n}]",
                rep.outlet,
                figure_value(rep),
                rep.text
            );
        }
    }
}

/// An outlet's quote counts in words: "11 quotes: 6 named, 4 anonymous
/// (36%), 1 unattributed".
pub fn sourcing_counts(s: &dossier_model::OutletSourcing) -> String {
    let pct = (100.0 * s.anonymous as f64 / s.quotes.max(1) as f64).round();
    let mut parts = vec![format!("{} named", s.named)];
    parts.push(format!("{} anonymous ({pct}%)", s.anonymous));
    if s.unattributed > 0 {
        parts.push(format!("{} unattributed", s.unattributed));
    }
    let noun = if s.quotes == 1 { "quote" } else { "quotes" };
    format!("{} {noun}: {}", s.quotes, parts.join(", "))
}

/// A sourcing table as text: each outlet's counts, who it quotes and its
/// anonymous sources by affiliation.
fn write_sourcing_text(o: &mut String, rows: &[OutletSourcing]) {
    for so in rows {
        let _ = writeln!(o, "  {}: {}", so.outlet, sourcing_counts(so));
        if !so.speakers.is_empty() {
            let _ = writeln!(o, "    quotes: {}", tally(&so.speakers));
        }
        if !so.anonymous_by_affiliation.is_empty() {
            let _ = writeln!(
                o,
                "    anonymous sources: {}",
                tally(&so.anonymous_by_affiliation)
            );
        }
    }
}

/// A sourcing table as a Markdown section.
fn write_sourcing_md(o: &mut String, rows: &[OutletSourcing]) {
    let _ = writeln!(
        o,
        "\n### Sourcing by outlet\n\n| Outlet | Quotes | Who is quoted | Anonymous sources |\n|---|---|---|---|"
    );
    for so in rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            md_escape(&so.outlet),
            md_escape(&sourcing_counts(so)),
            md_escape(&tally(&so.speakers)),
            md_escape(&tally(&so.anonymous_by_affiliation))
        );
    }
}

/// A sourcing table as an HTML section.
fn write_sourcing_html(o: &mut String, rows: &[OutletSourcing]) {
    o.push_str("<h3>Sourcing by outlet</h3><table><tr><th>Outlet</th><th>Quotes</th><th>Who is quoted</th><th>Anonymous sources</th></tr>");
    for so in rows {
        o.push_str(&sourcing_row_html(so));
    }
    o.push_str("</table>");
}

/// One outlet's row of the sourcing table (outlet, counts, who is quoted,
/// anonymous sources), escaped: for the HTML report and the web UI.
pub fn sourcing_row_html(s: &dossier_model::OutletSourcing) -> String {
    format!(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        html_escape(&s.outlet),
        html_escape(&sourcing_counts(s)),
        html_escape(&tally(&s.speakers)),
        html_escape(&tally(&s.anonymous_by_affiliation))
    )
}

/// A storyline's own sourcing table is worth showing when it sums several
/// stories (with one, it is that story's table).
fn shows_line_sourcing(l: &Storyline) -> bool {
    l.stories.len() > 1 && !l.sourcing.is_empty()
}

/// One term of an outlet's distinctive words: "“percent” ×113 (others ×5)".
pub fn term_label(t: &DistinctiveTerm) -> String {
    format!("“{}” ×{} (others ×{})", t.term, t.count, t.others)
}

/// An outlet's heading in the wording table: "Reuters (3 reports)".
pub fn wording_outlet(w: &OutletWording) -> String {
    let noun = if w.documents == 1 {
        "report"
    } else {
        "reports"
    };
    format!("{} ({} {noun})", w.outlet, w.documents)
}

/// One outlet's row of the distinctive-words table, escaped: each term
/// opens onto the sentences that use it, each followed by `cite(source)`
/// (a citation mark or a link). For the HTML report and the web UI.
pub fn wording_row_html(w: &OutletWording, mut cite: impl FnMut(&SourceRef) -> String) -> String {
    let mut o = format!(
        "<tr><td>{}</td><td class=\"terms\">",
        html_escape(&wording_outlet(w))
    );
    for t in &w.terms {
        let _ = write!(
            o,
            "<details><summary>{} <span class=\"src\">z {:.1}</span></summary><ul>",
            html_escape(&term_label(t)),
            t.z
        );
        for sen in &t.sentences {
            let _ = write!(
                o,
                "<li>{} {}</li>",
                html_escape(sen.text.trim()),
                cite(&sen.source)
            );
        }
        o.push_str("</ul></details>");
    }
    o.push_str("</td></tr>");
    o
}

/// The heading line of the distinctive-words section.
pub const WORDING_NOTE: &str = "Words each outlet uses more than the other outlets of the storyline (weighted log-odds ratio with an informative Dirichlet prior, z ≥ 1.96; used at least twice)";

/// Names with counts, as "Tammy Bruce ×6, Axios ×1".
pub fn tally(items: &[(String, usize)]) -> String {
    items
        .iter()
        .map(|(k, n)| format!("{k} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A standalone Markdown report.
pub fn render_markdown(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Dossier\n\n{} stories, {} documents, {} storylines.\n",
        r.stories.len(),
        r.documents.len(),
        r.storylines.len()
    );
    for s in &r.stories {
        let mut cites = Citations::new();
        let _ = writeln!(o, "## {}\n", md_escape(&s.title));
        if let Some(l) = r.storyline(&s.storyline) {
            let _ = writeln!(o, "*Storyline:* {}\n", md_escape(&l.title));
        }
        let _ = writeln!(
            o,
            "### Reports\n\n| # | Outlet | Date | Title |\n|---|---|---|---|"
        );
        for id in &s.documents {
            if let Some(d) = r.doc(id) {
                let n = cites.mark(id);
                let _ = writeln!(
                    o,
                    "| {n} | {} | {} | {} |",
                    md_escape(&d.outlet()),
                    md_escape(&date_label(d)),
                    md_escape(d.title.as_deref().unwrap_or("(no title)"))
                );
            }
        }
        if !s.summary.is_empty() {
            let _ = writeln!(o, "\n### Summary\n");
            for x in &s.summary {
                let n = cites.mark(&x.source.document);
                let _ = writeln!(o, "- {} \\[{n}\\]", md_escape(&x.text));
            }
        }
        if !s.timeline.is_empty() {
            let _ = writeln!(
                o,
                "\n### Timeline\n\n| Date | Event | Source |\n|---|---|---|"
            );
            for t in &s.timeline {
                let n = cites.mark(&t.source.document);
                let note = year_note(t, &mut cites)
                    .replace('[', "\\[")
                    .replace(']', "\\]");
                let _ = writeln!(
                    o,
                    "| {} | {} | \\[{n}\\]{note} |",
                    md_escape(&readable_date(&t.date)),
                    md_escape(&t.text)
                );
            }
        }
        if !s.quotes.is_empty() {
            let _ = writeln!(
                o,
                "\n### Who said what\n\n| Speaker | Outlet | Quote | Source |\n|---|---|---|---|"
            );
            for q in &s.quotes {
                let n = cites.mark(&q.document);
                let _ = writeln!(
                    o,
                    "| {} | {} | “{}” | \\[{n}\\] |",
                    md_escape(&speaker_label(q.speaker.as_ref())),
                    md_escape(&q.outlet),
                    md_escape(&q.text)
                );
            }
        }
        if !s.positions.is_empty() {
            let _ = writeln!(
                o,
                "\n### Positions attributed beyond quotes\n\n| Who | Outlet | Cue | What | Source |\n|---|---|---|---|---|"
            );
            for p in &s.positions {
                let n = cites.mark(&p.document);
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | \\[{n}\\] |",
                    md_escape(&speaker_label(Some(&p.speaker))),
                    md_escape(&p.outlet),
                    md_escape(&p.cue),
                    md_escape(&p.text)
                );
            }
        }
        if !s.sourcing.is_empty() {
            write_sourcing_md(&mut o, &s.sourcing);
        }
        if !s.figures.is_empty() {
            let _ = writeln!(o, "\n### Figures\n\n| Measure | Agreement | Outlet | Value | As written | Source |\n|---|---|---|---|---|---|");
            for f in &s.figures {
                for rep in &f.reports {
                    let n = cites.mark(&rep.document);
                    let _ = writeln!(
                        o,
                        "| {} | {} | {} | {} | “{}” | \\[{n}\\] |",
                        md_escape(&f.measure),
                        agreement_word(f.agreement),
                        md_escape(&rep.outlet),
                        md_escape(&figure_value(rep)),
                        md_escape(&rep.text)
                    );
                }
            }
        }
        if !s.labels.is_empty() {
            let _ = writeln!(o, "\n### How outlets name the main actors\n");
            for a in &s.labels {
                let _ = writeln!(o, "- **{}**", md_escape(&a.actor));
                for ol in &a.outlets {
                    let words: Vec<String> = ol
                        .labels
                        .iter()
                        .map(|(l, c)| format!("“{}” ×{c}", md_escape(l)))
                        .collect();
                    let _ = writeln!(o, "  - {}: {}", md_escape(&ol.outlet), words.join(", "));
                }
            }
        }
        let _ = writeln!(o, "\n### Sources\n");
        for (k, id) in cites.order.iter().enumerate() {
            if let Some(d) = r.doc(id) {
                let loc = d.url.clone().or(d.path.clone()).unwrap_or_default();
                let _ = writeln!(
                    o,
                    "{}. {} — {} — `{}`",
                    k + 1,
                    md_escape(&d.outlet()),
                    md_escape(d.title.as_deref().unwrap_or("(no title)")),
                    loc.replace('`', "'")
                );
            }
        }
        o.push('\n');
    }
    for l in &r.storylines {
        let dates = shows_key_dates(l);
        let covered = coverage(l, &r.line_stories);
        let sourcing = shows_line_sourcing(l);
        if !dates && covered.is_empty() && !sourcing && l.wording.is_empty() {
            continue;
        }
        let mut cites = Citations::new();
        let _ = write!(
            o,
            "## Storyline: {}\n\n{}.",
            md_escape(&l.title),
            count_stories(l.stories.len())
        );
        if dates {
            let _ = writeln!(
                o,
                " Key dates:\n\n| Date | What happened | Source |\n|---|---|---|"
            );
        } else {
            o.push('\n');
        }
        for k in l.timeline.iter().filter(|_| dates) {
            for sen in &k.sentences {
                let n = cites.mark(&sen.source.document);
                let _ = writeln!(
                    o,
                    "| {} | {} | \\[{n}\\] |",
                    md_escape(&k.date),
                    md_escape(sen.text.trim())
                );
            }
        }
        if !covered.is_empty() {
            let _ = writeln!(
                o,
                "\n### Coverage\n\n| Outlet | Stories covered | Not covered |\n|---|---|---|"
            );
            for c in &covered {
                let (line, missed) = coverage_line(c);
                let _ = writeln!(
                    o,
                    "| {} | {} | {} |",
                    md_escape(&c.outlet),
                    line,
                    md_escape(&missed)
                );
            }
        }
        if sourcing {
            write_sourcing_md(&mut o, &l.sourcing);
        }
        if !l.wording.is_empty() {
            let _ = writeln!(o, "\n### Wording\n\n{WORDING_NOTE}.\n");
            for w in &l.wording {
                let _ = writeln!(o, "- **{}**", md_escape(&wording_outlet(w)));
                for t in &w.terms {
                    let _ = write!(o, "  - {}", md_escape(&term_label(t)));
                    // The first sentence behind the term, cited.
                    if let Some(sen) = t.sentences.first() {
                        let n = cites.mark(&sen.source.document);
                        let _ = write!(o, ": “{}” \\[{n}\\]", md_escape(sen.text.trim()));
                    }
                    o.push('\n');
                }
            }
        }
        let _ = writeln!(o, "\n### Sources\n");
        for (k, id) in cites.order.iter().enumerate() {
            if let Some(d) = r.doc(id) {
                let _ = writeln!(
                    o,
                    "{}. {} — {}",
                    k + 1,
                    md_escape(&d.outlet()),
                    md_escape(d.title.as_deref().unwrap_or("(no title)"))
                );
            }
        }
        o.push('\n');
    }
    o
}

/// Escape text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:auto;padding:1rem;color:#1b1b1b}\
h1,h2,h3{line-height:1.2}h2{border-top:3px solid #333;padding-top:1rem;margin-top:2.5rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}.anon{background:#fff3cd;padding:0 .2rem;border-radius:3px}.agree{color:#14632d;font-weight:600}\
.differ{color:#a4161a;font-weight:600}.updated{color:#7a4b00;font-weight:600}.single{color:#555}\
sup a{text-decoration:none}blockquote{margin:.2rem 0}.terms details{margin:0 0 .2rem}.terms summary{cursor:pointer}.src{font-size:.9em;color:#444}@media(max-width:40rem){td,th{display:block}}";

/// A citation mark linking to source `n` of the section `scope` (each
/// section numbers its sources from 1, so anchors carry the section).
fn cite_html(scope: &str, n: usize, s: &SourceRef) -> String {
    format!(
        "<sup><a href=\"#{scope}-src-{n}\" title=\"{} bytes {}–{}\">[{n}]</a></sup>",
        html_escape(&s.outlet),
        s.start,
        s.end
    )
}

/// A standalone HTML page: no scripts, no external requests, every piece of
/// article text escaped.
pub fn render_html(r: &Report) -> String {
    let mut o = String::new();
    let _ = write!(o, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>Dossier</title><style>{CSS}</style></head><body><h1>Dossier</h1><p>{} stories, {} documents, {} storylines.</p>", r.stories.len(), r.documents.len(), r.storylines.len());
    for (si, s) in r.stories.iter().enumerate() {
        let scope = format!("s{}", si + 1);
        let mut cites = Citations::new();
        let _ = write!(o, "<section><h2>{}</h2>", html_escape(&s.title));
        if let Some(l) = r.storyline(&s.storyline) {
            let _ = write!(o, "<p><em>Storyline:</em> {}</p>", html_escape(&l.title));
        }
        let _ = write!(
            o,
            "<h3>Reports</h3><table><tr><th>#</th><th>Outlet</th><th>Date</th><th>Title</th></tr>"
        );
        for id in &s.documents {
            if let Some(d) = r.doc(id) {
                let n = cites.mark(id);
                let _ = write!(
                    o,
                    "<tr><td>{n}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    html_escape(&d.outlet()),
                    html_escape(&date_label(d)),
                    html_escape(d.title.as_deref().unwrap_or("(no title)"))
                );
            }
        }
        o.push_str("</table>");
        if !s.summary.is_empty() {
            o.push_str("<h3>Summary</h3><ul>");
            for x in &s.summary {
                let n = cites.mark(&x.source.document);
                let _ = write!(
                    o,
                    "<li>{} {}</li>",
                    html_escape(&x.text),
                    cite_html(&scope, n, &x.source)
                );
            }
            o.push_str("</ul>");
        }
        if !s.timeline.is_empty() {
            o.push_str("<h3>Timeline</h3><table><tr><th>Date</th><th>Event</th></tr>");
            for t in &s.timeline {
                let n = cites.mark(&t.source.document);
                let note = year_note(t, &mut cites);
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{} {}{}</td></tr>",
                    html_escape(&readable_date(&t.date)),
                    html_escape(&t.text),
                    cite_html(&scope, n, &t.source),
                    html_escape(&note)
                );
            }
            o.push_str("</table>");
        }
        if !s.quotes.is_empty() {
            o.push_str("<h3>Who said what</h3><table><tr><th>Speaker</th><th>Outlet</th><th>Quote</th></tr>");
            for q in &s.quotes {
                let n = cites.mark(&q.document);
                let anon = q.speaker.as_ref().is_some_and(|s| s.anonymous);
                let who = html_escape(&speaker_label(q.speaker.as_ref()));
                let who = if anon {
                    format!("<span class=\"anon\">{who}</span>")
                } else {
                    who
                };
                let _ = write!(o, "<tr><td>{who}</td><td>{}</td><td><blockquote>“{}”</blockquote> <sup><a href=\"#{scope}-src-{n}\">[{n}]</a></sup></td></tr>", html_escape(&q.outlet), html_escape(&q.text));
            }
            o.push_str("</table>");
        }
        if !s.positions.is_empty() {
            o.push_str("<h3>Positions attributed beyond quotes</h3><table><tr><th>Who</th><th>Outlet</th><th>Cue</th><th>What</th></tr>");
            for p in &s.positions {
                let n = cites.mark(&p.document);
                let who = html_escape(&speaker_label(Some(&p.speaker)));
                let who = if p.speaker.anonymous {
                    format!("<span class=\"anon\">{who}</span>")
                } else {
                    who
                };
                let _ = write!(o, "<tr><td>{who}</td><td>{}</td><td>{}</td><td>{} <sup><a href=\"#{scope}-src-{n}\">[{n}]</a></sup></td></tr>", html_escape(&p.outlet), html_escape(&p.cue), html_escape(&p.text));
            }
            o.push_str("</table>");
        }
        if !s.sourcing.is_empty() {
            write_sourcing_html(&mut o, &s.sourcing);
        }
        if !s.figures.is_empty() {
            o.push_str("<h3>Figures</h3><table><tr><th>Measure</th><th>Outlet</th><th>Value</th><th>As written</th><th>Date</th></tr>");
            for f in &s.figures {
                let cls = agreement_word(f.agreement)
                    .split(' ')
                    .next()
                    .unwrap_or("single");
                for (k, rep) in f.reports.iter().enumerate() {
                    let n = cites.mark(&rep.document);
                    let head = if k == 0 {
                        format!(
                            "<td rowspan=\"{}\">{}<br><span class=\"{cls}\">{}</span></td>",
                            f.reports.len(),
                            html_escape(&f.measure),
                            agreement_word(f.agreement)
                        )
                    } else {
                        String::new()
                    };
                    let _ = write!(o, "<tr>{head}<td>{}</td><td>{}</td><td>“{}”{} <sup><a href=\"#{scope}-src-{n}\">[{n}]</a></sup></td><td>{}</td></tr>", html_escape(&rep.outlet), html_escape(&figure_value(rep)), html_escape(&rep.text), rep.source.as_deref().map(|s| format!(" <span class=\"src\">({})</span>", html_escape(s))).unwrap_or_default(), html_escape(&short_date(r, rep)));
                }
            }
            o.push_str("</table>");
        }
        if !s.labels.is_empty() {
            o.push_str("<h3>How outlets name the main actors</h3><table><tr><th>Actor</th><th>Outlet</th><th>Words used</th></tr>");
            for a in &s.labels {
                for ol in &a.outlets {
                    let words: Vec<String> = ol
                        .labels
                        .iter()
                        .map(|(l, c)| format!("“{}” ×{c}", html_escape(l)))
                        .collect();
                    let _ = write!(
                        o,
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        html_escape(&a.actor),
                        html_escape(&ol.outlet),
                        words.join(", ")
                    );
                }
            }
            o.push_str("</table>");
        }
        o.push_str("<h3>Sources</h3><ol>");
        for (k, id) in cites.order.iter().enumerate() {
            if let Some(d) = r.doc(id) {
                let loc = d.url.clone().or(d.path.clone()).unwrap_or_default();
                let _ = write!(
                    o,
                    "<li id=\"{scope}-src-{}\">{} — {} — <code>{}</code></li>",
                    k + 1,
                    html_escape(&d.outlet()),
                    html_escape(d.title.as_deref().unwrap_or("(no title)")),
                    html_escape(&loc)
                );
            }
        }
        o.push_str("</ol></section>");
    }
    for (li, l) in r.storylines.iter().enumerate() {
        let scope = format!("l{}", li + 1);
        let dates = shows_key_dates(l);
        let covered = coverage(l, &r.line_stories);
        let sourcing = shows_line_sourcing(l);
        if !dates && covered.is_empty() && !sourcing && l.wording.is_empty() {
            continue;
        }
        let mut cites = Citations::new();
        let _ = write!(
            o,
            "<section><h2>Storyline: {}</h2><p>{}.</p>",
            html_escape(&l.title),
            count_stories(l.stories.len())
        );
        if dates {
            o.push_str("<h3>Key dates</h3><table><tr><th>Date</th><th>What happened</th><th>Source</th></tr>");
            for k in &l.timeline {
                for sen in &k.sentences {
                    let n = cites.mark(&sen.source.document);
                    let _ = write!(
                        o,
                        "<tr><td>{}</td><td>{}</td><td><a href=\"#{scope}-src-{n}\">[{n}]</a></td></tr>",
                        html_escape(&k.date),
                        html_escape(sen.text.trim())
                    );
                }
            }
            o.push_str("</table>");
        }
        if !covered.is_empty() {
            o.push_str("<h3>Coverage</h3><table><tr><th>Outlet</th><th>Stories covered</th><th>Not covered</th></tr>");
            for c in &covered {
                let (line, missed) = coverage_line(c);
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{line}</td><td>{}</td></tr>",
                    html_escape(&c.outlet),
                    html_escape(&missed)
                );
            }
            o.push_str("</table>");
        }
        if sourcing {
            write_sourcing_html(&mut o, &l.sourcing);
        }
        if !l.wording.is_empty() {
            let _ = write!(
                o,
                "<h3>Wording</h3><p class=\"src\">{}.</p><table><tr><th>Outlet</th><th>Distinctive words</th></tr>",
                html_escape(WORDING_NOTE)
            );
            for w in &l.wording {
                let row =
                    wording_row_html(w, |src| cite_html(&scope, cites.mark(&src.document), src));
                o.push_str(&row);
            }
            o.push_str("</table>");
        }
        o.push_str("<h3>Sources</h3><ol>");
        for (k, id) in cites.order.iter().enumerate() {
            if let Some(d) = r.doc(id) {
                let _ = write!(
                    o,
                    "<li id=\"{scope}-src-{}\">{} — {}</li>",
                    k + 1,
                    html_escape(&d.outlet()),
                    html_escape(d.title.as_deref().unwrap_or("(no title)"))
                );
            }
        }
        o.push_str("</ol></section>");
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_model::*;

    #[test]
    fn a_figure_shows_its_hedge_unit_and_place() {
        let (_, stories, _) = fixture();
        let mut rep = stories[0].figures[0].reports[0].clone();
        let plain = figure_value(&rep);
        assert!(
            plain.starts_with("about 1") && !plain.contains(" in "),
            "{plain}"
        );
        rep.place = Some("Israel".into());
        assert_eq!(figure_value(&rep), format!("{plain} in Israel"));
    }

    fn fixture() -> (Vec<Document>, Vec<Story>, Vec<Storyline>) {
        let d = Document {
            id: "d1".into(),
            title: Some("<script>alert(1)</script> Talks".into()),
            publisher: Some("Outlet & Co".into()),
            text: "He said “yes”.".into(),
            ..Default::default()
        };
        let src = SourceRef {
            document: "d1".into(),
            outlet: "Outlet & Co".into(),
            start: 0,
            end: 14,
        };
        let s = Story {
            id: "s1".into(),
            title: "<b>Talks</b>".into(),
            storyline: "l1".into(),
            documents: vec!["d1".into()],
            duplicates: vec![],
            first_date: None,
            last_date: None,
            outlets: vec!["Outlet & Co".into()],
            timeline: vec![TimelineEntry {
                date: "2025-07-08".into(),
                text: "He said “yes”.".into(),
                basis: "published".into(),
                source: src.clone(),
                year_from: None,
            }],
            quotes: vec![QuoteRef {
                document: "d1".into(),
                outlet: "Outlet & Co".into(),
                text: "yes <img onerror=x>".into(),
                kind: QuoteKind::Direct,
                speaker: Some(Speaker {
                    name: "a senior official".into(),
                    canonical: None,
                    anonymous: true,
                    description: Some("a senior official".into()),
                    ..Default::default()
                }),
                cue: Some("said".into()),
                start: 9,
                end: 12,
                also_in: vec![],
            }],
            positions: vec![],
            sourcing: vec![],
            figures: vec![FigureComparison {
                measure: "killed".into(),
                key: "killed".into(),
                agreement: Agreement::Agree,
                reports: vec![FigureReport {
                    document: "d1".into(),
                    outlet: "Outlet & Co".into(),
                    published: None,
                    text: "about 1,200".into(),
                    value: 1200.0,
                    low: None,
                    high: None,
                    qualifier: Some("about".into()),
                    unit: Some("person".into()),
                    counted: Some("killed".into()),
                    source: None,
                    date: None,
                    place: None,
                    start: 0,
                    end: 3,
                }],
            }],
            labels: vec![],
            summary: vec![SummarySentence {
                text: "He said “yes”.".into(),
                source: src,
            }],
        };
        let l = Storyline {
            id: "l1".into(),
            title: "Talks".into(),
            stories: vec!["s1".into()],
            ..Default::default()
        };
        (vec![d], vec![s], vec![l])
    }

    #[test]
    fn html_escapes_article_text_and_runs_nothing() {
        let (d, s, l) = fixture();
        let r = Report::select(&d, &s, &l, None);
        let html = render_html(&r);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;") || !html.contains("script"));
        assert!(html.contains("class=\"anon\""));
        assert!(html.contains("Outlet &amp; Co"));
    }

    #[test]
    fn text_report_cites_sources_and_marks_anonymous() {
        let (d, s, l) = fixture();
        let r = Report::select(&d, &s, &l, Some(&["d1".to_string()]));
        let t = render_text(&r);
        assert!(t.contains("a senior official [anonymous]"), "{t}");
        assert!(t.contains("about 1,200"));
        assert!(t.contains("[1] Outlet & Co"));
        let none = Report::select(&d, &s, &l, Some(&["other".to_string()]));
        assert!(none.stories.is_empty());
    }

    #[test]
    fn a_borrowed_year_is_marked_in_every_format() {
        let (d, mut s, l) = fixture();
        s[0].timeline[0].year_from = Some("d1".into());
        let r = Report::select(&d, &s, &l, None);
        let t = render_text(&r);
        assert!(t.contains("“yes”. [1] (year from [1])"), "{t}");
        let md = render_markdown(&r);
        assert!(md.contains("\\[1\\] (year from \\[1\\]) |"), "{md}");
        let html = render_html(&r);
        assert!(html.contains("(year from [1])"), "{html}");
        s[0].timeline[0].year_from = None;
        let t = render_text(&Report::select(&d, &s, &l, None));
        assert!(!t.contains("year from"), "{t}");
    }

    #[test]
    fn a_cue_that_opens_its_quote_is_not_repeated() {
        assert!(opens_with_word("stressed the need", "stressed"));
        assert!(opens_with_word("Stressed the need", "stressed"));
        assert!(!opens_with_word("stresses the need", "stress"));
        assert!(!opens_with_word("the need", "stressed"));
        assert!(!opens_with_word("s", "stressed"));
        assert!(!opens_with_word("ééé", "é"));
    }

    #[test]
    fn sourcing_by_outlet_shows_in_every_format() {
        let (d, mut s, l) = fixture();
        s[0].sourcing.push(dossier_model::OutletSourcing {
            outlet: "Outlet & Co".into(),
            quotes: 5,
            named: 2,
            anonymous: 2,
            unattributed: 1,
            speakers: vec![("Tammy Bruce".into(), 2)],
            anonymous_by_affiliation: vec![("Israeli".into(), 1), ("unstated".into(), 1)],
        });
        let r = Report::select(&d, &s, &l, None);
        let t = render_text(&r);
        assert!(t.contains("SOURCING BY OUTLET"), "{t}");
        assert!(
            t.contains("Outlet & Co: 5 quotes: 2 named, 2 anonymous (40%), 1 unattributed"),
            "{t}"
        );
        assert!(t.contains("    quotes: Tammy Bruce ×2"), "{t}");
        assert!(
            t.contains("anonymous sources: Israeli ×1, unstated ×1"),
            "{t}"
        );
        let md = render_markdown(&r);
        assert!(md.contains("| Outlet & Co | 5 quotes: 2 named, 2 anonymous (40%), 1 unattributed | Tammy Bruce ×2 | Israeli ×1, unstated ×1 |"), "{md}");
        let html = render_html(&r);
        assert!(
            html.contains("<tr><td>Outlet &amp; Co</td><td>5 quotes: 2 named"),
            "{html}"
        );
        s[0].sourcing.clear();
        let r = Report::select(&d, &s, &l, None);
        assert!(!render_text(&r).contains("SOURCING BY OUTLET"));
    }

    #[test]
    fn positions_beyond_quotes_show_in_every_format() {
        let (d, mut s, l) = fixture();
        s[0].positions.push(PositionRef {
            document: "d1".into(),
            outlet: "Outlet & Co".into(),
            speaker: Speaker {
                name: "He".into(),
                canonical: Some("Hamas".into()),
                anonymous: false,
                description: None,
                start: Some(0),
                end: Some(2),
                ..Default::default()
            },
            cue: "has rejected".into(),
            text: "the | proposal <b>".into(),
            start: 3,
            end: 7,
        });
        let r = Report::select(&d, &s, &l, None);
        let t = render_text(&r);
        assert!(t.contains("POSITIONS ATTRIBUTED BEYOND QUOTES"), "{t}");
        assert!(
            t.contains("Hamas (“He”) (Outlet & Co) has rejected: the | proposal <b> [1]"),
            "{t}"
        );
        let md = render_markdown(&r);
        assert!(md.contains("| Hamas (“He”) | Outlet & Co | has rejected | the \\| proposal \\<b\\> | \\[1\\] |"), "{md}");
        let html = render_html(&r);
        assert!(
            html.contains("<td>has rejected</td><td>the | proposal &lt;b&gt; <sup>"),
            "{html}"
        );
        // a story without positions has no such section
        s[0].positions.clear();
        let r = Report::select(&d, &s, &l, None);
        assert!(!render_markdown(&r).contains("Positions attributed"));
    }

    #[test]
    fn markdown_escapes_table_breakers() {
        let (d, s, l) = fixture();
        let md = render_markdown(&Report::select(&d, &s, &l, None));
        assert!(md.contains("\\<b\\>Talks\\</b\\>"));
        assert!(md.contains("| agree |"));
    }

    #[test]
    fn storylines_show_which_outlet_covered_which_story() {
        let (d, mut s, mut l) = fixture();
        let mut s2 = s[0].clone();
        s2.id = "s2".into();
        s2.title = "Truce <signed>".into();
        s2.documents = vec!["d2".into()];
        s2.first_date = Some("2025-01-15".into());
        s2.outlets = vec!["Outlet & Co".into(), "Other".into()];
        s.push(s2);
        l[0].stories = vec!["s1".into(), "s2".into()];
        // the report on story s1 alone still reads coverage over both
        let wanted = vec!["d1".to_string()];
        let r = Report::select(&d, &s, &l, Some(&wanted));
        assert_eq!(r.stories.len(), 1);
        let t = render_text(&r);
        assert!(
            t.contains("Coverage (which outlets reported which of the 2 stories):"),
            "{t}"
        );
        assert!(t.contains("  Outlet & Co: 2 of 2 stories\n"), "{t}");
        assert!(
            t.contains("  Other: 1 of 2 stories; not: “<b>Talks</b>”"),
            "{t}"
        );
        let md = render_markdown(&r);
        assert!(
            md.contains("| Other | 1 of 2 stories | “\\<b\\>Talks\\</b\\>” |"),
            "{md}"
        );
        let html = render_html(&r);
        assert!(
            html.contains(
                "<tr><td>Other</td><td>1 of 2 stories</td><td>“&lt;b&gt;Talks&lt;/b&gt;”</td></tr>"
            ),
            "{html}"
        );
        // the JSON carries the same coverage, by story id
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["coverage"][0]["storyline"], l[0].id.as_str());
        let other = &j["coverage"][0]["outlets"][1];
        assert_eq!(other["outlet"], "Other");
        assert_eq!(other["covered"], serde_json::json!(["s2"]));
        assert_eq!(other["missed"], serde_json::json!(["s1"]));
        // one outlet throughout: nothing to compare
        s[1].outlets = vec!["Outlet & Co".into()];
        let r = Report::select(&d, &s, &l, None);
        assert!(coverage(r.storylines[0], &r.line_stories).is_empty());
        assert!(!render_text(&r).contains("Coverage"));
        assert!(r.coverage.is_empty());
    }

    #[test]
    fn an_estimated_date_says_how_far_it_is_known() {
        let (mut d, mut s, l) = fixture();
        s[0].figures[0].reports[0].published = Some("2023-10-07".into());
        d[0].published = Some("2023-10-07".into());
        d[0].published_estimated = true;
        let mut e = DateEstimate {
            earliest: "2023-10-07".into(),
            latest: None,
            basis: "latest dated reference in the text".into(),
        };
        d[0].date_estimate = Some(e.clone());
        let r = Report::select(&d, &s, &l, None);
        let t = render_text(&r);
        assert!(t.contains("after 2023-10-07 (estimated)"), "{t}");
        assert!(t.contains("(after 2023-10-07?) [1]"), "{t}");
        assert!(!t.contains("~2023"), "{t}");
        e.latest = Some("2023-12-31".into());
        d[0].date_estimate = Some(e.clone());
        let r = Report::select(&d, &s, &l, None);
        assert!(render_html(&r).contains("2023-10-07 to 2023-12-31?"));
        e.latest = Some("2023-10-07".into());
        d[0].date_estimate = Some(e);
        let r = Report::select(&d, &s, &l, None);
        assert!(render_text(&r).contains("(~2023-10-07) [1]"));
    }

    #[test]
    fn storyline_wording_and_sourcing_show_in_every_format() {
        let (d, mut s, mut l) = fixture();
        let mut s2 = s[0].clone();
        s2.id = "s2".into();
        s.push(s2);
        l[0].stories = vec!["s1".into(), "s2".into()];
        l[0].sourcing = vec![OutletSourcing {
            outlet: "Other".into(),
            quotes: 4,
            named: 3,
            anonymous: 1,
            speakers: vec![("Tammy Bruce".into(), 3)],
            ..Default::default()
        }];
        l[0].wording = vec![OutletWording {
            outlet: "Other".into(),
            documents: 2,
            terms: vec![DistinctiveTerm {
                term: "terror <group>".into(),
                z: 2.54,
                count: 7,
                others: 1,
                sentences: vec![SummarySentence {
                    text: "The terror <group> fired.".into(),
                    source: SourceRef {
                        document: "d1".into(),
                        outlet: "Other".into(),
                        start: 0,
                        end: 10,
                    },
                }],
            }],
        }];
        let r = Report::select(&d, &s, &l, None);
        let t = render_text(&r);
        assert!(t.contains("Sourcing by outlet across the storyline:\n  Other: 4 quotes: 3 named, 1 anonymous (25%)\n    quotes: Tammy Bruce ×3"), "{t}");
        assert!(
            t.contains("  Other (2 reports): “terror <group>” ×7 (others ×1)"),
            "{t}"
        );
        let md = render_markdown(&r);
        assert!(
            md.contains("| Other | 4 quotes: 3 named, 1 anonymous (25%) | Tammy Bruce ×3 |  |"),
            "{md}"
        );
        assert!(
            md.contains(
                "  - “terror \\<group\\>” ×7 (others ×1): “The terror \\<group\\> fired.” \\[1\\]"
            ),
            "{md}"
        );
        let html = render_html(&r);
        assert!(html.contains("<summary>“terror &lt;group&gt;” ×7 (others ×1) <span class=\"src\">z 2.5</span></summary><ul><li>The terror &lt;group&gt; fired. <sup><a href=\"#l1-src-1\""), "{html}");
        assert!(html.contains("<li id=\"l1-src-1\">"), "{html}");
        // a storyline of one story: its sourcing is the story's, not repeated
        l[0].stories.truncate(1);
        s.truncate(1);
        let r = Report::select(&d, &s, &l, None);
        assert!(!render_text(&r).contains("across the storyline:"));
        assert!(render_text(&r).contains("(2 reports): “terror <group>”"));
    }

    #[test]
    fn storylines_of_several_stories_show_their_key_dates_with_sources() {
        let (d, mut s, mut l) = fixture();
        let mut s2 = s[0].clone();
        s2.id = "s2".into();
        s.push(s2);
        l[0].stories = vec!["s1".into(), "s2".into()];
        l[0].timeline = vec![KeyDate {
            date: "2025-07-08".into(),
            score: 3.0,
            mentioned_by: 2,
            published: 1,
            sentences: vec![SummarySentence {
                text: "Talks <resumed> in Doha.".into(),
                source: s[0].summary[0].source.clone(),
            }],
        }];
        let r = Report::select(&d, &s, &l, None);
        let t = render_text(&r);
        assert!(t.contains("STORYLINE: Talks (2 stories)"), "{t}");
        assert!(
            t.contains("2025-07-08  Talks <resumed> in Doha. [1]"),
            "{t}"
        );
        let md = render_markdown(&r);
        assert!(
            md.contains("| 2025-07-08 | Talks \\<resumed\\> in Doha. | \\[1\\] |"),
            "{md}"
        );
        let html = render_html(&r);
        assert!(
            html.contains("<td>Talks &lt;resumed&gt; in Doha.</td>"),
            "{html}"
        );
        // one story: its timeline says it already, no storyline section
        l[0].stories.truncate(1);
        let one = render_text(&Report::select(&d, &s[..1], &l, None));
        assert!(!one.contains("Key dates"));
    }
}
