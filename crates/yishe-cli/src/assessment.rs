//! `yishe assessment …`

use serde_json::{Value, json};
use yishe_proto::assessment::*;

use crate::args::{AssessmentCommand, AssessmentContent, Output};
use crate::client::Connection;
use crate::enums::short;
use crate::failure::Failure;
use crate::output::{record, rows, time};

fn risks(kinds: &[i32]) -> Vec<String> {
    kinds
        .iter()
        .map(|k| {
            short(
                "RISK_KIND_",
                RiskKind::try_from(*k).unwrap_or_default().as_str_name(),
            )
        })
        .collect()
}

/// A score as people read it: `9 mild`, or just the band of an instrument without a
/// total (`low`).
fn score(total: Option<i32>, band: &str) -> String {
    match total {
        Some(total) if band.is_empty() => total.to_string(),
        Some(total) => format!("{total} {band}"),
        None => band.to_owned(),
    }
}

pub(crate) fn assessment_json(a: &Assessment) -> Value {
    json!({
        "id": a.assessment_id,
        "referral_id": a.referral_id,
        "version": a.version,
        "current_version": a.current_version,
        "etag": a.etag,
        "assess_time": time(&a.assess_time),
        "record_time": time(&a.record_time),
        "risks": risks(&a.risks),
        "responses": a.responses.iter().map(|r| json!({
            "instrument": r.instrument_id,
            "total": r.total,
            "band": r.band,
            "subscores": r.subscores.iter().map(|s| format!("{}={}", s.name, s.value)).collect::<Vec<_>>(),
            "risks": risks(&r.risks),
            "answers": r.answers.iter().collect::<std::collections::BTreeMap<_, _>>(),
        })).collect::<Vec<_>>(),
        "psychosocial": a.psychosocial.as_ref().map(psychosocial_json),
        "narrative": a.narrative,
        "amendment_reason": a.amendment_reason,
    })
}

fn psychosocial_json(p: &PsychosocialAssessment) -> Value {
    json!({
        "caregiver_availability": short("CAREGIVER_AVAILABILITY_", p.caregiver_availability().as_str_name()),
        "family_notes": p.family_notes,
        "insurance": short("INSURANCE_SCHEME_", p.insurance().as_str_name()),
        "financial_hardship": short("FINANCIAL_HARDSHIP_", p.financial_hardship().as_str_name()),
        "economic_notes": p.economic_notes,
        "discharge_destination": short("DISCHARGE_DESTINATION_", p.discharge_destination().as_str_name()),
        "housing_notes": p.housing_notes,
        "emotional_state": p.emotional_state,
        "social_support": p.social_support,
        "illness_understanding": short("ILLNESS_UNDERSTANDING_", p.illness_understanding().as_str_name()),
        "illness_notes": p.illness_notes,
        "cultural_spiritual": p.cultural_spiritual,
        "problems": p.problems.iter().map(|x| format!(
            "{} ({}): {} [problem_id {}]",
            short("PROBLEM_CATEGORY_", x.category().as_str_name()),
            short("SEVERITY_", x.severity().as_str_name()),
            x.description,
            x.problem_id
        )).collect::<Vec<_>>(),
    })
}

/// The patient (name, ward and bed) and the assigned worker of a referral.
async fn case_of(c: &Connection, referral_id: &str) -> Result<(String, String), Failure> {
    let referral = c
        .referrals()
        .get_referral(yishe_proto::referral::GetReferralRequest {
            referral_id: referral_id.to_owned(),
            break_glass_reason: String::new(),
        })
        .await?
        .into_inner()
        .referral
        .unwrap_or_default();
    let patient = referral.patient.unwrap_or_default();
    let place = [patient.ward, patient.bed]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let patient = if place.is_empty() {
        patient.name
    } else {
        format!("{} ({place})", patient.name)
    };
    let worker = if referral.assigned_worker_name.is_empty() {
        "(未分派)".to_owned()
    } else {
        referral.assigned_worker_name
    };
    Ok((patient, worker))
}

pub(crate) fn flag_json(f: &RiskFlag) -> Value {
    json!({
        "id": f.risk_flag_id,
        "referral_id": f.referral_id,
        "assessment_id": f.assessment_id,
        "assessment_version": f.assessment_version,
        "instrument": f.instrument_id,
        "kind": short("RISK_KIND_", f.kind().as_str_name()),
        "raise_time": time(&f.raise_time),
        "state": short("RISK_FLAG_STATE_", f.state().as_str_name()),
        "acknowledge_time": time(&f.acknowledge_time),
        "acknowledgement_note": f.acknowledgement_note,
        "etag": f.etag,
    })
}

fn form_json(i: &Instrument) -> Value {
    json!({
        "id": i.instrument_id,
        "version": i.version,
        "title": i.title,
        "wording_source": i.wording_source,
        "items": i.sections.iter().flat_map(|s| &s.items).map(|item| json!({
            "item": item.item_id,
            "prompt": item.prompt,
            "answers": item.options.iter().map(|o| format!("{}={}", o.value, o.label)).collect::<Vec<_>>(),
            "asked_if": item.shown_if.as_ref().map(|r| format!("{}={}", r.item_id, r.value)).unwrap_or_default(),
            "optional": item.optional,
            // A checkbox of a question (`item6`); "none" clears the others.
            "checkbox_of": if item.exclusive { format!("{} (none)", item.choice_group) } else { item.choice_group.clone() },
        })).collect::<Vec<_>>(),
    })
}

/// The content flags as the parts of a request.
async fn content(
    c: &Connection,
    content: &AssessmentContent,
) -> Result<
    (
        Vec<InstrumentResponse>,
        Option<PsychosocialAssessment>,
        Option<prost_types::Timestamp>,
    ),
    Failure,
> {
    let responses = crate::answers::gather(content, c).await?;
    let psychosocial = content
        .psychosocial_file
        .as_deref()
        .map(crate::psychosocial::read)
        .transpose()?;
    let assessed_at = content
        .assessed_at
        .as_deref()
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(t)
                .map(|t| prost_types::Timestamp {
                    seconds: t.timestamp(),
                    nanos: t.timestamp_subsec_nanos() as i32,
                })
                .map_err(|e| Failure::local(format!("--assessed-at {t:?}: {e}")))
        })
        .transpose()?;
    Ok((responses, psychosocial, assessed_at))
}

fn one(output: Output, a: Option<Assessment>) {
    record(output, assessment_json(&a.unwrap_or_default()));
}

pub(crate) async fn run(command: AssessmentCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.assessments();
    match command {
        AssessmentCommand::Instruments => {
            let list = client
                .list_instruments(ListInstrumentsRequest {})
                .await?
                .into_inner()
                .instruments;
            let values = list.iter().map(form_json).collect();
            rows(
                c.output,
                values,
                &["id", "version", "title", "wording_source"],
                None,
            );
        }
        AssessmentCommand::Show { instrument } => {
            let form = crate::answers::form(c, &instrument).await?;
            match c.output {
                Output::Table => {
                    println!(
                        "{} ({}, version {})",
                        form.title, form.instrument_id, form.version
                    );
                    let items = form_json(&form)["items"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    rows(
                        c.output,
                        items,
                        &[
                            "item",
                            "prompt",
                            "answers",
                            "asked_if",
                            "optional",
                            "checkbox_of",
                        ],
                        None,
                    );
                }
                _ => record(c.output, form_json(&form)),
            }
        }
        AssessmentCommand::Submit(s) => {
            let (responses, psychosocial, assess_time) = content(c, &s.content).await?;
            let request_id = s
                .request_id
                .unwrap_or_else(|| format!("cli-{}", uuid::Uuid::now_v7()));
            let done = client
                .submit_assessment(SubmitAssessmentRequest {
                    referral_id: s.referral_id,
                    request_id,
                    responses,
                    psychosocial,
                    narrative: s.content.narrative.unwrap_or_default(),
                    assess_time,
                })
                .await?
                .into_inner();
            let assessment = done.assessment.unwrap_or_default();
            record(c.output, assessment_json(&assessment));
            if c.output == Output::Table {
                println!();
                for line in crate::risk_words::summary(&assessment) {
                    println!("{line}");
                }
            }
        }
        AssessmentCommand::Get { id, version } => {
            let found = client
                .get_assessment(GetAssessmentRequest {
                    assessment_id: id,
                    version,
                })
                .await?
                .into_inner();
            one(c.output, found.assessment);
        }
        AssessmentCommand::List {
            referral_id,
            page_size,
            page_token,
        } => {
            let page = client
                .list_assessments(ListAssessmentsRequest {
                    referral_id,
                    page_size,
                    page_token,
                })
                .await?
                .into_inner();
            let values = page
                .assessments
                .iter()
                .map(|a| {
                    let mut v = assessment_json(a);
                    v["scores"] = json!(
                        a.responses
                            .iter()
                            .map(|r| format!("{} {}", r.instrument_id, score(r.total, &r.band)))
                            .collect::<Vec<_>>()
                    );
                    v
                })
                .collect();
            rows(
                c.output,
                values,
                &["id", "assess_time", "version", "scores", "risks", "etag"],
                Some(("next_page_token", page.next_page_token)),
            );
        }
        AssessmentCommand::Amend(a) => {
            let (responses, psychosocial, assess_time) = content(c, &a.content).await?;
            // The version the etag names: a later one makes the server refuse the
            // amendment (ABORTED), so nothing is built on a version the user did not read.
            let current = client
                .get_assessment(GetAssessmentRequest {
                    assessment_id: a.id.clone(),
                    version: 0,
                })
                .await?
                .into_inner()
                .assessment
                .unwrap_or_default();
            let changes = crate::amendment::Changes {
                responses,
                replace_whole: a
                    .content
                    .interactive
                    .then(|| a.content.instrument.clone())
                    .flatten(),
                psychosocial,
                narrative: a.content.narrative,
                assess_time,
            };
            // The forms the corrected answers were given on, to drop what they skip.
            let mut forms = std::collections::HashMap::new();
            for given in &changes.responses {
                let version = current
                    .responses
                    .iter()
                    .find(|r| r.instrument_id == given.instrument_id)
                    .map_or(given.version, |r| r.version);
                let form = crate::answers::form_at(c, &given.instrument_id, version).await?;
                forms.insert(given.instrument_id.clone(), form);
            }
            let amended =
                crate::amendment::amended(current, changes, &forms).map_err(Failure::local)?;
            let done = client
                .amend_assessment(AmendAssessmentRequest {
                    assessment_id: a.id,
                    etag: a.etag,
                    reason: a.reason,
                    responses: amended.responses,
                    psychosocial: amended.psychosocial,
                    narrative: amended.narrative,
                    assess_time: amended.assess_time,
                })
                .await?
                .into_inner();
            one(c.output, done.assessment);
        }
        AssessmentCommand::Compare { referral_id } => {
            let comparisons = client
                .compare_assessments(CompareAssessmentsRequest { referral_id })
                .await?
                .into_inner()
                .comparisons;
            let point = |p: &Option<ScorePoint>| {
                let p = p.clone().unwrap_or_default();
                format!(
                    "{} ({}, form v{})",
                    score(p.total, &p.band),
                    time(&p.assess_time),
                    p.instrument_version
                )
            };
            let mut values = Vec::new();
            for cmp in &comparisons {
                let row = |change: Option<&ScoreChange>| {
                    json!({
                        "id": cmp.instrument_id,
                        "instrument": cmp.instrument_id,
                        "latest": point(&cmp.latest),
                        "earlier": change.map(|x| point(&x.earlier)).unwrap_or_default(),
                        "change": change.and_then(|x| x.total_change),
                        "band_changed": change.is_some_and(|x| x.band_changed),
                        "trend": change.map(|x| short("TREND_", x.trend().as_str_name())).unwrap_or_default(),
                    })
                };
                if cmp.earlier.is_empty() {
                    values.push(row(None));
                }
                values.extend(cmp.earlier.iter().map(|x| row(Some(x))));
            }
            rows(
                c.output,
                values,
                &[
                    "instrument",
                    "latest",
                    "earlier",
                    "change",
                    "band_changed",
                    "trend",
                ],
                None,
            );
        }
        AssessmentCommand::Risks { referral, open } => {
            let page = client
                .list_risk_flags(ListRiskFlagsRequest {
                    referral_id: referral,
                    open_only: open,
                    page_size: 500,
                    page_token: String::new(),
                })
                .await?
                .into_inner();
            // Whose flag it is: the patient and worker of each referral, read once
            // each (and audited as reads, as any client's would be).
            let mut cases: std::collections::HashMap<String, (String, String)> =
                std::collections::HashMap::new();
            let mut values = Vec::new();
            for flag in &page.risk_flags {
                if !cases.contains_key(&flag.referral_id) {
                    let case = case_of(c, &flag.referral_id).await?;
                    cases.insert(flag.referral_id.clone(), case);
                }
                let (patient, worker) = &cases[&flag.referral_id];
                let mut value = flag_json(flag);
                value["patient"] = json!(patient);
                value["worker"] = json!(worker);
                values.push(value);
            }
            rows(
                c.output,
                values,
                &[
                    "id",
                    "patient",
                    "worker",
                    "instrument",
                    "kind",
                    "raise_time",
                    "state",
                    "referral_id",
                    "etag",
                ],
                Some(("next_page_token", page.next_page_token)),
            );
        }
        AssessmentCommand::Acknowledge { id, etag, note } => {
            let done = client
                .acknowledge_risk_flag(AcknowledgeRiskFlagRequest {
                    risk_flag_id: id,
                    etag,
                    note,
                })
                .await?
                .into_inner();
            record(c.output, flag_json(&done.risk_flag.unwrap_or_default()));
        }
    }
    Ok(())
}
