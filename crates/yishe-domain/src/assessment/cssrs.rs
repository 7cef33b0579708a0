//! The C-SSRS screener: yes/no questions (1 = yes, 0 = no) with skip logic. If the
//! answer to suicidal thoughts (q2) is no, the questions on method, intent and plan
//! (q3 to q5) are skipped and must not be answered.
//!
//! Version 2 is the screener as published: its behaviour question (q6) asks about the
//! whole lifetime, and only when it is yes, whether that was within the past three
//! months (q6a); its triage has a level below low, none, for no to everything.
//! Version 1 asked about behaviour in the past three months only, and read all-no as
//! low; assessments recorded on it keep being scored by its rules.

use crate::Violations;
use crate::assessment::instruments::check;
use crate::assessment::score::{Answers, RiskKind, Score};

const IDEATION: [&str; 2] = ["q1_wish_dead", "q2_thoughts"];
const IF_THOUGHTS: [&str; 3] = ["q3_method", "q4_intent", "q5_plan"];
/// Version 1's behaviour question: the past three months.
const RECENT_BEHAVIOUR: &str = "q6_behaviour";
/// Version 2's behaviour question, over the lifetime, and its follow-up.
const LIFETIME_BEHAVIOUR: &str = "q6_behaviour_lifetime";
const WITHIN_THREE_MONTHS: &str = "q6a_within_three_months";

pub(crate) fn score(v: &mut Violations, version: u32, answers: &Answers) -> Score {
    let yes = |q: &str| answers.get(q).copied() == Some(1);
    let thoughts = yes("q2_thoughts");
    let mut asked: Vec<&str> = IDEATION.to_vec();
    let mut skipped: Vec<(&str, &str)> = Vec::new();
    if thoughts {
        asked.extend(IF_THOUGHTS);
    } else {
        skipped.extend(IF_THOUGHTS.map(|q| (q, "is skipped when q2_thoughts is no")));
    }
    if version == 1 {
        asked.push(RECENT_BEHAVIOUR);
    } else {
        asked.push(LIFETIME_BEHAVIOUR);
        if yes(LIFETIME_BEHAVIOUR) {
            asked.push(WITHIN_THREE_MONTHS);
        } else {
            skipped.push((
                WITHIN_THREE_MONTHS,
                "is asked only when q6_behaviour_lifetime is yes",
            ));
        }
    }
    for (q, why) in &skipped {
        if answers.contains_key(*q) {
            v.add(format!("answers.{q}"), format!("{why}; leave it out"));
        }
    }
    let relevant: Answers = answers
        .iter()
        .filter(|(id, _)| !skipped.iter().any(|(q, _)| q == id))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    let items: Vec<(String, Vec<i32>)> =
        asked.iter().map(|q| (q.to_string(), vec![0, 1])).collect();
    check(v, &relevant, &items, &[]);

    let intent_or_plan = thoughts && (yes("q4_intent") || yes("q5_plan"));
    let method = thoughts && yes("q3_method");
    let band = if version == 1 {
        if intent_or_plan || yes(RECENT_BEHAVIOUR) {
            "high"
        } else if method {
            "moderate"
        } else {
            "low"
        }
    } else {
        let lifetime = yes(LIFETIME_BEHAVIOUR);
        let recent = lifetime && yes(WITHIN_THREE_MONTHS);
        if intent_or_plan || recent {
            "high"
        } else if method || lifetime {
            "moderate"
        } else if IDEATION.iter().any(|q| yes(q)) {
            "low"
        } else {
            "none"
        }
    };
    Score {
        band: Some(band),
        risks: if band == "high" {
            vec![RiskKind::HighSuicideRisk]
        } else {
            Vec::new()
        },
        ..Default::default()
    }
}
