//! Assessments end to end: the forms, a submission scored on the server, the risk
//! escalation the HIS sees without any answers, the supervisor's acknowledgement,
//! amendments, the comparison, and who may do what.

use std::time::Duration;

use crate::support::{Assessments, Station, TestApp, bad_fields, code, e2e};
use tokio_stream::StreamExt;
use tonic::Code;
use yishe_proto::assessment::*;
use yishe_proto::common;
use yishe_proto::referral::{
    AcceptReferralRequest, GetReferralRequest, HoldReferralRequest, Referral, ReferralEvent,
    ReferralEventType, ReferralStatus, WatchReferralEventsRequest,
};

async fn a_worker_gets_the_forms_and_an_his_does_not(app: TestApp, station: Station) {
    let mut worker = app.assessments(Some(&station.worker_key));
    let all = worker
        .list_instruments(ListInstrumentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .instruments;
    let ids: Vec<_> = all.iter().map(|i| i.instrument_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "phq9",
            "gad7",
            "distress_thermometer",
            "zarit22",
            "zarit12",
            "ssrs",
            "barthel",
            "cssrs_screener"
        ]
    );

    let phq9 = form(&mut worker, "phq9", 0).await;
    let items: Vec<_> = phq9.sections.iter().flat_map(|s| &s.items).collect();
    assert_eq!(items.len(), 9);
    assert_eq!(items[8].item_id, "item9");
    assert_eq!(
        items[8].options.iter().map(|o| o.value).collect::<Vec<_>>(),
        vec![0, 1, 2, 3]
    );

    let cssrs = form(&mut worker, "cssrs_screener", 1).await;
    let q4 = cssrs.sections[0]
        .items
        .iter()
        .find(|i| i.item_id == "q4_intent")
        .unwrap();
    assert_eq!(
        q4.shown_if,
        Some(SkipRule {
            item_id: "q2_thoughts".into(),
            value: 1
        })
    );

    for (id, version) in [("phq10", 0), ("phq9", 2)] {
        let missing = worker
            .get_instrument(GetInstrumentRequest {
                instrument_id: id.into(),
                version,
            })
            .await;
        assert_eq!(
            missing.unwrap_err().code(),
            tonic::Code::NotFound,
            "{id} v{version}"
        );
    }
    let denied = app
        .assessments(Some(&station.his_key))
        .list_instruments(ListInstrumentsRequest {})
        .await;
    assert_eq!(denied.unwrap_err().code(), tonic::Code::PermissionDenied);
}

/// The form of `instrument` at `version` (0: the current one).
async fn form(client: &mut Assessments, instrument: &str, version: u32) -> Instrument {
    client
        .get_instrument(GetInstrumentRequest {
            instrument_id: instrument.into(),
            version,
        })
        .await
        .unwrap()
        .into_inner()
        .instrument
        .unwrap()
}

fn phq9(values: [i32; 9]) -> InstrumentResponse {
    InstrumentResponse {
        instrument_id: "phq9".into(),
        version: 1,
        answers: (1..=9)
            .map(|i| (format!("item{i}"), values[i - 1]))
            .collect(),
        ..Default::default()
    }
}

fn submission(
    referral: &Referral,
    request_id: &str,
    responses: Vec<InstrumentResponse>,
) -> SubmitAssessmentRequest {
    SubmitAssessmentRequest {
        referral_id: referral.id.clone(),
        request_id: request_id.into(),
        responses,
        narrative: "lives with his wife; worried about the cost of treatment".into(),
        ..Default::default()
    }
}

async fn get_referral(app: &TestApp, key: &str, id: &str) -> Referral {
    app.referrals(Some(key))
        .get_referral(GetReferralRequest {
            referral_id: id.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap()
}

/// The next event of `referral` on a watch stream.
async fn next_event_of(
    events: &mut tonic::Streaming<yishe_proto::referral::WatchReferralEventsResponse>,
    referral: &str,
) -> ReferralEvent {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .expect("an event within 10 s")
            .expect("the stream is open")
            .expect("no error")
            .event
            .unwrap();
        if event.referral_id == referral {
            return event;
        }
    }
}

async fn a_risky_phq9_escalates_and_a_supervisor_acknowledges(app: TestApp, station: Station) {
    let mut feed = app
        .referrals(Some(&station.his_key))
        .watch_referral_events(WatchReferralEventsRequest { after_sequence: 0 })
        .await
        .unwrap()
        .into_inner();
    let referral = station
        .assigned_referral(&app, "risk-1", common::Priority::Routine)
        .await;
    assert_eq!(referral.status, ReferralStatus::Accepted as i32);

    // Item 9 at 1 with a total of 4: minimal by the total, a risk all the same.
    let submitted = app
        .assessments(Some(&station.worker_key))
        .submit_assessment(submission(
            &referral,
            "a-1",
            vec![phq9([3, 0, 0, 0, 0, 0, 0, 0, 1])],
        ))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    let scored = &submitted.responses[0];
    assert_eq!(scored.total, Some(4));
    assert_eq!(scored.band, "minimal");
    assert_eq!(scored.risks, vec![RiskKind::SelfHarmThoughts as i32]);
    assert_eq!(submitted.risks, vec![RiskKind::SelfHarmThoughts as i32]);
    assert_eq!((submitted.version, submitted.etag.as_str()), (1, "1"));

    let now = get_referral(&app, &station.worker_key, &referral.id).await;
    assert_eq!(
        now.status,
        ReferralStatus::InProgress as i32,
        "the first assessment starts the work"
    );
    assert_eq!(
        now.priority,
        common::Priority::Urgent as i32,
        "a risk raises the priority to URGENT"
    );

    // The HIS sees that a risk exists and when, never the answers.
    let mut seen = Vec::new();
    while seen.last() != Some(&(ReferralEventType::RiskFlagRaised as i32)) {
        let event = next_event_of(&mut feed, &referral.id).await;
        if event.r#type == ReferralEventType::RiskFlagRaised as i32 {
            assert_eq!(event.priority, common::Priority::Urgent as i32);
            assert!(event.occur_time.is_some());
            let text = format!("{event:?}");
            for secret in ["item9", "phq9", "SELF_HARM", "worried"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
        seen.push(event.r#type);
    }
    assert_eq!(
        seen,
        [
            ReferralEventType::Created,
            ReferralEventType::Accepted,
            ReferralEventType::Assigned,
            ReferralEventType::Started,
            ReferralEventType::RiskFlagRaised,
        ]
        .map(|t| t as i32)
    );

    // The supervisor finds the open flag and acknowledges it with a note.
    let mut supervisor = app.assessments(Some(&station.supervisor_key));
    let open = supervisor
        .list_risk_flags(ListRiskFlagsRequest {
            open_only: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .risk_flags;
    assert_eq!(open.len(), 1);
    let flag = &open[0];
    assert_eq!(
        (flag.instrument_id.as_str(), flag.kind),
        ("phq9", RiskKind::SelfHarmThoughts as i32)
    );
    assert_eq!(flag.assessment_id, submitted.assessment_id);
    assert!(flag.open);
    assert!(
        app.metrics()
            .await
            .contains("yishe_risk_flags_open{kind=\"SELF_HARM_THOUGHTS\"} 1")
    );

    let ack = |etag: &str, note: &str| AcknowledgeRiskFlagRequest {
        risk_flag_id: flag.risk_flag_id.clone(),
        etag: etag.into(),
        note: note.into(),
    };
    let by_worker = app
        .assessments(Some(&station.worker_key))
        .acknowledge_risk_flag(ack(&flag.etag, "seen"))
        .await;
    assert_eq!(code(&by_worker), Code::PermissionDenied);
    let no_note = supervisor
        .acknowledge_risk_flag(ack(&flag.etag, "  "))
        .await;
    assert_eq!(bad_fields(&no_note.unwrap_err()), ["note"]);
    let stale = supervisor.acknowledge_risk_flag(ack("9", "seen")).await;
    assert_eq!(code(&stale), Code::Aborted);
    let done = supervisor
        .acknowledge_risk_flag(ack(
            &flag.etag,
            "spoke with the patient and the ward; safety plan agreed",
        ))
        .await
        .unwrap()
        .into_inner()
        .risk_flag
        .unwrap();
    assert!(!done.open);
    assert!(done.acknowledge_time.is_some());
    assert_eq!(
        done.acknowledgement_note,
        "spoke with the patient and the ward; safety plan agreed"
    );
    let again = supervisor
        .acknowledge_risk_flag(ack(&done.etag, "again"))
        .await;
    assert_eq!(code(&again), Code::FailedPrecondition);
    let open = supervisor
        .list_risk_flags(ListRiskFlagsRequest {
            open_only: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .risk_flags;
    assert!(
        open.is_empty(),
        "the flag stays open only until acknowledged"
    );
    assert_eq!(
        next_event_of(&mut feed, &referral.id).await.r#type,
        ReferralEventType::RiskFlagAcknowledged as i32
    );

    let metrics = app.metrics().await;
    assert!(
        metrics.contains(
            "yishe_risk_flags_raised_total{instrument=\"phq9\",kind=\"SELF_HARM_THOUGHTS\"} 1"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("yishe_risk_flags_open{kind=\"SELF_HARM_THOUGHTS\"} 0")
            || !metrics.contains("yishe_risk_flags_open{")
    );
    assert!(!metrics.contains(&referral.id));

    // Each step is in the audit log against the referral; the answers are sealed.
    let actions = app
        .db
        .texts(&format!(
            "SELECT action FROM audit_log WHERE resource_id = '{}' ORDER BY id",
            referral.id
        ))
        .await
        .unwrap();
    for action in [
        "assessment.submit",
        "risk_flag.raise",
        "risk_flag.list",
        "risk_flag.acknowledge",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    let stored = app
        .db
        .texts("SELECT content FROM assessment_versions")
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].starts_with("enc:v1:"));
    assert!(!stored[0].contains("item9") && !stored[0].contains("worried"));
}

async fn nobody_else_sees_or_records_assessments(app: TestApp, station: Station) {
    let referral = station
        .assigned_referral(&app, "perm-1", common::Priority::Urgent)
        .await;
    let submitted = app
        .assessments(Some(&station.worker_key))
        .submit_assessment(submission(&referral, "a-1", vec![phq9([0; 9])]))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    let (rid, aid) = (referral.id.clone(), submitted.assessment_id.clone());

    // Every method answers an HIS key, the auditor and ops with PERMISSION_DENIED.
    for key in [&station.his_key, &station.auditor_key, &station.ops_key] {
        let mut c = app.assessments(Some(key));
        let codes = [
            code(&c.list_instruments(ListInstrumentsRequest {}).await),
            code(
                &c.get_instrument(GetInstrumentRequest {
                    instrument_id: "phq9".into(),
                    version: 0,
                })
                .await,
            ),
            code(
                &c.submit_assessment(submission(&referral, "his-1", vec![phq9([0; 9])]))
                    .await,
            ),
            code(
                &c.get_assessment(GetAssessmentRequest {
                    assessment_id: aid.clone(),
                    version: 0,
                })
                .await,
            ),
            code(
                &c.list_assessments(ListAssessmentsRequest {
                    referral_id: rid.clone(),
                    ..Default::default()
                })
                .await,
            ),
            code(
                &c.amend_assessment(AmendAssessmentRequest {
                    assessment_id: aid.clone(),
                    etag: "1".into(),
                    reason: "x".into(),
                    ..Default::default()
                })
                .await,
            ),
            code(
                &c.compare_assessments(CompareAssessmentsRequest {
                    referral_id: rid.clone(),
                })
                .await,
            ),
            code(&c.list_risk_flags(ListRiskFlagsRequest::default()).await),
            code(
                &c.acknowledge_risk_flag(AcknowledgeRiskFlagRequest::default())
                    .await,
            ),
        ];
        assert_eq!(codes, [Code::PermissionDenied; 9]);
    }

    // A worker the referral is not assigned to cannot read or record its assessments.
    let mut junior = app.assessments(Some(&station.junior_key));
    assert_eq!(
        code(
            &junior
                .get_assessment(GetAssessmentRequest {
                    assessment_id: aid.clone(),
                    version: 0
                })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            &junior
                .list_assessments(ListAssessmentsRequest {
                    referral_id: rid.clone(),
                    ..Default::default()
                })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            &junior
                .compare_assessments(CompareAssessmentsRequest {
                    referral_id: rid.clone()
                })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            &junior
                .submit_assessment(submission(&referral, "j-1", vec![phq9([0; 9])]))
                .await
        ),
        Code::NotFound
    );

    // Not even one who sees it in the station's unassigned inbox.
    let inbox = crate::support::create_referral(&app, &station, "perm-2").await;
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let inbox = supervisor
        .accept_referral(AcceptReferralRequest {
            referral_id: inbox.id.clone(),
            etag: inbox.etag,
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let unassigned = junior
        .submit_assessment(submission(&inbox, "j-2", vec![phq9([0; 9])]))
        .await;
    assert_eq!(code(&unassigned), Code::PermissionDenied);
    // The station's supervisors may.
    let by_supervisor = app
        .assessments(Some(&station.supervisor_key))
        .submit_assessment(submission(&inbox, "s-1", vec![phq9([0; 9])]))
        .await;
    assert_eq!(code(&by_supervisor), Code::Ok);
    // The refusals are audited.
    let refused = app
        .db
        .texts("SELECT outcome FROM audit_log WHERE action = 'assessment.get' AND outcome <> 'ok'")
        .await
        .unwrap();
    assert_eq!(refused, ["not_found"]);
}

async fn bad_answers_are_named_and_submissions_are_idempotent(app: TestApp, station: Station) {
    let referral = station
        .assigned_referral(&app, "bad-1", common::Priority::Urgent)
        .await;
    let mut worker = app.assessments(Some(&station.worker_key));

    let mut missing = phq9([0; 9]);
    missing.answers.remove("item3");
    let mut out_of_range = phq9([0; 9]);
    out_of_range.answers.insert("item2".into(), 4);
    out_of_range.instrument_id = "gad7".into();
    let skipped = InstrumentResponse {
        instrument_id: "cssrs_screener".into(),
        version: 1,
        answers: [
            ("q1_wish_dead", 0),
            ("q2_thoughts", 0),
            ("q4_intent", 1),
            ("q6_behaviour", 0),
        ]
        .map(|(k, v)| (k.to_string(), v))
        .into(),
        ..Default::default()
    };
    let unknown = InstrumentResponse {
        instrument_id: "distress_thermometer".into(),
        version: 1,
        answers: [("rating", 5), ("practical.parking", 1)]
            .map(|(k, v)| (k.to_string(), v))
            .into(),
        ..Default::default()
    };
    let mut wrong_version = phq9([0; 9]);
    wrong_version.instrument_id = "barthel".into();
    wrong_version.version = 2;
    let mut request = submission(
        &referral,
        "bad",
        vec![missing, out_of_range, skipped, unknown, wrong_version],
    );
    request.psychosocial = Some(PsychosocialAssessment {
        insurance: 42,
        problems: vec![IdentifiedProblem {
            category: ProblemCategory::Financial as i32,
            ..Default::default()
        }],
        ..Default::default()
    });
    let refused = worker.submit_assessment(request).await.unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    let fields = bad_fields(&refused);
    for field in [
        "responses[0].answers.item3",
        "responses[1].answers.item2",
        "responses[1].answers.item8",
        "responses[2].answers.q4_intent",
        "responses[3].answers.practical.parking",
        "responses[4].version",
        "psychosocial.insurance",
        "psychosocial.problems[0].severity",
    ] {
        assert!(
            fields.iter().any(|f| f == field),
            "{field} not in {fields:?}"
        );
    }
    assert!(
        app.db
            .texts("SELECT id FROM assessments")
            .await
            .unwrap()
            .is_empty(),
        "nothing half-written"
    );

    // A resent submission returns the first; the same id with other answers is refused.
    let mut request = submission(&referral, "same", vec![phq9([1; 9])]);
    request.psychosocial = Some(PsychosocialAssessment {
        insurance: InsuranceScheme::ResidentBasic as i32,
        financial_hardship: FinancialHardship::Severe as i32,
        discharge_destination: DischargeDestination::Undetermined as i32,
        problems: vec![IdentifiedProblem {
            category: ProblemCategory::Financial as i32,
            severity: Severity::Severe as i32,
            description: "cannot pay the deposit".into(),
        }],
        ..Default::default()
    });
    let first = worker
        .submit_assessment(request.clone())
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    let replay = worker
        .submit_assessment(request.clone())
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!(first, replay);
    assert_eq!(first.psychosocial, request.psychosocial);

    // Once the case is on hold, nothing new is recorded, but a replay still answers.
    let current = get_referral(&app, &station.supervisor_key, &referral.id).await;
    app.referrals(Some(&station.supervisor_key))
        .hold_referral(HoldReferralRequest {
            referral_id: referral.id.clone(),
            etag: current.etag,
            note: "patient transferred for surgery".into(),
        })
        .await
        .unwrap();
    let replay = worker.submit_assessment(request.clone()).await.unwrap();
    assert_eq!(replay.into_inner().assessment.unwrap(), first);
    let held = worker
        .submit_assessment(submission(&referral, "while-held", vec![phq9([0; 9])]))
        .await;
    assert_eq!(code(&held), Code::FailedPrecondition);

    request.responses = vec![phq9([2; 9])];
    assert_eq!(
        code(&worker.submit_assessment(request).await),
        Code::AlreadyExists
    );
    assert_eq!(
        app.db
            .texts("SELECT request_id FROM assessments")
            .await
            .unwrap(),
        ["same"]
    );

    // A referral not yet accepted cannot be assessed.
    let waiting = crate::support::create_referral(&app, &station, "bad-2").await;
    let early = app
        .assessments(Some(&station.supervisor_key))
        .submit_assessment(submission(&waiting, "early", vec![phq9([0; 9])]))
        .await;
    assert_eq!(code(&early), Code::FailedPrecondition);
}

async fn amendments_keep_the_original_and_the_comparison_shows_the_change(
    app: TestApp,
    station: Station,
) {
    let referral = station
        .assigned_referral(&app, "cmp-1", common::Priority::Urgent)
        .await;
    let mut worker = app.assessments(Some(&station.worker_key));
    // Recorded afterwards, dated when the referral arrived.
    let mut first = submission(&referral, "first", vec![phq9([2, 2, 2, 2, 2, 2, 2, 2, 0])]);
    first.assess_time = referral.create_time;
    let first = worker
        .submit_assessment(first)
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!(
        (first.responses[0].total, first.responses[0].band.as_str()),
        (Some(16), "moderately severe")
    );
    // 1 on items 1 to 8 and 0 on item 9: 8, mild and no risk.
    let second = worker
        .submit_assessment(submission(
            &referral,
            "second",
            vec![phq9([1, 1, 1, 1, 1, 1, 1, 1, 0])],
        ))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();

    let listed = worker
        .list_assessments(ListAssessmentsRequest {
            referral_id: referral.id.clone(),
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        listed.assessments[0].assessment_id, second.assessment_id,
        "newest first"
    );
    let rest = worker
        .list_assessments(ListAssessmentsRequest {
            referral_id: referral.id.clone(),
            page_size: 1,
            page_token: listed.next_page_token,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest.assessments[0].assessment_id, first.assessment_id);
    assert!(rest.next_page_token.is_empty());

    let compared = worker
        .compare_assessments(CompareAssessmentsRequest {
            referral_id: referral.id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .comparisons;
    assert_eq!(compared.len(), 1);
    let phq = &compared[0];
    assert_eq!(phq.instrument_id, "phq9");
    assert_eq!(phq.latest.as_ref().unwrap().total, Some(8));
    let change = &phq.earlier[0];
    assert_eq!(
        change.earlier.as_ref().unwrap().assessment_id,
        first.assessment_id
    );
    assert_eq!(change.total_change, Some(-8));
    assert!(change.band_changed);
    assert_eq!(change.trend, Trend::Better as i32);

    // A correction: the item 9 answer was 1. It becomes version 2, raises the flag,
    // and version 1 stays readable as it was.
    let amend = |etag: &str, reason: &str| AmendAssessmentRequest {
        assessment_id: second.assessment_id.clone(),
        etag: etag.into(),
        reason: reason.into(),
        responses: vec![phq9([1, 1, 1, 1, 1, 1, 1, 1, 1])],
        narrative: "corrected after re-reading the paper form".into(),
        ..Default::default()
    };
    assert_eq!(
        bad_fields(&worker.amend_assessment(amend("1", "")).await.unwrap_err()),
        ["reason"]
    );
    assert_eq!(
        code(&worker.amend_assessment(amend("7", "item 9 misread")).await),
        Code::Aborted
    );
    let amended = worker
        .amend_assessment(amend("1", "item 9 misread"))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!((amended.version, amended.current_version), (2, 2));
    assert_eq!(amended.amendment_reason, "item 9 misread");
    assert_eq!(
        amended.assess_time, second.assess_time,
        "a correction keeps when the assessment took place"
    );
    assert_eq!(amended.responses[0].total, Some(9));
    assert_eq!(amended.risks, vec![RiskKind::SelfHarmThoughts as i32]);
    assert_eq!(
        code(&worker.amend_assessment(amend("1", "again")).await),
        Code::Aborted,
        "v1 is stale now"
    );
    let original = worker
        .get_assessment(GetAssessmentRequest {
            assessment_id: second.assessment_id.clone(),
            version: 1,
        })
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!((original.version, original.current_version), (1, 2));
    assert_eq!(original.responses[0].total, Some(8));
    assert_eq!(original.narrative, second.narrative);
    let current = worker
        .get_assessment(GetAssessmentRequest {
            assessment_id: second.assessment_id.clone(),
            version: 0,
        })
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!(current, amended);
    let missing = worker
        .get_assessment(GetAssessmentRequest {
            assessment_id: second.assessment_id.clone(),
            version: 3,
        })
        .await;
    assert_eq!(code(&missing), Code::NotFound);
    let flags = worker
        .list_risk_flags(ListRiskFlagsRequest {
            referral_id: referral.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .risk_flags;
    assert_eq!(flags.len(), 1, "the worker sees the flag on their own case");
    assert_eq!(flags[0].assessment_version, 2);
    let compared = worker
        .compare_assessments(CompareAssessmentsRequest {
            referral_id: referral.id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .comparisons;
    assert_eq!(
        compared[0].earlier[0].total_change,
        Some(-7),
        "the comparison uses current versions"
    );
}

/// The station's cut-off and licensed wording, from the configuration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_station_sets_the_distress_threshold_and_the_wording() {
    let wording = tempfile::tempdir().unwrap();
    std::fs::write(
        wording.path().join("distress_thermometer.toml"),
        r#"
instrument = "distress_thermometer"
version = 1
source = "NCCN Distress Thermometer, Chinese version, used with permission"
title = "心理痛苦温度计"
[items.rating]
prompt = "过去一周您的痛苦程度"
"#,
    )
    .unwrap();
    let dir = wording.path().to_path_buf();
    let app = TestApp::spawn_with(crate::support::Engine::Sqlite, move |config| {
        config.assessment.distress_threshold = 6;
        config.assessment.wording_dir = dir;
    })
    .await
    .unwrap();
    let station = Station::seed(&app).await;
    let mut worker = app.assessments(Some(&station.worker_key));
    let form = form(&mut worker, "distress_thermometer", 0).await;
    assert_eq!(form.title, "心理痛苦温度计");
    assert_eq!(form.sections[0].items[0].prompt, "过去一周您的痛苦程度");
    assert_eq!(form.sections[0].items[0].item_id, "rating");
    assert!(form.wording_source.starts_with("NCCN"));

    let referral = station
        .assigned_referral(&app, "dt-1", common::Priority::Routine)
        .await;
    let rating = |value: i32, request_id: &str| {
        submission(
            &referral,
            request_id,
            vec![InstrumentResponse {
                instrument_id: "distress_thermometer".into(),
                version: 1,
                answers: [("rating".to_string(), value)].into(),
                ..Default::default()
            }],
        )
    };
    let five = worker
        .submit_assessment(rating(5, "dt-5"))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert!(
        five.risks.is_empty(),
        "5 is below this station's threshold of 6"
    );
    assert_eq!(five.responses[0].band, "low distress");
    let six = worker
        .submit_assessment(rating(6, "dt-6"))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!(six.risks, vec![RiskKind::HighDistress as i32]);
}

e2e!(
    a_worker_gets_the_forms_and_an_his_does_not,
    a_risky_phq9_escalates_and_a_supervisor_acknowledges,
    nobody_else_sees_or_records_assessments,
    bad_answers_are_named_and_submissions_are_idempotent,
    amendments_keep_the_original_and_the_comparison_shows_the_change,
);
