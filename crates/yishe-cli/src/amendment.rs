//! What an amendment sends: the contract replaces an assessment's whole content, so the
//! command starts from the version being corrected and changes only what was given.
//! A narrative or psychosocial part left out is kept, not erased.

use yishe_proto::assessment::{Assessment, InstrumentResponse, PsychosocialAssessment};

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

/// The amended content, or why there is nothing to amend.
pub(crate) fn amended(current: Assessment, changes: Changes) -> Result<Assessment, String> {
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
            Some(existing) if !whole => existing.answers.extend(given.answers),
            Some(existing) => *existing = given,
            None => amended.responses.push(given),
        }
    }
    Ok(amended)
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

    #[test]
    fn what_was_not_given_is_kept() {
        let changes = Changes {
            responses: vec![response("phq9", 2, &[("item9", 0)])],
            ..Default::default()
        };
        let amended = amended(current(), changes).unwrap();
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
        let amended = amended(current(), changes).unwrap();
        assert_eq!(amended.narrative, "", "an empty narrative given is meant");
        assert_eq!(amended.responses[0].version, 2);
        assert_eq!(amended.responses[0].answers.len(), 1);
    }

    #[test]
    fn nothing_given_is_refused() {
        assert!(amended(current(), Changes::default()).is_err());
    }
}
