//! No leaks: a whole lifecycle with distinctive patient details, with every log line
//! and span of the process captured at TRACE level, and the metrics read; none of the
//! details may appear in any of them, nor in any error message.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use crate::support::{Station, TestApp, e2e, send_referral};
use yishe_proto::referral::*;

const CANARIES: [&str; 6] = [
    "Zhuge Kongming",
    "MRN-LEAK-4242",
    "13700001111",
    "LEAKCANARY-summary",
    "LEAKCANARY-note",
    "LEAKCANARY-hold",
];

/// Everything the process logs, from the first test on.
fn captured() -> Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER
        .get_or_init(|| {
            let buffer = Arc::new(Mutex::new(Vec::new()));
            let sink = buffer.clone();
            tracing_subscriber::fmt()
                .with_env_filter("trace")
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
                .with_ansi(false)
                .with_writer(move || Capture(sink.clone()))
                .init();
            buffer
        })
        .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn a_lifecycle_leaves_no_patient_data_in_logs_spans_or_metrics(
    app: TestApp,
    station: Station,
) {
    let logs = captured();
    let mut request = station.referral_request(&station.department, "leak-1");
    {
        let r = request.referral.as_mut().unwrap();
        let p = r.patient.as_mut().unwrap();
        p.name = CANARIES[0].into();
        p.his_patient_id = CANARIES[1].into();
        p.phone = CANARIES[2].into();
        p.clinical_summary = CANARIES[3].into();
        r.note = CANARIES[4].into();
    }
    let mut his = app.referrals(Some(&station.his_key));
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let created = send_referral(&mut his, request.clone()).await;
    his.create_referral(request.clone()).await.unwrap(); // a replay
    let id = created.id.clone();
    his.get_referral(GetReferralRequest {
        referral_id: id.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let filter = format!("his_patient_id={}", CANARIES[1]);
    supervisor
        .list_referrals(ListReferralsRequest {
            filter,
            ..Default::default()
        })
        .await
        .unwrap();
    let accepted = supervisor
        .accept_referral(AcceptReferralRequest {
            referral_id: id.clone(),
            etag: created.etag,
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let held = supervisor
        .hold_referral(HoldReferralRequest {
            referral_id: id.clone(),
            etag: accepted.etag,
            note: CANARIES[5].into(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let resumed = supervisor
        .resume_referral(ResumeReferralRequest {
            referral_id: id.clone(),
            etag: held.etag,
            note: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    his.cancel_referral(CancelReferralRequest {
        referral_id: id.clone(),
        etag: resumed.etag,
        note: "transferred".into(),
        kind: CancelKind::Withdraw as i32,
        ..Default::default()
    })
    .await
    .unwrap();

    // Refusals must not echo the details either.
    let mut bad = request.clone();
    bad.request_id = "leak-2".into();
    bad.referral
        .as_mut()
        .unwrap()
        .patient
        .as_mut()
        .unwrap()
        .name = format!("{} {}", CANARIES[0], "x".repeat(200));
    let refused = his.create_referral(bad).await.unwrap_err();
    let mut reused = request;
    reused.referral.as_mut().unwrap().note = "changed".into();
    let conflict = his.create_referral(reused).await.unwrap_err();

    let metrics = app.metrics().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let logged = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
    assert!(logged.contains("referral created"), "the capture works");
    assert!(
        logged.contains("sqlx::query"),
        "the capture reaches down to the SQL"
    );
    for canary in CANARIES {
        assert!(!logged.contains(canary), "{canary} leaked into the logs");
        assert!(
            !metrics.contains(canary),
            "{canary} leaked into the metrics"
        );
        assert!(
            !refused.message().contains(canary),
            "{canary} leaked into an error"
        );
        assert!(
            !conflict.message().contains(canary),
            "{canary} leaked into an error"
        );
    }
}

const ASSESSMENT_CANARIES: [&str; 4] = [
    "LEAKCANARY-narrative",
    "LEAKCANARY-family",
    "LEAKCANARY-problem",
    "LEAKCANARY-acknowledged",
];

async fn an_assessment_leaves_no_answers_or_narrative_in_logs_or_metrics(
    app: TestApp,
    station: Station,
) {
    use yishe_proto::assessment::*;
    let logs = captured();
    let referral = station
        .assigned_referral(&app, "leak-a", yishe_proto::common::Priority::Routine)
        .await;
    let mut worker = app.assessments(Some(&station.worker_key));
    let request = SubmitAssessmentRequest {
        referral_id: referral.id.clone(),
        request_id: "leak-a1".into(),
        responses: vec![InstrumentResponse {
            instrument_id: "phq9".into(),
            version: 1,
            answers: (1..=9).map(|i| (format!("item{i}"), 1)).collect(),
            ..Default::default()
        }],
        psychosocial: Some(PsychosocialAssessment {
            family_notes: ASSESSMENT_CANARIES[1].into(),
            problems: vec![IdentifiedProblem {
                category: ProblemCategory::Other as i32,
                severity: Severity::Severe as i32,
                description: ASSESSMENT_CANARIES[2].into(),
                ..Default::default()
            }],
            ..Default::default()
        }),
        narrative: ASSESSMENT_CANARIES[0].into(),
        assess_time: None,
    };
    let submitted = worker
        .submit_assessment(request.clone())
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    worker
        .get_assessment(GetAssessmentRequest {
            assessment_id: submitted.assessment_id,
            version: 0,
        })
        .await
        .unwrap();
    let mut supervisor = app.assessments(Some(&station.supervisor_key));
    let flag = supervisor
        .list_risk_flags(ListRiskFlagsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .risk_flags
        .remove(0);
    supervisor
        .acknowledge_risk_flag(AcknowledgeRiskFlagRequest {
            risk_flag_id: flag.risk_flag_id,
            etag: flag.etag,
            note: ASSESSMENT_CANARIES[3].into(),
        })
        .await
        .unwrap();
    let mut too_long = request;
    too_long.request_id = "leak-a2".into();
    too_long.narrative = format!("{} {}", ASSESSMENT_CANARIES[0], "x".repeat(9000));
    let refused = worker.submit_assessment(too_long).await.unwrap_err();

    let metrics = app.metrics().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let logged = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
    assert!(logged.contains("risk flag raised"), "the capture works");
    for canary in ASSESSMENT_CANARIES {
        assert!(!logged.contains(canary), "{canary} leaked into the logs");
        assert!(
            !metrics.contains(canary),
            "{canary} leaked into the metrics"
        );
        assert!(
            !refused.message().contains(canary),
            "{canary} leaked into an error"
        );
    }
    assert!(
        !logged.contains("\"item9\""),
        "answers leaked into the logs"
    );
}

e2e!(
    a_lifecycle_leaves_no_patient_data_in_logs_spans_or_metrics,
    an_assessment_leaves_no_answers_or_narrative_in_logs_or_metrics,
);
