//! The C-SSRS screener: six yes/no questions (1 = yes, 0 = no) with skip logic. If the
//! answer to suicidal thoughts (q2) is no, the questions on method, intent and plan
//! (q3 to q5) are skipped and must not be answered.

use crate::Violations;
use crate::assessment::instruments::check;
use crate::assessment::score::{Answers, RiskKind, Score};

const ALWAYS: [&str; 3] = ["q1_wish_dead", "q2_thoughts", "q6_behaviour"];
const IF_THOUGHTS: [&str; 3] = ["q3_method", "q4_intent", "q5_plan"];

pub(crate) fn score(v: &mut Violations, answers: &Answers) -> Score {
    let thoughts = answers.get("q2_thoughts").copied() == Some(1);
    let mut asked: Vec<(String, Vec<i32>)> =
        ALWAYS.iter().map(|q| (q.to_string(), vec![0, 1])).collect();
    if thoughts {
        asked.extend(IF_THOUGHTS.iter().map(|q| (q.to_string(), vec![0, 1])));
    } else {
        for q in IF_THOUGHTS {
            if answers.contains_key(q) {
                v.add(
                    format!("answers.{q}"),
                    "is skipped when q2_thoughts is no; leave it out",
                );
            }
        }
    }
    let relevant: Answers = answers
        .iter()
        .filter(|(id, _)| thoughts || !IF_THOUGHTS.contains(&id.as_str()))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    check(v, &relevant, &asked, &[]);
    let yes = |q: &str| answers.get(q).copied() == Some(1);
    let (band, risks) = if (thoughts && (yes("q4_intent") || yes("q5_plan"))) || yes("q6_behaviour")
    {
        ("high", vec![RiskKind::HighSuicideRisk])
    } else if thoughts && yes("q3_method") {
        ("moderate", Vec::new())
    } else {
        ("low", Vec::new())
    };
    Score {
        band: Some(band),
        risks,
        ..Default::default()
    }
}
