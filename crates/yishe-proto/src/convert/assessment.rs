//! Assessment messages to and from the domain. Coded answers travel as the domain's
//! names (the wire enum's name without its prefix), so the domain validates them and
//! names an unknown value.

use yishe_domain::assessment::psychosocial::{Problem, ProblemDraft};
use yishe_domain::assessment::{
    self as domain, ASSESSMENT_PAGE, AcknowledgeRiskFlag, AmendAssessment, AssessmentDraft,
    GetAssessment, ListAssessments, ListRiskFlags, Psychosocial, PsychosocialDraft, RISK_FLAG_PAGE,
    ResponseDraft, SubmitAssessment,
};
use yishe_domain::{AssessmentId, ReferralId, RiskFlagId, Violations};

use super::coded::{inbound, outbound};
use super::parse;
use super::time::{from_timestamp, to_timestamp};
use crate::assessment as wire;

pub fn psychosocial_draft(p: wire::PsychosocialAssessment) -> PsychosocialDraft {
    PsychosocialDraft {
        caregiver_availability: inbound!(
            p.caregiver_availability,
            wire::CaregiverAvailability,
            "CAREGIVER_AVAILABILITY_"
        ),
        family_notes: p.family_notes,
        insurance: inbound!(p.insurance, wire::InsuranceScheme, "INSURANCE_SCHEME_"),
        financial_hardship: inbound!(
            p.financial_hardship,
            wire::FinancialHardship,
            "FINANCIAL_HARDSHIP_"
        ),
        economic_notes: p.economic_notes,
        discharge_destination: inbound!(
            p.discharge_destination,
            wire::DischargeDestination,
            "DISCHARGE_DESTINATION_"
        ),
        housing_notes: p.housing_notes,
        emotional_state: p.emotional_state,
        social_support: p.social_support,
        illness_understanding: inbound!(
            p.illness_understanding,
            wire::IllnessUnderstanding,
            "ILLNESS_UNDERSTANDING_"
        ),
        illness_notes: p.illness_notes,
        cultural_spiritual: p.cultural_spiritual,
        problems: p
            .problems
            .into_iter()
            .map(|x| ProblemDraft {
                category: inbound!(x.category, wire::ProblemCategory, "PROBLEM_CATEGORY_"),
                severity: inbound!(x.severity, wire::Severity, "SEVERITY_"),
                description: x.description,
                id: x.problem_id,
            })
            .collect(),
    }
}

pub fn psychosocial_to_proto(p: &Psychosocial) -> wire::PsychosocialAssessment {
    wire::PsychosocialAssessment {
        caregiver_availability: p.caregiver_availability.map_or(0, |c| {
            outbound!(c, wire::CaregiverAvailability, "CAREGIVER_AVAILABILITY_")
        }),
        family_notes: p.family_notes.clone(),
        insurance: p.insurance.map_or(0, |c| {
            outbound!(c, wire::InsuranceScheme, "INSURANCE_SCHEME_")
        }),
        financial_hardship: p.financial_hardship.map_or(0, |c| {
            outbound!(c, wire::FinancialHardship, "FINANCIAL_HARDSHIP_")
        }),
        economic_notes: p.economic_notes.clone(),
        discharge_destination: p.discharge_destination.map_or(0, |c| {
            outbound!(c, wire::DischargeDestination, "DISCHARGE_DESTINATION_")
        }),
        housing_notes: p.housing_notes.clone(),
        emotional_state: p.emotional_state.clone(),
        social_support: p.social_support.clone(),
        illness_understanding: p.illness_understanding.map_or(0, |c| {
            outbound!(c, wire::IllnessUnderstanding, "ILLNESS_UNDERSTANDING_")
        }),
        illness_notes: p.illness_notes.clone(),
        cultural_spiritual: p.cultural_spiritual.clone(),
        problems: p
            .problems
            .iter()
            .map(|x: &Problem| wire::IdentifiedProblem {
                category: outbound!(x.category, wire::ProblemCategory, "PROBLEM_CATEGORY_"),
                severity: outbound!(x.severity, wire::Severity, "SEVERITY_"),
                description: x.description.clone(),
                problem_id: x.id.clone(),
            })
            .collect(),
    }
}

/// An assessment's content as submitted (or amended).
fn assessment_draft(
    responses: Vec<wire::InstrumentResponse>,
    psychosocial: Option<wire::PsychosocialAssessment>,
    narrative: String,
    assess_time: Option<prost_types::Timestamp>,
) -> AssessmentDraft {
    AssessmentDraft {
        responses: responses
            .into_iter()
            .map(|r| ResponseDraft {
                instrument_id: r.instrument_id,
                version: r.version,
                answers: r.answers.into_iter().collect(),
            })
            .collect(),
        psychosocial: psychosocial.map(psychosocial_draft),
        narrative,
        // A timestamp chrono cannot hold is far outside any sensible range: the
        // domain refuses it as before the referral.
        assessed_at: assess_time
            .map(|t| from_timestamp(&t).unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)),
    }
}

fn referral_id(text: &str, v: &mut Violations) -> Option<ReferralId> {
    parse::id("referral_id", text, "a referral id", ReferralId::parse, v)
}

fn assessment_id(text: &str, v: &mut Violations) -> Option<AssessmentId> {
    parse::id(
        "assessment_id",
        text,
        "an assessment id",
        AssessmentId::parse,
        v,
    )
}

pub fn submit_request(r: wire::SubmitAssessmentRequest) -> Result<SubmitAssessment, Violations> {
    let mut v = Violations::new();
    let referral = referral_id(&r.referral_id, &mut v);
    let request_id = v.required_text("request_id", &r.request_id, parse::MAX_REQUEST_ID);
    let draft = assessment_draft(r.responses, r.psychosocial, r.narrative, r.assess_time);
    match referral {
        Some(referral) if v.is_empty() => Ok(SubmitAssessment {
            referral,
            request_id,
            draft,
        }),
        _ => Err(v),
    }
}

pub fn amend_request(r: wire::AmendAssessmentRequest) -> Result<AmendAssessment, Violations> {
    let mut v = Violations::new();
    let id = assessment_id(&r.assessment_id, &mut v);
    let etag = parse::etag("etag", &r.etag, &mut v);
    let draft = assessment_draft(r.responses, r.psychosocial, r.narrative, r.assess_time);
    match (id, etag) {
        (Some(id), Some(etag)) => Ok(AmendAssessment {
            id,
            etag,
            reason: r.reason,
            draft,
        }),
        _ => Err(v),
    }
}

pub fn get_request(r: wire::GetAssessmentRequest) -> Result<GetAssessment, Violations> {
    let mut v = Violations::new();
    match assessment_id(&r.assessment_id, &mut v) {
        Some(id) => Ok(GetAssessment {
            id,
            // 0 asks for the current version.
            version: (r.version > 0).then_some(r.version),
        }),
        None => Err(v),
    }
}

pub fn list_request(r: wire::ListAssessmentsRequest) -> Result<ListAssessments, Violations> {
    let mut v = Violations::new();
    let referral = referral_id(&r.referral_id, &mut v);
    let page = parse::page(
        r.page_size,
        &r.page_token,
        ASSESSMENT_PAGE,
        AssessmentId::parse,
        &mut v,
    );
    match referral {
        Some(referral) if v.is_empty() => Ok(ListAssessments { referral, page }),
        _ => Err(v),
    }
}

pub fn compare_request(r: wire::CompareAssessmentsRequest) -> Result<ReferralId, Violations> {
    let mut v = Violations::new();
    referral_id(&r.referral_id, &mut v).ok_or(v)
}

pub fn list_flags_request(r: wire::ListRiskFlagsRequest) -> Result<ListRiskFlags, Violations> {
    let mut v = Violations::new();
    let referral = parse::optional_id(
        "referral_id",
        &r.referral_id,
        "a referral id",
        ReferralId::parse,
        &mut v,
    );
    let page = parse::page(
        r.page_size,
        &r.page_token,
        RISK_FLAG_PAGE,
        RiskFlagId::parse,
        &mut v,
    );
    v.into_result(ListRiskFlags {
        referral,
        open_only: r.open_only,
        page,
    })
}

pub fn acknowledge_request(
    r: wire::AcknowledgeRiskFlagRequest,
) -> Result<AcknowledgeRiskFlag, Violations> {
    let mut v = Violations::new();
    let id = parse::id(
        "risk_flag_id",
        &r.risk_flag_id,
        "a risk flag id",
        RiskFlagId::parse,
        &mut v,
    );
    let etag = parse::etag("etag", &r.etag, &mut v);
    match (id, etag) {
        (Some(id), Some(etag)) => Ok(AcknowledgeRiskFlag {
            id,
            etag,
            note: r.note,
        }),
        _ => Err(v),
    }
}

/// An instrument's form as a client renders it.
pub fn instrument_to_proto(d: &domain::Definition) -> wire::Instrument {
    wire::Instrument {
        instrument_id: d.instrument.id().to_owned(),
        version: d.version,
        title: d.title.clone(),
        sections: d
            .sections
            .iter()
            .map(|s| wire::InstrumentSection {
                section_id: s.id.clone(),
                title: s.title.clone(),
                items: s
                    .items
                    .iter()
                    .map(|i| wire::InstrumentItem {
                        item_id: i.id.clone(),
                        prompt: i.prompt.clone(),
                        options: i
                            .options
                            .iter()
                            .map(|o| wire::AnswerOption {
                                value: o.value,
                                label: o.label.clone(),
                            })
                            .collect(),
                        shown_if: i
                            .shown_if
                            .clone()
                            .map(|(item_id, value)| wire::SkipRule { item_id, value }),
                        optional: i.optional,
                        choice_group: i.choice_group.clone().unwrap_or_default(),
                        exclusive: i.exclusive,
                    })
                    .collect(),
            })
            .collect(),
        wording_source: d.wording_source.clone(),
    }
}

pub fn risk_kind_to_proto(flag: domain::RiskKind) -> wire::RiskKind {
    wire::RiskKind::from_str_name(&format!("RISK_KIND_{}", flag.as_str()))
        .expect("every risk kind is in the contract")
}

pub fn assessment_to_proto(a: &domain::Assessment) -> wire::Assessment {
    let c = &a.content;
    wire::Assessment {
        assessment_id: a.id.to_string(),
        referral_id: a.referral.to_string(),
        version: a.version,
        current_version: a.current_version,
        responses: c
            .responses
            .iter()
            .map(|r| wire::InstrumentResponse {
                instrument_id: r.instrument.id().to_owned(),
                version: r.version,
                answers: r.answers.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                total: r.total,
                subscores: r
                    .subscores
                    .iter()
                    .map(|(name, value)| wire::Subscore {
                        name: name.clone(),
                        value: *value,
                    })
                    .collect(),
                band: r.band.clone().unwrap_or_default(),
                risks: r
                    .risks
                    .iter()
                    .map(|f| risk_kind_to_proto(*f) as i32)
                    .collect(),
            })
            .collect(),
        psychosocial: c.psychosocial.as_ref().map(psychosocial_to_proto),
        narrative: c.narrative.clone(),
        assess_time: Some(to_timestamp(c.assessed_at)),
        amendment_reason: a.amendment_reason.clone(),
        recorded_by_social_worker_id: a
            .recorded_by_worker
            .map(|w| w.to_string())
            .unwrap_or_default(),
        record_time: Some(to_timestamp(a.recorded_at)),
        create_time: Some(to_timestamp(a.created_at)),
        etag: a.etag().to_string(),
        risks: c
            .risks()
            .into_iter()
            .map(|(_, f)| risk_kind_to_proto(f) as i32)
            .collect(),
    }
}

/// `open` is deprecated for clients (read `state`) and still filled for existing ones.
#[allow(deprecated)]
pub fn risk_flag_to_proto(f: &domain::RiskFlag) -> wire::RiskFlag {
    wire::RiskFlag {
        risk_flag_id: f.id.to_string(),
        referral_id: f.referral.to_string(),
        assessment_id: f.assessment.to_string(),
        assessment_version: f.assessment_version,
        instrument_id: f.instrument.id().to_owned(),
        kind: risk_kind_to_proto(f.kind) as i32,
        raise_time: Some(to_timestamp(f.raised_at)),
        open: f.is_open(),
        state: if f.is_open() {
            wire::RiskFlagState::Open
        } else {
            wire::RiskFlagState::Acknowledged
        } as i32,
        acknowledge_time: f.acknowledgement.as_ref().map(|a| to_timestamp(a.at)),
        acknowledgement_note: f
            .acknowledgement
            .as_ref()
            .map(|a| a.note.clone())
            .unwrap_or_default(),
        etag: f.etag().to_string(),
    }
}

fn point_to_proto(p: &domain::ScorePoint) -> wire::ScorePoint {
    wire::ScorePoint {
        assessment_id: p.assessment.to_string(),
        assessment_version: p.assessment_version,
        assess_time: Some(to_timestamp(p.assessed_at)),
        total: p.total,
        band: p.band.clone().unwrap_or_default(),
        instrument_version: p.instrument_version,
    }
}

pub fn comparison_to_proto(c: &domain::Comparison) -> wire::InstrumentComparison {
    wire::InstrumentComparison {
        instrument_id: c.instrument.id().to_owned(),
        latest: Some(point_to_proto(&c.latest)),
        earlier: c
            .earlier
            .iter()
            .map(|e| wire::ScoreChange {
                earlier: Some(point_to_proto(&e.earlier)),
                total_change: e.total_change,
                band_changed: e.band_changed,
                trend: match e.trend {
                    domain::Trend::Better => wire::Trend::Better,
                    domain::Trend::Worse => wire::Trend::Worse,
                    domain::Trend::Unchanged => wire::Trend::Unchanged,
                } as i32,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yishe_domain::Violations;
    use yishe_domain::assessment::psychosocial::*;

    #[test]
    fn every_code_crosses_the_wire_both_ways() {
        let mut v = Violations::new();
        let p = Psychosocial {
            caregiver_availability: Some(CaregiverAvailability::Limited),
            insurance: Some(InsuranceScheme::MedicalAssistance),
            financial_hardship: Some(FinancialHardship::Severe),
            discharge_destination: Some(DischargeDestination::HomeWithSupport),
            illness_understanding: Some(IllnessUnderstanding::Poor),
            problems: ProblemCategory::ALL
                .iter()
                .zip(Severity::ALL.iter().cycle())
                .map(|(c, s)| Problem {
                    category: *c,
                    severity: *s,
                    description: "d".into(),
                    id: uuid::Uuid::now_v7().to_string(),
                })
                .collect(),
            ..Default::default()
        };
        let back = psychosocial_draft(psychosocial_to_proto(&p)).validate(&mut v, "p");
        assert!(v.is_empty(), "{v:?}");
        assert_eq!(back, p);
        for flag in domain::RiskKind::ALL {
            risk_kind_to_proto(*flag);
        }
    }

    #[test]
    fn unknown_and_unset_codes() {
        let draft = psychosocial_draft(wire::PsychosocialAssessment {
            insurance: 99,
            emotional_state: "calm".into(),
            ..Default::default()
        });
        assert_eq!(draft.insurance, "99");
        assert_eq!(draft.caregiver_availability, "");
        let mut v = Violations::new();
        draft.validate(&mut v, "psychosocial");
        assert!(v.names("psychosocial.insurance"));
    }
}
