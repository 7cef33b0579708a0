//! Worked examples computed by hand from `shared/reference/instruments.md`, and the
//! answers that must be refused.

use proptest::prelude::*;

use super::*;

fn answers(pairs: &[(&str, i32)]) -> Answers {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn items(prefix: &str, values: &[i32]) -> Answers {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("{prefix}{}", i + 1), *v))
        .collect()
}

/// `a` scored by the newest version of `instrument`.
fn score(instrument: Instrument, a: &Answers) -> Score {
    score_at(instrument, instrument.version(), a)
}

fn score_at(instrument: Instrument, version: u32, a: &Answers) -> Score {
    instrument.score(version, a, &Cutoffs::default()).unwrap()
}

#[test]
fn phq9_item9_raises_the_flag_whatever_the_total() {
    // 1+0+1+0+1+0+0+0+1 = 4: minimal, yet item 9 is above 0.
    let s = score(
        Instrument::Phq9,
        &items("item", &[1, 0, 1, 0, 1, 0, 0, 0, 1]),
    );
    assert_eq!((s.total, s.band), (Some(4), Some("minimal")));
    assert_eq!(s.risks, vec![RiskKind::SelfHarmThoughts]);
}

#[test]
fn phq9_bands() {
    // 3+3+2+2+2+2+2+2+0 = 18
    let s = score(
        Instrument::Phq9,
        &items("item", &[3, 3, 2, 2, 2, 2, 2, 2, 0]),
    );
    assert_eq!(
        (s.total, s.band, s.risks.len()),
        (Some(18), Some("moderately severe"), 0)
    );
    for (values, band) in [
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], "mild"),
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], "moderate"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], "severe"),
    ] {
        assert_eq!(
            score(Instrument::Phq9, &items("item", &values)).band,
            Some(band)
        );
    }
}

#[test]
fn gad7_bands() {
    assert_eq!(
        score(Instrument::Gad7, &items("item", &[2; 7])).total,
        Some(14)
    );
    assert_eq!(
        score(Instrument::Gad7, &items("item", &[2; 7])).band,
        Some("moderate")
    );
    assert_eq!(
        score(Instrument::Gad7, &items("item", &[3; 7])).band,
        Some("severe")
    );
    assert_eq!(
        score(Instrument::Gad7, &items("item", &[1, 1, 1, 1, 1, 0, 0])).band,
        Some("mild")
    );
    assert_eq!(
        score(Instrument::Gad7, &items("item", &[0; 7])).band,
        Some("minimal")
    );
}

#[test]
fn distress_thermometer_threshold_is_configurable() {
    let four = answers(&[("rating", 4), ("practical.finances", 1)]);
    let three = answers(&[("rating", 3)]);
    assert_eq!(
        score(Instrument::DistressThermometer, &four).risks,
        vec![RiskKind::HighDistress]
    );
    assert!(
        score(Instrument::DistressThermometer, &three)
            .risks
            .is_empty()
    );
    let strict = Cutoffs {
        distress_threshold: 3,
        ..Cutoffs::default()
    };
    let s = Instrument::DistressThermometer
        .score(1, &three, &strict)
        .unwrap();
    assert_eq!(
        (s.band, s.risks),
        (Some("high distress"), vec![RiskKind::HighDistress])
    );
}

#[test]
fn zarit_totals_and_bands() {
    assert_eq!(
        score(Instrument::Zarit22, &items("item", &[1; 22])).band,
        Some("mild to moderate")
    );
    assert_eq!(
        score(Instrument::Zarit22, &items("item", &[0; 22])).band,
        Some("little or none")
    );
    let mut values = [2; 22];
    values[0] = 3;
    values[1] = 0;
    values[2] = 0;
    // 19 × 2 + 3 = 41
    let s = score(Instrument::Zarit22, &items("item", &values));
    assert_eq!((s.total, s.band), (Some(41), Some("moderate to severe")));
    assert_eq!(
        score(Instrument::Zarit22, &items("item", &[4; 22])).band,
        Some("severe")
    );
    let short = score(Instrument::Zarit12, &items("item", &[2; 12]));
    assert_eq!(
        (short.total, short.band),
        (Some(24), None),
        "no bands by default"
    );
}

#[test]
fn ssrs_sub_scores() {
    let a = answers(&[
        ("item1", 2),
        ("item2", 3),
        ("item3", 4),
        ("item4", 1),
        ("item5a", 2),
        ("item5b", 2),
        ("item5c", 3),
        ("item5d", 1),
        ("item5e", 4),
        ("item6", 2),
        ("item7", 3),
        ("item8", 1),
        ("item9", 2),
        ("item10", 3),
    ]);
    let s = score_at(Instrument::Ssrs, 1, &a);
    // objective 3+2+3 = 8; subjective 2+4+1+(2+2+3+1+4) = 19; use 1+2+3 = 6
    assert_eq!(
        s.subscores,
        vec![("objective", 8), ("subjective", 19), ("use", 6)]
    );
    assert_eq!((s.total, s.band), (Some(33), None));
}

#[test]
fn barthel_totals_and_bands() {
    let full = answers(&[
        ("feeding", 10),
        ("bathing", 5),
        ("grooming", 5),
        ("dressing", 10),
        ("bowels", 10),
        ("bladder", 10),
        ("toilet_use", 10),
        ("transfers", 15),
        ("mobility", 15),
        ("stairs", 10),
    ]);
    assert_eq!(
        (
            score(Instrument::Barthel, &full).total,
            score(Instrument::Barthel, &full).band
        ),
        (Some(100), Some("independent"))
    );
    let partly = answers(&[
        ("feeding", 10),
        ("bathing", 0),
        ("grooming", 5),
        ("dressing", 5),
        ("bowels", 10),
        ("bladder", 10),
        ("toilet_use", 5),
        ("transfers", 10),
        ("mobility", 10),
        ("stairs", 0),
    ]);
    assert_eq!(score(Instrument::Barthel, &partly).total, Some(65));
    assert_eq!(
        score(Instrument::Barthel, &partly).band,
        Some("mild dependence")
    );
    let none: Answers = full.keys().map(|k| (k.clone(), 0)).collect();
    assert_eq!(
        score(Instrument::Barthel, &none).band,
        Some("severe dependence")
    );
}

#[test]
fn cssrs_version_1_risk_levels_and_skip_logic() {
    let low = answers(&[("q1_wish_dead", 1), ("q2_thoughts", 0), ("q6_behaviour", 0)]);
    assert_eq!(score_at(Instrument::Cssrs, 1, &low).band, Some("low"));
    let moderate = answers(&[
        ("q1_wish_dead", 1),
        ("q2_thoughts", 1),
        ("q3_method", 1),
        ("q4_intent", 0),
        ("q5_plan", 0),
        ("q6_behaviour", 0),
    ]);
    assert_eq!(
        score_at(Instrument::Cssrs, 1, &moderate).band,
        Some("moderate")
    );
    let intent = answers(&[
        ("q1_wish_dead", 1),
        ("q2_thoughts", 1),
        ("q3_method", 0),
        ("q4_intent", 1),
        ("q5_plan", 0),
        ("q6_behaviour", 0),
    ]);
    let s = score_at(Instrument::Cssrs, 1, &intent);
    assert_eq!(
        (s.band, s.risks),
        (Some("high"), vec![RiskKind::HighSuicideRisk])
    );
    let behaviour = answers(&[("q1_wish_dead", 0), ("q2_thoughts", 0), ("q6_behaviour", 1)]);
    assert_eq!(
        score_at(Instrument::Cssrs, 1, &behaviour).risks,
        vec![RiskKind::HighSuicideRisk]
    );
}

/// The screener as published (version 2), one worked case per band.
#[test]
fn cssrs_every_band_of_the_published_screener() {
    let no_ideation = [("q1_wish_dead", 0), ("q2_thoughts", 0)];
    let case = |extra: &[(&str, i32)]| {
        let mut a = answers(extra);
        for (q, v) in no_ideation {
            a.entry(q.to_owned()).or_insert(v);
        }
        let s = score(Instrument::Cssrs, &a);
        (s.band.unwrap(), s.risks)
    };
    // No to everything: none (version 1 read this as low).
    assert_eq!(case(&[("q6_behaviour_lifetime", 0)]), ("none", vec![]));
    // A wish to be dead, no thoughts: low.
    assert_eq!(
        case(&[("q1_wish_dead", 1), ("q6_behaviour_lifetime", 0)]),
        ("low", vec![])
    );
    // Thoughts with a method, no intent or plan: moderate.
    let method = [
        ("q1_wish_dead", 1),
        ("q2_thoughts", 1),
        ("q3_method", 1),
        ("q4_intent", 0),
        ("q5_plan", 0),
        ("q6_behaviour_lifetime", 0),
    ];
    assert_eq!(case(&method), ("moderate", vec![]));
    // An attempt five years ago, nothing now: moderate, and no flag.
    assert_eq!(
        case(&[("q6_behaviour_lifetime", 1), ("q6a_within_three_months", 0)]),
        ("moderate", vec![])
    );
    // Behaviour within the past three months: high, and the flag.
    assert_eq!(
        case(&[("q6_behaviour_lifetime", 1), ("q6a_within_three_months", 1)]),
        ("high", vec![RiskKind::HighSuicideRisk])
    );
    // Intent, or a plan: high, and the flag.
    for (q, other) in [("q4_intent", "q5_plan"), ("q5_plan", "q4_intent")] {
        assert_eq!(
            case(&[
                ("q1_wish_dead", 1),
                ("q2_thoughts", 1),
                ("q3_method", 0),
                (q, 1),
                (other, 0),
                ("q6_behaviour_lifetime", 0),
            ]),
            ("high", vec![RiskKind::HighSuicideRisk]),
            "{q}"
        );
    }
    // The follow-up is asked only after a yes, and then must be answered.
    let cut = Cutoffs::default();
    let unasked = answers(&[
        ("q1_wish_dead", 0),
        ("q2_thoughts", 0),
        ("q6_behaviour_lifetime", 0),
        ("q6a_within_three_months", 1),
    ]);
    let refused = Instrument::Cssrs.score(2, &unasked, &cut).unwrap_err();
    assert!(
        refused.names("answers.q6a_within_three_months"),
        "{refused:?}"
    );
    let missing = answers(&[
        ("q1_wish_dead", 0),
        ("q2_thoughts", 0),
        ("q6_behaviour_lifetime", 1),
    ]);
    let refused = Instrument::Cssrs.score(2, &missing, &cut).unwrap_err();
    assert!(
        refused.names("answers.q6a_within_three_months"),
        "{refused:?}"
    );
    // Version 1's question is not version 2's.
    let old_item = answers(&[("q1_wish_dead", 0), ("q2_thoughts", 0), ("q6_behaviour", 1)]);
    let refused = Instrument::Cssrs.score(2, &old_item, &cut).unwrap_err();
    assert!(refused.names("answers.q6_behaviour"), "{refused:?}");
    assert!(
        refused.names("answers.q6_behaviour_lifetime"),
        "{refused:?}"
    );
}

/// SSRS version 2: the sources named, scored as their number (0 for none).
#[test]
fn ssrs_sources_are_named_and_counted() {
    let mut a = answers(&[
        ("item1", 2),
        ("item2", 3),
        ("item3", 4),
        ("item4", 1),
        ("item5a", 2),
        ("item5b", 2),
        ("item5c", 3),
        ("item5d", 1),
        ("item5e", 4),
        // Practical help from the spouse and the work unit; comfort from no one.
        ("item6_spouse", 1),
        ("item6_work_unit", 1),
        ("item7_none", 1),
        ("item8", 1),
        ("item9", 2),
        ("item10", 3),
    ]);
    let s = score(Instrument::Ssrs, &a);
    // objective 3+2+0 = 5; subjective 2+4+1+(2+2+3+1+4) = 19; use 1+2+3 = 6
    assert_eq!(
        s.subscores,
        vec![("objective", 5), ("subjective", 19), ("use", 6)]
    );
    assert_eq!(s.total, Some(30));
    // An unticked box may be sent as 0.
    a.insert("item6_friends".into(), 0);
    assert_eq!(score(Instrument::Ssrs, &a).total, Some(30));

    let cut = Cutoffs::default();
    // "None" with a source: refused, naming the none.
    let mut both = a.clone();
    both.insert("item7_friends".into(), 1);
    let refused = Instrument::Ssrs.score(2, &both, &cut).unwrap_err();
    assert!(refused.names("answers.item7_none"), "{refused:?}");
    // Nothing ticked at all: refused, naming the item.
    let mut neither = a.clone();
    neither.remove("item7_none");
    let refused = Instrument::Ssrs.score(2, &neither, &cut).unwrap_err();
    assert!(refused.names("answers.item7"), "{refused:?}");
    // Version 1's count is not version 2's answer, and the other way round.
    let mut counted = a.clone();
    counted.insert("item6".into(), 2);
    assert!(
        Instrument::Ssrs
            .score(2, &counted, &cut)
            .unwrap_err()
            .names("answers.item6")
    );
    assert!(
        Instrument::Ssrs
            .score(1, &a, &cut)
            .unwrap_err()
            .names("answers.item6_spouse")
    );
}

#[test]
fn bad_answers_are_refused_naming_the_item() {
    let cut = Cutoffs::default();
    let mut missing = items("item", &[0; 9]);
    missing.remove("item5");
    assert!(
        Instrument::Phq9
            .score(1, &missing, &cut)
            .unwrap_err()
            .names("answers.item5")
    );
    let mut out_of_range = items("item", &[0; 9]);
    out_of_range.insert("item1".into(), 4);
    assert!(
        Instrument::Phq9
            .score(1, &out_of_range, &cut)
            .unwrap_err()
            .names("answers.item1")
    );
    let mut unknown = items("item", &[0; 9]);
    unknown.insert("item10".into(), 0);
    assert!(
        Instrument::Phq9
            .score(1, &unknown, &cut)
            .unwrap_err()
            .names("answers.item10")
    );
    let skipped = answers(&[
        ("q1_wish_dead", 1),
        ("q2_thoughts", 0),
        ("q3_method", 1),
        ("q6_behaviour", 0),
    ]);
    assert!(
        Instrument::Cssrs
            .score(1, &skipped, &cut)
            .unwrap_err()
            .names("answers.q3_method")
    );
    let unasked = answers(&[("q1_wish_dead", 1), ("q2_thoughts", 1), ("q6_behaviour", 0)]);
    assert!(
        Instrument::Cssrs
            .score(1, &unasked, &cut)
            .unwrap_err()
            .names("answers.q4_intent")
    );
    let mut barthel: Answers = BARTHEL_ITEMS.iter().map(|k| (k.to_string(), 0)).collect();
    barthel.insert("bathing".into(), 10);
    assert!(
        Instrument::Barthel
            .score(1, &barthel, &cut)
            .unwrap_err()
            .names("answers.bathing")
    );
    assert!(
        Instrument::DistressThermometer
            .score(1, &answers(&[("rating", 11)]), &cut)
            .unwrap_err()
            .names("answers.rating")
    );
}

const BARTHEL_ITEMS: [&str; 10] = [
    "feeding",
    "bathing",
    "grooming",
    "dressing",
    "bowels",
    "bladder",
    "toilet_use",
    "transfers",
    "mobility",
    "stairs",
];

#[test]
fn ids_round_trip_and_versions_are_stated() {
    for instrument in Instrument::ALL {
        assert_eq!(Instrument::parse(instrument.id()), Some(instrument));
        assert!(instrument.has_version(1), "version 1 stays");
        assert_eq!(Some(&instrument.version()), instrument.versions().last());
    }
}

proptest! {
    /// Any valid PHQ-9: the total is the sum, a band always applies, and the flag is
    /// raised exactly when item 9 is above 0.
    #[test]
    fn phq9_scores_any_valid_answers(values in prop::collection::vec(0..=3i32, 9)) {
        let s = score(Instrument::Phq9, &items("item", &values));
        prop_assert_eq!(s.total, Some(values.iter().sum()));
        prop_assert!(s.band.is_some());
        prop_assert_eq!(s.risks.contains(&RiskKind::SelfHarmThoughts), values[8] > 0);
    }
}

/// Fills in `definition` as a client would: an answer for each item that is asked
/// (skip logic honoured), optional items sometimes left out, checkboxes ticked or
/// left out (and "none" ticked exactly when no other box of its group is), choices
/// from `picks`.
fn fill(definition: &Definition, picks: &[usize]) -> Answers {
    let mut filled = Answers::new();
    let all = definition.sections.iter().flat_map(|s| &s.items);
    for (n, item) in all.clone().enumerate() {
        if let Some((on, value)) = &item.shown_if
            && filled.get(on) != Some(value)
        {
            continue;
        }
        let pick = picks[n % picks.len()];
        if let Some(group) = &item.choice_group {
            if !item.exclusive && pick.is_multiple_of(3) {
                filled.insert(item.id.clone(), 1);
            }
            let last_of_group = all
                .clone()
                .rfind(|i| i.choice_group.as_ref() == Some(group))
                .is_some_and(|last| last.id == item.id);
            let ticked = all
                .clone()
                .any(|i| i.choice_group.as_ref() == Some(group) && filled.get(&i.id) == Some(&1));
            if last_of_group && !ticked {
                let none = all
                    .clone()
                    .find(|i| i.choice_group.as_ref() == Some(group) && i.exclusive)
                    .expect("a group has its none");
                filled.insert(none.id.clone(), 1);
            }
            continue;
        }
        if item.optional && pick.is_multiple_of(2) {
            continue;
        }
        filled.insert(
            item.id.clone(),
            item.options[pick % item.options.len()].value,
        );
    }
    filled
}

proptest! {
    /// For every instrument: any form filled in as asked scores; leaving out an item,
    /// answering outside its options, or adding an item it does not have is refused,
    /// naming that item.
    #[test]
    fn every_instrument_scores_its_form_and_names_each_broken_item(
        which in 0..Instrument::ALL.len(),
        oldest in any::<bool>(),
        picks in prop::collection::vec(0usize..1000, 1..40),
        victim in 0usize..1000,
    ) {
        let instrument = Instrument::ALL[which];
        let version = if oldest { instrument.versions()[0] } else { instrument.version() };
        let definition = instrument.definition_at(version);
        let cut = Cutoffs::default();
        let filled = fill(&definition, &picks);
        prop_assert!(instrument.score(version, &filled, &cut).is_ok(), "{:?}", filled);

        let required: Vec<&Item> = definition
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| !i.optional && filled.contains_key(&i.id))
            .collect();
        let item = required[victim % required.len()];
        let field = format!("answers.{}", item.id);

        let mut missing = filled.clone();
        missing.remove(&item.id);
        prop_assert!(instrument.score(version, &missing, &cut).unwrap_err().names(&field));

        let mut out_of_range = filled.clone();
        let beyond = item.options.iter().map(|o| o.value).max().unwrap() + 1;
        out_of_range.insert(item.id.clone(), beyond);
        prop_assert!(instrument.score(version, &out_of_range, &cut).unwrap_err().names(&field));

        let mut unknown = filled;
        unknown.insert("not_an_item".into(), 0);
        prop_assert!(instrument.score(version, &unknown, &cut).unwrap_err().names("answers.not_an_item"));
    }
}
