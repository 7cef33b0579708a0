//! Instruments as data a thin client can render as a form: sections, items, the answer
//! options with their scores, skip logic and the version. Prompts here are short topic
//! labels of our own; a station loads its licensed wording separately.

use crate::assessment::instruments::{DT_PROBLEMS, Instrument};
use crate::assessment::ssrs::{SUPPORT_SOURCES, source_item};

/// One answer option and the score it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerOption {
    pub value: i32,
    pub label: String,
}

/// One item of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub prompt: String,
    pub options: Vec<AnswerOption>,
    /// Asked only when this item has this answer (skip logic).
    pub shown_if: Option<(String, i32)>,
    pub optional: bool,
    /// The question this item is one checkbox of (yes = 1, unticked = left out), such
    /// as `item6` for the SSRS's sources of help.
    pub choice_group: Option<String>,
    /// Ticking it clears the other checkboxes of its group ("none").
    pub exclusive: bool,
}

/// A group of items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// The form of one instrument at one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub instrument: Instrument,
    pub version: u32,
    pub title: String,
    pub sections: Vec<Section>,
    /// Where the wording comes from: empty for our own topic labels, else the source
    /// and licence of the station's text.
    pub wording_source: String,
}

fn options(pairs: &[(i32, &str)]) -> Vec<AnswerOption> {
    pairs
        .iter()
        .map(|(value, label)| AnswerOption {
            value: *value,
            label: (*label).to_owned(),
        })
        .collect()
}

fn item(id: &str, prompt: &str, opts: Vec<AnswerOption>) -> Item {
    Item {
        id: id.to_owned(),
        prompt: prompt.to_owned(),
        options: opts,
        shown_if: None,
        optional: false,
        choice_group: None,
        exclusive: false,
    }
}

/// One checkbox of the question `group`.
fn checkbox(group: &str, id: &str, prompt: &str, exclusive: bool) -> Item {
    Item {
        optional: true,
        choice_group: Some(group.to_owned()),
        exclusive,
        ..item(id, prompt, options(&YES_NO))
    }
}

/// Where SSRS items 6 and 7 say help came from, one checkbox per source (version 2).
fn support_sources(item_id: &str, question: &str) -> Vec<Item> {
    let mut boxes = vec![checkbox(
        item_id,
        &source_item(item_id, "none"),
        &format!("{question}: none"),
        true,
    )];
    for (source, label) in SUPPORT_SOURCES {
        boxes.push(checkbox(
            item_id,
            &source_item(item_id, source),
            &format!("{question}: {label}"),
            false,
        ));
    }
    boxes
}

fn section(id: &str, title: &str, items: Vec<Item>) -> Section {
    Section {
        id: id.to_owned(),
        title: title.to_owned(),
        items,
    }
}

const FREQUENCY: [(i32, &str); 4] = [
    (0, "not at all"),
    (1, "several days"),
    (2, "more than half the days"),
    (3, "nearly every day"),
];
const ZARIT: [(i32, &str); 5] = [
    (0, "never"),
    (1, "rarely"),
    (2, "sometimes"),
    (3, "quite frequently"),
    (4, "nearly always"),
];
const YES_NO: [(i32, &str); 2] = [(0, "no"), (1, "yes")];

const PHQ9_TOPICS: [&str; 9] = [
    "little interest or pleasure",
    "feeling down or hopeless",
    "sleep",
    "tiredness, little energy",
    "appetite",
    "feeling bad about oneself",
    "concentration",
    "moving or speaking slowly, or restlessness",
    "thoughts of being better off dead or of self-harm",
];
const GAD7_TOPICS: [&str; 7] = [
    "nervous, anxious or on edge",
    "unable to stop worrying",
    "worrying too much",
    "trouble relaxing",
    "restlessness",
    "easily annoyed or irritable",
    "afraid something awful might happen",
];

fn numbered(prefix: &str, topics: &[&str], opts: &[(i32, &str)]) -> Vec<Item> {
    topics
        .iter()
        .enumerate()
        .map(|(i, topic)| item(&format!("{prefix}{}", i + 1), topic, options(opts)))
        .collect()
}

impl Instrument {
    /// The form of this instrument at its newest version.
    pub fn definition(self) -> Definition {
        self.definition_at(self.version())
    }

    /// The form of this instrument at `version` (one of `versions`).
    pub fn definition_at(self, version: u32) -> Definition {
        let (title, sections) = match self {
            Instrument::Phq9 => (
                "PHQ-9 (depression)",
                vec![section(
                    "main",
                    "Over the last two weeks",
                    numbered("item", &PHQ9_TOPICS, &FREQUENCY),
                )],
            ),
            Instrument::Gad7 => (
                "GAD-7 (anxiety)",
                vec![section(
                    "main",
                    "Over the last two weeks",
                    numbered("item", &GAD7_TOPICS, &FREQUENCY),
                )],
            ),
            Instrument::Zarit22 | Instrument::Zarit12 => {
                let count = if self == Instrument::Zarit22 { 22 } else { 12 };
                let topics: Vec<String> = (1..=count)
                    .map(|i| format!("caregiver burden item {i}"))
                    .collect();
                let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
                let title = if count == 22 {
                    "Zarit Burden Interview (22 items)"
                } else {
                    "Zarit Burden Interview (12 items)"
                };
                (
                    title,
                    vec![section(
                        "main",
                        "How often the caregiver feels",
                        numbered("item", &topics, &ZARIT),
                    )],
                )
            }
            Instrument::DistressThermometer => {
                let rating: Vec<(i32, String)> = (0..=10).map(|v| (v, v.to_string())).collect();
                let rating = Item {
                    id: "rating".into(),
                    prompt: "distress over the past week, 0 (none) to 10 (extreme)".into(),
                    options: rating
                        .into_iter()
                        .map(|(value, label)| AnswerOption { value, label })
                        .collect(),
                    ..item("rating", "", Vec::new())
                };
                let problems = DT_PROBLEMS
                    .iter()
                    .map(|p| Item {
                        optional: true,
                        ..item(p, &p.replace(['.', '_'], " "), options(&YES_NO))
                    })
                    .collect();
                (
                    "NCCN Distress Thermometer",
                    vec![
                        section("rating", "Distress", vec![rating]),
                        section("problems", "Problem list", problems),
                    ],
                )
            }
            Instrument::Barthel => {
                let scored = |id: &str, values: &[i32]| {
                    let opts = values
                        .iter()
                        .map(|v| AnswerOption {
                            value: *v,
                            label: v.to_string(),
                        })
                        .collect();
                    item(id, &id.replace('_', " "), opts)
                };
                let items = vec![
                    scored("feeding", &[0, 5, 10]),
                    scored("bathing", &[0, 5]),
                    scored("grooming", &[0, 5]),
                    scored("dressing", &[0, 5, 10]),
                    scored("bowels", &[0, 5, 10]),
                    scored("bladder", &[0, 5, 10]),
                    scored("toilet_use", &[0, 5, 10]),
                    scored("transfers", &[0, 5, 10, 15]),
                    scored("mobility", &[0, 5, 10, 15]),
                    scored("stairs", &[0, 5, 10]),
                ];
                (
                    "Barthel Index (activities of daily living)",
                    vec![section("main", "Activities", items)],
                )
            }
            Instrument::Ssrs => {
                let four = [(1, "1"), (2, "2"), (3, "3"), (4, "4")];
                let count: Vec<(i32, String)> = (0..=9).map(|v| (v, v.to_string())).collect();
                let count_opts: Vec<AnswerOption> = count
                    .into_iter()
                    .map(|(value, label)| AnswerOption { value, label })
                    .collect();
                let mut items = vec![
                    item("item1", "close friends", options(&four)),
                    item("item2", "living situation", options(&four)),
                    item("item3", "neighbours", options(&four)),
                    item("item4", "colleagues", options(&four)),
                ];
                for (part, who) in [
                    ("a", "spouse"),
                    ("b", "parents"),
                    ("c", "children"),
                    ("d", "siblings"),
                    ("e", "other family"),
                ] {
                    items.push(item(
                        &format!("item5{part}"),
                        &format!("support from {who}"),
                        options(&four),
                    ));
                }
                let (practical, comfort) = (
                    "sources of practical help in a crisis",
                    "sources of comfort in a crisis",
                );
                if version == 1 {
                    items.push(item(
                        "item6",
                        &format!("{practical} (count)"),
                        count_opts.clone(),
                    ));
                    items.push(item("item7", &format!("{comfort} (count)"), count_opts));
                } else {
                    items.extend(support_sources("item6", practical));
                    items.extend(support_sources("item7", comfort));
                }
                items.push(item("item8", "how troubles are confided", options(&four)));
                items.push(item("item9", "how help is sought", options(&four)));
                items.push(item("item10", "taking part in groups", options(&four)));
                (
                    "Social Support Rating Scale (SSRS)",
                    vec![section("main", "Social support", items)],
                )
            }
            Instrument::Cssrs => {
                let mut items = vec![
                    item(
                        "q1_wish_dead",
                        "wished to be dead (past month)",
                        options(&YES_NO),
                    ),
                    item(
                        "q2_thoughts",
                        "thoughts of killing oneself (past month)",
                        options(&YES_NO),
                    ),
                ];
                for (id, prompt) in [
                    ("q3_method", "thought about how (method)"),
                    ("q4_intent", "intention of acting on the thoughts"),
                    ("q5_plan", "worked out details, with intent to carry out"),
                ] {
                    items.push(Item {
                        shown_if: Some(("q2_thoughts".into(), 1)),
                        ..item(id, prompt, options(&YES_NO))
                    });
                }
                if version == 1 {
                    items.push(item(
                        "q6_behaviour",
                        "suicidal behaviour (past 3 months)",
                        options(&YES_NO),
                    ));
                } else {
                    items.push(item(
                        "q6_behaviour_lifetime",
                        "ever done, started or prepared anything to end one's life",
                        options(&YES_NO),
                    ));
                    items.push(Item {
                        shown_if: Some(("q6_behaviour_lifetime".into(), 1)),
                        ..item(
                            "q6a_within_three_months",
                            "was it within the past 3 months",
                            options(&YES_NO),
                        )
                    });
                }
                (
                    "C-SSRS screener (suicide risk)",
                    vec![section("main", "Screening", items)],
                )
            }
        };
        Definition {
            instrument: self,
            version,
            title: title.to_owned(),
            sections,
            wording_source: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{Answers, Cutoffs};

    /// Every form answered with its first option (skipped items left out) scores
    /// without a violation: the form and the scoring rules name the same items.
    #[test]
    fn every_form_matches_its_scoring_rules() {
        for instrument in Instrument::ALL {
            for &version in instrument.versions() {
                let definition = instrument.definition_at(version);
                assert_eq!(definition.version, version);
                // The first option of each item asked, and "none" of each group.
                let answers: Answers = definition
                    .sections
                    .iter()
                    .flat_map(|s| &s.items)
                    .filter(|i| i.shown_if.is_none() && (!i.optional || i.exclusive))
                    .map(|i| {
                        (
                            i.id.clone(),
                            if i.exclusive { 1 } else { i.options[0].value },
                        )
                    })
                    .collect();
                let scored = instrument.score(version, &answers, &Cutoffs::default());
                assert!(
                    scored.is_ok(),
                    "{}@{version}: {:?}",
                    instrument.id(),
                    scored.err()
                );
            }
        }
        assert_eq!(
            Instrument::Cssrs.definition().version,
            2,
            "the newest is served"
        );
    }

    #[test]
    fn skip_logic_is_part_of_the_form() {
        let cssrs = Instrument::Cssrs.definition();
        let q4 = cssrs.sections[0]
            .items
            .iter()
            .find(|i| i.id == "q4_intent")
            .unwrap();
        assert_eq!(q4.shown_if, Some(("q2_thoughts".to_string(), 1)));
    }
}
