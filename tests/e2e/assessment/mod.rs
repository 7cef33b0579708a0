//! Assessments end to end: the forms, a submission scored on the server, the risk
//! escalation the HIS sees without any answers, the supervisor's acknowledgement,
//! amendments, the comparison, and who may do what. One behaviour per test; the
//! helpers below set up the case each one starts from.

mod amendments;
mod forms;
mod permissions;
mod risk;
mod submissions;
mod versions;

use std::time::Duration;

use tokio_stream::StreamExt;
use yishe_proto::assessment::*;
use yishe_proto::common;
use yishe_proto::referral::{GetReferralRequest, Referral, ReferralEvent};

use crate::support::{Assessments, Station, TestApp};

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

/// PHQ-9 answers, item 1 to item 9.
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

/// Submits `request` as the holder of `key` and returns the recorded assessment.
async fn submit(app: &TestApp, key: &str, request: SubmitAssessmentRequest) -> Assessment {
    app.assessments(Some(key))
        .submit_assessment(request)
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap()
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

/// A ROUTINE referral assigned to the station's worker, and their PHQ-9 of it with
/// item 9 at 1 and a total of 4: minimal by the total, a risk all the same.
pub(crate) async fn risky_assessment(app: &TestApp, station: &Station) -> (Referral, Assessment) {
    let referral = station
        .assigned_referral(app, "risk-1", common::Priority::Routine)
        .await;
    let request = submission(&referral, "a-1", vec![phq9([3, 0, 0, 0, 0, 0, 0, 0, 1])]);
    let assessment = submit(app, &station.worker_key, request).await;
    (referral, assessment)
}

/// The open risk flags the holder of `key` may see.
async fn open_flags(app: &TestApp, key: &str) -> Vec<RiskFlag> {
    app.assessments(Some(key))
        .list_risk_flags(ListRiskFlagsRequest {
            open_only: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .risk_flags
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
            .into_event()
            .unwrap();
        if event.referral_id == referral {
            return event;
        }
    }
}
