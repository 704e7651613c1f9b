//! Plain-text clean-up: split a scraped report into headline, standfirst,
//! byline and body, and drop the site furniture scrapers leave in, recording
//! each removal with its reason.
//!
//! The rules follow how news pages are built rather than any one site's
//! strings: furniture lines are short, carry no sentence punctuation, and
//! speak to the reader about the site (comment forms, follow/subscribe
//! prompts, "continue reading"); related-article headlines are title-cased
//! lines without final punctuation inserted between body paragraphs; labels
//! ("World", "Published", "on") sit above the body; syndication footers name
//! the original publisher; agency credits are bare initials in parentheses.

use dossier_model::Removal;
use once_cell::sync::Lazy;
use regex::Regex;

/// What the clean-up found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Cleaned {
    pub title: Option<String>,
    pub standfirst: Option<String>,
    pub byline: Option<String>,
    /// Publisher named by the text itself (syndication footer, staff byline).
    pub publisher: Option<String>,
    /// Body paragraphs joined by `\n`.
    pub body: String,
    pub removed: Vec<Removal>,
}

static FOOTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:the post .{3,400}? appeared first on|this (?:article|story|post) (?:was )?(?:originally |first )?(?:appeared|published) (?:on|in|by)|originally published (?:on|in|by)|republished (?:with permission )?from)\s+(.+?)\.?$").unwrap()
});

static AGENCY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:\(\s*[A-Z][A-Za-z]{0,5}(?:\s*[,/;&]\s*[A-Z][A-Za-z]{0,5})*\s*\)|[-–—]?\s*(?:\(?(?:with )?(?:agencies|wires|AP|AFP|Reuters|dpa|Xinhua|Anadolu|WAFA)\)?)|Additional reporting by .{2,80}|(?:Reporting|Editing|Writing) by .{2,120})\.?$").unwrap()
});

static COMMENT_FORM: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:leave a (?:reply|comment)|post a comment|(?:enter|add|write|type) (?:your )?(?:comment|name|e-?mail|reply)|(?:your )?e-?mail(?: address(?:es)?)? will not be published|comments (?:are|will be) moderated|required fields are marked|^\d+\s+comments?(?-u:\b).{0,24}$|comments?\W{0,3}\s*add one|save my name|notify me of|cancel reply|be the first to comment|log ?in to (?:comment|reply)|join the (?:discussion|conversation)|comments? (?:are|is) closed|view comments|show comments)").unwrap()
});

static PROMPT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\(?(?:connect with us|follow us(?: on .{1,40})?|stay connected|subscribe(?: now| today| to .{1,60})?|sign up(?: here| now| today| for .{1,60})?|continue reading|read more(?: here)?|read (?:the )?full (?:story|article)|keep reading|share(?: this)?(?: (?:article|story|post))?(?: on .{1,30})?|click here.{0,60}|advertisement|sponsored(?: content)?|related(?: articles| stories| posts| news| content)?|recommended(?: for you)?|you (?:may|might) (?:also )?like|more (?:from|on) .{1,40}|most (?:read|popular|viewed)|trending(?: now)?|download (?:our|the) app.{0,40}|get (?:our|the) newsletter.{0,40}|newsletter|print(?: this)?|e-?mail(?: this)?|whatsapp|facebook|twitter|x|telegram|linkedin|reddit|copy link|listen to (?:this|the) (?:article|story).{0,30}|skip to (?:main )?content|back to top|tags?:.{0,200}|topics?:.{0,200}|filed under:?.{0,200}|photo:.{0,200}|image:.{0,200}|credit:.{0,120}|watch:.{0,200}|(?:previous|next) (?:article|post|story).{0,200}|support (?:our|independent) journalism.{0,120}|donate.{0,60})[\s.!:…)]*$").unwrap()
});

/// A pointer to another article, in the languages news sites most often
/// write it ("Read also:", "Lea también:", "VEA TAMBIÉN:", "À lire aussi",
/// "Lesen Sie auch:", "Czytaj też"), alone on its line or followed by a
/// colon (or "?", "!") and the other article's headline. Without the
/// colon a line is a sentence that happens to open with the word ("Mira
/// Sorvino said ...").
static RELATED_LEAD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:read (?:also|more|next|too)|also read|see also|(?:more|related) (?:on this|coverage|reading)|don'?t miss|recommended reading|lea(?: también| tambien| más| mas| además)?|lee(?: también| tambien| más| mas)?|vea(?: también| tambien| además| más)?|(?:también )?(?:le|te) (?:puede|podría) interesar|puedes? ver|mira(?: también| tambien)?|noticias relacionadas|contenido relacionado|leia(?: também| mais)?|veja(?: também| mais)?|saiba mais|(?:à |a )?lire aussi|voir aussi|à voir aussi|lesen sie (?:auch|mehr)(?: die folgenden beiträge)?|auch (?:interessant|lesen)|schon gelesen|mehr zum thema(?: \S+){0,4}|zum weiterlesen|das (?:thema )?könnte (?:sie|dich) auch interessieren|weitere (?:artikel|beiträge|themen)(?: \S+){0,4}|mehr themen|empfohlene beiträge|passend zum thema|ähnliche (?:artikel|beiträge)|leggi anche|vedi anche|potrebbe interessarti|czytaj (?:też|także|więcej)|zobacz (?:też|także|również)|dowiedz się więcej|lees (?:ook|meer))\s*(?:$|(?:[:?!»›|]|\s[-–—]\s)\s*(?:.*)$)").unwrap()
});

/// Copyright and reprint notices.
static COPYRIGHT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?:^(?:©|\(c\)\s|copyright(?-u:\b))|all rights reserved|may not be (?:re)?published, broadcast|copyrighted (?:property|material) of|written permission must be obtained|alle rechte vorbehalten|todos los derechos reservados|tous droits réservés)").unwrap()
});

/// Short furniture lines beyond the English prompts, each form anchored
/// to the whole line.
static PROMPT_INTL: Lazy<Regex> = Lazy::new(|| {
    let forms = [
        // Follow prompts: "Síguenos en Telegram ...", "Folgen Sie uns".
        r"^(?:s[ií]guenos|folgen? (?:sie )?uns|suivez-nous|seguici|siga-nos)(?-u:\b).{0,120}$",
        // "Follow The Gleaner on Twitter and Instagram ..."
        r"^follow .{1,40} on (?:twitter|facebook|instagram|x|telegram|linkedin|tiktok|youtube)(?-u:\b).{0,120}$",
        // Photo and source credits: "Foto: ...", "Crédits photos : ...".
        r"^(?:fotos?|bild|titelbild|crédits? photos?|quelle|fuente)\s*:.{0,120}$",
        // Category labels: "Kategorie: News", "Temas".
        r"^(?:category|categories|kategorie|kategorien|catégories?|categorías?|temas|schlagworte|schlagwörter)(?:\s*:.{0,80})?$",
        // Share, load and comment buttons: "Teilen mit:", "Wird geladen".
        r"^(?:teilen(?: mit)?|wird geladen|bewerten|kommentieren|keine kommentare|kommentare(?: insgesamt)?|drucken|gefällt mir|loading)[\s.:…]*$",
        // Newsletter sign-ups: "Zum Newsletter anmelden", "PC Gamer Newsletter".
        r"^(?:abonnier(?:e|en sie) unseren newsletter|zum newsletter anmelden|newsletter abonnieren)[\s.!:]*$",
        r"^(?:[\p{L} ]{0,29} )?newsletter$",
    ];
    Regex::new(&format!("(?i){}", forms.join("|"))).unwrap()
});

/// An HTML tag of a common element left as text: markup in a `<noscript>`
/// block or a template, which the parser hands over as text ("<img
/// alt='' height='1' src=...>", "<iframe src=...>", "</span>").
static MARKUP: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)</?(?:a|b|br|button|div|em|figure|font|form|h[1-6]|i|iframe|img|input|li|link|meta|noscript|ol|p|path|picture|script|section|small|source|span|strong|style|svg|table|td|tr|u|ul|video)(?:\s[^<>]*)?/?>").unwrap()
});

/// Paywall and app prompts: "To view the full story, please subscribe",
/// "Subscribe now to our e-edition for the full story", "download the
/// ... apps for iOS and Android".
static PAYWALL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:subscribe|subscription|subscriber|log ?in|sign ?in|register)(?-u:\b).{0,60}(?-u:\b)(?:full (?:story|article)|unlimited access|immediate access|premium content)(?-u:\b)|(?-u:\b)to (?:view|read|continue reading|access) (?:the|this) (?:full )?(?:story|article)(?-u:\b).{0,60}(?-u:\b)(?:subscribe|log ?in|sign ?in)(?-u:\b)|(?-u:\b)download (?:the|our) .{0,40}(?-u:\b)apps? for (?:ios|android)(?-u:\b)|^sign up (?:for|to) .{1,160}$").unwrap()
});

/// Invitations to comment, subscribe or log in, written as sentences
/// ("We want to hear what you think about this article", "never miss our
/// top stories", "Sie sind aktuell nicht eingeloggt").
static INVITATION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:we want to hear what you think|be part of the conversation|(?:share your thoughts|let us know what you think|tell us what you think) (?:in the comments|below)|never miss (?:a story|a thing|the latest|our top stories|an update)|if you enjoyed (?:reading )?this (?:post|article|story)|(?:you are|you're) (?:currently )?not logged in|sie sind (?:aktuell |derzeit )?nicht (?:eingeloggt|angemeldet)|bitte (?:registrieren|melden) sie sich|(?:submit|send us) (?:your |a )?(?:letters? to the editor|news tips?|message|feedback)|^help us (?:continue|keep)|puede escribirnos|zapraszamy (?:też )?do subskrypcji)(?-u:\b)").unwrap()
});

/// Disclaimers about the text rather than part of it: whose opinion it is
/// ("The views expressed are the author's own and do not necessarily
/// reflect ...", "Der Beitrag gibt die Meinung des Autors wieder"), who is
/// not responsible for contributors' content, advertising disclosures, and
/// the spam-filter notice under comment forms ("This site uses Akismet to
/// reduce spam").
static DISCLAIMER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:(?:views|opinions) expressed(?-u:\b).{0,80}(?-u:\b)(?:are (?:those of|solely|the author)|do not necessarily)|(?:do(?:es)? )?not necessarily (?:reflect|represent) (?:the )?(?:views|opinions|position|policy)|is not responsible for the (?:opinions|content|views)|advertis(?:ing|er) disclosure|gibt (?:die|ausschließlich die) meinung des autors wieder|uses akismet|verwendet akismet)").unwrap()
});

/// Advertising and affiliate disclosures ("Anzeige", "*Werbung.", "This
/// post contains affiliate links").
static AD_NOTICE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\*?(?:(?:anzeige|werbung|publicidad|advertisement)(?-u:\b)|publicité(?:$|[^\w]))|(?-u:\b)affiliate[- ]links?(?-u:\b)|(?-u:\b)contains references to products from(?-u:\b)|(?-u:\b)we (?:may )?(?:receive|earn) (?:a )?(?:compensation|commission)(?-u:\b)").unwrap()
});

/// A sentence end inside a line: a lower-case word or number, end
/// punctuation, then a capital. "U.S. is" and "Mr. Trump" do not match.
static SENTENCE_BREAK: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"[\p{Ll}\d]{2,}[.!?][\x22”’]?\s+[\p{Lu}“\x22]").unwrap());

static BYLINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?i:by|written by|words by)\s+(\p{Lu}[\p{L}\p{M}.'’\- ]{1,80}?(?:\s*(?:,| and |&)\s*\p{Lu}[\p{L}\p{M}.'’\- ]{1,60}?)*)\s*(?:[|,–—-].{0,60})?$").unwrap()
});

static STAFF: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:the\s+)?(.+?)\s+(?:[Ss]taff|[Nn]ewsroom|[Ee]ditorial [Bb]oard|[Ss]taff [Ww]riters?|[Ww]ire [Ss]ervices?)$").unwrap()
});

/// Lines that label rather than say: section names, "Published", "on",
/// "Updated", bare dates.
fn is_label(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let bare = !ends_sentence(line) && !line.contains('“') && !line.contains('"');
    bare && (words <= 2 || crate::meta::parse_date(line).is_some())
}

fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end();
    let t = t.trim_end_matches(['”', '"', '’', '\'', ')', ']', '»']);
    t.ends_with(['.', '!', '?', ':', '…', ';'])
}

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Share of the longer words (4+ letters) that start with a capital.
fn title_case_ratio(line: &str) -> f64 {
    let long: Vec<&str> = words(line)
        .into_iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    if long.is_empty() {
        return 0.0;
    }
    let caps = long
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .count();
    caps as f64 / long.len() as f64
}

/// Lower-cased letters and digits only, single-spaced: for comparing lines.
fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

const STOP: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from", "as",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "that", "this", "it", "its",
    "their", "his", "her", "they", "he", "she", "we", "will", "would", "can", "could", "into",
    "than", "but", "not", "no", "so", "up", "over", "after", "before", "about", "says", "said",
];

fn content_words(s: &str) -> Vec<String> {
    norm(s)
        .split(' ')
        .filter(|w| w.len() > 1 && !STOP.contains(w))
        .map(str::to_string)
        .collect()
}

/// Share of `a`'s content words that also occur in `b`.
fn overlap(a: &str, b: &str) -> f64 {
    let wa = content_words(a);
    if wa.is_empty() {
        return 0.0;
    }
    let wb: std::collections::HashSet<String> = content_words(b).into_iter().collect();
    wa.iter().filter(|w| wb.contains(*w)).count() as f64 / wa.len() as f64
}

/// A line in the body that is a headline of another article: title-cased,
/// no closing punctuation, long enough not to be a subheading.
fn is_inserted_headline(line: &str) -> bool {
    let n = words(line).len();
    (6..=25).contains(&n) && !ends_sentence(line) && title_case_ratio(line) >= 0.75
}

/// Is `line` the title again, whole or cut short (at least three words of it)?
fn repeats_title(line: &str, title: &str) -> bool {
    let (l, t) = (norm(line), norm(title));
    if l.is_empty() || t.is_empty() {
        return false;
    }
    l == t || (l.split(' ').count() >= 3 && !ends_sentence(line) && t.contains(&l))
}

fn headline_like(line: &str) -> bool {
    let n = words(line).len();
    (2..=30).contains(&n) && (!line.trim_end().ends_with('.') || line.trim_end().ends_with("..."))
}

/// Clean a scraped plain-text report. `known_title` is a title from
/// metadata, if any; a first line equal to it is taken as the headline.
pub fn clean(raw: &str, known_title: Option<&str>) -> Cleaned {
    clean_lines(raw, known_title, true)
}

/// Clean the text an HTML extractor kept: the furniture recognizable by
/// its words only. The page's structure already placed the headline,
/// byline and body, so the rules that guess them from line shapes (which
/// would take a subheading for an inserted headline) stay out.
pub fn clean_extracted(raw: &str, known_title: Option<&str>) -> Cleaned {
    let mut c = clean_lines(&strip_markup(raw), known_title, false);
    if c.title.is_none() {
        c.title = known_title.map(str::to_string);
    }
    c
}

/// The text with tags left as text taken out ([`MARKUP`]): a page's text
/// holds no tags once the page is parsed, so these come from a
/// `<noscript>` block or a template, and only their words are the page's.
/// A tag must come with another on its line, so that a lone "<b>" written
/// as text (a placeholder, a quoted command) stays.
fn strip_markup(raw: &str) -> std::borrow::Cow<'_, str> {
    if !MARKUP.is_match(raw) {
        return raw.into();
    }
    raw.lines()
        .map(|l| {
            if MARKUP.find_iter(l).nth(1).is_none() {
                return l.to_string();
            }
            MARKUP
                .replace_all(l, " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
        .into()
}

/// The kind of furniture a whole line is, by its words: an agency credit,
/// a comment form, a prompt, a pointer to another article, a notice. Each
/// rule has a length limit, so a long sentence of the article that happens
/// to hold such words stays.
fn furniture(l: &str, n: usize) -> Option<&'static str> {
    if n <= 20 && AGENCY.is_match(l) {
        Some("agency-credit")
    } else if n <= 24 && COMMENT_FORM.is_match(l) {
        Some("comment-form")
    } else if n <= 12 && PROMPT.is_match(l) || n <= 25 && PROMPT_INTL.is_match(l) {
        Some("prompt")
    } else if n <= 25 && RELATED_LEAD.is_match(l) {
        Some("related-headline")
    } else if n <= 60 && COPYRIGHT.is_match(l) {
        Some("copyright")
    } else if n <= 30 && PAYWALL.is_match(l) {
        Some("paywall")
    } else if n <= 30 && AD_NOTICE.is_match(l) {
        Some("advertising")
    } else if n <= 30 && INVITATION.is_match(l) {
        Some("prompt")
    } else if n <= 50 && DISCLAIMER.is_match(l) {
        Some("disclaimer")
    } else {
        None
    }
}

/// A paragraph of several sentences, at least half of them furniture by
/// [`furniture`]: a site's notice block ("This post contains references to
/// products from our advertisers. We may receive compensation ... Terms
/// apply ..."), a follow prompt with its contact line, a comment policy.
/// Each sentence alone is under its rule's length limit where the whole
/// paragraph is not.
fn furniture_paragraph(l: &str, n: usize) -> Option<&'static str> {
    if n > 100 {
        return None;
    }
    let mut sentences = Vec::new();
    let mut from = 0;
    for m in SENTENCE_BREAK.find_iter(l) {
        // The break falls after the end punctuation (and a closing quote),
        // before the blank that precedes the next sentence's capital.
        let cut = m.start() + m.as_str().find(char::is_whitespace).unwrap_or(m.len());
        sentences.push(&l[from..cut]);
        from = cut;
    }
    sentences.push(&l[from..]);
    let sentences: Vec<&str> = sentences
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if sentences.len() < 2 {
        return None;
    }
    // At least half must match: stop as soon as that is out of reach
    // (most paragraphs are the article's, and fail at their first sentences).
    let needed = sentences.len().div_ceil(2);
    let mut first = None;
    let mut matched = 0;
    for (k, s) in sentences.iter().enumerate() {
        if matched + (sentences.len() - k) < needed {
            return None;
        }
        if let Some(reason) = furniture(s, words(s).len()) {
            first = first.or(Some(reason));
            matched += 1;
        }
    }
    first.filter(|_| matched >= needed)
}

fn clean_lines(raw: &str, known_title: Option<&str>, by_shape: bool) -> Cleaned {
    let mut out = Cleaned::default();
    let lines: Vec<&str> = raw
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .filter(|l| !l.is_empty())
        .collect();
    let mut keep: Vec<bool> = vec![true; lines.len()];
    // Removals are collected with their line number so they can be listed
    // in reading order.
    let mut order: Vec<usize> = Vec::new();
    let mut remove = |out: &mut Cleaned, keep: &mut Vec<bool>, i: usize, reason: &str| {
        keep[i] = false;
        order.push(i);
        out.removed.push(Removal {
            text: lines[i].to_string(),
            reason: reason.to_string(),
        });
    };

    // Furniture recognizable wherever it stands.
    for i in 0..lines.len() {
        let l = lines[i];
        let n = words(l).len();
        if let Some(c) = FOOTER.captures(l) {
            let name = c
                .get(1)
                .map(|m| m.as_str().trim().trim_end_matches('.').to_string());
            if out.publisher.is_none() {
                out.publisher = name.filter(|n| !n.is_empty() && n.split_whitespace().count() <= 8);
            }
            remove(&mut out, &mut keep, i, "syndication-footer");
        } else if let Some(reason) = furniture(l, n).or_else(|| furniture_paragraph(l, n)) {
            remove(&mut out, &mut keep, i, reason);
        }
    }

    if !by_shape {
        // A byline line among the first lines is recognised by its words.
        let first: Vec<usize> = (0..lines.len()).filter(|&k| keep[k]).take(3).collect();
        for j in first {
            let l = lines[j];
            if words(l).len() <= 14 && BYLINE.is_match(l) {
                if out.byline.is_none() {
                    out.byline = BYLINE
                        .captures(l)
                        .and_then(|c| c.get(1))
                        .map(|m| m.as_str().trim().to_string());
                }
                remove(&mut out, &mut keep, j, "byline");
                break;
            }
        }
        return finish_clean(out, &lines, &keep, order);
    }
    // The head: labels, headline, labels again, repeated headline, standfirst, byline.
    let mut i = 0;
    let next_kept = |keep: &Vec<bool>, from: usize| (from..lines.len()).find(|&j| keep[j]);
    // Labels above the headline ("World", "News"), but only when a longer
    // line follows: a three-word report is still a report.
    while let Some(j) = next_kept(&keep, i) {
        // A headline must still follow: otherwise this short line is the headline.
        let headline_follows = next_kept(&keep, j + 1).is_some_and(|k| headline_like(lines[k]));
        if headline_follows
            && is_label(lines[j])
            && known_title.is_none_or(|t| norm(t) != norm(lines[j]))
        {
            remove(&mut out, &mut keep, j, "label");
            i = j + 1;
        } else {
            break;
        }
    }
    if let Some(j) = next_kept(&keep, i) {
        let l = lines[j];
        let matches_known = known_title.is_some_and(|t| norm(t) == norm(l));
        let has_body_after = next_kept(&keep, j + 1).is_some();
        if matches_known || (has_body_after && headline_like(l)) {
            out.title = Some(l.to_string());
            remove(&mut out, &mut keep, j, "title");
            i = j + 1;
        } else if let Some(t) = known_title {
            out.title = Some(t.to_string());
        }
    } else if let Some(t) = known_title {
        out.title = Some(t.to_string());
    }
    // Right below the headline: labels, the headline repeated, a byline and a
    // standfirst, in any order.
    let mut standfirst_at = None;
    let mut byline_at = None;
    for _ in 0..8 {
        let Some(j) = next_kept(&keep, i) else { break };
        let l = lines[j];
        if out.title.as_deref().is_some_and(|t| repeats_title(l, t)) {
            remove(&mut out, &mut keep, j, "repeated-title");
        } else if out.byline.is_none() && words(l).len() <= 14 && BYLINE.is_match(l) {
            let name = BYLINE
                .captures(l)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().trim().to_string());
            if let Some(name) = name {
                if let Some(c) = STAFF.captures(&name) {
                    if out.publisher.is_none() {
                        out.publisher = Some(c[1].trim().to_string());
                    }
                }
                out.byline = Some(name);
            }
            byline_at = Some(j);
            remove(&mut out, &mut keep, j, "byline");
        } else if is_label(l) && next_kept(&keep, j + 1).is_some() {
            remove(&mut out, &mut keep, j, "label");
        } else if standfirst_at.is_none() && out.title.is_some() && out.standfirst.is_none() {
            standfirst_at = Some(j);
            // Only look past a possible standfirst for a byline.
        } else {
            break;
        }
        i = j + 1;
    }
    // A standfirst is one sentence under the headline that the lede then
    // restates, or that a byline follows.
    if let Some(j) = standfirst_at {
        let l = lines[j];
        let one_sentence = words(l).len() <= 45 && ends_sentence(l) && !SENTENCE_BREAK.is_match(l);
        let next = next_kept(&keep, j + 1).map(|k| lines[k]);
        let byline_removed_after = byline_at.is_some_and(|b| b > j);
        let restated = next.is_some_and(|n| overlap(l, n) >= 0.5);
        if one_sentence && next.is_some() && (byline_removed_after || restated) {
            out.standfirst = Some(l.to_string());
            remove(&mut out, &mut keep, j, "standfirst");
        }
    }

    // Inside and after the body: inserted headlines, the title cut short.
    let body_idx: Vec<usize> = (0..lines.len()).filter(|&k| keep[k]).collect();
    for (pos, &k) in body_idx.iter().enumerate() {
        let l = lines[k];
        if out.title.as_deref().is_some_and(|t| repeats_title(l, t)) {
            remove(&mut out, &mut keep, k, "repeated-title");
        } else if pos > 0 && is_inserted_headline(l) {
            remove(&mut out, &mut keep, k, "related-headline");
        }
    }
    // Short lines without sentence punctuation trailing the last sentence are
    // tags, captions or link labels.
    for &k in body_idx.iter().rev() {
        if !keep[k] {
            continue;
        }
        let l = lines[k];
        if !ends_sentence(l) && words(l).len() <= 8 && keep.iter().filter(|&&x| x).count() > 1 {
            remove(&mut out, &mut keep, k, "trailing-furniture");
        } else {
            break;
        }
    }

    finish_clean(out, &lines, &keep, order)
}

/// The kept lines as the body, and the removals in reading order (`order`
/// gives each removal's line).
fn finish_clean(mut out: Cleaned, lines: &[&str], keep: &[bool], order: Vec<usize>) -> Cleaned {
    let mut indexed: Vec<(usize, Removal)> = order
        .into_iter()
        .zip(std::mem::take(&mut out.removed))
        .collect();
    indexed.sort_by_key(|(i, _)| *i);
    out.removed = indexed.into_iter().map(|(_, r)| r).collect();
    out.body = (0..lines.len())
        .filter(|&k| keep[k])
        .map(|k| lines[k])
        .collect::<Vec<_>>()
        .join("\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(c: &Cleaned) -> Vec<&str> {
        c.removed.iter().map(|r| r.reason.as_str()).collect()
    }

    #[test]
    fn headline_standfirst_byline_and_comment_form() {
        let raw = "Minister resigns over budget row\n\nThe finance minister quit on Friday after weeks of pressure.\n\nBy Jane Doe\n\nThe finance minister resigned on Friday, ending weeks of pressure over the budget.\n\nShe said she had no regrets.\n\n3 comments\n\nLeave a comment\n\nYou must be logged in to post a comment.";
        let c = clean(raw, None);
        assert_eq!(c.title.as_deref(), Some("Minister resigns over budget row"));
        assert_eq!(c.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(
            c.standfirst.as_deref(),
            Some("The finance minister quit on Friday after weeks of pressure.")
        );
        assert_eq!(c.body, "The finance minister resigned on Friday, ending weeks of pressure over the budget.\nShe said she had no regrets.");
        assert!(reasons(&c).contains(&"comment-form"));
    }

    #[test]
    fn syndication_footer_names_publisher_and_credit_goes() {
        let raw = "Storm hits coast\nThe storm reached land at dawn, officials said.\nPower was cut to 20,000 homes.\n(AP, AFP)\nThe post Storm hits coast appeared first on Coastal Daily.";
        let c = clean(raw, None);
        assert_eq!(c.publisher.as_deref(), Some("Coastal Daily"));
        assert_eq!(
            reasons(&c),
            vec!["title", "agency-credit", "syndication-footer"]
        );
        assert!(c.body.ends_with("20,000 homes."));
    }

    #[test]
    fn inserted_headlines_go_but_subheads_stay() {
        let raw = "Talks resume in Cairo\nNegotiators met again on Sunday.\nMarkets Rally as Central Bank Signals Rate Cut Next Month\nThe talks will go on.\nWhat Comes Next\nA vote is due next week.";
        let c = clean(raw, None);
        assert!(c
            .removed
            .iter()
            .any(|r| r.reason == "related-headline" && r.text.starts_with("Markets Rally")));
        assert!(c.body.contains("What Comes Next"));
    }

    #[test]
    fn labels_and_repeated_title_at_the_head() {
        let raw = "Follow us\nBusiness\nFactory output falls\nPublished\non\nFactory output falls\nOutput fell 3% in May, the statistics office said.\nIt was the third fall in a row.\nRead more";
        let c = clean(raw, None);
        assert_eq!(c.title.as_deref(), Some("Factory output falls"));
        assert_eq!(
            reasons(&c),
            vec![
                "prompt",
                "label",
                "title",
                "label",
                "label",
                "repeated-title",
                "prompt"
            ]
        );
        assert_eq!(c.body.lines().count(), 2);
    }

    #[test]
    fn a_body_without_headline_keeps_its_first_line() {
        let raw = "The negotiations were in limbo on Thursday as officials turned to other talks.\nThe envoy was expected to leave for Russia.\nLeave a Reply";
        let c = clean(raw, None);
        assert_eq!(c.title, None);
        assert!(c.body.starts_with("The negotiations were in limbo"));
        assert_eq!(reasons(&c), vec!["comment-form"]);
    }

    #[test]
    fn staff_byline_names_the_publisher() {
        let raw = "Court rules on appeal\nBy Harbor Times Staff\nThe court ruled on Monday that the appeal could go ahead.\nA hearing is set for June.";
        let c = clean(raw, None);
        assert_eq!(c.publisher.as_deref(), Some("Harbor Times"));
        assert_eq!(c.byline.as_deref(), Some("Harbor Times Staff"));
    }

    #[test]
    fn pointers_to_other_articles_go_in_the_languages_sites_write_them() {
        let body = "The central bank said external debt rose by 6.6 percent in 2021.";
        for furniture in [
            "Lea también: Impiden ingreso a Nicaragua a reportero",
            "VEA TAMBIÉN: Entre heces y guaricha",
            "LE PUEDE INTERESAR: La ficha de Juan Orlando Hernández",
            "À lire aussi » Ballonnements, lourdeurs",
            "Lesen Sie auch die folgenden Beiträge:",
            "Schon gelesen?",
            "Czytaj też",
            "Read also: Talks resume in Doha",
        ] {
            let raw = format!("{body}\n{furniture}\n{body}");
            let c = clean_extracted(&raw, None);
            assert_eq!(reasons(&c), vec!["related-headline"], "{furniture}");
            assert_eq!(c.body.lines().count(), 2);
        }
        // Without the colon the line is a sentence that opens with the word.
        let raw = format!("{body}\nMira Sorvino said the film would open in May.");
        assert!(clean_extracted(&raw, None).removed.is_empty());
    }

    #[test]
    fn copyright_paywall_follow_and_advertising_notices_go() {
        let body = "The port reopened on Monday after a week-long strike.";
        for (furniture, reason) in [
            ("© 2022, Example News. This article is the copyrighted property of Example News. Written permission must be obtained before reprint.", "copyright"),
            ("This material may not be published, broadcast, rewritten or redistributed.", "copyright"),
            ("To view the full story, please subscribe to The Example Times.", "paywall"),
            ("Subscribe now to our e-edition for the full story.", "paywall"),
            ("For the latest stories download the Example apps for iOS and Android.", "paywall"),
            ("Síguenos en Telegram, Instagram, Facebook y Twitter para recibir todas nuestras actualizaciones", "prompt"),
            ("Follow The Gleaner on Twitter and Instagram @Gleaner", "prompt"),
            ("Kategorie: News", "prompt"),
            ("Please understand that comments are moderated.", "comment-form"),
            ("*Werbung. Dieser Beitrag enthält Werbung.", "advertising"),
            ("This post contains affiliate links.", "advertising"),
            ("We want to hear what you think about this article.", "prompt"),
            ("Get the Daily Edition by email and never miss our top stories", "prompt"),
            ("Sie sind aktuell nicht eingeloggt.", "prompt"),
            ("The views expressed in this column are the author's own and do not necessarily reflect those of Example News.", "disclaimer"),
            ("Example News is not responsible for the opinions, statements or media content presented by contributors.", "disclaimer"),
            ("Der Beitrag gibt die Meinung des Autors wieder, nicht notwendigerweise die der Redaktion.", "disclaimer"),
            ("This site uses Akismet to reduce spam. Learn how your comment data is processed.", "disclaimer"),
        ] {
            let raw = format!("{body}\n{furniture}\n{body}");
            let c = clean(&raw, None);
            assert_eq!(reasons(&c), vec![reason], "{furniture}");
        }
        // A sentence that counts comments is not a comment counter.
        let raw = format!("{body}\nThe agency received 300 comments on the plan.\n{body}");
        assert!(clean(&raw, None).removed.is_empty());
        // A report on someone's views stays.
        let raw = format!(
            "{body}\nThe minister said the views expressed at the meeting were divided.\n{body}"
        );
        assert!(clean(&raw, None).removed.is_empty());
        // Reported words about subscriptions or copyright stay.
        let raw = format!("{body}\nThe publisher said subscriptions rose by a third last year, and it would defend its copyright in court.");
        assert!(clean_extracted(&raw, None).removed.is_empty());
    }

    #[test]
    fn notice_paragraphs_go_when_half_their_sentences_are_furniture() {
        let body = "The port reopened on Monday after a week-long strike.";
        for (furniture, reason) in [
            ("This post contains references to products from one or more of our advertisers. We may receive compensation when you click on links to those products. Terms apply to the offers listed on this page. For an explanation of our Advertising Policy, visit this page.", "advertising"),
            ("Follow The Example Times on Twitter and Instagram @ExampleTimes and on Facebook @ExampleTimes. Send us a message on WhatsApp at 1-555-0100 or email us at desk@example.com", "prompt"),
            ("We welcome reader comments on the top stories of the day. Some comments may be republished on the website or in the newspaper; email addresses will not be published.", "comment-form"),
            ("Submit your letter to the editor via this form. Read more Letters to the Editor.", "prompt"),
            ("Do you want to be informed of our actions? Sign up here", "prompt"),
        ] {
            let raw = format!("{body}\n{furniture}\n{body}");
            let c = clean_extracted(&raw, None);
            assert_eq!(reasons(&c), vec![reason], "{furniture}");
        }
        // One such sentence among several of the article's: the paragraph stays.
        let raw = format!(
            "{body}\nThe union said the deal was fair. Its members voted on Sunday. Follow the vote on Twitter and Facebook @ExampleUnion. The port expects ships by Friday.\n{body}"
        );
        assert!(clean_extracted(&raw, None).removed.is_empty());
    }

    #[test]
    fn tags_left_as_text_are_taken_out_of_extracted_text() {
        let raw = "The port reopened on Monday.\n<img alt='' height='1' src='https://ads.example.com/p?id=1' width='1'/> Port News <span class=\"byline\">Posted by Ann Lee</span>\nA lone <b> is text.";
        let c = clean_extracted(raw, None);
        assert_eq!(
            c.body,
            "The port reopened on Monday.\nPort News Posted by Ann Lee\nA lone <b> is text."
        );
    }

    #[test]
    fn extracted_text_keeps_its_subheadings_and_headline() {
        // A page's subheading looks like an inserted headline to the
        // plain-text rules; in extracted HTML text the page placed it.
        let raw = "Port reopens after strike\nThe port reopened on Monday after a week-long strike by dock workers.\nWhat the deal gives workers\nPay rises by six percent over two years, the union said.";
        let plain = clean(raw, None);
        assert_eq!(plain.title.as_deref(), Some("Port reopens after strike"));
        let c = clean_extracted(raw, Some("Port reopens after strike"));
        assert!(c.removed.is_empty(), "{:?}", c.removed);
        assert_eq!(c.body, raw);
        assert_eq!(c.title.as_deref(), Some("Port reopens after strike"));
        // A byline line near the top is known by its words.
        let with_byline = raw.replacen('\n', "\nBy Ana Ruiz\n", 1);
        let c = clean_extracted(&with_byline, None);
        assert_eq!(reasons(&c), vec!["byline"]);
        assert_eq!(c.byline.as_deref(), Some("Ana Ruiz"));
        assert_eq!(c.body, raw);
    }
}
