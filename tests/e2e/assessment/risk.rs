//! A risky PHQ-9: scored on the server, the referral escalated, the HIS told without
//! the answers, the flag open until a supervisor acknowledges it with a note.

use tonic::Code;
use yishe_proto::assessment::*;
use yishe_proto::common;
use yishe_proto::referral::{ReferralEventType, ReferralStatus, WatchReferralEventsRequest};

use super::{get_referral, next_event_of, open_flags, risky_assessment};
use crate::support::{Station, TestApp, bad_fields, e2e, error_metadata, refusal};

async fn a_risk_is_scored_and_flagged_whatever_the_total(app: TestApp, station: Station) {
    let (_, submitted) = risky_assessment(&app, &station).await;
    let scored = &submitted.responses[0];
    assert_eq!(scored.total, Some(4));
    assert_eq!(scored.band, "minimal");
    assert_eq!(scored.risks, vec![RiskKind::SelfHarmThoughts as i32]);
    assert_eq!(submitted.risks, vec![RiskKind::SelfHarmThoughts as i32]);
    assert_eq!((submitted.version, submitted.etag.as_str()), (1, "1"));
}

async fn the_first_assessment_starts_the_work_and_a_risk_makes_it_urgent(
    app: TestApp,
    station: Station,
) {
    let (referral, _) = risky_assessment(&app, &station).await;
    assert_eq!(referral.status, ReferralStatus::Accepted as i32);
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
}

async fn the_his_sees_that_a_risk_exists_and_when_never_the_answers(
    app: TestApp,
    station: Station,
) {
    let (referral, _) = risky_assessment(&app, &station).await;
    let mut feed = app
        .referrals(Some(&station.his_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
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
}

async fn a_supervisor_finds_the_open_flag_and_acknowledges_it(app: TestApp, station: Station) {
    let (referral, submitted) = risky_assessment(&app, &station).await;
    let mut feed = app
        .referrals(Some(&station.his_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
    while next_event_of(&mut feed, &referral.id).await.r#type
        != ReferralEventType::RiskFlagRaised as i32
    {}
    let open = open_flags(&app, &station.supervisor_key).await;
    assert_eq!(open.len(), 1);
    let flag = &open[0];
    assert_eq!(
        (flag.instrument_id.as_str(), flag.kind),
        ("phq9", RiskKind::SelfHarmThoughts as i32)
    );
    assert_eq!(flag.assessment_id, submitted.assessment_id);
    assert_eq!(flag.state(), RiskFlagState::Open);
    #[allow(deprecated)]
    let open = flag.open;
    assert!(open, "the deprecated flag is still filled");
    assert!(
        app.metrics()
            .await
            .contains("yishe_risk_flags_open{kind=\"SELF_HARM_THOUGHTS\",station=\"s1\"} 1")
    );
    // Ops sees how long the flag has waited (the alert pages after two hours).
    app.clock
        .advance(std::time::Duration::from_secs(2 * 3600 + 60));
    let metrics = app.metrics().await;
    let waited = yishe_testserver::metric_value(
        &metrics,
        r#"yishe_risk_flag_oldest_unacknowledged_seconds{kind="SELF_HARM_THOUGHTS",station="s1"}"#,
    );
    assert!(
        (7260.0..7260.0 + 120.0).contains(&waited),
        "the flag has waited {waited} s"
    );

    let done = app
        .assessments(Some(&station.supervisor_key))
        .acknowledge_risk_flag(AcknowledgeRiskFlagRequest {
            risk_flag_id: flag.risk_flag_id.clone(),
            etag: flag.etag.clone(),
            note: "spoke with the patient and the ward; safety plan agreed".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .risk_flag
        .unwrap();
    assert_eq!(done.state(), RiskFlagState::Acknowledged);
    assert!(done.acknowledge_time.is_some());
    assert_eq!(
        done.acknowledgement_note,
        "spoke with the patient and the ward; safety plan agreed"
    );
    assert!(
        open_flags(&app, &station.supervisor_key).await.is_empty(),
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
    assert!(!metrics.contains("yishe_risk_flags_open{"), "{metrics}");
    assert!(!metrics.contains("yishe_risk_flag_oldest_unacknowledged_seconds{"));
    assert!(!metrics.contains(&referral.id));
}

async fn only_a_supervisor_acknowledges_with_a_note_the_flag_as_last_read_once(
    app: TestApp,
    station: Station,
) {
    risky_assessment(&app, &station).await;
    let flag = open_flags(&app, &station.supervisor_key).await.remove(0);
    let ack = |etag: &str, note: &str| AcknowledgeRiskFlagRequest {
        risk_flag_id: flag.risk_flag_id.clone(),
        etag: etag.into(),
        note: note.into(),
    };
    let mut supervisor = app.assessments(Some(&station.supervisor_key));
    let by_worker = app
        .assessments(Some(&station.worker_key))
        .acknowledge_risk_flag(ack(&flag.etag, "seen"))
        .await;
    assert_eq!(
        refusal(&by_worker),
        (Code::PermissionDenied, "ROLE_NOT_ALLOWED".into())
    );
    let no_note = supervisor
        .acknowledge_risk_flag(ack(&flag.etag, "  "))
        .await;
    assert_eq!(bad_fields(&no_note.unwrap_err()), ["note"]);
    let stale = supervisor.acknowledge_risk_flag(ack("9", "seen")).await;
    assert_eq!(refusal(&stale), (Code::Aborted, "STALE_ETAG".into()));
    let done = supervisor
        .acknowledge_risk_flag(ack(&flag.etag, "safety plan agreed"))
        .await
        .unwrap()
        .into_inner()
        .risk_flag
        .unwrap();
    let again = supervisor
        .acknowledge_risk_flag(ack(&done.etag, "again"))
        .await;
    assert_eq!(
        refusal(&again),
        (Code::FailedPrecondition, "ALREADY_ACKNOWLEDGED".into())
    );
    assert_eq!(error_metadata(&again, "status"), None);
}

async fn each_step_is_audited_against_the_referral_and_the_answers_are_sealed(
    app: TestApp,
    station: Station,
) {
    let (referral, _) = risky_assessment(&app, &station).await;
    let flag = open_flags(&app, &station.supervisor_key).await.remove(0);
    app.assessments(Some(&station.supervisor_key))
        .acknowledge_risk_flag(AcknowledgeRiskFlagRequest {
            risk_flag_id: flag.risk_flag_id,
            etag: flag.etag,
            note: "safety plan agreed".into(),
        })
        .await
        .unwrap();
    let actions = app
        .db
        .texts(&format!(
            "SELECT action FROM audit_log WHERE resource_id = '{id}' \
             OR resources LIKE '%\"{id}\"%' ORDER BY id",
            id = referral.id
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

e2e!(
    a_risk_is_scored_and_flagged_whatever_the_total,
    the_first_assessment_starts_the_work_and_a_risk_makes_it_urgent,
    the_his_sees_that_a_risk_exists_and_when_never_the_answers,
    a_supervisor_finds_the_open_flag_and_acknowledges_it,
    only_a_supervisor_acknowledges_with_a_note_the_flag_as_last_read_once,
    each_step_is_audited_against_the_referral_and_the_answers_are_sealed,
);
