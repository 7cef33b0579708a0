//! An assessment as recorded: the instruments answered in one sitting, scored here,
//! the structured psychosocial part and the worker's narrative. A correction never
//! overwrites: it is a new version with a reason, and the earlier ones stay readable.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::assessment::psychosocial::{Psychosocial, PsychosocialDraft};
use crate::assessment::{Answers, Cutoffs, Instrument, RiskKind};
use crate::{AssessmentId, ReferralId, SocialWorkerId, Violations};

/// The longest narrative (the worker's summary of the assessment).
const MAX_NARRATIVE: usize = 8000;
/// The longest reason for an amendment.
const MAX_AMENDMENT_REASON: usize = 1000;
/// The most instruments one sitting records.
const MAX_RESPONSES: usize = 8;

/// One instrument's answers as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResponseDraft {
    pub instrument_id: String,
    /// The version of the form that was answered.
    pub version: u32,
    pub answers: Answers,
}

/// An assessment as submitted (or as an amendment's new content).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AssessmentDraft {
    pub responses: Vec<ResponseDraft>,
    pub psychosocial: Option<PsychosocialDraft>,
    pub narrative: String,
    /// When the assessment took place; the time of submission when left out.
    pub assessed_at: Option<DateTime<Utc>>,
}

/// One instrument, answered and scored on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoredResponse {
    pub instrument: Instrument,
    pub version: u32,
    pub answers: Answers,
    pub total: Option<i32>,
    pub subscores: Vec<(String, i32)>,
    pub band: Option<String>,
    /// Stored under its first name, `flags`, so earlier versions read as recorded.
    #[serde(rename = "flags")]
    pub risks: Vec<RiskKind>,
}

/// What one version of an assessment says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub responses: Vec<ScoredResponse>,
    pub psychosocial: Option<Psychosocial>,
    pub narrative: String,
    pub assessed_at: DateTime<Utc>,
}

impl Content {
    /// The risk flags this content raises, with the instrument that raised each.
    pub fn risks(&self) -> Vec<(Instrument, RiskKind)> {
        self.responses
            .iter()
            .flat_map(|r| r.risks.iter().map(move |f| (r.instrument, *f)))
            .collect()
    }
}

impl AssessmentDraft {
    /// Validates and scores the draft, naming every offending field: an item as
    /// `responses[0].answers.item9`.
    pub fn validate(
        self,
        cutoffs: &Cutoffs,
        earliest: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Content, Violations> {
        let mut v = Violations::new();
        if self.responses.is_empty() && self.psychosocial.is_none() {
            v.add(
                "responses",
                "is empty: answer at least one instrument or record the psychosocial part",
            );
        }
        if self.responses.len() > MAX_RESPONSES {
            v.add(
                "responses",
                format!("holds at most {MAX_RESPONSES} instruments"),
            );
        }
        let mut responses: Vec<ScoredResponse> = Vec::new();
        let mut seen: Vec<Instrument> = Vec::new();
        for (i, r) in self.responses.into_iter().enumerate() {
            let at = format!("responses[{i}]");
            let Some(instrument) = Instrument::parse(r.instrument_id.trim()) else {
                v.add(
                    format!("{at}.instrument_id"),
                    "is not an instrument Yishe scores (see ListInstruments)",
                );
                continue;
            };
            if seen.contains(&instrument) {
                v.add(
                    format!("{at}.instrument_id"),
                    "is answered twice in one assessment",
                );
                continue;
            }
            seen.push(instrument);
            if !instrument.has_version(r.version) {
                v.add(
                    format!("{at}.version"),
                    format!(
                        "must be one of {:?}, the versions of the form Yishe scores (the newest \
                         is {}: see GetInstrument)",
                        instrument.versions(),
                        instrument.version()
                    ),
                );
                continue;
            }
            if cutoffs.retired.contains(&(instrument, r.version)) {
                v.add(
                    format!("{at}.version"),
                    format!(
                        "version {} of {} is retired at this station: answer version {} \
                         (GetInstrument serves it)",
                        r.version,
                        instrument.id(),
                        instrument.version()
                    ),
                );
                continue;
            }
            match instrument.score(r.version, &r.answers, cutoffs) {
                Ok(score) => responses.push(ScoredResponse {
                    instrument,
                    version: r.version,
                    answers: r.answers,
                    total: score.total,
                    subscores: score
                        .subscores
                        .iter()
                        .map(|(name, value)| ((*name).to_owned(), *value))
                        .collect(),
                    band: score.band.map(str::to_owned),
                    risks: score.risks,
                }),
                Err(items) => {
                    for x in items.iter() {
                        v.add(format!("{at}.{}", x.field), &x.description);
                    }
                }
            }
        }
        let psychosocial = self
            .psychosocial
            .map(|p| p.validate(&mut v, "psychosocial"));
        let narrative = v.optional_text("narrative", &self.narrative, MAX_NARRATIVE);
        let assessed_at = self.assessed_at.unwrap_or(now);
        if assessed_at > now + chrono::Duration::minutes(5) {
            v.add("assessed_at", "is in the future");
        }
        if assessed_at < earliest {
            v.add("assessed_at", "is before the referral was made");
        }
        v.into_result(Content {
            responses,
            psychosocial,
            narrative,
            assessed_at,
        })
    }
}

/// Checks the reason of an amendment: required, since a correction of a clinical
/// record must say why.
pub fn amendment_reason(reason: &str) -> Result<String, Violations> {
    let mut v = Violations::new();
    let reason = v.required_text("reason", reason, MAX_AMENDMENT_REASON);
    v.into_result(reason)
}

/// One version of an assessment of a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub id: AssessmentId,
    pub referral: ReferralId,
    /// 1 for the original; each amendment adds one.
    pub version: u32,
    /// The version the record is at now (this one, or a later amendment).
    pub current_version: u32,
    pub content: Content,
    /// Why this version corrects the previous one; empty for the original.
    pub amendment_reason: String,
    /// The caller (credential subject) who recorded this version.
    pub recorded_by: String,
    /// Their social-worker record, when they have one.
    pub recorded_by_worker: Option<SocialWorkerId>,
    pub recorded_at: DateTime<Utc>,
    /// When the original was recorded.
    pub created_at: DateTime<Utc>,
    /// The idempotency key of the original submission, scoped to its caller.
    pub created_by: String,
    pub request_id: String,
}

impl Assessment {
    /// The etag of the record: changes with every amendment.
    pub fn etag(&self) -> crate::Etag {
        crate::Etag::of(self.current_version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phq9(item9: i32, rest: i32) -> ResponseDraft {
        let mut answers: Answers = (1..=8).map(|i| (format!("item{i}"), rest)).collect();
        answers.insert("item9".into(), item9);
        ResponseDraft {
            instrument_id: "phq9".into(),
            version: 1,
            answers,
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-29T10:00:00Z".parse().unwrap()
    }

    fn earliest() -> DateTime<Utc> {
        "2026-11-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn item9_at_1_with_a_total_of_4_flags_self_harm() {
        let mut draft = phq9(1, 0);
        draft.answers.insert("item1".into(), 3);
        let content = AssessmentDraft {
            responses: vec![draft],
            ..Default::default()
        }
        .validate(&Cutoffs::default(), earliest(), now())
        .unwrap();
        let r = &content.responses[0];
        assert_eq!(r.total, Some(4));
        assert_eq!(r.band.as_deref(), Some("minimal"));
        assert_eq!(
            content.risks(),
            vec![(Instrument::Phq9, RiskKind::SelfHarmThoughts)]
        );
        assert_eq!(content.assessed_at, now());
    }

    #[test]
    fn offending_items_are_named_with_their_response() {
        let mut missing = phq9(0, 1);
        missing.answers.remove("item3");
        let mut wrong_version = phq9(0, 1);
        wrong_version.instrument_id = "gad7".into();
        wrong_version.version = 2;
        let unknown = ResponseDraft {
            instrument_id: "bdi".into(),
            ..Default::default()
        };
        let v = AssessmentDraft {
            responses: vec![missing, wrong_version, unknown, phq9(4, 0)],
            assessed_at: Some(now() + chrono::Duration::days(1)),
            ..Default::default()
        }
        .validate(&Cutoffs::default(), earliest(), now())
        .unwrap_err();
        for field in [
            "responses[0].answers.item3",
            "responses[1].version",
            "responses[2].instrument_id",
            "responses[3].instrument_id",
            "assessed_at",
        ] {
            assert!(v.names(field), "{field} not named in {v:?}");
        }
    }

    #[test]
    fn an_assessment_records_something() {
        let v = AssessmentDraft::default()
            .validate(&Cutoffs::default(), earliest(), now())
            .unwrap_err();
        assert!(v.names("responses"));
    }

    #[test]
    fn content_survives_its_stored_form() {
        let content = AssessmentDraft {
            responses: vec![phq9(2, 1)],
            narrative: "lives alone".into(),
            ..Default::default()
        }
        .validate(&Cutoffs::default(), earliest(), now())
        .unwrap();
        let json = serde_json::to_string(&content).unwrap();
        assert_eq!(serde_json::from_str::<Content>(&json).unwrap(), content);
    }
}
