//! Tests of the whole grouping on small hand-written reports.

use super::*;
use dossier_model::{DateEstimate, Document};

const QUAKE_A: &str = "A magnitude 7.1 earthquake struck off the coast of northern Chile on Tuesday, shaking buildings in Antofagasta and prompting a brief tsunami warning. Chile's disaster agency said there were no immediate reports of casualties. The quake hit at a depth of 40 kilometres, the US Geological Survey said.";
const QUAKE_B: &str = "Residents of Antofagasta fled into the streets after a powerful earthquake shook northern Chile. The US Geological Survey measured the quake at magnitude 7.1. A tsunami warning for the Chilean coast was lifted two hours later, and the disaster agency reported minor damage to roads.";
const BANK_A: &str = "The European Central Bank left its main interest rate unchanged at 4 percent on Thursday, with President Christine Lagarde saying inflation in the euro zone was easing but remained too high. Economists expect the first rate cut in the summer.";
const BANK_B: &str = "Christine Lagarde said the European Central Bank would keep interest rates at a record high for now, after policymakers held the deposit rate at 4 percent. Markets had priced in a rate cut by June as euro zone inflation slows.";

fn doc(id: &str, outlet: &str, date: Option<&str>, text: &str) -> Document {
    Document {
        id: id.into(),
        publisher: Some(outlet.into()),
        published: date.map(String::from),
        text: text.into(),
        ..Default::default()
    }
}

fn story_of<'a>(g: &'a Grouping, id: &str) -> &'a Story {
    g.stories
        .iter()
        .find(|s| {
            s.documents.iter().any(|d| d == id) || s.duplicates.iter().flatten().any(|d| d == id)
        })
        .unwrap()
}

fn sample() -> Vec<Document> {
    vec![
        doc("q1", "Reuters", Some("2024-03-05"), QUAKE_A),
        doc("q2", "AP", Some("2024-03-05"), QUAKE_B),
        // the Reuters text carried by a second outlet, with a credit line
        doc(
            "q3",
            "Daily Star",
            Some("2024-03-06"),
            &format!("{QUAKE_A} (Reuters)"),
        ),
        doc("b1", "FT", Some("2024-03-07"), BANK_A),
        doc("b2", "Bloomberg", Some("2024-03-07"), BANK_B),
    ]
}

#[test]
fn empty_input_gives_empty_grouping() {
    assert_eq!(group(&[], &Options::default()), Grouping::default());
}

#[test]
fn events_become_stories_and_copies_are_kept_once() {
    let g = group(&sample(), &Options::default());
    assert_eq!(
        g.stories.len(),
        2,
        "{:?}",
        g.stories.iter().map(|s| &s.documents).collect::<Vec<_>>()
    );
    let quake = story_of(&g, "q1");
    assert_eq!(quake.documents, vec!["q1", "q2"]);
    assert_eq!(
        quake.duplicates,
        vec![vec!["q1".to_string(), "q3".to_string()]]
    );
    assert_eq!(quake.outlets.len(), 3);
    assert!(quake.outlets.contains(&"Daily Star".to_string()));
    assert_eq!(quake.first_date.as_deref(), Some("2024-03-05"));
    assert_eq!(quake.last_date.as_deref(), Some("2024-03-06"));
    let bank = story_of(&g, "b1");
    assert_eq!(bank.documents, vec!["b1", "b2"]);
    assert_ne!(quake.storyline, bank.storyline);
    // summaries point back to real sentences
    for s in &g.stories {
        assert!(!s.summary.is_empty() && !s.title.is_empty());
        for x in &s.summary {
            let d = sample()
                .into_iter()
                .find(|d| d.id == x.source.document)
                .unwrap();
            assert_eq!(&d.text[x.source.start..x.source.end], x.text);
        }
    }
}

#[test]
fn output_does_not_depend_on_input_order() {
    let docs = sample();
    let g = group(&docs, &Options::default());
    let mut rev = docs.clone();
    rev.reverse();
    rev.swap(0, 2);
    assert_eq!(group(&rev, &Options::default()), g);
}

#[test]
fn far_apart_dates_split_similar_reports() {
    let o = Options::default();
    let near = vec![
        doc("a", "X", Some("2024-03-05"), QUAKE_A),
        doc("b", "Y", Some("2024-03-06"), QUAKE_B),
    ];
    assert_eq!(group(&near, &o).stories.len(), 1);
    let far = vec![
        doc("a", "X", Some("2024-03-05"), QUAKE_A),
        doc("b", "Y", Some("2024-09-06"), QUAKE_B),
    ];
    assert_eq!(group(&far, &o).stories.len(), 2);
    let undated = vec![
        doc("a", "X", None, QUAKE_A),
        doc("b", "Y", Some("2024-09-06"), QUAKE_B),
    ];
    assert_eq!(group(&undated, &o).stories.len(), 1);
}

#[test]
fn open_ended_estimates_do_not_split() {
    // "no earlier than 2023-10-07" says nothing against a 2025 report.
    let mut a = doc("a", "X", Some("2023-10-07"), QUAKE_A);
    a.published_estimated = true;
    a.date_estimate = Some(DateEstimate {
        earliest: "2023-10-07".into(),
        latest: None,
        basis: "latest date in text".into(),
    });
    let b = doc("b", "Y", Some("2025-07-08"), QUAKE_B);
    assert_eq!(group(&[a, b], &Options::default()).stories.len(), 1);
}

#[test]
fn date_gaps() {
    let d = |s: &str| parse_date(Some(s)).unwrap();
    let day = |s: &str| DateRange {
        lo: d(s),
        hi: Some(d(s)),
    };
    assert_eq!(gap_days(day("2024-01-01"), day("2024-01-11")), 10.0);
    assert_eq!(
        gap_days(
            DateRange {
                lo: d("2024-01-01"),
                hi: None
            },
            day("2025-01-11")
        ),
        0.0
    );
    assert_eq!(
        gap_days(
            DateRange {
                lo: d("2025-01-01"),
                hi: None
            },
            day("2024-12-30")
        ),
        2.0
    );
    assert_eq!(time_factor(Some(day("2024-01-01")), None, 3.0, 7.0), 1.0);
    assert!(time_factor(Some(day("2024-01-01")), Some(day("2024-02-01")), 3.0, 7.0) < 0.05);
}

#[test]
fn hostile_input_does_not_panic() {
    let mut d = doc(
        "z",
        "X",
        Some("not a date"),
        "“Ünïcödé” — text\u{2011}with\u{00a0}odd spaces… ",
    );
    d.sentences = vec![
        dossier_model::Span::new(0, 1),
        dossier_model::Span::new(3, 400),
    ];
    d.entities.push(dossier_model::EntityMention {
        start: 1,
        end: 900,
        text: "x".into(),
        label: dossier_model::EntityLabel::Person,
        canonical: "X".into(),
        role: None,
    });
    d.entities.push(d.entities[0].clone());
    let g = group(&[d, doc("y", "Y", None, "")], &Options::default());
    assert_eq!(g.stories.len(), 2);
}

fn prior_of(g: &Grouping) -> Vec<PriorStory> {
    g.stories.iter().map(PriorStory::of).collect()
}

#[test]
fn later_documents_join_or_open_stories_and_stories_keep_their_ids() {
    let opts = Options::default();
    let first = group(&sample(), &opts);
    let prior = prior_of(&first);
    let mut docs = sample();
    // Another quake report, and an unrelated one.
    docs.push(doc(
        "q4",
        "BBC",
        Some("2024-03-06"),
        "The earthquake in northern Chile, magnitude 7.1 according to the US Geological Survey, damaged roads near Antofagasta; the tsunami warning was lifted.",
    ));
    docs.push(doc(
        "f1",
        "ESPN",
        Some("2024-03-07"),
        "Real Madrid beat Barcelona 3-1 in the league on Sunday, with two goals from Vinicius Junior in the second half at the Bernabeu.",
    ));
    let g = group_onto(&docs, &prior, &opts);
    let quake_before = story_of(&first, "q1");
    let quake = story_of(&g, "q1");
    assert_eq!(quake.id, quake_before.id, "a continued story keeps its id");
    assert!(quake.documents.contains(&"q4".to_string()));
    let bank_before = story_of(&first, "b1");
    assert_eq!(story_of(&g, "b1").id, bank_before.id);
    assert_eq!(story_of(&g, "b1").documents, bank_before.documents);
    let football = story_of(&g, "f1");
    assert_eq!(football.documents, vec!["f1".to_string()]);
    assert_eq!(g.stories.len(), 3);
}

#[test]
fn prior_stories_are_never_merged_or_split() {
    // Two prior stories made of documents that belong together: kept apart,
    // where a full regrouping joins them.
    let docs = sample();
    let opts = Options::default();
    let prior = vec![
        PriorStory {
            id: "story-a".into(),
            documents: vec!["q1".into(), "q3".into()],
        },
        PriorStory {
            id: "story-b".into(),
            documents: vec!["q2".into()],
        },
        PriorStory {
            id: "story-c".into(),
            documents: vec!["b1".into(), "b2".into()],
        },
    ];
    let g = group_onto(&docs, &prior, &opts);
    let ids: Vec<&str> = g.stories.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(g.stories.len(), 3, "{ids:?}");
    assert_eq!(story_of(&g, "q1").id, "story-a");
    assert_eq!(story_of(&g, "q2").id, "story-b");
    assert_eq!(story_of(&g, "q3").id, "story-a");
    assert_eq!(group(&docs, &opts).stories.len(), 2);
    // With nothing prior, it is the full grouping.
    assert_eq!(group_onto(&docs, &[], &opts), group(&docs, &opts));
}

#[test]
fn a_full_regrouping_is_due_when_the_store_grew_by_half() {
    assert!(full_regroup_due(10, false, Some(10)), "no stories yet");
    assert!(full_regroup_due(10, true, None), "last full unknown");
    assert!(!full_regroup_due(14, true, Some(10)));
    assert!(full_regroup_due(15, true, Some(10)));
    assert!(!full_regroup_due(10, true, Some(10)));
}

#[test]
fn a_new_copy_of_two_prior_stories_joins_neither_to_the_other() {
    // A roundup carrying two wire texts whole is a copy of each (by
    // containment), which would make the three one copy group.
    let docs = vec![
        doc("x", "Reuters", Some("2024-03-05"), QUAKE_A),
        doc("y", "FT", Some("2024-03-07"), BANK_A),
        doc(
            "z",
            "Roundup",
            Some("2024-03-08"),
            &format!("{QUAKE_A}\n\n{BANK_A}"),
        ),
    ];
    let prior = vec![
        PriorStory {
            id: "story-p".into(),
            documents: vec!["x".into()],
        },
        PriorStory {
            id: "story-q".into(),
            documents: vec!["y".into()],
        },
    ];
    let opts = Options::default();
    // Without prior stories the three are one text.
    let full = group(&docs, &opts);
    assert_eq!(full.stories.len(), 1, "{:?}", full.stories);
    let g = group_onto(&docs, &prior, &opts);
    assert_eq!(story_of(&g, "x").id, "story-p");
    assert_eq!(story_of(&g, "y").id, "story-q");
    assert_eq!(g.stories.len(), 2);
}
