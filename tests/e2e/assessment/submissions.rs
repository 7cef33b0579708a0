//! A submission: every bad answer named with nothing written, idempotent by request id
//! even after the case moved on, and refused while the case is not open.

use tonic::Code;
use yishe_proto::assessment::*;
use yishe_proto::common;
use yishe_proto::referral::{HoldReferralRequest, Referral};

use super::{get_referral, phq9, submission, submit};
use crate::support::{Station, TestApp, bad_fields, e2e, error_metadata, refusal};

/// A PHQ-9 with psychosocial domains, sent as request `same`.
fn full_submission(referral: &Referral) -> SubmitAssessmentRequest {
    let mut request = submission(referral, "same", vec![phq9([1; 9])]);
    request.psychosocial = Some(PsychosocialAssessment {
        insurance: InsuranceScheme::ResidentBasic as i32,
        financial_hardship: FinancialHardship::Severe as i32,
        discharge_destination: DischargeDestination::Undetermined as i32,
        problems: vec![IdentifiedProblem {
            category: ProblemCategory::Financial as i32,
            severity: Severity::Severe as i32,
            description: "cannot pay the deposit".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    request
}

async fn assigned(app: &TestApp, station: &Station) -> Referral {
    station
        .assigned_referral(app, "bad-1", common::Priority::Urgent)
        .await
}

async fn every_bad_answer_is_named_and_nothing_is_written(app: TestApp, station: Station) {
    let referral = assigned(&app, &station).await;
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
    let refused = app
        .assessments(Some(&station.worker_key))
        .submit_assessment(request)
        .await
        .unwrap_err();
    assert_eq!(
        crate::support::refused(&refused),
        (Code::InvalidArgument, "INVALID_FIELDS".into())
    );
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
}

async fn a_resent_submission_returns_the_first(app: TestApp, station: Station) {
    let referral = assigned(&app, &station).await;
    let request = full_submission(&referral);
    let first = submit(&app, &station.worker_key, request.clone()).await;
    let replay = submit(&app, &station.worker_key, request.clone()).await;
    assert_eq!(first, replay);
    let mut recorded = first.psychosocial.clone().unwrap();
    for problem in &mut recorded.problems {
        assert!(!problem.problem_id.is_empty(), "each problem gets an id");
        problem.problem_id.clear();
    }
    assert_eq!(Some(recorded), request.psychosocial);
    // The same worker signed in with a staff token (another credential of the
    // station): the request id is the station's, so still the first assessment.
    let token = station.token(yishe_proto::directory::Role::SocialWorker);
    let from_token = submit(&app, &token, request.clone()).await;
    assert_eq!(from_token.assessment_id, first.assessment_id);
}

async fn a_held_case_takes_no_new_assessment_but_a_replay_still_answers(
    app: TestApp,
    station: Station,
) {
    let referral = assigned(&app, &station).await;
    let request = full_submission(&referral);
    let first = submit(&app, &station.worker_key, request.clone()).await;
    let current = get_referral(&app, &station.supervisor_key, &referral.id).await;
    app.referrals(Some(&station.supervisor_key))
        .hold_referral(HoldReferralRequest {
            referral_id: referral.id.clone(),
            etag: current.etag,
            note: "patient transferred for surgery".into(),
        })
        .await
        .unwrap();
    assert_eq!(submit(&app, &station.worker_key, request).await, first);
    let held = app
        .assessments(Some(&station.worker_key))
        .submit_assessment(submission(&referral, "while-held", vec![phq9([0; 9])]))
        .await;
    assert_eq!(
        refusal(&held),
        (Code::FailedPrecondition, "WRONG_STATUS".into())
    );
    assert_eq!(error_metadata(&held, "status"), Some("ON_HOLD".into()));
}

async fn a_request_id_used_for_other_answers_is_refused(app: TestApp, station: Station) {
    let referral = assigned(&app, &station).await;
    let mut request = full_submission(&referral);
    submit(&app, &station.worker_key, request.clone()).await;
    request.responses = vec![phq9([2; 9])];
    let reused = app
        .assessments(Some(&station.worker_key))
        .submit_assessment(request)
        .await;
    assert_eq!(
        refusal(&reused),
        (Code::AlreadyExists, "REQUEST_ID_REUSED".into())
    );
    assert_eq!(
        app.db
            .texts("SELECT request_id FROM assessments")
            .await
            .unwrap(),
        ["same"]
    );
}

async fn a_referral_not_yet_accepted_cannot_be_assessed(app: TestApp, station: Station) {
    let waiting = crate::support::create_referral(&app, &station, "bad-2").await;
    let early = app
        .assessments(Some(&station.supervisor_key))
        .submit_assessment(submission(&waiting, "early", vec![phq9([0; 9])]))
        .await;
    assert_eq!(
        refusal(&early),
        (Code::FailedPrecondition, "WRONG_STATUS".into())
    );
}

e2e!(
    every_bad_answer_is_named_and_nothing_is_written,
    a_resent_submission_returns_the_first,
    a_held_case_takes_no_new_assessment_but_a_replay_still_answers,
    a_request_id_used_for_other_answers_is_refused,
    a_referral_not_yet_accepted_cannot_be_assessed,
);
