//! Two PHQ-9s of one case: listed newest first, compared over time; and a correction of
//! the second that becomes its next version, keeps the first readable and raises the
//! flag its answers now show.

use tonic::Code;
use yishe_proto::assessment::*;
use yishe_proto::common;
use yishe_proto::referral::Referral;

use super::{phq9, submission, submit};
use crate::support::{Assessments, Station, TestApp, bad_fields, e2e, refusal};

/// A case with two PHQ-9s: 16 (moderately severe, recorded afterwards and dated when
/// the referral arrived), then 8 (mild, no risk). Returns the worker's client too.
async fn two_phq9s(
    app: &TestApp,
    station: &Station,
) -> (Referral, Assessment, Assessment, Assessments) {
    let referral = station
        .assigned_referral(app, "cmp-1", common::Priority::Urgent)
        .await;
    let mut first = submission(&referral, "first", vec![phq9([2, 2, 2, 2, 2, 2, 2, 2, 0])]);
    first.assess_time = referral.create_time;
    let first = submit(app, &station.worker_key, first).await;
    assert_eq!(
        (first.responses[0].total, first.responses[0].band.as_str()),
        (Some(16), "moderately severe")
    );
    let second = submission(&referral, "second", vec![phq9([1, 1, 1, 1, 1, 1, 1, 1, 0])]);
    let second = submit(app, &station.worker_key, second).await;
    let worker = app.assessments(Some(&station.worker_key));
    (referral, first, second, worker)
}

/// The correction of the second assessment: item 9 was 1.
fn correction(second: &Assessment, etag: &str, reason: &str) -> AmendAssessmentRequest {
    AmendAssessmentRequest {
        assessment_id: second.assessment_id.clone(),
        etag: etag.into(),
        reason: reason.into(),
        responses: vec![phq9([1, 1, 1, 1, 1, 1, 1, 1, 1])],
        narrative: "corrected after re-reading the paper form".into(),
        ..Default::default()
    }
}

async fn amend(worker: &mut Assessments, second: &Assessment) -> Assessment {
    worker
        .amend_assessment(correction(second, "1", "item 9 misread"))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap()
}

async fn compare(worker: &mut Assessments, referral: &Referral) -> Vec<InstrumentComparison> {
    worker
        .compare_assessments(CompareAssessmentsRequest {
            referral_id: referral.id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .comparisons
}

async fn a_case_s_assessments_are_listed_newest_first_in_pages(app: TestApp, station: Station) {
    let (referral, first, second, mut worker) = two_phq9s(&app, &station).await;
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
}

async fn the_comparison_shows_the_change_per_instrument(app: TestApp, station: Station) {
    let (referral, first, _, mut worker) = two_phq9s(&app, &station).await;
    let compared = compare(&mut worker, &referral).await;
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
}

async fn a_correction_needs_a_reason_and_the_current_etag(app: TestApp, station: Station) {
    let (_, _, second, mut worker) = two_phq9s(&app, &station).await;
    let no_reason = worker.amend_assessment(correction(&second, "1", "")).await;
    assert_eq!(bad_fields(&no_reason.unwrap_err()), ["reason"]);
    let stale = worker
        .amend_assessment(correction(&second, "7", "item 9 misread"))
        .await;
    assert_eq!(refusal(&stale), (Code::Aborted, "STALE_ETAG".into()));
    amend(&mut worker, &second).await;
    assert_eq!(
        refusal(
            &worker
                .amend_assessment(correction(&second, "1", "again"))
                .await
        ),
        (Code::Aborted, "STALE_ETAG".into()),
        "v1 is stale now"
    );
}

async fn a_correction_is_the_next_version_and_the_original_stays_readable(
    app: TestApp,
    station: Station,
) {
    let (_, _, second, mut worker) = two_phq9s(&app, &station).await;
    let amended = amend(&mut worker, &second).await;
    assert_eq!((amended.version, amended.current_version), (2, 2));
    assert_eq!(amended.amendment_reason, "item 9 misread");
    assert_eq!(
        amended.assess_time, second.assess_time,
        "a correction keeps when the assessment took place"
    );
    assert_eq!(amended.responses[0].total, Some(9));
    assert_eq!(amended.risks, vec![RiskKind::SelfHarmThoughts as i32]);
    let version = |version: u32| GetAssessmentRequest {
        assessment_id: second.assessment_id.clone(),
        version,
    };
    let original = worker
        .get_assessment(version(1))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!((original.version, original.current_version), (1, 2));
    assert_eq!(original.responses[0].total, Some(8));
    assert_eq!(original.narrative, second.narrative);
    let current = worker
        .get_assessment(version(0))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!(current, amended);
    assert_eq!(
        refusal(&worker.get_assessment(version(3)).await),
        (Code::NotFound, "ASSESSMENT_VERSION_NOT_FOUND".into())
    );
}

async fn a_correction_showing_a_risk_flags_it_and_the_comparison_uses_it(
    app: TestApp,
    station: Station,
) {
    let (referral, _, second, mut worker) = two_phq9s(&app, &station).await;
    amend(&mut worker, &second).await;
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
    assert_eq!(
        compare(&mut worker, &referral).await[0].earlier[0].total_change,
        Some(-7),
        "the comparison uses current versions"
    );
}

e2e!(
    a_case_s_assessments_are_listed_newest_first_in_pages,
    the_comparison_shows_the_change_per_instrument,
    a_correction_needs_a_reason_and_the_current_etag,
    a_correction_is_the_next_version_and_the_original_stays_readable,
    a_correction_showing_a_risk_flags_it_and_the_comparison_uses_it,
);
