//! TempEval-3 style scoring of the time annotator on TimeML files.
//!
//! Each `.tml` file gives the text (inside `<TEXT>`) with gold `<TIMEX3>`
//! tags, and the document creation time (the `TIMEX3` whose
//! `functionInDocument` is `CREATION_TIME`), which becomes
//! `Document::published`. System and gold expressions are paired one to one
//! by overlap; strict matches need the same span. As in TempEval-3, the
//! attribute scores are computed over the overlapping pairs: `value_f1`
//! counts a pair only when the values are equal (precision over system
//! expressions, recall over gold ones), `type_accuracy` is the share of
//! pairs with the same type.

use std::path::{Path, PathBuf};

use dossier_model::{Document, TimeExpr, TimeType};

/// One gold time expression: byte span in the stripped text, type, value.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldTimex {
    pub start: usize,
    pub end: usize,
    pub kind: String,
    pub value: String,
}

/// A parsed TimeML document: plain text, creation time and gold timexes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimemlDoc {
    pub text: String,
    pub dct: Option<String>,
    pub timexes: Vec<GoldTimex>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')? + i;
    Some(tag[i..j].to_string())
}

fn unescape_at(s: &str) -> Option<(char, usize)> {
    for (ent, ch) in [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&apos;", '\''),
    ] {
        if s.starts_with(ent) {
            return Some((ch, ent.len()));
        }
    }
    None
}

/// Parse a TimeML file's content. Tags other than `TIMEX3` are dropped;
/// the text between them is kept as is (entities unescaped).
pub fn parse_timeml(xml: &str) -> TimemlDoc {
    let mut doc = TimemlDoc::default();
    if let Some(dct_start) = xml.find("<DCT>") {
        let rest = &xml[dct_start..];
        if let Some(end) = rest.find("</DCT>") {
            let tag = &rest[..end];
            if tag.contains("CREATION_TIME") {
                doc.dct = attr(tag, "value");
            }
        }
    }
    if doc.dct.is_none() {
        // Some files put the creation time outside a DCT element.
        let mut pos = 0;
        while let Some(i) = xml[pos..].find("<TIMEX3") {
            let s = pos + i;
            let Some(e) = xml[s..].find('>') else { break };
            let tag = &xml[s..s + e];
            if tag.contains("CREATION_TIME") {
                doc.dct = attr(tag, "value");
                break;
            }
            pos = s + e;
        }
    }
    let body = match (xml.find("<TEXT>"), xml.find("</TEXT>")) {
        (Some(a), Some(b)) if a + 6 <= b => &xml[a + 6..b],
        _ => return doc,
    };
    let mut open: Option<(usize, String, String)> = None;
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        if rest.starts_with('<') {
            let Some(close) = rest.find('>') else { break };
            let tag = &rest[1..close];
            if tag.starts_with("TIMEX3") {
                let kind = attr(tag, "type").unwrap_or_default();
                let value = attr(tag, "value").unwrap_or_default();
                open = Some((doc.text.len(), kind, value));
            } else if tag.starts_with("/TIMEX3") {
                if let Some((start, kind, value)) = open.take() {
                    doc.timexes.push(GoldTimex {
                        start,
                        end: doc.text.len(),
                        kind,
                        value,
                    });
                }
            }
            i += close + 1;
        } else if let Some((ch, n)) = unescape_at(rest) {
            doc.text.push(ch);
            i += n;
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            doc.text.push(ch);
            i += ch.len_utf8();
        }
    }
    doc
}

fn tml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            tml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "tml") {
            out.push(p);
        }
    }
}

fn f1(correct: usize, sys: usize, gold: usize) -> f64 {
    let p = if sys == 0 {
        0.0
    } else {
        correct as f64 / sys as f64
    };
    let r = if gold == 0 {
        0.0
    } else {
        correct as f64 / gold as f64
    };
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Counts accumulated over documents.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    sys: usize,
    gold: usize,
    strict: usize,
    relaxed: usize,
    type_ok: usize,
    value_ok: usize,
}

/// The TimeML name of a type (`DATE`, `TIME`, `DURATION`, `SET`).
fn type_name(kind: TimeType) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// One disagreement with the gold annotation, for `--errors`: `what` is
/// `missed` (gold only), `spurious` (system only), `value` or `type`
/// (overlapping, attribute differs). The span shown is the system's when
/// there is one.
fn error(
    file: &str,
    what: &str,
    text: &str,
    gold: Option<&GoldTimex>,
    sys: Option<&TimeExpr>,
) -> serde_json::Value {
    let (start, end) = match (sys, gold) {
        (Some(t), _) => (t.start, t.end),
        (None, Some(g)) => (g.start, g.end),
        (None, None) => (0, 0),
    };
    serde_json::json!({
        "file": file,
        "what": what,
        "text": &text[start..end],
        "gold_type": gold.map(|g| g.kind.as_str()),
        "gold_value": gold.map(|g| g.value.as_str()),
        "system_type": sys.map(|t| type_name(t.kind)),
        "system_value": sys.map(|t| t.value.as_str()),
        "context": super::around(text, start, end, 60).replace('\n', " "),
    })
}

fn score_doc(
    tml: &TimemlDoc,
    c: &mut Counts,
    file: &str,
    errors: &mut Option<&mut Vec<serde_json::Value>>,
) {
    let mut doc = Document {
        text: tml.text.clone(),
        published: tml.dct.as_ref().map(|d| d.chars().take(10).collect()),
        ..Default::default()
    };
    doc.sentences = crate::segment::sentences(&doc.text);
    super::annotate(&mut doc);
    c.sys += doc.times.len();
    c.gold += tml.timexes.len();
    let mut used = vec![false; doc.times.len()];
    for g in &tml.timexes {
        let best = doc
            .times
            .iter()
            .enumerate()
            .filter(|(i, t)| !used[*i] && t.start < g.end && g.start < t.end)
            .max_by_key(|(_, t)| t.end.min(g.end) - t.start.max(g.start));
        let Some((i, t)) = best else {
            if let Some(e) = errors.as_deref_mut() {
                e.push(error(file, "missed", &tml.text, Some(g), None));
            }
            continue;
        };
        used[i] = true;
        c.relaxed += 1;
        if t.start == g.start && t.end == g.end {
            c.strict += 1;
        }
        let ty = type_name(t.kind);
        if ty == g.kind {
            c.type_ok += 1;
        }
        if t.value == g.value {
            c.value_ok += 1;
        }
        if let Some(e) = errors.as_deref_mut() {
            if t.value != g.value || ty != g.kind {
                let what = if t.value != g.value { "value" } else { "type" };
                e.push(error(file, what, &tml.text, Some(g), Some(t)));
            }
        }
    }
    if let Some(e) = errors.as_deref_mut() {
        for (t, _) in doc.times.iter().zip(&used).filter(|(_, u)| !**u) {
            e.push(error(file, "spurious", &tml.text, None, Some(t)));
        }
    }
}

/// Score the time annotator on every `.tml` file under `dir` (recursively).
/// Returns `documents`, `gold`, `system`, `strict_f1`, `relaxed_f1`,
/// `type_accuracy` and `value_f1`.
pub fn evaluate_timeml(dir: &Path) -> serde_json::Value {
    evaluate_timeml_with_errors(dir, None)
}

/// As [`evaluate_timeml`], and with `errors`, every disagreement with the
/// gold annotation as a JSON object (see [`error`]), in file order.
pub fn evaluate_timeml_with_errors(
    dir: &Path,
    mut errors: Option<&mut Vec<serde_json::Value>>,
) -> serde_json::Value {
    let mut files = Vec::new();
    tml_files(dir, &mut files);
    let mut c = Counts::default();
    let mut docs = 0;
    for f in &files {
        let Ok(xml) = std::fs::read_to_string(f) else {
            continue;
        };
        let name = f.strip_prefix(dir).unwrap_or(f).display().to_string();
        score_doc(&parse_timeml(&xml), &mut c, &name, &mut errors);
        docs += 1;
    }
    let round = |x: f64| (x * 10000.0).round() / 10000.0;
    serde_json::json!({
        "documents": docs,
        "gold": c.gold,
        "system": c.sys,
        "strict_f1": round(f1(c.strict, c.sys, c.gold)),
        "relaxed_f1": round(f1(c.relaxed, c.sys, c.gold)),
        "type_accuracy": round(if c.relaxed == 0 { 0.0 } else { c.type_ok as f64 / c.relaxed as f64 }),
        "value_f1": round(f1(c.value_ok, c.sys, c.gold)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" ?>
<TimeML>
<DCT><TIMEX3 tid="t0" type="DATE" value="1989-11-02" temporalFunction="false" functionInDocument="CREATION_TIME">11/02/89</TIMEX3></DCT>
<TEXT>
AT&amp;T <EVENT eid="e1">said</EVENT> <TIMEX3 tid="t1" type="DATE" value="1989-11-01">yesterday</TIMEX3> it would hold a <TIMEX3 tid="t2" type="DURATION" value="P60D">60-day</TIMEX3> review starting <TIMEX3 tid="t3" type="DATE" value="1989-12">in December</TIMEX3>.
</TEXT>
</TimeML>"#;

    #[test]
    fn parses_text_dct_and_gold_spans() {
        let d = parse_timeml(SAMPLE);
        assert_eq!(d.dct.as_deref(), Some("1989-11-02"));
        assert!(d.text.contains("AT&T said yesterday"));
        assert_eq!(d.timexes.len(), 3);
        let g = &d.timexes[0];
        assert_eq!(&d.text[g.start..g.end], "yesterday");
        assert_eq!(g.value, "1989-11-01");
    }

    #[test]
    fn scores_a_small_directory() {
        let dir = std::env::temp_dir().join(format!("dossier-timeml-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.tml"), SAMPLE).unwrap();
        let v = evaluate_timeml(&dir);
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(v["documents"], 1);
        assert_eq!(v["gold"], 3);
        // "yesterday" and "60-day" match exactly; "December" overlaps
        // "in December" (value 1989-12 as the month is past... or future).
        assert!(v["relaxed_f1"].as_f64().unwrap() > 0.99, "{v}");
        assert!(v["strict_f1"].as_f64().unwrap() < v["relaxed_f1"].as_f64().unwrap() + 1e-9);
        assert!(v["value_f1"].as_f64().unwrap() >= 0.66, "{v}");
    }

    /// Regression guard on the development data (TempEval-3 training,
    /// TimeBank + AQUAINT), when the shared data is present.
    #[test]
    fn scores_on_tempeval3_training_do_not_regress() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/timex/tempeval3/Training/TBAQ-cleaned");
        if !dir.is_dir() {
            eprintln!("skipped: {} not present", dir.display());
            return;
        }
        let v = evaluate_timeml(&dir);
        println!("{v}");
        // The figures recorded in docs/BENCHMARKS.md (0.9205 / 0.7838).
        assert!(v["relaxed_f1"].as_f64().unwrap() >= 0.9200, "{v}");
        assert!(v["value_f1"].as_f64().unwrap() >= 0.7833, "{v}");
    }
}
