//! Traces over OTLP, across processes, on both engines: `yishe-referral` and
//! `yishe-assessment` run as processes of their own, exporting to an OTLP receiver in
//! the test. An HIS creates a referral in its own trace; a social worker's risky
//! assessment, in another trace, is recorded by the assessment process, and the
//! events it appended reach the referral process through the outbox and the feed: that
//! trace holds the call's span and its transaction from one process and the feed's
//! spans (the relay's and the fan-out's) from the other. No span, span event (a log
//! line inside a span) or status carries the patient's details or the answers.

use std::time::Duration;

use tonic::transport::Channel;
use yishe_proto::assessment::assessment_service_client::AssessmentServiceClient;
use yishe_proto::assessment::*;
use yishe_proto::client::Bearer;
use yishe_proto::common::Priority;
use yishe_proto::referral::referral_service_client::ReferralServiceClient;
use yishe_proto::referral::*;
use yishe_testserver::{
    Beside, Engine, OtlpReceiver, ReceivedSpan, Station, TestApp, workspace_binary,
};

/// What the seeded referral and the assessment say of the patient.
const PATIENT_DETAILS: [&str; 6] = [
    "陈建国",
    "MRN-000123",
    "ZY-2026-0456",
    "139 0000 0000",
    "gastric",
    "item9",
];

const CREATE: &str = "yishe.referral.v1.ReferralService/CreateReferral";
const SUBMIT: &str = "yishe.assessment.v1.AssessmentService/SubmitAssessment";

async fn connect(process: &Beside) -> Channel {
    Channel::from_shared(process.grpc.clone())
        .expect("a valid address")
        .connect()
        .await
        .expect("the process answers")
}

/// The caller's span each traced request names as its parent.
const CALLER_SPAN: &str = "00f067aa0ba902b7";

/// A request in the trace `trace` (a W3C `traceparent` from the caller's span).
fn in_trace<T>(message: T, trace: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{trace}-{CALLER_SPAN}-01").parse().unwrap(),
    );
    request
}

fn of_trace<'a>(
    spans: &'a [ReceivedSpan],
    trace: &'a str,
) -> impl Iterator<Item = &'a ReceivedSpan> {
    spans.iter().filter(move |s| s.trace_id == trace)
}

fn has(spans: &[ReceivedSpan], trace: &str, service: &str, name: &str) -> bool {
    of_trace(spans, trace).any(|s| s.service == service && s.name == name)
}

async fn one_trace_across_the_processes(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    // The test's own server stops (it exports nothing): the referral process relays.
    app.stop().await;
    let receiver = OtlpReceiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let start = |name: &str| {
        let data = dir.path().join(name);
        std::fs::create_dir_all(&data).unwrap();
        Beside::start_with(
            workspace_binary(name).to_str().unwrap(),
            &app,
            &data,
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint.as_str()),
                // Batches out within a tenth of a second, not five.
                ("OTEL_BSP_SCHEDULE_DELAY", "100"),
                // Logging only warnings does not stop the tracing.
                ("YISHE_LOG_LEVEL", "warn"),
            ],
        )
    };
    let referral_process = start("yishe-referral");
    let assessment_process = start("yishe-assessment");
    let (referrals, assessments) = (
        connect(&referral_process).await,
        connect(&assessment_process).await,
    );
    let bearer = |key: &str| Bearer::new(Some(key)).unwrap();

    // The HIS's trace: the create, and the CREATED event it appended.
    let his_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let mut request = station.referral_request(&station.department, "trace-1");
    request.referral.as_mut().unwrap().priority = Priority::Routine as i32;
    let created =
        ReferralServiceClient::with_interceptor(referrals.clone(), bearer(&station.his_key))
            .create_referral(in_trace(request, his_trace))
            .await
            .expect("the referral process creates")
            .into_inner()
            .referral
            .unwrap();
    // Accepted and assigned outside any trace of the test's.
    let mut supervisor =
        ReferralServiceClient::with_interceptor(referrals.clone(), bearer(&station.supervisor_key));
    let accepted = supervisor
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: accepted.id.clone(),
            etag: accepted.etag,
            social_worker_id: station.worker.clone(),
        })
        .await
        .unwrap();

    // The social worker's trace: a risky PHQ-9, recorded by the assessment process.
    let worker_trace = "a3ce929d0e0e47364bf92f3577b34da6";
    let submitted =
        AssessmentServiceClient::with_interceptor(assessments, bearer(&station.worker_key))
            .submit_assessment(in_trace(
                SubmitAssessmentRequest {
                    referral_id: created.id.clone(),
                    request_id: "trace-a1".into(),
                    responses: vec![InstrumentResponse {
                        instrument_id: "phq9".into(),
                        version: 1,
                        answers: (1..=9)
                            .map(|i| (format!("item{i}"), i32::from(i == 9)))
                            .collect(),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                worker_trace,
            ))
            .await
            .expect("the assessment process records")
            .into_inner()
            .assessment
            .unwrap();
    assert_eq!(submitted.risks, vec![RiskKind::SelfHarmThoughts as i32]);

    let complete = |spans: &[ReceivedSpan]| {
        has(spans, his_trace, "yishe-referral", CREATE)
            && has(spans, his_trace, "yishe-referral", "db.transaction")
            && has(spans, his_trace, "yishe-referral", "feed.fan_out")
            && has(spans, worker_trace, "yishe-assessment", SUBMIT)
            && has(spans, worker_trace, "yishe-assessment", "db.transaction")
            && has(spans, worker_trace, "yishe-referral", "feed.relay")
            && has(spans, worker_trace, "yishe-referral", "feed.fan_out")
    };
    let spans = receiver.wait_for(Duration::from_secs(20), complete).await;
    let names = |trace: &str| -> Vec<String> {
        of_trace(&spans, trace)
            .map(|s| format!("{} {}", s.service, s.name))
            .collect()
    };
    assert!(
        complete(&spans),
        "the HIS's trace: {:?}; the worker's: {:?}",
        names(his_trace),
        names(worker_trace)
    );
    // The call's span names its trace for the log lines, and its outcome.
    let submit = of_trace(&spans, worker_trace)
        .find(|s| s.name == SUBMIT)
        .unwrap();
    assert_eq!(submit.attribute("trace_id"), Some(worker_trace));
    assert_eq!(submit.attribute("rpc.grpc.status_code"), Some("0"));
    assert_eq!(submit.attribute("rpc.method"), Some("SubmitAssessment"));
    assert_eq!(
        submit.parent_span_id, CALLER_SPAN,
        "the call's span is a child of the caller's"
    );
    let transaction = of_trace(&spans, worker_trace)
        .find(|s| s.name == "db.transaction" && s.service == "yishe-assessment")
        .unwrap();
    assert!(
        of_trace(&spans, worker_trace).any(|s| s.span_id == transaction.parent_span_id),
        "the transaction's span has its parent in the call's trace"
    );

    for span in &spans {
        let text = format!(
            "{} {:?} {:?} {}",
            span.name, span.attributes, span.events, span.status
        );
        for detail in PATIENT_DETAILS {
            assert!(!text.contains(detail), "{detail} in a span: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_one_trace_across_the_processes() {
    one_trace_across_the_processes(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_one_trace_across_the_processes() {
    one_trace_across_the_processes(Engine::Postgres).await;
}
