//! Who may read and record a referral's assessments: its assigned worker and the
//! station's supervisors, nobody else; every refusal audited.

use tonic::Code;
use yishe_proto::assessment::*;
use yishe_proto::common;
use yishe_proto::referral::{AcceptReferralRequest, Referral};

use super::{phq9, submission, submit};
use crate::support::{Station, TestApp, code, e2e, refusal};

/// A referral assigned to the station's worker, with one assessment of it.
async fn assessed(app: &TestApp, station: &Station) -> (Referral, Assessment) {
    let referral = station
        .assigned_referral(app, "perm-1", common::Priority::Urgent)
        .await;
    let request = submission(&referral, "a-1", vec![phq9([0; 9])]);
    let assessment = submit(app, &station.worker_key, request).await;
    (referral, assessment)
}

async fn the_his_the_auditor_and_ops_are_refused_every_method(app: TestApp, station: Station) {
    let (referral, submitted) = assessed(&app, &station).await;
    let (rid, aid) = (referral.id.clone(), submitted.assessment_id.clone());
    for key in [&station.his_key, &station.auditor_key, &station.ops_key] {
        let mut c = app.assessments(Some(key));
        let codes = [
            refusal(&c.list_instruments(ListInstrumentsRequest {}).await),
            refusal(
                &c.get_instrument(GetInstrumentRequest {
                    instrument_id: "phq9".into(),
                    version: 0,
                })
                .await,
            ),
            refusal(
                &c.submit_assessment(submission(&referral, "his-1", vec![phq9([0; 9])]))
                    .await,
            ),
            refusal(
                &c.get_assessment(GetAssessmentRequest {
                    assessment_id: aid.clone(),
                    version: 0,
                })
                .await,
            ),
            refusal(
                &c.list_assessments(ListAssessmentsRequest {
                    referral_id: rid.clone(),
                    ..Default::default()
                })
                .await,
            ),
            refusal(
                &c.amend_assessment(AmendAssessmentRequest {
                    assessment_id: aid.clone(),
                    etag: "1".into(),
                    reason: "x".into(),
                    ..Default::default()
                })
                .await,
            ),
            refusal(
                &c.compare_assessments(CompareAssessmentsRequest {
                    referral_id: rid.clone(),
                })
                .await,
            ),
            refusal(&c.list_risk_flags(ListRiskFlagsRequest::default()).await),
            refusal(
                &c.acknowledge_risk_flag(AcknowledgeRiskFlagRequest::default())
                    .await,
            ),
        ];
        for refused in codes {
            assert_eq!(refused, (Code::PermissionDenied, "ROLE_NOT_ALLOWED".into()));
        }
    }
}

async fn a_worker_the_referral_is_not_assigned_to_finds_nothing(app: TestApp, station: Station) {
    let (referral, submitted) = assessed(&app, &station).await;
    let (rid, aid) = (referral.id.clone(), submitted.assessment_id.clone());
    let mut junior = app.assessments(Some(&station.junior_key));
    let get = GetAssessmentRequest {
        assessment_id: aid,
        version: 0,
    };
    assert_eq!(
        refusal(&junior.get_assessment(get).await),
        (Code::NotFound, "REFERRAL_NOT_FOUND".into())
    );
    let list = ListAssessmentsRequest {
        referral_id: rid.clone(),
        ..Default::default()
    };
    assert_eq!(
        refusal(&junior.list_assessments(list).await),
        (Code::NotFound, "REFERRAL_NOT_FOUND".into())
    );
    let compare = CompareAssessmentsRequest { referral_id: rid };
    assert_eq!(
        refusal(&junior.compare_assessments(compare).await),
        (Code::NotFound, "REFERRAL_NOT_FOUND".into())
    );
    let submit = submission(&referral, "j-1", vec![phq9([0; 9])]);
    assert_eq!(
        refusal(&junior.submit_assessment(submit).await),
        (Code::NotFound, "REFERRAL_NOT_FOUND".into())
    );
    // The refusals are audited.
    let refused = app
        .db
        .texts("SELECT outcome FROM audit_log WHERE action = 'assessment.get' AND outcome <> 'ok'")
        .await
        .unwrap();
    assert_eq!(refused, ["not_found"]);
}

async fn the_inbox_is_not_enough_but_a_supervisor_may(app: TestApp, station: Station) {
    let inbox = crate::support::create_referral(&app, &station, "perm-2").await;
    let inbox = app
        .referrals(Some(&station.supervisor_key))
        .accept_referral(AcceptReferralRequest {
            referral_id: inbox.id.clone(),
            etag: inbox.etag,
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let unassigned = app
        .assessments(Some(&station.junior_key))
        .submit_assessment(submission(&inbox, "j-2", vec![phq9([0; 9])]))
        .await;
    assert_eq!(
        refusal(&unassigned),
        (Code::PermissionDenied, "NOT_ASSIGNED".into())
    );
    let by_supervisor = app
        .assessments(Some(&station.supervisor_key))
        .submit_assessment(submission(&inbox, "s-1", vec![phq9([0; 9])]))
        .await;
    assert_eq!(code(&by_supervisor), Code::Ok);
}

e2e!(
    the_his_the_auditor_and_ops_are_refused_every_method,
    a_worker_the_referral_is_not_assigned_to_finds_nothing,
    the_inbox_is_not_enough_but_a_supervisor_may,
);
