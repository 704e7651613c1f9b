//! The data types that flow through Dossier and their JSON form.
//!
//! A [`Document`] holds the clean text of one report once; every annotation
//! (sentence, entity, quote, figure, time expression) is stand-off: a byte
//! span into [`Document::text`] plus typed fields. Annotators add to a
//! document and never rewrite its text. Grouping produces [`Story`] and
//! [`Storyline`] values that refer to documents by id.
//!
//! This crate does no I/O. The JSON field names are a public contract
//! (see `docs/schema.md`): later versions add fields, never rename them.

use serde::{Deserialize, Serialize};

/// Version of the JSON schema written by `analyze` and `report --json`.
pub const SCHEMA_VERSION: &str = "1.7";

/// A half-open byte range `[start, end)` into a document's clean text.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// The slice of `text` this span covers.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Where the input came from and what the caller already knows about it
/// (from a feed, a JSON record or HTTP headers). Extraction fills what is
/// missing from the content itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceHints {
    /// The path as given on the command line (or `-` for stdin).
    pub path: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// Publication date as given by metadata, any common format.
    pub published: Option<String>,
    /// Publisher or outlet name as given by metadata.
    pub source: Option<String>,
    pub byline: Option<String>,
    /// MIME type or format hint (`text/html`, `text/plain`).
    pub content_type: Option<String>,
}

/// A piece of the original input that extraction left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub text: String,
    /// A short machine-readable reason, e.g. `comment-form`, `prompt`,
    /// `related-headline`, `repeated-title`, `syndication-footer`,
    /// `agency-credit`, `dateline-label`, `boilerplate`.
    pub reason: String,
}

/// How the publication date was established when metadata did not give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateEstimate {
    /// Earliest plausible publication date, `YYYY-MM-DD`.
    pub earliest: String,
    /// Latest plausible publication date, `YYYY-MM-DD`, when bounded.
    pub latest: Option<String>,
    /// Human-readable basis, e.g. "latest dated reference in the text: Oct. 7, 2023".
    pub basis: String,
}

/// The four CoNLL entity classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityLabel {
    Person,
    Org,
    Loc,
    Misc,
}

impl EntityLabel {
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityLabel::Person => "PERSON",
            EntityLabel::Org => "ORG",
            EntityLabel::Loc => "LOC",
            EntityLabel::Misc => "MISC",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "PERSON" | "PER" => Some(EntityLabel::Person),
            "ORG" | "ORGANIZATION" => Some(EntityLabel::Org),
            "LOC" | "LOCATION" | "GPE" => Some(EntityLabel::Loc),
            "MISC" => Some(EntityLabel::Misc),
            _ => None,
        }
    }
}

/// One mention of a named entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityMention {
    pub start: usize,
    pub end: usize,
    /// The surface text, equal to `text[start..end]`.
    pub text: String,
    pub label: EntityLabel,
    /// The one name this entity goes by in the document (and, after
    /// grouping, across the store): "Steve Witkoff" for "Mr. Witkoff".
    pub canonical: String,
    /// A role given by apposition or title next to this mention
    /// ("US Middle East envoy"), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

impl EntityMention {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// Who a quote is attributed to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// The words in the text that name the speaker at the attribution
    /// ("Witkoff", "he", "a senior Israeli official").
    pub name: String,
    /// The canonical entity the speaker resolves to, when named.
    pub canonical: Option<String>,
    /// True when the source is unnamed ("a senior Israeli official").
    pub anonymous: bool,
    /// For anonymous sources: the fullest description the text gives
    /// ("a senior Israeli political official accompanying Netanyahu to the US").
    pub description: Option<String>,
    /// For anonymous sources: the rank the description states ("senior",
    /// "former senior", "high-ranking").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
    /// For anonymous sources: the nationality or affiliation the
    /// description states ("Israeli", "Hamas" in "a source close to Hamas",
    /// "White House" in "an official at the White House").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Span of `name` in the text, when the speaker is mentioned there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

/// How the words of a quote are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A whole quoted sentence or more, in quotation marks.
    Direct,
    /// A fragment in quotation marks inside the reporter's own sentence.
    Partial,
    /// Reported (indirect) speech: "X said that ...", "according to X".
    Reported,
}

/// One quotation or attributed statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Span of the quoted content (without the quotation marks for direct
    /// and partial quotes; the reported clause for reported speech).
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: QuoteKind,
    pub speaker: Option<Speaker>,
    /// The reporting verb or phrase ("said", "told", "according to").
    pub cue: Option<String>,
    /// Why the source is anonymous, when the text says
    /// ("not authorized to speak publicly").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymity_reason: Option<String>,
}

/// One attribution relation: who (source) holds or conveys what (content),
/// and the words that say so (cue: "said", "wants", "according to",
/// "polls show"). Spans are byte ranges into the clean text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    pub cue: String,
    pub cue_span: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_span: Option<Span>,
    /// Who the source is, resolved as a quote's speaker is: the person a
    /// pronoun or role stands for, or an anonymous description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Speaker>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_span: Option<Span>,
    /// The model marks the cue only when decoding favours recall (its cue
    /// bias); without it, not. Such cues are more often events than
    /// attributions ("Hamas seized about 250 people"), so positions leave
    /// them out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tentative: bool,
}

/// What kind of quantity a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureKind {
    /// People, prisoners, trucks: a number of things.
    Count,
    /// A length of time: "60-day truce", "six weeks".
    Duration,
    Percent,
    Money,
    /// "the second phase", "third meeting": kept apart from counts.
    Ordinal,
}

/// One quantity reported in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: FigureKind,
    /// The number, normalized ("six-week" -> 6, "1,200" -> 1200).
    pub value: f64,
    /// For ranges ("between 20 and 24"), the bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Hedge, normalized: `about`, `more than`, `less than`, `at least`,
    /// `at most`, `up to`, `nearly`, `exactly`; null when none.
    pub qualifier: Option<String>,
    /// `day`, `week`, `month`, `year`, `hour`, `person`, `percent`,
    /// a currency code, or the counted noun's head when nothing better.
    pub unit: Option<String>,
    /// What is counted, with its modifiers ("Palestinian prisoners",
    /// "killed and wounded", "ceasefire", "hostages").
    pub counted: Option<String>,
    /// A key that names the same measure across documents
    /// ("killed@2023-10-07", "truce length"); the format is documented in
    /// `dossier_nlp::figures`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    /// Who the figure is attributed to ("according to local health officials").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The date the figure applies to, when its sentence names one: the
    /// TIMEX3 value of the date expression nearest the figure ("2023-10-07"
    /// from "killed on October 7"), not one after "since", which opens a
    /// period. Counts, percentages and money only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The place the figure applies to, when its sentence states one after
    /// "in", "on", "across" or "throughout" and the entity recognizer took
    /// it for a place ("Gaza" from "killed in Gaza"). Counts, percentages
    /// and money only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

/// TIMEX3 types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimeType {
    Date,
    Time,
    Duration,
    Set,
}

/// One time expression with its TIMEX3-style normalized value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeExpr {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: TimeType,
    /// TIMEX3 value: `2025-07-08`, `2025-03`, `2025-W28`, `P60D`, `PAST_REF`,
    /// or with `X` for what the text leaves open (`XXXX-10-07`, `XXXX-WXX-2`)
    /// when there is no document date to resolve against.
    pub value: String,
    /// True when `value` was computed from the document date (a relative
    /// expression such as "last week" or "on Tuesday").
    #[serde(default)]
    pub relative: bool,
}

/// One news report, with all its annotations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id: a hash of the clean text (so the same report ingested twice
    /// gets the same id).
    pub id: String,
    pub path: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub byline: Option<String>,
    /// The summary line under the headline, when the text has one.
    #[serde(default)]
    pub standfirst: Option<String>,
    pub publisher: Option<String>,
    /// `YYYY-MM-DD`, from metadata, or the start of the estimate when
    /// `published_estimated` is true. Null when neither is possible.
    pub published: Option<String>,
    pub published_estimated: bool,
    #[serde(default)]
    pub date_estimate: Option<DateEstimate>,
    /// `YYYY-MM-DD` of the last update, when the page's metadata gives one
    /// (`article:modified_time`, `og:updated_time`, JSON-LD `dateModified`).
    #[serde(default)]
    pub modified: Option<String>,
    /// The page's own canonical address (`<link rel="canonical">`,
    /// `og:url`), which may differ from the address it was fetched from.
    #[serde(default)]
    pub canonical_url: Option<String>,
    /// The page's description (`<meta name="description">`, `og:description`).
    #[serde(default)]
    pub description: Option<String>,
    /// ISO 639-1 code, when detected.
    pub language: Option<String>,
    /// The clean body text. All offsets are byte offsets into it.
    pub text: String,
    pub removed: Vec<Removal>,
    /// Sentence spans, in order.
    #[serde(default)]
    pub sentences: Vec<Span>,
    /// Paragraph spans, in order.
    #[serde(default)]
    pub paragraphs: Vec<Span>,
    pub entities: Vec<EntityMention>,
    pub quotes: Vec<Quote>,
    /// Attributions in the broad sense of PolNeAR (speech, writing, belief,
    /// intention, evidence: "Trump wants a wall", "polls show Clinton
    /// ahead") that the quote rules do not cover, found by a learned model;
    /// `quotes` keeps what is said or written, with resolved speakers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributions: Vec<Attribution>,
    pub figures: Vec<Figure>,
    pub times: Vec<TimeExpr>,
}

impl Document {
    /// The index of the sentence that contains byte offset `pos`.
    pub fn sentence_index(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        (i < self.sentences.len() && self.sentences[i].start <= pos).then_some(i)
    }
    /// The sentence text that contains byte offset `pos`.
    pub fn sentence_at(&self, pos: usize) -> Option<(Span, &str)> {
        self.sentence_index(pos)
            .map(|i| (self.sentences[i], self.sentences[i].slice(&self.text)))
    }
    /// The outlet name to show for this document.
    pub fn outlet(&self) -> String {
        if let Some(p) = &self.publisher {
            return p.clone();
        }
        if let Some(host) = self.url.as_deref().and_then(host_of) {
            return host;
        }
        // Unknown publishers must not merge into one outlet: name the file.
        if let Some(p) = &self.path {
            let name = p.rsplit(['/', '\\']).next().unwrap_or(p);
            return format!("unknown outlet ({name})");
        }
        format!("unknown outlet ({})", self.id)
    }
}

/// The host part of a URL, without `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    if host.is_empty() {
        return None;
    }
    Some(host.trim_start_matches("www.").to_ascii_lowercase())
}

/// A pointer from a derived statement back to the sentence it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Document id.
    pub document: String,
    pub outlet: String,
    /// Byte span of the supporting sentence in that document's text.
    pub start: usize,
    pub end: usize,
}

/// A dated event on a story's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// TIMEX3 date value (`2025-07-08`, `2025-03`, `XXXX-10-07`).
    pub date: String,
    /// The sentence that reports the event.
    pub text: String,
    /// The time expression that dates it, or `published` when the event is
    /// dated by the report's own date.
    pub basis: String,
    pub source: SourceRef,
    /// When the expression gave no year ("Oct. 7" in an undated report)
    /// and another report of the story names the same day with its year
    /// ("October 7, 2023"), and no other year: that report's id. `date`
    /// then carries the year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_from: Option<String>,
}

/// A TIMEX3 date value as a reader reads it on a timeline: a value the
/// text left open says what is known ("a Monday, date unknown", "March,
/// year unknown") instead of `XXXX-WXX-1` or `XXXX-03`; a full or partial
/// date (`2025-03-10`, `2025-03`, `2025-W28`) stays as it is.
pub fn readable_date(value: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let Some(rest) = value.strip_prefix("XXXX") else {
        return Cow::Borrowed(value);
    };
    // A time of day or part of day after the date ("XXXX-WXX-1TNI") is
    // left out: the label is about the day.
    let rest = rest.split('T').next().unwrap_or(rest);
    let number = |s: &str| s.parse::<usize>().ok();
    let label = match rest.split('-').skip(1).collect::<Vec<_>>().as_slice() {
        [] => "year unknown".to_string(),
        ["WXX"] => "a week, date unknown".to_string(),
        ["WXX", "WE"] => "a weekend, date unknown".to_string(),
        ["WXX", d] => match number(d).and_then(|d| DAYS.get(d.wrapping_sub(1))) {
            Some(day) => format!("a {day}, date unknown"),
            None => return Cow::Borrowed(value),
        },
        ["XX"] => "a month, date unknown".to_string(),
        ["XX", "XX"] => "a day, date unknown".to_string(),
        [m] => match number(m).and_then(|m| MONTHS.get(m.wrapping_sub(1))) {
            Some(month) => format!("{month}, year unknown"),
            None => return Cow::Borrowed(value),
        },
        [m, d] => match (
            number(m).and_then(|m| MONTHS.get(m.wrapping_sub(1))),
            number(d),
        ) {
            (Some(month), Some(d)) => format!("{month} {d}, year unknown"),
            _ => return Cow::Borrowed(value),
        },
        _ => return Cow::Borrowed(value),
    };
    Cow::Owned(label)
}

/// One sentence of a story summary and where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    pub text: String,
    pub source: SourceRef,
}

/// One outlet's report of a measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureReport {
    pub document: String,
    pub outlet: String,
    pub published: Option<String>,
    pub text: String,
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub qualifier: Option<String>,
    pub unit: Option<String>,
    pub counted: Option<String>,
    pub source: Option<String>,
    /// The figure's own `date` and `place` (schema 1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Span of the figure in the document.
    pub start: usize,
    pub end: usize,
}

/// Whether the reports of one measure agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Agreement {
    /// Reported once: nothing to compare.
    Single,
    /// The values are compatible, hedges considered.
    Agree,
    /// The values are incompatible at the same time.
    Differ,
    /// The values change over time in one direction (a growing toll).
    Updated,
}

/// The reports of one measure across the documents of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureComparison {
    /// Human-readable measure ("killed in the 7 October attack").
    pub measure: String,
    /// The key shared by the figures (`Figure::measure`).
    pub key: String,
    pub reports: Vec<FigureReport>,
    pub agreement: Agreement,
}

/// A quote as listed in a story's ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteRef {
    pub document: String,
    pub outlet: String,
    pub text: String,
    pub kind: QuoteKind,
    pub speaker: Option<Speaker>,
    pub cue: Option<String>,
    pub start: usize,
    pub end: usize,
    /// Other outlets that carry the same words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<String>,
}

/// How one outlet refers to one actor, with counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletLabels {
    pub outlet: String,
    /// (label, count), most frequent first.
    pub labels: Vec<(String, usize)>,
}

/// The words outlets choose for one main actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorLabels {
    pub actor: String,
    pub outlets: Vec<OutletLabels>,
}

/// A story: reports about one event or development.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: String,
    pub title: String,
    pub storyline: String,
    /// Document ids, oldest first (undated last).
    pub documents: Vec<String>,
    /// Groups of document ids that are copies of one text (near-duplicates);
    /// each group's first id is the one kept in `documents`.
    #[serde(default)]
    pub duplicates: Vec<Vec<String>>,
    /// Earliest and latest known or estimated publication date.
    #[serde(default)]
    pub first_date: Option<String>,
    #[serde(default)]
    pub last_date: Option<String>,
    pub outlets: Vec<String>,
    pub timeline: Vec<TimelineEntry>,
    pub quotes: Vec<QuoteRef>,
    /// What sources are reported to hold, want, refuse or claim beyond
    /// their quoted words ("Hamas has rejected the proposal", "a senior
    /// official believes the deal is close"): the documents' attributions
    /// whose source resolves to an entity or an anonymous source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<PositionRef>,
    /// Who each outlet quotes in the story, and how much of its quoting is
    /// anonymous (schema 1.5), outlets quoting most first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sourcing: Vec<OutletSourcing>,
    pub figures: Vec<FigureComparison>,
    pub labels: Vec<ActorLabels>,
    pub summary: Vec<SummarySentence>,
}

/// How one outlet sources its quotes in a story, from the quote ledger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutletSourcing {
    pub outlet: String,
    /// Quotes in the ledger from this outlet's reports.
    pub quotes: usize,
    /// Of those: by a named speaker, by an anonymous source, by no one the
    /// text names.
    pub named: usize,
    pub anonymous: usize,
    pub unattributed: usize,
    /// Named speakers under their canonical name, with their quote counts,
    /// most quoted first.
    pub speakers: Vec<(String, usize)>,
    /// Anonymous sources by the affiliation their description states
    /// ("Israeli", "U.S.", "Hamas"; "unstated" when it states none), with
    /// their quote counts, most first.
    pub anonymous_by_affiliation: Vec<(String, usize)>,
}

/// One attribution in a story: who, the words that attribute, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PositionRef {
    pub document: String,
    pub outlet: String,
    pub speaker: Speaker,
    pub cue: String,
    /// The content, and its span in the document's clean text.
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Stories about one ongoing matter, over months.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Storyline {
    pub id: String,
    pub title: String,
    /// Story ids, oldest first.
    pub stories: Vec<String>,
    /// Figures compared across all documents of the storyline.
    #[serde(default)]
    pub figures: Vec<FigureComparison>,
    /// The key dates of the storyline, oldest first (schema 1.2).
    #[serde(default)]
    pub timeline: Vec<KeyDate>,
    /// Who each outlet quotes across all stories of the storyline (schema
    /// 1.6), outlets quoting most first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sourcing: Vec<OutletSourcing>,
    /// Each outlet's distinctive words in the storyline against the other
    /// outlets' (schema 1.6); empty when one outlet covers it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wording: Vec<OutletWording>,
}

/// The words that set one outlet's reports of a storyline apart from the
/// other outlets' reports: weighted log-odds ratios with an informative
/// Dirichlet prior (Monroe, Colaresi & Quinn 2008), most distinctive first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutletWording {
    pub outlet: String,
    /// The outlet's reports in the storyline (copies of one text count once).
    pub documents: usize,
    pub terms: Vec<DistinctiveTerm>,
}

/// A word or two-word phrase one outlet uses more than the others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DistinctiveTerm {
    /// The term as the outlet most often writes it ("terror group").
    pub term: String,
    /// The z-score of the log-odds ratio, outlet against the rest: above
    /// 1.96 the difference is unlikely to be chance at the 5% level.
    pub z: f64,
    /// Uses in this outlet's reports, and in all other outlets' reports.
    pub count: usize,
    pub others: usize,
    /// The first sentences that use it, each with its source.
    pub sentences: Vec<SummarySentence>,
}

/// One date of a key-date timeline: a day many reports refer to, with the
/// sentences that best say what happened on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyDate {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The ranking score (reports referring to the date, weighted).
    pub score: f64,
    /// Reports that name the date in their text.
    pub mentioned_by: usize,
    /// Reports published on the date.
    pub published: usize,
    pub sentences: Vec<SummarySentence>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_dates_read_as_words() {
        assert_eq!(readable_date("2025-03-10"), "2025-03-10");
        assert_eq!(readable_date("2025-W28"), "2025-W28");
        assert_eq!(readable_date("XXXX-WXX-1"), "a Monday, date unknown");
        assert_eq!(readable_date("XXXX-WXX-7TNI"), "a Sunday, date unknown");
        assert_eq!(readable_date("XXXX-03"), "March, year unknown");
        assert_eq!(readable_date("XXXX-10-07"), "October 7, year unknown");
        assert_eq!(readable_date("XXXX-WXX"), "a week, date unknown");
        assert_eq!(readable_date("XXXX-XX"), "a month, date unknown");
        assert_eq!(readable_date("XXXX-XX-XX"), "a day, date unknown");
        assert_eq!(readable_date("XXXX"), "year unknown");
        // Anything else is shown as the value itself.
        assert_eq!(readable_date("XXXX-13"), "XXXX-13");
        assert_eq!(readable_date("XXXX-WXX-9"), "XXXX-WXX-9");
    }

    #[test]
    fn host_is_taken_from_url() {
        assert_eq!(
            host_of("https://www.nytimes.com/2025/03/13/x.html").as_deref(),
            Some("nytimes.com")
        );
        assert_eq!(
            host_of("http://user@Example.org:8080/a").as_deref(),
            Some("example.org")
        );
        assert_eq!(host_of("not a url"), None);
    }

    #[test]
    fn sentence_lookup_by_offset() {
        let mut d = Document {
            text: "One. Two.".into(),
            ..Default::default()
        };
        d.sentences = vec![Span::new(0, 4), Span::new(5, 9)];
        assert_eq!(d.sentence_index(0), Some(0));
        assert_eq!(d.sentence_index(6), Some(1));
        assert_eq!(d.sentence_index(4), None);
        assert_eq!(d.sentence_at(5).unwrap().1, "Two.");
    }

    #[test]
    fn labels_serialize_in_upper_case() {
        assert_eq!(
            serde_json::to_string(&EntityLabel::Person).unwrap(),
            "\"PERSON\""
        );
        assert_eq!(EntityLabel::parse("per"), Some(EntityLabel::Person));
        let t = TimeExpr {
            start: 0,
            end: 1,
            text: "x".into(),
            kind: TimeType::Duration,
            value: "P1D".into(),
            relative: false,
        };
        assert!(serde_json::to_string(&t)
            .unwrap()
            .contains("\"type\":\"DURATION\""));
    }
}
