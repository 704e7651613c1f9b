//! HTML building blocks for the UI: escaping, URL encoding, the page
//! frame, highlighted snippets, the attention chart and annotated text.
//! Everything that comes from an article goes through [`esc`].

use dossier_model::Document;
use dossier_search::{Highlighted, Series};
use std::fmt::Write;

pub(crate) use dossier_report::html_escape as esc;

pub(crate) const CSS: &str = include_str!("app.css");

/// Percent-encode a path segment or query value.
pub(crate) fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A whole page around `body`.
pub(crate) fn page(title: &str, q: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{} — Dossier</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body>\
<a class=\"skip\" href=\"#main\">Skip to content</a>\
<header><nav aria-label=\"Main\"><a class=\"brand\" href=\"/\">Dossier</a>\
<form class=\"searchbox\" action=\"/search\" method=\"get\" role=\"search\"><label for=\"q\" class=\"vh\">Search reports</label>\
<input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" placeholder=\"Search: words, &quot;phrases&quot;, entity:, outlet:, date:2025-07\"><button type=\"submit\">Search</button></form>\
<a href=\"/entities\">Entities</a><a href=\"/outlets\">Outlets</a></nav></header>\
<main id=\"main\" tabindex=\"-1\">{body}</main><footer><a href=\"/api/openapi.json\">API</a></footer></body></html>",
        esc(title),
        esc(q)
    )
}

/// Text with `<mark>` around the highlighted byte ranges.
pub(crate) fn marked(h: &Highlighted) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(s, e) in &h.highlights {
        if s < at
            || e > h.text.len()
            || s > e
            || !h.text.is_char_boundary(s)
            || !h.text.is_char_boundary(e)
        {
            continue;
        }
        out.push_str(&esc(&h.text[at..s]));
        let _ = write!(out, "<mark>{}</mark>", esc(&h.text[s..e]));
        at = e;
    }
    out.push_str(&esc(&h.text[at..]));
    out
}

/// A bar chart of matches per day, as inline SVG (no script).
pub(crate) fn chart(series: &Series, label: &str) -> String {
    let days: Vec<(i64, u64)> = series
        .days
        .iter()
        .filter_map(|(d, n)| dossier_search::query::published_day(d).map(|x| (x, *n)))
        .collect();
    let (Some(first), Some(last)) = (days.first().map(|d| d.0), days.last().map(|d| d.0)) else {
        return "<p class=\"muted\">No dated matches.</p>".into();
    };
    let span = (last - first + 1).clamp(1, 3660) as f64;
    let max = days.iter().map(|d| d.1).max().unwrap_or(1).max(1) as f64;
    let (w, h) = (600.0, 120.0);
    let bw = (w / span).max(1.0);
    let mut o = format!("<figure class=\"chart\"><svg viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"none\">", h + 2.0, esc(label));
    for (d, n) in &days {
        let x = ((d - first) as f64) * w / span;
        let bh = (*n as f64) / max * h;
        let _ = write!(o, "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\"><title>{}: {n}</title></rect>", h - bh, (bw - 0.5).max(0.8), esc(&dossier_search::query::day_label(*d)));
    }
    let _ = write!(
        o,
        "</svg><figcaption>{}: {} to {}, highest {} a day</figcaption></figure>",
        esc(label),
        esc(&dossier_search::query::day_label(first)),
        esc(&dossier_search::query::day_label(last)),
        max as u64
    );
    o
}

struct Ann {
    start: usize,
    end: usize,
    class: &'static str,
    title: String,
    anchor: bool,
}

/// The clean text with every annotation highlighted: entities by class,
/// quotes, figures and time expressions; sentences and quotes/figures carry
/// anchors (`#s{start}`, `#o{start}`) that story pages link to. Spans that
/// do not fall on the text's character boundaries are skipped.
pub(crate) fn annotated_text(d: &Document) -> String {
    let text = &d.text;
    let ok = |s: usize, e: usize| {
        s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
    };
    let mut anns: Vec<Ann> = Vec::new();
    for e in &d.entities {
        let class = match e.label {
            dossier_model::EntityLabel::Person => "e-per",
            dossier_model::EntityLabel::Org => "e-org",
            dossier_model::EntityLabel::Loc => "e-loc",
            dossier_model::EntityLabel::Misc => "e-misc",
        };
        let mut t = format!("{} {}", e.label.as_str(), e.canonical);
        if let Some(r) = &e.role {
            let _ = write!(t, " ({r})");
        }
        anns.push(Ann {
            start: e.start,
            end: e.end,
            class,
            title: t,
            anchor: false,
        });
    }
    // Who a span is attributed to, for its tooltip.
    let who = |s: &dossier_model::Speaker| {
        let name = s.canonical.clone().unwrap_or_else(|| s.name.clone());
        if s.anonymous {
            format!("anonymous: {}", s.description.clone().unwrap_or(name))
        } else {
            name
        }
    };
    for q in &d.quotes {
        let who = q.speaker.as_ref().map(who);
        let class = if q.speaker.as_ref().is_some_and(|s| s.anonymous) {
            "q anon-q"
        } else {
            "q"
        };
        anns.push(Ann {
            start: q.start,
            end: q.end,
            class,
            title: format!(
                "quote ({:?}) — {}",
                q.kind,
                who.unwrap_or_else(|| "speaker unknown".into())
            ),
            anchor: true,
        });
    }
    for a in &d.attributions {
        let Some(c) = a.content_span else { continue };
        let who = a.speaker.as_ref().map_or_else(
            || a.source.clone().unwrap_or_else(|| "source unknown".into()),
            who,
        );
        anns.push(Ann {
            start: c.start,
            end: c.end,
            class: "attr",
            title: format!("attributed ({}) — {who}", a.cue),
            anchor: true,
        });
    }
    for f in &d.figures {
        let t = format!(
            "figure: {} {}{}",
            f.value,
            f.unit.clone().unwrap_or_default(),
            f.counted
                .as_ref()
                .map(|c| format!(" — {c}"))
                .unwrap_or_default()
        );
        anns.push(Ann {
            start: f.start,
            end: f.end,
            class: "fig",
            title: t,
            anchor: true,
        });
    }
    for t in &d.times {
        anns.push(Ann {
            start: t.start,
            end: t.end,
            class: "tx",
            title: format!("time: {}", t.value),
            anchor: false,
        });
    }
    anns.retain(|a| ok(a.start, a.end));
    let sentence_starts: Vec<usize> = d
        .sentences
        .iter()
        .map(|s| s.start)
        .filter(|&s| s < text.len() && text.is_char_boundary(s))
        .collect();
    let para_starts: Vec<usize> = d
        .paragraphs
        .iter()
        .map(|p| p.start)
        .filter(|&s| s > 0 && s < text.len() && text.is_char_boundary(s))
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for a in &anns {
        cuts.push(a.start);
        cuts.push(a.end);
    }
    cuts.extend(&sentence_starts);
    cuts.extend(&para_starts);
    cuts.sort_unstable();
    cuts.dedup();
    let mut anchors_done = std::collections::HashSet::new();
    let mut o = String::from("<div class=\"doctext\"><p>");
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        if para_starts.binary_search(&s).is_ok() {
            o.push_str("</p><p>");
        }
        if sentence_starts.contains(&s) && anchors_done.insert(format!("s{s}")) {
            let _ = write!(o, "<span class=\"sent\" id=\"s{s}\"></span>");
        }
        for a in anns.iter().filter(|a| a.anchor && a.start == s) {
            if anchors_done.insert(format!("o{s}")) {
                let _ = write!(o, "<span class=\"anchor\" id=\"o{}\"></span>", a.start);
            }
        }
        let piece = esc(&text[s..e])
            .replace("\n\n", "</p><p>")
            .replace('\n', "<br>");
        let active: Vec<&Ann> = anns.iter().filter(|a| a.start <= s && e <= a.end).collect();
        if active.is_empty() {
            o.push_str(&piece);
        } else {
            let classes: Vec<&str> = active.iter().map(|a| a.class).collect();
            let titles: Vec<&str> = active.iter().map(|a| a.title.as_str()).collect();
            let _ = write!(
                o,
                "<span class=\"{}\" title=\"{}\">{piece}</span>",
                classes.join(" "),
                esc(&titles.join(" | "))
            );
        }
    }
    o.push_str("</p></div>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_model::*;

    #[test]
    fn marks_escape_text_and_skip_bad_ranges() {
        let h = Highlighted {
            text: "<b>Gaza</b> “truce”".into(),
            highlights: vec![(3, 7), (100, 120), (14, 15)],
        };
        let m = marked(&h);
        assert_eq!(m, "&lt;b&gt;<mark>Gaza</mark>&lt;/b&gt; “truce”");
    }

    #[test]
    fn annotated_text_escapes_and_highlights_overlaps() {
        let text = "Witkoff said “<img src=x onerror=alert(1)> 60 days” in Doha.";
        let q0 = text.find("<img").unwrap();
        let f0 = text.find("60 days").unwrap();
        let d = Document {
            text: text.into(),
            entities: vec![EntityMention {
                start: 0,
                end: 7,
                text: "Witkoff".into(),
                label: EntityLabel::Person,
                canonical: "Steve Witkoff".into(),
                role: None,
            }],
            quotes: vec![Quote {
                start: q0,
                end: f0 + 7,
                text: text[q0..f0 + 7].into(),
                kind: QuoteKind::Direct,
                speaker: None,
                cue: None,
                anonymity_reason: None,
            }],
            figures: vec![Figure {
                start: f0,
                end: f0 + 7,
                text: "60 days".into(),
                kind: FigureKind::Duration,
                value: 60.0,
                low: None,
                high: None,
                qualifier: None,
                unit: Some("day".into()),
                counted: None,
                measure: None,
                source: None,
                date: None,
                place: None,
            }],
            // A span inside a multi-byte character is skipped, not a panic.
            times: vec![TimeExpr {
                start: 14,
                end: 15,
                text: "x".into(),
                kind: TimeType::Date,
                value: "x".into(),
                relative: false,
            }],
            sentences: vec![Span::new(0, text.len())],
            ..Default::default()
        };
        let h = annotated_text(&d);
        assert!(!h.contains("<img"), "{h}");
        assert!(h.contains("&lt;img"));
        assert!(h.contains("class=\"q fig\""), "{h}");
        assert!(h.contains("class=\"e-per\""));
        assert!(h.contains(&format!("id=\"o{q0}\"")));
        assert!(h.contains("id=\"s0\""));
    }

    #[test]
    fn chart_scales_to_the_busiest_day() {
        let s = Series {
            days: vec![("2025-07-01".into(), 2), ("2025-07-03".into(), 4)],
        };
        let c = chart(&s, "Matches per day");
        assert_eq!(c.matches("<rect").count(), 2);
        assert!(c.contains("height=\"120.0\""));
        assert!(c.contains("highest 4 a day"));
        assert!(chart(&Series::default(), "x").contains("No dated"));
    }

    #[test]
    fn encoding_keeps_unreserved_only() {
        assert_eq!(
            enc("Steve Witkoff/“x”"),
            "Steve%20Witkoff%2F%E2%80%9Cx%E2%80%9D"
        );
    }
}
