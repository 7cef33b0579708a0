//! What an amendment sends: the contract replaces an assessment's whole content, so the
//! command starts from the version being corrected and changes only what was given.
//! A narrative or psychosocial part left out is kept, not erased.

use std::collections::HashMap;

use yishe_proto::assessment::{Assessment, Instrument, InstrumentResponse, PsychosocialAssessment};

/// What the command line gave to change.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// Answers per instrument. `replace_whole` names the one answered afresh
    /// (`--interactive`): its earlier answers go, since a changed answer may skip others.
    pub(crate) responses: Vec<InstrumentResponse>,
    pub(crate) replace_whole: Option<String>,
    pub(crate) psychosocial: Option<PsychosocialAssessment>,
    pub(crate) narrative: Option<String>,
    pub(crate) assess_time: Option<prost_types::Timestamp>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.responses.is_empty()
            && self.psychosocial.is_none()
            && self.narrative.is_none()
            && self.assess_time.is_none()
    }
}

/// The amended content, or why there is nothing to amend. `forms` holds the form each
/// amended instrument was answered on, by instrument id: answers it no longer asks for
/// (skipped by a corrected answer, or boxes a ticked "none" excludes) are dropped.
pub(crate) fn amended(
    current: Assessment,
    changes: Changes,
    forms: &HashMap<String, Instrument>,
) -> Result<Assessment, String> {
    if changes.is_empty() {
        return Err(
            "nothing to amend: give --answer, --answers-file, --interactive, \
                    --psychosocial-file, --narrative or --assessed-at"
                .into(),
        );
    }
    let mut amended = Assessment {
        responses: current
            .responses
            .into_iter()
            .map(|r| InstrumentResponse {
                instrument_id: r.instrument_id,
                version: r.version,
                answers: r.answers,
                ..Default::default()
            })
            .collect(),
        psychosocial: changes.psychosocial.or(current.psychosocial),
        narrative: changes.narrative.unwrap_or(current.narrative),
        assess_time: changes.assess_time,
        ..Default::default()
    };
    for given in changes.responses {
        let whole = changes.replace_whole.as_deref() == Some(given.instrument_id.as_str());
        match amended
            .responses
            .iter_mut()
            .find(|r| r.instrument_id == given.instrument_id)
        {
            // Single answers corrected: the form version answered stays.
            Some(existing) if !whole => {
                let mut answers = std::mem::take(&mut existing.answers);
                answers.extend(given.answers.clone());
                existing.answers = match forms.get(&given.instrument_id) {
                    Some(form) => settle(form, answers, &given.answers),
                    None => answers,
                };
            }
            Some(existing) => *existing = given,
            None => amended.responses.push(given),
        }
    }
    Ok(amended)
}

/// `answers` as `form` would have them after the `given` corrections: a ticked box
/// clears the "none" of its group and a ticked "none" the other boxes, and an earlier
/// answer to a question no longer asked goes (with those that hung on it). What the
/// user gave is never dropped: a given answer the form skips, or a "none" given beside
/// a box, goes to the server, which refuses it saying why.
fn settle(
    form: &Instrument,
    mut answers: HashMap<String, i32>,
    given: &HashMap<String, i32>,
) -> HashMap<String, i32> {
    let items: Vec<_> = form.sections.iter().flat_map(|s| &s.items).collect();
    for item in items.iter().filter(|i| given.get(&i.item_id) == Some(&1)) {
        if item.choice_group.is_empty() {
            continue;
        }
        for other in &items {
            let excluded = other.choice_group == item.choice_group
                && other.item_id != item.item_id
                && (item.exclusive || other.exclusive)
                && !given.contains_key(&other.item_id);
            if excluded {
                answers.remove(&other.item_id);
            }
        }
    }
    loop {
        let skipped: Vec<String> = items
            .iter()
            .filter(|i| answers.contains_key(&i.item_id) && !given.contains_key(&i.item_id))
            .filter(|i| {
                i.shown_if
                    .as_ref()
                    .is_some_and(|rule| answers.get(&rule.item_id) != Some(&rule.value))
            })
            .map(|i| i.item_id.clone())
            .collect();
        if skipped.is_empty() {
            return answers;
        }
        for id in skipped {
            answers.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(instrument: &str, version: u32, answers: &[(&str, i32)]) -> InstrumentResponse {
        InstrumentResponse {
            instrument_id: instrument.into(),
            version,
            answers: answers.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            total: Some(9),
            band: "mild".into(),
            ..Default::default()
        }
    }

    fn current() -> Assessment {
        Assessment {
            responses: vec![
                response("phq9", 1, &[("item1", 2), ("item9", 1)]),
                response("ssrs", 1, &[("item1", 3)]),
            ],
            psychosocial: Some(PsychosocialAssessment::default()),
            narrative: "lives alone".into(),
            ..Default::default()
        }
    }

    fn screener() -> Instrument {
        use yishe_proto::assessment::{InstrumentItem, InstrumentSection, SkipRule};
        let item = |id: &str, shown_if: Option<(&str, i32)>, group: &str, exclusive: bool| {
            InstrumentItem {
                item_id: id.into(),
                shown_if: shown_if.map(|(item_id, value)| SkipRule {
                    item_id: item_id.into(),
                    value,
                }),
                choice_group: group.into(),
                exclusive,
                ..Default::default()
            }
        };
        Instrument {
            instrument_id: "cssrs_screener".into(),
            sections: vec![InstrumentSection {
                items: vec![
                    item("q2", None, "", false),
                    item("q3", Some(("q2", 1)), "", false),
                    item("q4", Some(("q3", 1)), "", false),
                    item("item6_none", None, "item6", true),
                    item("item6_spouse", None, "item6", false),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_corrected_answer_drops_what_it_now_skips_and_none_excludes_the_boxes() {
        let current = Assessment {
            responses: vec![response(
                "cssrs_screener",
                2,
                &[("q2", 1), ("q3", 1), ("q4", 0), ("item6_spouse", 1)],
            )],
            ..Default::default()
        };
        let forms = HashMap::from([("cssrs_screener".to_owned(), screener())]);
        let changes = Changes {
            responses: vec![response(
                "cssrs_screener",
                2,
                &[("q2", 0), ("item6_none", 1)],
            )],
            ..Default::default()
        };
        let amended = amended(current, changes, &forms).unwrap();
        let answers = &amended.responses[0].answers;
        assert_eq!(
            answers,
            &HashMap::from([("q2".to_owned(), 0), ("item6_none".to_owned(), 1)])
        );
    }

    #[test]
    fn what_the_user_gave_is_never_dropped() {
        let current = Assessment {
            responses: vec![response("cssrs_screener", 2, &[("q2", 0)])],
            ..Default::default()
        };
        let forms = HashMap::from([("cssrs_screener".to_owned(), screener())]);
        let changes = Changes {
            responses: vec![response(
                "cssrs_screener",
                2,
                &[("q3", 1), ("item6_none", 1), ("item6_spouse", 1)],
            )],
            ..Default::default()
        };
        let amended = amended(current, changes, &forms).unwrap();
        let answers = &amended.responses[0].answers;
        assert_eq!(
            answers.len(),
            4,
            "the server says what is wrong: {answers:?}"
        );
    }

    #[test]
    fn what_was_not_given_is_kept() {
        let changes = Changes {
            responses: vec![response("phq9", 2, &[("item9", 0)])],
            ..Default::default()
        };
        let amended = amended(current(), changes, &HashMap::new()).unwrap();
        assert_eq!(amended.narrative, "lives alone");
        assert!(amended.psychosocial.is_some());
        let phq9 = &amended.responses[0];
        assert_eq!(phq9.version, 1, "the form version answered stays");
        assert_eq!(phq9.answers["item1"], 2);
        assert_eq!(phq9.answers["item9"], 0);
        assert_eq!(phq9.total, None, "scores are the server's to compute");
        assert_eq!(amended.responses[1].answers["item1"], 3);
    }

    #[test]
    fn a_narrative_given_replaces_and_a_form_answered_afresh_replaces_its_answers() {
        let changes = Changes {
            responses: vec![response("phq9", 2, &[("item1", 0)])],
            replace_whole: Some("phq9".into()),
            narrative: Some(String::new()),
            ..Default::default()
        };
        let amended = amended(current(), changes, &HashMap::new()).unwrap();
        assert_eq!(amended.narrative, "", "an empty narrative given is meant");
        assert_eq!(amended.responses[0].version, 2);
        assert_eq!(amended.responses[0].answers.len(), 1);
    }

    #[test]
    fn nothing_given_is_refused() {
        assert!(amended(current(), Changes::default(), &HashMap::new()).is_err());
    }
}
